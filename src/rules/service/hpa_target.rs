use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::model::object::group_of;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Follows a HorizontalPodAutoscaler's `spec.scaleTargetRef` (`apiVersion`, `kind`,
    /// `name`) to the object in the HPA's namespace and reports when the inputs hold no
    /// such object. The `apps` and legacy `extensions` groups are the same kinds
    /// (Deployment, ReplicaSet), so either apiVersion finds them; a reference without
    /// `apiVersion` finds the kind in any built-in group.
    ///
    /// ## Why is this bad?
    /// The autoscaler cannot read or scale its target: it reports `FailedGetScale` and the
    /// workload never scales. Usually the workload was renamed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata: {name: web}
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web-app}
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// # but the Deployment is called `web`
    /// ```
    ///
    /// Use instead: `scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}`.
    ///
    /// ## References
    /// - Horizontal Pod Autoscaling: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
    pub static HPA_TARGET = {
        id: "hpa-target",
        severity: Error,
        category: Service,
        summary: "a HorizontalPodAutoscaler's scaleTargetRef names no workload in the inputs",
        help: "point scaleTargetRef at the apiVersion, kind and name of a workload in the HPA's namespace",
    }
}

/// Looks up the target of each HPA.
pub struct HpaTarget;

impl Rule for HpaTarget {
    fn meta(&self) -> &'static RuleMeta {
        &HPA_TARGET
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("autoscaling", "HorizontalPodAutoscaler") {
            return;
        }
        let Some(target) = object.at("/spec/scaleTargetRef") else {
            return;
        };
        let field = |k: &str| target.get(k).and_then(Value::as_str).unwrap_or("");
        let (kind, name) = (field("kind"), field("name"));
        if kind.is_empty() || name.is_empty() {
            return;
        }
        let group = group_of(field("apiVersion"));
        let groups: &[&str] = match (group, kind) {
            ("apps" | "extensions", "Deployment" | "ReplicaSet" | "DaemonSet") => {
                &["apps", "extensions"]
            }
            // No apiVersion (optional in autoscaling/v1): the built-in groups.
            ("", _) => &["", "apps", "extensions", "batch"],
            _ => &[group],
        };
        let ns = object.namespace.as_deref();
        if groups
            .iter()
            .any(|g| cx.graph.get(object, g, kind, ns, name).is_some())
        {
            return;
        }
        out.push(HPA_TARGET.at(
            object.id,
            Pointer::root().path("spec/scaleTargetRef/name"),
            format!(
                "scaleTargetRef names {kind} {name}, which is not in namespace {} in the inputs",
                ns.unwrap_or("default")
            ),
        ));
    }
}
