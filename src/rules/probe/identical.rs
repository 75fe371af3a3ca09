use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{Probe, ProbeKind, probe};

declare_rule! {
    /// ## What it does
    /// Reports a container whose `livenessProbe` and `readinessProbe` are the same probe:
    /// equal after defaults are filled in (`timeoutSeconds` 1, `periodSeconds` 10,
    /// `successThreshold` 1, `failureThreshold` 3, `initialDelaySeconds` 0, `httpGet` path
    /// `/` and scheme `HTTP`). The probe written later is reported, the other is related.
    ///
    /// ## Why is this bad?
    /// The two probes answer different questions. With the same check and timing, a
    /// container that is busy or waiting for a dependency is not only taken out of its
    /// Services but also restarted, which turns a slow period into an outage; and the
    /// readiness probe gains nothing over the liveness probe.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    /// readinessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    /// ```
    ///
    /// Use instead: a cheap liveness check and a readiness check that includes
    /// dependencies, or at least a more tolerant liveness timing.
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    ///   failureThreshold: 6
    /// readinessProbe:
    ///   httpGet: {path: /ready, port: 8080}
    /// ```
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod lifecycle: container probes: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes
    pub static PROBE_IDENTICAL = {
        id: "probe-identical",
        severity: Warning,
        category: Probe,
        summary: "a container's liveness and readiness probes are identical",
        help: "make the readiness probe check readiness (dependencies, warm-up) and the liveness probe only liveness",
        scope: Object,
    }
}

/// Compares liveness and readiness probes.
pub struct ProbeIdentical;

/// The probe with every defaulted field filled in.
fn normalized(p: &Probe<'_>) -> Value {
    let mut v = p.value.clone();
    if let Some(map) = v.as_object_mut() {
        for field in [
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ] {
            map.insert(field.to_owned(), Value::from(p.effective(field)));
        }
        if let Some(http) = map.get_mut("httpGet").and_then(Value::as_object_mut) {
            for (field, default) in [("path", "/"), ("scheme", "HTTP")] {
                if http
                    .get(field)
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    http.insert(field.to_owned(), Value::from(default));
                }
            }
        }
    }
    v
}

impl Rule for ProbeIdentical {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_IDENTICAL
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.serving_containers() {
            let (Some(live), Some(ready)) = (
                probe(&c, ProbeKind::Liveness),
                probe(&c, ProbeKind::Readiness),
            ) else {
                continue;
            };
            if normalized(&live) != normalized(&ready) {
                continue;
            }
            // Key order is kept, so the later key is the later one in the file.
            let liveness_first = c
                .value
                .as_object()
                .and_then(|m| {
                    m.keys()
                        .find(|k| *k == "livenessProbe" || *k == "readinessProbe")
                })
                .is_some_and(|k| k == "livenessProbe");
            let (later, earlier) = if liveness_first {
                (&ready, &live)
            } else {
                (&live, &ready)
            };
            out.push(
                PROBE_IDENTICAL
                    .at(
                        object.id,
                        later.pointer.clone(),
                        format!(
                            "the livenessProbe and readinessProbe of {} are identical",
                            c.describe()
                        ),
                    )
                    .with_related(object.id, earlier.pointer.clone(), "the same probe"),
            );
        }
    }
}
