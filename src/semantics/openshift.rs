//! What OpenShift's API server does differently from Kubernetes for its own workload kind,
//! the DeploymentConfig.

use crate::base::value::Value;

use crate::base::{At, Pointer};
use crate::model::Object;

/// Whether the container at `container` (a pointer to `/spec/template/spec/containers/N`)
/// of a DeploymentConfig may leave `image` empty: an `ImageChange` trigger that names the
/// container fills it in, and OpenShift's validation puts a placeholder there before it
/// checks the pod template, so the API server accepts the object. Init containers are
/// not covered: the placeholder is set for regular containers only.
pub fn image_set_by_trigger(object: &Object, container: &Pointer) -> bool {
    // `apps.openshift.io/v1`, or the group-less `v1` of OpenShift 3.
    let deployment_config = object.kind == "DeploymentConfig"
        && (object.group == "apps.openshift.io" || object.group.is_empty());
    if !deployment_config {
        return false;
    }
    let tokens: Vec<_> = container.tokens().collect();
    let in_containers = matches!(tokens.as_slice(),
        [s, t, ts, c, i] if s == "spec" && t == "template" && ts == "spec"
            && c == "containers" && i.parse::<usize>().is_ok());
    if !in_containers {
        return false;
    }
    let Some(name) = object
        .at(container.as_str())
        .and_then(|c| c.get("name"))
        .and_then(Value::as_str)
    else {
        return false;
    };
    object
        .at("/spec/triggers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("ImageChange"))
        .filter_map(|t| t.at("/imageChangeParams/containerNames"))
        .filter_map(Value::as_array)
        .flatten()
        .any(|n| n.as_str() == Some(name))
}
