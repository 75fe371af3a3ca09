use crate::base::value::Value;

use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::{Container, Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::probes;

declare_rule! {
    /// ## What it does
    /// Resolves the `port` of every `httpGet`, `tcpSocket` and `grpc` probe against the
    /// `ports` of the probe's own container, as the kubelet does:
    /// - **error**: a named port (`port: http`) that the container does not declare. Ports
    ///   of other containers of the pod do not count; the message says when another
    ///   container declares the name.
    /// - **warning**: a port number that is not among the container's `containerPort`s,
    ///   when the container declares some ports. A container that declares none is not
    ///   reported: declaring ports is optional.
    ///
    /// A named port that the container declares with protocol UDP (or SCTP) is an error
    /// too: the kubelet's `tcpSocket` and `httpGet` probes connect over TCP.
    ///
    /// A quoted number (`port: "8080"`) is a port name to Kubernetes and is reported as
    /// one that no port has. Unrendered placeholders (`${PORT}`, `{{ .port }}`, `$(PORT)`)
    /// are skipped.
    ///
    /// ## Why is this bad?
    /// The API server only checks the syntax of a port name. The kubelet cannot resolve an
    /// unknown name, so the probe fails on every attempt: a liveness probe restarts the
    /// container forever (CrashLoopBackOff), a readiness probe keeps the pod out of its
    /// Services. A number outside the declared ports is often a port that was renumbered
    /// in one place only.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: "web:1.0"
    ///     ports: [{name: http, containerPort: 8080}]
    ///     readinessProbe:
    ///       httpGet: {path: /ready, port: web}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     readinessProbe:
    ///       httpGet: {path: /ready, port: http}
    /// ```
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    pub static PROBE_PORT = {
        id: "probe-port",
        severity: Error,
        category: Probe,
        summary: "a probe names a port that its container does not declare",
        help: "use a port name or number declared in the container's ports",
        scope: Object,
    }
}

/// Resolves probe ports against the container's own ports.
pub struct ProbePort;

fn is_placeholder(name: &str) -> bool {
    name.contains("${") || name.contains("{{") || name.contains("$(")
}

impl Rule for ProbePort {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_PORT
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let containers: Vec<Container<'_>> = template.spec.all_containers().collect();
        for c in &containers {
            let declares_ports = c
                .ports()
                .any(|(_, p)| p.get("containerPort").is_some_and(Value::is_i64));
            for p in probes(c) {
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(port) = p.value.get(handler).and_then(|h| h.get("port")) else {
                        continue;
                    };
                    let at = p.pointer.key(handler).key("port");
                    let field = p.kind.field();
                    if let Some(name) = port.as_str() {
                        // An unrendered placeholder (`${PORT}`, `{{ .port }}`) is not a name.
                        if is_placeholder(name) {
                            continue;
                        }
                        if let Some((_, declared)) = c.port_named(name) {
                            // The kubelet connects over TCP (gRPC runs over it too), whatever
                            // protocol the named port was declared with.
                            let protocol = declared
                                .get("protocol")
                                .and_then(Value::as_str)
                                .unwrap_or("TCP");
                            if protocol != "TCP" && !protocol.is_empty() {
                                out.push(PROBE_PORT.at(object.id,
                                    at,
                                    format!(
                                        "{field} of {} uses port `{name}`, which the container declares with protocol {protocol}; a {handler} probe connects over TCP and can never succeed",
                                        c.describe()
                                    ),
                                ));
                            }
                            continue;
                        }
                        if name.parse::<u16>().is_ok() {
                            out.push(PROBE_PORT.at(object.id,
                                at,
                                format!(
                                    "{field} of {} uses port \"{name}\": a quoted number is read as a port name, and no port has that name; write the number unquoted",
                                    c.describe()
                                ),
                            ));
                            continue;
                        }
                        let elsewhere = containers
                            .iter()
                            .find(|o| o.pointer != c.pointer && o.port_named(name).is_some())
                            .map(|o| format!(" ({} declares it, but a probe only sees its own container's ports)", o.describe()))
                            .unwrap_or_default();
                        out.push(PROBE_PORT.at(object.id,
                            at,
                            format!(
                                "{field} of {} uses port `{name}`, which the container does not declare{elsewhere}",
                                c.describe()
                            ),
                        ));
                    } else if let Some(number) = port.as_i64() {
                        if declares_ports && !c.declares_port_number(number) {
                            out.push(
                                PROBE_PORT.at(object.id,
                                    at,
                                    format!(
                                        "{field} of {} uses port {number}, which is not among the container's declared ports",
                                        c.describe()
                                    ),
                                )
                                .with_severity(Severity::Warning),
                            );
                        }
                    }
                }
            }
        }
    }
}
