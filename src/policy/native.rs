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

use crate::base::value::Value;

use super::value::to_dynamic;
use crate::base::Pointer;
use crate::base::pointer::field;
use crate::model::{Container, ContainerKind, Object, PodTemplate};

/// A compiled default policy: what its `check` returns for one object.
pub type Check = fn(&Object) -> Vec<Found>;

/// One finding, as a script returns it: where in the object, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Where, in the object.
    pub pointer: Pointer,
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

/// One step of a script's `at(value, "/a/b")`, `None` standing for `()`: a missing field,
/// JSON `null`, or a step through anything but a map.
fn at<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    field(value?, key).filter(|v| !v.is_null())
}

fn is_bool(value: Option<&Value>, b: bool) -> bool {
    value.and_then(Value::as_bool) == Some(b)
}

/// `${value ?? "?"}`: a string as it is, another value as Rhai prints it.
fn shown(value: Option<&Value>) -> String {
    match value {
        None => "?".to_owned(),
        Some(Value::String(s)) => s.to_string(),
        Some(other) => to_dynamic(other).to_string(),
    }
}

fn found(pointer: Pointer, message: String) -> Found {
    Found { pointer, message }
}

/// The containers `ctx.containers(object)` hands a script, in its order.
fn containers(object: &Object) -> Vec<Container<'_>> {
    PodTemplate::of(object)
        .map(|t| t.spec.all_containers().collect())
        .unwrap_or_default()
}

/// A container's `securityContext`, as a script's `at(c, "/value/securityContext")`.
fn security_context<'a>(c: &Container<'a>) -> Option<&'a Value> {
    at(Some(c.value), "securityContext")
}

