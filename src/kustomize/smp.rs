//! Strategic merge: a partial object merged into a whole one. Mappings merge key by key;
//! a list of mappings merges item by item on its merge key as the embedded schemas declare
//! it for built-in kinds (`x-kubernetes-patch-merge-key`; `x-kubernetes-list-type: atomic`
//! lists are replaced), and on kustomize's associative keys for what the schemas do not
//! describe (custom resources); other lists are replaced. `$patch: delete|replace` and
//! `$setElementOrder/<list>` are honoured.

use crate::base::value::Value;

use super::merge_keys::{self, ListRule, Schema};
use super::node::{MKind, MNode};

/// What a merge asks of the node's parent.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Keep the merged node.
    Keep,
    /// The patch says `$patch: delete`: remove the node.
    Delete,
}

/// The keys kustomize treats as merge keys when no schema names one, in its order.
const ASSOCIATIVE: [&str; 7] = [
    "mountPath",
    "devicePath",
    "ip",
    "type",
    "topologyKey",
    "name",
    "containerPort",
];

/// The merge key of a list: from the schemas when they know the field, else from the
/// table below; `Some("")` asks the caller for an associative key.
fn list_key(list: Schema, field: &str, parent: &str) -> Option<&'static str> {
    match merge_keys::list_rule(list) {
        ListRule::Key(key) => Some(key),
        ListRule::Atomic => None,
        ListRule::Unknown if list.is_some() => heuristic_marker(),
        ListRule::Unknown => schema_key(field, parent),
    }
}

/// The merge key of a list field by its name and its parent's, for objects the schemas
/// do not describe (custom resources, older API versions).
fn schema_key(field: &str, parent: &str) -> Option<&'static str> {
    Some(match (field, parent) {
        ("ports", "spec") => "port",
        ("ports", _) => "containerPort",
        ("containers" | "initContainers" | "ephemeralContainers", _) => "name",
        ("volumes" | "env" | "imagePullSecrets" | "resourceClaims", _) => "name",
        ("volumeMounts", _) => "mountPath",
        ("volumeDevices", _) => "devicePath",
        ("hostAliases", _) => "ip",
        ("topologySpreadConstraints", _) => "topologyKey",
        ("conditions", _) => "type",
        ("ownerReferences", _) => "uid",
        // Declared atomic: replaced whole.
        ("tolerations" | "envFrom" | "args" | "command" | "subjects" | "rules", _) => return None,
        _ => return heuristic_marker(),
    })
}

/// No schema entry: the caller looks for an associative key.
fn heuristic_marker() -> Option<&'static str> {
    Some("")
}

