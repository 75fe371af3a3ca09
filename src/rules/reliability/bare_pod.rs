use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Pod that no controller manages: it has no `metadata.ownerReferences`.
    ///
    /// ## Why is this bad?
    /// Nothing recreates a bare pod. When its node fails, is drained or is upgraded, the
    /// pod is gone for good, and a change of spec needs a manual delete and create.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "nginx:1.27"}]
    /// ```
    ///
    /// Use instead: a Deployment (or a Job for work that finishes) with the same pod
    /// template.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/#working-with-pods>
    pub static BARE_POD = {
        id: "bare-pod",
        severity: Info,
        category: Reliability,
        summary: "a Pod that no controller manages",
        help: "run the pod from a Deployment, StatefulSet, DaemonSet or Job",
        scope: Object,
    }
}

/// Reports Pods without owners.
pub struct BarePod;

impl Rule for BarePod {
    fn meta(&self) -> &'static RuleMeta {
        &BARE_POD
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("", "Pod") {
            return;
        }
        let owned = object
            .at("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|o| !o.is_empty());
        if !owned {
            out.push(BARE_POD.at(object.id,
                Pointer::root().key("kind"),
                format!(
                    "{} is a bare Pod: no controller recreates it when its node fails or is drained",
                    object.display_name()
                ),
            ));
        }
    }
}
