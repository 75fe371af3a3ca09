//! What the Endpoints controller sees of a Service: its selector,
//! its ports, the workloads whose pods it selects, and how a targetPort resolves against a
//! pod's containers. Shared by the Service, StatefulSet, Ingress and probe rules.

use std::collections::HashSet;

use serde_json::Value;

use crate::base::Pointer;
use crate::graph::Graph;
use crate::model::{Container, ContainerKind, Object, PodTemplate, Selector, WorkloadKind};

/// Whether a Service is `type: ExternalName` (a DNS alias: no pods, no endpoints).
pub fn is_external_name(service: &Object) -> bool {
    service.at("/spec/type").and_then(Value::as_str) == Some("ExternalName")
}

/// Whether a Service is headless (`clusterIP: None`).
pub fn is_headless(service: &Object) -> bool {
    service.at("/spec/clusterIP").and_then(Value::as_str) == Some("None")
}

/// The selector of a Service, when the Endpoints controller would use one: a non-empty
/// `key: value` map on a Service that is not ExternalName. An empty map reads back from
/// storage as no selector (§C.1 step 2); an unreadable one is the schema's to report.
pub fn service_selector(service: &Object) -> Option<Selector> {
    if is_external_name(service) {
        return None;
    }
    let sel = Selector::from_map(service.at("/spec/selector")?).ok()?;
    (!sel.is_empty()).then_some(sel)
}

/// What the Endpoints controller selects for a Service: its selector and the workloads
/// whose pods match it.
pub struct Selected<'a> {
    /// The Service's selector.
    pub selector: Selector,
    /// The workloads whose pods it selects (empty: it selects none).
    pub workloads: Vec<&'a Object>,
}

/// What the Endpoints controller would select for an object: `None` unless it is a
/// Service that has a selector the controller uses.
pub fn selected<'a>(graph: &'a Graph, object: &Object) -> Option<Selected<'a>> {
    if !object.is("", "Service") {
        return None;
    }
    let selector = service_selector(object)?;
    let workloads = pod_workloads(graph, object, object.namespace.as_deref(), &selector);
    Some(Selected {
        selector,
        workloads,
    })
}

/// Whether a workload's pods are really run by another workload (a ReplicaSet owned by a
/// Deployment, a Job owned by a CronJob): counted through their owner.
fn is_controlled(object: &Object) -> bool {
    // Asked once per selected workload of every selector: direct lookups, no pointer to
    // parse.
    object
        .value
        .get("metadata")
        .and_then(|m| m.get("ownerReferences"))
        .and_then(Value::as_array)
        .is_some_and(|refs| {
            refs.iter()
                .any(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        })
}

/// The workloads whose pods a selector selects in a namespace, through the label index.
/// PodTemplates run no pods and controlled objects are counted through their owner. Pods
/// also carry labels their controller adds (§A.6, §C.3): a Job's `job-name` and
/// `batch.kubernetes.io/job-name`, a StatefulSet pod's `statefulset.kubernetes.io/pod-name`
/// and `apps.kubernetes.io/pod-index`; a selector naming one finds its workload by name.
pub fn pod_workloads<'a>(
    graph: &'a Graph,
    viewer: &Object,
    namespace: Option<&str>,
    selector: &Selector,
) -> Vec<&'a Object> {
    let mut found = graph.workloads_selected_by(viewer, namespace, selector);
    for (k, v) in &selector.match_labels {
        let candidate = match k.as_str() {
            "job-name" | "batch.kubernetes.io/job-name" => {
                graph.get(viewer, "batch", "Job", namespace, v)
            }
            "statefulset.kubernetes.io/pod-name" => v
                .rsplit_once('-')
                .and_then(|(sts, _)| graph.get(viewer, "apps", "StatefulSet", namespace, sts)),
            _ => None,
        };
        if let Some(w) = candidate {
            if !found.iter().any(|f| f.id == w.id) && selects_generated(w, selector) {
                found.push(w);
            }
        }
    }
    // A duplicated object runs one set of pods (duplicate-object reports the rest); the
    // set of identities seen keeps this linear in what the selector selects.
    let mut seen: HashSet<(&str, &str, Option<&str>, &str)> = HashSet::new();
    found
        .into_iter()
        .filter(|o| WorkloadKind::of(o) != Some(WorkloadKind::PodTemplate) && !is_controlled(o))
        .filter(|o| {
            seen.insert((
                o.group.as_str(),
                o.kind.as_str(),
                o.namespace.as_deref(),
                o.name.as_str(),
            ))
        })
        .collect()
}