/// Merges `patch` into `target`; `path` holds the keys above and `schema` is the
/// target's schema when it is part of a built-in kind (for merge keys).
pub fn merge(target: &mut MNode, patch: &MNode, path: &mut Vec<String>, schema: Schema) -> Outcome {
    let MKind::Map(entries) = &patch.kind else {
        *target = patch.clone();
        return Outcome::Keep;
    };
    match patch.str_at("$patch") {
        Some("delete") => return Outcome::Delete,
        Some("replace") => {
            *target = clean(patch);
            return Outcome::Keep;
        }
        _ => {}
    }
    if !matches!(target.kind, MKind::Map(_)) {
        *target = clean(patch);
        return Outcome::Keep;
    }
    let mut orders: Vec<(&str, &MNode)> = Vec::new();
    for (key, value) in entries {
        if let Some(list) = key.strip_prefix("$setElementOrder/") {
            orders.push((list, value));
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        if matches!(value.kind, MKind::Scalar(Value::Null, ..)) {
            target.remove(key);
            continue;
        }
        let Some(existing) = target.get_mut(key) else {
            if value.str_at("$patch") != Some("delete") {
                target.set(key, clean(value));
            }
            continue;
        };
        path.push(key.clone());
        let outcome = match (&mut existing.kind, &value.kind) {
            (MKind::Map(_), MKind::Map(_)) => {
                merge(existing, value, path, merge_keys::field(schema, key))
            }
            (MKind::Seq(_), MKind::Seq(_)) => {
                let parent = path
                    .len()
                    .checked_sub(2)
                    .map_or_else(String::new, |i| path[i].clone());
                let list = merge_keys::field(schema, key);
                merge_list(existing, value, (key, &parent), list, path);
                Outcome::Keep
            }
            _ => {
                let origin_key = existing.origin.key;
                *existing = clean(value);
                if existing.origin.key == crate::base::Span::NONE {
                    existing.origin.key = origin_key;
                }
                Outcome::Keep
            }
        };
        path.pop();
        if outcome == Outcome::Delete {
            target.remove(key);
        }
    }
    for (list, order) in orders {
        reorder(target, list, order, path, merge_keys::field(schema, list));
    }
    Outcome::Keep
}

/// Merges a list.
fn merge_list(
    target: &mut MNode,
    patch: &MNode,
    (field, parent): (&str, &str),
    list: Schema,
    path: &mut Vec<String>,
) {
    let (MKind::Seq(items), MKind::Seq(patch_items)) = (&mut target.kind, &patch.kind) else {
        return;
    };
    let all_maps = items
        .iter()
        .chain(patch_items)
        .all(|n| matches!(n.kind, MKind::Map(_)));
    let key = list_key(list, field, parent).and_then(|k| {
        if !k.is_empty() {
            return Some(k);
        }
        ASSOCIATIVE.into_iter().find(|k| {
            patch_items
                .iter()
                .filter(|n| n.str_at("$patch").is_none())
                .all(|n| n.get(k).is_some())
                && !patch_items.is_empty()
        })
    });
    let Some(key) = key.filter(|_| all_maps) else {
        // Replaced whole, directives dropped.
        let kept: Vec<MNode> = patch_items
            .iter()
            .filter(|n| n.str_at("$patch").is_none())
            .map(clean)
            .collect();
        *items = kept;
        return;
    };
    if patch_items
        .iter()
        .any(|n| n.str_at("$patch") == Some("replace") && n.get(key).is_none())
    {
        *items = patch_items
            .iter()
            .filter(|n| n.str_at("$patch").is_none())
            .map(clean)
            .collect();
        return;
    }
    // kustomize's order: the patch's items first, in its order, then the target's others.
    let mut rest: Vec<Option<MNode>> = std::mem::take(items).into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(rest.len() + patch_items.len());
    for p in patch_items {
        let Some(k) = p.get(key).map(MNode::to_value) else {
            continue;
        };
        let found = rest.iter().position(|t| {
            t.as_ref()
                .is_some_and(|t| t.get(key).map(MNode::to_value).as_ref() == Some(&k))
        });
        match (found, p.str_at("$patch")) {
            (Some(i), Some("delete")) => rest[i] = None,
            (None, Some("delete")) => {}
            (Some(i), Some("replace")) => {
                rest[i] = None;
                out.push(clean(p));
            }
            (Some(i), _) => {
                if let Some(mut t) = rest[i].take() {
                    if merge(&mut t, p, path, merge_keys::items(list)) == Outcome::Keep {
                        out.push(t);
                    }
                }
            }
            (None, _) => out.push(clean(p)),
        }
    }
    out.extend(rest.into_iter().flatten());
    *items = out;
}

/// `$setElementOrder/<list>`: the list's items in the order given.
fn reorder(target: &mut MNode, list: &str, order: &MNode, path: &[String], schema: Schema) {
    let parent = path.last().map_or("", String::as_str);
    let Some(node) = target.get_mut(list) else {
        return;
    };
    let (MKind::Seq(items), MKind::Seq(wanted)) = (&mut node.kind, &order.kind) else {
        return;
    };
    let Some(key) = list_key(schema, list, parent)
        .filter(|k| !k.is_empty())
        .or_else(|| {
            ASSOCIATIVE
                .into_iter()
                .find(|k| wanted.iter().all(|w| w.get(k).is_some()))
        })
    else {
        return;
    };
    let mut rest: Vec<MNode> = std::mem::take(items);
    for w in wanted {
        let Some(k) = w.get(key).map(MNode::to_value) else {
            continue;
        };
        if let Some(i) = rest
            .iter()
            .position(|t| t.get(key).map(MNode::to_value) == Some(k.clone()))
        {
            items.push(rest.remove(i));
        }
    }
    items.extend(rest);
}

/// A patch node without its directives.
pub fn clean(node: &MNode) -> MNode {
    let kind = match &node.kind {
        MKind::Map(entries) => MKind::Map(
            entries
                .iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), clean(v)))
                .collect(),
        ),
        MKind::Seq(items) => MKind::Seq(
            items
                .iter()
                .filter(|n| n.str_at("$patch") != Some("delete"))
                .map(clean)
                .collect(),
        ),
        scalar => scalar.clone(),
    };
    MNode {
        origin: node.origin,
        kind,
    }
}
