//! Plain YAML scalars that YAML 1.1 types as booleans, numbers or null where the schema
//! wants a string (`on`, `1.10`, `0755`): whether quoting one would make it valid.

use crate::base::value::Value;

use crate::base::Pointer;
use crate::graph::{Graph, ObjectTree};
use crate::model::Object;
use crate::schema::walk::Root;
use crate::yaml::scalar::Resolved;
use crate::yaml::{NodeKind, ScalarStyle};

/// Whether quoting the text would satisfy the enums and patterns that apply at the node:
/// `protocol: 22` or `cpu: true` are wrong values, not wrongly typed ones, and stay the
/// `schema` rule's findings.
pub fn quoting_fixes(root: &Root<'_>, pointer: &Pointer, raw: &str) -> bool {
    let text = Value::String(raw.into());
    root.at(pointer).into_iter().all(|s| {
        let enum_ok = s
            .get("enum")
            .and_then(Value::as_array)
            .is_none_or(|values| values.contains(&text));
        let pattern_ok = s.get("pattern").and_then(Value::as_str).is_none_or(|p| {
            jsonschema::options()
                .build(&serde_json::json!({ "pattern": p }))
                .map_or(true, |v| {
                    v.is_valid(&serde_json::Value::String(raw.to_owned()))
                })
        });
        enum_ok && pattern_ok
    })
}

/// The text and YAML 1.1 type of the node at `pointer` when it is a plain scalar typed as
/// a boolean, number or null: not a value an alias or a template gave (which has no node
/// of its own), nor one written quoted.
pub fn typed_plain_scalar<'g>(
    graph: &'g Graph,
    tree: &ObjectTree<'_>,
    pointer: &Pointer,
) -> Option<(std::borrow::Cow<'g, str>, Resolved)> {
    let (node, file) = tree.exact(pointer)?;
    let NodeKind::Scalar {
        style: ScalarStyle::Plain,
        resolved,
    } = node.kind
    else {
        return None;
    };
    if matches!(resolved, Resolved::Str | Resolved::NonFinite) {
        return None;
    }
    Some((graph.file(file).slice(node.span), resolved))
}

/// Whether the node at `pointer` is a plain scalar that YAML 1.1 typed as a non-string
/// where quoting it gives a valid string (what `yaml-implicit-type` reports).
pub fn mistyped_scalar(
    graph: &Graph,
    root: Option<&Root<'_>>,
    object: &Object,
    pointer: &Pointer,
) -> bool {
    let tree = graph.object_tree(object.id);
    typed_plain_scalar(graph, &tree, pointer)
        .is_some_and(|(raw, _)| root.is_some_and(|r| quoting_fixes(r, pointer, &raw)))
}
