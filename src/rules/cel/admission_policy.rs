use rayon::prelude::*;

use super::CEL_UNSUPPORTED;
use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::admission::evaluate::{Outcome, evaluate};
use crate::semantics::admission::matching::Target;
use crate::semantics::admission::{Action, Policies};

declare_rule! {
    /// ## What it does
    /// Evaluates the ValidatingAdmissionPolicies (`admissionregistration.k8s.io/v1`) of
    /// the inputs and `--context`, through their ValidatingAdmissionPolicyBindings,
    /// against every checked object, as the API server would when the object is
    /// created:
    ///
    /// - the policy's `matchConstraints` and the binding's `matchResources`: resource
    ///   rules for the CREATE operation, `excludeResourceRules`, `matchPolicy`, the
    ///   `objectSelector`, and the `namespaceSelector` against the labels of the
    ///   object's Namespace in the inputs (plus `kubernetes.io/metadata.name`);
    /// - `paramKind` with the binding's `paramRef` (name, namespace, selector),
    ///   resolved among the objects of the inputs and context;
    ///   `parameterNotFoundAction: Deny` refuses when none is found;
    /// - `matchConditions`, `variables`, then each of `validations` with its `message`,
    ///   `messageExpression` and `reason`;
    /// - `failurePolicy`: an expression that fails refuses the object under `Fail` (the
    ///   default) and is ignored under `Ignore`.
    ///
    /// The binding's `validationActions` give the severity: `Deny` is an error, `Warn` a
    /// warning, `Audit` info. The finding is at the object, names the policy and the
    /// binding, carries the policy's message, and points at the validation expression.
    ///
    /// Offline, the request is a CREATE by an unnamed user (no username, no groups):
    /// `oldObject` is null, `request` has the object's kind, resource, name and
    /// namespace, and `namespaceObject` is its Namespace from the inputs, if any.
    /// Expressions using `authorizer` cannot be evaluated: `cel-unsupported`.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object (`ValidatingAdmissionPolicy 'replica-limit'
    /// with binding 'replica-limit-prod' denied request: too many replicas`), or warns
    /// every time it is applied.
    ///
    /// ## Example
    /// ```yaml
    /// # policy: validations: [{expression: "object.spec.replicas <= 5"}]
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// spec:
    ///   replicas: 10
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 5
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
    /// - https://kubernetes.io/docs/reference/using-api/cel/
    pub static ADMISSION_POLICY = {
        id: "admission-policy",
        severity: Error,
        category: Schema,
        summary: "a ValidatingAdmissionPolicy bound to the object refuses it",
        help: "change the object so that the policy's validations hold, or scope the binding",
    }
}

/// Evaluates every bound policy against every checked object.
pub struct AdmissionPolicy;

impl Rule for AdmissionPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &ADMISSION_POLICY
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let policies = Policies::of(cx.graph);
        if policies.is_empty() {
            return;
        }
        let own: std::collections::HashSet<_> = policies.objects().collect();
        let objects: Vec<&Object> = cx
            .graph
            .checked()
            .filter(|o| !own.contains(&o.id))
            .collect();
        let found: Vec<Diagnostic> = objects
            .par_iter()
            .flat_map_iter(|o| {
                let target = Target::of(cx.graph, o);
                let mut found = Vec::new();
                // A policy admits the objects applied with it (and with its binding).
                for (policy, bindings) in &policies.bound {
                    if !cx.graph.sees(o.id, policy.object.id) {
                        continue;
                    }
                    for binding in bindings {
                        if !cx.graph.sees(o.id, binding.object.id) {
                            continue;
                        }
                        let Some(severity) = severity(&binding.actions) else {
                            continue;
                        };
                        for outcome in evaluate(cx.graph, policy, binding, &target) {
                            found.push(report(o, policy.object, binding.object, severity, outcome));
                        }
                    }
                }
                found
            })
            .collect();
        out.extend(found);
    }
}

/// The most severe of a binding's actions; a binding without any does nothing.
fn severity(actions: &[Action]) -> Option<Severity> {
    actions.iter().max().map(|a| match a {
        Action::Deny => Severity::Error,
        Action::Warn => Severity::Warning,
        Action::Audit => Severity::Info,
    })
}

fn report(
    object: &Object,
    policy: &Object,
    binding: &Object,
    severity: Severity,
    outcome: Outcome,
) -> Diagnostic {
    match outcome {
        Outcome::Denied {
            message,
            at,
            in_binding,
        } => {
            let verb = match severity {
                Severity::Error => "denies",
                Severity::Warning => "warns about",
                _ => "audits",
            };
            let text = format!(
                "ValidatingAdmissionPolicy '{}' with binding '{}' {verb} this {}: {message}",
                policy.name, binding.name, object.kind
            );
            let (related, what) = if in_binding {
                (binding.id, "the binding's paramRef")
            } else {
                (policy.id, "the policy's expression")
            };
            ADMISSION_POLICY
                .at(object.id, Pointer::root(), text)
                .with_severity(severity)
                .with_related(related, at, what)
        }
        Outcome::Unsupported { message, at } => CEL_UNSUPPORTED
            .at(
                object.id,
                Pointer::root(),
                format!(
                    "ValidatingAdmissionPolicy '{}' (binding '{}'): {message}",
                    policy.name, binding.name
                ),
            )
            .with_related(policy.id, at, "the expression"),
    }
}
