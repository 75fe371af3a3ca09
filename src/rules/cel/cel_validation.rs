use rayon::prelude::*;

use super::CEL_UNSUPPORTED;
use crate::base::{Diagnostic, Severity};
use crate::cel::crd::Outcome;
use crate::cel::index::{KindRules, RuleIndex};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Evaluates the `x-kubernetes-validations` rules of a CustomResourceDefinition (from
    /// the inputs or `--context`) against each of its custom resources, as the API
    /// server does on create: at every level of the schema, with `self` the field the
    /// rule sits on, typed by the schema, after the schema's defaults are applied. The
    /// finding is at that field (or at the rule's `fieldPath`) and carries the rule's
    /// message: its `messageExpression` evaluated, else `message`. A rule that fails to
    /// evaluate rejects the object too.
    ///
    /// Transition rules (`oldSelf`) have no old object offline and are skipped; a rule
    /// the engine cannot evaluate is `cel-unsupported`'s finding; a rule that does not
    /// compile or is over the cost budget is the CRD's `schema` error.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object with the rule's message
    /// (`spec.replicas: Invalid value: "integer": must be at most 10`).
    ///
    /// ## Example
    /// ```yaml
    /// # the CRD says, on spec.replicas:
    /// #   x-kubernetes-validations:
    /// #     - rule: "self <= 10"
    /// #       message: must be at most 10
    /// apiVersion: example.com/v1
    /// kind: Cache
    /// spec:
    ///   replicas: 20
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 10
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
    /// - https://kubernetes.io/docs/reference/using-api/cel/
    pub static CEL_VALIDATION = {
        id: "cel-validation",
        severity: Error,
        category: Schema,
        summary: "an object breaks a validation rule of its CustomResourceDefinition",
        help: "change the field so that the CRD's rule holds",
    }
}

/// Evaluates every custom resource against its CRD's rules.
pub struct CelValidation;

impl Rule for CelValidation {
    fn meta(&self) -> &'static RuleMeta {
        &CEL_VALIDATION
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let index = RuleIndex::for_checked(cx.graph, cx.schemas.builtin, &cx.schemas.crds);
        let objects: Vec<&Object> = cx.graph.checked().collect();
        let found: Vec<Diagnostic> = objects
            .par_iter()
            .flat_map_iter(|o| match index.get(&o.api_version, &o.kind) {
                Some(kind) => check(o, kind),
                None => Vec::new(),
            })
            .collect();
        out.extend(found);
        out.extend(skipped_transition_rules(cx, &index));
    }
}

fn check(object: &Object, kind: &KindRules) -> Vec<Diagnostic> {
    kind.rules
        .evaluate(&object.value)
        .into_iter()
        .map(|f| {
            let (meta, what) = match f.outcome {
                Outcome::Violation => (&CEL_VALIDATION, "the rule"),
                Outcome::Unsupported => (&CEL_UNSUPPORTED, "the rule not evaluated"),
            };
            let message = match &f.reason {
                Some(reason) if f.outcome == Outcome::Violation => {
                    format!("{} ({reason})", f.message)
                }
                _ => f.message,
            };
            let mut d = meta.at(object.id, f.pointer, message);
            match kind.origin.object() {
                Some(crd) => {
                    if let Some(site) = &f.site {
                        d = d.with_related(crd, kind.schema_at.join(site), what);
                    }
                }
                // A rule of an embedded CRD has no place in the inputs to point at, and one
                // the offline engine cannot evaluate is k8lint's limit, not the user's
                // mistake: said, but as an info.
                None if f.outcome == Outcome::Unsupported => {
                    d = d.with_severity(Severity::Info).with_help(
                        "a rule of the CRD k8lint embeds for this kind: the API server evaluates it",
                    );
                }
                None => {}
            }
            d
        })
        .collect()
}

/// Transition rules are said once per CRD in the inputs whose custom resources are
/// checked: offline there is no old object to compare with.
fn skipped_transition_rules(cx: &Context<'_>, index: &RuleIndex) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut kinds: Vec<_> = cx
        .graph
        .checked()
        .filter_map(|o| index.get(&o.api_version, &o.kind))
        .collect();
    kinds.dedup_by_key(|k| (k.origin, k.schema_at.clone()));
    for kind in kinds {
        // The catalog's CRDs are not in the inputs: nothing to say them on.
        let Some(crd) = kind.origin.object() else {
            continue;
        };
        let Some(first) = kind.rules.sites().iter().find(|s| s.transition) else {
            continue;
        };
        if !seen.insert((crd, kind.schema_at.clone())) {
            continue;
        }
        let n = kind.rules.sites().iter().filter(|s| s.transition).count();
        let message = format!(
            "{n} transition rule(s) (reading oldSelf, such as `{}`) are not evaluated: offline every object is created, never updated",
            first.rule
        );
        out.push(
            CEL_UNSUPPORTED
                .at(crd, kind.schema_at.join(&first.pointer), message)
                .with_severity(Severity::Info)
                .with_help("transition rules are checked by the API server on update"),
        );
    }
    out
}
