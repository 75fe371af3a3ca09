//! `configMapGenerator` and `secretGenerator`: objects made from literals, files and env
//! files, named with a suffix that hashes their content exactly as kustomize does, so that
//! a changed ConfigMap rolls the workloads that use it.

use std::path::Path;

use crate::base::value::{Key, Map, Value};
use base64::Engine;

use super::build::{At, Builder};
use super::node::{MKind, MNode, Origin};
use super::resource::Resource;
use crate::base::sha256;

/// Runs both generators of a kustomization.
pub fn run(b: &mut Builder<'_>, dir: &Path, k: &MNode, acc: &mut Vec<Resource>) {
    let options = k.get("generatorOptions");
    for (key, kind) in [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ] {
        let Some(MKind::Seq(entries)) = k.get(key).map(|n| &n.kind) else {
            continue;
        };
        for entry in entries {
            generate(b, dir, entry, kind, options, acc);
        }
    }
}

/// One generator entry.
fn generate(
    b: &mut Builder<'_>,
    dir: &Path,
    entry: &MNode,
    kind: &str,
    options: Option<&MNode>,
    acc: &mut Vec<Resource>,
) {
    let at = At::of(entry);
    let origin = Origin::entry(entry.origin.file, entry.origin.span);
    let Some(name) = entry.str_at("name").filter(|n| !n.is_empty()) else {
        b.error(at, format!("a {kind} generator needs a `name`"));
        return;
    };
    let mut data: Vec<(String, String, Origin)> = Vec::new();
    let list = |key: &str| -> Vec<&MNode> {
        match entry.get(key).map(|n| &n.kind) {
            Some(MKind::Seq(items)) => items.iter().collect(),
            _ => Vec::new(),
        }
    };
    for lit in list("literals") {
        let Some(text) = lit.as_str() else { continue };
        let lit_origin = Origin::entry(lit.origin.file, lit.origin.span);
        match text.split_once('=') {
            Some((k, v)) => data.push((k.to_owned(), unquote(v).to_owned(), lit_origin)),
            None => b.error(At::of(lit), format!("literal `{text}` is not KEY=VALUE")),
        }
    }
    let mut env_files: Vec<&MNode> = list("envs");
    env_files.extend(entry.get("env"));
    for env in env_files {
        let Some(rel) = env.as_str() else { continue };
        let Some(text) = read(b, dir, rel, At::of(env)) else {
            continue;
        };
        let env_origin = Origin::entry(env.origin.file, env.origin.span);
        for line in text.lines() {
            let line = line.trim_start_matches('\u{feff}').trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('=') {
                Some((k, v)) => data.push((k.to_owned(), v.to_owned(), env_origin)),
                None => {
                    let value = std::env::var(line).unwrap_or_default();
                    data.push((line.to_owned(), value, env_origin));
                }
            }
        }
    }
    for file in list("files") {
        let Some(spec) = file.as_str() else { continue };
        let (key, rel) = match spec.split_once('=') {
            Some((k, p)) => (k.to_owned(), p),
            None => (
                Path::new(spec)
                    .file_name()
                    .map_or(spec.to_owned(), |n| n.to_string_lossy().into_owned()),
                spec,
            ),
        };
        let Some(text) = read(b, dir, rel, At::of(file)) else {
            continue;
        };
        data.push((key, text, Origin::entry(file.origin.file, file.origin.span)));
    }

    let mut node = MNode::map(origin);
    node.set("apiVersion", MNode::string("v1", origin));
    node.set("kind", MNode::string(kind, origin));
    let mut meta = MNode::map(origin);
    meta.set("name", MNode::string(name, origin));
    if let Some(ns) = entry.str_at("namespace") {
        meta.set("namespace", MNode::string(ns, origin));
    }
    let own = entry.get("options");
    for key in ["labels", "annotations"] {
        let mut map = MNode::map(origin);
        for source in [options, own].into_iter().flatten() {
            if let Some(MKind::Map(pairs)) = source.get(key).map(|n| &n.kind) {
                for (k, v) in pairs {
                    let text = v
                        .as_str()
                        .map_or_else(|| v.to_value().to_string(), str::to_owned);
                    map.set(
                        k,
                        MNode::string(&text, Origin::entry(v.origin.file, v.origin.span)),
                    );
                }
            }
        }
        if matches!(&map.kind, MKind::Map(m) if !m.is_empty()) {
            meta.set(key, map);
        }
    }
    node.set("metadata", meta);
    let flag = |key: &str| -> Option<bool> {
        [own, options]
            .into_iter()
            .flatten()
            .find_map(|o| match o.get(key).map(|n| &n.kind) {
                Some(MKind::Scalar(Value::Bool(v), ..)) => Some(*v),
                _ => None,
            })
    };
    let mut data_node = MNode::map(origin);
    for (k, v, o) in &data {
        let v = if kind == "Secret" {
            base64::engine::general_purpose::STANDARD.encode(v.as_bytes())
        } else {
            v.clone()
        };
        data_node.set(k, MNode::string(&v, *o));
    }
    if kind == "Secret" {
        let ty = entry.str_at("type").unwrap_or("Opaque");
        node.set("type", MNode::string(ty, origin));
    }
    if !data.is_empty() || kind == "ConfigMap" {
        node.set("data", data_node);
    }
    if flag("immutable") == Some(true) {
        node.set("immutable", MNode::synthetic(&Value::Bool(true), origin));
    }
    let mut r = Resource::new(node);
    r.hash = flag("disableNameSuffixHash") != Some(true);

    match entry.str_at("behavior").unwrap_or("create") {
        "create" => b.add(acc, r, at),
        behavior @ ("merge" | "replace") => {
            let ns = entry.str_at("namespace");
            let Some(existing) = acc.iter_mut().find(|o| {
                o.kind() == kind && o.had_name(name) && ns.is_none_or(|ns| o.had_namespace(ns))
            }) else {
                b.error(
                    at,
                    format!("{kind} `{name}` to {behavior} is not among the resources"),
                );
                return;
            };
            if behavior == "replace" {
                if let Some(d) = r.node.get("data").cloned() {
                    existing.node.set("data", d);
                }
            } else {
                merge_maps(&mut existing.node, &r.node, "data", origin);
                if let Some(meta) = r.node.get("metadata") {
                    for key in ["labels", "annotations"] {
                        if let Some(src) = meta.get(key) {
                            if let Some(m) = existing.node.ensure_map("metadata", origin) {
                                merge_maps(
                                    m,
                                    &MNode {
                                        origin,
                                        kind: MKind::Map(vec![(key.to_owned(), src.clone())]),
                                    },
                                    key,
                                    origin,
                                );
                            }
                        }
                    }
                }
            }
            existing.hash = existing.hash || r.hash;
        }
        other => b.error(
            at,
            format!("unknown behavior `{other}` (create, merge or replace)"),
        ),
    }
}

