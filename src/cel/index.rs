//! The CRD rules of one run: compiled once per custom resource kind that a checked
//! object uses, shared by every thread.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use super::crd::CrdRules;
use crate::base::At;
use crate::base::Pointer;
use crate::graph::Graph;
use crate::schema::catalog::VersionSchemas;
use crate::schema::{CrdIndex, CrdOrigin};

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
        let mut wanted: Vec<(String, String)> = graph
            .checked()
            .filter(|o| builtin.definition_of(&o.api_version, &o.kind).is_none())
            .filter(|o| crds.get(&o.api_version, &o.kind).is_some())
            .map(|o| (o.api_version.clone(), o.kind.clone()))
            .collect();
        wanted.sort();
        wanted.dedup();
        let kinds = wanted
            .into_par_iter()
            .filter_map(|(api, kind)| {
                let k = crds.get(&api, &kind)?;
                let schema = k.schema?;
                let rules = CrdRules::compile(schema, &api, &kind);
                let schema_at = match k.origin {
                    CrdOrigin::Input(crd) => schema_pointer(&graph.object(crd).value, &api),
                    CrdOrigin::Builtin(_) => Pointer::root(),
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
