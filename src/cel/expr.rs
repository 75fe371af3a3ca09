//! One CEL expression of an admission policy, compiled once and evaluated many times
//! against variables bound per object, on a shared function library.

use std::panic::{AssertUnwindSafe, catch_unwind};

use kube_cel::KubeCelExt;
use kube_cel::cel::{Context, ExecutionError, Program, Value};

/// Variables that exist only in a cluster.
const CLUSTER_ONLY: [&str; 1] = ["authorizer"];

/// A compiled expression.
pub struct Expr {
    /// The expression as written.
    pub text: String,
    program: Result<Program, String>,
    /// Why it cannot be evaluated offline (a cluster-only variable), if so.
    pub unsupported: Option<String>,
}

/// What evaluating an expression gave.
#[derive(Debug, Clone)]
pub enum Eval {
    /// A value.
    Value(Value),
    /// A compile or run-time error (`failurePolicy` decides what it means).
    Failed(String),
    /// Something offline evaluation cannot do; the expression was not evaluated.
    Unsupported(String),
}

/// Why a boolean expression gave no boolean.
#[derive(Debug, Clone)]
pub enum Failure {
    /// A compile or run-time error, or a value of another type.
    Failed(String),
    /// Something offline evaluation cannot do.
    Unsupported(String),
}

impl Expr {
    /// Compiles an expression; a syntax error is kept and reported when evaluated.
    pub fn compile(text: &str) -> Expr {
        let program = Program::compile(text).map_err(|e| e.to_string());
        let unsupported = program.as_ref().ok().and_then(|p| {
            p.references()
                .variables()
                .into_iter()
                .find(|v| CLUSTER_ONLY.contains(v))
                .map(|v| format!("`{v}` needs the cluster"))
        });
        Expr {
            text: text.to_owned(),
            program,
            unsupported,
        }
    }

    /// Whether the expression compiled.
    pub fn compile_error(&self) -> Option<&str> {
        self.program.as_ref().err().map(String::as_str)
    }

    /// Evaluates the expression in a scope made by [`with_scope`].
    pub fn eval(&self, scope: &Context<'_>) -> Eval {
        if let Some(why) = &self.unsupported {
            return Eval::Unsupported(why.clone());
        }
        let program = match &self.program {
            Ok(p) => p,
            Err(e) => return Eval::Failed(format!("does not compile: {e}")),
        };
        match catch_unwind(AssertUnwindSafe(|| program.execute(scope))) {
            Ok(Ok(v)) => Eval::Value(v),
            Ok(Err(ExecutionError::UndeclaredReference(name))) => Eval::Unsupported(format!(
                "`{name}` is not available offline (an unsupported macro or function)"
            )),
            Ok(Err(e)) => Eval::Failed(e.to_string()),
            Err(_) => Eval::Failed("the CEL engine failed".into()),
        }
    }

    /// Evaluates a boolean expression.
    pub fn eval_bool(&self, scope: &Context<'_>) -> Result<bool, Failure> {
        match self.eval(scope) {
            Eval::Value(Value::Bool(b)) => Ok(b),
            Eval::Value(other) => Err(Failure::Failed(format!(
                "the expression gave {other:?}, not a boolean"
            ))),
            Eval::Failed(why) => Err(Failure::Failed(why)),
            Eval::Unsupported(why) => Err(Failure::Unsupported(why)),
        }
    }

    /// Evaluates a message expression to its string, if it gives one.
    pub fn eval_string(&self, scope: &Context<'_>) -> Option<String> {
        match self.eval(scope) {
            Eval::Value(Value::String(s)) => Some(s.to_string()),
            _ => None,
        }
    }
}

thread_local! {
    // The function library is registered once per thread; each evaluation adds its
    // variables in a child scope.
    static BASE: Context<'static> = Context::default().with_all();
}

/// Runs `f` with a scope that binds `vars` (JSON values) over the function library.
pub fn with_scope<R>(
    vars: &[(&str, &crate::base::value::Value)],
    f: impl FnOnce(&mut Context<'_>) -> R,
) -> R {
    BASE.with(|base| {
        let mut scope = base.new_inner_scope();
        for (name, value) in vars {
            scope.add_variable_from_value(*name, to_cel(value));
        }
        f(&mut scope)
    })
}

/// A JSON value as CEL sees it.
pub fn to_cel(value: &crate::base::value::Value) -> Value {
    kube_cel::cel::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use crate::json;

    use super::*;

    #[test]
    fn evaluates_with_variables_and_kubernetes_functions() {
        let obj = json!({"spec": {"replicas": 3}, "metadata": {"name": "web"}});
        let e = Expr::compile(
            "object.spec.replicas <= 5 && object.metadata.name.upperAscii() == 'WEB'",
        );
        assert!(matches!(
            with_scope(&[("object", &obj)], |s| e.eval_bool(s)),
            Ok(true)
        ));
        let q = Expr::compile("quantity('1Gi').isGreaterThan(quantity('500Mi'))");
        assert!(matches!(with_scope(&[], |s| q.eval_bool(s)), Ok(true)));
    }

    #[test]
    fn authorizer_and_errors_are_not_passes() {
        let e = Expr::compile(
            "authorizer.group('apps').resource('deployments').check('create').allowed()",
        );
        assert!(matches!(
            with_scope(&[], |s| e.eval_bool(s)),
            Err(Failure::Unsupported(_))
        ));
        let e = Expr::compile("object.spec.missing > 1");
        let obj = json!({"spec": {}});
        assert!(matches!(
            with_scope(&[("object", &obj)], |s| e.eval_bool(s)),
            Err(Failure::Failed(_))
        ));
        let e = Expr::compile("object.spec >");
        assert!(e.compile_error().is_some());
    }
}
