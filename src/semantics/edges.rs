//! The references between objects, as edges: Ingress → Service → workloads → claims →
//! volumes and classes, and the ConfigMaps, Secrets and ServiceAccounts workloads consume.
//! Each edge remembers where the reference is written (its sites), so findings about that
//! reference can be laid on the edge. Computed from the graph's indexes: lookups by
//! identity and the selector index, never a scan of every pair.

use crate::base::value::Value;

use crate::base::{At, ObjectId, Pointer};
use crate::graph::Graph;
use crate::model::object::group_of;
use crate::model::{Object, PodSpec, PodTemplate, Selector, WorkloadKind};
use crate::semantics::references::{Target as RefTarget, Via, references};

/// What a reference means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// Ingress backend → Service.
    Routes,
    /// Ingress TLS → Secret.
    Tls,
    /// Service selector → workloads.
    Selects,
    /// StatefulSet `serviceName` → its governing Service.
    Governs,
    /// Pod volume → PVC, ConfigMap or Secret.
    Mounts,
    /// Container `envFrom` → ConfigMap or Secret.
    EnvFrom,
    /// Container `env[].valueFrom` → ConfigMap or Secret.
    Env,
    /// Pod `serviceAccountName` → ServiceAccount.
    RunsAs,
    /// Pod `imagePullSecrets` → Secret.
    PullSecret,
    /// PVC ↔ PV binding (`volumeName` or the PV's `claimRef`).
    Binds,
    /// PVC, PV or claim template → StorageClass.
    Class,
    /// HPA `scaleTargetRef` → workload.
    Scales,
    /// PDB selector → workloads.
    Protects,
}

impl Relation {
    /// The edge label.
    pub fn label(self) -> &'static str {
        match self {
            Relation::Routes => "routes",
            Relation::Tls => "tls",
            Relation::Selects => "selects",
            Relation::Governs => "serviceName",
            Relation::Mounts => "mounts",
            Relation::EnvFrom => "envFrom",
            Relation::Env => "env",
            Relation::RunsAs => "runs as",
            Relation::PullSecret => "pulls with",
            Relation::Binds => "binds",
            Relation::Class => "class",
            Relation::Scales => "scales",
            Relation::Protects => "protects",
        }
    }
}

/// An object that a reference names but the inputs do not hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Missing {
    /// The API group.
    pub group: String,
    /// The kind.
    pub kind: String,
    /// The namespace, `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// The name (for a selector that selects nothing: the selector).
    pub name: String,
}

/// Where an edge points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// An object of the graph.
    Object(ObjectId),
    /// A named object that is not in the inputs.
    Missing(Missing),
}

/// One reference, or several that join the same pair the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The object the arrow starts at.
    pub from: Target,
    /// The object it points to.
    pub to: Target,
    /// What it means.
    pub relation: Relation,
    /// Where the reference is written: an object and the subtree that says it.
    pub sites: Vec<(ObjectId, Pointer)>,
    /// Every reference is `optional: true` (a missing target is then no fault).
    pub optional: bool,
}

/// Every edge of the graph, in a deterministic order, with parallel references merged.
pub fn edges(graph: &Graph) -> Vec<Edge> {
    let mut out = Vec::new();
    for o in &graph.objects {
        match (o.group.as_str(), o.kind.as_str()) {
            ("networking.k8s.io" | "extensions", "Ingress") => ingress(graph, o, &mut out),
            ("", "Service") => service(graph, o, &mut out),
            ("", "PersistentVolumeClaim") => claim(graph, o, &mut out),
            ("", "PersistentVolume") => volume(graph, o, &mut out),
            ("autoscaling", "HorizontalPodAutoscaler") => autoscaler(graph, o, &mut out),
            ("policy", "PodDisruptionBudget") => budget(graph, o, &mut out),
            _ => {}
        }
        if let Some(t) = PodTemplate::of(o) {
            pod_spec(graph, o, &t.spec, &mut out);
            if t.kind == WorkloadKind::StatefulSet {
                stateful_set(graph, o, &mut out);
            }
        }
    }
    merge(out)
}

/// Joins edges with the same ends and relation, keeping every site.
fn merge(mut edges: Vec<Edge>) -> Vec<Edge> {
    edges.sort_by(|a, b| {
        (&a.from, &a.to, a.relation, &a.sites).cmp(&(&b.from, &b.to, b.relation, &b.sites))
    });
    let mut out: Vec<Edge> = Vec::with_capacity(edges.len());
    for e in edges {
        match out.last_mut() {
            Some(last) if last.from == e.from && last.to == e.to && last.relation == e.relation => {
                last.sites.extend(e.sites);
                last.optional &= e.optional;
            }
            _ => out.push(e),
        }
    }
    out
}

