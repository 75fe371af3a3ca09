//! The object graph: every object of the run, indexed by identity, kind and label, and the
//! one mechanism that turns a JSON pointer into a place in a file.
//!
//! It is also the one place that says which objects can see each other (the apply units of
//! [`units`]): every query that looks up another object takes the object that asks, and
//! answers only with objects of its unit. Iterating the objects of a kind to check each
//! ([`Graph::of_kind`], [`Graph::checked`]) is not a lookup and is not scoped.

mod spans;
mod trees;
pub mod units;

use crate::base::FastMap;
use std::any::{Any, TypeId};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use crate::base::{DocId, FileId, Location, ObjectId, Pointer, Span};
use crate::load::SourceFile;
use crate::model::{Object, ObjectKeyRef, PodTemplate, Selector, WorkloadKind};
use crate::yaml::Node;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
pub use trees::ObjectTree;
use units::{Membership, Units};

/// A parsed document and its span tree, for locations.
#[derive(Debug)]
pub struct DocTree {
    /// Its file.
    pub file: FileId,
    /// Its position in the file.
    pub index: usize,
    /// The document's extent.
    pub span: Span,
    /// The span tree, when it was kept: `None` when the compile stage let it go, to be
    /// parsed again when asked for ([`Graph::tree`]).
    pub tree: Option<Arc<Node>>,
    /// For an object built from a kustomization: its nodes' files.
    pub built: Option<Box<Built>>,
}

/// Where the nodes of a built object come from: the file of each subtree (its spans are in
/// that file) and the kustomization that built it.
#[derive(Debug, Clone)]
pub struct Built {
    /// Pointers where the file changes, in tree order; the first is the root's.
    pub switches: Vec<(Pointer, FileId)>,
    /// The kustomization file, and the span to show for it.
    pub by: (FileId, Span),
}

impl Built {
    /// The file of the node at `pointer`: that of the deepest switch above it.
    pub fn file_at(&self, pointer: &Pointer) -> Option<FileId> {
        self.switches
            .iter()
            .rev()
            .find(|(p, _)| pointer.starts_with(p))
            .map(|(_, f)| *f)
    }
}

/// An index's key: an identity, or a namespace, label key and value, hashed. A list holds
/// the objects of every key with that hash, and each lookup keeps those whose own key is
/// the one asked for, so a collision costs a comparison, never a wrong answer. Copies of
/// the keys' strings were a tenth of the graph at 100,000 objects. The hash is SipHash
/// with the run's own random key: the input cannot choose keys that collide.
type Hashed = u64;

/// How the identity and label indexes hash their keys ([`Hashed`]).
#[derive(Debug, Default)]
struct IndexHashing {
    state: RandomState,
    /// In tests: every key hashes alike, so that every lookup meets every object.
    #[cfg(test)]
    collide: bool,
}

impl IndexHashing {
    fn hash_one(&self, key: impl Hash) -> Hashed {
        #[cfg(test)]
        if self.collide {
            return 0;
        }
        self.state.hash_one(key)
    }

    /// The hash of a namespace, label key and value in the label indexes.
    fn label(&self, namespace: Option<&str>, key: &str, value: &str) -> Hashed {
        self.hash_one((namespace, key, value))
    }

    /// The hash of an identity in the identity index.
    fn identity(&self, key: ObjectKeyRef<'_>) -> Hashed {
        self.hash_one(key)
    }
}

