//! `ValidatePodSpec` and `ValidatePodTemplateSpec` (pkg/apis/core/validation/validation.go):
//! containers, ports, resources, env, mounts, volumes, topology spread, DNS and host
//! networking, for a Pod and every workload's pod template.

use crate::base::value::Value;

use super::formats::{self, IntOrPercent};
use super::{Errors, Version, int, list};
use crate::base::{At, Pointer};
use crate::model::{Container, PodTemplate, WorkloadKind};
use crate::semantics::quantity::Quantity;

/// Validates the pod spec of a Pod or of a workload's template.
pub fn validate_pod_spec(template: &PodTemplate<'_>, version: Version, errs: &mut Errors) {
    let spec = &template.spec;
    // `ValidatePodTemplateSpec`: a template may not carry ephemeral containers (they are
    // only added to running pods through the ephemeralcontainers subresource); for a Pod,
    // `validatePodCreate` forbids them on create.
    if !list(spec.value, "ephemeralContainers").is_empty() {
        let detail = if template.kind == WorkloadKind::Pod {
            "cannot be set on create"
        } else {
            "ephemeral containers not allowed in pod template"
        };
        errs.forbidden(
            "ephemeral-containers",
            spec.pointer.key("ephemeralContainers"),
            detail,
        );
    }
    let host_network = spec.get("hostNetwork").and_then(Value::as_bool) == Some(true);
    for c in spec.all_containers() {
        container(&c, host_network, version, errs);
    }
    volumes(spec.value, spec.pointer, errs);
    topology_spread(spec.value, spec.pointer, errs);
    dns(spec.value, spec.pointer, errs);
    // `ValidatePodSpec`: activeDeadlineSeconds in [1, MaxInt32].
    if let Some((n, v)) = int(spec.value, "activeDeadlineSeconds") {
        if !(1..=i64::from(i32::MAX)).contains(&n) {
            errs.invalid(
                "pod-active-deadline",
                spec.pointer.key("activeDeadlineSeconds"),
                v,
                "must be between 1 and 2147483647, inclusive",
            );
        }
    }
}

/// `validateContainers` / `validateInitContainers` / `validateEphemeralContainers` →
/// `validateContainerCommon`: name, ports, env, mounts, resources.
fn container(c: &Container<'_>, host_network: bool, version: Version, errs: &mut Errors) {
    if let Some(name) = c.name().filter(|n| !n.is_empty()) {
        if let Some(why) = formats::dns1123_label(name) {
            errs.invalid(
                "container-name",
                c.pointer.key("name"),
                &Value::from(name),
                why,
            );
        }
    }
    ports(c, host_network, errs);
    env(c, version, errs);
    mounts(c, errs);
    resources(c, errs);
}

/// `validateContainerPorts`: IANA port names, port numbers; `validateHostNetwork`:
/// with hostNetwork a hostPort equals its containerPort.
fn ports(c: &Container<'_>, host_network: bool, errs: &mut Errors) {
    for (i, p) in c.ports() {
        let at = c.pointer.key("ports").index(i);
        if let Some(name) = p
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            if let Some(why) = formats::iana_svc_name(name) {
                errs.invalid("port-name", at.key("name"), &Value::from(name), why);
            }
        }
        let container_port = int(p, "containerPort");
        if let Some((n, v)) = container_port {
            if let Some(why) = formats::port_num(n) {
                errs.invalid("port-number", at.key("containerPort"), v, why);
            }
        }
        if let Some((n, v)) = int(p, "hostPort") {
            if n != 0 {
                if let Some(why) = formats::port_num(n) {
                    errs.invalid("port-number", at.key("hostPort"), v, why);
                } else if host_network && container_port.is_some_and(|(cp, _)| cp != n) {
                    errs.invalid(
                        "host-network-port",
                        at.key("hostPort"),
                        v,
                        "must match `containerPort` when `hostNetwork` is true",
                    );
                }
            }
        }
    }
}

/// `ValidateEnv` / `ValidateEnvFrom`: names (version-dependent), value vs valueFrom.
fn env(c: &Container<'_>, version: Version, errs: &mut Errors) {
    // RelaxedEnvironmentVariableValidation: beta and on by default from 1.32.
    let relaxed = version.at_least(32);
    for (i, e) in c.list("env").iter().enumerate() {
        let at = c.pointer.key("env").index(i);
        if let Some(name) = e.get("name").and_then(Value::as_str) {
            if !name.is_empty() && !formats::is_placeholder(name) {
                if let Some(why) = formats::env_var_name(name, relaxed) {
                    errs.invalid("env-name", at.key("name"), &Value::from(name), why);
                }
            }
        }
        let has_value = e
            .get("value")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty());
        if let Some(from) = e.get("valueFrom").and_then(Value::as_object) {
            if has_value {
                errs.invalid(
                    "env-value-from",
                    at.key("valueFrom"),
                    &Value::from(""),
                    "may not be specified when `value` is not empty",
                );
            } else if from.values().filter(|v| !v.is_null()).count() > 1 {
                errs.invalid(
                    "env-value-from",
                    at.key("valueFrom"),
                    &Value::from(""),
                    "may not have more than one field specified at a time",
                );
            }
        }
    }
    for (i, e) in c.list("envFrom").iter().enumerate() {
        if let Some(prefix) = e.get("prefix").and_then(Value::as_str) {
            if !prefix.is_empty() && !formats::is_placeholder(prefix) {
                if let Some(why) = formats::env_var_name(prefix, relaxed) {
                    errs.invalid(
                        "env-name",
                        c.pointer.key("envFrom").index(i).key("prefix"),
                        &Value::from(prefix),
                        why,
                    );
                }
            }
        }
    }
}

