//! core/v1 defaults other than pod specs.

use crate::base::value::{Map, Value};
use crate::json;

use super::{
    Cluster, child, each, existing, is_empty, labels_from_template, ptr, status_phase, string,
};
use crate::base::At;

/// Defaults of a core/v1 object of `kind`.
pub fn apply(kind: &str, value: &mut Value, cluster: &Cluster) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    match kind {
        "ReplicationController" => replication_controller(map),
        "Service" => service(map),
        "Secret" => string(map, "type", "Opaque"),
        "PersistentVolume" => {
            if let Some(spec) = child(map, "spec") {
                string(spec, "persistentVolumeReclaimPolicy", "Retain");
                ptr(spec, "volumeMode", json!("Filesystem"));
            }
            status_phase(map, "Pending");
        }
        "PersistentVolumeClaim" => {
            claim(map, cluster);
            status_phase(map, "Pending");
        }
        "Endpoints" => {
            for subset in each(map, "subsets") {
                for port in each(subset, "ports") {
                    string(port, "protocol", "TCP");
                }
            }
        }
        "Namespace" => {
            let name = map
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let (Some(name), Some(meta)) =
                (name.filter(|n| !n.is_empty()), child(map, "metadata"))
            {
                if let Some(labels) = child(meta, "labels") {
                    labels.insert(
                        "kubernetes.io/metadata.name".to_owned(),
                        Value::String(name.into()),
                    );
                }
            }
            status_phase(map, "Active");
        }
        "LimitRange" => {
            if let Some(spec) = existing(map, "spec") {
                for item in each(spec, "limits") {
                    limit_range_item(item);
                }
            }
        }
        _ => {}
    }
}

fn replication_controller(map: &mut Map) {
    let template_labels = map
        .get("spec")
        .and_then(|s| s.at("/template/metadata/labels"))
        .filter(|l| l.is_object())
        .cloned();
    if let Some(spec) = child(map, "spec") {
        ptr(spec, "replicas", json!(1));
        if let Some(labels) = &template_labels {
            if is_empty(spec.get("selector")) {
                spec.insert("selector".to_owned(), labels.clone());
            }
        }
    }
    labels_from_template(map, "/template");
}

/// A PersistentVolumeClaim spec (also a StatefulSet's claim templates, without the class).
pub(crate) fn claim_spec(spec: &mut Map) {
    ptr(spec, "volumeMode", json!("Filesystem"));
}

fn claim(map: &mut Map, cluster: &Cluster) {
    // Admission gives a claim without a class (and without the beta annotation) the
    // default StorageClass of the cluster (§C.6).
    let beta = map
        .get("metadata")
        .and_then(|m| m.at("/annotations/volume.beta.kubernetes.io~1storage-class"))
        .is_some();
    if let Some(spec) = child(map, "spec") {
        claim_spec(spec);
        if let (false, Some(class)) = (beta, &cluster.default_storage_class) {
            ptr(spec, "storageClassName", Value::String(class.into()));
        }
    }
}

fn service(map: &mut Map) {
    let Some(spec) = child(map, "spec") else {
        return;
    };
    string(spec, "sessionAffinity", "None");
    match spec.get("sessionAffinity").and_then(Value::as_str) {
        Some("None") => {
            spec.remove("sessionAffinityConfig");
        }
        Some("ClientIP") => {
            if let Some(client_ip) =
                child(spec, "sessionAffinityConfig").and_then(|c| child(c, "clientIP"))
            {
                ptr(client_ip, "timeoutSeconds", json!(10800));
            }
        }
        _ => {}
    }
    string(spec, "type", "ClusterIP");
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    for port in each(spec, "ports") {
        string(port, "protocol", "TCP");
        let unset = match port.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Number(n)) => n.as_i64() == Some(0),
            Some(_) => false,
        };
        if let (true, Some(p)) = (unset, port.get("port").filter(|p| p.is_i64()).cloned()) {
            port.insert("targetPort".to_owned(), p);
        }
    }
    let external_ips = !is_empty(spec.get("externalIPs"));
    let external = matches!(kind.as_str(), "LoadBalancer" | "NodePort")
        || (kind == "ClusterIP" && external_ips);
    if external {
        string(spec, "externalTrafficPolicy", "Cluster");
    }
    if matches!(kind.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        ptr(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if kind == "LoadBalancer" {
        ptr(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    ip_families(spec, &kind);
}

/// The registry's IP-family fields (§A.4), for a single-stack IPv4 cluster: the cluster's
/// own address ranges are unknown to a linter, and IPv4 is the common case.
fn ip_families(spec: &mut Map, kind: &str) {
    if kind == "ExternalName" {
        return;
    }
    let cluster_ip = spec
        .get("clusterIP")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !cluster_ip.is_empty() && is_empty(spec.get("clusterIPs")) {
        spec.insert("clusterIPs".to_owned(), json!([cluster_ip]));
    }
    let headless = cluster_ip == "None";
    let selectorless = is_empty(spec.get("selector"));
    let policy = if headless && selectorless {
        "RequireDualStack"
    } else {
        "SingleStack"
    };
    ptr(spec, "ipFamilyPolicy", json!(policy));
    if !is_empty(spec.get("ipFamilies")) {
        return;
    }
    let given: Vec<&str> = spec
        .get("clusterIPs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|ip| match ip.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => Some("IPv4"),
            Ok(std::net::IpAddr::V6(_)) => Some("IPv6"),
            Err(_) => None,
        })
        .collect();
    let policy = spec
        .get("ipFamilyPolicy")
        .and_then(Value::as_str)
        .unwrap_or("SingleStack");
    let families: Vec<&str> = if !given.is_empty() {
        given
    } else if headless && selectorless && policy != "SingleStack" {
        vec!["IPv4", "IPv6"]
    } else {
        vec!["IPv4"]
    };
    spec.insert("ipFamilies".to_owned(), json!(families));
}

fn limit_range_item(item: &mut Map) {
    if item.get("type").and_then(Value::as_str) != Some("Container") {
        return;
    }
    let max = item
        .get("max")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let min = item
        .get("min")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if !max.is_empty() {
        if let Some(default) = child(item, "default") {
            for (k, v) in &max {
                default.entry(k.clone()).or_insert(v.clone());
            }
        }
    }
    let default = item
        .get("default")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if default.is_empty() && min.is_empty() {
        return;
    }
    if let Some(request) = child(item, "defaultRequest") {
        for (k, v) in default.iter().chain(min.iter()) {
            request.entry(k.clone()).or_insert(v.clone());
        }
    }
}
