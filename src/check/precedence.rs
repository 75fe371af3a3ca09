//! One root cause, one finding: where `pod-security` reports a field, the rules and
//! default policies that check the same thing stay silent on it. A privileged container
//! in a baseline namespace is one `pod-security` error, not also a `privileged-container`
//! warning. Where `pod-security` is off, exempt, or the level allows the field, they
//! report as usual.

use crate::base::{Diagnostic, Location};
use crate::rules::Context;

/// The rules that yield to `pod-security`, each with the controls that cover it.
pub const YIELDS: &[(&str, &[&str])] = &[
    ("privileged-container", &["privileged"]),
    ("host-namespaces", &["hostNamespaces"]),
    ("privilege-escalation", &["allowPrivilegeEscalation"]),
    ("run-as-root", &["runAsNonRoot", "runAsUser"]),
    ("docker-socket", &["hostPathVolumes", "restrictedVolumes"]),
    ("host-path", &["hostPathVolumes", "restrictedVolumes"]),
    ("host-port", &["hostPorts"]),
    (
        "capabilities",
        &["capabilities_baseline", "capabilities_restricted"],
    ),
];

/// Drops the findings of yielding rules on fields that a covering `pod-security` control
/// reports: the same node, or a node under it (a hostPath's `path`). Both sides point at
/// a missing field's nearest existing parent, so they meet there too. The verdicts are
/// those the rule reported from (evaluated here only for objects whose findings were
/// reused from an earlier run).
pub fn apply(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain(|d| {
        let Some((_, controls)) = YIELDS.iter().find(|(id, _)| *id == d.rule.as_str()) else {
            return true;
        };
        let Location::Object { object, pointer } = &d.location else {
            return true;
        };
        let covered = cx.pod_verdicts.covered(cx.graph.object(*object));
        !covered.iter().any(|c| {
            controls.contains(&c.control) && c.fields.iter().any(|field| pointer.starts_with(field))
        })
    });
}
