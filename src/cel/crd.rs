//! A CustomResourceDefinition's `x-kubernetes-validations` rules, compiled once per
//! custom resource kind and evaluated against each custom resource, with `self` typed by
//! the schema (integers, strings, maps, lists; `date-time` and `duration` formats as
//! timestamps and durations), schema defaults applied first, as the API server does.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::base::value::Value;
use kube_cel::{CompiledSchema, ErrorKind, RootContext, WarningKind};

use super::{compat, path};
use crate::base::Pointer;

thread_local! {
    // The function library is registered once per thread, not per object.
    static VALIDATOR: kube_cel::Validator = kube_cel::Validator::new();
}

/// One rule as written in the CRD.
#[derive(Debug, Clone)]
pub struct RuleSite {
    /// Where the rule's entry sits, relative to the `openAPIV3Schema` node.
    pub pointer: Pointer,
    /// The CEL expression.
    pub rule: String,
    /// Why the API server would refuse the CRD because of this rule (it does not compile,
    /// its messageExpression does not, or its estimated cost is over the budget); the
    /// rule is then not evaluated.
    pub invalid: Option<String>,
    /// A transition rule (it reads `oldSelf`): there is no old object offline, so it is
    /// not evaluated unless `optionalOldSelf` is set.
    pub transition: bool,
}

/// What evaluating the rules found in one custom resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A rule evaluated to false or failed at run time: the API server rejects the object.
    Violation,
    /// A rule uses a function or macro the offline engine does not have: not evaluated.
    Unsupported,
}

/// A failed rule in one custom resource.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Violation or unsupported.
    pub outcome: Outcome,
    /// The field the rule sits on (or its `fieldPath`), in the object.
    pub pointer: Pointer,
    /// The rule's message (its messageExpression's value, else `message`, else the rule).
    pub message: String,
    /// The `reason` the rule gives, if any.
    pub reason: Option<String>,
    /// The rule's entry in the CRD (relative to `openAPIV3Schema`), when known.
    pub site: Option<Pointer>,
}

/// The compiled rules of one `openAPIV3Schema`, whichever kind they are evaluated for:
/// what the `schema` rule compiles to know that a CRD's rules compile is what
/// `cel-validation` evaluates its custom resources with ([`super::index::input_schema`]).
pub struct SchemaRules {
    compiled: CompiledSchema,
    sites: Vec<RuleSite>,
    by_rule: HashMap<String, RuleSite>,
}

/// The compiled rules of one custom resource kind.
pub struct CrdRules {
    schema: Arc<SchemaRules>,
    root: RootContext,
}

impl SchemaRules {
    /// Compiles every rule of an `openAPIV3Schema`.
    pub fn compile(openapi: &Value) -> SchemaRules {
        let mut sites = Vec::new();
        // Most CRDs have no rule: their schema (often hundreds of kilobytes) is then
        // neither copied nor compiled, and the kind has nothing to evaluate.
        let compiled = if has_rules(openapi) {
            let mut adapted = openapi.clone();
            adapt_rules(&mut adapted, 0);
            let mut compiled = kube_cel::compile_schema(&adapted.to_serde());
            collect(openapi, &mut compiled, Pointer::root(), &mut sites, 0);
            compiled
        } else {
            kube_cel::compile_schema(&serde_json::Value::Object(serde_json::Map::new()))
        };
        // The engine names a failed rule by the text it compiled.
        let by_rule = sites
            .iter()
            .map(|s| (compat::adapt(&s.rule), s.clone()))
            .collect();
        SchemaRules {
            compiled,
            sites,
            by_rule,
        }
    }

    /// Whether the schema has any rule at all: most CRDs have none, and their compiling
    /// costs next to nothing.
    pub fn exist_in(openapi: &Value) -> bool {
        has_rules(openapi)
    }

    /// Every rule of the schema, in schema order.
    pub fn sites(&self) -> &[RuleSite] {
        &self.sites
    }
}

impl CrdRules {
    /// Compiles every rule of an `openAPIV3Schema` for the kind `kind` of `api_version`.
    pub fn compile(openapi: &Value, api_version: &str, kind: &str) -> CrdRules {
        CrdRules::of(Arc::new(SchemaRules::compile(openapi)), api_version, kind)
    }

    /// The rules of a compiled schema, for the kind `kind` of `api_version`.
    pub fn of(schema: Arc<SchemaRules>, api_version: &str, kind: &str) -> CrdRules {
        CrdRules {
            schema,
            root: RootContext {
                api_version: api_version.to_owned(),
                api_group: crate::model::object::group_of(api_version).to_owned(),
                kind: kind.to_owned(),
            },
        }
    }

    /// The compiled schema, shared with every kind evaluated by it.
    pub fn schema(&self) -> &Arc<SchemaRules> {
        &self.schema
    }

