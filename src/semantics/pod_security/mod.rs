//! The Pod Security Standards as the PodSecurity admission plugin evaluates them: each
//! control of the baseline and restricted levels, in the form it has at each policy
//! version (`table.rs` holds the versions in one place), and how a namespace's labels or
//! the run's settings choose the level and version (`policy.rs`).
//!
//! A control looks at the pod the way the plugin does: init, regular and ephemeral
//! containers in that order, the pod template's metadata for annotations, and the values
//! the API server defaults before admission (a volume with no source is an `emptyDir`).
//! Values of the wrong type read as absent, as they do everywhere in k8lint.

mod host;
mod policy;
mod privilege;
mod profiles;
mod sysctls;
mod table;
mod users;
mod verdict;
mod volumes;

use crate::base::value::Value;

use crate::base::At;
use crate::base::Pointer;
use crate::model::{Container, PodTemplate};

pub use policy::{
    Applied, Exemptions, LABEL_PREFIX, Level, LevelVersion, Mode, NamespacePolicy, Settings,
    Version,
};
pub use privilege::BASELINE_CAPABILITIES;
pub use table::controls;
pub use verdict::{Covered, Found, Verdicts, violations};

/// One violated control: the plugin's reason and detail, and the fields that violate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The control's id, as the plugin names it (`privileged`, `seccompProfile_restricted`).
    pub control: &'static str,
    /// The plugin's short reason (`allowPrivilegeEscalation != false`).
    pub reason: String,
    /// The plugin's detail (`container "app" must set securityContext.allowPrivilegeEscalation=false`).
    pub detail: String,
    /// The offending fields, the first one first; for a field that must be set and is
    /// not, the nearest node that exists on the way to it.
    pub fields: Vec<Pointer>,
}

impl Violation {
    /// The plugin's wording: `reason (detail)`.
    pub fn text(&self) -> String {
        if self.detail.is_empty() {
            self.reason.clone()
        } else {
            format!("{} ({})", self.reason, self.detail)
        }
    }
}

/// The offending containers and fields of one control while it is evaluated.
#[derive(Default)]
struct Offenders {
    names: Vec<String>,
    fields: Vec<Pointer>,
}

impl Offenders {
    fn add(&mut self, c: &Container<'_>, field: Pointer) {
        self.names.push(c.name().unwrap_or_default().to_owned());
        self.fields.push(field);
    }

    /// Adds every field of one container, naming the container once.
    fn add_all(&mut self, c: &Container<'_>, fields: Vec<Pointer>) {
        if !fields.is_empty() {
            self.names.push(c.name().unwrap_or_default().to_owned());
            self.fields.extend(fields);
        }
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `container "a"` or `containers "a", "b"`.
    fn describe(&self) -> String {
        format!(
            "{} {}",
            plural("container", "containers", self.names.len()),
            quote_join(&self.names)
        )
    }
}

/// The containers the plugin visits: init, regular, then ephemeral.
fn containers<'a>(t: &'a PodTemplate<'a>) -> impl Iterator<Item = Container<'a>> + 'a {
    t.spec.all_containers()
}

/// `"a", "b"`, as the plugin quotes lists.
fn quote_join<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural<'s>(one: &'s str, many: &'s str, n: usize) -> &'s str {
    if n == 1 { one } else { many }
}

/// Whether the value at `path` under `value` is the boolean `true`.
fn is_true(value: &Value, path: &str) -> bool {
    value.at(path) == Some(&Value::Bool(true))
}

/// The pointer to `path` under `base`, cut back to the deepest node that exists: where a
/// missing field is reported (its parent).
fn nearest(value: &Value, base: &Pointer, path: &str) -> Pointer {
    let mut at = base.clone();
    let mut node = value;
    for token in path.split('/').filter(|t| !t.is_empty()) {
        match crate::base::field(node, token) {
            Some(next) => {
                node = next;
                at = at.key(token);
            }
            None => break,
        }
    }
    at
}

/// Windows pods are exempt from the Linux-only restricted controls since policy 1.25.
fn is_windows(t: &PodTemplate<'_>) -> bool {
    t.spec.value.at("/os/name").and_then(Value::as_str) == Some("windows")
}

/// A pod in its own user namespace (`hostUsers: false`), for which policy 1.35 relaxes the
/// procMount and run-as-root controls.
fn in_user_namespace(t: &PodTemplate<'_>) -> bool {
    t.spec.get("hostUsers") == Some(&Value::Bool(false))
}

/// The pod-level `securityContext` and its pointer.
fn pod_security_context<'a>(t: &PodTemplate<'a>) -> (Option<&'a Value>, Pointer) {
    (
        t.spec.get("securityContext").filter(|v| v.is_object()),
        t.spec.pointer.key("securityContext"),
    )
}