/// Adds the entries of `src`'s mapping `key` into `dst`'s.
fn merge_maps(dst: &mut MNode, src: &MNode, key: &str, origin: Origin) {
    let Some(MKind::Map(pairs)) = src.get(key).map(|n| &n.kind) else {
        return;
    };
    let pairs = pairs.clone();
    if let Some(target) = dst.ensure_map(key, origin) {
        for (k, v) in pairs {
            target.set(&k, v);
        }
    }
}

/// A literal's value without one pair of surrounding quotes.
fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// A generator's input file, read through the run's file table.
fn read(b: &mut Builder<'_>, dir: &Path, rel: &str, at: At) -> Option<String> {
    b.restrict(dir, &dir.join(rel), at);
    match b.files.read(&dir.join(rel)) {
        Ok(id) => Some(b.files.text(id).to_string()),
        Err(e) => {
            let why = if dir.join(rel).exists() {
                e
            } else {
                "no such file".to_owned()
            };
            b.error(at, format!("`{rel}` cannot be read: {why}"));
            None
        }
    }
}

/// Appends the content hash to the name of every generated object that wants one.
pub fn add_hashes(acc: &mut [Resource]) {
    for r in acc.iter_mut().filter(|r| r.hash) {
        r.hash = false;
        let Some(hash) = content_hash(&r.value()) else {
            continue;
        };
        let name = format!("{}-{hash}", r.name());
        let origin = r
            .node
            .path("metadata/name")
            .map_or(r.node.origin, |n| n.origin);
        r.rename(name, origin);
    }
}

/// kustomize's hash of a ConfigMap or Secret: SHA-256 of a JSON encoding (sorted keys,
/// HTML-escaped as Go's encoder does), its first ten hex digits with five letters swapped
/// so that the suffix is never all digits. As kustomize v5 computes it, the encoding holds
/// `kind`, `data` (`""` when absent), an empty `name` (kustomize looks the name up under a
/// key that never exists), and for a ConfigMap `binaryData`, for a Secret `type` and
/// `stringData`, when present.
pub fn content_hash(value: &Value) -> Option<String> {
    let kind = value.get("kind")?.as_str()?;
    let field = |key: &str| -> Value {
        match value.get(key) {
            Some(Value::Object(m)) => sorted(m),
            Some(Value::String(s)) => Value::String(s.clone()),
            Some(Value::Null) | None => Value::String(Default::default()),
            Some(other) => other.clone(),
        }
    };
    let mut fields: Vec<(&str, Value)> = vec![
        ("data", field("data")),
        ("kind", Value::String(kind.into())),
        ("name", Value::String(Default::default())),
    ];
    let optional = match kind {
        "ConfigMap" => "binaryData",
        "Secret" => {
            fields.push(("type", field("type")));
            "stringData"
        }
        _ => return None,
    };
    if let Some(Value::Object(m)) = value.get(optional) {
        fields.push((optional, sorted(m)));
    }
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let object: Map = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let json = html_escape(&serde_json::to_string(&Value::Object(object)).ok()?);
    let hex = sha256::hex(&sha256::digest(json.as_bytes()));
    Some(
        hex.chars()
            .take(10)
            .map(|c| match c {
                '0' => 'g',
                '1' => 'h',
                '3' => 'k',
                'a' => 'm',
                'e' => 't',
                other => other,
            })
            .collect(),
    )
}

/// A mapping with its keys sorted (Go's encoder sorts map keys), nested ones too.
fn sorted(m: &Map) -> Value {
    let mut pairs: Vec<(&Key, &Value)> = m.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::Object(inner) => sorted(inner),
                    other => other.clone(),
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// What Go's JSON encoder escapes and serde_json does not.
fn html_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_as_kustomize_does() {
        // Expected from `kubectl kustomize` (v5.5) for the same generators.
        let cm = crate::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "p-cfg"},
            "data": {"b": "<x&y>", "a": "1"}
        });
        assert_eq!(content_hash(&cm).as_deref(), Some("cchh4fmt2g"));
        let cm =
            crate::json!({"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}});
        assert_eq!(content_hash(&cm).as_deref(), Some("h29d89cmmt"));
    }
}
