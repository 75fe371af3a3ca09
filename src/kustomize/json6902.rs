//! JSON patch (RFC 6902) operations on a built object: add, remove, replace, move, copy,
//! test. A value an operation adds points at the operation's `value` in the patch.

use super::node::{MKind, MNode};

/// Applies one operation; the error is for the user.
pub fn apply(target: &mut MNode, op: &MNode) -> Result<(), String> {
    let name = op.str_at("op").ok_or("an operation needs `op`")?;
    let path = op.str_at("path").ok_or("an operation needs `path`")?;
    let tokens = parse(path)?;
    match name {
        "add" => add(target, &tokens, value(op)?.clone()),
        "replace" => {
            let slot = lookup_mut(target, &tokens).ok_or_else(|| missing(path))?;
            let key = slot.origin.key;
            *slot = value(op)?.clone();
            if slot.origin.key == crate::base::Span::NONE {
                slot.origin.key = key;
            }
            Ok(())
        }
        "remove" => remove(target, &tokens)
            .map(|_| ())
            .ok_or_else(|| missing(path)),
        "move" | "copy" => {
            let from = op.str_at("from").ok_or("`move` and `copy` need `from`")?;
            let from_tokens = parse(from)?;
            let node = if name == "move" {
                remove(target, &from_tokens)
            } else {
                lookup_mut(target, &from_tokens).map(|n| n.clone())
            }
            .ok_or_else(|| missing(from))?;
            add(target, &tokens, node)
        }
        "test" => {
            let found = lookup_mut(target, &tokens).ok_or_else(|| missing(path))?;
            if found.to_value() == value(op)?.to_value() {
                Ok(())
            } else {
                Err(format!("test failed: {path} does not hold the value given"))
            }
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}

fn value(op: &MNode) -> Result<&MNode, String> {
    op.get("value")
        .ok_or_else(|| "the operation needs `value`".to_owned())
}

fn missing(path: &str) -> String {
    format!("{path} does not exist in the target")
}

/// RFC 6901 tokens.
fn parse(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("`{path}` is not a JSON pointer"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn lookup_mut<'a>(node: &'a mut MNode, tokens: &[String]) -> Option<&'a mut MNode> {
    let mut node = node;
    for t in tokens {
        node = match &mut node.kind {
            MKind::Map(entries) => entries.iter_mut().find(|(k, _)| k == t).map(|(_, n)| n)?,
            MKind::Seq(items) => items.get_mut(t.parse::<usize>().ok()?)?,
            MKind::Scalar(..) => return None,
        };
    }
    Some(node)
}

fn add(target: &mut MNode, tokens: &[String], value: MNode) -> Result<(), String> {
    let Some((last, parents)) = tokens.split_last() else {
        *target = value;
        return Ok(());
    };
    let parent = lookup_mut(target, parents).ok_or("the parent of the path does not exist")?;
    match &mut parent.kind {
        MKind::Map(_) => {
            parent.set(last, value);
            Ok(())
        }
        MKind::Seq(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            let i: usize = last
                .parse()
                .map_err(|_| format!("`{last}` is not an index"))?;
            if i > items.len() {
                return Err(format!("index {i} is past the end of the list"));
            }
            items.insert(i, value);
            Ok(())
        }
        MKind::Scalar(..) => Err("the parent of the path is a scalar".to_owned()),
    }
}

fn remove(target: &mut MNode, tokens: &[String]) -> Option<MNode> {
    let (last, parents) = tokens.split_last()?;
    let parent = lookup_mut(target, parents)?;
    match &mut parent.kind {
        MKind::Map(_) => parent.remove(last),
        MKind::Seq(items) => {
            let i: usize = last.parse().ok()?;
            (i < items.len()).then(|| items.remove(i))
        }
        MKind::Scalar(..) => None,
    }
}
