//! A CustomResourceDefinition's own schemas checked as the API server checks them when
//! the CRD is created: `type` values, `x-kubernetes-list-type` and its map keys, and the
//! other `x-kubernetes-*` markers used consistently. (Whether its CEL rules compile and
//! fit the cost budget is asked of the CEL engine by the rule that reports these.)

use crate::base::value::Value;

use crate::base::At;
use crate::base::Pointer;

const TYPES: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];
const LIST_TYPES: [&str; 3] = ["atomic", "map", "set"];

/// A problem in a CRD's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The node, in the CRD object.
    pub pointer: Pointer,
    /// The API server's wording.
    pub message: String,
}

/// The `openAPIV3Schema` nodes of a CRD and where they are.
pub fn schemas(crd: &Value) -> Vec<(Pointer, &Value)> {
    let mut out = Vec::new();
    if let Some(s) = crd.at("/spec/validation/openAPIV3Schema") {
        out.push((Pointer::root().path("spec/validation/openAPIV3Schema"), s));
    }
    if let Some(list) = crd.at("/spec/versions").and_then(Value::as_array) {
        for (i, v) in list.iter().enumerate() {
            if let Some(s) = v.at("/schema/openAPIV3Schema") {
                let at = Pointer::root()
                    .path("spec/versions")
                    .index(i)
                    .path("schema/openAPIV3Schema");
                out.push((at, s));
            }
        }
    }
    out
}

/// Every problem in the schemas of a CRD object.
pub fn problems(crd: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    for (at, schema) in schemas(crd) {
        walk(schema, at, &mut out, 0);
    }
    out
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn walk(node: &Value, at: Pointer, out: &mut Vec<Problem>, depth: usize) {
    let Value::Object(map) = node else { return };
    if depth > 64 {
        out.push(Problem {
            pointer: at,
            message: "Forbidden: the schema is nested too deeply".into(),
        });
        return;
    }
    let ty = map.get("type");
    match ty {
        Some(Value::String(t)) if !TYPES.contains(&t.as_str()) => out.push(Problem {
            pointer: at.key("type"),
            message: format!(
                "Unsupported value: {}: supported values: {}",
                Value::String(t.clone()),
                quoted(&TYPES)
            ),
        }),
        Some(Value::String(_)) | None => {}
        Some(other) => out.push(Problem {
            pointer: at.key("type"),
            message: format!("Invalid value: {other}: must be a string"),
        }),
    }
    let list_type = map.get("x-kubernetes-list-type");
    if let Some(lt) = list_type {
        match lt.as_str() {
            Some(t) if LIST_TYPES.contains(&t) => {
                if ty.and_then(Value::as_str).is_some_and(|t| t != "array") {
                    out.push(Problem {
                        pointer: at.key("x-kubernetes-list-type"),
                        message: "Invalid value: must only be used on type: array".into(),
                    });
                }
            }
            _ => out.push(Problem {
                pointer: at.key("x-kubernetes-list-type"),
                message: format!(
                    "Unsupported value: {lt}: supported values: {}",
                    quoted(&LIST_TYPES)
                ),
            }),
        }
    }
    let keys = map.get("x-kubernetes-list-map-keys");
    match (list_type.and_then(Value::as_str), keys) {
        (Some("map"), None) => out.push(Problem {
            pointer: at.key("x-kubernetes-list-type"),
            message: "Required value: x-kubernetes-list-map-keys must be given when x-kubernetes-list-type is map".into(),
        }),
        (Some("map"), Some(keys)) => map_keys(map.get("items"), keys, &at, out),
        (_, Some(_)) => out.push(Problem {
            pointer: at.key("x-kubernetes-list-map-keys"),
            message: "Forbidden: must not be specified when x-kubernetes-list-type is not map"
                .into(),
        }),
        _ => {}
    }
    if map
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true)
        && ty.is_some()
    {
        out.push(Problem {
            pointer: at.key("type"),
            message: "Invalid value: must be empty when x-kubernetes-int-or-string is true".into(),
        });
    }
    for key in ["properties", "patternProperties"] {
        if let Some(props) = map.get(key).and_then(Value::as_object) {
            for (name, child) in props {
                walk(child, at.key(key).key(name), out, depth + 1);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key) {
            walk(child, at.key(key), out, depth + 1);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = map.get(key).and_then(Value::as_array) {
            for (i, child) in list.iter().enumerate() {
                walk(child, at.key(key).index(i), out, depth + 1);
            }
        }
    }
}

/// The keys of a list-map must be scalar properties of its items.
fn map_keys(items: Option<&Value>, keys: &Value, at: &Pointer, out: &mut Vec<Problem>) {
    let pointer = at.key("x-kubernetes-list-map-keys");
    let Some(keys) = keys.as_array().filter(|k| !k.is_empty()) else {
        out.push(Problem {
            pointer,
            message: "Required value: must list at least one key".into(),
        });
        return;
    };
    let props = items
        .and_then(|i| i.get("properties"))
        .and_then(Value::as_object);
    for (i, key) in keys.iter().enumerate() {
        let Some(name) = key.as_str() else { continue };
        match props.and_then(|p| p.get(name)) {
            None => out.push(Problem {
                pointer: pointer.index(i),
                message: format!(
                    "Invalid value: \"{name}\": entries must all be names of item properties"
                ),
            }),
            Some(p) => {
                let t = p.get("type").and_then(Value::as_str);
                if matches!(t, Some("object" | "array")) {
                    out.push(Problem {
                        pointer: pointer.index(i),
                        message: format!("Invalid value: \"{name}\": must be a scalar type"),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json;

    use super::*;

    #[test]
    fn reports_type_typos_and_list_marker_misuse() {
        let crd = json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {
            "message": {"type": "strign"},
            "items": {"type": "array", "x-kubernetes-list-type": "map",
                      "x-kubernetes-list-map-keys": ["name", "nope"],
                      "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "tags": {"type": "array", "x-kubernetes-list-type": "bag", "items": {"type": "string"}}
        }}}}]}});
        let found = problems(&crd);
        let at: Vec<&str> = found.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            at,
            vec![
                "/spec/versions/0/schema/openAPIV3Schema/properties/message/type",
                "/spec/versions/0/schema/openAPIV3Schema/properties/items/x-kubernetes-list-map-keys/1",
                "/spec/versions/0/schema/openAPIV3Schema/properties/tags/x-kubernetes-list-type",
            ]
        );
        assert!(
            found[0]
                .message
                .starts_with("Unsupported value: \"strign\"")
        );
    }
}
