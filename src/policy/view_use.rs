//! Which fields of the pod views a policy reads, decided once when it is compiled.
//!
//! `ctx.containers(o)`, `ctx.volumes(o)` and `ctx.pod_template(o)` give every call its own
//! copy of the views: a policy may change what it is given. Copying each container's whole
//! value for a policy that reads only its `securityContext`, and dropping the copy after,
//! cost the default policies about as much as interpreting them. A policy whose every use
//! of a view names the fields it reads (`at(c, "/value/securityContext")`,
//! `c.value.env[0]`, `template.spec.hostPID`) is given views whose `value` (a template's
//! `spec`) holds only those fields: it never looks anywhere else, so it cannot tell.
//!
//! The analysis errs towards "every field", like [`super::object_use`]. A view is bound by
//! `for c in ctx.containers(o)` / `for v in ctx.volumes(o)` / `let t =
//! ctx.pod_template(o)`, its variable bound nowhere else in the function; the variable may
//! appear only as the first argument of `at` with a literal pointer, at the head of a chain
//! of properties and literal indexes (`c.pointer`, `c.value.env`, `c.value["env"][0]`),
//! compared with `()`, or in `type_of`. Anything else (a view method called another way, a
//! variable handed to a function, stored, printed, returned, reassigned, or the nested
//! value read whole) gives that view every field, and so does the whole script whenever a
//! function pointer, closure, scope capture or custom syntax could reach a view unseen, or
//! the script defines a function named like one the analysis relies on.

use std::collections::HashMap;

use rhai::{AST, ASTNode, Expr, FnCallExpr, Stmt};

use super::object_use::{CLOSURE_PREFIX, OBJECT_METHODS, is_indirect};
use crate::base::Pointer;

/// What a policy may read of a view's nested value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    /// All of it.
    All,
    /// These top-level fields only (sorted, each once).
    Only(Vec<String>),
}

impl Fields {
    fn add(&mut self, other: Fields) {
        match (&mut *self, other) {
            (Fields::All, _) => {}
            (_, Fields::All) => *self = Fields::All,
            (Fields::Only(mine), Fields::Only(theirs)) => {
                mine.extend(theirs);
                mine.sort();
                mine.dedup();
            }
        }
    }
}

/// What a policy reads of each pod view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewReads {
    /// Of each container's `value`.
    pub containers: Fields,
    /// Of each volume's `value`.
    pub volumes: Fields,
    /// Of the template's `spec`.
    pub template: Fields,
}

impl ViewReads {
    /// Every field of every view.
    pub fn all() -> ViewReads {
        ViewReads {
            containers: Fields::All,
            volumes: Fields::All,
            template: Fields::All,
        }
    }

    fn none() -> ViewReads {
        ViewReads {
            containers: Fields::Only(Vec::new()),
            volumes: Fields::Only(Vec::new()),
            template: Fields::Only(Vec::new()),
        }
    }

    fn of(&mut self, view: View) -> &mut Fields {
        match view {
            View::Containers => &mut self.containers,
            View::Volumes => &mut self.volumes,
            View::Template => &mut self.template,
        }
    }
}

/// The three views, by the context method that hands them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Containers,
    Volumes,
    Template,
}

impl View {
    const EVERY: [View; 3] = [View::Containers, View::Volumes, View::Template];

    fn of_method(name: &str) -> Option<View> {
        match name {
            "containers" => Some(View::Containers),
            "volumes" => Some(View::Volumes),
            "pod_template" => Some(View::Template),
            _ => None,
        }
    }

    /// The field holding the Kubernetes value the view wraps (the others are copies of
    /// small scalars and labels, always given whole).
    fn nested(self) -> &'static str {
        match self {
            View::Containers | View::Volumes => "value",
            View::Template => "spec",
        }
    }

    /// A list of views is bound by `for`, the template by `let`.
    fn is_list(self) -> bool {
        self != View::Template
    }
}

