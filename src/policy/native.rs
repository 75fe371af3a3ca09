//! The default policies compiled: each function here finds exactly what its `.rhai` file
//! in `policies/` finds, without the interpreter.
//!
//! The `.rhai` files stay what users read, copy and test (`k8lint explain`, `k8lint
//! policy test`, docs/policies.md), and they are the reference: `tests/policies.rs` runs
//! every file through Rhai beside its compiled form, on every policy's cases and on pods
//! of the wrong shapes, and requires the same findings. Interpreting the nine took a third
//! of a run on a large repository (bench/RESULTS.md, 2026-12-01). Only the embedded texts
//! are compiled ([`super::PolicySet::defaults`]); a user's policy always runs in Rhai.
//!
//! How the scripts read carries over: what they see as `()` (a missing field, JSON `null`,
//! a step through a value of the wrong type) is absent here ([`at`]); `== true` holds for
//! the boolean only; a value other than a string appears in a message as Rhai prints it.

use serde_json::Value;

use super::value::to_dynamic;
use crate::base::At;
use crate::model::{Container, ContainerKind, Object, PodTemplate};

/// A compiled default policy: what its `check` returns for one object.
pub type Check = fn(&Object) -> Vec<Found>;

/// One finding, as a script returns it: a JSON pointer and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Where, in the object.
    pub path: String,
    /// What.
    pub message: String,
}

/// The compiled form of a default policy, by id.
pub fn of(id: &str) -> Option<Check> {
    Some(match id {
        "privileged-container" => privileged_container,
        "privilege-escalation" => privilege_escalation,
        "host-namespaces" => host_namespaces,
        "run-as-root" => run_as_root,
        "read-only-root-fs" => read_only_root_fs,
        "resources-requests" => resources_requests,
        "resources-limits" => resources_limits,
        "docker-socket" => docker_socket,
        "secret-env" => secret_env,
        _ => return None,
    })
}

/// A script's `at(value, pointer)`, `None` standing for `()`.
fn at<'a>(value: Option<&'a Value>, pointer: &str) -> Option<&'a Value> {
    value?.at(pointer).filter(|v| !v.is_null())
}

fn is_bool(value: Option<&Value>, b: bool) -> bool {
    value.and_then(Value::as_bool) == Some(b)
}

/// `${value ?? "?"}`: a string as it is, another value as Rhai prints it.
fn shown(value: Option<&Value>) -> String {
    match value {
        None => "?".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => to_dynamic(other).to_string(),
    }
}

fn found(path: String, message: String) -> Found {
    Found { path, message }
}

/// The containers `ctx.containers(object)` hands a script, in its order.
fn containers(object: &Object) -> Vec<Container<'_>> {
    PodTemplate::of(object)
        .map(|t| t.spec.all_containers().collect())
        .unwrap_or_default()
}

/// policies/privileged-container.rhai
fn privileged_container(object: &Object) -> Vec<Found> {
    containers(object)
        .iter()
        .filter(|c| is_bool(at(Some(c.value), "/securityContext/privileged"), true))
        .map(|c| {
            found(
                format!("{}/securityContext/privileged", c.pointer.as_str()),
                format!(
                    "{} runs privileged: it has full access to the node",
                    c.describe()
                ),
            )
        })
        .collect()
}

/// policies/privilege-escalation.rhai
fn privilege_escalation(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        let sc = at(Some(c.value), "/securityContext");
        let value = at(sc, "/allowPrivilegeEscalation");
        if is_bool(value, false) {
            continue;
        }
        let pointer = c.pointer.as_str();
        let (path, message) = if is_bool(value, true) {
            (
                format!("{pointer}/securityContext/allowPrivilegeEscalation"),
                format!("{} allows privilege escalation", c.describe()),
            )
        } else {
            (
                security_path(pointer, sc, None),
                format!(
                    "{} does not set allowPrivilegeEscalation: false",
                    c.describe()
                ),
            )
        };
        out.push(found(path, message));
    }
    out
}

/// policies/host-namespaces.rhai
fn host_namespaces(object: &Object) -> Vec<Found> {
    let Some(t) = PodTemplate::of(object) else {
        return Vec::new();
    };
    [
        (
            "hostNetwork",
            "network namespace (every port and the node's traffic)",
        ),
        ("hostPID", "PID namespace (every process)"),
        ("hostIPC", "IPC namespace (shared memory)"),
    ]
    .into_iter()
    .filter(|(field, _)| is_bool(at(Some(t.spec.value), &format!("/{field}")), true))
    .map(|(field, what)| {
        found(
            format!("{}/{field}", t.spec.pointer.as_str()),
            format!("the pod shares the node's {what}"),
        )
    })
    .collect()
}

/// policies/run-as-root.rhai
fn run_as_root(object: &Object) -> Vec<Found> {
    let Some(t) = PodTemplate::of(object) else {
        return Vec::new();
    };
    let pod_sc = at(Some(t.spec.value), "/securityContext");
    let mut out = Vec::new();
    for c in t.spec.all_containers() {
        let sc = at(Some(c.value), "/securityContext");
        // The container's field when set, else the pod's.
        let effective = |field: &str| at(sc, field).or_else(|| at(pod_sc, field));
        let non_root = is_bool(effective("/runAsNonRoot"), true);
        let user = effective("/runAsUser");
        let user_int = user.and_then(Value::as_i64);
        if non_root || user_int.is_some_and(|u| u != 0) {
            continue;
        }
        let pointer = c.pointer.as_str();
        // `user == 0` (a number written `0.0` is read as the integer 0).
        if user_int == Some(0) {
            let path = if at(sc, "/runAsUser").is_some() {
                format!("{pointer}/securityContext/runAsUser")
            } else {
                format!("{}/securityContext/runAsUser", t.spec.pointer.as_str())
            };
            out.push(found(
                path,
                format!("{} runs as root (runAsUser: 0)", c.describe()),
            ));
        } else {
            let set = at(sc, "/runAsNonRoot").is_some();
            out.push(found(
                security_path(pointer, sc, set.then_some("runAsNonRoot")),
                format!(
                    "{} may run as root: neither it nor the pod sets runAsNonRoot: true or a non-zero runAsUser",
                    c.describe()
                ),
            ));
        }
    }
    out
}

