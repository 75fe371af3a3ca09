//! Legacy `vars`: a variable names a field of one object (`objref`, `fieldref`), and
//! `$(NAME)` in the fields kustomize expands is replaced by that field's value. Variables
//! of every kustomization of a build are collected and resolved once, at the top, against
//! the built objects (so a variable sees the final, prefixed names).
//!
//! Expansion follows Kubernetes' own `$(VAR)` syntax: `$$` is a literal `$`, a name that
//! is no variable is left as written, and a field that is exactly `$(NAME)` takes the
//! value with its type (a port stays a number).

use crate::base::value::Value;

use super::build::{At, Builder};
use super::node::{MKind, MNode};
use super::resource::Resource;

/// The fields expanded, by kind (`None`: every kind), as kustomize's default
/// configuration lists them; sequences on the way are crossed.
const EXPANDED: &[(Option<&str>, &str)] = &[
    (Some("Service"), "spec/ports/port"),
    (Some("Service"), "spec/ports/targetPort"),
    (Some("Ingress"), "spec/rules/host"),
    (Some("Ingress"), "spec/tls/hosts"),
    (Some("Ingress"), "spec/tls/secretName"),
    (None, "metadata/labels"),
];

/// Kinds whose pod spec is expanded, and where the pod spec is.
const POD_SPECS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
];

/// The container fields expanded, below `containers` and `initContainers`.
const CONTAINER_FIELDS: [&str; 4] = ["args", "command", "env/value", "volumeMounts/mountPath"];

/// One declared variable.
struct Var {
    name: String,
    value: Value,
}

/// Resolves the variables `declared` (each a `vars:` entry, in build order) against
/// `acc` and expands them; a variable that names no object, or a field that is not a
/// scalar, is a build error at its entry.
pub fn resolve(b: &mut Builder<'_>, declared: &[MNode], acc: &mut [Resource]) {
    let mut vars: Vec<Var> = Vec::new();
    for entry in declared {
        let at = At::of(entry);
        let Some(name) = entry.str_at("name").filter(|n| !n.is_empty()) else {
            b.error(at, "a var needs a `name`");
            continue;
        };
        if vars.iter().any(|v| v.name == name) {
            b.error(at, format!("var `{name}` is declared twice in this build"));
            continue;
        }
        match value_of(entry, acc) {
            Ok(value) => vars.push(Var {
                name: name.to_owned(),
                value,
            }),
            Err(message) => b.error(at, format!("var `{name}`: {message}")),
        }
    }
    if vars.is_empty() {
        return;
    }
    for r in acc.iter_mut() {
        let kind = r.kind().to_owned();
        let mut expand_at = |path: &str| {
            let segments: Vec<&str> = path.split('/').collect();
            r.node
                .visit_path_mut(&segments, &mut |node| expand_node(node, &vars));
        };
        for (only, path) in EXPANDED {
            if only.is_none_or(|k| k == kind) {
                expand_at(path);
            }
        }
        if let Some((_, spec)) = POD_SPECS.iter().find(|(k, _)| *k == kind) {
            for list in ["containers", "initContainers"] {
                for field in CONTAINER_FIELDS {
                    expand_at(&format!("{spec}/{list}/{field}"));
                }
            }
        }
    }
}

/// The value a variable names.
fn value_of(entry: &MNode, acc: &[Resource]) -> Result<Value, String> {
    let kind = entry.str_at("objref/kind").unwrap_or_default();
    let name = entry.str_at("objref/name").unwrap_or_default();
    if kind.is_empty() || name.is_empty() {
        return Err("`objref` needs a `kind` and a `name`".to_owned());
    }
    // kustomize matches the group and version exactly: without `apiVersion` a variable
    // names nothing.
    let Some(api_version) = entry.str_at("objref/apiVersion") else {
        return Err(format!(
            "`objref` of {kind} {name} needs an `apiVersion` (kustomize matches none without it)"
        ));
    };
    let namespace = entry.str_at("objref/namespace");
    let matches: Vec<&Resource> = acc
        .iter()
        .filter(|r| r.kind() == kind && r.had_name(name))
        .filter(|r| same_api(api_version, r))
        .filter(|r| namespace.is_none_or(|ns| r.had_namespace(ns)))
        .collect();
    let target = match matches.as_slice() {
        [one] => *one,
        [] => return Err(format!("no {kind} {name} in this build to read it from")),
        _ => {
            return Err(format!(
                "{} objects {kind} {name} in this build: name its apiVersion or namespace",
                matches.len()
            ));
        }
    };
    let path = entry
        .str_at("fieldref/fieldpath")
        .filter(|p| !p.is_empty())
        .unwrap_or("metadata.name");
    let node =
        field(&target.node, path).ok_or_else(|| format!("{kind} {name} has no field `{path}`"))?;
    match &node.kind {
        MKind::Scalar(Value::Null, ..) => Err(format!("field `{path}` of {kind} {name} is null")),
        MKind::Scalar(v, ..) => Ok(v.clone()),
        _ => Err(format!(
            "field `{path}` of {kind} {name} is not a string, number or boolean"
        )),
    }
}

