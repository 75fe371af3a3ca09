//! `render --expand`: what the controllers would create from the rendered objects
//!. A StatefulSet's pods `<name>-<ordinal>` and claims
//! `<template>-<name>-<ordinal>`; a Deployment's ReplicaSet `<name>-<hash>` and its pods
//! `<replicaset>-<suffix>` (likewise for a ReplicaSet in the input); for each Service with
//! a selector, its Endpoints and EndpointSlice listing the selected pods.
//!
//! Names the cluster would make random or derive from Go struct dumps are deterministic
//! here: the pod-template hash is FNV-1a (32 bit) over the template's sorted JSON, spelled
//! in the controller's alphabet (so it looks like the real one but differs from it); pod
//! suffixes are 5 letters of the same alphabet derived from the ReplicaSet name and the
//! pod's index. No IP addresses and no UIDs are invented: endpoints name their pods by
//! `targetRef` only.

use std::collections::{BTreeMap, HashMap};

use crate::base::value::{Map, Value};
use crate::json;

use super::defaults::{self, Cluster};
use super::{Rendered, emit};
use crate::base::At;
use crate::model::Selector;

/// More pods than this per workload are not generated (a typo'd `replicas: 100000` should
/// not produce a gigabyte of YAML).
pub const MAX_PODS: i64 = 1000;

