use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::autoscaling::{requests, scale_target, utilization_metrics};

declare_rule! {
    /// ## What it does
    /// Reports a HorizontalPodAutoscaler that scales on a resource utilization (`cpu`,
    /// `memory`: a `Resource` or `ContainerResource` metric with `target.type:
    /// Utilization`, v1's `targetCPUUtilizationPercentage`, or the default of 80% CPU
    /// when no metric is given) while a container of the workload it targets requests
    /// nothing for that resource. For a `Resource` metric every container counts (regular
    /// containers and sidecars); for `ContainerResource`, the container it names. A limit
    /// without a request counts as a request: the API server copies it. The workload must
    /// be in the inputs (`hpa-target` reports one that is not).
    ///
    /// ## Why is this bad?
    /// Utilization is a percentage of the pods' requests. Without a request the HPA
    /// controller cannot compute it: the HPA reports `FailedGetResourceMetric` ("missing
    /// request for cpu") and never scales on that metric, so the workload stays at its
    /// current replicas under load.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata: {name: web}
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   maxReplicas: 10
    ///   metrics:
    ///     - type: Resource
    ///       resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
    /// # and the Deployment's container sets no resources.requests.cpu
    /// ```
    ///
    /// Use instead: set `resources.requests.cpu` on every container of the pod, or scale
    /// on an `AverageValue` target, which needs no request.
    ///
    /// ## References
    /// - Horizontal Pod Autoscaling, how it works: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work
    /// - Resource requests: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    pub static HPA_MISSING_REQUESTS = {
        id: "hpa-missing-requests",
        severity: Warning,
        category: Reliability,
        summary: "an HPA scales on a resource utilization that a container of its target does not request",
        help: "set resources.requests for that resource on every container of the target, or use an AverageValue target",
    }
}

/// Checks each HPA against the containers of the workload it targets.
pub struct HpaMissingRequests;

impl Rule for HpaMissingRequests {
    fn meta(&self) -> &'static RuleMeta {
        &HPA_MISSING_REQUESTS
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("autoscaling", "HorizontalPodAutoscaler") {
            return;
        }
        let Some(target) = scale_target(cx.graph, object) else {
            return;
        };
        let Some(template) = PodTemplate::of(target) else {
            return;
        };
        for metric in utilization_metrics(object) {
            let containers = template.spec.serving_containers().filter(|c| {
                metric
                    .container
                    .as_deref()
                    .is_none_or(|name| c.name() == Some(name))
            });
            // One finding per metric, naming the first container without the request.
            let Some(bare) = containers
                .into_iter()
                .find(|c| !requests(c.value, &metric.resource))
            else {
                continue;
            };
            let resource = &metric.resource;
            out.push(
                HPA_MISSING_REQUESTS
                    .at(
                        object.id,
                        metric.pointer.clone(),
                        format!(
                            "this HPA scales on {resource} utilization, but {} of {}/{} requests no {resource}: the controller cannot compute the utilization and does not scale on it",
                            bare.describe(),
                            target.kind,
                            target.name
                        ),
                    )
                    .with_related(
                        target.id,
                        bare.pointer.clone(),
                        format!("{} sets no resources.requests.{resource}", bare.describe()),
                    ),
            );
        }
    }
}