/// Whether an `objref.apiVersion` names the object's group and version.
fn same_api(api_version: &str, r: &Resource) -> bool {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    group == r.group() && (version.is_empty() || version == r.version())
}

/// The node at a field path: keys separated by dots, `[N]` for an item by index (kustomize
/// takes no `[key=value]` selector here).
fn field<'a>(root: &'a MNode, path: &str) -> Option<&'a MNode> {
    let mut node = root;
    for part in path.split('.') {
        let (key, selectors) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            node = node.get(key)?;
        }
        for selector in selectors.split_inclusive(']') {
            let inner = selector.strip_prefix('[')?.strip_suffix(']')?;
            let MKind::Seq(items) = &node.kind else {
                return None;
            };
            node = items.get(inner.parse::<usize>().ok()?)?;
        }
    }
    Some(node)
}

/// Expands a string field, or each string of a mapping (labels).
fn expand_node(node: &mut MNode, vars: &[Var]) {
    match &mut node.kind {
        MKind::Map(entries) => {
            for (_, value) in entries {
                expand_scalar(value, vars);
            }
        }
        MKind::Scalar(..) => expand_scalar(node, vars),
        MKind::Seq(_) => {}
    }
}

fn expand_scalar(node: &mut MNode, vars: &[Var]) {
    let Some(text) = node.as_str() else { return };
    if !text.contains('$') {
        return;
    }
    let lookup = |name: &str| vars.iter().find(|v| v.name == name).map(|v| &v.value);
    // A field that is exactly one variable takes its value, type and all.
    if let Some(value) = text
        .strip_prefix("$(")
        .and_then(|t| t.strip_suffix(')'))
        .filter(|name| !name.contains(')'))
        .and_then(lookup)
    {
        *node = MNode::synthetic(value, node.origin);
        return;
    }
    let expanded = expand(text, &lookup);
    if let MKind::Scalar(v, ..) = &mut node.kind {
        *v = Value::String(expanded.into());
    }
}

/// `$(NAME)` references replaced inside a longer string.
fn expand<'v>(text: &str, lookup: &dyn Fn(&str) -> Option<&'v Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let name = &inner[..end];
                    match lookup(name) {
                        Some(Value::String(s)) => out.push_str(s),
                        Some(v) => out.push_str(&v.to_string()),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[end + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vec<Var> {
        vec![
            Var {
                name: "SVC".into(),
                value: Value::String("web".into()),
            },
            Var {
                name: "PORT".into(),
                value: Value::from(80),
            },
        ]
    }

    fn run(text: &str) -> String {
        let vars = vars();
        let lookup = |name: &str| vars.iter().find(|v| v.name == name).map(|v| &v.value);
        expand(text, &lookup)
    }

    #[test]
    fn references_expand_and_the_rest_stays_as_written() {
        assert_eq!(run("$(SVC):$(PORT)"), "web:80");
        assert_eq!(run("$$(SVC)"), "$(SVC)");
        assert_eq!(run("$(NOPE) x"), "$(NOPE) x");
        assert_eq!(run("$(SVC"), "$(SVC");
        assert_eq!(run("a$b$"), "a$b$");
    }

    #[test]
    fn field_paths_take_indexes_and_selectors() {
        let doc = crate::yaml::parse(
            "spec:\n  ports:\n  - name: a\n    port: 80\n  - name: b\n    port: 81\n",
            &crate::yaml::ParseLimits::default(),
        );
        let d = &doc.documents[0];
        let node = MNode::from_parsed(crate::base::FileId(0), &d.tree, &d.value);
        let port = |p: &str| field(&node, p).map(MNode::to_value);
        assert_eq!(port("spec.ports[1].port"), Some(Value::from(81)));
        assert_eq!(port("spec.ports[name=a].port"), None);
        assert_eq!(port("spec.ports[2].port"), None);
    }
}
