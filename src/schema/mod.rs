//! Schemas: the embedded Kubernetes schemas of every known version ([`catalog`]), the
//! schemas that CustomResourceDefinitions in the inputs give their custom resources
//! ([`crd`]), compiled validators shared across threads ([`SchemaSet`]), and what a
//! schema expects at a node ([`walk`]).

pub mod builtin_crds;
pub mod catalog;
pub mod crd;
pub mod crd_check;
mod crd_validators;
mod kept;
pub mod listtype;
pub mod message;
pub mod walk;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::base::value::Value;
use jsonschema::{Draft, Validator};
use rayon::prelude::*;

use crate::base::ObjectId;
use crate::graph::Graph;
use crate::model::Object;
use crate::versions::KubeVersion;

pub use catalog::VersionSchemas;
pub use crd::{CrdIndex, CrdOrigin};
use crd_validators::CrdValidator;
pub use kept::{PerCatalogSchema, PerCrd, keep_across_checks, keeps_across_checks};

/// A validator compiled on first use; `None` when the schema does not compile.
type ValidatorCell = OnceLock<Option<Arc<Validator>>>;

/// Where an object's schema comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A built-in kind: its definition name in the target version.
    Builtin(&'a str),
    /// A custom resource: where its CRD comes from, and its converted root schema.
    Crd(CrdOrigin, &'a Value),
}

/// The schemas of one run: the target version's built-in schemas, the CRDs of the graph,
/// and validators compiled lazily, once per `(apiVersion, kind)`, shared by every thread.
pub struct SchemaSet<'g> {
    /// The graph whose CRDs give the custom resources' schemas.
    graph: &'g Graph,
    /// The built-in schemas of the target version.
    pub builtin: &'static VersionSchemas,
    /// CRDs of the inputs and context, and the embedded catalog unless it is off.
    pub crds: CrdIndex<'g>,
    /// Converted CRD schemas, by `(apiVersion, kind)`.
    crd_roots: HashMap<(String, String), CrdKind>,
    /// Unique in the process: what a memo of schema lookups kept across calls is keyed by.
    id: u64,
}

/// A custom resource kind's converted schema.
enum CrdKind {
    /// From the embedded catalog (the operator's index): validated like a built-in kind.
    Embedded(usize, Arc<Value>),
    /// From a CRD of the inputs or the context, with its validator of this run.
    Input(CrdValidator),
    /// From a CRD of the inputs or the context, kept across checks ([`kept`]).
    Kept(ObjectId, Arc<kept::KeptKind>),
}

/// Validators by `(target version, apiVersion, kind)`.
type ValidatorMap = HashMap<(&'static str, String, String), Arc<ValidatorCell>>;

/// The validators of the embedded schemas (built-in kinds and the CRD catalog's), shared
/// by every run of the process.
fn embedded_validators() -> &'static Mutex<ValidatorMap> {
    static MAP: OnceLock<Mutex<ValidatorMap>> = OnceLock::new();
    MAP.get_or_init(Mutex::default)
}

impl<'g> SchemaSet<'g> {
    /// The schemas for a run against `version`, with the embedded CRD catalog when
    /// `builtin_crds`; `None` when no schemas are embedded for the version.
    pub fn new(
        graph: &'g Graph,
        version: KubeVersion,
        builtin_crds: bool,
    ) -> Option<SchemaSet<'g>> {
        let builtin = catalog::for_version(version.as_str())?;
        let crds = CrdIndex::from_graph(graph, builtin_crds);
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Some(SchemaSet {
            graph,
            builtin,
            crds,
            crd_roots: HashMap::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// An id no other set of this process has.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The schemas for checking the graph's checked objects: [`SchemaSet::new`], then
    /// [`SchemaSet::prepare_crds`] for them.
    pub fn for_checked(
        graph: &'g Graph,
        version: KubeVersion,
        builtin_crds: bool,
    ) -> Option<SchemaSet<'g>> {
        let mut set = SchemaSet::new(graph, version, builtin_crds)?;
        set.prepare_crds(graph.checked());
        Some(set)
    }

    /// Converts the schema of every custom resource kind that the checked objects use,
    /// and counts the objects of each kind that an input CRD defines: each is expected to
    /// ask for its validator once ([`SchemaSet::validator`]).
    pub fn prepare_crds<'a>(&mut self, objects: impl Iterator<Item = &'a Object>) {
        // Each kind once, with the number of objects of it: a repository has a few dozen
        // kinds and thousands of objects.
        let mut uses: HashMap<(&str, &str), usize> = HashMap::new();
        for o in objects {
            *uses
                .entry((o.api_version.as_str(), o.kind.as_str()))
                .or_default() += 1;
        }
        let mut new = Vec::new();
        for (key, n) in uses {
            if let Some(kind) = self.crd_roots.get(&(key.0.to_owned(), key.1.to_owned())) {
                if let CrdKind::Input(v) = kind {
                    v.expect_uses(n);
                }
                continue;
            }
            if self.builtin.definition_of(key.0, key.1).is_none() {
                new.push((key, n));
            }
        }
        // The schemas of the new custom resource kinds, converted side by side.
        let converted: Vec<((String, String), CrdKind)> = new
            .into_par_iter()
            .filter_map(|((api, kind), n)| {
                let k = self.crds.get(api, kind)?;
                let schema = k.schema?;
                let prepared = match k.origin {
                    CrdOrigin::Builtin(operator) if keeps_across_checks() => {
                        let root = kept::catalog_root(schema, || crd::root_schema(schema));
                        CrdKind::Embedded(operator, root)
                    }
                    CrdOrigin::Builtin(operator) => {
                        CrdKind::Embedded(operator, Arc::new(crd::root_schema(schema)))
                    }
                    CrdOrigin::Input(crd) if keeps_across_checks() => {
                        let value = &self.graph.object(crd).value;
                        let version = self.builtin.version;
                        let kept =
                            kept::kind(value, api, kind, version, || crd::root_schema(schema));
                        CrdKind::Kept(crd, kept)
                    }
                    CrdOrigin::Input(crd) => {
                        let v = CrdValidator::new(crd, crd::root_schema(schema));
                        v.expect_uses(n);
                        CrdKind::Input(v)
                    }
                };
                Some(((api.to_owned(), kind.to_owned()), prepared))
            })
            .collect();
        self.crd_roots.extend(converted);
    }

