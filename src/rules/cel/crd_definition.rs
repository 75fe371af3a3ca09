//! A CustomResourceDefinition validated as the API server validates it on create: its
//! schemas' structure (`crate::schema::crd_check`) and its CEL rules, which must compile
//! and fit the cost budget. Reported by the `schema` rule, on the CRD.

use crate::base::Diagnostic;
use crate::cel::crd::CrdRules;
use crate::model::Object;
use crate::model::object::str_at;
use crate::rules::schema::SCHEMA;
use crate::schema::crd_check;

/// Every reason the API server would refuse this CRD.
pub fn crd_definition(crd: &Object) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = crd_check::problems(&crd.value)
        .into_iter()
        .map(|p| SCHEMA.at(crd.id, p.pointer, p.message))
        .collect();
    let kind = str_at(&crd.value, "/spec/names/kind");
    let group = str_at(&crd.value, "/spec/group");
    for (at, schema) in crd_check::schemas(&crd.value) {
        let rules = CrdRules::compile(schema, &group, &kind);
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