/// The object a name written in `from` refers to (in `from`'s unit), or a missing node.
fn target(
    graph: &Graph,
    from: &Object,
    group: &str,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
) -> Target {
    match graph.get(from, group, kind, namespace, name) {
        Some(o) => Target::Object(o.id),
        None => Target::Missing(Missing {
            group: group.to_owned(),
            kind: kind.to_owned(),
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
        }),
    }
}

/// Pushes an edge from `o` to the named object, written at `site` in `o`.
#[allow(clippy::too_many_arguments)]
fn refer(
    graph: &Graph,
    o: &Object,
    relation: Relation,
    (group, kind): (&str, &str),
    name: &str,
    site: Pointer,
    optional: bool,
    out: &mut Vec<Edge>,
) {
    if name.is_empty() {
        return;
    }
    let namespace = if matches!(kind, "PersistentVolume" | "StorageClass") {
        None
    } else {
        o.namespace.as_deref()
    };
    out.push(Edge {
        from: Target::Object(o.id),
        to: target(graph, o, group, kind, namespace, name),
        relation,
        sites: vec![(o.id, site)],
        optional,
    });
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.at(pointer)?.as_str()
}

fn ingress(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    let spec = Pointer::root().key("spec");
    let mut backends: Vec<(Pointer, &Value)> = Vec::new();
    for field in ["defaultBackend", "backend"] {
        if let Some(b) = o.value.at(&format!("/spec/{field}")) {
            backends.push((spec.key(field), b));
        }
    }
    let rules = o.at("/spec/rules").and_then(Value::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let paths = rule.at("/http/paths").and_then(Value::as_array);
        for (j, path) in paths.into_iter().flatten().enumerate() {
            if let Some(b) = path.get("backend") {
                let p = spec.key("rules").index(i).path("http/paths").index(j);
                backends.push((p.key("backend"), b));
            }
        }
    }
    for (site, b) in backends {
        // networking/v1 `service.name`; extensions/v1beta1 `serviceName`.
        let name = str_at(b, "/service/name").or_else(|| str_at(b, "/serviceName"));
        if let Some(name) = name {
            refer(
                graph,
                o,
                Relation::Routes,
                ("", "Service"),
                name,
                site,
                false,
                out,
            );
        }
    }
    let tls = o.at("/spec/tls").and_then(Value::as_array);
    for (i, t) in tls.into_iter().flatten().enumerate() {
        if let Some(name) = str_at(t, "/secretName") {
            let site = spec.key("tls").index(i);
            refer(
                graph,
                o,
                Relation::Tls,
                ("", "Secret"),
                name,
                site,
                false,
                out,
            );
        }
    }
}

/// Edges to the workloads a selector selects; a selector that selects nothing gets a
/// missing node named after it, so the picture shows the Service leads nowhere.
fn selects(
    graph: &Graph,
    o: &Object,
    relation: Relation,
    selector: &Selector,
    sites: Vec<(ObjectId, Pointer)>,
    out: &mut Vec<Edge>,
) {
    let selected = graph.workloads_selected_by(o, o.namespace.as_deref(), selector);
    if selected.is_empty() {
        out.push(Edge {
            from: Target::Object(o.id),
            to: Target::Missing(Missing {
                group: String::new(),
                kind: "Pod".to_owned(),
                namespace: o.namespace.clone(),
                name: selector.describe(),
            }),
            relation,
            sites,
            optional: false,
        });
        return;
    }
    for w in selected {
        out.push(Edge {
            from: Target::Object(o.id),
            to: Target::Object(w.id),
            relation,
            sites: sites.clone(),
            optional: false,
        });
    }
}

fn service(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    let Some(selector) = o
        .at("/spec/selector")
        .and_then(|s| Selector::from_map(s).ok())
    else {
        return;
    };
    // A Service without a selector selects nothing (its Endpoints are managed by hand).
    if selector.is_empty() {
        return;
    }
    // Port wiring (targetPort → container ports) is part of this edge too.
    let sites = vec![
        (o.id, Pointer::root().path("spec/selector")),
        (o.id, Pointer::root().path("spec/ports")),
    ];
    selects(graph, o, Relation::Selects, &selector, sites, out);
}

fn budget(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    let Some(selector) = o
        .at("/spec/selector")
        .and_then(|s| Selector::from_label_selector(s).ok())
    else {
        return;
    };
    let sites = vec![(o.id, Pointer::root().path("spec/selector"))];
    selects(graph, o, Relation::Protects, &selector, sites, out);
}

