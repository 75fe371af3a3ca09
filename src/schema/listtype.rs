//! `x-kubernetes-list-type` of a CustomResourceDefinition's schema, as the API server
//! enforces it on custom resources: the items of a `set` are unique, and so are the keys
//! (`x-kubernetes-list-map-keys`) of the items of a `map`, compared after the keys'
//! schema defaults are filled in. (Built-in kinds carry the same markers, but the API
//! server validates them with its own code, which lets duplicates such as two identical
//! container ports through with a warning; so only CRD schemas are enforced here.)

use crate::base::value::{Map, Value};

use crate::base::Pointer;

/// A duplicate item: where the later one is, and the server's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The later of the two items.
    pub pointer: Pointer,
    /// `Duplicate value: …`.
    pub message: String,
}

/// Every duplicate in `value` under `schema` (an `openAPIV3Schema` node).
pub fn duplicates(schema: &Value, value: &Value) -> Vec<Duplicate> {
    let mut out = Vec::new();
    walk(schema, value, Pointer::root(), &mut out, 0);
    out
}

fn walk(schema: &Value, value: &Value, at: Pointer, out: &mut Vec<Duplicate>, depth: usize) {
    if depth > 64 {
        return;
    }
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties").filter(|s| s.is_object());
            for (key, child) in map {
                let sub = props.and_then(|p| p.get(key)).or(extra);
                if let Some(sub) = sub {
                    walk(sub, child, at.key(key), out, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            let item_schema = schema.get("items");
            match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
                Some("set") => unique(items, &at, out, |item| Some(item.clone())),
                Some("map") => {
                    let keys: Vec<&str> = schema
                        .get("x-kubernetes-list-map-keys")
                        .and_then(Value::as_array)
                        .map(|k| k.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        unique(items, &at, out, |item| map_key(item, &keys, item_schema));
                    }
                }
                _ => {}
            }
            if let Some(sub) = item_schema {
                for (i, item) in items.iter().enumerate() {
                    walk(sub, item, at.index(i), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The key of a list-map item: its key fields, a missing one from its schema default.
fn map_key(item: &Value, keys: &[&str], item_schema: Option<&Value>) -> Option<Value> {
    let fields = item.as_object()?;
    let mut key = Map::new();
    for k in keys {
        let v = fields.get(k).cloned().or_else(|| {
            item_schema
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(*k))
                .and_then(|p| p.get("default"))
                .cloned()
        });
        if let Some(v) = v {
            key.insert((*k).to_owned(), v);
        }
    }
    Some(Value::Object(key))
}

fn unique(
    items: &[Value],
    at: &Pointer,
    out: &mut Vec<Duplicate>,
    key_of: impl Fn(&Value) -> Option<Value>,
) {
    // Lists are short; a quadratic scan keeps the first occurrence and needs no hashing
    // of JSON values.
    let mut seen: Vec<Value> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(key) = key_of(item) else { continue };
        if seen.contains(&key) {
            out.push(Duplicate {
                pointer: at.index(i),
                message: format!("Duplicate value: {key}"),
            });
        } else {
            seen.push(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::json;

    use super::*;

    #[test]
    fn list_map_keys_are_compared_after_defaults() {
        let schema = json!({"type": "object", "properties": {"ports": {
            "type": "array", "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
            "items": {"type": "object", "properties": {
                "containerPort": {"type": "integer"},
                "protocol": {"type": "string", "default": "TCP"}}}}}});
        let found = duplicates(
            &schema,
            &json!({"ports": [{"containerPort": 88, "protocol": "TCP"}, {"containerPort": 88}, {"containerPort": 88, "protocol": "UDP"}]}),
        );
        assert_eq!(
            found,
            vec![Duplicate {
                pointer: Pointer::root().key("ports").index(1),
                message: r#"Duplicate value: {"containerPort":88,"protocol":"TCP"}"#.into(),
            }]
        );
    }

    #[test]
    fn set_items_are_unique() {
        let schema =
            json!({"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}});
        let found = duplicates(&schema, &json!(["a", "b", "a"]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, r#"Duplicate value: "a""#);
        assert!(duplicates(&schema, &json!(["a", "b"])).is_empty());
    }
}
