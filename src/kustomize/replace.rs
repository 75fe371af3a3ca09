//! `replacements`: copies a field of one object into fields of others. Field paths are
//! kustomize's: dot-separated keys, list indexes, `*` for every item, and `[key=value]`
//! for the list item with that field. A copied value points at the field it came from.

use std::path::Path;

use crate::base::value::Value;

use super::build::{At, Builder};
use super::node::{MKind, MNode};
use super::resource::Resource;

/// Runs the `replacements` of a kustomization.
pub fn run(b: &mut Builder<'_>, dir: &Path, k: &MNode, acc: &mut [Resource]) {
    let Some(MKind::Seq(entries)) = k.get("replacements").map(|n| &n.kind) else {
        return;
    };
    for entry in entries {
        let at = At::of(entry);
        let listed: Vec<MNode> = match entry.str_at("path") {
            Some(rel) => match b.files.read(&dir.join(rel)) {
                Ok(file) => match b.files.documents(file) {
                    Ok(docs) => docs
                        .into_iter()
                        .flat_map(|d| match d.kind {
                            MKind::Seq(items) => items,
                            _ => vec![d],
                        })
                        .collect(),
                    Err(e) => {
                        b.error(at, format!("replacements `{rel}` do not parse: {e}"));
                        continue;
                    }
                },
                Err(e) => {
                    b.error(at, format!("replacements `{rel}` cannot be read: {e}"));
                    continue;
                }
            },
            None => vec![entry.clone()],
        };
        for r in &listed {
            replace(b, at, r, acc);
        }
    }
}

fn replace(b: &mut Builder<'_>, at: At, r: &MNode, acc: &mut [Resource]) {
    let Some(source) = r.get("source") else {
        b.error(at, "a replacement needs a `source`");
        return;
    };
    let sources: Vec<&Resource> = acc.iter().filter(|o| selected(source, o)).collect();
    let [from] = sources.as_slice() else {
        let message = if sources.is_empty() {
            "the replacement's source is not among the resources".to_owned()
        } else {
            format!(
                "the replacement's source matches {} resources",
                sources.len()
            )
        };
        b.error(at, message);
        return;
    };
    let path = source.str_at("fieldPath").unwrap_or("metadata.name");
    let Some(mut value) = get(&from.node, &tokens(path)).cloned() else {
        b.error(at, format!("the replacement's source has no `{path}`"));
        return;
    };
    if let Some(options) = source.get("options") {
        if let (Some(delimiter), MKind::Scalar(Value::String(s), ..)) =
            (options.str_at("delimiter"), &value.kind)
        {
            let index = int(options.get("index")).unwrap_or(0);
            let part = s.split(delimiter).nth(index).unwrap_or_default().to_owned();
            value = MNode::string(&part, value.origin);
        }
    }
    let Some(MKind::Seq(targets)) = r.get("targets").map(|n| &n.kind) else {
        return;
    };
    for target in targets {
        let Some(select) = target.get("select") else {
            continue;
        };
        let rejects: Vec<&MNode> = match target.get("reject").map(|n| &n.kind) {
            Some(MKind::Seq(items)) => items.iter().collect(),
            _ => Vec::new(),
        };
        let options = target.get("options");
        let create = options
            .and_then(|o| o.get("create"))
            .is_some_and(|n| matches!(n.kind, MKind::Scalar(Value::Bool(true), ..)));
        let Some(MKind::Seq(paths)) = target.get("fieldPaths").map(|n| &n.kind) else {
            continue;
        };
        for o in acc.iter_mut() {
            if !selected(select, o) || rejects.iter().any(|rj| selected(rj, o)) {
                continue;
            }
            for p in paths.iter().filter_map(MNode::as_str) {
                set(&mut o.node, &tokens(p), &value, options, create);
            }
        }
    }
}

