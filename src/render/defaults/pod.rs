//! PodSpec and container defaults, applied to every pod
//! template, and the Pod-only defaults (§A.3), applied to Pods alone.

use crate::base::value::{Map, Value};
use crate::json;

use super::{each, existing, int0, ptr, string};

/// Defaults of one pod spec; `pod_only` adds those the API server applies to Pods alone.
pub fn apply(spec: &mut Value, pod_only: bool) {
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    string(spec, "dnsPolicy", "ClusterFirst");
    string(spec, "restartPolicy", "Always");
    ptr(spec, "securityContext", json!({}));
    ptr(spec, "terminationGracePeriodSeconds", json!(30));
    string(spec, "schedulerName", "default-scheduler");
    for volume in each(spec, "volumes") {
        volume_defaults(volume);
    }
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        for container in each(spec, field) {
            container_defaults(container);
        }
    }
    if pod_only {
        pod_defaults(spec);
    }
}

fn volume_defaults(volume: &mut Map) {
    if volume.keys().all(|k| k == "name") {
        volume.insert("emptyDir".to_owned(), json!({}));
    }
    for source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = existing(volume, source) {
            ptr(s, "defaultMode", json!(420));
        }
    }
    if let Some(d) = existing(volume, "downwardAPI") {
        field_refs(d);
    }
    if let Some(p) = existing(volume, "projected") {
        for source in each(p, "sources") {
            if let Some(t) = existing(source, "serviceAccountToken") {
                ptr(t, "expirationSeconds", json!(3600));
            }
            if let Some(d) = existing(source, "downwardAPI") {
                field_refs(d);
            }
        }
    }
    if let Some(h) = existing(volume, "hostPath") {
        ptr(h, "type", json!(""));
    }
    if let Some(i) = existing(volume, "iscsi") {
        string(i, "iscsiInterface", "default");
    }
    if let Some(r) = existing(volume, "rbd") {
        string(r, "pool", "rbd");
        string(r, "user", "admin");
        string(r, "keyring", "/etc/ceph/keyring");
    }
    if let Some(a) = existing(volume, "azureDisk") {
        ptr(a, "cachingMode", json!("ReadWrite"));
        ptr(a, "fsType", json!("ext4"));
        ptr(a, "readOnly", json!(false));
        ptr(a, "kind", json!("Shared"));
    }
    if let Some(spec) = existing(volume, "ephemeral")
        .and_then(|e| existing(e, "volumeClaimTemplate"))
        .and_then(|t| existing(t, "spec"))
    {
        ptr(spec, "volumeMode", json!("Filesystem"));
    }
}

/// `items[].fieldRef.apiVersion` of a downward API source.
fn field_refs(downward: &mut Map) {
    for item in each(downward, "items") {
        if let Some(f) = existing(item, "fieldRef") {
            string(f, "apiVersion", "v1");
        }
    }
}

fn container_defaults(c: &mut Map) {
    let policy = match c.get("image") {
        None | Some(Value::Null) => Some(pull_policy("")),
        Some(Value::String(image)) => Some(pull_policy(image)),
        Some(_) => None,
    };
    if let Some(policy) = policy {
        string(c, "imagePullPolicy", policy);
    }
    string(c, "terminationMessagePath", "/dev/termination-log");
    string(c, "terminationMessagePolicy", "File");
    for port in each(c, "ports") {
        string(port, "protocol", "TCP");
    }
    for env in each(c, "env") {
        if let Some(from) = existing(env, "valueFrom") {
            if let Some(f) = existing(from, "fieldRef") {
                string(f, "apiVersion", "v1");
            }
            if let Some(f) = existing(from, "fileKeyRef") {
                ptr(f, "optional", json!(false));
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = existing(c, probe) {
            int0(p, "timeoutSeconds", 1);
            int0(p, "periodSeconds", 10);
            int0(p, "successThreshold", 1);
            int0(p, "failureThreshold", 3);
            http_get(p);
            if let Some(g) = existing(p, "grpc") {
                ptr(g, "service", json!(""));
            }
        }
    }
    if let Some(l) = existing(c, "lifecycle") {
        for hook in ["postStart", "preStop"] {
            if let Some(h) = existing(l, hook) {
                http_get(h);
            }
        }
    }
}

fn http_get(handler: &mut Map) {
    if let Some(h) = existing(handler, "httpGet") {
        string(h, "path", "/");
        string(h, "scheme", "HTTP");
    }
}

fn pod_defaults(spec: &mut Map) {
    ptr(spec, "enableServiceLinks", json!(true));
    let host_network = spec.get("hostNetwork").and_then(Value::as_bool) == Some(true);
    for field in ["initContainers", "containers"] {
        for c in each(spec, field) {
            requests_from_limits(c);
            if host_network {
                for port in each(c, "ports") {
                    let unset = port
                        .get("hostPort")
                        .is_none_or(|h| h.is_null() || h.as_i64() == Some(0));
                    if let (true, Some(cp)) = (unset, port.get("containerPort").cloned()) {
                        port.insert("hostPort".to_owned(), cp);
                    }
                }
            }
        }
    }
}

/// Every limit without a request becomes the request too (Pods only).
fn requests_from_limits(c: &mut Map) {
    let Some(resources) = existing(c, "resources") else {
        return;
    };
    let Some(limits) = resources.get("limits").and_then(Value::as_object).cloned() else {
        return;
    };
    if limits.is_empty() {
        return;
    }
    let requests = resources
        .entry("requests".to_owned())
        .or_insert(Value::Null);
    if requests.is_null() {
        *requests = json!({});
    }
    if let Some(requests) = requests.as_object_mut() {
        for (k, v) in limits {
            requests.entry(k).or_insert(v);
        }
    }
}

/// `imagePullPolicy` from the image's tag: `Always` for `latest` (written or implied by
/// no tag and no digest), otherwise `IfNotPresent` (§A.2).
pub fn pull_policy(image: &str) -> &'static str {
    if image_tag(image).as_deref() == Some("latest") {
        "Always"
    } else {
        "IfNotPresent"
    }
}

/// The tag of an image reference as `ParseImageName` reads it: the written tag, `""` for a
/// digest alone, `latest` for neither; `None` when the reference does not parse.
fn image_tag(image: &str) -> Option<String> {
    if image.is_empty()
        || (image.len() == 64
            && image
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    {
        return None;
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (repo, tag) = match name.rfind(':') {
        Some(i) if !name[i + 1..].contains('/') => (&name[..i], Some(&name[i + 1..])),
        _ => (name, None),
    };
    let path = match repo.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            rest
        }
        _ => repo,
    };
    if path.is_empty() || path.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    match tag {
        Some(t) => {
            let valid = t.len() <= 128
                && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            valid.then(|| t.to_owned())
        }
        None if digest.is_some() => Some(String::new()),
        None => Some("latest".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag_rule() {
        for (image, want) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.25", "IfNotPresent"),
            ("nginx@sha256:abc", "IfNotPresent"),
            ("nginx:latest@sha256:abc", "Always"),
            ("registry.local:5000/app", "Always"),
            ("registry.local:5000/app:v2", "IfNotPresent"),
            ("Upper/app", "Always"),
            ("repo/Upper", "IfNotPresent"),
            ("", "IfNotPresent"),
        ] {
            assert_eq!(pull_policy(image), want, "{image}");
        }
    }
}