/// policies/read-only-root-fs.rhai
fn read_only_root_fs(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        let sc = at(Some(c.value), "/securityContext");
        let value = at(sc, "/readOnlyRootFilesystem");
        if is_bool(value, true) {
            continue;
        }
        let field = value.is_some().then_some("readOnlyRootFilesystem");
        out.push(found(
            security_path(c.pointer.as_str(), sc, field),
            format!("{} has a writable root filesystem", c.describe()),
        ));
    }
    out
}

/// Where a securityContext finding points: the field when it is set, else the
/// `securityContext` when it is a map, else the container.
fn security_path(container: &str, sc: Option<&Value>, field: Option<&str>) -> String {
    match field {
        Some(field) => format!("{container}/securityContext/{field}"),
        None if sc.is_some_and(Value::is_object) => format!("{container}/securityContext"),
        None => container.to_owned(),
    }
}

/// Where a resources finding points: the `under` map (`limits`, `requests`) when there is
/// one, else `resources` when it is a map, else the container.
fn resources_path(c: &Container<'_>, resources: Option<&Value>, under: &str) -> String {
    let pointer = c.pointer.as_str();
    if at(resources, &format!("/{under}")).is_some_and(Value::is_object) {
        format!("{pointer}/resources/{under}")
    } else if resources.is_some_and(Value::is_object) {
        format!("{pointer}/resources")
    } else {
        pointer.to_owned()
    }
}

/// policies/resources-requests.rhai
fn resources_requests(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        if c.kind == ContainerKind::Ephemeral {
            continue;
        }
        let resources = at(Some(c.value), "/resources");
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| {
                at(resources, &format!("/requests/{r}")).is_none()
                    && at(resources, &format!("/limits/{r}")).is_none()
            })
            .collect();
        let what = match missing.as_slice() {
            [] => continue,
            [one] => format!("no {one} request"),
            _ => "no cpu and no memory request".to_owned(),
        };
        out.push(found(
            resources_path(&c, resources, "requests"),
            format!("{} sets {what}", c.describe()),
        ));
    }
    out
}

/// policies/resources-limits.rhai
fn resources_limits(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        if c.kind == ContainerKind::Ephemeral {
            continue;
        }
        let resources = at(Some(c.value), "/resources");
        if at(resources, "/limits/memory").is_some() {
            continue;
        }
        out.push(found(
            resources_path(&c, resources, "limits"),
            format!("{} sets no memory limit", c.describe()),
        ));
    }
    out
}

/// The node paths policies/docker-socket.rhai knows for the container runtime's socket.
const SOCKETS: [&str; 18] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/run/podman/podman.sock",
    "/var/run",
    "/run",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/var/run/docker",
    "/run/docker",
    "/run/podman",
];

/// policies/docker-socket.rhai
fn docker_socket(object: &Object) -> Vec<Found> {
    let Some(t) = PodTemplate::of(object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in t.spec.volumes() {
        let Some(Value::String(path)) = at(Some(v), "/hostPath/path") else {
            continue;
        };
        // The script drops trailing slashes one character at a time, keeping one.
        let mut clean = path.as_str();
        while clean.chars().count() > 1 && clean.ends_with('/') {
            clean = &clean[..clean.len() - 1];
        }
        if SOCKETS.contains(&clean) {
            let name = v.get("name").and_then(Value::as_str).unwrap_or("");
            out.push(found(
                format!(
                    "{}/hostPath/path",
                    t.spec.pointer.key("volumes").index(i).as_str()
                ),
                format!("volume {name} mounts the container runtime socket ({path}) from the node"),
            ));
        }
    }
    out
}

/// policies/secret-env.rhai
fn secret_env(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        let pointer = c.pointer.as_str();
        if let Some(Value::Array(env)) = at(Some(c.value), "/env") {
            for (i, var) in env.iter().enumerate() {
                let Some(r @ Value::Object(_)) = at(Some(var), "/valueFrom/secretKeyRef") else {
                    continue;
                };
                out.push(found(
                    format!("{pointer}/env/{i}/valueFrom/secretKeyRef"),
                    format!(
                        "{} reads Secret {} key {} into env var {}",
                        c.describe(),
                        shown(at(Some(r), "/name")),
                        shown(at(Some(r), "/key")),
                        shown(at(Some(var), "/name")),
                    ),
                ));
            }
        }
        if let Some(Value::Array(env_from)) = at(Some(c.value), "/envFrom") {
            for (i, source) in env_from.iter().enumerate() {
                let Some(r @ Value::Object(_)) = at(Some(source), "/secretRef") else {
                    continue;
                };
                out.push(found(
                    format!("{pointer}/envFrom/{i}/secretRef"),
                    format!(
                        "{} loads every key of Secret {} into env vars",
                        c.describe(),
                        shown(at(Some(r), "/name"))
                    ),
                ));
            }
        }
    }
    out
}
