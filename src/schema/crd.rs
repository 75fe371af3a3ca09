//! CustomResourceDefinitions in the inputs (or `--context`) as schemas for their custom
//! resources: each served version's `openAPIV3Schema`, turned into JSON Schema as the API
//! server reads it (the rules follow the
//! apiextensions "structural schema" conventions).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::base::{At, ObjectId};
use crate::graph::Graph;

use super::catalog::{DEFS_PREFIX, VersionSchemas};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// One custom resource kind that a CRD defines.
#[derive(Debug)]
pub struct CrdKind {
    /// The CRD object.
    pub crd: ObjectId,
    /// `openAPIV3Schema` of that version, if the CRD gives one.
    pub schema: Option<Value>,
}

/// Custom resource kinds by `(apiVersion, kind)`.
#[derive(Debug, Default)]
pub struct CrdIndex {
    kinds: HashMap<(String, String), CrdKind>,
}

impl CrdIndex {
    /// Every served version of every CRD in the graph (context included); the first CRD
    /// that defines a kind wins.
    pub fn from_graph(graph: &Graph) -> CrdIndex {
        let mut kinds = HashMap::new();
        for crd in graph.of_kind("apiextensions.k8s.io", "CustomResourceDefinition") {
            let spec = crd.at("/spec");
            let group = spec.and_then(|s| s.get("group")).and_then(Value::as_str);
            let kind = spec
                .and_then(|s| s.at("/names/kind"))
                .and_then(Value::as_str);
            let (Some(group), Some(kind)) = (group, kind) else {
                continue;
            };
            // apiextensions/v1beta1 had one top-level schema shared by its versions.
            let shared = spec.and_then(|s| s.at("/validation/openAPIV3Schema"));
            let mut versions: Vec<(&str, Option<&Value>)> = Vec::new();
            if let Some(list) = spec
                .and_then(|s| s.get("versions"))
                .and_then(Value::as_array)
            {
                for v in list {
                    if v.get("served").and_then(Value::as_bool) == Some(false) {
                        continue;
                    }
                    let Some(name) = v.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let schema = v.at("/schema/openAPIV3Schema").or(shared);
                    versions.push((name, schema));
                }
            } else if let Some(name) = spec.and_then(|s| s.get("version")).and_then(Value::as_str) {
                versions.push((name, shared));
            }
            for (version, schema) in versions {
                kinds
                    .entry((format!("{group}/{version}"), kind.to_owned()))
                    .or_insert_with(|| CrdKind {
                        crd: crd.id,
                        schema: schema.cloned(),
                    });
            }
        }
        CrdIndex { kinds }
    }

    /// The CRD kind for an object's apiVersion and kind.
    pub fn get(&self, api_version: &str, kind: &str) -> Option<&CrdKind> {
        self.kinds.get(&(api_version.to_owned(), kind.to_owned()))
    }

    /// Whether any CRD defines `kind` in `group`, in any version.
    pub fn defines_kind_in_group(&self, group: &str, kind: &str) -> bool {
        self.kinds
            .keys()
            .any(|(a, k)| k == kind && crate::model::object::group_of(a) == group)
    }
}

/// The root JSON schema that validates custom resources: the CRD's schema converted, with
/// `apiVersion`, `kind` and `metadata` as every object has them.
pub fn root_schema(openapi: &Value, builtin: &VersionSchemas) -> Value {
    let mut root = convert(openapi);
    let mut defs = Map::new();
    builtin.collect_refs(OBJECT_META, &mut defs);
    if let Some(map) = root.as_object_mut() {
        let props = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(props) = props.as_object_mut() {
            props.insert("apiVersion".into(), json!({"type": "string"}));
            props.insert("kind".into(), json!({"type": "string"}));
            let meta_ref = json!({"$ref": format!("{DEFS_PREFIX}{OBJECT_META}")});
            // The API server validates metadata as ObjectMeta whatever the CRD says; a CRD
            // may only narrow it (name patterns and lengths).
            let meta = match props.remove("metadata") {
                Some(given) => json!({"allOf": [meta_ref, without_closed_properties(given)]}),
                None => meta_ref,
            };
            props.insert("metadata".into(), meta);
        }
        map.insert("$defs".into(), Value::Object(defs));
    }
    root
}

