//! Controls about the kernel's confinement profiles: AppArmor, SELinux and seccomp, set
//! by fields (pod or container `securityContext`) or, in old policy versions and for
//! AppArmor, by pod annotations.

use std::collections::BTreeSet;

use crate::base::value::Value;

use super::{
    Offenders, Violation, containers, is_windows, nearest, plural, pod_security_context, quote_join,
};
use crate::base::At;
use crate::base::Pointer;
use crate::model::{Container, PodTemplate};

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// SELinux types baseline allows, policy 1.0 to 1.30 (`""` is unset).
const SELINUX_TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
/// From policy 1.31: `container_engine_t` too.
const SELINUX_TYPES_1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// The pod template's annotations with their pointers.
fn annotations<'a>(
    t: &'a PodTemplate<'a>,
) -> impl Iterator<Item = (&'a str, &'a str, Pointer)> + 'a {
    let base = t.metadata_pointer().key("annotations");
    t.annotations()
        .into_iter()
        .flatten()
        .filter_map(move |(k, v)| Some((k.as_str(), v.as_str()?, base.key(k))))
}

/// Who set a bad value: `pod`, `containers "a", "b"`, `annotation`, joined by ` and `.
#[derive(Default)]
struct Setters {
    who: Vec<String>,
    fields: Vec<Pointer>,
}

impl Setters {
    fn pod(&mut self, field: Pointer) {
        self.who.push("pod".to_owned());
        self.fields.push(field);
    }

    fn containers(&mut self, bad: Offenders) {
        if !bad.is_empty() {
            self.who.push(bad.describe());
            self.fields.extend(bad.fields);
        }
    }
}

/// The `type` of a profile mapping (`""` when unset), if the mapping is there.
fn profile_type<'a>(sc: Option<&'a Value>, field: &str) -> Option<&'a str> {
    let profile = sc?.get(field).filter(|p| p.is_object())?;
    Some(profile.get("type").and_then(Value::as_str).unwrap_or(""))
}

fn container_sc<'a>(c: &Container<'a>) -> Option<&'a Value> {
    c.value.get("securityContext").filter(|v| v.is_object())
}

/// `appArmorProfile` (baseline, 1.0): profile types RuntimeDefault or Localhost, and the
/// beta annotations `runtime/default` or `localhost/*`.
pub(super) fn app_armor(t: &PodTemplate<'_>) -> Option<Violation> {
    let allowed = |ty: &str| matches!(ty, "RuntimeDefault" | "Localhost");
    let mut setters = Setters::default();
    let mut values = BTreeSet::new();
    let (pod_sc, pod_ptr) = pod_security_context(t);
    if let Some(ty) = profile_type(pod_sc, "appArmorProfile").filter(|ty| !allowed(ty)) {
        values.insert(ty.to_owned());
        let sc = pod_sc.unwrap_or(&Value::Null);
        setters.pod(nearest(sc, &pod_ptr, "appArmorProfile/type"));
    }
    let mut bad = Offenders::default();
    for c in containers(t) {
        if let Some(ty) =
            profile_type(container_sc(&c), "appArmorProfile").filter(|ty| !allowed(ty))
        {
            values.insert(ty.to_owned());
            bad.add(
                &c,
                nearest(c.value, &c.pointer, "securityContext/appArmorProfile/type"),
            );
        }
    }
    setters.containers(bad);
    let mut values: Vec<String> = values.into_iter().collect();
    let mut forbidden: Vec<(String, Pointer)> = annotations(t)
        .filter(|(k, v, _)| {
            k.starts_with(APPARMOR_ANNOTATION_PREFIX)
                && !(v.is_empty() || *v == "runtime/default" || v.starts_with("localhost/"))
        })
        .map(|(k, v, at)| (format!("{k}={v:?}"), at))
        .collect();
    if !forbidden.is_empty() {
        forbidden.sort();
        setters
            .who
            .push(plural("annotation", "annotations", forbidden.len()).to_owned());
        for (text, at) in forbidden {
            values.push(text);
            setters.fields.push(at);
        }
    }
    (!setters.fields.is_empty()).then(|| Violation {
        control: "appArmorProfile",
        reason: plural(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            values.len(),
        )
        .to_owned(),
        detail: format!(
            "{} must not set AppArmor profile type to {}",
            setters.who.join(" and "),
            quote_join(&values)
        ),
        fields: setters.fields,
    })
}

