use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports every container port (init, regular, ephemeral) that sets a non-zero
    /// `hostPort`, at the `hostPort`. Where `pod-security` reports it (baseline "Host
    /// Ports"), this rule stays silent on it.
    ///
    /// ## Why is this bad?
    /// A host port binds the port on the node's addresses: it bypasses NetworkPolicies
    /// on some network plugins, exposes the pod outside the cluster, and limits the
    /// workload to one pod per node (a second one stays Pending).
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// Use instead: expose the port with a Service (NodePort or LoadBalancer when it
    /// must be reached from outside).
    ///
    /// ## References
    /// - Pod Security Standards (baseline "Host Ports"): https://kubernetes.io/docs/concepts/security/pod-security-standards/
    /// - Configuration best practices (services): https://kubernetes.io/docs/concepts/configuration/overview/#services
    pub static HOST_PORT = {
        id: "host-port",
        severity: Warning,
        category: Security,
        summary: "a container binds a hostPort",
        help: "remove the hostPort and expose the port through a Service",
        scope: Object,
    }
}

/// Reports host ports.
pub struct HostPort;

impl Rule for HostPort {
    fn meta(&self) -> &'static RuleMeta {
        &HOST_PORT
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            for (j, port) in c.ports() {
                let Some(host) = port
                    .get("hostPort")
                    .and_then(Value::as_i64)
                    .filter(|p| *p != 0)
                else {
                    continue;
                };
                out.push(HOST_PORT.at(
                    object.id,
                    c.pointer.key("ports").index(j).key("hostPort"),
                    format!("{} binds port {host} on the node (hostPort)", c.describe()),
                ));
            }
        }
    }
}
