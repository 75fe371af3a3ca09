use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::repeats;

declare_rule! {
    /// ## What it does
    /// Reports a container whose `name` is already used by another container of the same
    /// pod. Init, regular and ephemeral containers share one namespace of names. The later
    /// container is reported, the first one is shown as a related location.
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod or the workload ("Duplicate value"). Container names
    /// identify containers in logs, `kubectl exec`, status and the kubelet.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   initContainers:
    ///     - {name: app, image: "busybox:1.36", command: ["sh", "-c", "true"]}
    ///   containers:
    ///     - {name: app, image: "nginx:1.27"}
    /// ```
    ///
    /// Use instead: give every container its own name (`init-app`, `app`).
    ///
    /// ## References
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    pub static DUPLICATE_CONTAINER = {
        id: "duplicate-container",
        severity: Error,
        category: Workload,
        summary: "two containers of a pod share a name",
        help: "rename one of the containers",
        scope: Object,
    }
}

/// Finds repeated container names across every container list.
pub struct DuplicateContainer;

impl Rule for DuplicateContainer {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_CONTAINER
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let names = template
            .spec
            .all_containers()
            .filter_map(|c| Some((c.name()?, c.pointer.key("name"))));
        for r in repeats(names) {
            out.push(r.finding(
                &DUPLICATE_CONTAINER,
                object.id,
                format!("container name `{}` is used twice in the pod", r.key),
                "first used here",
            ));
        }
    }
}