/// `seLinuxOptions` (baseline): an allowed type, no user, no role.
fn se_linux(t: &PodTemplate<'_>, types: &[&str]) -> Option<Violation> {
    let mut bad_types = BTreeSet::new();
    let (mut set_user, mut set_role) = (false, false);
    // The first offending field of a seLinuxOptions mapping, if any.
    let mut check = |options: &Value, at: Pointer| -> Option<Pointer> {
        let text = |f: &str| options.get(f).and_then(Value::as_str).unwrap_or("");
        let mut first = None;
        if !types.contains(&text("type")) {
            bad_types.insert(text("type").to_owned());
            first.get_or_insert(at.key("type"));
        }
        if !text("user").is_empty() {
            set_user = true;
            first.get_or_insert(at.key("user"));
        }
        if !text("role").is_empty() {
            set_role = true;
            first.get_or_insert(at.key("role"));
        }
        first
    };
    let mut setters = Setters::default();
    let (pod_sc, pod_ptr) = pod_security_context(t);
    if let Some(options) = pod_sc
        .and_then(|sc| sc.get("seLinuxOptions"))
        .filter(|o| o.is_object())
    {
        if let Some(at) = check(options, pod_ptr.key("seLinuxOptions")) {
            setters.pod(at);
        }
    }
    let mut bad = Offenders::default();
    for c in containers(t) {
        let options = c
            .value
            .at("/securityContext/seLinuxOptions")
            .filter(|o| o.is_object());
        if let Some(options) = options {
            if let Some(at) = check(options, c.pointer.path("securityContext/seLinuxOptions")) {
                bad.add(&c, at);
            }
        }
    }
    setters.containers(bad);
    if setters.fields.is_empty() {
        return None;
    }
    let mut data = Vec::new();
    if !bad_types.is_empty() {
        data.push(format!(
            "{} {}",
            plural("type", "types", bad_types.len()),
            quote_join(&bad_types.into_iter().collect::<Vec<_>>())
        ));
    }
    if set_user {
        data.push("user may not be set".to_owned());
    }
    if set_role {
        data.push("role may not be set".to_owned());
    }
    Some(Violation {
        control: "seLinuxOptions",
        reason: "seLinuxOptions".to_owned(),
        detail: format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters.who.join(" and "),
            data.join("; ")
        ),
        fields: setters.fields,
    })
}

/// `seLinuxOptions` (baseline, 1.0).
pub(super) fn se_linux_1_0(t: &PodTemplate<'_>) -> Option<Violation> {
    se_linux(t, SELINUX_TYPES_1_0)
}

/// `seLinuxOptions` from 1.31 (`container_engine_t` allowed).
pub(super) fn se_linux_1_31(t: &PodTemplate<'_>) -> Option<Violation> {
    se_linux(t, SELINUX_TYPES_1_31)
}

/// `seccompProfile_baseline` (baseline, 1.0 to 1.18): the alpha annotations are not
/// `unconfined`.
pub(super) fn seccomp_baseline_1_0(t: &PodTemplate<'_>) -> Option<Violation> {
    let valid =
        |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    let names: Vec<String> = containers(t)
        .map(|c| {
            format!(
                "{SECCOMP_CONTAINER_ANNOTATION_PREFIX}{}",
                c.name().unwrap_or_default()
            )
        })
        .collect();
    let mut forbidden: Vec<(String, Pointer)> = annotations(t)
        .filter(|(k, v, _)| {
            (*k == SECCOMP_POD_ANNOTATION || names.iter().any(|n| n == k)) && !valid(v)
        })
        .map(|(k, v, at)| (format!("{k}={v:?}"), at))
        .collect();
    if forbidden.is_empty() {
        return None;
    }
    forbidden.sort();
    let n = forbidden.len();
    let (texts, fields): (Vec<String>, Vec<Pointer>) = forbidden.into_iter().unzip();
    Some(Violation {
        control: "seccompProfile_baseline",
        reason: "seccompProfile".to_owned(),
        detail: format!(
            "forbidden {} {}",
            plural("annotation", "annotations", n),
            texts.join(", ")
        ),
        fields,
    })
}

