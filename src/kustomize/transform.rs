//! The built-in transformers that need no file: namespace, name prefix and suffix, labels,
//! annotations, replicas and images. Each node one of them sets points at the
//! kustomization entry that set it.

use crate::base::value::Value;

use super::build::At;
use super::node::{MKind, MNode, Origin};
use super::resource::Resource;

/// Workload kinds whose pod template is at `spec/template`.
const TEMPLATED: [&str; 6] = [
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "ReplicationController",
];

/// `namespace:` — every namespaced object moves there; a `Namespace` object is renamed to
/// it; the `default` ServiceAccount subjects of role bindings follow.
pub fn namespace(k: &MNode, acc: &mut [Resource]) {
    let Some(entry) = k.get("namespace") else {
        return;
    };
    let Some(ns) = entry.as_str().filter(|s| !s.is_empty()) else {
        return;
    };
    let origin = At::of(entry).origin();
    for r in acc.iter_mut() {
        if r.kind() == "Namespace" && r.group().is_empty() {
            r.rename(ns.to_owned(), origin);
            continue;
        }
        if !r.cluster_scoped() {
            r.set_namespace(ns, origin);
        }
        if matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding") {
            r.node.visit_path_mut(&["subjects"], &mut |s| {
                if s.str_at("name") == Some("default") {
                    s.set("namespace", MNode::string(ns, origin));
                }
            });
        }
        if matches!(
            r.kind(),
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration"
        ) {
            r.node
                .visit_path_mut(&["webhooks", "clientConfig", "service"], &mut |s| {
                    if s.get("namespace").is_some() {
                        s.set("namespace", MNode::string(ns, origin));
                    }
                });
        }
    }
}

/// `namePrefix:` and `nameSuffix:` — every object but Namespaces and CRDs.
pub fn prefix_suffix(k: &MNode, acc: &mut [Resource]) {
    let get = |key: &str| {
        k.get(key)
            .and_then(|n| n.as_str().map(|s| (s.to_owned(), At::of(n).origin())))
            .filter(|(s, _)| !s.is_empty())
    };
    let prefix = get("namePrefix");
    let suffix = get("nameSuffix");
    if prefix.is_none() && suffix.is_none() {
        return;
    }
    let origin = prefix.as_ref().or(suffix.as_ref()).map(|(_, o)| *o);
    for r in acc.iter_mut() {
        if matches!(r.kind(), "Namespace" | "CustomResourceDefinition") {
            continue;
        }
        let name = format!(
            "{}{}{}",
            prefix.as_ref().map_or("", |(p, _)| p),
            r.name(),
            suffix.as_ref().map_or("", |(s, _)| s)
        );
        if let Some(origin) = origin {
            r.rename(name, origin);
        }
    }
}

/// Where labels go: object metadata; selectors (`commonLabels`, `includeSelectors`);
/// pod templates (`includeTemplates`, and always with selectors).
fn label_paths(kind: &str, selectors: bool, templates: bool) -> Vec<(&'static str, bool)> {
    let mut out = vec![("metadata/labels", true)];
    let templated = TEMPLATED.contains(&kind);
    if templates || selectors {
        if templated {
            out.push(("spec/template/metadata/labels", true));
        }
        if kind == "CronJob" {
            out.push(("spec/jobTemplate/metadata/labels", true));
            out.push(("spec/jobTemplate/spec/template/metadata/labels", true));
        }
    }
    if !selectors {
        return out;
    }
    match kind {
        "Service" => out.push(("spec/selector", true)),
        "ReplicationController" => out.push(("spec/selector", true)),
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => {
            out.push(("spec/selector/matchLabels", true));
        }
        "Job" => out.push(("spec/selector/matchLabels", false)),
        "CronJob" => out.push(("spec/jobTemplate/spec/selector/matchLabels", false)),
        "PodDisruptionBudget" => out.push(("spec/selector/matchLabels", false)),
        "NetworkPolicy" => {
            out.push(("spec/podSelector/matchLabels", false));
            out.push(("spec/ingress/from/podSelector/matchLabels", false));
            out.push(("spec/egress/to/podSelector/matchLabels", false));
        }
        _ => {}
    }
    if kind == "StatefulSet" {
        out.push(("spec/volumeClaimTemplates/metadata/labels", true));
    }
    out
}

