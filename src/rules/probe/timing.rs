use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{ProbeKind, probe, probes};

declare_rule! {
    /// ## What it does
    /// Two triggers, both on effective values (a missing or `0` field takes its default:
    /// `initialDelaySeconds` 0, `timeoutSeconds` 1, `periodSeconds` 10,
    /// `failureThreshold` 3):
    /// 1. any probe whose `timeoutSeconds` ≥ `periodSeconds` (reported at
    ///    `timeoutSeconds`, or at `periodSeconds` when the timeout is the default);
    /// 2. a container with a `livenessProbe` and no `startupProbe` where the liveness
    ///    probe has `initialDelaySeconds` 0 and `failureThreshold × periodSeconds` is under
    ///    10 seconds (reported at the `livenessProbe`): the container is restarted if it
    ///    is not answering within that many seconds of starting.
    ///
    /// Init containers that are not sidecars are skipped (`probe-init-container` reports
    /// their probes).
    ///
    /// ## Why is this bad?
    /// A probe that may take longer than its period overlaps with the next attempt, and a
    /// slow answer counts as a failure: the timing is wrong in one of the two fields. A
    /// liveness probe with a budget of a few seconds kills a container that is merely slow
    /// to start (JVMs, caches, migrations), which then never gets past CrashLoopBackOff.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    ///   periodSeconds: 2
    ///   failureThreshold: 2
    /// ```
    ///
    /// Use instead: give startup its own budget.
    /// ```yaml
    /// startupProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    ///   periodSeconds: 2
    ///   failureThreshold: 30
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    ///   periodSeconds: 2
    ///   failureThreshold: 2
    /// ```
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    pub static PROBE_TIMING = {
        id: "probe-timing",
        severity: Warning,
        category: Probe,
        summary: "a probe's timeout is not below its period, or a liveness probe can kill a starting container",
        help: "keep timeoutSeconds below periodSeconds; add a startupProbe or an initialDelaySeconds for slow starts",
        scope: Object,
    }
}

/// The shortest start a liveness probe without startupProbe should allow, in seconds.
const MIN_START_BUDGET: i64 = 10;

/// Compares probe timings.
pub struct ProbeTiming;

impl Rule for ProbeTiming {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_TIMING
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.serving_containers() {
            for p in probes(&c) {
                let (timeout, period) =
                    (p.effective("timeoutSeconds"), p.effective("periodSeconds"));
                if timeout >= period {
                    let field = if p.value.get("timeoutSeconds").is_some() {
                        "timeoutSeconds"
                    } else {
                        "periodSeconds"
                    };
                    out.push(PROBE_TIMING.at(
                        object.id,
                        p.pointer.key(field),
                        format!(
                            "{} of {} times out after {timeout}s but runs every {period}s",
                            p.kind.field(),
                            c.describe()
                        ),
                    ));
                }
            }
            let Some(liveness) = probe(&c, ProbeKind::Liveness) else {
                continue;
            };
            if probe(&c, ProbeKind::Startup).is_some()
                || liveness.effective("initialDelaySeconds") != 0
            {
                continue;
            }
            let budget =
                liveness.effective("failureThreshold") * liveness.effective("periodSeconds");
            if budget < MIN_START_BUDGET {
                out.push(PROBE_TIMING.at(object.id,
                    liveness.pointer.clone(),
                    format!(
                        "livenessProbe of {} restarts the container if it is not up within {budget}s of starting, and there is no startupProbe",
                        c.describe()
                    ),
                ));
            }
        }
    }
}
