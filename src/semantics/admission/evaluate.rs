//! One policy-binding pair evaluated against one object: params resolved from the
//! graph, match conditions, variables and validations, with `failurePolicy` deciding
//! what a failing expression means.

use std::collections::HashMap;

use crate::base::value::Value;
use crate::json;
use kube_cel::cel::Value as CelValue;

use super::matching::{Target, selects};
use super::{Binding, Policy};
use crate::base::Pointer;
use crate::cel::expr::{Eval, Failure, with_scope};
use crate::graph::Graph;
use crate::model::Object;
use crate::model::selector::Selector;

/// What a policy-binding pair says about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The object is refused (or warned about, or audited: the binding's actions say).
    Denied {
        /// The policy's message.
        message: String,
        /// The expression that decided, in the policy (or the binding's paramRef).
        at: Pointer,
        /// Whether `at` is in the binding rather than the policy.
        in_binding: bool,
    },
    /// An expression cannot be evaluated offline.
    Unsupported {
        /// Why.
        message: String,
        /// The expression, in the policy.
        at: Pointer,
    },
}

/// Evaluates the pair against the target; nothing when it does not apply.
pub fn evaluate(
    graph: &Graph,
    policy: &Policy<'_>,
    binding: &Binding<'_>,
    target: &Target<'_>,
) -> Vec<Outcome> {
    let applies = policy.constraints.is_some_and(|m| selects(m, target, true))
        && binding
            .match_resources
            .is_none_or(|m| selects(m, target, false));
    if !applies {
        return Vec::new();
    }
    let params: Vec<Value> = match &policy.param_kind {
        None => vec![Value::Null],
        Some((api, kind)) => {
            let found = resolve_params(graph, binding, target, api, kind);
            if found.is_empty() {
                return not_found(binding);
            }
            found.into_iter().map(|o| Value::clone(&o.value)).collect()
        }
    };
    let admitted = as_admitted(target.object);
    let object = admitted.as_ref().unwrap_or(&target.object.value);
    let request = request_of(target);
    let null = Value::Null;
    let namespace_object = target.namespace_object.map_or(&null, |n| &n.value);
    let mut out = Vec::new();
    for p in &params {
        let vars = [
            ("object", object),
            ("oldObject", &null),
            ("request", &request),
            ("params", p),
            ("namespaceObject", namespace_object),
        ];
        with_scope(&vars, |scope| run(policy, scope, &mut out));
    }
    out.dedup();
    out
}

fn run(policy: &Policy<'_>, scope: &mut kube_cel::cel::Context<'_>, out: &mut Vec<Outcome>) {
    let failed = |at: &Pointer, text: &str, why: &str| Outcome::Denied {
        message: format!("expression '{text}' resulted in an error: {why}"),
        at: at.clone(),
        in_binding: false,
    };
    for c in &policy.conditions {
        match c.expr.eval_bool(scope) {
            Ok(true) => {}
            Ok(false) => return,
            Err(Failure::Unsupported(why)) => {
                out.push(unsupported(&c.at, &c.expr.text, &why));
                return;
            }
            Err(Failure::Failed(why)) => {
                if !policy.ignore_failures {
                    out.push(failed(&c.at, &c.expr.text, &why));
                }
                return;
            }
        }
    }
    // Each variable sees the ones before it; one that fails is left out, so the
    // expressions that use it fail in turn.
    let mut variables: HashMap<String, CelValue> = HashMap::new();
    for v in &policy.variables {
        if let Eval::Value(value) = v.expr.eval(scope) {
            variables.insert(v.name.clone(), value);
            scope.add_variable_from_value("variables", CelValue::from(variables.clone()));
        }
    }
    if variables.is_empty() {
        scope.add_variable_from_value("variables", CelValue::from(variables));
    }
    for v in &policy.validations {
        let at = &v.check.at;
        match v.check.expr.eval_bool(scope) {
            Ok(true) => {}
            Ok(false) => {
                let message = v
                    .message_expr
                    .as_ref()
                    .and_then(|m| m.eval_string(scope))
                    .filter(|m| !m.trim().is_empty())
                    .or_else(|| v.message.clone())
                    .unwrap_or_else(|| format!("failed expression: {}", v.check.expr.text));
                let message = match &v.reason {
                    Some(r) => format!("{message} ({r})"),
                    None => message,
                };
                out.push(Outcome::Denied {
                    message,
                    at: at.clone(),
                    in_binding: false,
                });
            }
            Err(Failure::Unsupported(why)) => out.push(unsupported(at, &v.check.expr.text, &why)),
            Err(Failure::Failed(why)) => {
                if !policy.ignore_failures {
                    out.push(failed(at, &v.check.expr.text, &why));
                }
            }
        }
    }
}

