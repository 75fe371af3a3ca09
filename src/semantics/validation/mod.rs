//! The API server's hand-written validation of the built-in kinds (beyond the OpenAPI
//! schema), one module per area. Each check names, in a comment, the validation function
//! of kubernetes/kubernetes that it mirrors (`pkg/apis/<group>/validation/validation.go`
//! unless said otherwise), and says what the server would say: the field path, the kind
//! of error and the constraint.
//!
//! Checks read the JSON value in place and skip a field of the wrong type or an enum
//! value outside its set: the `schema` rule reports those, and one value is reported once.

mod apps;
mod batch;
mod config;
mod formats;
mod networking;
mod pod;
mod policy;
mod rbac;
mod service;
mod storage;

use std::fmt::Write;

use crate::base::value::Value;

use crate::base::Pointer;
use crate::model::{Object, PodTemplate};

pub use formats::iana_svc_name;

/// The kind of a field error, as the API server's `field.ErrorType` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `Invalid value`.
    Invalid,
    /// `Required value`.
    Required,
    /// `Forbidden`.
    Forbidden,
    /// `Duplicate value`.
    Duplicate,
    /// `Unsupported value` (the detail lists the supported values).
    NotSupported,
}

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The node the error is about (relative to the object).
    pub pointer: Pointer,
    /// The error type.
    pub kind: ErrorKind,
    /// The value as the server prints it (`Invalid value`, `Duplicate value`).
    pub value: Option<String>,
    /// The constraint.
    pub detail: String,
    /// The last pointer token is a map key, printed `[key]` as the server does.
    pub keyed: bool,
    /// A short name of the check, for counting findings per check.
    pub check: &'static str,
}

impl FieldError {
    /// The server's field path: `spec.containers[0].ports[0].name`.
    pub fn field_path(&self) -> String {
        field_path(&self.pointer, self.keyed)
    }

    /// The message the server would give: `<path>: Invalid value: "x": <detail>`.
    pub fn message(&self) -> String {
        let mut m = self.field_path();
        let _ = match self.kind {
            ErrorKind::Invalid => write!(
                m,
                ": Invalid value: {}",
                self.value.as_deref().unwrap_or("null")
            ),
            ErrorKind::Required => write!(m, ": Required value"),
            ErrorKind::Forbidden => write!(m, ": Forbidden"),
            ErrorKind::Duplicate => write!(
                m,
                ": Duplicate value: {}",
                self.value.as_deref().unwrap_or("null")
            ),
            ErrorKind::NotSupported => write!(
                m,
                ": Unsupported value: {}",
                self.value.as_deref().unwrap_or("null")
            ),
        };
        if !self.detail.is_empty() {
            m.push_str(": ");
            m.push_str(&self.detail);
        }
        m
    }
}

/// A pointer written as the server's field path: keys joined by `.`, indexes as `[n]`.
pub fn field_path(pointer: &Pointer, keyed: bool) -> String {
    let tokens: Vec<_> = pointer.tokens().collect();
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        if (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())) || (last && keyed) {
            let _ = write!(out, "[{t}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(t);
        }
    }
    if out.is_empty() {
        out.push_str("<root>");
    }
    out
}

/// A value printed as the server prints it in `Invalid value: …`.
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// The errors of one object, collected while walking it.
#[derive(Debug, Default)]
pub struct Errors {
    /// The errors found so far, in walk order.
    pub list: Vec<FieldError>,
}

impl Errors {
    fn push(
        &mut self,
        check: &'static str,
        pointer: Pointer,
        kind: ErrorKind,
        value: Option<String>,
        detail: String,
    ) -> &mut FieldError {
        self.list.push(FieldError {
            pointer,
            kind,
            value,
            detail,
            keyed: false,
            check,
        });
        self.list.last_mut().expect("just pushed")
    }

    /// `Invalid value`.
    pub fn invalid(
        &mut self,
        check: &'static str,
        at: Pointer,
        value: &Value,
        detail: impl Into<String>,
    ) -> &mut FieldError {
        self.push(
            check,
            at,
            ErrorKind::Invalid,
            Some(show(value)),
            detail.into(),
        )
    }

    /// `Required value`.
    pub fn required(
        &mut self,
        check: &'static str,
        at: Pointer,
        detail: impl Into<String>,
    ) -> &mut FieldError {
        self.push(check, at, ErrorKind::Required, None, detail.into())
    }

    /// `Forbidden`.
    pub fn forbidden(
        &mut self,
        check: &'static str,
        at: Pointer,
        detail: impl Into<String>,
    ) -> &mut FieldError {
        self.push(check, at, ErrorKind::Forbidden, None, detail.into())
    }