/// Whether a selector selects some pod of a Job or StatefulSet once the labels their
/// controller adds are counted.
fn selects_generated(workload: &Object, selector: &Selector) -> bool {
    let Some(t) = PodTemplate::of(workload) else {
        return false;
    };
    let mut labels = t.labels().cloned().unwrap_or_default();
    let name = workload.name.clone();
    match t.kind {
        WorkloadKind::Job => {
            for k in ["job-name", "batch.kubernetes.io/job-name"] {
                labels
                    .entry(k)
                    .or_insert_with(|| Value::String(name.clone()));
            }
        }
        WorkloadKind::StatefulSet => {
            let wanted = selector
                .match_labels
                .iter()
                .find(|(k, _)| k == "statefulset.kubernetes.io/pod-name")
                .and_then(|(_, v)| v.strip_prefix(&format!("{name}-")))
                .and_then(|o| o.parse::<i64>().ok());
            let Some(ordinal) = wanted
                .filter(|o| crate::semantics::storage::claims::ordinals(workload).contains(o))
            else {
                return false;
            };
            labels.insert(
                "statefulset.kubernetes.io/pod-name".to_owned(),
                Value::String(format!("{name}-{ordinal}")),
            );
            labels.insert(
                "apps.kubernetes.io/pod-index".to_owned(),
                Value::String(ordinal.to_string()),
            );
        }
        _ => return false,
    }
    selector.matches(&labels)
}

/// The workload that comes closest to being selected, and how its pod labels differ:
/// `pods of Deployment web have app=web-v2`. Candidates come from the label index (a
/// workload sharing one of the selector's labels) and from workloads named like the
/// Service; never from a scan of the namespace.
pub fn nearest_miss<'a>(
    graph: &'a Graph,
    service: &Object,
    selector: &Selector,
) -> Option<(&'a Object, String)> {
    let ns = service.namespace.as_deref();
    let mut candidates: Vec<&Object> = Vec::new();
    for (k, v) in &selector.match_labels {
        let one = Selector {
            match_labels: vec![(k.clone(), v.clone())],
            requirements: Vec::new(),
        };
        candidates.extend(pod_workloads(graph, service, ns, &one));
    }
    for (group, kind) in [
        ("apps", "Deployment"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
        ("apps", "ReplicaSet"),
        ("", "Pod"),
        ("", "ReplicationController"),
    ] {
        candidates.extend(graph.get(service, group, kind, ns, &service.name));
    }
    candidates.sort_by_key(|o| o.id);
    candidates.dedup_by_key(|o| o.id);
    let score = |o: &Object| {
        let labels = PodTemplate::of(o).and_then(|t| t.labels());
        selector
            .match_labels
            .iter()
            .filter(|(k, v)| {
                labels.and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v.as_str())
            })
            .count()
    };
    // The highest score wins; the first in input order on ties.
    let best = candidates.into_iter().rev().max_by_key(|o| score(o))?;
    let labels = PodTemplate::of(best).and_then(|t| t.labels());
    let differences: Vec<String> = selector
        .match_labels
        .iter()
        .filter_map(|(k, v)| match labels.and_then(|l| l.get(k)) {
            Some(Value::String(have)) if have == v => None,
            Some(Value::String(have)) => Some(format!("{k}={have}")),
            _ => Some(format!("no label {k}")),
        })
        .collect();
    Some((
        best,
        format!(
            "pods of {} {} have {}",
            best.kind,
            best.name,
            differences.join(", ")
        ),
    ))
}

/// How a Service port names its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A port number (also the default: the Service port itself).
    Number(i64),
    /// A container port name.
    Name(String),
}

/// One entry of a Service's `spec.ports`.
#[derive(Debug, Clone)]
pub struct ServicePort {
    /// Its index.
    pub index: usize,
    /// Pointer to the entry.
    pub pointer: Pointer,
    /// `name`, if set and non-empty.
    pub name: Option<String>,
    /// `port`.
    pub port: Option<i64>,
    /// `protocol`, defaulted to TCP.
    pub protocol: String,
    /// `targetPort`, defaulted to `port` (§A.4).
    pub target: Option<Target>,
    /// `nodePort`, if set and non-zero.
    pub node_port: Option<i64>,
}

