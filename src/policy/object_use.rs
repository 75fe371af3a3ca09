//! Whether a policy reads the object it is given, decided once when it is compiled.
//!
//! Converting an object to Rhai maps is most of what a call costs, and most policies
//! never look at the object itself: they only hand it to the context
//! (`ctx.containers(object)`), which reads nothing but the object's tag. Such a policy is
//! given a stand-in, an empty map carrying the tag ([`super::value::RunState::stand_in`]).
//!
//! The analysis errs towards "reads": the first parameter of `check` may appear only as
//! the first argument of `ctx.M(...)`, where `ctx` is the second parameter and `M` one of
//! [`OBJECT_METHODS`]. Anything else (a property, an index, a comparison, a helper call,
//! string interpolation, an assignment) reads the object. So does the whole script
//! whenever something could reach the object by another road: a function pointer or
//! closure (a map's function-valued property called as `ctx.M(object)` after `ctx` was
//! rebound), a call that captures the caller's scope (`helper!(...)`), or a function of
//! the script's own named like a context method (it would be called instead).

use rhai::{AST, ASTNode, Array, Dynamic, Expr, FnNamespace, Map, Stmt};

/// The context's methods that read only the tag of the object they are given.
pub const OBJECT_METHODS: [&str; 7] = [
    "containers",
    "volumes",
    "pod_template",
    "namespace",
    "selected_by",
    "services_selecting",
    "pvc",
];

/// Functions that make or call function pointers.
const POINTER_FUNCTIONS: [&str; 3] = ["Fn", "curry", "call"];

/// How Rhai names the functions it makes of closures (no script can name one so).
pub(super) const CLOSURE_PREFIX: &str = "anon$";

/// Whether the policy's `check(object, ctx)` may read `object` other than through the
/// context's tag-reading methods (true when in doubt, or when there is no such `check`).
pub fn reads_object(ast: &AST) -> bool {
    let Some((object, ctx)) = ast
        .iter_functions()
        .find(|f| f.name == "check" && f.params.len() == 2)
        .map(|f| (f.params[0].to_owned(), f.params[1].to_owned()))
    else {
        return true;
    };
    let shadows_method = ast
        .iter_functions()
        .any(|f| OBJECT_METHODS.contains(&f.name) || f.name.starts_with(CLOSURE_PREFIX));
    if shadows_method {
        return true;
    }
    // Every function and the top level: no function pointer, closure or scope capture.
    if !ast.walk(&mut |path: &[ASTNode]| path.last().is_none_or(|node| !is_indirect(node))) {
        return true;
    }
    // Rhai 1.27 copies every function when the filtered copy starts empty (its filter
    // applies only when merging into functions already there), so this walks the helpers
    // too: a use of a helper's variable named like the object reads as a doubt, which
    // errs the safe way.
    let check = ast.clone_functions_only_filtered(|ns, _, _, name, params| {
        ns == FnNamespace::Global && name == "check" && params == 2
    });
    !check.walk(&mut |path: &[ASTNode]| is_allowed(path, &object, &ctx))
}

/// A node through which a value could reach code the analysis does not follow.
pub(super) fn is_indirect(node: &ASTNode) -> bool {
    match node {
        ASTNode::Expr(Expr::FnCall(f, ..) | Expr::MethodCall(f, ..))
        | ASTNode::Stmt(Stmt::FnCall(f, ..)) => {
            f.capture_parent_scope || POINTER_FUNCTIONS.contains(&f.name.as_str())
        }
        ASTNode::Expr(Expr::DynamicConstant(value, ..)) => holds_pointer(value),
        ASTNode::Expr(Expr::Custom(..)) => true,
        _ => false,
    }
}

/// Whether a constant is or holds a function pointer (the optimizer folds `Fn("f")`, and
/// a literal map or array of constants, into one constant).
fn holds_pointer(value: &Dynamic) -> bool {
    if value.is_fnptr() {
        return true;
    }
    if let Some(items) = value.read_lock::<Array>() {
        return items.iter().any(holds_pointer);
    }
    if let Some(fields) = value.read_lock::<Map>() {
        return fields.values().any(holds_pointer);
    }
    false
}

