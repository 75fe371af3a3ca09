//! `k8lint graph`: the typed graph as a picture. [`Picture::build`] picks the objects worth
//! drawing, turns [`crate::graph::edges`] into numbered nodes and edges, and lays the
//! findings of the wiring rules (Service, Config and Storage categories) on the edges
//! whose references they point into; [`dot`], [`mermaid`] and [`json`] write it.

pub mod dot;
pub mod json;
pub mod mermaid;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::base::{Diagnostic, Location, ObjectId};
use crate::graph::Graph;
use crate::model::{Object, WorkloadKind};
use crate::rules::{Category, Rule};
use crate::semantics::edges::{self, Missing, Relation, Target};

/// How a node is colored: by what the object is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Ingress and Service.
    Network,
    /// Workloads.
    Workload,
    /// Claims, volumes, classes.
    Storage,
    /// ConfigMaps, Secrets, ServiceAccounts.
    Config,
    /// Autoscalers and disruption budgets.
    Policy,
    /// Anything else a reference reaches.
    Other,
}

/// One box of the picture.
#[derive(Debug, Clone)]
pub struct Node {
    /// The kind.
    pub kind: String,
    /// The namespace, `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
    /// The object, `None` for a missing one.
    pub object: Option<ObjectId>,
    /// From `--context`: drawn for reference, never checked.
    pub context: bool,
    /// What it is for.
    pub role: Role,
    /// Its apply unit (a missing object's is that of the object naming it).
    pub unit: String,
}

impl Node {
    /// Named by a reference but not in the inputs.
    pub fn is_missing(&self) -> bool {
        self.object.is_none()
    }
}

/// One arrow.
#[derive(Debug, Clone)]
pub struct Arrow {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// What the reference means.
    pub relation: Relation,
    /// Every reference on it is optional.
    pub optional: bool,
    /// Ids of the wiring rules that reported on this reference (empty: not broken).
    pub findings: Vec<String>,
    /// Where the references are written: object and JSON pointer.
    pub sites: Vec<(ObjectId, String)>,
}

impl Arrow {
    /// A wiring rule reported on it.
    pub fn is_broken(&self) -> bool {
        !self.findings.is_empty()
    }
}

/// Nodes and arrows, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// Nodes, sorted by namespace, role, kind and name.
    pub nodes: Vec<Node>,
    /// Arrows, sorted by their ends.
    pub arrows: Vec<Arrow>,
}

/// The role of an object kind, or `None` for kinds not drawn unless referenced.
fn role(group: &str, kind: &str) -> Option<Role> {
    Some(match (group, kind) {
        ("networking.k8s.io" | "extensions", "Ingress") | ("", "Service") => Role::Network,
        ("", "PersistentVolumeClaim" | "PersistentVolume") | ("storage.k8s.io", "StorageClass") => {
            Role::Storage
        }
        ("", "ConfigMap" | "Secret" | "ServiceAccount") => Role::Config,
        ("autoscaling", "HorizontalPodAutoscaler") | ("policy", "PodDisruptionBudget") => {
            Role::Policy
        }
        _ => return None,
    })
}

fn object_role(o: &Object) -> Option<Role> {
    if WorkloadKind::of(o).is_some() {
        return Some(Role::Workload);
    }
    role(&o.group, &o.kind)
}

fn object_node(graph: &Graph, o: &Object) -> Node {
    Node {
        unit: graph.unit_name(o.id).to_owned(),
        kind: o.kind.clone(),
        namespace: o.namespace.clone(),
        name: o.name.clone(),
        object: Some(o.id),
        context: o.context,
        role: object_role(o).unwrap_or(Role::Other),
    }
}

