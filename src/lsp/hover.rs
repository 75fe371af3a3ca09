//! Hover on a field: its type in the target version's schema and what the Kubernetes API
//! documentation says it is.
//!
//! The embedded schemas carry no descriptions (they would double the binary's schema
//! data for a feature only the editor uses); `schemas/descriptions.json.zlib`, written by
//! `scripts/gen_schemas.py`, holds them, and is decoded on the first hover only.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::base::value::Value;
use serde::Deserialize;

use crate::base::Pointer;
use crate::schema::VersionSchemas;
use crate::schema::catalog::DEFS_PREFIX;

/// The generated file, zlib-compressed, embedded at build time.
const EMBEDDED: &[u8] = include_bytes!("../../schemas/descriptions.json.zlib");

/// The descriptions of the newest version: per definition, `""` for the definition
/// itself, then one per property.
#[derive(Deserialize)]
struct Descriptions {
    version: String,
    definitions: HashMap<String, HashMap<String, String>>,
}

/// The decoded descriptions; `None` if the embedded file is damaged (a generated file: a
/// unit test decodes it).
fn descriptions() -> Option<&'static Descriptions> {
    static DECODED: OnceLock<Option<Descriptions>> = OnceLock::new();
    DECODED
        .get_or_init(|| {
            let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(EMBEDDED).ok()?;
            serde_json::from_slice(&bytes).ok()
        })
        .as_ref()
}

/// What hovering a field shows.
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    /// The field's name.
    pub name: String,
    /// Its type, as the schema says it (`integer`, `[]Container`, `map[string]string`).
    pub type_name: String,
    /// The definition the field belongs to.
    pub owner: String,
    /// What the API documentation says the field is.
    pub description: Option<String>,
}

impl Field {
    /// The hover text (Markdown).
    pub fn markdown(&self) -> String {
        let owner = self.owner.rsplit('.').next().unwrap_or(&self.owner);
        let mut text = format!("```yaml\n{}: {}\n```\n", self.name, self.type_name);
        if let Some(d) = &self.description {
            text.push('\n');
            text.push_str(d);
            text.push('\n');
        }
        let version = descriptions().map_or("", |d| d.version.as_str());
        text.push_str(&format!(
            "\n*{owner}* (Kubernetes API reference, {version})"
        ));
        text
    }
}

/// The field at `pointer` of a built-in object: the last property named along the
/// pointer (an item of a list is described by its list). `None` for custom resources,
/// unknown kinds and fields the schema does not name.
pub fn field(
    schemas: &VersionSchemas,
    api_version: &str,
    kind: &str,
    pointer: &Pointer,
) -> Option<Field> {
    let root = schemas.definition_of(api_version, kind)?;
    let mut schema = schemas.def(root)?;
    let mut name = Some(root);
    let mut found: Option<(&str, String, &Value)> = None;
    for token in pointer.tokens() {
        let (owner, s) = resolve(schemas, name, schema);
        if let Some(p) = s.get("properties").and_then(|p| p.get(token.as_ref())) {
            found = Some((owner?, token.into_owned(), p));
            schema = p;
        } else if let Some(items) = s.get("items").filter(|_| token.parse::<usize>().is_ok()) {
            schema = items;
        } else if let Some(extra) = s.get("additionalProperties").filter(|a| a.is_object()) {
            schema = extra;
        } else {
            return None;
        }
        name = None;
    }
    let (owner, field, schema) = found?;
    let described = descriptions().and_then(|d| {
        let own = d.definitions.get(owner).and_then(|p| p.get(&field));
        // A field that only refers to a definition is described by it.
        let target = reference(schema).and_then(|r| d.definitions.get(r));
        own.or_else(|| target.and_then(|p| p.get("")))
    });
    Some(Field {
        type_name: type_name(schemas, schema, 0),
        owner: owner.to_owned(),
        description: described.cloned(),
        name: field,
    })
}

/// The definition a schema refers to (directly or as the only branch of an `allOf`).
fn reference(schema: &Value) -> Option<&str> {
    let direct = schema.get("$ref").and_then(Value::as_str);
    let wrapped = || {
        let all = schema.get("allOf")?.as_array()?;
        all.first()?.get("$ref")?.as_str()
    };
    direct.or_else(wrapped)?.strip_prefix(DEFS_PREFIX)
}

/// A schema with its references followed, and the name of the definition it ends at.
fn resolve<'a>(
    schemas: &'a VersionSchemas,
    mut name: Option<&'a str>,
    mut schema: &'a Value,
) -> (Option<&'a str>, &'a Value) {
    // Bounded: definitions never chain more than a few references.
    for _ in 0..16 {
        let Some(target) = reference(schema) else {
            break;
        };
        let Some(s) = schemas.def(target) else {
            break;
        };
        name = Some(target);
        schema = s;
    }
    (name, schema)
}

/// A type as Go's API types spell it: `integer`, `[]Container`, `map[string]string`,
/// `integer | string`, with the allowed values of an enum.
fn type_name(schemas: &VersionSchemas, schema: &Value, depth: usize) -> String {
    if depth > 4 {
        return "object".to_owned();
    }
    if let Some(r) = reference(schema) {
        let (_, target) = resolve(schemas, Some(r), schema);
        if target.get("properties").is_some() {
            return r.rsplit('.').next().unwrap_or(r).to_owned();
        }
        return type_name(schemas, target, depth + 1);
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let types: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
    let mut out = if types == ["array"] {
        let items = schema
            .get("items")
            .map_or_else(|| "object".to_owned(), |i| type_name(schemas, i, depth + 1));
        format!("[]{items}")
    } else if types == ["object"] {
        match schema.get("additionalProperties").filter(|a| a.is_object()) {
            Some(v) => format!("map[string]{}", type_name(schemas, v, depth + 1)),
            None => "object".to_owned(),
        }
    } else if types.is_empty() {
        "any".to_owned()
    } else {
        types.join(" | ")
    };
    let values: Vec<String> = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::String(s) if s.is_empty() => "\"\"".to_owned(),
            Value::String(s) => s.to_string(),
            other => other.to_string(),
        })
        .collect();
    if !values.is_empty() {
        out.push_str(&format!(" (one of: {})", values.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::catalog;

    #[test]
    fn the_embedded_descriptions_decode() {
        let d = descriptions().expect("the generated file decodes");
        assert!(d.definitions.len() > 500);
    }

    #[test]
    fn a_deployment_field_has_its_type_and_description() {
        let schemas = catalog::for_version("1.30").expect("embedded");
        let at = |p: &str| {
            let pointer = Pointer::parse(p).expect("a pointer");
            field(schemas, "apps/v1", "Deployment", &pointer)
        };
        let replicas = at("/spec/replicas").expect("described");
        assert_eq!(replicas.type_name, "integer");
        assert_eq!(replicas.owner, "io.k8s.api.apps.v1.DeploymentSpec");
        assert!(
            replicas
                .description
                .as_deref()
                .unwrap_or_default()
                .contains("desired pods")
        );
        let containers = at("/spec/template/spec/containers/0").expect("described");
        assert_eq!(containers.name, "containers");
        assert_eq!(containers.type_name, "[]Container");
        let policy = at("/spec/template/spec/containers/0/imagePullPolicy").expect("described");
        assert!(
            policy.type_name.starts_with("string (one of: "),
            "{policy:?}"
        );
        let labels = at("/metadata/labels").expect("described");
        assert_eq!(labels.type_name, "map[string]string");
        assert!(at("/spec/nope").is_none());
    }
}
