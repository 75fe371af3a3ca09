use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Container, ContainerKind, Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a port `name` that another container of the same pod already declares.
    /// Regular containers and sidecars (init containers with `restartPolicy: Always`) are
    /// compared, in the order a Service resolves named ports; repeats within one
    /// container are `duplicate-port`'s.
    ///
    /// ## Why is this bad?
    /// The API server accepts it with a warning. A Service `targetPort` or anything else
    /// that selects the port by name uses the first container that declares it, so the
    /// second declaration never receives that traffic.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: "app:1.0"
    ///     ports: [{name: metrics, containerPort: 9090}]
    ///   - name: proxy
    ///     image: "envoy:1.30"
    ///     ports: [{name: metrics, containerPort: 9901}]
    /// ```
    ///
    /// Use instead: `app-metrics` and `proxy-metrics`.
    ///
    /// ## References
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    /// - Service: port definitions and named target ports: https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
    pub static DUPLICATE_PORT_NAME = {
        id: "duplicate-port-name",
        severity: Warning,
        category: Workload,
        summary: "two containers of a pod declare the same port name",
        help: "give the ports distinct names",
        scope: Object,
    }
}

/// Compares port names across the containers that serve traffic.
pub struct DuplicatePortName;

impl Rule for DuplicatePortName {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_PORT_NAME
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let spec = &template.spec;
        let sidecars = spec
            .containers_of(ContainerKind::Init)
            .filter(Container::is_sidecar);
        // Compare in file order, so that the later declaration is the one reported.
        let init_first = spec.value.as_object().is_some_and(|m| {
            m.keys()
                .find(|k| *k == "initContainers" || *k == "containers")
                .is_some_and(|k| k == "initContainers")
        });
        let serving: Vec<Container<'_>> = if init_first {
            sidecars.chain(spec.containers()).collect()
        } else {
            spec.containers().chain(sidecars).collect()
        };
        let mut first: Vec<(&str, Pointer, String, usize)> = Vec::new();
        for (ci, c) in serving.iter().enumerate() {
            for (i, port) in c.ports() {
                let Some(name) = port.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let at = c.pointer.key("ports").index(i).key("name");
                match first.iter().find(|(n, ..)| *n == name) {
                    Some((_, earlier, owner, owner_index)) if *owner_index != ci => {
                        out.push(
                            DUPLICATE_PORT_NAME.at(object.id,
                                at,
                                format!(
                                    "port name `{name}` of {} is also declared by {owner}; a Service targetPort that names it reaches only one of them",
                                    c.describe()
                                ),
                            )
                            .with_related(object.id, earlier.clone(), "first declared here"),
                        );
                    }
                    Some(_) => {}
                    None => first.push((name, at, c.describe(), ci)),
                }
            }
        }
    }
}
