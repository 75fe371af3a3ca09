//! The CRD rules of one run: compiled once per custom resource kind that a checked
//! object uses, shared by every thread.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use crate::base::value::Value;
use rayon::prelude::*;

use super::crd::{CrdRules, SchemaRules};
use crate::base::{At, ObjectId, Pointer};
use crate::graph::Graph;
use crate::schema::catalog::VersionSchemas;
use crate::schema::{CrdIndex, CrdOrigin, PerCatalogSchema, PerCrd, keeps_across_checks};

/// The rules of one custom resource kind and where they come from.
pub struct KindRules {
    /// Where the CRD that defines the kind comes from.
    pub origin: CrdOrigin,
    /// The `openAPIV3Schema` node of the served version, in the CRD (root for the catalog).
    pub schema_at: Pointer,
    /// The compiled rules.
    pub rules: CrdRules,
}

/// Compiled CRD rules by `(apiVersion, kind)`.
#[derive(Default)]
pub struct RuleIndex {
    kinds: HashMap<(String, String), Arc<KindRules>>,
}

impl RuleIndex {
    /// Compiles the rules of every custom resource kind the checked objects use (built-in
    /// kinds are never CRD kinds), in parallel.
    pub fn for_checked(graph: &Graph, builtin: &VersionSchemas, crds: &CrdIndex<'_>) -> RuleIndex {
        let kinds = wanted(graph, builtin, crds)
            .into_par_iter()
            .filter_map(|(api, kind)| {
                let k = crds.get(&api, &kind)?;
                let schema = k.schema?;
                let (rules, schema_at) = match k.origin {
                    CrdOrigin::Input(crd) => {
                        let at = schema_pointer(&graph.object(crd).value, &api);
                        let rules = if is_at(graph, crd, &at, schema) {
                            input_schema(graph, crd, &at, schema)
                        } else {
                            Arc::new(SchemaRules::compile(schema))
                        };
                        (CrdRules::of(rules, &api, &kind), at)
                    }
                    CrdOrigin::Builtin(_) if keeps_across_checks() => (
                        CrdRules::of(catalog_schema(schema), &api, &kind),
                        Pointer::root(),
                    ),
                    CrdOrigin::Builtin(_) => {
                        (CrdRules::compile(schema, &api, &kind), Pointer::root())
                    }
                };
                Some((
                    (api, kind),
                    Arc::new(KindRules {
                        origin: k.origin,
                        schema_at,
                        rules,
                    }),
                ))
            })
            .collect();
        RuleIndex { kinds }
    }

    /// The rules of a kind, if it is a custom resource kind with a schema.
    pub fn get(&self, api_version: &str, kind: &str) -> Option<&Arc<KindRules>> {
        self.kinds.get(&(api_version.to_owned(), kind.to_owned()))
    }
}

/// The custom resource kinds of the checked objects that have a CRD (built-in kinds are
/// never CRD kinds), each once, in order.
fn wanted(graph: &Graph, builtin: &VersionSchemas, crds: &CrdIndex<'_>) -> Vec<(String, String)> {
    let mut wanted: Vec<(String, String)> = graph
        .checked()
        .filter(|o| builtin.definition_of(&o.api_version, &o.kind).is_none())
        .filter(|o| crds.get(&o.api_version, &o.kind).is_some())
        .map(|o| (o.api_version.clone(), o.kind.clone()))
        .collect();
    wanted.sort();
    wanted.dedup();
    wanted
}

/// Whether `schema` is the node at `at` in the CRD `crd`. The schema the CRD index chose
/// for a version always is, unless the CRD names that version twice: then it is compiled
/// apart.
fn is_at(graph: &Graph, crd: ObjectId, at: &Pointer, schema: &Value) -> bool {
    graph
        .object(crd)
        .value
        .at(at.as_str())
        .is_some_and(|s| std::ptr::eq(s, schema))
}

/// The schemas of CRDs in the inputs whose rules [`RuleIndex::for_checked`] asks
/// [`input_schema`] for: those of the kinds and versions of the checked custom resources.
pub fn evaluated_schemas(
    graph: &Graph,
    builtin: &VersionSchemas,
    crds: &CrdIndex<'_>,
) -> HashSet<(ObjectId, Pointer)> {
    wanted(graph, builtin, crds)
        .into_iter()
        .filter_map(|(api, kind)| {
            let k = crds.get(&api, &kind)?;
            let CrdOrigin::Input(crd) = k.origin else {
                return None;
            };
            let at = schema_pointer(&graph.object(crd).value, &api);
            is_at(graph, crd, &at, k.schema?).then_some((crd, at))
        })
        .collect()
}

/// The rules of the schema at `at` in the CRD `crd` of the inputs, compiled once per run:
/// the `schema` rule compiles them to know that the CRD is valid, `cel-validation` to
/// evaluate its custom resources, and an operator's CRDs with rules take tens of
/// milliseconds each to compile. Kept until the graph goes (in the editor's server, while
/// the CRD's parse is kept: [`crate::schema::keep_across_checks`]): ask only for the
/// schemas that both rules need ([`evaluated_schemas`]). A schema without rules is
/// compiled on each call (it costs next to nothing) and not kept.
pub fn input_schema(
    graph: &Graph,
    crd: ObjectId,
    at: &Pointer,
    schema: &Value,
) -> Arc<SchemaRules> {
    if !SchemaRules::exist_in(schema) {
        return Arc::new(SchemaRules::compile(schema));
    }
    /// A schema's place in the inputs.
    #[derive(PartialEq, Eq, Hash)]
    struct InputSchema(ObjectId, Pointer);
    // The cell is shared at once and filled by the first asker: the two rules run side by
    // side, and the second waits for the first instead of compiling the same again.
    let cell: Arc<OnceLock<Arc<SchemaRules>>> = if keeps_across_checks() {
        static KEPT: PerCrd<Pointer, Arc<SchemaRules>> = PerCrd::new();
        KEPT.cell(&graph.object(crd).value, at.clone())
    } else {
        graph.memo(InputSchema(crd, at.clone()), Default::default)
    };
    Arc::clone(cell.get_or_init(|| Arc::new(SchemaRules::compile(schema))))
}

/// The rules of a schema of the embedded CRD catalog, compiled once per process when the
/// server keeps them across checks ([`crate::schema::keep_across_checks`]).
fn catalog_schema(schema: &Value) -> Arc<SchemaRules> {
    static COMPILED: PerCatalogSchema<Arc<SchemaRules>> = PerCatalogSchema::new();
    let cell = COMPILED.cell(schema);
    Arc::clone(cell.get_or_init(|| Arc::new(SchemaRules::compile(schema))))
}

/// Where a CRD keeps the schema of the version an apiVersion names.
pub fn schema_pointer(crd: &Value, api_version: &str) -> Pointer {
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    let served = crd
        .at("/spec/versions")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter().position(|v| {
                v.get("name").and_then(Value::as_str) == Some(version)
                    && v.at("/schema/openAPIV3Schema").is_some()
            })
        });
    match served {
        Some(i) => Pointer::root()
            .path("spec/versions")
            .index(i)
            .path("schema/openAPIV3Schema"),
        None => Pointer::root().path("spec/validation/openAPIV3Schema"),
    }
}
