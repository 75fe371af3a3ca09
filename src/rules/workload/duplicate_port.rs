use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer, Severity};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{named, repeats};

declare_rule! {
    /// ## What it does
    /// Two checks on container `ports`:
    /// - **error**: a container declares the same port `name` twice (the later one is
    ///   reported, the first is related).
    /// - **warning**: the regular containers of a pod declare the same `containerPort` and
    ///   `protocol` (default `TCP`) twice, within one container or across containers,
    ///   unless both entries map to different non-zero `hostPort`s.
    ///
    /// ## Why is this bad?
    /// A repeated port name inside a container is rejected by the API server ("Duplicate
    /// value"). Two containers of a pod share one network namespace, so only one of them
    /// can listen on a port; the API server accepts the second declaration with a
    /// warning, and the container that loses the race fails to bind.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: "app:1.0"
    ///     ports:
    ///       - {name: http, containerPort: 8080}
    ///       - {name: http, containerPort: 9090}
    ///   - name: proxy
    ///     image: "envoy:1.30"
    ///     ports:
    ///       - {name: proxy, containerPort: 8080}
    /// ```
    ///
    /// Use instead: one name per port, one listener per port number.
    /// ```yaml
    ///     ports:
    ///       - {name: http, containerPort: 8080}
    ///       - {name: metrics, containerPort: 9090}
    ///   - name: proxy
    ///     ports:
    ///       - {name: proxy, containerPort: 8443}
    /// ```
    ///
    /// ## References
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    /// - Warning: helpful warnings ahead (API server warnings): https://kubernetes.io/blog/2020/09/03/warnings/
    pub static DUPLICATE_PORT = {
        id: "duplicate-port",
        severity: Error,
        category: Workload,
        summary: "a container repeats a port name, or a pod repeats a containerPort+protocol",
        help: "give each port its own name and each listener its own containerPort",
        scope: Object,
    }
}

/// Finds repeated port names per container and repeated port numbers per pod.
pub struct DuplicatePort;

/// A declared port, as far as overlap goes.
struct Declared {
    protocol: String,
    number: i64,
    host_port: i64,
    at: Pointer,
    container: Pointer,
    describe: String,
}

impl Rule for DuplicatePort {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_PORT
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            let base = c.pointer.key("ports");
            for r in repeats(named(c.list("ports"), &base, "name")) {
                out.push(r.finding(
                    &DUPLICATE_PORT,
                    object.id,
                    format!("port name `{}` is used twice in {}", r.key, c.describe()),
                    "first used here",
                ));
            }
        }

        let mut seen: Vec<Declared> = Vec::new();
        for c in template.spec.containers() {
            for (i, port) in c.ports() {
                let Some(number) = port.get("containerPort").and_then(Value::as_i64) else {
                    continue;
                };
                let declared = Declared {
                    protocol: port
                        .get("protocol")
                        .and_then(Value::as_str)
                        .unwrap_or("TCP")
                        .to_owned(),
                    number,
                    host_port: port.get("hostPort").and_then(Value::as_i64).unwrap_or(0),
                    at: c.pointer.key("ports").index(i).key("containerPort"),
                    container: c.pointer.clone(),
                    describe: c.describe(),
                };
                let clash = seen.iter().find(|s| {
                    s.protocol == declared.protocol
                        && s.number == declared.number
                        && (s.host_port == declared.host_port
                            || s.host_port == 0
                            || declared.host_port == 0)
                });
                if let Some(first) = clash {
                    let port = format!("containerPort {}/{}", declared.number, declared.protocol);
                    let message = if first.container == declared.container {
                        format!(
                            "{port} is declared twice in {}; the API server warns about the duplicate definition",
                            declared.describe
                        )
                    } else {
                        format!(
                            "{port} of {} is also declared by {}; the containers share the pod's network, so only one of them can listen on it",
                            declared.describe, first.describe
                        )
                    };
                    out.push(
                        DUPLICATE_PORT
                            .at(object.id, declared.at.clone(), message)
                            .with_severity(Severity::Warning)
                            .with_related(object.id, first.at.clone(), "first declared here"),
                    );
                }
                seen.push(declared);
            }
        }
    }
}
