//! `patches`, `patchesStrategicMerge` and `patchesJson6902`: loading the patch (a file or
//! inline text), choosing its targets, and applying it by strategic merge or JSON patch.

use std::path::Path;

use regex::Regex;

use super::build::{At, Builder};
use super::inline::BlockMap;
use super::node::{MKind, MNode, Origin};
use super::resource::Resource;
use super::{json6902, merge_keys, smp};
use crate::yaml::{self, ParseLimits};

/// A patch's documents: from its file, or parsed from inline text (every node of inline
/// text points at the text in the kustomization).
fn load(
    b: &mut Builder<'_>,
    dir: &Path,
    path: Option<&MNode>,
    inline: Option<&MNode>,
) -> Option<Vec<MNode>> {
    if let Some(p) = path {
        let rel = p.as_str()?;
        b.restrict(dir, &dir.join(rel), At::of(p));
        let file = match b.files.read(&dir.join(rel)) {
            Ok(file) => file,
            Err(e) => {
                let why = if dir.join(rel).exists() {
                    e
                } else {
                    "no such file".to_owned()
                };
                b.error(At::of(p), format!("patch `{rel}` cannot be read: {why}"));
                return None;
            }
        };
        return match b.files.documents(file) {
            Ok(docs) => Some(docs),
            Err(e) => {
                b.error(At::of(p), format!("patch `{rel}` does not parse: {e}"));
                None
            }
        };
    }
    let node = inline?;
    let text = node.as_str()?;
    let stream = yaml::parse(text, &ParseLimits::default());
    if let Some(p) = stream.problems.first() {
        b.error(
            At::of(node),
            format!("the inline patch does not parse: {}", p.message),
        );
        return None;
    }
    let file = node.origin.file;
    let map = BlockMap::of(&b.files.text(file), node.origin.span, text);
    let origin = Origin::entry(file, node.origin.span);
    Some(
        stream
            .documents
            .iter()
            .filter(|d| !d.value.is_null())
            .map(|d| match &map {
                Some(map) => MNode::from_parsed_at(file, &d.tree, &d.value, &|s| map.span(s)),
                None => MNode::synthetic(&d.value, origin),
            })
            .collect(),
    )
}

/// `patchesStrategicMerge:` — paths or inline patches, each targeting the object it names.
pub fn strategic_merge_list(b: &mut Builder<'_>, dir: &Path, k: &MNode, acc: &mut Vec<Resource>) {
    let Some(MKind::Seq(entries)) = k.get("patchesStrategicMerge").map(|n| &n.kind) else {
        return;
    };
    for entry in entries {
        let Some(text) = entry.as_str() else { continue };
        let inline = text.contains('\n') || (!dir.join(text).exists() && text.contains(": "));
        let docs = if inline {
            load(b, dir, None, Some(entry))
        } else {
            load(b, dir, Some(entry), None)
        };
        for doc in docs.unwrap_or_default() {
            apply_smp_by_identity(b, At::of(entry), &doc, acc);
        }
    }
}

/// `patches:` — a file or inline patch, strategic merge or JSON patch, with an optional
/// target selector.
pub fn patches(b: &mut Builder<'_>, dir: &Path, k: &MNode, acc: &mut Vec<Resource>) {
    let Some(MKind::Seq(entries)) = k.get("patches").map(|n| &n.kind) else {
        return;
    };
    for entry in entries {
        let at = At::of(entry);
        let Some(docs) = load(b, dir, entry.get("path"), entry.get("patch")) else {
            if entry.get("path").is_none() && entry.get("patch").is_none() {
                b.error(at, "a patch needs `path` or `patch`");
            }
            continue;
        };
        let target = entry.get("target");
        let is_json = docs.len() == 1 && matches!(docs[0].kind, MKind::Seq(_));
        match (target, is_json) {
            (Some(t), _) => {
                let Some(selector) = Selector::new(b, t) else {
                    continue;
                };
                for r in acc.iter_mut().filter(|r| selector.matches(r)) {
                    if is_json {
                        apply_ops(b, at, &docs[0], r);
                    } else {
                        for doc in &docs {
                            apply_smp(r, doc);
                        }
                    }
                }
                acc.retain(|r| !matches!(r.node.kind, MKind::Scalar(..)));
            }
            (None, true) => b.error(at, "a JSON patch needs a `target`"),
            (None, false) => {
                for doc in &docs {
                    apply_smp_by_identity(b, at, doc, acc);
                }
            }
        }
    }
}

/// `patchesJson6902:` — operations from a file or inline, on one target.
pub fn json6902_list(b: &mut Builder<'_>, dir: &Path, k: &MNode, acc: &mut [Resource]) {
    let Some(MKind::Seq(entries)) = k.get("patchesJson6902").map(|n| &n.kind) else {
        return;
    };
    for entry in entries {
        let at = At::of(entry);
        let Some(docs) = load(b, dir, entry.get("path"), entry.get("patch")) else {
            continue;
        };
        let Some(ops) = docs.first() else { continue };
        let Some(t) = entry.get("target") else {
            b.error(at, "a JSON patch needs a `target`");
            continue;
        };
        let Some(selector) = Selector::new(b, t) else {
            continue;
        };
        let mut any = false;
        for r in acc.iter_mut().filter(|r| selector.matches(r)) {
            any = true;
            apply_ops(b, at, ops, r);
        }
        if !any {
            b.error(at, "the patch target is not among the resources");
        }
    }
}