/// The entries of a Service's `spec.ports` that are mappings.
pub fn service_ports(service: &Object) -> Vec<ServicePort> {
    let Some(list) = service.at("/spec/ports").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, p)| p.is_object())
        .map(|(index, p)| {
            let port = p.get("port").and_then(Value::as_i64);
            let target = match p.get("targetPort") {
                Some(Value::String(s)) if s.is_empty() => port.map(Target::Number),
                Some(Value::String(s)) => match s.parse::<i64>() {
                    // A quoted number is invalid (the schema says so); read it as meant.
                    Ok(0) => port.map(Target::Number),
                    Ok(n) => Some(Target::Number(n)),
                    Err(_) => Some(Target::Name(s.clone())),
                },
                Some(Value::Number(n)) => match n.as_i64() {
                    Some(0) | None => port.map(Target::Number),
                    Some(n) => Some(Target::Number(n)),
                },
                _ => port.map(Target::Number),
            };
            ServicePort {
                index,
                pointer: Pointer::root().path("spec/ports").index(index),
                name: p
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                port,
                protocol: protocol_of(p),
                target,
                node_port: p
                    .get("nodePort")
                    .and_then(Value::as_i64)
                    .filter(|&n| n != 0),
            }
        })
        .collect()
}

/// A port's `protocol`, defaulted to TCP (§A.2, §A.4).
pub fn protocol_of(port: &Value) -> String {
    port.get("protocol")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("TCP")
        .to_owned()
}

/// The containers whose ports the Endpoints controller searches: regular containers in
/// order, then sidecar init containers (§C.1 step 6).
pub fn serving_containers<'a>(template: &PodTemplate<'a>) -> Vec<Container<'a>> {
    let mut out: Vec<Container<'a>> = template.spec.containers().collect();
    out.extend(
        template
            .spec
            .containers_of(ContainerKind::Init)
            .filter(Container::is_sidecar),
    );
    out
}

/// What `FindPort` finds for a named target in one pod.
#[derive(Debug)]
pub enum NamedPort<'a> {
    /// A port with this name and protocol: the container and the port's index.
    Found(Container<'a>, usize),
    /// A port with this name but another protocol.
    WrongProtocol(Container<'a>, usize, String),
    /// No port with this name.
    Missing,
}

/// Resolves a named targetPort in a pod as the controller does: the first port whose name
/// and protocol both match.
pub fn find_named_port<'a>(
    template: &PodTemplate<'a>,
    name: &str,
    protocol: &str,
) -> NamedPort<'a> {
    let mut near = NamedPort::Missing;
    for c in serving_containers(template) {
        for (i, p) in c.ports() {
            if p.get("name").and_then(Value::as_str) != Some(name) {
                continue;
            }
            let proto = protocol_of(p);
            if proto == protocol {
                return NamedPort::Found(c.clone(), i);
            }
            if matches!(near, NamedPort::Missing) {
                near = NamedPort::WrongProtocol(c.clone(), i, proto);
            }
        }
    }
    near
}

/// `8080/TCP http, 9090/TCP` — a container's declared ports, for messages.
pub fn describe_ports(container: &Container<'_>) -> String {
    let parts: Vec<String> = container
        .ports()
        .map(|(_, p)| {
            let number = p
                .get("containerPort")
                .map_or_else(|| "?".to_owned(), ToString::to_string);
            let proto = protocol_of(p);
            match p.get("name").and_then(Value::as_str) {
                Some(n) => format!("{number}/{proto} {n}"),
                None => format!("{number}/{proto}"),
            }
        })
        .collect();
    if parts.is_empty() {
        "no ports".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Whether an API group is a custom one (a CustomResourceDefinition's): built-in groups
/// are the core group, single words (`apps`, `batch`) and `*.k8s.io`.
fn is_custom_group(group: &str) -> bool {
    group.contains('.') && !group.ends_with(".k8s.io")
}

/// The namespaces holding custom resources: there an operator may run pods that the
/// inputs do not show (a Prometheus resource becomes a StatefulSet only in the cluster).
pub fn namespaces_with_custom_resources(graph: &Graph) -> HashSet<Option<&str>> {
    graph
        .objects
        .iter()
        .filter(|o| is_custom_group(&o.group))
        .map(|o| o.namespace.as_deref())
        .collect()
}
