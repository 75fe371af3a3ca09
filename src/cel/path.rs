//! Field paths as the CEL validator writes them (`spec.ports[1].name`, or a rule's
//! `fieldPath` such as `.spec.x['a.b']`) turned into JSON pointers into the object.

use crate::base::value::Value;

use crate::base::Pointer;

/// The pointer that `path` names in `value`. A key may itself contain dots, so each
/// step takes the longest key of the mapping that the path continues with. Where the
/// path leaves the object (a field that is absent), the pointer stops at the deepest
/// node that exists: that is where the finding can be shown.
pub fn resolve(value: &Value, path: &str) -> Pointer {
    let mut pointer = Pointer::root();
    let mut node = value;
    let mut rest = path.strip_prefix('.').unwrap_or(path);
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let Some(end) = after.find(']') else { break };
            let inside = &after[..end];
            let quoted = inside
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            let next = match (quoted, node) {
                (Some(key), Value::Object(map)) => map.get(key).map(|v| (key.to_owned(), v)),
                (None, Value::Array(items)) => inside
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).map(|v| (i.to_string(), v))),
                _ => None,
            };
            let Some((token, child)) = next else { break };
            pointer.push(&token);
            node = child;
            rest = &after[end + 1..];
        } else {
            let Value::Object(map) = node else { break };
            let key = map
                .keys()
                .filter(|k| {
                    rest.strip_prefix(k.as_str())
                        .is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
                })
                .max_by_key(|k| k.len());
            let Some(key) = key else { break };
            pointer.push(key);
            node = &map[key.as_str()];
            rest = &rest[key.len()..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    pointer
}

#[cfg(test)]
mod tests {
    use crate::json;

    use super::*;

    #[test]
    fn resolves_dotted_keys_indexes_and_missing_fields() {
        let v = json!({"spec": {"a.b": {"x": 1}, "ports": [{"n": 1}, {"n": 2}]}});
        assert_eq!(resolve(&v, "spec.a.b.x").as_str(), "/spec/a.b/x");
        assert_eq!(resolve(&v, "spec.ports[1].n").as_str(), "/spec/ports/1/n");
        assert_eq!(resolve(&v, ".spec['a.b']").as_str(), "/spec/a.b");
        assert_eq!(resolve(&v, "spec.missing.deep").as_str(), "/spec");
        assert_eq!(resolve(&v, "").as_str(), "");
        assert_eq!(resolve(&v, "spec.ports[9]").as_str(), "/spec/ports");
    }
}
