//! Name references: once names have changed (prefix, suffix, hash), every field that names
//! another object of the build is set to that object's new name — kustomize's name
//! reference table, for the references real manifests use.

use super::node::{MKind, MNode};
use super::resource::Resource;

/// Where a pod spec is, by kind.
fn pod_spec(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("spec"),
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => Some("spec/template/spec"),
        "CronJob" => Some("spec/jobTemplate/spec/template/spec"),
        _ => None,
    }
}

/// Pod-spec paths that name an object of a kind.
fn pod_refs(target: &str) -> &'static [&'static str] {
    match target {
        "ConfigMap" => &[
            "volumes/configMap/name",
            "volumes/projected/sources/configMap/name",
            "containers/env/valueFrom/configMapKeyRef/name",
            "initContainers/env/valueFrom/configMapKeyRef/name",
            "ephemeralContainers/env/valueFrom/configMapKeyRef/name",
            "containers/envFrom/configMapRef/name",
            "initContainers/envFrom/configMapRef/name",
            "ephemeralContainers/envFrom/configMapRef/name",
        ],
        "Secret" => &[
            "volumes/secret/secretName",
            "volumes/projected/sources/secret/name",
            "volumes/csi/nodePublishSecretRef/name",
            "containers/env/valueFrom/secretKeyRef/name",
            "initContainers/env/valueFrom/secretKeyRef/name",
            "ephemeralContainers/env/valueFrom/secretKeyRef/name",
            "containers/envFrom/secretRef/name",
            "initContainers/envFrom/secretRef/name",
            "ephemeralContainers/envFrom/secretRef/name",
            "imagePullSecrets/name",
        ],
        "ServiceAccount" => &["serviceAccountName", "serviceAccount"],
        "PersistentVolumeClaim" => &["volumes/persistentVolumeClaim/claimName"],
        "PriorityClass" => &["priorityClassName"],
        _ => &[],
    }
}

/// Other referrers: (target kind, referrer kind, path, the `kind` the sibling must have).
const REFS: &[(&str, &str, &str, Option<&str>)] = &[
    ("Secret", "ServiceAccount", "secrets/name", None),
    ("Secret", "ServiceAccount", "imagePullSecrets/name", None),
    ("Secret", "Ingress", "spec/tls/secretName", None),
    (
        "Service",
        "Ingress",
        "spec/rules/http/paths/backend/service/name",
        None,
    ),
    (
        "Service",
        "Ingress",
        "spec/defaultBackend/service/name",
        None,
    ),
    (
        "Service",
        "Ingress",
        "spec/rules/http/paths/backend/serviceName",
        None,
    ),
    ("Service", "Ingress", "spec/backend/serviceName", None),
    ("Service", "StatefulSet", "spec/serviceName", None),
    ("Service", "APIService", "spec/service/name", None),
    (
        "Service",
        "ValidatingWebhookConfiguration",
        "webhooks/clientConfig/service/name",
        None,
    ),
    (
        "Service",
        "MutatingWebhookConfiguration",
        "webhooks/clientConfig/service/name",
        None,
    ),
    ("Role", "RoleBinding", "roleRef/name", Some("Role")),
    (
        "ClusterRole",
        "RoleBinding",
        "roleRef/name",
        Some("ClusterRole"),
    ),
    (
        "ClusterRole",
        "ClusterRoleBinding",
        "roleRef/name",
        Some("ClusterRole"),
    ),
    (
        "PersistentVolume",
        "PersistentVolumeClaim",
        "spec/volumeName",
        None,
    ),
    (
        "StorageClass",
        "PersistentVolumeClaim",
        "spec/storageClassName",
        None,
    ),
    (
        "StorageClass",
        "PersistentVolume",
        "spec/storageClassName",
        None,
    ),
    (
        "StorageClass",
        "StatefulSet",
        "spec/volumeClaimTemplates/spec/storageClassName",
        None,
    ),
];

/// Kinds an HPA's `scaleTargetRef` names.
const SCALED: [&str; 4] = [
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
];

/// What a referrer needs to know of a possible target.
struct Target {
    kind: String,
    names: Vec<String>,
    name: String,
    namespace: String,
    namespaces: Vec<String>,
    cluster: bool,
}