    /// Every rule of the schema, in schema order.
    pub fn sites(&self) -> &[RuleSite] {
        &self.schema.sites
    }

    /// Whether the schema has any rule at all (most CRDs have none).
    pub fn is_empty(&self) -> bool {
        self.schema.sites.is_empty()
    }

    /// Evaluates the rules against one custom resource.
    pub fn evaluate(&self, object: &Value) -> Vec<Finding> {
        if self.is_empty() {
            return Vec::new();
        }
        // The engine reads `serde_json` values.
        let instance = object.to_serde();
        let validator = AssertUnwindSafe(|| {
            VALIDATOR.with(|v| {
                v.validate_compiled_with_context(
                    &self.schema.compiled,
                    &instance,
                    None,
                    Some(&self.root),
                )
            })
        });
        let errors = match catch_unwind(validator) {
            Ok(Ok(())) => return Vec::new(),
            Ok(Err(errors)) => errors.into_vec(),
            // The engine must not take the run down; the object is said to be unchecked.
            Err(_) => {
                return vec![Finding {
                    outcome: Outcome::Unsupported,
                    pointer: Pointer::root(),
                    message: "the CEL engine failed while evaluating this object's rules".into(),
                    reason: None,
                    site: None,
                }];
            }
        };
        errors
            .into_iter()
            .filter_map(|e| {
                let outcome = match e.kind {
                    ErrorKind::ValidationFailure
                    | ErrorKind::InvalidResult
                    | ErrorKind::EvaluationError => Outcome::Violation,
                    ErrorKind::UnsupportedReference | ErrorKind::SchemaTooDeep => {
                        Outcome::Unsupported
                    }
                    // A rule that does not compile makes the CRD invalid: reported on the
                    // CRD, not on each of its objects.
                    _ => return None,
                };
                let site = self.schema.by_rule.get(&e.rule);
                let message = match outcome {
                    Outcome::Violation => e.message,
                    Outcome::Unsupported => format!(
                        "the rule `{}` cannot be evaluated offline ({}), so it was not checked",
                        site.map_or(e.rule.as_str(), |s| s.rule.as_str()),
                        unsupported_why(&e.message)
                    ),
                };
                Some(Finding {
                    outcome,
                    pointer: path::resolve(object, &e.field_path),
                    message,
                    reason: e.reason,
                    site: site.map(|s| s.pointer.clone()),
                })
            })
            .collect()
    }
}

