//! CustomResourceDefinitions in the inputs (or `--context`) as schemas for their custom
//! resources: each served version's `openAPIV3Schema`, turned into JSON Schema as the API
//! server reads it (the rules follow the
//! apiextensions "structural schema" conventions).

use std::collections::{HashMap, HashSet};

use crate::base::value::{Map, Value};
use crate::json;

use crate::base::{At, ObjectId};
use crate::graph::Graph;

use super::builtin_crds;
use super::catalog::{DEFS_PREFIX, VersionSchemas};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// Where the definition of a custom resource kind comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrdOrigin {
    /// A CustomResourceDefinition object of the inputs or the context.
    Input(ObjectId),
    /// The embedded catalog: the index of the operator in [`builtin_crds::Catalog::operators`].
    Builtin(usize),
}

impl CrdOrigin {
    /// The CRD object, when the kind comes from one.
    pub fn object(self) -> Option<ObjectId> {
        match self {
            CrdOrigin::Input(id) => Some(id),
            CrdOrigin::Builtin(_) => None,
        }
    }
}

/// One custom resource kind that a CRD defines.
#[derive(Debug)]
pub struct CrdKind<'g> {
    /// The CRD object.
    pub crd: ObjectId,
    /// `openAPIV3Schema` of that version, if the CRD gives one (in the graph: a CRD's
    /// schema can be a megabyte, and the run's graph outlives the index).
    pub schema: Option<&'g Value>,
}

/// A custom resource kind as a lookup finds it, in the inputs or in the catalog.
#[derive(Debug, Clone, Copy)]
pub struct FoundKind<'a> {
    /// Where it is defined.
    pub origin: CrdOrigin,
    /// `openAPIV3Schema` of that version, if the definition gives one.
    pub schema: Option<&'a Value>,
}

/// Custom resource kinds by `(apiVersion, kind)`: those of the CRDs in the inputs and
/// context, then, unless turned off, those of the embedded catalog.
#[derive(Debug, Default)]
pub struct CrdIndex<'g> {
    kinds: HashMap<(String, String), CrdKind<'g>>,
    /// `(group, kind)` of every kind the CRDs of the graph define.
    group_kinds: HashSet<(String, String)>,
    /// Whether the embedded catalog is consulted.
    builtin: bool,
}

impl<'g> CrdIndex<'g> {
    /// Every served version of every CRD in the graph (context included); the first CRD
    /// that defines a kind wins. With `builtin`, the embedded catalog answers for the kinds
    /// no CRD of the graph defines in any version (a CRD in the inputs replaces the
    /// catalog's definition of its kind entirely).
    pub fn from_graph(graph: &'g Graph, builtin: bool) -> CrdIndex<'g> {
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
                        schema,
                    });
            }
        }
        let group_kinds = kinds
            .keys()
            .map(|(a, k)| (crate::model::object::group_of(a).to_owned(), k.clone()))
            .collect();
        CrdIndex {
            kinds,
            group_kinds,
            builtin,
        }
    }

    /// The custom resource kind for an object's apiVersion and kind.
    pub fn get(&self, api_version: &str, kind: &str) -> Option<FoundKind<'_>> {
        if let Some(k) = self.kinds.get(&(api_version.to_owned(), kind.to_owned())) {
            return Some(FoundKind {
                origin: CrdOrigin::Input(k.crd),
                schema: k.schema,
            });
        }
        let group = crate::model::object::group_of(api_version);
        if !self.builtin || self.defines_in_inputs(group, kind) {
            return None;
        }
        let entry = builtin_crds::catalog().get(api_version, kind)?;
        Some(FoundKind {
            origin: CrdOrigin::Builtin(entry.kind.operator),
            schema: entry.schema,
        })
    }

    /// Whether any CRD (of the inputs, or of the catalog when it is on) defines `kind` in
    /// `group`, in any version.
    pub fn defines_kind_in_group(&self, group: &str, kind: &str) -> bool {
        self.defines_in_inputs(group, kind)
            || (self.builtin && builtin_crds::catalog().defines_kind_in_group(group, kind))
    }

    /// The catalog's definition of `kind` in `group` (any version), when the catalog is on
    /// and no CRD of the graph defines that kind.
    pub fn catalog_kind(
        &self,
        group: &str,
        kind: &str,
    ) -> Option<(&'static builtin_crds::Kind, &'static builtin_crds::Operator)> {
        if !self.builtin || self.defines_in_inputs(group, kind) {
            return None;
        }
        let c = builtin_crds::catalog();
        let k = c
            .kinds
            .iter()
            .find(|k| k.group == group && k.kind == kind)?;
        Some((k, &c.operators[k.operator]))
    }

    /// Whether a CRD of the inputs or context defines `kind` in `group`, in any version.
    pub fn defines_in_inputs(&self, group: &str, kind: &str) -> bool {
        self.group_kinds
            .contains(&(group.to_owned(), kind.to_owned()))
    }
}