fn unsupported(at: &Pointer, text: &str, why: &str) -> Outcome {
    Outcome::Unsupported {
        message: format!("the expression `{text}` cannot be evaluated offline: {why}"),
        at: at.clone(),
    }
}

/// The params a binding's `paramRef` selects: by name or selector, in its namespace
/// (or the object's, for namespaced params).
fn resolve_params<'g>(
    graph: &'g Graph,
    binding: &Binding<'_>,
    target: &Target<'_>,
    api: &str,
    kind: &str,
) -> Vec<&'g Object> {
    let Some(r) = binding.param_ref else {
        return Vec::new();
    };
    let group = crate::model::object::group_of(api);
    let name = r.get("name").and_then(Value::as_str);
    let namespace = r.get("namespace").and_then(Value::as_str);
    let selector = r
        .get("selector")
        .and_then(|s| Selector::from_label_selector(s).ok());
    // Parameters are looked up in the admitted object's apply unit.
    graph
        .of_kind_seen_by(target.object, group, kind)
        .filter(|o| o.api_version == api)
        .filter(|o| match (namespace, &o.namespace) {
            (Some(ns), Some(ons)) => ns == ons,
            (Some(_), None) => false,
            // Namespaced params without a namespace in paramRef: the object's namespace.
            (None, Some(ons)) => target.namespace.as_deref() == Some(ons.as_str()),
            (None, None) => true,
        })
        .filter(|o| match (name, &selector) {
            (Some(n), _) => o.name == n,
            (None, Some(s)) => s.matches_opt(o.labels()),
            (None, None) => false,
        })
        .collect()
}

fn not_found(binding: &Binding<'_>) -> Vec<Outcome> {
    let action = binding
        .param_ref
        .and_then(|r| r.get("parameterNotFoundAction"))
        .and_then(Value::as_str);
    if action == Some("Allow") {
        return Vec::new();
    }
    vec![Outcome::Denied {
        message: "no params found for the policy binding, whose parameterNotFoundAction is Deny"
            .into(),
        at: Pointer::root().path("spec/paramRef"),
        in_binding: true,
    }]
}

/// The object as validating admission sees it, where a default admission plugin of
/// every cluster changes it first (`None`: as written). The DefaultTolerationSeconds
/// plugin gives every Pod tolerations of 300 s for the `not-ready` and `unreachable`
/// node taints, so a policy that reads `object.spec.tolerations` finds a list there.
fn as_admitted(object: &Object) -> Option<Value> {
    if !object.is("", "Pod") {
        return None;
    }
    let mut value = Value::clone(&object.value);
    let spec = value.get_mut("spec")?.as_object_mut()?;
    let tolerations = spec
        .entry("tolerations")
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()?;
    for taint in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = tolerations.iter().any(|t| {
            let key = t.get("key").and_then(Value::as_str);
            let effect = t.get("effect").and_then(Value::as_str);
            (key == Some(taint) || key.is_none())
                && (effect == Some("NoExecute") || effect.is_none())
        });
        if !tolerated {
            tolerations.push(json!({
                "key": taint,
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300
            }));
        }
    }
    Some(value)
}

/// `request` of a CREATE by an unnamed user.
fn request_of(t: &Target<'_>) -> Value {
    let o = t.object;
    let version = o.api_version.rsplit('/').next().unwrap_or(&o.api_version);
    json!({
        "operation": "CREATE",
        "name": o.name,
        "namespace": t.namespace.clone().unwrap_or_default(),
        "kind": {"group": o.group, "version": version, "kind": o.kind},
        "resource": {"group": o.group, "version": version, "resource": t.resource},
        "requestKind": {"group": o.group, "version": version, "kind": o.kind},
        "requestResource": {"group": o.group, "version": version, "resource": t.resource},
        "userInfo": {"username": "", "groups": []},
        "dryRun": false,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    })
}
