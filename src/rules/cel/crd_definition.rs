//! A CustomResourceDefinition validated as the API server validates it on create: its
//! schemas' structure (`crate::schema::crd_check`) and its CEL rules, which must compile
//! and fit the cost budget. Reported by the `schema` rule, on the CRD.

use std::collections::HashSet;
use std::sync::Arc;

use crate::base::{Diagnostic, ObjectId, Pointer};
use crate::cel::crd::SchemaRules;
use crate::cel::index::input_schema;
use crate::graph::Graph;
use crate::model::Object;
use crate::rules::schema::SCHEMA;
use crate::schema::crd_check;

/// Every reason the API server would refuse this CRD. The rules of the `evaluated`
/// schemas are compiled once for this and for `cel-validation`.
pub fn crd_definition(
    graph: &Graph,
    crd: &Object,
    evaluated: &HashSet<(ObjectId, Pointer)>,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = crd_check::problems(&crd.value)
        .into_iter()
        .map(|p| SCHEMA.at(crd.id, p.pointer, p.message))
        .collect();
    for (at, schema) in crd_check::schemas(&crd.value) {
        let rules = if evaluated.contains(&(crd.id, at.clone())) {
            input_schema(graph, crd.id, &at, schema)
        } else {
            Arc::new(SchemaRules::compile(schema))
        };
        for site in rules.sites() {
            if let Some(why) = &site.invalid {
                out.push(
                    SCHEMA.at(crd.id,
                        at.join(&site.pointer).key("rule"),
                        // The parser's caret drawing follows on further lines.
                        format!("Invalid value: {}", why.lines().next().unwrap_or(why)),
                    )
                    .with_help("fix the rule: the API server refuses a CRD whose rules do not compile or are over the cost budget"),
                );
            }
        }
    }
    out
}