/// Sets `pairs` in the mapping at `path` (created when `create`), each at its origin.
fn set_all(node: &mut MNode, path: &str, create: bool, pairs: &[(String, MNode)]) {
    let tokens: Vec<&str> = path.split('/').collect();
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    set_under(node, parents, last, create, pairs);
}

fn set_under(
    node: &mut MNode,
    parents: &[&str],
    last: &str,
    create: bool,
    pairs: &[(String, MNode)],
) {
    if let MKind::Seq(items) = &mut node.kind {
        for item in items {
            set_under(item, parents, last, create, pairs);
        }
        return;
    }
    match parents.split_first() {
        Some((first, rest)) => {
            let origin = pairs.first().map(|(_, n)| n.origin);
            // A list (`volumeClaimTemplates`) is never created as a mapping.
            let child = match (create && *first != "volumeClaimTemplates", origin) {
                (true, Some(origin)) => node.ensure_map(first, origin),
                _ => node.get_mut(first),
            };
            if let Some(child) = child {
                set_under(child, rest, last, create, pairs);
            }
        }
        None => {
            let origin = pairs.first().map(|(_, n)| n.origin);
            let target = match (create, origin) {
                (true, Some(origin)) => node.ensure_map(last, origin),
                _ => node
                    .get_mut(last)
                    .filter(|n| matches!(n.kind, MKind::Map(_))),
            };
            if let Some(target) = target {
                for (k, v) in pairs {
                    target.set(k, v.clone());
                }
            }
        }
    }
}

/// The entries of a string map in the kustomization, each at its own entry.
fn pairs(map: &MNode) -> Vec<(String, MNode)> {
    let MKind::Map(entries) = &map.kind else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|(k, v)| {
            let text = match &v.kind {
                MKind::Scalar(Value::String(s), ..) => s.to_string(),
                MKind::Scalar(Value::Null, ..) => String::new(),
                MKind::Scalar(other, ..) => other.to_string(),
                _ => String::new(),
            };
            let origin = Origin::entry(v.origin.file, v.origin.span);
            (k.clone(), MNode::string(&text, origin))
        })
        .collect()
}

/// `commonLabels:` (into selectors and templates) and `labels:` (as each entry says).
pub fn labels(k: &MNode, acc: &mut [Resource]) {
    if let Some(common) = k.get("commonLabels") {
        apply_labels(&pairs(common), true, true, acc);
    }
    if let Some(MKind::Seq(entries)) = k.get("labels").map(|n| &n.kind) {
        for entry in entries {
            let flag = |key: &str| {
                matches!(
                    entry.get(key).map(|n| &n.kind),
                    Some(MKind::Scalar(Value::Bool(true), ..))
                )
            };
            if let Some(pairs_node) = entry.get("pairs") {
                apply_labels(
                    &pairs(pairs_node),
                    flag("includeSelectors"),
                    flag("includeTemplates"),
                    acc,
                );
            }
        }
    }
}

fn apply_labels(pairs: &[(String, MNode)], selectors: bool, templates: bool, acc: &mut [Resource]) {
    if pairs.is_empty() {
        return;
    }
    for r in acc.iter_mut() {
        let kind = r.kind().to_owned();
        for (path, create) in label_paths(&kind, selectors, templates) {
            set_all(&mut r.node, path, create, pairs);
        }
    }
}

/// `commonAnnotations:` — object metadata and pod templates.
pub fn annotations(k: &MNode, acc: &mut [Resource]) {
    let Some(map) = k.get("commonAnnotations") else {
        return;
    };
    let pairs = pairs(map);
    if pairs.is_empty() {
        return;
    }
    for r in acc.iter_mut() {
        let kind = r.kind().to_owned();
        set_all(&mut r.node, "metadata/annotations", true, &pairs);
        if TEMPLATED.contains(&kind.as_str()) {
            set_all(
                &mut r.node,
                "spec/template/metadata/annotations",
                true,
                &pairs,
            );
        }
        if kind == "CronJob" {
            set_all(
                &mut r.node,
                "spec/jobTemplate/metadata/annotations",
                true,
                &pairs,
            );
            set_all(
                &mut r.node,
                "spec/jobTemplate/spec/template/metadata/annotations",
                true,
                &pairs,
            );
        }
    }
}