    /// `Unsupported value`, listing the supported values as the server does.
    pub fn not_supported(
        &mut self,
        check: &'static str,
        at: Pointer,
        value: &Value,
        supported: &[&str],
    ) -> &mut FieldError {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        self.push(
            check,
            at,
            ErrorKind::NotSupported,
            Some(show(value)),
            format!("supported values: {}", list.join(", ")),
        )
    }

    /// `Duplicate value`.
    pub fn duplicate(
        &mut self,
        check: &'static str,
        at: Pointer,
        value: &Value,
    ) -> &mut FieldError {
        self.push(
            check,
            at,
            ErrorKind::Duplicate,
            Some(show(value)),
            String::new(),
        )
    }
}

/// The target Kubernetes version, as far as validation depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// The minor version (`1.31` → 31).
    pub minor: u16,
}

impl Version {
    /// The version of a `1.NN` string; unknown spellings read as the newest behaviour.
    pub fn parse(text: &str) -> Version {
        let minor = text
            .trim_start_matches('v')
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .unwrap_or(u16::MAX);
        Version { minor }
    }

    /// Whether the target is `1.minor` or newer.
    pub fn at_least(self, minor: u16) -> bool {
        self.minor >= minor
    }
}

/// Everything the server's validation rejects in `object` that a static check can decide.
pub fn validate(object: &Object, version: Version) -> Vec<FieldError> {
    let mut errs = Errors::default();
    if let Some(template) = PodTemplate::of(object) {
        pod::validate_pod_spec(&template, version, &mut errs);
    }
    let root = Pointer::root();
    match (object.group.as_str(), object.kind.as_str()) {
        ("apps" | "extensions", "Deployment") => apps::deployment(object, &mut errs),
        ("apps" | "extensions", "DaemonSet") => apps::daemonset(object, &mut errs),
        ("apps", "StatefulSet") => apps::statefulset(object, &mut errs),
        ("apps" | "extensions", "ReplicaSet") | ("", "ReplicationController") => {
            apps::replicas_fields(object, &mut errs)
        }
        ("batch", "Job") => batch::job_spec(&object.value, &root.key("spec"), &mut errs),
        ("batch", "CronJob") => batch::cronjob(object, &mut errs),
        ("", "Service") => service::service(object, &mut errs),
        ("", "Endpoints") => service::endpoints(object, &mut errs),
        ("networking.k8s.io" | "extensions", "Ingress") => networking::ingress(object, &mut errs),
        ("networking.k8s.io", "NetworkPolicy") => networking::network_policy(object, &mut errs),
        ("policy", "PodDisruptionBudget") => policy::pdb(object, &mut errs),
        ("autoscaling", "HorizontalPodAutoscaler") => policy::hpa(object, &mut errs),
        ("scheduling.k8s.io", "PriorityClass") => policy::priority_class(object, &mut errs),
        ("", "PersistentVolumeClaim") => storage::pvc(object, &mut errs),
        ("", "PersistentVolume") => storage::pv(object, &mut errs),
        ("", "Secret") => config::secret(object, &mut errs),
        ("", "ResourceQuota") => config::resource_quota(object, &mut errs),
        ("", "LimitRange") => config::limit_range(object, &mut errs),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => rbac::role(object, &mut errs),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            rbac::binding(object, &mut errs)
        }
        _ => {}
    }
    errs.list
}

/// The list at `key` of a mapping, empty when absent or not a list.
fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The integer at `key`, with its value for messages.
fn int<'a>(value: &'a Value, key: &str) -> Option<(i64, &'a Value)> {
    let v = value.get(key)?;
    v.as_i64().map(|n| (n, v))
}

/// `ValidateNonnegativeField` (apimachinery): an optional integer must be ≥ 0.
fn nonnegative(value: &Value, at: &Pointer, key: &str, errs: &mut Errors) {
    if let Some((n, v)) = int(value, key) {
        if n < 0 {
            errs.invalid(
                "nonnegative-field",
                at.key(key),
                v,
                "must be greater than or equal to 0",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_as_the_servers() {
        let p = Pointer::root()
            .path("spec/containers")
            .index(0)
            .path("ports");
        assert_eq!(
            field_path(&p.index(1).key("name"), false),
            "spec.containers[0].ports[1].name"
        );
        let r = Pointer::root().path("spec/resources/requests").key("cpu");
        assert_eq!(field_path(&r, true), "spec.resources.requests[cpu]");
        assert_eq!(field_path(&Pointer::root(), false), "<root>");
    }

    #[test]
    fn versions_parse_and_compare() {
        assert!(Version::parse("1.32").at_least(32));
        assert!(!Version::parse("1.31").at_least(32));
        assert!(Version::parse("bogus").at_least(40));
    }
}
