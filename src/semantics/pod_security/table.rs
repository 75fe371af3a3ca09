//! The version table: every control of the Pod Security Standards, its level, and the
//! form it takes from each policy version on (the plugin evaluates the newest form whose
//! version is not after the requested one). A restricted control may replace a baseline
//! one from some version on (`replaces`); before that version the baseline one applies.

use super::policy::Level;
use super::{Violation, host, privilege, profiles, sysctls, users, volumes};
use crate::model::PodTemplate;

/// How one form of a control checks a pod.
pub type Check = fn(&PodTemplate<'_>) -> Option<Violation>;

/// One form of a control, in force from a policy version on.
struct Form {
    /// The first policy version (`1.since`) with this form.
    since: u32,
    check: Check,
    /// Baseline controls this form replaces at the restricted level.
    replaces: &'static [&'static str],
}

/// A control and its forms, oldest first.
struct Control {
    id: &'static str,
    level: Level,
    forms: &'static [Form],
}

const fn form(since: u32, check: Check) -> Form {
    Form {
        since,
        check,
        replaces: &[],
    }
}

const fn replacing(since: u32, check: Check, replaces: &'static [&'static str]) -> Form {
    Form {
        since,
        check,
        replaces,
    }
}

/// The controls, baseline first, in the order the Pod Security Standards list them.
static CONTROLS: &[Control] = &[
    Control {
        id: "windowsHostProcess",
        level: Level::Baseline,
        forms: &[form(0, host::host_process)],
    },
    Control {
        id: "hostNamespaces",
        level: Level::Baseline,
        forms: &[form(0, host::host_namespaces)],
    },
    Control {
        id: "privileged",
        level: Level::Baseline,
        forms: &[form(0, privilege::privileged)],
    },
    Control {
        id: "capabilities_baseline",
        level: Level::Baseline,
        forms: &[form(0, privilege::capabilities_baseline)],
    },
    Control {
        id: "hostPathVolumes",
        level: Level::Baseline,
        forms: &[form(0, host::host_path_volumes)],
    },
    Control {
        id: "hostPorts",
        level: Level::Baseline,
        forms: &[form(0, host::host_ports)],
    },
    Control {
        id: "hostProbesAndHostLifecycle",
        level: Level::Baseline,
        forms: &[form(34, host::host_probes)],
    },
    Control {
        id: "appArmorProfile",
        level: Level::Baseline,
        forms: &[form(0, profiles::app_armor)],
    },
    Control {
        id: "seLinuxOptions",
        level: Level::Baseline,
        forms: &[
            form(0, profiles::se_linux_1_0),
            form(31, profiles::se_linux_1_31),
        ],
    },
    Control {
        id: "procMount",
        level: Level::Baseline,
        forms: &[
            form(0, privilege::proc_mount_1_0),
            form(35, privilege::proc_mount_1_35),
        ],
    },
    Control {
        id: "seccompProfile_baseline",
        level: Level::Baseline,
        forms: &[
            form(0, profiles::seccomp_baseline_1_0),
            form(19, profiles::seccomp_baseline_1_19),
        ],
    },
    Control {
        id: "sysctls",
        level: Level::Baseline,
        forms: &[
            form(0, sysctls::sysctls_1_0),
            form(27, sysctls::sysctls_1_27),
            form(29, sysctls::sysctls_1_29),
            form(32, sysctls::sysctls_1_32),
            form(37, sysctls::sysctls_1_37),
        ],
    },
    Control {
        id: "restrictedVolumes",
        level: Level::Restricted,
        forms: &[replacing(
            0,
            volumes::restricted_volumes,
            &["hostPathVolumes"],
        )],
    },
    Control {
        id: "allowPrivilegeEscalation",
        level: Level::Restricted,
        forms: &[
            form(8, privilege::allow_privilege_escalation_1_8),
            form(25, privilege::allow_privilege_escalation_1_25),
        ],
    },
    Control {
        id: "runAsNonRoot",
        level: Level::Restricted,
        forms: &[
            form(0, users::run_as_non_root_1_0),
            form(35, users::run_as_non_root_1_35),
        ],
    },
    Control {
        id: "runAsUser",
        level: Level::Restricted,
        forms: &[
            form(23, users::run_as_user_1_23),
            form(35, users::run_as_user_1_35),
        ],
    },
    Control {
        id: "seccompProfile_restricted",
        level: Level::Restricted,
        forms: &[
            replacing(
                19,
                profiles::seccomp_restricted_1_19,
                &["seccompProfile_baseline"],
            ),
            replacing(
                25,
                profiles::seccomp_restricted_1_25,
                &["seccompProfile_baseline"],
            ),
        ],
    },
    Control {
        id: "capabilities_restricted",
        level: Level::Restricted,
        forms: &[
            replacing(
                22,
                privilege::capabilities_restricted_1_22,
                &["capabilities_baseline"],
            ),
            replacing(
                25,
                privilege::capabilities_restricted_1_25,
                &["capabilities_baseline"],
            ),
        ],
    },
    Control {
        id: "procMount_restricted",
        level: Level::Restricted,
        forms: &[replacing(
            35,
            privilege::proc_mount_restricted,
            &["procMount"],
        )],
    },
];

/// The form of a control in force at `1.minor`, if the control exists then.
fn in_force(control: &Control, minor: u32) -> Option<&Form> {
    control.forms.iter().rev().find(|f| f.since <= minor)
}

/// One control's form in force: the control's id, the version the form dates from, and
/// its check (a violation it finds names the same control).
#[derive(Clone, Copy)]
pub(super) struct Active {
    pub id: &'static str,
    pub since: u32,
    pub check: Check,
}

/// The checks that run for `level` at policy version `1.minor`, in table order.
pub(super) fn active(level: Level, minor: u32) -> Vec<Active> {
    let forms: Vec<(&Control, &Form)> = CONTROLS
        .iter()
        .filter(|c| c.level <= level && level != Level::Privileged)
        .filter_map(|c| Some((c, in_force(c, minor)?)))
        .collect();
    let replaced: Vec<&str> = forms
        .iter()
        .flat_map(|(_, f)| f.replaces.iter().copied())
        .collect();
    forms
        .into_iter()
        .filter(|(c, _)| !replaced.contains(&c.id))
        .map(|(c, f)| Active {
            id: c.id,
            since: f.since,
            check: f.check,
        })
        .collect()
}

/// Every control with the versions where it changed (for docs and tests).
pub fn controls() -> Vec<(&'static str, Level, Vec<u32>)> {
    CONTROLS
        .iter()
        .map(|c| (c.id, c.level, c.forms.iter().map(|f| f.since).collect()))
        .collect()
}