fn missing_node(unit: &str, m: &Missing) -> Node {
    let role = if m.kind == "Pod" {
        Role::Workload
    } else {
        role(&m.group, &m.kind).unwrap_or(Role::Other)
    };
    Node {
        kind: m.kind.clone(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        object: None,
        context: false,
        role,
        unit: unit.to_owned(),
    }
}

/// Whether a rule's findings are about wiring between objects.
fn is_wiring(category: Category) -> bool {
    matches!(
        category,
        Category::Service | Category::Config | Category::Storage
    )
}

impl Picture {
    /// Builds the picture of a graph; `diagnostics` are the run's findings and `rules`
    /// say which of them are about wiring (by their category).
    pub fn build(graph: &Graph, diagnostics: &[Diagnostic], rules: &[&dyn Rule]) -> Picture {
        let edges = edges::edges(graph);

        // Every drawable object, plus whatever an edge touches.
        let mut objects: BTreeSet<ObjectId> = graph
            .objects
            .iter()
            .filter(|o| object_role(o).is_some())
            .map(|o| o.id)
            .collect();
        // A missing object is drawn once per unit that names it: staging's missing
        // ConfigMap is not prod's.
        let unit_of = |e: &edges::Edge| match (&e.from, &e.to) {
            (Target::Object(id), _) | (_, Target::Object(id)) => graph.unit_name(*id),
            _ => ".",
        };
        let mut missing: BTreeSet<(&str, &Missing)> = BTreeSet::new();
        for e in &edges {
            for t in [&e.from, &e.to] {
                match t {
                    Target::Object(id) => {
                        objects.insert(*id);
                    }
                    Target::Missing(m) => {
                        missing.insert((unit_of(e), m));
                    }
                }
            }
        }
        let mut nodes: Vec<Node> = objects
            .iter()
            .map(|&id| object_node(graph, graph.object(id)))
            .chain(missing.iter().map(|(unit, m)| missing_node(unit, m)))
            .collect();
        nodes.sort_by(|a, b| {
            (&a.unit, &a.namespace, a.role, &a.kind, &a.name, a.object).cmp(&(
                &b.unit,
                &b.namespace,
                b.role,
                &b.kind,
                &b.name,
                b.object,
            ))
        });
        let by_object: HashMap<ObjectId, usize> = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((n.object?, i)))
            .collect();
        type MissingKey<'k> = (&'k str, &'k str, Option<&'k str>, &'k str);
        let by_missing: HashMap<MissingKey<'_>, usize> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_missing())
            .map(|(i, n)| {
                (
                    (
                        n.unit.as_str(),
                        n.kind.as_str(),
                        n.namespace.as_deref(),
                        n.name.as_str(),
                    ),
                    i,
                )
            })
            .collect();
        let index = |t: &Target, unit: &str| -> Option<usize> {
            match t {
                Target::Object(id) => by_object.get(id).copied(),
                Target::Missing(m) => by_missing
                    .get(&(
                        unit,
                        m.kind.as_str(),
                        m.namespace.as_deref(),
                        m.name.as_str(),
                    ))
                    .copied(),
            }
        };

        // Wiring findings by object, to lay on the edges whose sites hold them.
        let categories: HashMap<&str, Category> = rules
            .iter()
            .map(|r| (r.meta().id, r.meta().category))
            .collect();
        let mut wiring: HashMap<ObjectId, Vec<&Diagnostic>> = HashMap::new();
        for d in diagnostics {
            let Location::Object { object, .. } = &d.location else {
                continue;
            };
            if categories
                .get(d.rule.as_str())
                .is_some_and(|c| is_wiring(*c))
            {
                wiring.entry(*object).or_default().push(d);
            }
        }

        let mut arrows = Vec::with_capacity(edges.len());
        for e in &edges {
            let unit = unit_of(e);
            let (Some(from), Some(to)) = (index(&e.from, unit), index(&e.to, unit)) else {
                continue;
            };
            let mut findings: BTreeSet<String> = BTreeSet::new();
            for (object, site) in &e.sites {
                for d in wiring.get(object).map_or(&[][..], Vec::as_slice) {
                    if let Location::Object { pointer, .. } = &d.location {
                        if pointer.starts_with(site) {
                            findings.insert(d.rule.to_string());
                        }
                    }
                }
            }
            arrows.push(Arrow {
                from,
                to,
                relation: e.relation,
                optional: e.optional,
                findings: findings.into_iter().collect(),
                sites: e.sites.iter().map(|(o, p)| (*o, p.to_string())).collect(),
            });
        }
        arrows.sort_by_key(|a| (a.from, a.to, a.relation));
        Picture { nodes, arrows }
    }

    /// Node indexes grouped by unit, then by namespace (`None`: cluster-scoped), in node
    /// order.
    pub fn by_unit(&self) -> BTreeMap<&str, BTreeMap<Option<&str>, Vec<usize>>> {
        let mut out: BTreeMap<&str, BTreeMap<Option<&str>, Vec<usize>>> = BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            out.entry(n.unit.as_str())
                .or_default()
                .entry(n.namespace.as_deref())
                .or_default()
                .push(i);
        }
        out
    }
}