/// policies/privileged-container.rhai
fn privileged_container(object: &Object) -> Vec<Found> {
    containers(object)
        .iter()
        .filter(|c| is_bool(at(security_context(c), "privileged"), true))
        .map(|c| {
            found(
                c.pointer.path("securityContext/privileged"),
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
        let sc = security_context(&c);
        let value = at(sc, "allowPrivilegeEscalation");
        if is_bool(value, false) {
            continue;
        }
        out.push(if is_bool(value, true) {
            found(
                c.pointer.path("securityContext/allowPrivilegeEscalation"),
                format!("{} allows privilege escalation", c.describe()),
            )
        } else {
            found(
                security_pointer(&c, sc, None),
                format!(
                    "{} does not set allowPrivilegeEscalation: false",
                    c.describe()
                ),
            )
        });
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
    .filter(|(name, _)| is_bool(at(Some(t.spec.value), name), true))
    .map(|(name, what)| {
        found(
            t.spec.pointer.key(name),
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
    let pod_sc = at(Some(t.spec.value), "securityContext");
    let mut out = Vec::new();
    for c in t.spec.all_containers() {
        let sc = security_context(&c);
        // The container's field when set, else the pod's.
        let effective = |name: &str| at(sc, name).or_else(|| at(pod_sc, name));
        let non_root = is_bool(effective("runAsNonRoot"), true);
        let user = effective("runAsUser").and_then(Value::as_i64);
        if non_root || user.is_some_and(|u| u != 0) {
            continue;
        }
        // `user == 0` (a number written `0.0` is read as the integer 0).
        out.push(if user == Some(0) {
            let owner = if at(sc, "runAsUser").is_some() {
                &c.pointer
            } else {
                t.spec.pointer
            };
            found(
                owner.path("securityContext/runAsUser"),
                format!("{} runs as root (runAsUser: 0)", c.describe()),
            )
        } else {
            let set = at(sc, "runAsNonRoot").is_some();
            found(
                security_pointer(&c, sc, set.then_some("runAsNonRoot")),
                format!(
                    "{} may run as root: neither it nor the pod sets runAsNonRoot: true or a non-zero runAsUser",
                    c.describe()
                ),
            )
        });
    }
    out
}

/// policies/read-only-root-fs.rhai
fn read_only_root_fs(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        let sc = security_context(&c);
        let value = at(sc, "readOnlyRootFilesystem");
        if is_bool(value, true) {
            continue;
        }
        let set = value.is_some().then_some("readOnlyRootFilesystem");
        out.push(found(
            security_pointer(&c, sc, set),
            format!("{} has a writable root filesystem", c.describe()),
        ));
    }
    out
}

/// Where a securityContext finding points: the field when it is set, else the
/// `securityContext` when it is a map, else the container.
fn security_pointer(c: &Container<'_>, sc: Option<&Value>, set: Option<&str>) -> Pointer {
    match set {
        Some(name) => c.pointer.key("securityContext").key(name),
        None if sc.is_some_and(Value::is_object) => c.pointer.key("securityContext"),
        None => c.pointer.clone(),
    }
}

/// Where a resources finding points: the `under` map (`limits`, `requests`) when there is
/// one, else `resources` when it is a map, else the container.
fn resources_pointer(c: &Container<'_>, resources: Option<&Value>, under: &str) -> Pointer {
    if at(resources, under).is_some_and(Value::is_object) {
        c.pointer.key("resources").key(under)
    } else if resources.is_some_and(Value::is_object) {
        c.pointer.key("resources")
    } else {
        c.pointer.clone()
    }
}

/// policies/resources-requests.rhai
fn resources_requests(object: &Object) -> Vec<Found> {
    let mut out = Vec::new();
    for c in containers(object) {
        if c.kind == ContainerKind::Ephemeral {
            continue;
        }
        let resources = at(Some(c.value), "resources");
        let (requests, limits) = (at(resources, "requests"), at(resources, "limits"));
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| at(requests, r).is_none() && at(limits, r).is_none())
            .collect();
        let what = match missing.as_slice() {
            [] => continue,
            [one] => format!("no {one} request"),
            _ => "no cpu and no memory request".to_owned(),
        };
        out.push(found(
            resources_pointer(&c, resources, "requests"),
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
        let resources = at(Some(c.value), "resources");
        if at(at(resources, "limits"), "memory").is_some() {
            continue;
        }
        out.push(found(
            resources_pointer(&c, resources, "limits"),
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
        let Some(Value::String(path)) = at(at(Some(v), "hostPath"), "path") else {
            continue;
        };
        // The script drops trailing slashes one at a time while more than one character is
        // left: the same as trimming them all, except that a path of slashes keeps one (and
        // linear, where counting the characters at each step was not).
        let trimmed = path.trim_end_matches('/');
        let clean = if trimmed.is_empty() {
            &path[..path.len().min(1)]
        } else {
            trimmed
        };
        if SOCKETS.contains(&clean) {
            let name = at(Some(v), "name").and_then(Value::as_str).unwrap_or("");
            out.push(found(
                t.spec.pointer.key("volumes").index(i).path("hostPath/path"),
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
        if let Some(Value::Array(env)) = at(Some(c.value), "env") {
            for (i, var) in env.iter().enumerate() {
                let r = at(at(Some(var), "valueFrom"), "secretKeyRef");
                if !r.is_some_and(Value::is_object) {
                    continue;
                }
                out.push(found(
                    c.pointer.key("env").index(i).path("valueFrom/secretKeyRef"),
                    format!(
                        "{} reads Secret {} key {} into env var {}",
                        c.describe(),
                        shown(at(r, "name")),
                        shown(at(r, "key")),
                        shown(at(Some(var), "name")),
                    ),
                ));
            }
        }
        if let Some(Value::Array(env_from)) = at(Some(c.value), "envFrom") {
            for (i, source) in env_from.iter().enumerate() {
                let r = at(Some(source), "secretRef");
                if !r.is_some_and(Value::is_object) {
                    continue;
                }
                out.push(found(
                    c.pointer.key("envFrom").index(i).key("secretRef"),
                    format!(
                        "{} loads every key of Secret {} into env vars",
                        c.describe(),
                        shown(at(r, "name"))
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::json;

    use super::*;
    use crate::base::{DocId, FileId, ObjectId};

    fn pod(spec: Value) -> Object {
        Object {
            id: ObjectId(0),
            file: FileId(0),
            doc: DocId(0),
            base: Pointer::root(),
            value: Arc::new(
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}),
            ),
            api_version: "v1".into(),
            kind: "Pod".into(),
            group: String::new(),
            namespace: Some("default".into()),
            name: "p".into(),
            context: false,
        }
    }

    /// A hostPath of a million slashes is read in linear time (the script's way, a
    /// character count per slash dropped, would not finish), and trailing slashes keep one.
    #[test]
    fn socket_paths_lose_their_trailing_slashes_in_linear_time() {
        let paths = |list: Vec<String>| {
            let volumes: Vec<Value> = list
                .into_iter()
                .enumerate()
                .map(|(i, p)| json!({"name": format!("v{i}"), "hostPath": {"path": p}}))
                .collect();
            let object = pod(json!({"containers": [], "volumes": volumes}));
            docker_socket(&object)
                .into_iter()
                .map(|f| f.pointer.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        let many = "/".repeat(1_000_000);
        let found = paths(vec![
            format!("/run{many}"),
            many.clone(),
            "/".into(),
            String::new(),
            "/run/docker.sock".into(),
            "/run/docker.sock.d".into(),
        ]);
        assert_eq!(
            found,
            [
                "/spec/volumes/0/hostPath/path",
                "/spec/volumes/4/hostPath/path"
            ]
        );
    }
}