/// The controller's alphabet for generated names (no vowels, no confusable digits).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The objects the controllers would create, each with its namespace.
pub fn expand(
    rendered: &[Rendered],
    with_defaults: bool,
    cluster: &Cluster,
) -> Vec<(Value, Option<String>)> {
    let mut out: Vec<Value> = Vec::new();
    for r in rendered {
        match (r.key.api_version.as_str(), r.key.kind.as_str()) {
            ("apps/v1", "StatefulSet") => stateful_set(&r.value, with_defaults, cluster, &mut out),
            ("apps/v1", "Deployment") => {
                if let Some(rs) = replica_set_of(&r.value) {
                    pods_of_replica_set(&rs, with_defaults, &mut out);
                    out.push(rs);
                }
            }
            ("apps/v1", "ReplicaSet") => pods_of_replica_set(&r.value, with_defaults, &mut out),
            _ => {}
        }
    }
    let mut pods: Vec<&Value> = rendered
        .iter()
        .filter(|r| r.key.api_version == "v1" && r.key.kind == "Pod")
        .map(|r| &r.value)
        .chain(out.iter().filter(|v| v["kind"] == "Pod"))
        .collect();
    pods.sort_by_key(|p| str_at(p, "/metadata/name"));
    // Services select pods of their own namespace only.
    let mut by_namespace: HashMap<String, Vec<&Value>> = HashMap::new();
    for pod in pods {
        by_namespace
            .entry(str_at(pod, "/metadata/namespace"))
            .or_default()
            .push(pod);
    }
    let mut endpoints = Vec::new();
    for r in rendered
        .iter()
        .filter(|r| r.key.api_version == "v1" && r.key.kind == "Service")
    {
        let ns = str_at(&r.value, "/metadata/namespace");
        let pods = by_namespace.get(&ns).map_or(&[][..], Vec::as_slice);
        service_endpoints(&r.value, pods, &mut endpoints);
    }
    out.extend(endpoints);
    // Every generated object is namespaced and names its namespace.
    out.into_iter()
        .map(|v| {
            let ns = v
                .at("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_owned);
            (v, ns)
        })
        .collect()
}

fn str_at(v: &Value, p: &str) -> String {
    v.at(p).and_then(Value::as_str).unwrap_or("").to_owned()
}

fn replicas(v: &Value) -> i64 {
    v.at("/spec/replicas")
        .map_or(1, |r| r.as_i64().unwrap_or(1))
        .clamp(0, MAX_PODS)
}

fn owner(api_version: &str, kind: &str, name: &str) -> Value {
    json!([{"apiVersion": api_version, "kind": kind, "name": name, "controller": true, "blockOwnerDeletion": true}])
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// A pod-template hash spelled as the controller spells its own (§C.2).
pub fn template_hash(template: &Value) -> String {
    let text = serde_json::to_string(&emit::sorted(template)).expect("JSON always serializes");
    fnv1a(text.as_bytes())
        .to_string()
        .bytes()
        .map(|c| ALPHANUMS[usize::from(c) % ALPHANUMS.len()] as char)
        .collect()
}

/// Five letters of the controller's alphabet, derived from a seed.
fn suffix(seed: &str) -> String {
    let mut h = fnv1a(seed.as_bytes());
    (0..5)
        .map(|_| {
            let c = ALPHANUMS[(h % ALPHANUMS.len() as u32) as usize] as char;
            h /= ALPHANUMS.len() as u32;
            c
        })
        .collect()
}

/// A pod from a template: its labels and annotations, its spec with the Pod-only defaults.
fn pod_from_template(
    template: &Value,
    name: &str,
    namespace: &str,
    owners: Value,
    with_defaults: bool,
) -> Value {
    let mut meta = Map::new();
    meta.insert("name".to_owned(), json!(name));
    meta.insert("namespace".to_owned(), json!(namespace));
    for key in ["labels", "annotations"] {
        if let Some(v) = template
            .at(&format!("/metadata/{key}"))
            .filter(|v| v.is_object())
        {
            meta.insert(key.to_owned(), v.clone());
        }
    }
    meta.insert("ownerReferences".to_owned(), owners);
    let mut spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    if with_defaults {
        defaults::pod_spec(&mut spec, true);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
}

fn labels_mut<'a>(v: &'a mut Value, pointer: &str) -> Option<&'a mut Map> {
    let meta = v.pointer_mut(pointer)?.as_object_mut()?;
    let labels = meta.entry("labels".to_owned()).or_insert_with(|| json!({}));
    if !labels.is_object() {
        *labels = json!({});
    }
    labels.as_object_mut()
}

fn stateful_set(sts: &Value, with_defaults: bool, cluster: &Cluster, out: &mut Vec<Value>) {
    let name = str_at(sts, "/metadata/name");
    let ns = str_at(sts, "/metadata/namespace");
    let Some(template) = sts.at("/spec/template").filter(|t| t.is_object()) else {
        return;
    };
    let start = sts
        .at("/spec/ordinals/start")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0);
    let service = str_at(sts, "/spec/serviceName");
    let revision = format!("{name}-{}", template_hash(template));
    let claims: Vec<&Value> = sts
        .at("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|c| c.is_object()).collect())
        .unwrap_or_default();
    let selector_labels = sts
        .at("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let delete_with_set = sts
        .at("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted")
        .and_then(Value::as_str)
        == Some("Delete");
    for ordinal in start..start + replicas(sts) {
        let pod_name = format!("{name}-{ordinal}");
        let mut pod = pod_from_template(
            template,
            &pod_name,
            &ns,
            owner("apps/v1", "StatefulSet", &name),
            with_defaults,
        );
        if let Some(labels) = labels_mut(&mut pod, "/metadata") {
            labels.insert(
                "statefulset.kubernetes.io/pod-name".to_owned(),
                json!(pod_name),
            );
            labels.insert(
                "apps.kubernetes.io/pod-index".to_owned(),
                json!(ordinal.to_string()),
            );
            labels.insert("controller-revision-hash".to_owned(), json!(revision));
        }
        if let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("hostname".to_owned(), json!(pod_name));
            if !service.is_empty() {
                spec.insert("subdomain".to_owned(), json!(service));
            }
            let volumes = spec
                .entry("volumes".to_owned())
                .or_insert_with(|| json!([]));
            if !volumes.is_array() {
                *volumes = json!([]);
            }
            if let Some(volumes) = volumes.as_array_mut() {
                for claim in &claims {
                    let t = str_at(claim, "/metadata/name");
                    let volume = json!({"name": t, "persistentVolumeClaim": {"claimName": format!("{t}-{pod_name}")}});
                    match volumes.iter_mut().find(|v| v["name"] == json!(t)) {
                        Some(existing) => *existing = volume,
                        None => volumes.push(volume),
                    }
                }
            }
        }
        for claim in &claims {
            let t = str_at(claim, "/metadata/name");
            let mut pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim"});
            let mut meta = claim
                .get("metadata")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            meta.insert("name".to_owned(), json!(format!("{t}-{pod_name}")));
            meta.insert("namespace".to_owned(), json!(ns));
            let mut labels = meta
                .get("labels")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            labels.extend(selector_labels.clone());
            meta.insert("labels".to_owned(), Value::Object(labels));
            if delete_with_set {
                meta.insert(
                    "ownerReferences".to_owned(),
                    owner("apps/v1", "StatefulSet", &name),
                );
            }
            pvc["metadata"] = Value::Object(meta);
            pvc["spec"] = claim.get("spec").cloned().unwrap_or_else(|| json!({}));
            if let Some(status) = claim.get("status") {
                pvc["status"] = status.clone();
            }
            if with_defaults {
                defaults::claim(&mut pvc, cluster);
            }
            out.push(pvc);
        }
        out.push(pod);
    }
}

/// The ReplicaSet a Deployment creates for its current template.
fn replica_set_of(deploy: &Value) -> Option<Value> {
    let name = str_at(deploy, "/metadata/name");
    let ns = str_at(deploy, "/metadata/namespace");
    let mut template = deploy
        .at("/spec/template")
        .filter(|t| t.is_object())?
        .clone();
    let hash = template_hash(&template);
    let rs_name = format!("{name}-{hash}");
    if let Some(t) = template.as_object_mut() {
        let meta = t.entry("metadata".to_owned()).or_insert_with(|| json!({}));
        if !meta.is_object() {
            *meta = json!({});
        }
    }
    if let Some(labels) = labels_mut(&mut template, "/metadata") {
        labels.insert("pod-template-hash".to_owned(), json!(hash));
    }
    let mut selector = deploy
        .at("/spec/selector")
        .filter(|s| s.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(sel) = selector.as_object_mut() {
        let ml = sel
            .entry("matchLabels".to_owned())
            .or_insert_with(|| json!({}));
        if let Some(ml) = ml.as_object_mut() {
            ml.insert("pod-template-hash".to_owned(), json!(hash));
        }
    }
    let mut labels = template
        .at("/metadata/labels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if !labels.is_object() {
        labels = json!({});
    }
    let mut spec =
        json!({"replicas": replicas(deploy), "selector": selector, "template": template});
    if let Some(m) = deploy.at("/spec/minReadySeconds") {
        spec["minReadySeconds"] = m.clone();
    }
    Some(json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": rs_name, "namespace": ns, "labels": labels,
                     "ownerReferences": owner("apps/v1", "Deployment", &name)},
        "spec": spec,
    }))
}