/// Every object of the run, with indexes so that no query compares every object with
/// every other.
#[derive(Debug, Default)]
pub struct Graph {
    /// Input and context files.
    pub files: Vec<SourceFile>,
    /// Span trees of the documents that held objects.
    pub docs: Vec<DocTree>,
    /// The objects, in file and document order.
    pub objects: Vec<Object>,
    /// How index keys are hashed ([`Hashed`]).
    hashing: IndexHashing,
    by_key: FastMap<Hashed, Vec<ObjectId>>,
    by_kind: FastMap<(String, String), Vec<ObjectId>>,
    template_labels: FastMap<Hashed, Vec<ObjectId>>,
    workloads_by_namespace: FastMap<Option<String>, Vec<ObjectId>>,
    object_labels: FastMap<Hashed, Vec<ObjectId>>,
    objects_by_namespace: FastMap<Option<String>, Vec<ObjectId>>,
    /// For each workload, the groups of Services whose selector selects its pods (see
    /// `service_groups`), in id order. Computed once from the Services' side through the
    /// label index: asking from the workload's side would meet every Service sharing one
    /// common label (`team: x`).
    services_of: FastMap<ObjectId, Vec<u32>>,
    /// Services grouped by namespace and selector, in id order: n Services with one
    /// selector over n workloads are n + n entries, not n × n.
    service_groups: Vec<Vec<ObjectId>>,
    /// The workloads each namespace and selector selects, once computed: Services,
    /// budgets, policies and several rules ask for the same selector again and again.
    selections: Mutex<FastMap<SelectionKey, Arc<[ObjectId]>>>,
    /// Facts the layers above derive from the graph, computed once per key (see
    /// [`Graph::memo`]).
    memo: Memo,
    /// The folder and declared units of the run.
    pub units: Units,
    /// Each object's unit, by object id.
    members: Vec<Membership>,
    /// How trees that were let go are parsed again.
    reparser: trees::Reparser,
}

/// A namespace and a selector: what one selection is asked by.
type SelectionKey = (Option<String>, Selector);

/// A selection as the objects of one unit see it.
#[derive(PartialEq, Eq, Hash)]
struct SeenKey(Option<String>, Selector, Membership);

/// The Service groups selecting a workload, as the objects of one unit see them.
#[derive(PartialEq, Eq, Hash)]
struct ServicesKey(Vec<u32>, Membership);

/// The Services selecting a workload ([`Graph::services_selecting`]), in input order.
#[derive(Debug, Clone)]
pub struct Services<'a> {
    graph: &'a Graph,
    ids: Arc<[ObjectId]>,
}

impl<'a> Services<'a> {
    /// The Services.
    pub fn iter(&self) -> impl Iterator<Item = &'a Object> + '_ {
        self.ids.iter().map(|&id| self.graph.object(id))
    }

    /// The first Service.
    pub fn first(&self) -> Option<&'a Object> {
        self.ids.first().map(|&id| self.graph.object(id))
    }

    /// Whether no Service selects the workload.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// How many Services select the workload.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The identity of this list: workloads of one unit selected by the same Services
    /// share one list, so facts derived from it can be kept per list ([`Graph::memo`])
    /// whatever its length.
    pub fn id(&self) -> ServicesId {
        ServicesId(Arc::clone(&self.ids))
    }
}

/// The identity of one list of selecting Services ([`Services::id`]): compared and hashed
/// by address, at no cost per Service. It holds the list, so the address is never reused
/// while a key holds it.
#[derive(Debug, Clone)]
pub struct ServicesId(Arc<[ObjectId]>);

impl PartialEq for ServicesId {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ServicesId {}

impl Hash for ServicesId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).cast::<ObjectId>().hash(state);
    }
}

impl<'a> IntoIterator for Services<'a> {
    type Item = &'a Object;
    type IntoIter = std::vec::IntoIter<&'a Object>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter().collect::<Vec<_>>().into_iter()
    }
}

/// One table per key and value type: `FastMap<K, V>` behind its type id.
#[derive(Default)]
struct Memo(Mutex<FastMap<TypeId, Box<dyn Any + Send + Sync>>>);

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// Lists `object` under each of its string-valued `labels`, in its namespace.
fn index_labels(
    index: &mut FastMap<Hashed, Vec<ObjectId>>,
    hashing: &IndexHashing,
    object: &Object,
    labels: Option<&crate::base::value::Map>,
) {
    for (k, v) in labels.into_iter().flatten() {
        if let Some(v) = v.as_str() {
            let list = index
                .entry(hashing.label(object.namespace.as_deref(), k, v))
                .or_default();
            // Two labels of one object whose hashes collide list it once.
            if list.last() != Some(&object.id) {
                list.push(object.id);
            }
        }
    }
}

/// The indexes of objects by identity, kind, namespace and label.
#[derive(Default)]
struct ObjectIndexes {
    by_key: FastMap<Hashed, Vec<ObjectId>>,
    by_kind: FastMap<(String, String), Vec<ObjectId>>,
    by_namespace: FastMap<Option<String>, Vec<ObjectId>>,
    labels: FastMap<Hashed, Vec<ObjectId>>,
}