fn apply_ops(b: &mut Builder<'_>, at: At, ops: &MNode, r: &mut Resource) {
    // A JSON patch may also be written as YAML: a list of operations.
    let MKind::Seq(list) = &ops.kind else {
        b.error(at, "a JSON patch must be a list of operations");
        return;
    };
    for op in list {
        if let Err(e) = json6902::apply(&mut r.node, op) {
            b.error(at, format!("JSON patch on {} {}: {e}", r.kind(), r.name()));
        }
    }
}

/// Strategic merge of one patch document into one object; a `$patch: delete` at the top
/// empties the object (dropped by the caller).
fn apply_smp(r: &mut Resource, patch: &MNode) {
    // The selector, not the patch, decides the target: its identity is not merged.
    let mut patch = patch.clone();
    if let Some(meta) = patch.get_mut("metadata") {
        meta.remove("name");
        meta.remove("namespace");
    }
    patch.remove("apiVersion");
    patch.remove("kind");
    let schema = merge_keys::of_kind(r.api_version(), r.kind());
    if smp::merge(&mut r.node, &patch, &mut Vec::new(), schema) == smp::Outcome::Delete {
        r.node.kind = MKind::Scalar(
            crate::base::value::Value::Null,
            crate::yaml::ScalarStyle::Plain,
            crate::yaml::scalar::Resolved::Null,
        );
    }
}

/// A strategic-merge patch applied to the object with its kind, name and namespace.
fn apply_smp_by_identity(b: &mut Builder<'_>, at: At, patch: &MNode, acc: &mut Vec<Resource>) {
    let kind = patch.str_at("kind").unwrap_or_default();
    let name = patch.str_at("metadata/name").unwrap_or_default();
    let ns = patch.str_at("metadata/namespace");
    let group =
        crate::model::object::group_of(patch.str_at("apiVersion").unwrap_or_default()).to_owned();
    let found = acc.iter_mut().find(|r| {
        r.kind() == kind
            && r.group() == group
            && r.had_name(name)
            && ns.is_none_or(|ns| r.had_namespace(ns))
    });
    match found {
        Some(r) => apply_smp(r, patch),
        None => b.error(
            at,
            format!("the patch's target {kind} `{name}` is not among the resources"),
        ),
    }
    acc.retain(|r| !matches!(r.node.kind, MKind::Scalar(..)));
}

/// A `target:` selector.
struct Selector {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<Vec<Requirement>>,
    annotations: Option<Vec<Requirement>>,
}

impl Selector {
    fn new(b: &mut Builder<'_>, t: &MNode) -> Option<Selector> {
        let mut bad = None;
        let mut re = |key: &str| -> Option<Regex> {
            let node = t.get(key)?;
            let text = node.as_str()?;
            match Regex::new(&format!("^(?:{text})$")) {
                Ok(r) => Some(r),
                Err(e) => {
                    bad = Some((
                        At::of(node),
                        format!("`{key}: {text}` is not a valid regular expression: {e}"),
                    ));
                    None
                }
            }
        };
        let selector = Selector {
            group: re("group"),
            version: re("version"),
            kind: re("kind"),
            name: re("name"),
            namespace: re("namespace"),
            labels: t.str_at("labelSelector").map(requirements),
            annotations: t.str_at("annotationSelector").map(requirements),
        };
        if let Some((at, message)) = bad {
            b.error(at, message);
            return None;
        }
        Some(selector)
    }

    fn matches(&self, r: &Resource) -> bool {
        let test =
            |re: &Option<Regex>, value: &str| re.as_ref().is_none_or(|re| re.is_match(value));
        test(&self.group, r.group())
            && test(&self.version, r.version())
            && test(&self.kind, r.kind())
            && (self.name.is_none() || r.names.iter().any(|n| test(&self.name, n)))
            && test(&self.namespace, r.namespace().unwrap_or(""))
            && self
                .labels
                .as_ref()
                .is_none_or(|req| satisfied(req, r.node.path("metadata/labels")))
            && self
                .annotations
                .as_ref()
                .is_none_or(|req| satisfied(req, r.node.path("metadata/annotations")))
    }
}

/// One term of a label selector string.
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    Absent(String),
}

/// Parses `a=b,c!=d,e,!f,g in (x,y),h notin (z)`.
fn requirements(text: &str) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut terms = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    for term in terms.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let set = |rest: &str| -> Vec<String> {
            rest.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect()
        };
        if let Some((k, v)) = term.split_once(" notin ") {
            out.push(Requirement::NotIn(k.trim().to_owned(), set(v)));
        } else if let Some((k, v)) = term.split_once(" in ") {
            out.push(Requirement::In(k.trim().to_owned(), set(v)));
        } else if let Some((k, v)) = term.split_once("!=") {
            out.push(Requirement::NotEquals(
                k.trim().to_owned(),
                v.trim().to_owned(),
            ));
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            out.push(Requirement::Equals(
                k.trim().to_owned(),
                v.trim().to_owned(),
            ));
        } else if let Some(k) = term.strip_prefix('!') {
            out.push(Requirement::Absent(k.trim().to_owned()));
        } else {
            out.push(Requirement::Exists(term.to_owned()));
        }
    }
    out
}

fn satisfied(reqs: &[Requirement], map: Option<&MNode>) -> bool {
    let get = |k: &str| map.and_then(|m| m.get(k)).and_then(MNode::as_str);
    reqs.iter().all(|r| match r {
        Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
        Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
        Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
        Requirement::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
        Requirement::Exists(k) => get(k).is_some(),
        Requirement::Absent(k) => get(k).is_none(),
    })
}
