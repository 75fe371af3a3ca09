//! What the HorizontalPodAutoscaler controller needs from the pods it scales: the workload
//! an HPA targets, and the metrics it reads as a utilization, a percentage of the
//! containers' requests. The controller computes a resource utilization from the requests
//! of the pod's containers; when one of them requests nothing for that resource, it
//! cannot compute it and the HPA does not scale on that metric.

use crate::base::value::Value;

use crate::base::Pointer;
use crate::graph::Graph;
use crate::model::Object;
use crate::model::object::group_of;

/// The CPU utilization the controller aims at when an HPA names no metric (v1 without
/// `targetCPUUtilizationPercentage`, v2 without `metrics`).
pub const DEFAULT_CPU_UTILIZATION: i64 = 80;

/// A metric an HPA reads as a percentage of requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationMetric {
    /// Where the HPA asks for it (its `spec` when it is the default).
    pub pointer: Pointer,
    /// The resource (`cpu`, `memory`).
    pub resource: String,
    /// The one container it is measured on (`ContainerResource`), or every container.
    pub container: Option<String>,
}

/// The workload an HPA's `scaleTargetRef` names in the HPA's namespace, if the inputs hold
/// it. `extensions` and an empty group read as `apps`, as kubectl's scale client does.
pub fn scale_target<'a>(graph: &'a Graph, hpa: &Object) -> Option<&'a Object> {
    let target = hpa.at("/spec/scaleTargetRef")?;
    let field = |k: &str| target.get(k).and_then(Value::as_str).unwrap_or("");
    let group = match group_of(field("apiVersion")) {
        "" | "extensions" => "apps",
        g => g,
    };
    graph.get(
        hpa,
        group,
        field("kind"),
        hpa.namespace.as_deref(),
        field("name"),
    )
}

/// The metrics an HPA scales on as a utilization of requests, in the order written.
pub fn utilization_metrics(hpa: &Object) -> Vec<UtilizationMetric> {
    let spec = Pointer::root().key("spec");
    let default_cpu = |pointer: Pointer| UtilizationMetric {
        pointer,
        resource: "cpu".to_owned(),
        container: None,
    };
    if hpa.api_version == "autoscaling/v1" {
        // v1 has only the CPU target, 80% when unset.
        let at = match hpa.at("/spec/targetCPUUtilizationPercentage") {
            Some(_) => spec.key("targetCPUUtilizationPercentage"),
            None => spec,
        };
        return vec![default_cpu(at)];
    }
    let metrics = hpa
        .at("/spec/metrics")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if metrics.is_empty() {
        return vec![default_cpu(spec)];
    }
    let mut out = Vec::new();
    for (i, metric) in metrics.iter().enumerate() {
        let at = spec.key("metrics").index(i);
        let (field, container) = match metric.get("type").and_then(Value::as_str) {
            Some("Resource") => ("resource", None),
            Some("ContainerResource") => (
                "containerResource",
                metric
                    .get("containerResource")
                    .and_then(|c| c.get("container"))
                    .and_then(Value::as_str),
            ),
            _ => continue,
        };
        let Some(source) = metric.get(field) else {
            continue;
        };
        let Some(resource) = source.get("name").and_then(Value::as_str) else {
            continue;
        };
        // v2 and v2beta2: `target.type: Utilization`; v2beta1: `targetAverageUtilization`.
        let pointer = if source
            .get("target")
            .and_then(|t| t.get("type"))
            .and_then(Value::as_str)
            == Some("Utilization")
        {
            at.key(field).key("target")
        } else if source.get("targetAverageUtilization").is_some() {
            at.key(field).key("targetAverageUtilization")
        } else {
            continue;
        };
        out.push(UtilizationMetric {
            pointer,
            resource: resource.to_owned(),
            container: container.map(str::to_owned),
        });
    }
    out
}

/// Whether a container requests `resource`. A limit without a request counts: the API
/// server defaults the request to the limit.
pub fn requests(container: &Value, resource: &str) -> bool {
    let has = |field: &str| {
        container
            .get("resources")
            .and_then(|r| r.get(field))
            .and_then(|r| r.get(resource))
            .is_some_and(|q| !q.is_null())
    };
    has("requests") || has("limits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn a_limit_stands_for_the_request() {
        assert!(requests(
            &json!({"resources": {"limits": {"cpu": "1"}}}),
            "cpu"
        ));
        assert!(requests(
            &json!({"resources": {"requests": {"cpu": "1"}}}),
            "cpu"
        ));
        assert!(!requests(
            &json!({"resources": {"requests": {"memory": "1Gi"}}}),
            "cpu"
        ));
        assert!(!requests(&json!({"name": "c"}), "cpu"));
    }
}
