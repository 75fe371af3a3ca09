use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate, Selector, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks the `spec.selector` of a Deployment, ReplicaSet, StatefulSet, DaemonSet or
    /// ReplicationController (and of a Job with `manualSelector: true`) against the labels
    /// of its own pod template. It reports a selector that is missing or empty, and one
    /// that does not select the template's labels (`matchLabels` and `matchExpressions`
    /// both count). A ReplicationController without a selector is fine when its template
    /// has labels: the API server copies them into the selector. So is a Deployment,
    /// ReplicaSet or DaemonSet of the legacy `extensions/v1beta1` and `apps/v1beta1`
    /// versions, which defaulted the selector the same way. Where the version requires the
    /// selector (`apps/v1`), a missing one is reported by the `schema` rule ("missing
    /// required field `selector`"), not here as well.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object: "selector does not match template labels" or
    /// "empty selector is invalid". A controller only owns the pods its selector
    /// selects; one that could not see the pods it creates would create them forever.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: frontend}
    ///     spec:
    ///       containers: [{name: web, image: "nginx:1.27"}]
    /// ```
    ///
    /// Use instead: make the template carry every label the selector asks for.
    /// ```yaml
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    /// ```
    ///
    /// ## References
    /// - Deployments: selector: https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector
    /// - Label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
    pub static SELECTOR_MISMATCH = {
        id: "selector-mismatch",
        severity: Error,
        category: Workload,
        summary: "a workload's selector is empty or does not select its own pod template",
        help: "make spec.selector and the pod template's labels agree",
        scope: Object,
    }
}

/// Compares each controller's selector with its template's labels.
pub struct SelectorMismatch;

impl Rule for SelectorMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &SELECTOR_MISMATCH
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let manual_job = template.kind == WorkloadKind::Job
            && object.at("/spec/manualSelector").and_then(Value::as_bool) == Some(true);
        if !template.kind.has_selector() && !manual_job {
            return;
        }
        let labels = template.labels();
        let has_labels = labels.is_some_and(|l| !l.is_empty());
        let at = Pointer::root().path("spec/selector");
        let selector = object.at("/spec/selector").filter(|v| !v.is_null());
        let map_selector = template.kind == WorkloadKind::ReplicationController;

        let parsed = match selector {
            None => {
                // The API server fills the selector in from the template labels.
                if (map_selector || defaults_selector(object)) && has_labels {
                    return;
                }
                // Where the API version requires the field (apps/v1), its absence is the
                // `schema` rule's finding: one root cause, one finding.
                let spec = Pointer::root().key("spec");
                let required = cx
                    .schemas
                    .root(&object.api_version, &object.kind)
                    .is_some_and(|root| root.requires(&spec, "selector"));
                if required {
                    return;
                }
                out.push(SELECTOR_MISMATCH.at(
                    object.id,
                    Pointer::root().key("spec"),
                    format!("{} has no spec.selector", object.display_name()),
                ));
                return;
            }
            Some(v) if map_selector => Selector::from_map(v),
            Some(v) => Selector::from_label_selector(v),
        };
        // A selector that does not parse is invalid-label's to report.
        let Ok(selector) = parsed else {
            return;
        };
        if selector.is_empty() {
            if map_selector && has_labels {
                return;
            }
            out.push(SELECTOR_MISMATCH.at(
                object.id,
                at,
                format!(
                    "{} has an empty selector, which the API server rejects",
                    object.display_name()
                ),
            ));
            return;
        }
        if selector.matches_opt(labels) {
            return;
        }
        let d = SELECTOR_MISMATCH.at(
            object.id,
            at,
            format!(
                "selector `{}` does not select the pod template's labels{}",
                selector.describe(),
                describe_labels(labels)
            ),
        );
        out.push(d.with_related(
            object.id,
            template.metadata_pointer().key("labels"),
            "the pod template's labels",
        ));
    }
}

/// Whether this apiVersion defaulted a missing selector from the template labels.
fn defaults_selector(object: &Object) -> bool {
    matches!(
        object.api_version.as_str(),
        "extensions/v1beta1" | "apps/v1beta1"
    )
}

fn describe_labels(labels: Option<&crate::base::value::Map>) -> String {
    let Some(labels) = labels.filter(|l| !l.is_empty()) else {
        return " (it has none)".to_owned();
    };
    let parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| match v.as_str() {
            Some(v) => format!("{k}={v}"),
            None => format!("{k}={v}"),
        })
        .collect();
    format!(" `{}`", parts.join(","))
}
