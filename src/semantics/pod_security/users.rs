//! Controls about the user a container runs as: `runAsNonRoot` and `runAsUser`.

use crate::base::value::Value;

use super::{Offenders, Violation, containers, in_user_namespace, nearest, pod_security_context};
use crate::base::At;
use crate::model::PodTemplate;

/// `runAsNonRoot` (restricted, 1.0): the pod sets `runAsNonRoot: true` or every container
/// does, and none sets it to false.
pub(super) fn run_as_non_root_1_0(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut setters = Vec::new();
    let mut fields = Vec::new();
    let (pod_sc, pod_ptr) = pod_security_context(t);
    let mut pod_non_root = false;
    match pod_sc
        .and_then(|sc| sc.get("runAsNonRoot"))
        .and_then(Value::as_bool)
    {
        Some(false) => {
            setters.push("pod".to_owned());
            fields.push(pod_ptr.key("runAsNonRoot"));
        }
        Some(true) => pod_non_root = true,
        None => {}
    }
    let mut explicit = Offenders::default();
    let mut implicit = Offenders::default();
    for c in containers(t) {
        match c
            .value
            .at("/securityContext/runAsNonRoot")
            .and_then(Value::as_bool)
        {
            Some(false) => explicit.add(&c, c.pointer.path("securityContext/runAsNonRoot")),
            Some(true) => {}
            None if !pod_non_root => {
                implicit.add(
                    &c,
                    nearest(c.value, &c.pointer, "securityContext/runAsNonRoot"),
                );
            }
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(explicit.describe());
        fields.extend(explicit.fields);
    }
    if !setters.is_empty() {
        // The containers that inherit the pod's `false` are offending fields too.
        fields.extend(implicit.fields);
        return Some(Violation {
            control: "runAsNonRoot",
            reason: "runAsNonRoot != true".to_owned(),
            detail: format!(
                "{} must not set securityContext.runAsNonRoot=false",
                setters.join(" and ")
            ),
            fields,
        });
    }
    (!implicit.is_empty()).then(|| Violation {
        control: "runAsNonRoot",
        reason: "runAsNonRoot != true".to_owned(),
        detail: format!(
            "pod or {} must set securityContext.runAsNonRoot=true",
            implicit.describe()
        ),
        fields: implicit.fields,
    })
}

/// `runAsNonRoot` from 1.35: any value in a pod with its own user namespace.
pub(super) fn run_as_non_root_1_35(t: &PodTemplate<'_>) -> Option<Violation> {
    if in_user_namespace(t) {
        return None;
    }
    run_as_non_root_1_0(t)
}

/// `runAsUser` (restricted, 1.23): neither the pod nor a container sets `runAsUser: 0`.
pub(super) fn run_as_user_1_23(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut setters = Vec::new();
    let mut fields = Vec::new();
    let (pod_sc, pod_ptr) = pod_security_context(t);
    if pod_sc
        .and_then(|sc| sc.get("runAsUser"))
        .and_then(Value::as_i64)
        == Some(0)
    {
        setters.push("pod".to_owned());
        fields.push(pod_ptr.key("runAsUser"));
    }
    let mut bad = Offenders::default();
    for c in containers(t) {
        if c.value
            .at("/securityContext/runAsUser")
            .and_then(Value::as_i64)
            == Some(0)
        {
            bad.add(&c, c.pointer.path("securityContext/runAsUser"));
        }
    }
    if !bad.is_empty() {
        setters.push(bad.describe());
        fields.extend(bad.fields);
    }
    (!fields.is_empty()).then(|| Violation {
        control: "runAsUser",
        reason: "runAsUser=0".to_owned(),
        detail: format!("{} must not set runAsUser=0", setters.join(" and ")),
        fields,
    })
}

/// `runAsUser` from 1.35: any value in a pod with its own user namespace.
pub(super) fn run_as_user_1_35(t: &PodTemplate<'_>) -> Option<Violation> {
    if in_user_namespace(t) {
        return None;
    }
    run_as_user_1_23(t)
}