/// What `check` and its helpers read of the views; every field when in doubt.
pub fn view_reads(ast: &AST) -> ViewReads {
    let shadows = ast.iter_functions().any(|f| {
        OBJECT_METHODS.contains(&f.name)
            // A script's own `at` would be called instead of the context's (`type_of` is a
            // keyword: no script can define it).
            || f.name == "at"
            || f.name.starts_with(CLOSURE_PREFIX)
    });
    if shadows || !ast.walk(&mut |path: &[ASTNode]| path.last().is_none_or(|n| !is_indirect(n))) {
        return ViewReads::all();
    }
    // One pass over every function and the top level: the variables bound (parameters
    // included), the view bindings, and every call of a view method, each of which must
    // be a binding. A view's variable must be bound nowhere else in the script, so that
    // every use of its name is a use of the view (or an error either way).
    let mut names: HashMap<String, usize> = HashMap::new();
    for f in ast.iter_functions() {
        for p in &f.params {
            *names.entry((*p).to_owned()).or_default() += 1;
        }
    }
    let mut sites: Vec<(View, String)> = Vec::new();
    let mut calls = [0usize; 3];
    ast.walk(&mut |path: &[ASTNode]| {
        let Some(node) = path.last() else {
            return true;
        };
        if let Some(view) = view_call(node) {
            calls[view as usize] += 1;
        }
        if let ASTNode::Stmt(stmt) = node {
            for var in bound_names(stmt) {
                *names.entry(var.to_owned()).or_default() += 1;
            }
            sites.extend(binding(stmt));
        }
        true
    });
    let mut reads = ViewReads::none();
    let mut bound = [0usize; 3];
    for (view, var) in sites {
        bound[view as usize] += 1;
        let fields = if names.get(&var) == Some(&1) {
            fields_read(ast, &var, view)
        } else {
            Fields::All
        };
        reads.of(view).add(fields);
    }
    for view in View::EVERY {
        if bound[view as usize] != calls[view as usize] {
            *reads.of(view) = Fields::All;
        }
    }
    reads
}

/// A call of a view method, in any form.
fn view_call(node: &ASTNode) -> Option<View> {
    match node {
        ASTNode::Expr(Expr::FnCall(f, ..) | Expr::MethodCall(f, ..))
        | ASTNode::Stmt(Stmt::FnCall(f, ..)) => View::of_method(&f.name),
        _ => None,
    }
}

