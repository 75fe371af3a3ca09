use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{ProbeKind, probes};

declare_rule! {
    /// ## What it does
    /// Reports probe fields the API server refuses:
    /// - `successThreshold` of a `livenessProbe` or `startupProbe` other than 1 (`0` is
    ///   defaulted to 1 and accepted);
    /// - a negative `initialDelaySeconds`, `timeoutSeconds`, `periodSeconds`,
    ///   `successThreshold` or `failureThreshold` (`0` is replaced by the default);
    /// - a probe-level `terminationGracePeriodSeconds` that is not positive, or any on a
    ///   `readinessProbe`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod ("must be 1", "must be greater than or equal to 0",
    /// "must be greater than 0", "Forbidden"). A liveness probe cannot need several
    /// successes: one success already means the container is alive.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    ///   successThreshold: 3
    /// ```
    ///
    /// Use instead: drop `successThreshold` (or use it on the readinessProbe).
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    pub static PROBE_THRESHOLD = {
        id: "probe-threshold",
        severity: Error,
        category: Probe,
        summary: "a probe threshold or timing field is below its minimum, or a liveness/startup successThreshold is not 1",
        help: "use successThreshold 1 for liveness and startup probes and non-negative timings",
        scope: Object,
    }
}

/// Fields that must not be negative.
const NON_NEGATIVE: [&str; 5] = [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
];

/// Checks each probe's numeric fields.
pub struct ProbeThreshold;

impl Rule for ProbeThreshold {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_THRESHOLD
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            for p in probes(&c) {
                let probe = p.kind.field();
                let mut report = |field: &str, message: String| {
                    out.push(PROBE_THRESHOLD.at(object.id, p.pointer.key(field), message));
                };
                for field in NON_NEGATIVE {
                    let Some(n) = p.value.get(field).and_then(Value::as_i64) else {
                        continue;
                    };
                    if n < 0 {
                        report(
                            field,
                            format!(
                                "{probe}.{field} of {} is {n}; it must not be negative",
                                c.describe()
                            ),
                        );
                    } else if field == "successThreshold" && n > 1 && p.kind != ProbeKind::Readiness
                    {
                        report(
                            field,
                            format!(
                                "{probe}.successThreshold of {} must be 1, not {n}",
                                c.describe()
                            ),
                        );
                    }
                }
                let grace = "terminationGracePeriodSeconds";
                match p.value.get(grace).filter(|v| !v.is_null()) {
                    Some(_) if p.kind == ProbeKind::Readiness => report(
                        grace,
                        format!(
                            "readinessProbe of {} may not set terminationGracePeriodSeconds",
                            c.describe()
                        ),
                    ),
                    Some(v) if v.as_i64().is_some_and(|n| n <= 0) => report(
                        grace,
                        format!(
                            "{probe}.terminationGracePeriodSeconds of {} must be greater than 0",
                            c.describe()
                        ),
                    ),
                    _ => {}
                }
            }
        }
    }
}