    /// Where the schema of an object comes from; `None` when neither a built-in schema
    /// nor a CRD with a schema is known.
    pub fn source(&self, api_version: &str, kind: &str) -> Option<Source<'_>> {
        if let Some(name) = self.builtin.definition_of(api_version, kind) {
            return Some(Source::Builtin(name));
        }
        match self.crd_kind(api_version, kind)? {
            CrdKind::Embedded(operator, root) => {
                Some(Source::Crd(CrdOrigin::Builtin(*operator), root.as_ref()))
            }
            CrdKind::Input(v) => Some(Source::Crd(CrdOrigin::Input(v.crd), &v.root)),
            CrdKind::Kept(crd, k) => Some(Source::Crd(CrdOrigin::Input(*crd), &k.root)),
        }
    }

    fn crd_kind(&self, api_version: &str, kind: &str) -> Option<&CrdKind> {
        self.crd_roots
            .get(&(api_version.to_owned(), kind.to_owned()))
    }

    /// The compiled validator for one object of a kind; `None` when there is no schema or
    /// it does not compile (a broken CRD schema is the CRD's problem, reported on the CRD).
    /// An input CRD's validator is let go after the last object of its kind that
    /// [`SchemaSet::prepare_crds`] counted: ask once per object.
    pub fn validator(&self, api_version: &str, kind: &str) -> Option<Arc<Validator>> {
        let source = self.source(api_version, kind)?;
        match self.crd_kind(api_version, kind) {
            Some(CrdKind::Input(v)) => {
                return v.take(|root| build(&crd::with_defs(root, self.builtin)));
            }
            Some(CrdKind::Kept(_, k)) => {
                return k.validator(|root| build(&crd::with_defs(root, self.builtin)));
            }
            _ => {}
        }
        // A built-in kind's schema, or the embedded catalog's, depends on the target
        // version alone: compiled once per process, however many runs it serves (the
        // editor's server checks again on every change).
        let cell = {
            let mut map = embedded_validators()
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(
                map.entry((
                    self.builtin.version,
                    api_version.to_owned(),
                    kind.to_owned(),
                ))
                .or_default(),
            )
        };
        // Compiled outside the lock: other kinds compile in parallel, and threads that
        // want this one wait for it instead of compiling it again.
        cell.get_or_init(|| {
            let root = match source {
                Source::Builtin(name) => self.builtin.root_for(name),
                Source::Crd(_, root) => crd::with_defs(root, self.builtin),
            };
            compile(&root).map(Arc::new)
        })
        .clone()
    }

    /// The root schema document of an object's kind, for walking.
    pub fn root(&self, api_version: &str, kind: &str) -> Option<walk::Root<'_>> {
        match self.source(api_version, kind)? {
            Source::Builtin(name) => {
                let schema = self.builtin.def(name)?;
                Some(walk::Root {
                    schema,
                    defs: walk::Defs::Builtin(self.builtin),
                })
            }
            // Its references name built-in definitions ([`crd::root_schema`]).
            Source::Crd(_, root) => Some(walk::Root {
                schema: root,
                defs: walk::Defs::Builtin(self.builtin),
            }),
        }
    }
}

fn compile(root: &Value) -> Option<Validator> {
    build(root).ok()
}

fn build(root: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(false)
        .build(&root.to_serde())
        .map_err(|e| e.to_string())
}

/// Why a CRD's schema for a kind does not compile (`None` when it does, or when the kind
/// has no CRD schema of the graph: the catalog's schemas all compile, a unit test says
/// so): its custom resources then go unvalidated, which must be said.
pub fn crd_schema_error(
    set: &SchemaSet<'_>,
    api_version: &str,
    kind: &str,
) -> Option<(ObjectId, String)> {
    if set.builtin.definition_of(api_version, kind).is_some() {
        return None;
    }
    match set.crd_kind(api_version, kind)? {
        // Compiled once per run, whatever the number of custom resources asking.
        CrdKind::Input(v) => v
            .error(|root| build(&crd::with_defs(root, set.builtin)))
            .map(|why| (v.crd, why)),
        CrdKind::Kept(crd, k) => k
            .error(|root| build(&crd::with_defs(root, set.builtin)))
            .map(|why| (*crd, why)),
        CrdKind::Embedded(..) => None,
    }
}