fn valid_seccomp(ty: &str) -> bool {
    matches!(ty, "RuntimeDefault" | "Localhost")
}

/// The explicit part of both seccomp field controls: who sets a type that is neither
/// RuntimeDefault nor Localhost. Returns the setters, the bad values, whether the pod
/// sets a valid type, and the containers that set none.
fn seccomp_fields(t: &PodTemplate<'_>) -> (Setters, BTreeSet<String>, bool, Offenders) {
    let mut setters = Setters::default();
    let mut values = BTreeSet::new();
    let (pod_sc, pod_ptr) = pod_security_context(t);
    let mut pod_valid = false;
    if let Some(ty) = profile_type(pod_sc, "seccompProfile") {
        if valid_seccomp(ty) {
            pod_valid = true;
        } else {
            values.insert(ty.to_owned());
            let sc = pod_sc.unwrap_or(&Value::Null);
            setters.pod(nearest(sc, &pod_ptr, "seccompProfile/type"));
        }
    }
    let mut bad = Offenders::default();
    let mut unset = Offenders::default();
    for c in containers(t) {
        match profile_type(container_sc(&c), "seccompProfile") {
            Some(ty) if !valid_seccomp(ty) => {
                values.insert(ty.to_owned());
                bad.add(
                    &c,
                    nearest(c.value, &c.pointer, "securityContext/seccompProfile/type"),
                );
            }
            Some(_) => {}
            None => unset.add(
                &c,
                nearest(c.value, &c.pointer, "securityContext/seccompProfile"),
            ),
        }
    }
    setters.containers(bad);
    (setters, values, pod_valid, unset)
}

fn seccomp_explicit(
    control: &'static str,
    setters: Setters,
    values: BTreeSet<String>,
) -> Violation {
    Violation {
        control,
        reason: "seccompProfile".to_owned(),
        detail: format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.who.join(" and "),
            quote_join(&values.into_iter().collect::<Vec<_>>())
        ),
        fields: setters.fields,
    }
}

/// `seccompProfile_baseline` (baseline, 1.19): no profile type other than
/// RuntimeDefault or Localhost (unset is fine).
pub(super) fn seccomp_baseline_1_19(t: &PodTemplate<'_>) -> Option<Violation> {
    let (setters, values, _, _) = seccomp_fields(t);
    (!setters.fields.is_empty())
        .then(|| seccomp_explicit("seccompProfile_baseline", setters, values))
}

/// `seccompProfile_restricted` (restricted, 1.19): the pod, or every container, sets
/// RuntimeDefault or Localhost.
pub(super) fn seccomp_restricted_1_19(t: &PodTemplate<'_>) -> Option<Violation> {
    let (setters, values, pod_valid, unset) = seccomp_fields(t);
    if !setters.fields.is_empty() {
        return Some(seccomp_explicit(
            "seccompProfile_restricted",
            setters,
            values,
        ));
    }
    if pod_valid || unset.is_empty() {
        return None;
    }
    Some(Violation {
        control: "seccompProfile_restricted",
        reason: "seccompProfile".to_owned(),
        detail: format!(
            "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            unset.describe()
        ),
        fields: unset.fields,
    })
}

/// `seccompProfile_restricted` from 1.25: Windows pods are exempt.
pub(super) fn seccomp_restricted_1_25(t: &PodTemplate<'_>) -> Option<Violation> {
    if is_windows(t) {
        return None;
    }
    seccomp_restricted_1_19(t)
}
