use crate::base::value::Value;

use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks a HorizontalPodAutoscaler's replica bounds: `minReplicas` greater than
    /// `maxReplicas` is an error (the API server rejects it); `minReplicas` unset (it
    /// defaults to 1) or 1 is info.
    ///
    /// ## Why is this bad?
    /// With a minimum of one replica the autoscaler scales the workload down to a single
    /// pod when load is low: one node drain or crash is then an outage.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   minReplicas: 5
    ///   maxReplicas: 3
    /// ```
    ///
    /// Use instead: `minReplicas: 2` and `maxReplicas: 10`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/>
    pub static HPA_REPLICAS = {
        id: "hpa-replicas",
        severity: Error,
        category: Reliability,
        summary: "an HPA's minReplicas exceeds maxReplicas, or is 1",
        help: "set minReplicas to at least 2 and no more than maxReplicas",
        scope: Object,
    }
}

/// Checks HPA bounds.
pub struct HpaReplicas;

impl Rule for HpaReplicas {
    fn meta(&self) -> &'static RuleMeta {
        &HPA_REPLICAS
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("autoscaling", "HorizontalPodAutoscaler") {
            return;
        }
        let min = object.at("/spec/minReplicas");
        let max = object.at("/spec/maxReplicas").and_then(Value::as_i64);
        match (min.and_then(Value::as_i64), max) {
            (Some(lo), Some(hi)) if lo > hi => out.push(HPA_REPLICAS.at(object.id,
                Pointer::root().path("spec/minReplicas"),
                format!("minReplicas {lo} is greater than maxReplicas {hi}: the API server rejects it"),
            )),
            (Some(1), _) => out.push(
                HPA_REPLICAS.at(object.id,
                    Pointer::root().path("spec/minReplicas"),
                    "minReplicas 1: at low load the workload runs a single pod",
                )
                .with_severity(Severity::Info),
            ),
            (None, _) if min.is_none() && object.at("/spec").is_some() => out.push(
                HPA_REPLICAS.at(object.id,
                    Pointer::root().key("spec"),
                    "minReplicas is not set, so it is 1: at low load the workload runs a single pod",
                )
                .with_severity(Severity::Info),
            ),
            _ => {}
        }
    }
}