/// `ValidateVolumeMounts`: subPath is a relative path without `..`, subPath and
/// subPathExpr exclude each other, Bidirectional propagation needs a privileged container.
fn mounts(c: &Container<'_>, errs: &mut Errors) {
    let privileged = c
        .value
        .at("/securityContext/privileged")
        .and_then(Value::as_bool)
        == Some(true);
    for (i, m) in c.list("volumeMounts").iter().enumerate() {
        let at = c.pointer.key("volumeMounts").index(i);
        let sub_path = m.get("subPath").and_then(Value::as_str).unwrap_or("");
        let sub_expr = m.get("subPathExpr").and_then(Value::as_str).unwrap_or("");
        if !sub_path.is_empty() && !sub_expr.is_empty() {
            errs.invalid(
                "mount-sub-path",
                at.key("subPathExpr"),
                &Value::from(sub_expr),
                "subPathExpr and subPath are mutually exclusive",
            );
        }
        if !sub_path.is_empty() {
            // `validateLocalDescendingPath`.
            if sub_path.starts_with('/') {
                errs.invalid(
                    "mount-sub-path",
                    at.key("subPath"),
                    &Value::from(sub_path),
                    "must be a relative path",
                );
            } else if sub_path.split(['/', '\\']).any(|part| part == "..") {
                errs.invalid(
                    "mount-sub-path",
                    at.key("subPath"),
                    &Value::from(sub_path),
                    "must not contain '..'",
                );
            }
        }
        if m.get("mountPropagation").and_then(Value::as_str) == Some("Bidirectional") && !privileged
        {
            errs.forbidden(
                "mount-propagation",
                at.key("mountPropagation"),
                "Bidirectional mount propagation is available only to privileged containers",
            );
        }
    }
}