/// Sets every reference to an object of the build to the object's current name.
pub fn fix(acc: &mut [Resource]) {
    let targets: Vec<Target> = acc
        .iter()
        .filter(|r| r.names.len() > 1 || r.namespaces.len() > 1)
        .map(|r| Target {
            kind: r.kind().to_owned(),
            names: r.names.clone(),
            name: r.name().to_owned(),
            namespace: r.namespace().unwrap_or("default").to_owned(),
            namespaces: r
                .namespaces
                .iter()
                .map(|n| n.as_deref().unwrap_or("default").to_owned())
                .collect(),
            cluster: r.cluster_scoped(),
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    for r in acc.iter_mut() {
        let kind = r.kind().to_owned();
        let ns = r.namespace().unwrap_or("default").to_owned();
        let cluster = r.cluster_scoped();
        let find = |target: &str, value: &str, want_ns: Option<&str>| -> Option<&Target> {
            let mut found = targets.iter().filter(|t| {
                t.kind == target
                    && t.names.iter().any(|n| n == value)
                    && (t.cluster
                        || match want_ns {
                            Some(w) => t.namespace == w || t.namespaces.iter().any(|n| n == w),
                            None => cluster || t.namespace == ns,
                        })
            });
            let first = found.next()?;
            found.all(|t| t.name == first.name).then_some(first)
        };
        if let Some(spec) = pod_spec(&kind) {
            for target in [
                "ConfigMap",
                "Secret",
                "ServiceAccount",
                "PersistentVolumeClaim",
                "PriorityClass",
            ] {
                for path in pod_refs(target) {
                    let full = format!("{spec}/{path}");
                    rename_at(&mut r.node, &full, &mut |v| {
                        find(target, v, None).map(|t| t.name.clone())
                    });
                }
            }
        }
        for (target, referrer, path, sibling) in REFS {
            if *referrer != kind {
                continue;
            }
            match sibling {
                None => rename_at(&mut r.node, path, &mut |v| {
                    find(target, v, None).map(|t| t.name.clone())
                }),
                Some(want) => {
                    let (parent, field) = path.rsplit_once('/').unwrap_or(("", path));
                    visit(&mut r.node, parent, &mut |m| {
                        if m.str_at("kind") == Some(*want) {
                            rename_field(m, field, &mut |v| {
                                find(target, v, None).map(|t| t.name.clone())
                            });
                        }
                    });
                }
            }
        }
        if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
            visit(&mut r.node, "subjects", &mut |s| {
                if s.str_at("kind") != Some("ServiceAccount") {
                    return;
                }
                let Some(name) = s.str_at("name").map(str::to_owned) else {
                    return;
                };
                let want = s.str_at("namespace").map(str::to_owned);
                let Some(t) = find(
                    "ServiceAccount",
                    &name,
                    Some(want.as_deref().unwrap_or(&ns)),
                ) else {
                    return;
                };
                let (new_name, new_ns) = (t.name.clone(), t.namespace.clone());
                let origin = s.get("name").map_or(s.origin, |n| n.origin);
                s.set("name", MNode::string(&new_name, origin));
                if want.as_deref() != Some(new_ns.as_str()) {
                    s.set("namespace", MNode::string(&new_ns, origin));
                }
            });
        }
        if kind == "HorizontalPodAutoscaler" {
            visit(&mut r.node, "spec/scaleTargetRef", &mut |m| {
                let Some(k) = m.str_at("kind").map(str::to_owned) else {
                    return;
                };
                if SCALED.contains(&k.as_str()) {
                    rename_field(m, "name", &mut |v| {
                        find(&k, v, None).map(|t| t.name.clone())
                    });
                }
            });
        }
    }
}

/// Visits the mappings along a path (sequences crossed implicitly).
fn visit(node: &mut MNode, path: &str, f: &mut dyn FnMut(&mut MNode)) {
    let tokens: Vec<&str> = path.split('/').filter(|t| !t.is_empty()).collect();
    node.visit_path_mut(&tokens, &mut |n| {
        if let MKind::Seq(items) = &mut n.kind {
            items.iter_mut().for_each(&mut *f);
        } else {
            f(n);
        }
    });
}

/// Renames the string at `path` when `new` knows the object it names.
fn rename_at(node: &mut MNode, path: &str, new: &mut dyn FnMut(&str) -> Option<String>) {
    let (parent, field) = path.rsplit_once('/').unwrap_or(("", path));
    visit(node, parent, &mut |m| rename_field(m, field, new));
}

fn rename_field(m: &mut MNode, field: &str, new: &mut dyn FnMut(&str) -> Option<String>) {
    let Some(child) = m.get_mut(field) else {
        return;
    };
    let Some(value) = child.as_str() else { return };
    if let Some(name) = new(value) {
        if name != value {
            let origin = child.origin;
            *child = MNode::string(&name, origin);
        }
    }
}