/// A narrowed metadata schema must not reject ObjectMeta fields it does not list.
fn without_closed_properties(mut schema: Value) -> Value {
    if let Some(map) = schema.as_object_mut() {
        map.remove("additionalProperties");
    }
    schema
}

/// OpenAPI v3 (the structural-schema subset) → JSON Schema draft 2020-12.
pub fn convert(schema: &Value) -> Value {
    let Value::Object(src) = schema else {
        return Value::Bool(true);
    };
    let mut out = Map::new();
    let preserve = src
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true);
    let int_or_string = src
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true);
    let embedded = src
        .get("x-kubernetes-embedded-resource")
        .and_then(Value::as_bool)
        == Some(true);
    for (key, value) in src {
        match key.as_str() {
            "properties" | "patternProperties" => {
                let converted: Map<String, Value> = value
                    .as_object()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(converted));
            }
            "items" | "not" => {
                out.insert(key.clone(), convert(value));
            }
            "additionalProperties" => {
                let v = match value {
                    Value::Bool(b) => Value::Bool(*b),
                    other => convert(other),
                };
                out.insert(key.clone(), v);
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(list) = value.as_array() {
                    out.insert(
                        key.clone(),
                        Value::Array(list.iter().map(convert).collect()),
                    );
                }
            }
            // Draft 4 booleans: `minimum: 0, exclusiveMinimum: true`.
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                if value.as_bool() == Some(true) {
                    if let Some(limit) = src.get(bound) {
                        out.insert(key.clone(), limit.clone());
                    }
                } else if value.is_number() {
                    out.insert(key.clone(), value.clone());
                }
            }
            "minimum" | "maximum" => {
                let exclusive = if key == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                if src.get(exclusive).and_then(Value::as_bool) != Some(true) {
                    out.insert(key.clone(), value.clone());
                }
            }
            "type" | "enum" | "required" | "pattern" | "maxLength" | "minLength" | "maxItems"
            | "minItems" | "uniqueItems" | "maxProperties" | "minProperties" | "multipleOf" => {
                out.insert(key.clone(), value.clone());
            }
            // description, format, default, example, nullable, x-kubernetes-*: annotations
            // or handled below.
            _ => {}
        }
    }
    // Null is pruned by the API server before validation, whatever `nullable` says.
    if int_or_string {
        out.insert("type".into(), json!(["integer", "string", "null"]));
    } else if let Some(t) = out.get("type").and_then(Value::as_str).map(str::to_owned) {
        out.insert("type".into(), json!([t, "null"]));
    }
    if int_or_string {
        // Generated CRDs also say `anyOf: [{type: integer}, {type: string}]`.
        out.remove("anyOf");
    }
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    let has_properties = out
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if embedded {
        let props = out
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(props) = props.as_object_mut() {
            for k in ["apiVersion", "kind"] {
                props
                    .entry(k)
                    .or_insert_with(|| json!({"type": ["string", "null"]}));
            }
            props
                .entry("metadata")
                .or_insert_with(|| json!({"type": ["object", "null"]}));
        }
    }
    // Fields the schema does not name are unknown (kubectl's strict field validation),
    // unless the schema keeps them.
    if has_properties && !preserve && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_structural_schema_idioms() {
        let s = json!({
            "type": "object",
            "properties": {
                "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                "size": {"type": "integer", "minimum": 1, "exclusiveMinimum": true},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "mode": {"type": "string", "enum": ["a", "b"], "description": "x"}
            }
        });
        let c = convert(&s);
        assert_eq!(c["additionalProperties"], json!(false));
        assert_eq!(
            c["properties"]["port"],
            json!({"type": ["integer", "string", "null"]})
        );
        assert_eq!(c["properties"]["size"]["exclusiveMinimum"], json!(1));
        assert!(c["properties"]["size"].get("minimum").is_none());
        assert!(
            c["properties"]["free"]
                .get("additionalProperties")
                .is_none()
        );
        assert_eq!(c["properties"]["mode"]["enum"], json!(["a", "b", null]));
    }
}