/// `replicas:` — `spec/replicas` of the workloads named.
pub fn replicas(k: &MNode, acc: &mut [Resource]) {
    let Some(MKind::Seq(entries)) = k.get("replicas").map(|n| &n.kind) else {
        return;
    };
    for entry in entries {
        let Some(name) = entry.str_at("name") else {
            continue;
        };
        let Some(count) = entry.get("count") else {
            continue;
        };
        let MKind::Scalar(value @ Value::Number(_), ..) = &count.kind else {
            continue;
        };
        let origin = Origin::entry(count.origin.file, count.origin.span);
        for r in acc.iter_mut() {
            let workload = matches!(
                r.kind(),
                "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
            );
            if workload && r.had_name(name) {
                if let Some(spec) = r.node.ensure_map("spec", origin) {
                    spec.set("replicas", MNode::synthetic(value, origin));
                }
            }
        }
    }
}

/// `images:` — every container and init container whose image has the entry's name.
pub fn images(k: &MNode, acc: &mut [Resource]) {
    let Some(MKind::Seq(entries)) = k.get("images").map(|n| &n.kind) else {
        return;
    };
    for entry in entries {
        let Some(name) = entry.str_at("name") else {
            continue;
        };
        let text = |key: &str| {
            entry.get(key).and_then(|n| match &n.kind {
                MKind::Scalar(Value::String(s), ..) => Some(s.to_string()),
                MKind::Scalar(Value::Number(n), ..) => Some(n.to_string()),
                _ => None,
            })
        };
        let new_name = text("newName");
        let new_tag = text("newTag");
        let digest = text("digest");
        let origin = Origin::entry(entry.origin.file, entry.origin.span);
        for r in acc.iter_mut() {
            each_container(&mut r.node, &mut |c| {
                let Some(image) = c.str_at("image") else {
                    return;
                };
                let (base, tail) = split_image(image);
                if base != name {
                    return;
                }
                let base = new_name.as_deref().unwrap_or(base);
                let image = match (&digest, &new_tag) {
                    (Some(d), _) => format!("{base}@{d}"),
                    (None, Some(t)) => format!("{base}:{t}"),
                    (None, None) => format!("{base}{tail}"),
                };
                c.set("image", MNode::string(&image, origin));
            });
        }
    }
}

/// An image reference's name and the rest (`:tag`, `@digest` or both).
fn split_image(image: &str) -> (&str, &str) {
    if let Some(at) = image.find('@') {
        let name = &image[..at];
        return match tag_start(name) {
            Some(i) => (&image[..i], &image[i..]),
            None => (name, &image[at..]),
        };
    }
    match tag_start(image) {
        Some(i) => (&image[..i], &image[i..]),
        None => (image, ""),
    }
}

/// Where `:tag` starts: a colon after the last slash (a registry port is before it).
fn tag_start(name: &str) -> Option<usize> {
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    name[slash..].find(':').map(|i| slash + i)
}

/// Every item of every `containers` and `initContainers` list, at any depth.
fn each_container(node: &mut MNode, f: &mut dyn FnMut(&mut MNode)) {
    match &mut node.kind {
        MKind::Map(entries) => {
            for (key, child) in entries.iter_mut() {
                if key == "containers" || key == "initContainers" {
                    if let MKind::Seq(items) = &mut child.kind {
                        for item in items.iter_mut() {
                            f(item);
                        }
                    }
                } else {
                    each_container(child, f);
                }
            }
        }
        MKind::Seq(items) => {
            for item in items {
                each_container(item, f);
            }
        }
        MKind::Scalar(..) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        assert_eq!(split_image("nginx"), ("nginx", ""));
        assert_eq!(split_image("nginx:1.2"), ("nginx", ":1.2"));
        assert_eq!(split_image("reg:5000/a/b:1"), ("reg:5000/a/b", ":1"));
        assert_eq!(split_image("a/b@sha256:ab"), ("a/b", "@sha256:ab"));
        assert_eq!(split_image("a/b:1@sha256:ab"), ("a/b", ":1@sha256:ab"));
    }
}