/// Rewrites every rule and messageExpression of a schema for the engine ([`compat`]).
/// Whether `x-kubernetes-validations` is a key anywhere in the schema (a property of
/// that name counts too: it only costs the full compilation). Iterative: the schema's
/// depth is the parser's limit, not the stack's.
fn has_rules(schema: &Value) -> bool {
    let mut stack = vec![schema];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.contains_key("x-kubernetes-validations") {
                    return true;
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

fn adapt_rules(schema: &mut Value, depth: usize) {
    if depth > 64 {
        return;
    }
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "x-kubernetes-validations" {
                    for rule in value.as_array_mut().into_iter().flatten() {
                        for field in ["rule", "messageExpression"] {
                            if let Some(Value::String(text)) = rule.get_mut(field) {
                                *text = compat::adapt(text).into();
                            }
                        }
                    }
                } else {
                    adapt_rules(value, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| adapt_rules(v, depth + 1)),
        _ => {}
    }
}

/// The part of the engine's explanation a user can act on.
fn unsupported_why(message: &str) -> String {
    message
        .split_once("rule references ")
        .and_then(|(_, rest)| rest.split_once(','))
        .map(|(name, _)| format!("{name} is not available"))
        .unwrap_or_else(|| message.to_owned())
}

/// The static cost limit of one rule, as the API server estimates it.
const RULE_COST_LIMIT: &str = "the per-rule cost budget";

/// Walks the schema and its compiled form side by side: records each rule, and drops
/// from evaluation the rules the API server would refuse (they are the CRD's findings).
fn collect(
    schema: &Value,
    compiled: &mut CompiledSchema,
    at: Pointer,
    sites: &mut Vec<RuleSite>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let rules = schema
        .get("x-kubernetes-validations")
        .and_then(Value::as_array);
    if let Some(rules) = rules {
        let mut keep = Vec::with_capacity(compiled.validations.len());
        for (i, result) in std::mem::take(&mut compiled.validations)
            .into_iter()
            .enumerate()
        {
            let pointer = at.key("x-kubernetes-validations").index(i);
            let text = rules
                .get(i)
                .and_then(|r| r.get("rule"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match result {
                Ok(cr) => {
                    let over = kube_cel::estimate_rule_cost(&cr.rule.rule, compiled)
                        .into_iter()
                        .find(|w| w.kind == WarningKind::CostExceeded);
                    let transition =
                        cr.is_transition_rule && cr.rule.optional_old_self != Some(true);
                    let invalid =
                        over.map(|w| format!("{RULE_COST_LIMIT} is exceeded: {}", w.message));
                    sites.push(RuleSite {
                        pointer,
                        rule: text,
                        invalid: invalid.clone(),
                        transition,
                    });
                    if invalid.is_none() {
                        keep.push(Ok(cr));
                    }
                }
                Err(e) => sites.push(RuleSite {
                    pointer,
                    rule: text,
                    invalid: Some(e.to_string()),
                    transition: false,
                }),
            }
        }
        compiled.validations = keep;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in props {
            if let Some(c) = compiled.properties.get_mut(name.as_str()) {
                collect(child, c, at.key("properties").key(name), sites, depth + 1);
            }
        }
    }
    if let (Some(items), Some(c)) = (schema.get("items"), compiled.items.as_deref_mut()) {
        collect(items, c, at.key("items"), sites, depth + 1);
    }
    if let (Some(extra), Some(c)) = (
        schema.get("additionalProperties"),
        compiled.additional_properties.as_deref_mut(),
    ) {
        collect(extra, c, at.key("additionalProperties"), sites, depth + 1);
    }
    for (key, branches) in [
        ("allOf", &mut compiled.all_of),
        ("oneOf", &mut compiled.one_of),
        ("anyOf", &mut compiled.any_of),
    ] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            for (i, (s, c)) in list.iter().zip(branches.iter_mut()).enumerate() {
                collect(s, c, at.key(key).index(i), sites, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json;

    use super::*;

    fn schema() -> Value {
        json!({
            "type": "object",
            "x-kubernetes-validations": [
                {"rule": "!has(self.other) || self.other % self.value == 0",
                 "message": "other must be a multiple of value"}
            ],
            "properties": {
                "value": {"type": "integer",
                          "x-kubernetes-validations": [{"rule": "self > 0", "messageExpression": "'got ' + string(self)"}]},
                "other": {"type": "integer"},
                "name": {"type": "string",
                         "x-kubernetes-validations": [{"rule": "self == oldSelf"}]}
            }
        })
    }

    #[test]
    fn evaluates_rules_with_message_expressions_at_their_field() {
        let rules = CrdRules::compile(&schema(), "x.io/v1", "Thing");
        assert_eq!(rules.sites().len(), 3);
        assert!(rules.sites().iter().any(|s| s.transition));
        let found = rules.evaluate(&json!({"value": -3, "other": 7}));
        let mut got: Vec<_> = found
            .iter()
            .map(|f| (f.pointer.as_str().to_owned(), f.message.clone()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                (
                    String::new(),
                    "other must be a multiple of value".to_owned()
                ),
                ("/value".to_owned(), "got -3".to_owned()),
            ]
        );
        assert!(rules.evaluate(&json!({"value": 3, "other": 9})).is_empty());
    }

    #[test]
    fn rules_that_do_not_compile_are_not_evaluated() {
        let s = json!({"type": "object", "x-kubernetes-validations": [{"rule": "self.x >"}]});
        let rules = CrdRules::compile(&s, "x.io/v1", "Thing");
        assert!(rules.sites()[0].invalid.is_some());
        assert!(rules.evaluate(&json!({"x": 1})).is_empty());
    }

    #[test]
    fn unsupported_macros_are_said_not_passed() {
        let s = json!({"type": "object", "properties": {"l": {"type": "array", "maxItems": 3, "items": {"type": "integer"}}},
                       "x-kubernetes-validations": [{"rule": "cel.bind(x, 1, x == 1)"}]});
        let rules = CrdRules::compile(&s, "x.io/v1", "Thing");
        let found = rules.evaluate(&json!({"l": [1]}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].outcome, Outcome::Unsupported);
    }

    #[test]
    fn a_rule_anywhere_in_the_schema_is_compiled_and_a_schema_without_one_is_not() {
        let nested = json!({"type": "object", "properties": {"l": {"type": "array",
            "items": {"type": "object", "properties": {"n": {"type": "integer",
                "x-kubernetes-validations": [{"rule": "self > 0"}]}}}}}});
        assert!(has_rules(&nested));
        let rules = CrdRules::compile(&nested, "x.io/v1", "Thing");
        assert_eq!(rules.sites().len(), 1);
        assert_eq!(rules.evaluate(&json!({"l": [{"n": 0}]})).len(), 1);
        let plain = json!({"type": "object", "properties": {"l": {"type": "array",
            "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}});
        assert!(!has_rules(&plain));
        let rules = CrdRules::compile(&plain, "x.io/v1", "Thing");
        assert!(rules.is_empty());
        assert!(rules.evaluate(&json!({"l": [{"n": 0}]})).is_empty());
    }
}
