//! ValidatingAdmissionPolicies (`admissionregistration.k8s.io/v1`) and their bindings,
//! evaluated offline against each checked object as the API server would on its
//! creation: which policy-binding pairs match it ([`matching`]), their params, match
//! conditions, variables and validations ([`evaluate`]).
//!
//! Offline, every object is a CREATE by an unnamed user: `oldObject` is null, `request`
//! holds the operation, the object's kind, resource, name and namespace, and an empty
//! user. `namespaceObject` is the object's Namespace from the inputs, if any.

pub mod evaluate;
pub mod matching;

use std::collections::HashMap;

use crate::base::value::Value;

use crate::base::{ObjectId, Pointer};
use crate::cel::expr::Expr;
use crate::graph::Graph;
use crate::model::Object;

const GROUP: &str = "admissionregistration.k8s.io";

/// What a binding does with a failed validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Recorded in the audit log only.
    Audit,
    /// Returned to the client as a warning.
    Warn,
    /// The request is refused.
    Deny,
}

/// A named expression of a policy and where it is written.
pub struct Named {
    /// The name (match conditions and variables), or empty.
    pub name: String,
    /// The compiled expression.
    pub expr: Expr,
    /// Where it is, in the policy.
    pub at: Pointer,
}

/// One `validations` entry.
pub struct Validation {
    /// The expression and where it is.
    pub check: Named,
    /// `message`.
    pub message: Option<String>,
    /// `messageExpression`, compiled.
    pub message_expr: Option<Expr>,
    /// `reason`.
    pub reason: Option<String>,
}

/// A ValidatingAdmissionPolicy.
pub struct Policy<'g> {
    /// The policy object.
    pub object: &'g Object,
    /// `failurePolicy: Ignore` (default Fail).
    pub ignore_failures: bool,
    /// `matchConstraints`.
    pub constraints: Option<&'g Value>,
    /// `paramKind`: apiVersion and kind.
    pub param_kind: Option<(String, String)>,
    /// `matchConditions`.
    pub conditions: Vec<Named>,
    /// `variables`, in order.
    pub variables: Vec<Named>,
    /// `validations`.
    pub validations: Vec<Validation>,
}

/// A ValidatingAdmissionPolicyBinding.
pub struct Binding<'g> {
    /// The binding object.
    pub object: &'g Object,
    /// `paramRef`.
    pub param_ref: Option<&'g Value>,
    /// `matchResources`.
    pub match_resources: Option<&'g Value>,
    /// `validationActions`.
    pub actions: Vec<Action>,
}

/// Every policy of the graph (inputs and context) with its bindings.
pub struct Policies<'g> {
    /// Policies with at least one binding, each with its bindings.
    pub bound: Vec<(Policy<'g>, Vec<Binding<'g>>)>,
}

impl<'g> Policies<'g> {
    /// Reads the policies and bindings of the graph; a binding names its policy by name.
    pub fn of(graph: &'g Graph) -> Policies<'g> {
        let mut bound = Vec::new();
        // Bindings by the policy they name, in input order: each policy reads its own, not
        // every binding of the run.
        let mut naming: HashMap<&str, Vec<&'g Object>> = HashMap::new();
        for b in graph.of_kind(GROUP, "ValidatingAdmissionPolicyBinding") {
            if let Some(name) = b.at("/spec/policyName").and_then(Value::as_str) {
                naming.entry(name).or_default().push(b);
            }
        }
        for p in graph.of_kind(GROUP, "ValidatingAdmissionPolicy") {
            let bindings: Vec<Binding<'g>> = naming
                .get(p.name.as_str())
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|b| graph.sees(p.id, b.id))
                .map(|b| binding(b))
                .collect();
            if !bindings.is_empty() {
                bound.push((policy(p), bindings));
            }
        }
        Policies { bound }
    }

    /// Whether there is nothing to evaluate.
    pub fn is_empty(&self) -> bool {
        self.bound.is_empty()
    }

    /// The ids of every policy and binding object.
    pub fn objects(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.bound
            .iter()
            .flat_map(|(p, bs)| std::iter::once(p.object.id).chain(bs.iter().map(|b| b.object.id)))
    }
}

fn named(list: Option<&Value>, at: Pointer, field: &str) -> Vec<Named> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let text = item.get(field).and_then(Value::as_str)?;
                    Some(Named {
                        name: item
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        expr: Expr::compile(text),
                        at: at.index(i).key(field),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn policy(object: &Object) -> Policy<'_> {
    let spec = object.at("/spec");
    let get = |k: &str| spec.and_then(|s| s.get(k));
    let param_kind = get("paramKind").and_then(|pk| {
        let api = pk.get("apiVersion").and_then(Value::as_str)?;
        let kind = pk.get("kind").and_then(Value::as_str)?;
        Some((api.to_owned(), kind.to_owned()))
    });
    let root = Pointer::root().key("spec");
    let validations = get("validations")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let text = v.get("expression").and_then(Value::as_str)?;
                    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
                    Some(Validation {
                        check: Named {
                            name: String::new(),
                            expr: Expr::compile(text),
                            at: root.key("validations").index(i).key("expression"),
                        },
                        message: s("message"),
                        message_expr: s("messageExpression").map(|m| Expr::compile(&m)),
                        reason: s("reason"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Policy {
        object,
        ignore_failures: get("failurePolicy").and_then(Value::as_str) == Some("Ignore"),
        constraints: get("matchConstraints"),
        param_kind,
        conditions: named(
            get("matchConditions"),
            root.key("matchConditions"),
            "expression",
        ),
        variables: named(get("variables"), root.key("variables"), "expression"),
        validations,
    }
}

fn binding(object: &Object) -> Binding<'_> {
    let spec = object.at("/spec");
    let actions = spec
        .and_then(|s| s.get("validationActions"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| match a.as_str()? {
                    "Deny" => Some(Action::Deny),
                    "Warn" => Some(Action::Warn),
                    "Audit" => Some(Action::Audit),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Binding {
        object,
        param_ref: spec.and_then(|s| s.get("paramRef")),
        match_resources: spec.and_then(|s| s.get("matchResources")),
        actions,
    }
}