/// The variables a statement binds.
fn bound_names(stmt: &Stmt) -> Vec<&str> {
    match stmt {
        Stmt::Var(x, ..) => vec![x.0.name.as_str()],
        Stmt::For(x, ..) => std::iter::once(&x.0)
            .chain(x.1.as_ref())
            .map(|i| i.name.as_str())
            .collect(),
        Stmt::TryCatch(x, ..) => match &x.expr {
            Expr::Variable(v, ..) => vec![v.1.as_str()],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// `for c in ctx.containers(o)`, `for v in ctx.volumes(o)`, `let t = ctx.pod_template(o)`:
/// the view and the variable bound to it.
fn binding(stmt: &Stmt) -> Option<(View, String)> {
    let (var, expr, list) = match stmt {
        Stmt::For(x, ..) => (&x.0, &x.2.expr, true),
        Stmt::Var(x, ..) => (&x.0, &x.1, false),
        _ => return None,
    };
    let Expr::Dot(dot, ..) = expr else {
        return None;
    };
    let (Expr::Variable(..), Expr::MethodCall(call, ..)) = (&dot.lhs, &dot.rhs) else {
        return None;
    };
    let view = View::of_method(&call.name)?;
    (call.args.len() == 1 && view.is_list() == list).then(|| (view, var.name.to_string()))
}

/// What one use of a view's variable reads: `Some(None)` nothing of the nested value,
/// `Some(Some(field))` one field of it, `None` all of it (or a use not understood).
type Read = Option<Option<String>>;

/// The fields every use of `var` in the script reads.
fn fields_read(ast: &AST, var: &str, view: View) -> Fields {
    let mut fields = Vec::new();
    let understood = ast.walk(&mut |path: &[ASTNode]| {
        let [.., parent, ASTNode::Expr(node @ Expr::Variable(v, ..))] = path else {
            return true;
        };
        if v.1 != var {
            return true;
        }
        let read = match parent {
            ASTNode::Expr(Expr::FnCall(f, ..)) | ASTNode::Stmt(Stmt::FnCall(f, ..)) => {
                argument_read(f, node, view)
            }
            ASTNode::Expr(Expr::Dot(dot, ..)) if std::ptr::eq(&dot.lhs, *node) => {
                chain_read(&dot.rhs, view)
            }
            _ => None,
        };
        match read {
            Some(field) => {
                fields.extend(field);
                true
            }
            None => false,
        }
    });
    if understood {
        let mut all = Fields::Only(Vec::new());
        all.add(Fields::Only(fields));
        all
    } else {
        Fields::All
    }
}

/// The variable as an argument: of `at` with a literal pointer, of a comparison with
/// `()`, of `type_of` (a view is a map however few fields it holds).
fn argument_read(call: &FnCallExpr, node: &Expr, view: View) -> Read {
    let first = call.args.first().is_some_and(|a| std::ptr::eq(a, node));
    match (call.name.as_str(), call.args.as_slice()) {
        ("at", [_, Expr::StringConstant(pointer, ..)]) if first => pointer_read(pointer, view),
        ("==" | "!=", [a, b]) if matches!(a, Expr::Unit(..)) || matches!(b, Expr::Unit(..)) => {
            Some(None)
        }
        ("type_of", [_]) => Some(None),
        _ => None,
    }
}

/// `at(view, pointer)`: an invalid pointer or another field reads nothing of the nested
/// value; the nested value alone, or the whole view, reads all of it.
fn pointer_read(pointer: &str, view: View) -> Read {
    let Some(pointer) = Pointer::parse(pointer) else {
        return Some(None);
    };
    let mut tokens = pointer.tokens();
    match tokens.next() {
        None => None,
        Some(first) if first != view.nested() => Some(None),
        Some(_) => tokens.next().map(|field| Some(field.into_owned())),
    }
}

/// The chain after `view.`: a property, or the nested value followed by a field named
/// literally (`.env`, `["env"]`), or `at` with a literal pointer.
fn chain_read(rhs: &Expr, view: View) -> Read {
    match rhs {
        Expr::Property(p, ..) => (p.2 != view.nested()).then_some(None),
        Expr::MethodCall(call, ..) => match (call.name.as_str(), call.args.as_slice()) {
            ("at", [Expr::StringConstant(pointer, ..)]) => pointer_read(pointer, view),
            _ => None,
        },
        Expr::Dot(step, ..) | Expr::Index(step, ..) => {
            let Expr::Property(p, ..) = &step.lhs else {
                return None;
            };
            if p.2 != view.nested() {
                return Some(None);
            }
            let field = match (rhs, &step.rhs) {
                (Expr::Dot(..), Expr::Property(f, ..)) => &f.2,
                (Expr::Dot(..), Expr::Dot(next, ..) | Expr::Index(next, ..)) => match &next.lhs {
                    Expr::Property(f, ..) => &f.2,
                    _ => return None,
                },
                (Expr::Index(..), Expr::StringConstant(f, ..)) => f,
                (Expr::Index(..), Expr::Dot(next, ..) | Expr::Index(next, ..)) => match &next.lhs {
                    Expr::StringConstant(f, ..) => f,
                    _ => return None,
                },
                _ => return None,
            };
            Some(Some(field.to_string()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::sandbox::engine;

    fn reads(body: &str) -> ViewReads {
        let ast = engine()
            .compile(body)
            .unwrap_or_else(|e| panic!("{body}: {e}"));
        view_reads(&ast)
    }

    fn only(fields: &[&str]) -> Fields {
        Fields::Only(fields.iter().map(|f| (*f).to_owned()).collect())
    }

    #[test]
    fn the_default_policies_read_named_fields_only() {
        let expected = [
            (
                "docker-socket.rhai",
                (only(&[]), only(&["hostPath"]), only(&[])),
            ),
            (
                "host-namespaces.rhai",
                (
                    only(&[]),
                    only(&[]),
                    only(&["hostIPC", "hostNetwork", "hostPID"]),
                ),
            ),
            (
                "privilege-escalation.rhai",
                (only(&["securityContext"]), only(&[]), only(&[])),
            ),
            (
                "privileged-container.rhai",
                (only(&["securityContext"]), only(&[]), only(&[])),
            ),
            (
                "read-only-root-fs.rhai",
                (only(&["securityContext"]), only(&[]), only(&[])),
            ),
            (
                "resources-limits.rhai",
                (only(&["resources"]), only(&[]), only(&[])),
            ),
            (
                "resources-requests.rhai",
                (only(&["resources"]), only(&[]), only(&[])),
            ),
            (
                "run-as-root.rhai",
                (
                    only(&["securityContext"]),
                    only(&[]),
                    only(&["securityContext"]),
                ),
            ),
            (
                "secret-env.rhai",
                (only(&["env", "envFrom"]), only(&[]), only(&[])),
            ),
        ];
        for (name, text) in crate::policy::load::DEFAULTS {
            let (_, (containers, volumes, template)) = expected
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("{name} has no expectation"))
                .clone();
            let want = ViewReads {
                containers,
                volumes,
                template,
            };
            assert_eq!(reads(text), want, "{name}");
        }
    }

    #[test]
    fn named_fields_are_found_in_every_written_form() {
        let found = reads(
            r#"fn check(o, ctx) {
                let t = ctx.pod_template(o);
                if t == () || type_of(t) != "map" { return []; }
                let a = [t.pointer, t.spec_pointer, t.labels, t.replicas, t.spec.a, t.spec["b"]];
                a.push(t.spec.c[0]); a.push(t.spec["d"][1]); a.push(t.spec.e.f); a.push(t?.spec?.g);
                a.push(at(t, "/spec/h/i")); a.push(t.at("/spec/j")); a.push(at(t, "/pointer"));
                a.push(at(t, "not a pointer")); a.push(t.pointer.len());
                for (c, i) in ctx.containers(o) { c.value.k = i; a.push(c.value.k); a.push(c.describe); }
                helper(ctx, o)
            }
            fn helper(ctx, o) { for v in ctx.volumes(o) { at(v, "/value/l") } }"#,
        );
        assert_eq!(
            found,
            ViewReads {
                containers: only(&["k"]),
                volumes: only(&["l"]),
                template: only(&["a", "b", "c", "d", "e", "g", "h", "j"]),
            }
        );
    }

    #[test]
    fn any_other_use_reads_every_field() {
        for (body, view) in [
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t.spec }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); at(t, \"/spec\") }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); at(t, \"\") }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); let f = \"x\"; at(t, `/spec/${f}`) }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); let f = \"x\"; t.spec[f] }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t.spec.keys() }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t.keys() }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t[\"spec\"] }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); `${t}` }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); [t] }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t == #{} }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); let u = t; u.spec.a }",
                View::Template,
            ),
            (
                "fn h(t) { t.spec } fn check(o, ctx) { let t = ctx.pod_template(o); h(t) }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); t = 1; t.spec.a }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { let t = ctx.pod_template(o); let t = 1; t }",
                View::Template,
            ),
            (
                "fn check(o, ctx) { ctx.pod_template(o).spec }",
                View::Template,
            ),
            ("fn check(o, ctx) { pod_template(ctx, o) }", View::Template),
            (
                "let t = 1; fn check(o, ctx) { 1 }  ctx.pod_template(o);",
                View::Template,
            ),
            (
                "fn check(o, ctx) { for c in ctx.containers(o) { c.value } }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { for c in ctx.containers(o) { c.value.len() } }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { for c in ctx.containers(o) { c.value[c.name] } }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { for c in ctx.containers(o) { for x in c.value {} } }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { let cs = ctx.containers(o); for c in cs { c.value.env } }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { ctx.containers(o).len() }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { for c in ctx.containers(o) { c.helper() } } fn helper() { this.value }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { try { o.x } catch (c) { c } for c in ctx.containers(o) { 1 } }",
                View::Containers,
            ),
            (
                "fn check(c, ctx) { for c in ctx.containers(c) { 1 } }",
                View::Containers,
            ),
            (
                "fn check(o, ctx) { for v in ctx.volumes(o) { at(v, \"/value\") } }",
                View::Volumes,
            ),
            (
                "fn check(o, ctx) { for v in ctx.volumes(o) { v.value ?? 1 } }",
                View::Volumes,
            ),
        ] {
            assert_eq!(reads(body).of(view), &Fields::All, "{body}");
        }
    }

    #[test]
    fn indirection_or_shadowing_reads_every_field_of_every_view() {
        for body in [
            "fn check(o, ctx) { let f = |c| c.value; for c in ctx.containers(o) { f.call(c) } }",
            "fn check(o, ctx) { for c in ctx.containers(o) { peek!() } } fn peek() { c.value }",
            "fn check(o, ctx) { for c in ctx.containers(o) { call(Fn(\"x\"), c) } }",
            "fn at(v, p) { v } fn check(o, ctx) { for c in ctx.containers(o) { at(c, \"/value/a\") } }",
            "fn containers(a, b) { 1 } fn check(o, ctx) { 1 }",
        ] {
            assert_eq!(reads(body), ViewReads::all(), "{body}");
        }
    }
}
