//! Controls about sharing the node: Windows host processes, host namespaces, hostPath
//! volumes, host ports, and probe or lifecycle handlers aimed at another host.

use std::collections::BTreeSet;

use crate::base::value::Value;

use super::{Offenders, Violation, containers, is_true, plural, pod_security_context, quote_join};
use crate::base::At;
use crate::model::PodTemplate;

/// `hostProcess` (baseline, 1.0): no `windowsOptions.hostProcess: true` on pod or container.
pub(super) fn host_process(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let (pod_sc, pod_ptr) = pod_security_context(t);
    if pod_sc.is_some_and(|sc| is_true(sc, "/windowsOptions/hostProcess")) {
        setters.push("pod".to_owned());
        fields.push(pod_ptr.path("windowsOptions/hostProcess"));
    }
    let mut bad = Offenders::default();
    for c in containers(t) {
        if is_true(c.value, "/securityContext/windowsOptions/hostProcess") {
            bad.add(
                &c,
                c.pointer.path("securityContext/windowsOptions/hostProcess"),
            );
        }
    }
    if !bad.is_empty() {
        setters.push(bad.describe());
        fields.extend(bad.fields);
    }
    (!fields.is_empty()).then(|| Violation {
        control: "windowsHostProcess",
        reason: "hostProcess".to_owned(),
        detail: format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            setters.join(" and ")
        ),
        fields,
    })
}

/// `hostNamespaces` (baseline, 1.0): hostNetwork, hostPID and hostIPC unset or false.
pub(super) fn host_namespaces(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut shared = Vec::new();
    let mut fields = Vec::new();
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if t.spec.get(field) == Some(&Value::Bool(true)) {
            shared.push(format!("{field}=true"));
            fields.push(t.spec.pointer.key(field));
        }
    }
    (!fields.is_empty()).then(|| Violation {
        control: "hostNamespaces",
        reason: "host namespaces".to_owned(),
        detail: shared.join(", "),
        fields,
    })
}

/// `hostPathVolumes` (baseline, 1.0): no hostPath volume.
pub(super) fn host_path_volumes(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for (i, v) in t.spec.volumes() {
        if v.get("hostPath").is_some_and(|h| !h.is_null()) {
            names.push(v.get("name").and_then(Value::as_str).unwrap_or_default());
            fields.push(t.spec.pointer.key("volumes").index(i).key("hostPath"));
        }
    }
    (!fields.is_empty()).then(|| Violation {
        control: "hostPathVolumes",
        reason: "hostPath volumes".to_owned(),
        detail: format!(
            "{} {}",
            plural("volume", "volumes", names.len()),
            quote_join(&names)
        ),
        fields,
    })
}

/// `hostPorts` (baseline, 1.0): every `hostPort` unset or 0.
pub(super) fn host_ports(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut bad = Offenders::default();
    // The plugin lists the ports as a sorted set of strings.
    let mut ports = BTreeSet::new();
    for c in containers(t) {
        let mut fields = Vec::new();
        for (j, p) in c.ports() {
            match p.get("hostPort").and_then(Value::as_i64) {
                Some(n) if n != 0 => {
                    ports.insert(n.to_string());
                    fields.push(c.pointer.key("ports").index(j).key("hostPort"));
                }
                _ => {}
            }
        }
        bad.add_all(&c, fields);
    }
    if bad.is_empty() {
        return None;
    }
    let n = bad.names.len();
    Some(Violation {
        control: "hostPorts",
        reason: "hostPort".to_owned(),
        detail: format!(
            "{} {} {} {}",
            bad.describe(),
            plural("uses", "use", n),
            plural("hostPort", "hostPorts", ports.len()),
            ports.into_iter().collect::<Vec<_>>().join(", ")
        ),
        fields: bad.fields,
    })
}

/// `hostProbesAndHostLifecycle` (baseline, 1.34): probes and lifecycle handlers do not
/// set `httpGet.host` or `tcpSocket.host`.
pub(super) fn host_probes(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut bad = Offenders::default();
    let mut hosts = BTreeSet::new();
    // Each handler's `httpGet` and `tcpSocket` host, in the order the plugin visits them
    // (written out: this runs for every pod template).
    const HOSTS: [&str; 10] = [
        "/livenessProbe/httpGet/host",
        "/livenessProbe/tcpSocket/host",
        "/readinessProbe/httpGet/host",
        "/readinessProbe/tcpSocket/host",
        "/startupProbe/httpGet/host",
        "/startupProbe/tcpSocket/host",
        "/lifecycle/postStart/httpGet/host",
        "/lifecycle/postStart/tcpSocket/host",
        "/lifecycle/preStop/httpGet/host",
        "/lifecycle/preStop/tcpSocket/host",
    ];
    for c in containers(t) {
        let mut fields = Vec::new();
        for path in HOSTS {
            let host = c.value.at(path).and_then(Value::as_str);
            if let Some(host) = host.filter(|h| !h.is_empty()) {
                hosts.insert(host.to_owned());
                fields.push(c.pointer.path(path));
            }
        }
        bad.add_all(&c, fields);
    }
    if bad.is_empty() {
        return None;
    }
    let n = bad.names.len();
    let hosts: Vec<String> = hosts.into_iter().collect();
    Some(Violation {
        control: "hostProbesAndHostLifecycle",
        reason: "probe or lifecycle host".to_owned(),
        detail: format!(
            "{} {} {} {}",
            bad.describe(),
            plural("uses", "use", n),
            plural(
                "probe or lifecycle host",
                "probe or lifecycle hosts",
                hosts.len()
            ),
            quote_join(&hosts)
        ),
        fields: bad.fields,
    })
}