/// The root JSON schema that validates custom resources: the CRD's schema converted, with
/// `apiVersion`, `kind` and `metadata` as every object has them. Its references name the
/// target version's built-in definitions (ObjectMeta and what it refers to, and whatever
/// a catalog schema taken from an OpenAPI document refers to), which stay in the built-in
/// set: [`with_defs`] copies them in only for the time a validator is compiled, so that a
/// run with thousands of CRDs does not keep thousands of copies of ObjectMeta.
pub fn root_schema(openapi: &Value) -> Value {
    let mut root = convert(openapi);
    if let Some(map) = root.as_object_mut() {
        let props = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(props) = props.as_object_mut() {
            props.insert("apiVersion", json!({"type": "string"}));
            props.insert("kind", json!({"type": "string"}));
            let meta_ref = json!({"$ref": format!("{DEFS_PREFIX}{OBJECT_META}")});
            // The API server validates metadata as ObjectMeta whatever the CRD says; a CRD
            // may only narrow it (name patterns and lengths).
            let meta = match props.remove("metadata") {
                Some(given) => json!({"allOf": [meta_ref, without_closed_properties(given)]}),
                None => meta_ref,
            };
            props.insert("metadata", meta);
        }
    }
    root
}

/// A root schema of [`root_schema`] as one self-contained document for compiling: with
/// `$defs` holding every built-in definition it reaches.
pub fn with_defs(root: &Value, builtin: &VersionSchemas) -> Value {
    let mut defs = Map::new();
    builtin.collect_refs(OBJECT_META, &mut defs);
    let mut wanted = Vec::new();
    super::catalog::refs_in(root, &mut |r| {
        if let Some(name) = r.strip_prefix(DEFS_PREFIX) {
            wanted.push(name.to_owned());
        }
    });
    for name in wanted {
        builtin.collect_refs(&name, &mut defs);
    }
    let mut whole = root.clone();
    if let Some(map) = whole.as_object_mut() {
        map.insert("$defs", Value::Object(defs));
    }
    whole
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
    convert_node(schema, true)
}

/// Converts one node; `structural` is false inside `allOf`, `anyOf`, `oneOf` and `not`,
/// whose branches only validate values: the fields a branch does not name are not unknown
/// (the enclosing schema decides that), so a branch never gets `additionalProperties`.
fn convert_node(schema: &Value, structural: bool) -> Value {
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
                let converted: Map = value
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), convert_node(v, structural)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(converted));
            }
            "items" => {
                out.insert(key.clone(), convert_node(value, structural));
            }
            "not" => {
                out.insert(key.clone(), convert_node(value, false));
            }
            "additionalProperties" => {
                let v = match value {
                    Value::Bool(b) => Value::Bool(*b),
                    other => convert_node(other, structural),
                };
                out.insert(key.clone(), v);
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(list) = value.as_array() {
                    out.insert(
                        key.clone(),
                        Value::Array(list.iter().map(|b| convert_node(b, false)).collect()),
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
            "$ref" | "type" | "enum" | "required" | "pattern" | "maxLength" | "minLength"
            | "maxItems" | "minItems" | "uniqueItems" | "maxProperties" | "minProperties"
            | "multipleOf" => {
                out.insert(key.clone(), value.clone());
            }
            // description, format, default, example, nullable, x-kubernetes-*: annotations
            // or handled below.
            _ => {}
        }
    }
    // Null is pruned by the API server before validation, whatever `nullable` says.
    if int_or_string {
        out.insert("type", json!(["integer", "string", "null"]));
    } else if let Some(t) = out.get("type").and_then(Value::as_str).map(str::to_owned) {
        out.insert("type", json!([t, "null"]));
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
    if structural && has_properties && !preserve && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties", Value::Bool(false));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run with thousands of CRDs kept a copy of ObjectMeta's definitions in each root
    /// schema (~35 KB each): the root now only refers to them, and the document compiled
    /// still validates metadata as ObjectMeta.
    #[test]
    fn roots_refer_to_the_built_in_definitions_without_copying_them() {
        let builtin = crate::schema::catalog::for_version(
            crate::versions::KNOWN[crate::versions::KNOWN.len() - 1],
        )
        .unwrap();
        let root =
            root_schema(&json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}));
        assert!(root.get("$defs").is_none());
        assert!(root.to_string().len() < 500, "{root}");
        let whole = with_defs(&root, builtin);
        assert!(whole["$defs"].get(OBJECT_META).is_some());
        let validator = crate::schema::compile(&whole).unwrap();
        let bad = json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": 5, "labels": []}});
        assert!(!validator.is_valid(&bad.to_serde()));
        assert!(validator.is_valid(
            &serde_json::json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w"}})
        ));
    }

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

    #[test]
    fn a_junction_branch_does_not_close_the_object() {
        // Strimzi's trustedCertificates: {secretName, certificate} matches the first branch;
        // `secretName` is not unknown because the branch does not name it.
        let s = json!({
            "type": "object",
            "properties": {"secretName": {"type": "string"}, "certificate": {"type": "string"}},
            "oneOf": [
                {"properties": {"certificate": {}}, "required": ["certificate"]},
                {"properties": {"pattern": {}}, "required": ["pattern"]}
            ]
        });
        let c = convert(&s);
        assert_eq!(c["additionalProperties"], json!(false));
        for branch in c["oneOf"].as_array().unwrap() {
            assert!(branch.get("additionalProperties").is_none(), "{branch}");
        }
    }
}