fn autoscaler(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    let Some(target_ref) = o.at("/spec/scaleTargetRef") else {
        return;
    };
    let (Some(kind), Some(name)) = (str_at(target_ref, "/kind"), str_at(target_ref, "/name"))
    else {
        return;
    };
    let group = group_of(str_at(target_ref, "/apiVersion").unwrap_or(""));
    let site = Pointer::root().path("spec/scaleTargetRef");
    refer(
        graph,
        o,
        Relation::Scales,
        (group, kind),
        name,
        site,
        false,
        out,
    );
}

fn claim(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    if let Some(name) = o.at("/spec/volumeName").and_then(Value::as_str) {
        let mut sites = vec![(o.id, Pointer::root().path("spec/volumeName"))];
        // Capacity and access modes are part of whether the binding holds.
        sites.push((o.id, Pointer::root().path("spec/resources")));
        sites.push((o.id, Pointer::root().path("spec/accessModes")));
        out.push(Edge {
            from: Target::Object(o.id),
            to: target(graph, o, "", "PersistentVolume", None, name),
            relation: Relation::Binds,
            sites,
            optional: false,
        });
    }
    storage_class(graph, o, out);
}

/// A claim's or volume's `spec.storageClassName` → its StorageClass.
fn storage_class(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    if let Some(class) = o.at("/spec/storageClassName").and_then(Value::as_str) {
        // `""` asks for a volume with no class: no StorageClass is involved.
        let site = Pointer::root().path("spec/storageClassName");
        refer(
            graph,
            o,
            Relation::Class,
            ("storage.k8s.io", "StorageClass"),
            class,
            site,
            false,
            out,
        );
    }
}

fn volume(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    storage_class(graph, o, out);
    let Some(claim_ref) = o.at("/spec/claimRef") else {
        return;
    };
    let Some(name) = str_at(claim_ref, "/name") else {
        return;
    };
    let namespace = str_at(claim_ref, "/namespace").unwrap_or("default");
    let site = (o.id, Pointer::root().path("spec/claimRef"));
    // Drawn claim → volume, as the binding reads; a missing claim hangs off the volume.
    match target(graph, o, "", "PersistentVolumeClaim", Some(namespace), name) {
        Target::Object(pvc) => out.push(Edge {
            from: Target::Object(pvc),
            to: Target::Object(o.id),
            relation: Relation::Binds,
            sites: vec![site],
            optional: false,
        }),
        missing => out.push(Edge {
            from: Target::Object(o.id),
            to: missing,
            relation: Relation::Binds,
            sites: vec![site],
            optional: false,
        }),
    }
}

fn stateful_set(graph: &Graph, o: &Object, out: &mut Vec<Edge>) {
    if let Some(name) = o.at("/spec/serviceName").and_then(Value::as_str) {
        let site = Pointer::root().path("spec/serviceName");
        refer(
            graph,
            o,
            Relation::Governs,
            ("", "Service"),
            name,
            site,
            false,
            out,
        );
    }
    let templates = o.at("/spec/volumeClaimTemplates").and_then(Value::as_array);
    for (i, t) in templates.into_iter().flatten().enumerate() {
        if let Some(class) = str_at(t, "/spec/storageClassName") {
            let site = Pointer::root()
                .path("spec/volumeClaimTemplates")
                .index(i)
                .path("spec/storageClassName");
            let sc = ("storage.k8s.io", "StorageClass");
            refer(graph, o, Relation::Class, sc, class, site, false, out);
        }
    }
}

/// Volumes, env, envFrom, the service account and pull secrets of a pod spec.
fn pod_spec(graph: &Graph, o: &Object, spec: &PodSpec<'_>, out: &mut Vec<Edge>) {
    for r in references(spec) {
        let relation = match r.via {
            Via::Env => Relation::Env,
            Via::EnvFrom => Relation::EnvFrom,
            Via::Volume => Relation::Mounts,
            Via::ServiceAccount => Relation::RunsAs,
            Via::PullSecret => Relation::PullSecret,
        };
        // Every namespace has a `default` ServiceAccount: not missing when not written.
        if r.target == RefTarget::ServiceAccount
            && r.name == "default"
            && graph
                .get(o, "", "ServiceAccount", o.namespace.as_deref(), r.name)
                .is_none()
        {
            continue;
        }
        let kind = ("", r.target.kind());
        refer(graph, o, relation, kind, r.name, r.site, r.optional, out);
    }
}