/// Whether the last node of `path` is fine: anything but the object variable, or the
/// object variable as the first argument of `ctx.M(...)`.
fn is_allowed(path: &[ASTNode], object: &str, ctx: &str) -> bool {
    let Some(ASTNode::Expr(node @ Expr::Variable(var, ..))) = path.last() else {
        return true;
    };
    if var.1 != object {
        return true;
    }
    let [.., grandparent, parent, _] = path else {
        return false;
    };
    let (ASTNode::Expr(call @ Expr::MethodCall(f, ..)), ASTNode::Expr(Expr::Dot(dot, ..))) =
        (parent, grandparent)
    else {
        return false;
    };
    OBJECT_METHODS.contains(&f.name.as_str())
        && f.args.first().is_some_and(|a| std::ptr::eq(a, *node))
        && std::ptr::eq(&dot.rhs, *call)
        && matches!(&dot.lhs, Expr::Variable(v, ..) if v.1 == ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::sandbox::engine;

    fn reads(body: &str) -> bool {
        let ast = engine()
            .compile(body)
            .unwrap_or_else(|e| panic!("{body}: {e}"));
        reads_object(&ast)
    }

    #[test]
    fn the_default_policies_do_not_read_their_object() {
        for (name, text) in crate::policy::load::DEFAULTS {
            assert!(!reads(text), "{name}");
        }
    }

    #[test]
    fn handing_the_object_to_the_context_does_not_read_it() {
        for body in [
            "fn check(object, ctx) { ctx.containers(object) }",
            "fn check(o, c) { let t = c.pod_template(o); for v in c.volumes(o) { t = v; } t }",
            "fn check(object, ctx) { ctx.pvc(object, \"data\") ?? ctx.namespace(object) }",
            "fn helper(object) { object.spec } fn check(x, ctx) { helper(ctx.containers(x)) }",
        ] {
            assert!(!reads(body), "{body}");
        }
    }

    #[test]
    fn every_other_use_reads_the_object() {
        for body in [
            "fn check(object, ctx) { object.metadata.name }",
            "fn check(object, ctx) { object[\"spec\"] }",
            "fn check(object, ctx) { `${object}` }",
            "fn check(object, ctx) { type_of(object) }",
            "fn check(object, ctx) { object == () }",
            "fn helper(o) { o.spec } fn check(object, ctx) { helper(object) }",
            "fn check(object, ctx) { let f = || object.spec; f.call() }",
            "fn check(object, ctx) { let f = |x| x; f.call(object) }",
            "fn check(object, ctx) { let o = object; ctx.containers(o) }",
            "fn check(object, ctx) { object = 1; ctx.containers(object) }",
            "fn check(object, ctx) { ctx.get(object) }",
            "fn check(object, ctx) { ctx.containers(ctx, object) }",
            "fn check(object, ctx) { other.containers(object) }",
            "fn check(object, ctx) { containers(ctx, object) }",
            "fn check(object, ctx) { ctx.containers(object.spec) }",
            "fn containers(a, b) { b.spec } fn check(object, ctx) { ctx.containers(object) }",
            "fn peek() { object.spec } fn check(object, ctx) { peek!(); ctx.containers(object) }",
            "fn check(object, ctx) { let ctx = #{ containers: Fn(\"x\") }; ctx.containers(object) }",
            "fn check(object, ctx) { let ctx = #{ containers: |o| o.spec }; ctx.containers(object) }",
            "fn check(object, ctx) { let ctx = [Fn(\"x\")]; ctx[0].call(object) }",
            // A helper's variable named like `check`'s object is a doubt too (the walk
            // covers every function: see `reads_object`).
            "fn helper(x) { x.spec } fn check(x, ctx) { ctx.containers(x) }",
            // Shadowing is not followed: a doubt.
            "fn check(object, ctx) { let object = #{}; object.spec }",
            // Nor are chains that start with a context method.
            "fn check(object, ctx) { ctx.selected_by(object).len() }",
            "fn check(object, ctx) { switch object { _ => 1 } }",
            "fn check(object, ctx) { [object] }",
            "fn check(object, ctx) { #{ o: object } }",
            "fn check(object, ctx) { object }",
            "fn check(object) { 1 }",
            "fn run(object, ctx) { 1 }",
        ] {
            assert!(reads(body), "{body}");
        }
    }
}
