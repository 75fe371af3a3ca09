//! Controls about what a container may do as root: privileged mode, capabilities,
//! privilege escalation and the /proc mount.

use std::collections::BTreeSet;

use crate::base::value::Value;

use super::{
    Offenders, Violation, containers, in_user_namespace, is_true, is_windows, nearest, quote_join,
};
use crate::base::At;
use crate::model::PodTemplate;

/// The capabilities baseline lets a container add: the container runtimes' defaults.
pub const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// `privileged` (baseline, 1.0): no container sets `privileged: true`.
pub(super) fn privileged(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut bad = Offenders::default();
    for c in containers(t) {
        if is_true(c.value, "/securityContext/privileged") {
            bad.add(&c, c.pointer.path("securityContext/privileged"));
        }
    }
    (!bad.is_empty()).then(|| Violation {
        control: "privileged",
        reason: "privileged".to_owned(),
        detail: format!(
            "{} must not set securityContext.privileged=true",
            bad.describe()
        ),
        fields: bad.fields,
    })
}

/// The strings of `capabilities.add` of a container, with their index.
fn added<'a>(c: &super::Container<'a>) -> impl Iterator<Item = (usize, &'a str)> {
    c.value
        .at("/securityContext/capabilities/add")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, v.as_str()?)))
}

/// `capabilities_baseline` (baseline, 1.0): only the default capabilities are added.
pub(super) fn capabilities_baseline(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut bad = Offenders::default();
    let mut caps = BTreeSet::new();
    for c in containers(t) {
        let mut fields = Vec::new();
        for (i, cap) in added(&c) {
            if !BASELINE_CAPABILITIES.contains(&cap) {
                caps.insert(cap.to_owned());
                fields.push(c.pointer.path("securityContext/capabilities/add").index(i));
            }
        }
        bad.add_all(&c, fields);
    }
    (!bad.is_empty()).then(|| Violation {
        control: "capabilities_baseline",
        reason: "non-default capabilities".to_owned(),
        detail: format!(
            "{} must not include {} in securityContext.capabilities.add",
            bad.describe(),
            quote_join(&caps.into_iter().collect::<Vec<_>>())
        ),
        fields: bad.fields,
    })
}

/// `capabilities_restricted` (restricted, 1.22): every container drops `ALL` and adds
/// nothing but `NET_BIND_SERVICE`.
pub(super) fn capabilities_restricted_1_22(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut no_drop = Offenders::default();
    let mut adding = Offenders::default();
    let mut caps = BTreeSet::new();
    for c in containers(t) {
        let drops_all = c
            .value
            .at("/securityContext/capabilities/drop")
            .and_then(Value::as_array)
            .is_some_and(|d| d.iter().any(|v| v.as_str() == Some("ALL")));
        if !drops_all {
            let at = nearest(c.value, &c.pointer, "securityContext/capabilities/drop");
            no_drop.add(&c, at);
        }
        let mut fields = Vec::new();
        for (i, cap) in added(&c) {
            if cap != "NET_BIND_SERVICE" {
                caps.insert(cap.to_owned());
                fields.push(c.pointer.path("securityContext/capabilities/add").index(i));
            }
        }
        adding.add_all(&c, fields);
    }
    let mut details = Vec::new();
    let mut fields = Vec::new();
    if !no_drop.is_empty() {
        details.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            no_drop.describe()
        ));
        fields.extend(no_drop.fields);
    }
    if !adding.is_empty() {
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            adding.describe(),
            quote_join(&caps.into_iter().collect::<Vec<_>>())
        ));
        fields.extend(adding.fields);
    }
    (!fields.is_empty()).then(|| Violation {
        control: "capabilities_restricted",
        reason: "unrestricted capabilities".to_owned(),
        detail: details.join("; "),
        fields,
    })
}

/// `capabilities_restricted` from 1.25: Windows pods are exempt.
pub(super) fn capabilities_restricted_1_25(t: &PodTemplate<'_>) -> Option<Violation> {
    if is_windows(t) {
        return None;
    }
    capabilities_restricted_1_22(t)
}

/// `allowPrivilegeEscalation` (restricted, 1.8): every container sets it to false.
pub(super) fn allow_privilege_escalation_1_8(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut bad = Offenders::default();
    for c in containers(t) {
        let value = c.value.at("/securityContext/allowPrivilegeEscalation");
        if value != Some(&Value::Bool(false)) {
            let at = nearest(
                c.value,
                &c.pointer,
                "securityContext/allowPrivilegeEscalation",
            );
            bad.add(&c, at);
        }
    }
    (!bad.is_empty()).then(|| Violation {
        control: "allowPrivilegeEscalation",
        reason: "allowPrivilegeEscalation != false".to_owned(),
        detail: format!(
            "{} must set securityContext.allowPrivilegeEscalation=false",
            bad.describe()
        ),
        fields: bad.fields,
    })
}

/// `allowPrivilegeEscalation` from 1.25: Windows pods are exempt.
pub(super) fn allow_privilege_escalation_1_25(t: &PodTemplate<'_>) -> Option<Violation> {
    if is_windows(t) {
        return None;
    }
    allow_privilege_escalation_1_8(t)
}

/// `procMount` (baseline 1.0; restricted 1.35 under its own id): `procMount` unset or
/// `Default`.
fn proc_mount(t: &PodTemplate<'_>, control: &'static str) -> Option<Violation> {
    let mut bad = Offenders::default();
    let mut kinds = BTreeSet::new();
    for c in containers(t) {
        match c
            .value
            .at("/securityContext/procMount")
            .and_then(Value::as_str)
        {
            Some(kind) if kind != "Default" => {
                kinds.insert(kind.to_owned());
                bad.add(&c, c.pointer.path("securityContext/procMount"));
            }
            _ => {}
        }
    }
    (!bad.is_empty()).then(|| Violation {
        control,
        reason: "procMount".to_owned(),
        detail: format!(
            "{} must not set securityContext.procMount to {}",
            bad.describe(),
            quote_join(&kinds.into_iter().collect::<Vec<_>>())
        ),
        fields: bad.fields,
    })
}

/// `procMount` (baseline, 1.0).
pub(super) fn proc_mount_1_0(t: &PodTemplate<'_>) -> Option<Violation> {
    proc_mount(t, "procMount")
}

/// `procMount` from 1.35: any value in a pod with its own user namespace.
pub(super) fn proc_mount_1_35(t: &PodTemplate<'_>) -> Option<Violation> {
    if in_user_namespace(t) {
        return None;
    }
    proc_mount(t, "procMount")
}

/// `procMount_restricted` (restricted, 1.35): `Default` even with a user namespace.
pub(super) fn proc_mount_restricted(t: &PodTemplate<'_>) -> Option<Violation> {
    proc_mount(t, "procMount_restricted")
}