impl ObjectIndexes {
    fn of(objects: &[Object], hashing: &IndexHashing) -> ObjectIndexes {
        let mut ix = ObjectIndexes::default();
        for o in objects {
            ix.by_key
                .entry(hashing.identity(o.key_ref()))
                .or_default()
                .push(o.id);
            ix.by_kind
                .entry((o.group.clone(), o.kind.clone()))
                .or_default()
                .push(o.id);
            ix.by_namespace
                .entry(o.namespace.clone())
                .or_default()
                .push(o.id);
            index_labels(&mut ix.labels, hashing, o, o.labels());
        }
        ix
    }
}

/// The indexes of the objects with a pod template, by namespace and template label.
#[derive(Default)]
struct TemplateIndexes {
    by_namespace: FastMap<Option<String>, Vec<ObjectId>>,
    labels: FastMap<Hashed, Vec<ObjectId>>,
}

impl TemplateIndexes {
    fn of(objects: &[Object], hashing: &IndexHashing) -> TemplateIndexes {
        let mut ix = TemplateIndexes::default();
        for o in objects {
            let Some(t) = PodTemplate::of(o) else {
                continue;
            };
            ix.by_namespace
                .entry(o.namespace.clone())
                .or_default()
                .push(o.id);
            index_labels(&mut ix.labels, hashing, o, t.labels());
        }
        ix
    }
}

impl Graph {
    /// Builds the indexes over files, documents and objects, each object a member of
    /// the unit at its index in `members` (an object without one is seen by every unit).
    pub fn new(
        files: Vec<SourceFile>,
        docs: Vec<DocTree>,
        objects: Vec<Object>,
        units: Units,
        members: Vec<Membership>,
    ) -> Graph {
        Graph::indexed(
            files,
            docs,
            objects,
            units,
            members,
            IndexHashing::default(),
        )
    }

    /// The same graph with indexes in which every key collides: every lookup must still
    /// answer as before.
    #[cfg(test)]
    pub(crate) fn with_colliding_indexes(self) -> Graph {
        let Graph {
            files,
            docs,
            objects,
            units,
            members,
            reparser,
            ..
        } = self;
        let hashing = IndexHashing {
            collide: true,
            ..IndexHashing::default()
        };
        let mut g = Graph::indexed(files, docs, objects, units, members, hashing);
        g.reparser = reparser;
        g
    }

    fn indexed(
        files: Vec<SourceFile>,
        docs: Vec<DocTree>,
        objects: Vec<Object>,
        mut units: Units,
        mut members: Vec<Membership>,
        hashing: IndexHashing,
    ) -> Graph {
        if members.len() < objects.len() {
            let root = units.folder(std::path::Path::new("."));
            members.resize(
                objects.len(),
                Membership {
                    everywhere: true,
                    ..Membership::of(root, None)
                },
            );
        }
        let mut g = Graph {
            files,
            docs,
            objects,
            units,
            members,
            hashing,
            ..Graph::default()
        };
        // The indexes of the objects and those of their pod templates are built side by
        // side; each lists objects in input order.
        let (objects, templates) = rayon::join(
            || ObjectIndexes::of(&g.objects, &g.hashing),
            || TemplateIndexes::of(&g.objects, &g.hashing),
        );
        g.by_key = objects.by_key;
        g.by_kind = objects.by_kind;
        g.objects_by_namespace = objects.by_namespace;
        g.object_labels = objects.labels;
        g.workloads_by_namespace = templates.by_namespace;
        g.template_labels = templates.labels;
        let mut groups: FastMap<(Option<String>, Selector), u32> = FastMap::default();
        let mut service_groups: Vec<Vec<ObjectId>> = Vec::new();
        for svc in g.of_kind("", "Service") {
            let Some(selector) = svc
                .at("/spec/selector")
                .and_then(|s| Selector::from_map(s).ok())
            else {
                continue;
            };
            // A Service without a selector selects nothing.
            if selector.is_empty() {
                continue;
            }
            let key = (svc.namespace.clone(), selector);
            let group = *groups.entry(key).or_insert_with(|| {
                service_groups.push(Vec::new());
                (service_groups.len() - 1) as u32
            });
            service_groups[group as usize].push(svc.id);
        }
        let mut services_of: FastMap<ObjectId, Vec<u32>> = FastMap::default();
        let mut by_group: Vec<((Option<String>, Selector), u32)> = groups.into_iter().collect();
        // Groups in the order of their first Service, so that each workload's list is too.
        by_group.sort_by_key(|(_, group)| *group);
        for ((namespace, selector), group) in by_group {
            for w in g
                .selection(namespace.as_deref(), &selector)
                .iter()
                .map(|&id| g.object(id))
            {
                services_of.entry(w.id).or_default().push(group);
            }
        }
        g.services_of = services_of;
        g.service_groups = service_groups;
        g
    }

