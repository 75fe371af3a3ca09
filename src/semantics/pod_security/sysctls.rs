//! The `sysctls` control: only the sysctls that are namespaced and isolated from other
//! pods. The allowed set grew with the policy versions.

use crate::base::value::Value;

use super::{Violation, pod_security_context};
use crate::model::PodTemplate;

/// Allowed from policy 1.0.
const SINCE_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
/// Added in 1.27.
const SINCE_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
/// Added in 1.29.
const SINCE_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
/// Added in 1.32.
const SINCE_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
/// Added in 1.37.
const SINCE_1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

/// The sysctls baseline allows at policy version `1.minor`.
pub fn allowed(minor: u32) -> impl Iterator<Item = &'static str> {
    [
        (0, SINCE_1_0),
        (27, SINCE_1_27),
        (29, SINCE_1_29),
        (32, SINCE_1_32),
        (37, SINCE_1_37),
    ]
    .into_iter()
    .filter(move |(since, _)| *since <= minor)
    .flat_map(|(_, names)| names.iter().copied())
}

fn sysctls(t: &PodTemplate<'_>, minor: u32) -> Option<Violation> {
    let (sc, ptr) = pod_security_context(t);
    let list = sc?.get("sysctls")?.as_array()?;
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let Some(name) = s.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !allowed(minor).any(|a| a == name) {
            names.push(name);
            fields.push(ptr.key("sysctls").index(i).key("name"));
        }
    }
    (!fields.is_empty()).then(|| Violation {
        control: "sysctls",
        reason: "forbidden sysctls".to_owned(),
        detail: names.join(", "),
        fields,
    })
}

/// `sysctls` at 1.0.
pub(super) fn sysctls_1_0(t: &PodTemplate<'_>) -> Option<Violation> {
    sysctls(t, 0)
}
/// `sysctls` at 1.27.
pub(super) fn sysctls_1_27(t: &PodTemplate<'_>) -> Option<Violation> {
    sysctls(t, 27)
}
/// `sysctls` at 1.29.
pub(super) fn sysctls_1_29(t: &PodTemplate<'_>) -> Option<Violation> {
    sysctls(t, 29)
}
/// `sysctls` at 1.32.
pub(super) fn sysctls_1_32(t: &PodTemplate<'_>) -> Option<Violation> {
    sysctls(t, 32)
}
/// `sysctls` at 1.37.
pub(super) fn sysctls_1_37(t: &PodTemplate<'_>) -> Option<Violation> {
    sysctls(t, 37)
}