/// The text of a quantity written as a string or a number.
fn quantity(v: &Value) -> Option<Quantity> {
    match v {
        Value::String(s) => Quantity::parse(s).ok(),
        Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

/// Resource names a container may request without a `/` (`IsStandardContainerResourceName`).
fn standard_container_resource(name: &str) -> bool {
    matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-")
}

/// `ValidateResourceRequirements` (container resources): resource names, requests ≤
/// limits, and requests = limits for extended resources, which cannot be overcommitted.
fn resources(c: &Container<'_>, errs: &mut Errors) {
    let base = c.pointer.key("resources");
    let limits = c.value.at("/resources/limits").and_then(Value::as_object);
    let requests = c.value.at("/resources/requests").and_then(Value::as_object);
    for (field, map) in [("limits", limits), ("requests", requests)] {
        for name in map.into_iter().flat_map(|m| m.keys()) {
            if !name.contains('/') && !standard_container_resource(name) {
                errs.invalid(
                    "resource-name",
                    base.key(field).key(name),
                    &Value::from(name.as_str()),
                    "must be a standard resource for containers",
                )
                .keyed = true;
            }
        }
    }
    let (Some(limits), Some(requests)) = (limits, requests) else {
        return;
    };
    for (name, req) in requests {
        let (Some(limit_value), Some(r)) = (limits.get(name), quantity(req)) else {
            continue;
        };
        let Some(l) = quantity(limit_value) else {
            continue;
        };
        let overcommit = !name.contains('/') || name.contains("kubernetes.io/");
        let detail = if !overcommit && r.nano() != l.nano() {
            format!(
                "must be equal to {name} limit of {}",
                super::show(limit_value)
            )
        } else if r.nano() > l.nano() {
            format!(
                "must be less than or equal to {name} limit of {}",
                text(limit_value)
            )
        } else {
            continue;
        };
        errs.invalid(
            "requests-above-limits",
            base.key("requests").key(name),
            &Value::from(text(req)),
            detail,
        )
        .keyed = true;
    }
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// The volume sources of `core/v1.VolumeSource`.
const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// `ValidateVolumes`: names are DNS-1123 labels, and a volume has at most one source (one
/// with none is defaulted to emptyDir).
fn volumes(spec: &Value, at: &Pointer, errs: &mut Errors) {
    for (i, v) in list(spec, "volumes").iter().enumerate() {
        let vat = at.key("volumes").index(i);
        if let Some(name) = v
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            if let Some(why) = formats::dns1123_label(name) {
                errs.invalid("volume-name", vat.key("name"), &Value::from(name), why);
            }
        }
        let Some(map) = v.as_object() else { continue };
        // Only known sources count: an unknown key is the schema rule's finding.
        let mut sources = map
            .iter()
            .filter(|(k, v)| VOLUME_SOURCES.contains(&k.as_str()) && !v.is_null());
        if let (Some(_), Some((second, _))) = (sources.next(), sources.next()) {
            errs.forbidden(
                "volume-source",
                vat.key(second),
                "may not specify more than 1 volume type",
            );
        }
    }
}

/// `validateTopologySpreadConstraints`: maxSkew > 0, minDomains > 0 and only with
/// DoNotSchedule, a topologyKey, no repeated {topologyKey, whenUnsatisfiable} pair.
fn topology_spread(spec: &Value, at: &Pointer, errs: &mut Errors) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, t) in list(spec, "topologySpreadConstraints").iter().enumerate() {
        let tat = at.key("topologySpreadConstraints").index(i);
        if let Some((n, v)) = int(t, "maxSkew") {
            if n <= 0 {
                errs.invalid(
                    "topology-spread",
                    tat.key("maxSkew"),
                    v,
                    "must be greater than zero",
                );
            }
        }
        let when = t.get("whenUnsatisfiable").and_then(Value::as_str);
        if let Some((n, v)) = int(t, "minDomains") {
            if n <= 0 {
                errs.invalid(
                    "topology-spread",
                    tat.key("minDomains"),
                    v,
                    "must be greater than zero",
                );
            } else if let Some(w) = when.filter(|w| *w != "DoNotSchedule") {
                errs.invalid(
                    "topology-spread",
                    tat.key("minDomains"),
                    v,
                    format!("can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {w}"),
                );
            }
        }
        let key = t.get("topologyKey").and_then(Value::as_str);
        if key == Some("") {
            errs.required(
                "topology-spread",
                tat.key("topologyKey"),
                "can not be empty",
            );
        }
        if let (Some(k), Some(w)) = (key.filter(|k| !k.is_empty()), when) {
            if seen.contains(&(k, w)) {
                errs.duplicate(
                    "topology-spread",
                    tat.key("{topologyKey, whenUnsatisfiable}"),
                    &Value::from(format!("{{{k}, {w}}}")),
                );
            }
            seen.push((k, w));
        }
    }
}

/// `validateDNSPolicy` / `validatePodDNSConfig`: `None` needs a dnsConfig with a
/// nameserver; at most 3 nameservers, all IPs; at most 32 search domains.
fn dns(spec: &Value, at: &Pointer, errs: &mut Errors) {
    let none = spec.get("dnsPolicy").and_then(Value::as_str) == Some("None");
    let config = spec.get("dnsConfig").filter(|c| c.is_object());
    let Some(config) = config else {
        if none {
            errs.required(
                "dns-config",
                at.key("dnsConfig"),
                "must provide `dnsConfig` when `dnsPolicy` is None",
            );
        }
        return;
    };
    let cat = at.key("dnsConfig");
    let servers = list(config, "nameservers");
    if none && servers.is_empty() {
        errs.required(
            "dns-config",
            cat.key("nameservers"),
            "must provide at least one DNS nameserver when `dnsPolicy` is None",
        );
    }
    if servers.len() > 3 {
        errs.invalid(
            "dns-config",
            cat.key("nameservers"),
            &Value::from(servers.to_vec()),
            "must not have more than 3 nameservers",
        );
    }
    for (i, s) in servers.iter().enumerate() {
        if let Some(ip) = s.as_str() {
            if !formats::is_ip(ip) {
                errs.invalid(
                    "dns-config",
                    cat.key("nameservers").index(i),
                    s,
                    "must be valid IP address",
                );
            }
        }
    }
    let searches = list(config, "searches");
    if searches.len() > 32 {
        errs.invalid(
            "dns-config",
            cat.key("searches"),
            &Value::from(searches.len()),
            "must not have more than 32 search paths",
        );
    }
}

/// `ValidatePositiveIntOrPercent` + `IsNotMoreThan100Percent` for a rolling-update or
/// disruption-budget field; returns the amount when it is valid.
pub fn int_or_percent(
    value: &Value,
    at: Pointer,
    max_100: bool,
    check: &'static str,
    errs: &mut Errors,
) -> Option<i64> {
    match IntOrPercent::of(value)? {
        IntOrPercent::Malformed => {
            errs.invalid(check, at, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
            None
        }
        IntOrPercent::Int(n) | IntOrPercent::Percent(n) if n < 0 => {
            errs.invalid(check, at, value, "must be greater than or equal to 0");
            None
        }
        IntOrPercent::Percent(n) if max_100 && n > 100 => {
            errs.invalid(check, at, value, "must not be greater than 100%");
            None
        }
        other => other.amount(),
    }
}
