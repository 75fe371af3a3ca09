use crate::base::value::Value;

use crate::base::At;
use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::{Container, Object, PodTemplate};
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta};
use crate::semantics::pod_security::BASELINE_CAPABILITIES;

declare_rule! {
    /// ## What it does
    /// Reports, for every container (init, regular, ephemeral) of a Pod or pod template:
    ///
    /// - each capability in `securityContext.capabilities.add` outside the container
    ///   runtime's default set (the set the Pod Security Standards' baseline level
    ///   allows: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
    ///   NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT), such as
    ///   `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `NET_RAW` or `ALL`
    ///   (a `CAP_` prefix and lower case are read as the runtime reads them): warning;
    /// - a container whose `capabilities.drop` holds neither `ALL` nor `NET_RAW`: info
    ///   (hardening advice), at the `drop` list or where it belongs.
    ///
    /// Where `pod-security` already reports the same field (baseline: added
    /// capabilities; restricted: drop `ALL`), this rule stays silent on it.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` is nearly root on the node; `NET_ADMIN` rewrites the pod's network and
    /// firewall; `SYS_PTRACE` reads other processes' memory; `SYS_MODULE` loads kernel
    /// modules. `NET_RAW`, kept by default, lets a compromised container forge packets
    /// (ARP and DNS spoofing on the node's network).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: app:1.0
    ///     securityContext:
    ///       capabilities:
    ///         add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards (baseline "Capabilities", restricted "Capabilities"): https://kubernetes.io/docs/concepts/security/pod-security-standards/
    /// - Set capabilities for a container: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
    pub static CAPABILITIES = {
        id: "capabilities",
        severity: Warning,
        category: Security,
        summary: "a container adds a dangerous capability, or drops neither ALL nor NET_RAW",
        help: "drop ALL capabilities and add back only those the container needs (NET_BIND_SERVICE)",
        scope: Object,
    }
}

/// Checks each container's added and dropped capabilities.
pub struct Capabilities;

/// A capability as the runtime reads it: upper case, without `CAP_`.
fn normalized(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned()
}

fn list<'a>(c: &Container<'a>, field: &str) -> &'a [Value] {
    c.value
        .at(&format!("/securityContext/capabilities/{field}"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

impl Rule for Capabilities {
    fn meta(&self) -> &'static RuleMeta {
        &CAPABILITIES
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            let add = c.pointer.path("securityContext/capabilities/add");
            for (i, cap) in list(&c, "add").iter().enumerate() {
                let Some(cap) = cap.as_str() else {
                    continue;
                };
                let name = normalized(cap);
                if !BASELINE_CAPABILITIES.contains(&name.as_str()) {
                    out.push(CAPABILITIES.at(
                        object.id,
                        add.index(i),
                        format!(
                            "{} adds the capability {cap}, beyond the container runtime's defaults",
                            c.describe()
                        ),
                    ));
                }
            }
            let drops = list(&c, "drop")
                .iter()
                .filter_map(Value::as_str)
                .map(normalized)
                .any(|d| d == "ALL" || d == "NET_RAW");
            if !drops {
                out.push(
                    CAPABILITIES.at(object.id,
                        nearest_drop(&c),
                        format!("{} drops neither ALL nor NET_RAW capabilities: it can forge packets on the node's network", c.describe()),
                    )
                    .with_severity(Severity::Info)
                    .with_help("add `securityContext.capabilities.drop: [ALL]` (or at least NET_RAW)"),
                );
            }
        }
    }

    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        fix_drop(cx, finding)
    }
}

/// Where `capabilities.drop` is or belongs: the deepest of its parents that exists.
fn fix_drop(cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
    // Only the finding about what is not dropped: an added capability is the user's call.
    let (_, pointer) = crate::rules::fixes::object_location(finding)?;
    if pointer.as_str().contains("/capabilities/add") {
        return None;
    }
    crate::rules::fixes::drop_all_capabilities(cx, finding)
}

fn nearest_drop(c: &Container<'_>) -> Pointer {
    let mut at = c.pointer.clone();
    let mut node = c.value;
    for token in ["securityContext", "capabilities", "drop"] {
        match node.get(token) {
            Some(next) => {
                node = next;
                at = at.key(token);
            }
            None => break,
        }
    }
    at
}
