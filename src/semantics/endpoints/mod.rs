//! What the Endpoints controller sees of a Service: its selector,
//! its ports, the workloads whose pods it selects, and how a targetPort resolves against a
//! pod's containers. Shared by the Service, StatefulSet, Ingress and probe rules.
//!
//! Many Services often share one selector (and many budgets and policies ask for it too):
//! what a selection selects, and the facts the rules need about it, are computed once per
//! selection and kept in the graph ([`Graph::memo`]), so that the cost of each Service does
//! not grow with the number of workloads it selects.

mod ports;
pub mod traffic;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::base::value::Value;

use crate::base::ObjectId;
use crate::graph::Graph;
use crate::graph::units::Membership;
use crate::model::{Object, PodTemplate, Selector, WorkloadKind};

pub use ports::{
    NamedPort, PortMiss, ServicePort, Target, describe_ports, find_named_port, port_misses,
    protocol_of, service_ports, serving_containers,
};

/// A selection as the objects of one unit see it: the key of every fact kept about it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelectionKey {
    namespace: Option<String>,
    selector: Selector,
    unit: Membership,
}

impl SelectionKey {
    fn new(graph: &Graph, viewer: &Object, namespace: Option<&str>, selector: &Selector) -> Self {
        SelectionKey {
            namespace: namespace.map(str::to_owned),
            selector: selector.clone(),
            unit: graph.membership(viewer.id),
        }
    }
}

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
pub struct Selected {
    /// The Service's selector.
    pub selector: Selector,
    /// The selection's key, for the facts kept about it.
    pub key: SelectionKey,
    /// The workloads whose pods it selects, in input order (empty: it selects none).
    pub workloads: Arc<[ObjectId]>,
}

/// What the Endpoints controller would select for an object: `None` unless it is a
/// Service that has a selector the controller uses.
pub fn selected(graph: &Graph, object: &Object) -> Option<Selected> {
    if !object.is("", "Service") {
        return None;
    }
    let selector = service_selector(object)?;
    let ns = object.namespace.as_deref();
    let key = SelectionKey::new(graph, object, ns, &selector);
    let workloads = pod_workload_ids(graph, object, ns, &selector);
    Some(Selected {
        selector,
        key,
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
    pod_workload_ids(graph, viewer, namespace, selector)
        .iter()
        .map(|&id| graph.object(id))
        .collect()
}

/// The workloads whose pods at least one of `selecting` selects (each given with its
/// selector, in its own namespace): a PodDisruptionBudget's or a NetworkPolicy's cover.
/// Each distinct selection is walked once per unit, so n policies sharing one selector
/// over n workloads cost n + n, not n × n.
pub fn covered_workloads<'a>(
    graph: &Graph,
    selecting: impl IntoIterator<Item = (&'a Object, Selector)>,
) -> HashSet<ObjectId> {
    let mut covered = HashSet::new();
    let mut walked: HashSet<(Option<String>, Selector, Membership)> = HashSet::new();
    for (object, selector) in selecting {
        let key = (
            object.namespace.clone(),
            selector,
            graph.membership(object.id),
        );
        if walked.contains(&key) {
            continue;
        }
        let ids = pod_workload_ids(graph, object, object.namespace.as_deref(), &key.1);
        covered.extend(ids.iter().copied());
        walked.insert(key);
    }
    covered
}

/// The ids of [`pod_workloads`], computed once per selection and unit.
pub fn pod_workload_ids(
    graph: &Graph,
    viewer: &Object,
    namespace: Option<&str>,
    selector: &Selector,
) -> Arc<[ObjectId]> {
    let key = SelectionKey::new(graph, viewer, namespace, selector);
    graph.memo(key, || {
        let mut found: Vec<&Object> = graph
            .selection_seen_by(viewer, namespace, selector)
            .iter()
            .map(|&id| graph.object(id))
            .collect();
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
            .map(|o| o.id)
            .collect()
    })
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
                    .or_insert_with(|| Value::String(name.as_str().into()));
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
                Value::String(format!("{name}-{ordinal}").into()),
            );
            labels.insert(
                "apps.kubernetes.io/pod-index".to_owned(),
                Value::String(ordinal.to_string().into()),
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
    // The highest score wins; the first in input order on ties. The best of the workloads
    // sharing a label depends on the selection alone: Services sharing a selector that
    // selects nothing find it once.
    let key = NearestKey(SelectionKey::new(graph, service, ns, selector));
    let by_label = graph.memo(key, || {
        let mut best: Option<(usize, ObjectId)> = None;
        for (k, v) in &selector.match_labels {
            let one = Selector {
                match_labels: vec![(k.clone(), v.clone())],
                requirements: Vec::new(),
            };
            for &id in pod_workload_ids(graph, service, ns, &one).iter() {
                let s = score(graph.object(id));
                if best.is_none_or(|(bs, bid)| s > bs || (s == bs && id < bid)) {
                    best = Some((s, id));
                }
            }
        }
        best.map(|(_, id)| id)
    });
    let mut candidates: Vec<&Object> = by_label.map(|id| graph.object(id)).into_iter().collect();
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

/// The key of the nearest miss by label of a selection.
#[derive(PartialEq, Eq, Hash)]
struct NearestKey(SelectionKey);

/// Whether a workload in the namespace, seen by `viewer`, has pod template labels the
/// selector selects while its template is not a usable pod template (no `spec`): it runs
/// no pods, and the schema reports it.
pub fn unusable_template_labelled(
    graph: &Graph,
    viewer: &Object,
    namespace: Option<&str>,
    selector: &Selector,
) -> bool {
    // Few objects are such workloads: they are listed once, by namespace, rather than
    // every object of the namespace scanned for each selector.
    let unusable = graph.memo(UnusableKey, || {
        let mut by_ns: HashMap<Option<String>, Vec<ObjectId>> = HashMap::new();
        for o in &graph.objects {
            if WorkloadKind::of(o).is_some() && PodTemplate::of(o).is_none() {
                by_ns.entry(o.namespace.clone()).or_default().push(o.id);
            }
        }
        Arc::new(by_ns)
    });
    let unusable = unusable
        .get(&namespace.map(str::to_owned))
        .map_or(&[][..], Vec::as_slice);
    unusable.iter().any(|&id| {
        let o = graph.object(id);
        let Some(kind) = WorkloadKind::of(o) else {
            return false;
        };
        let labels = o
            .at(&format!("{}/metadata/labels", kind.template_pointer()))
            .and_then(Value::as_object);
        graph.sees(viewer.id, id) && labels.is_some() && selector.matches_opt(labels)
    })
}

/// The key of the unusable workloads, by namespace.
#[derive(PartialEq, Eq, Hash)]
struct UnusableKey;

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