/// Whether a `select`/`reject`/`source` matches an object (fields given must be equal).
fn selected(sel: &MNode, o: &Resource) -> bool {
    let eq = |key: &str, actual: &str| sel.str_at(key).is_none_or(|want| want == actual);
    eq("group", o.group())
        && eq("version", o.version())
        && eq("kind", o.kind())
        && sel.str_at("name").is_none_or(|n| o.had_name(n))
        && sel.str_at("namespace").is_none_or(|n| o.had_namespace(n))
}

fn int(node: Option<&MNode>) -> Option<usize> {
    match &node?.kind {
        MKind::Scalar(Value::Number(n), ..) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => None,
    }
}

/// A field path's tokens: `a.b.[name=x].c` → `a`, `b`, `[name=x]`, `c`.
fn tokens(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '.' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.retain(|t| !t.is_empty());
    out
}

/// The list item a token names: `[k=v]` or an index.
fn item_index(items: &[MNode], token: &str) -> Option<usize> {
    if let Some(inner) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let (k, v) = inner.split_once('=')?;
        return items.iter().position(|n| {
            n.get(k).map(MNode::to_value).is_some_and(|x| match x {
                Value::String(s) => s == v,
                other => v == other.to_string().as_str(),
            })
        });
    }
    token.parse().ok()
}

fn get<'a>(node: &'a MNode, tokens: &[String]) -> Option<&'a MNode> {
    let mut node = node;
    for t in tokens {
        node = match &node.kind {
            MKind::Map(_) => node.get(t)?,
            MKind::Seq(items) => items.get(item_index(items, t)?)?,
            MKind::Scalar(..) => return None,
        };
    }
    Some(node)
}

/// Sets the value at a path (every item for `*`), creating mappings when `create`.
fn set(node: &mut MNode, tokens: &[String], value: &MNode, options: Option<&MNode>, create: bool) {
    let Some((first, rest)) = tokens.split_first() else {
        let delimiter = options.and_then(|o| o.str_at("delimiter"));
        match (delimiter, node.as_str(), value.as_str()) {
            (Some(d), Some(current), Some(new)) => {
                let index = int(options.and_then(|o| o.get("index"))).unwrap_or(0);
                let mut parts: Vec<&str> = current.split(d).collect();
                if index < parts.len() {
                    parts[index] = new;
                }
                let joined = parts.join(d);
                *node = MNode::string(&joined, value.origin);
            }
            _ => {
                let key = node.origin.key;
                // A scalar takes the value's text and keeps its own type, as kustomize
                // copies only the text: `32` into a string argument stays a string.
                let text = match (&node.kind, &value.kind) {
                    (MKind::Scalar(Value::String(_), ..), MKind::Scalar(v, ..))
                        if !v.is_string() && !v.is_null() =>
                    {
                        Some(v.to_string())
                    }
                    _ => None,
                };
                *node = match text {
                    Some(text) => MNode::string(&text, value.origin),
                    None => value.clone(),
                };
                if node.origin.key == crate::base::Span::NONE {
                    node.origin.key = key;
                }
            }
        }
        return;
    };
    match &mut node.kind {
        MKind::Seq(items) => {
            if first == "*" {
                for item in items.iter_mut() {
                    set(item, rest, value, options, create);
                }
            } else if let Some(i) = item_index(items, first) {
                if let Some(item) = items.get_mut(i) {
                    set(item, rest, value, options, create);
                }
            }
        }
        MKind::Map(_) => {
            if node.get(first).is_none() {
                if !create {
                    return;
                }
                let next = if rest.is_empty() {
                    value.clone()
                } else {
                    MNode::map(value.origin)
                };
                node.set(first, next);
            }
            if let Some(child) = node.get_mut(first) {
                set(child, rest, value, options, create);
            }
        }
        MKind::Scalar(..) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_field_paths() {
        assert_eq!(
            tokens("spec.template.spec.containers.[name=web].image"),
            [
                "spec",
                "template",
                "spec",
                "containers",
                "[name=web]",
                "image"
            ]
        );
        assert_eq!(tokens("a.[k=v.w].b"), ["a", "[k=v.w]", "b"]);
    }
}
