use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::{Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

use super::{autoscalers, min_replicas, runs_own_pods};

declare_rule! {
    /// ## What it does
    /// Reports a Deployment or StatefulSet that runs one replica (`replicas: 1`, or unset,
    /// which means 1) while a Service of its namespace selects its pods. A workload whose
    /// HorizontalPodAutoscaler keeps more than one replica is not reported.
    ///
    /// ## Why is this bad?
    /// The Service has a single endpoint: every rollout, node drain, eviction or crash is
    /// an outage for its clients.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   replicas: 1
    /// # and Service web selects its pods
    /// ```
    ///
    /// Use instead: `replicas: 2` or more, with a PodDisruptionBudget.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
    pub static SINGLE_REPLICA = {
        id: "single-replica",
        severity: Info,
        category: Reliability,
        summary: "a Deployment or StatefulSet with one replica behind a Service",
        help: "run at least two replicas of a workload that serves traffic",
    }
}

/// Finds single-replica workloads behind Services.
pub struct SingleReplica;

impl Rule for SingleReplica {
    fn meta(&self) -> &'static RuleMeta {
        &SINGLE_REPLICA
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let hpas = autoscalers(cx.graph);
        for w in cx.graph.checked().filter(|o| runs_own_pods(o)) {
            if !matches!(
                WorkloadKind::of(w),
                Some(WorkloadKind::Deployment | WorkloadKind::StatefulSet)
            ) {
                continue;
            }
            if PodTemplate::of(w).and_then(|t| t.replicas()) != Some(1)
                || hpas
                    .get(&w.id)
                    .is_some_and(|h: &&Object| min_replicas(h) > 1)
            {
                continue;
            }
            let services = cx.graph.services_selecting(w);
            let Some(first) = services.first() else {
                continue;
            };
            let pointer = if w.at("/spec/replicas").is_some() {
                Pointer::root().path("spec/replicas")
            } else {
                Pointer::root().key("spec")
            };
            out.push(
                SINGLE_REPLICA.at(w.id,
                    pointer,
                    format!(
                        "{} runs a single replica behind {}: each rollout or node drain is an outage",
                        w.display_name(),
                        first.display_name()
                    ),
                )
                .with_related(first.id, Pointer::root().path("spec/selector"), "selects its pods"),
            );
        }
    }
}