fn pods_of_replica_set(rs: &Value, with_defaults: bool, out: &mut Vec<Value>) {
    let name = str_at(rs, "/metadata/name");
    let ns = str_at(rs, "/metadata/namespace");
    let Some(template) = rs.at("/spec/template").filter(|t| t.is_object()) else {
        return;
    };
    // generateName `<rs>-`, its base cut to 58 characters (§C.2).
    let base: String = format!("{name}-").chars().take(58).collect();
    for i in 0..replicas(rs) {
        let pod_name = format!("{base}{}", suffix(&format!("{name}/{i}")));
        let pod = pod_from_template(
            template,
            &pod_name,
            &ns,
            owner("apps/v1", "ReplicaSet", &name),
            with_defaults,
        );
        out.push(pod);
    }
}

/// A Service port resolved against one pod: `None` when a named target port is not found.
fn resolve_port(port: &Value, pod: &Value) -> Option<Value> {
    let protocol = port
        .get("protocol")
        .and_then(Value::as_str)
        .unwrap_or("TCP");
    let number = match port.get("targetPort") {
        Some(Value::Number(n)) if n.as_i64() != Some(0) => n.as_i64()?,
        Some(Value::String(name)) if !name.is_empty() => {
            let spec = pod.get("spec")?;
            let containers = spec
                .get("containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            let sidecars = spec
                .get("initContainers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|c| c.get("restartPolicy").and_then(Value::as_str) == Some("Always"));
            containers
                .chain(sidecars)
                .flat_map(|c| {
                    c.get("ports")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                })
                .find(|p| {
                    p.get("name").and_then(Value::as_str) == Some(name.as_str())
                        && p.get("protocol").and_then(Value::as_str).unwrap_or("TCP") == protocol
                })?
                .get("containerPort")?
                .as_i64()?
        }
        _ => port.get("port")?.as_i64()?,
    };
    let mut out = Map::new();
    if let Some(n) = port
        .get("name")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    {
        out.insert("name".to_owned(), n.clone());
    }
    out.insert("port".to_owned(), json!(number));
    out.insert("protocol".to_owned(), json!(protocol));
    if let Some(a) = port.get("appProtocol") {
        out.insert("appProtocol".to_owned(), a.clone());
    }
    Some(Value::Object(out))
}

fn service_endpoints(svc: &Value, pods: &[&Value], out: &mut Vec<Value>) {
    let name = str_at(svc, "/metadata/name");
    let ns = str_at(svc, "/metadata/namespace");
    let spec = svc.get("spec").cloned().unwrap_or_default();
    if spec.get("type").and_then(Value::as_str) == Some("ExternalName") {
        return;
    }
    let Some(selector) = spec
        .get("selector")
        .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
    else {
        return;
    };
    let Ok(selector) = Selector::from_map(selector) else {
        return;
    };
    let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
    let ports: Vec<&Value> = spec
        .get("ports")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if ports.is_empty() && !headless {
        return;
    }
    // Pods grouped by their resolved port list (pods whose named port resolves
    // differently land in different subsets and slices).
    let mut groups: BTreeMap<String, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for pod in pods {
        if str_at(pod, "/metadata/namespace") != ns
            || !selector.matches_opt(pod.at("/metadata/labels").and_then(Value::as_object))
            || matches!(
                str_at(pod, "/status/phase").as_str(),
                "Succeeded" | "Failed"
            )
        {
            continue;
        }
        let resolved: Vec<Value> = ports.iter().filter_map(|p| resolve_port(p, pod)).collect();
        if resolved.is_empty() && !ports.is_empty() {
            continue;
        }
        let pod_name = str_at(pod, "/metadata/name");
        let mut address = json!({"targetRef": {"kind": "Pod", "name": pod_name, "namespace": ns}});
        let hostname = str_at(pod, "/spec/hostname");
        if !hostname.is_empty() && str_at(pod, "/spec/subdomain") == name {
            address["hostname"] = json!(hostname);
        }
        let key = serde_json::to_string(&resolved).expect("JSON always serializes");
        let group = groups.entry(key).or_insert_with(|| (resolved, Vec::new()));
        group.1.push(address);
    }
    let mut labels = svc
        .at("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if headless {
        labels.insert("service.kubernetes.io/headless".to_owned(), json!(""));
    }
    let subsets: Vec<Value> = groups
        .values()
        .map(|(ports, addresses)| {
            let mut s = json!({"addresses": addresses});
            if !ports.is_empty() {
                s["ports"] = json!(ports);
            }
            s
        })
        .collect();
    let mut endpoints = json!({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": name, "namespace": ns},
    });
    if !labels.is_empty() {
        endpoints["metadata"]["labels"] = Value::Object(labels.clone());
    }
    if !subsets.is_empty() {
        endpoints["subsets"] = json!(subsets);
    }
    out.push(endpoints);

    let mut slice_labels = labels;
    slice_labels.retain(|k, _| {
        !k.starts_with("endpointslice.kubernetes.io/") && k != "kubernetes.io/service-name"
    });
    slice_labels.insert("kubernetes.io/service-name".to_owned(), json!(name));
    slice_labels.insert(
        "endpointslice.kubernetes.io/managed-by".to_owned(),
        json!("endpointslice-controller.k8s.io"),
    );
    let families: Vec<String> = spec
        .get("ipFamilies")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .filter(|f: &Vec<String>| !f.is_empty())
        .unwrap_or_else(|| vec!["IPv4".to_owned()]);
    for family in families {
        let mut slices: Vec<(Vec<Value>, Vec<Value>)> = groups.values().cloned().collect();
        if slices.is_empty() {
            // A selector that selects nothing still gets one empty placeholder slice.
            slices.push((Vec::new(), Vec::new()));
        }
        for (ports, addresses) in slices {
            let endpoints: Vec<Value> = addresses
                .iter()
                .map(|a| {
                    let mut e = json!({"conditions": {"ready": true, "serving": true, "terminating": false},
                                       "targetRef": a["targetRef"]});
                    if let Some(h) = a.get("hostname") {
                        e["hostname"] = h.clone();
                    }
                    e
                })
                .collect();
            let seed = format!(
                "{name}/{family}/{}",
                serde_json::to_string(&ports).unwrap_or_default()
            );
            let mut slice = json!({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": format!("{name}-{}", suffix(&seed)), "namespace": ns,
                             "labels": slice_labels.clone(),
                             "ownerReferences": owner("v1", "Service", &name)},
                "addressType": family, "endpoints": endpoints,
            });
            if !ports.is_empty() {
                slice["ports"] = json!(ports);
            }
            out.push(slice);
        }
    }
}