    /// Drops every object's value (each becomes `null`), in parallel, once nothing will
    /// read them again: the values are the largest part of a run's memory (about 4 KiB
    /// of a manifest's 9 per object), and locating findings needs only the span trees and
    /// the objects' identities, which stay.
    pub fn release_values(&mut self) {
        use rayon::prelude::*;
        let null = Arc::new(crate::base::value::Value::Null);
        self.objects
            .par_iter_mut()
            .for_each(|o| o.value = Arc::clone(&null));
    }

    /// An object by id.
    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0 as usize]
    }

    /// A file by id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The objects that are checked (not from `--context`).
    pub fn checked(&self) -> impl Iterator<Item = &Object> {
        self.objects.iter().filter(|o| !o.context)
    }

    /// The unit an object belongs to.
    pub fn membership(&self, id: ObjectId) -> Membership {
        self.members[id.0 as usize]
    }

    /// The name of an object's unit, as reports show it.
    pub fn unit_name(&self, id: ObjectId) -> &str {
        self.units.name_of(self.membership(id))
    }

    /// The name of the unit a file's findings belong to: its folder's (the current
    /// directory's for stdin).
    pub fn file_unit_name(&self, file: FileId) -> String {
        let f = self.file(file);
        // A chart's rendering is applied from the chart's folder.
        if let Some(r) = &f.rendered {
            return self.units.name_of_dir(std::path::Path::new(&r.chart));
        }
        let dir = f
            .path
            .as_deref()
            .and_then(std::path::Path::parent)
            .unwrap_or(std::path::Path::new("."));
        self.units.name_of_dir(dir)
    }

    /// Whether `viewer` and `other` are applied together: the one rule every lookup
    /// follows (see [`units`]).
    pub fn sees(&self, viewer: ObjectId, other: ObjectId) -> bool {
        viewer == other
            || self
                .units
                .sees(self.membership(viewer), self.membership(other))
    }

    /// The first object with this identity that `viewer` sees.
    pub fn get(
        &self,
        viewer: &Object,
        group: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&Object> {
        let key = ObjectKeyRef {
            group,
            kind,
            namespace,
            name,
        };
        self.with_identity(key)
            .find(|&id| self.sees(viewer.id, id))
            .map(|id| self.object(id))
    }

    /// The objects with an identity, in input order: its hash's list in the identity
    /// index, less the objects of other identities that share the hash.
    fn with_identity<'a>(&'a self, key: ObjectKeyRef<'a>) -> impl Iterator<Item = ObjectId> + 'a {
        self.by_key
            .get(&self.hashing.identity(key))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(move |&id| self.object(id).key_ref() == key)
    }

    /// The Namespace object of `object`'s namespace (`default` when it names none) that
    /// it sees: the one other object a namespace-scoped rule may read.
    pub fn namespace_of(&self, object: &Object) -> Option<&Object> {
        let name = object.namespace.as_deref().unwrap_or("default");
        self.get(object, "", "Namespace", None, name)
    }

    /// The objects whose identity shares its hash with another object's (of the same
    /// identity, nearly always), each list in input order; the lists in no set order.
    /// What a search for duplicates needs to visit, and nothing else.
    pub fn identity_groups(&self) -> impl Iterator<Item = &[ObjectId]> {
        self.by_key
            .values()
            .filter(|ids| ids.len() > 1)
            .map(Vec::as_slice)
    }

    /// Every object with the viewer's identity that it sees (itself included), in input
    /// order: more than one is a duplicate.
    pub fn same_key_seen_by(&self, viewer: &Object) -> Vec<ObjectId> {
        self.with_identity(viewer.key_ref())
            .filter(|&id| self.sees(viewer.id, id))
            .collect()
    }

    /// Objects of a kind that `viewer` sees, in input order.
    pub fn of_kind_seen_by<'a>(
        &'a self,
        viewer: &Object,
        group: &str,
        kind: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let viewer = viewer.id;
        self.of_kind(group, kind)
            .filter(move |o| self.sees(viewer, o.id))
    }

    /// Every object of a kind, in input order: the subjects a rule visits, never a lookup
    /// (a lookup asks [`Graph::of_kind_seen_by`]).
    pub fn of_kind<'a>(&'a self, group: &str, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind
            .get(&(group.to_owned(), kind.to_owned()))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&id| self.object(id))
    }

    /// Every object in a namespace that `viewer` sees.
    pub fn in_namespace<'a>(
        &'a self,
        viewer: &'a Object,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects_by_namespace
            .get(&namespace.map(str::to_owned))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(move |&&id| self.sees(viewer.id, id))
            .map(|&id| self.object(id))
    }

    /// Workloads in a namespace, seen by `viewer`, whose pod template labels the selector
    /// selects.
    pub fn workloads_selected_by<'a>(
        &'a self,
        viewer: &Object,
        namespace: Option<&str>,
        selector: &Selector,
    ) -> Vec<&'a Object> {
        self.selection_seen_by(viewer, namespace, selector)
            .iter()
            .map(|&id| self.object(id))
            .collect()
    }

    /// The ids of [`Graph::workloads_selected_by`], in input order, computed once per
    /// selection and unit: n Services of one unit sharing a selector over n workloads
    /// cost n + n, not n × n. Seeing depends on the viewer's unit alone (an object of
    /// a unit sees every other object of it), so the unit is the key.
    pub fn selection_seen_by(
        &self,
        viewer: &Object,
        namespace: Option<&str>,
        selector: &Selector,
    ) -> Arc<[ObjectId]> {
        let m = self.membership(viewer.id);
        let key = SeenKey(namespace.map(str::to_owned), selector.clone(), m);
        self.memo(key, || {
            let all = self.selection(namespace, selector);
            if all
                .iter()
                .all(|&id| self.units.sees(m, self.membership(id)))
            {
                return all;
            }
            all.iter()
                .copied()
                .filter(|&id| self.units.sees(m, self.membership(id)))
                .collect()
        })
    }

    /// A fact derived from the graph, computed by `compute` the first time its key is
    /// asked and cloned from the table afterwards (make `V` cheap to clone: an `Arc`).
    /// Each key type has a table of its own, so the layers above keep their facts apart
    /// by declaring their own key types. `compute` runs outside the lock: it may ask for
    /// other facts, and two threads asking at once both compute, the first one stored.
    pub fn memo<K, V>(&self, key: K, compute: impl FnOnce() -> V) -> V
    where
        K: Hash + Eq + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        let table = TypeId::of::<FastMap<K, V>>();
        let known = self
            .memo
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&table)
            .and_then(|t| t.downcast_ref::<FastMap<K, V>>())
            .and_then(|t| t.get(&key))
            .cloned();
        if let Some(v) = known {
            return v;
        }
        let v = compute();
        let mut tables = self.memo.0.lock().unwrap_or_else(PoisonError::into_inner);
        let t = tables
            .entry(table)
            .or_insert_with(|| Box::new(FastMap::<K, V>::default()));
        match t.downcast_mut::<FastMap<K, V>>() {
            Some(t) => t.entry(key).or_insert(v).clone(),
            // The table is keyed by its own type id: never another type.
            None => v,
        }
    }

    /// The workloads a namespace and selector select in every unit, computed once: Services,
    /// budgets, policies and several rules ask for the same selector again and again.
    fn selection(&self, namespace: Option<&str>, selector: &Selector) -> Arc<[ObjectId]> {
        let key = (namespace.map(str::to_owned), selector.clone());
        let known = self
            .selections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        match known {
            Some(ids) => ids,
            None => {
                // Matched outside the lock: the other threads keep going meanwhile.
                let candidates = self.candidates(
                    &self.template_labels,
                    &self.workloads_by_namespace,
                    &key.0,
                    selector,
                );
                let ids: Arc<[ObjectId]> = candidates
                    .iter()
                    .copied()
                    .filter(|&id| {
                        let o = self.object(id);
                        o.namespace == key.0
                            && PodTemplate::of(o).is_some_and(|t| selector.matches_opt(t.labels()))
                    })
                    .collect();
                self.selections
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key, Arc::clone(&ids));
                ids
            }
        }
    }

    /// Objects in a namespace, seen by `viewer`, whose own labels the selector selects.
    pub fn objects_labelled<'a>(
        &'a self,
        viewer: &Object,
        namespace: Option<&str>,
        selector: &Selector,
    ) -> Vec<&'a Object> {
        let ns = namespace.map(str::to_owned);
        let candidates = self.candidates(
            &self.object_labels,
            &self.objects_by_namespace,
            &ns,
            selector,
        );
        candidates
            .iter()
            .filter(|&&id| self.sees(viewer.id, id))
            .map(|&id| self.object(id))
            .filter(|o| o.namespace == ns && selector.matches_opt(o.labels()))
            .collect()
    }

    /// Services in the workload's namespace and unit whose selector selects its pods (a
    /// Service without a selector selects nothing), in input order. The workload is the
    /// viewer: the relation is symmetric. Workloads of one unit selected by the same
    /// Services share one list: n Services over n workloads cost n + n, not n × n.
    pub fn services_selecting<'a>(&'a self, workload: &Object) -> Services<'a> {
        let groups = self
            .services_of
            .get(&workload.id)
            .map_or(&[][..], Vec::as_slice);
        let ids = if groups.is_empty() {
            Arc::from([])
        } else {
            let m = self.membership(workload.id);
            self.memo(ServicesKey(groups.to_vec(), m), || {
                let mut ids: Vec<ObjectId> = groups
                    .iter()
                    .flat_map(|&g| &self.service_groups[g as usize])
                    .copied()
                    .filter(|&id| self.units.sees(m, self.membership(id)))
                    .collect();
                // Groups interleave in id order only within each group.
                if groups.len() > 1 {
                    ids.sort();
                }
                Arc::from(ids)
            })
        };
        Services { graph: self, ids }
    }

    /// The smallest posting list among the selector's labels, or the whole namespace: a
    /// superset of what the selector selects (a list also holds the objects of labels of
    /// the same hash), which the callers match.
    fn candidates<'a>(
        &'a self,
        index: &'a FastMap<Hashed, Vec<ObjectId>>,
        all: &'a FastMap<Option<String>, Vec<ObjectId>>,
        ns: &Option<String>,
        selector: &Selector,
    ) -> &'a [ObjectId] {
        let mut best: Option<&[ObjectId]> = None;
        for (k, v) in &selector.match_labels {
            let list = index
                .get(&self.hashing.label(ns.as_deref(), k, v))
                .map_or(&[][..], Vec::as_slice);
            if best.is_none_or(|b| list.len() < b.len()) {
                best = Some(list);
            }
        }
        best.unwrap_or_else(|| all.get(ns).map_or(&[][..], Vec::as_slice))
    }

    /// The workload kind of an object.
    pub fn workload_kind(&self, id: ObjectId) -> Option<WorkloadKind> {
        WorkloadKind::of(self.object(id))
    }

    /// The one mechanism: a location → its file and the span to underline.
    pub fn locate(&self, location: &Location) -> (FileId, Span) {
        self.locate_at(location, false)
    }

    /// Like [`Graph::locate`]; with `key`, the key that introduces the node (when it has
    /// one) rather than the node itself.
    pub fn locate_at(&self, location: &Location, key: bool) -> (FileId, Span) {
        match location {
            Location::File { file, span } => (*file, *span),
            Location::Object { object, pointer } => {
                let tree = self.object_tree(*object);
                let (node, file) = tree.node_at(pointer);
                let span = if key {
                    node.key_span().unwrap_or_else(|| node.label_span())
                } else {
                    node.label_span()
                };
                (file, span)
            }
        }
    }

    /// The document an object came from.
    pub fn doc_of(&self, id: ObjectId) -> DocId {
        self.object(id).doc
    }
}
