use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::{Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

use super::{autoscalers, budgeted, min_replicas, runs_own_pods};

declare_rule! {
    /// ## What it does
    /// Reports a Deployment, StatefulSet, ReplicaSet or ReplicationController that runs
    /// more than one replica (or whose HorizontalPodAutoscaler keeps more than one) when
    /// no PodDisruptionBudget of its namespace in the inputs selects its pods.
    ///
    /// ## Why is this bad?
    /// Without a budget, a node drain or a cluster autoscaler scale-down may evict every
    /// replica at once: the replicas meant to keep the service up go down together.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   replicas: 3
    /// # and no PodDisruptionBudget selects app: web
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// metadata: {name: web}
    /// spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
    pub static PDB_MISSING = {
        id: "pdb-missing",
        severity: Info,
        category: Reliability,
        summary: "a workload with more than one replica that no PodDisruptionBudget covers",
        help: "add a PodDisruptionBudget with maxUnavailable: 1 that selects the workload's pods",
    }
}

/// Finds replicated workloads without a budget.
pub struct PdbMissing;

impl Rule for PdbMissing {
    fn meta(&self) -> &'static RuleMeta {
        &PDB_MISSING
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let candidates: Vec<&Object> = cx
            .graph
            .checked()
            .filter(|o| {
                runs_own_pods(o)
                    && matches!(
                        WorkloadKind::of(o),
                        Some(
                            WorkloadKind::Deployment
                                | WorkloadKind::StatefulSet
                                | WorkloadKind::ReplicaSet
                                | WorkloadKind::ReplicationController
                        )
                    )
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let covered = budgeted(cx.graph);
        let hpas = autoscalers(cx.graph);
        for w in candidates {
            if covered.contains(&w.id) {
                continue;
            }
            let replicas = match hpas.get(&w.id) {
                Some(hpa) => min_replicas(hpa),
                None => PodTemplate::of(w).and_then(|t| t.replicas()).unwrap_or(1),
            };
            if replicas <= 1 {
                continue;
            }
            let pointer = if w.at("/spec/replicas").is_some() {
                Pointer::root().path("spec/replicas")
            } else {
                Pointer::root().key("spec")
            };
            out.push(PDB_MISSING.at(w.id,
                pointer,
                format!(
                    "{} runs {replicas} replicas but no PodDisruptionBudget covers them: a drain may evict them all at once",
                    w.display_name()
                ),
            ));
        }
    }
}
