use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::semantics::endpoints::pod_workloads;
use crate::rules::{Context, Rule, RuleMeta};

use super::{autoscalers, budget_selector, min_replicas};

declare_rule! {
    /// ## What it does
    /// Reports a PodDisruptionBudget that can never allow a voluntary disruption:
    /// - `maxUnavailable: 0` or `0%`;
    /// - `minAvailable: 100%`;
    /// - `minAvailable: N` where N is at least the replicas of the workloads it covers
    ///   (for a workload a HorizontalPodAutoscaler scales, its `minReplicas`: the count
    ///   it runs at low load).
    ///
    /// Workloads whose pod count is not fixed (DaemonSets, Jobs) are not counted.
    ///
    /// ## Why is this bad?
    /// The eviction API refuses every eviction of the covered pods, so `kubectl drain`,
    /// node upgrades and the cluster autoscaler's scale-down hang until someone deletes
    /// the budget by hand.
    ///
    /// ## Example
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// spec:
    ///   minAvailable: 2
    ///   selector: {matchLabels: {app: web}}
    /// # the Deployment web runs replicas: 2
    /// ```
    ///
    /// Use instead: `maxUnavailable: 1`, or `minAvailable` below the replica count.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
    pub static PDB_BLOCKS_EVICTION = {
        id: "pdb-blocks-eviction",
        severity: Warning,
        category: Reliability,
        summary: "a PodDisruptionBudget can never allow a disruption",
        help: "allow at least one pod to be evicted: maxUnavailable: 1, or minAvailable below the replicas",
    }
}

/// Compares each budget with the pods it covers.
pub struct PdbBlocksEviction;

impl Rule for PdbBlocksEviction {
    fn meta(&self) -> &'static RuleMeta {
        &PDB_BLOCKS_EVICTION
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let pdbs: Vec<&Object> = cx
            .graph
            .of_kind("policy", "PodDisruptionBudget")
            .filter(|o| !o.context)
            .collect();
        if pdbs.is_empty() {
            return;
        }
        let hpas = autoscalers(cx.graph);
        for pdb in pdbs {
            let at = |field: &str| Pointer::root().key("spec").key(field);
            match pdb.at("/spec/maxUnavailable") {
                Some(v) if v.as_i64() == Some(0) || v.as_str() == Some("0%") => {
                    out.push(PDB_BLOCKS_EVICTION.at(pdb.id,
                        at("maxUnavailable"),
                        "maxUnavailable 0: no pod it covers can ever be evicted, so node drains hang",
                    ));
                    continue;
                }
                _ => {}
            }
            let min = pdb.at("/spec/minAvailable");
            if min.and_then(Value::as_str) == Some("100%") {
                out.push(PDB_BLOCKS_EVICTION.at(
                    pdb.id,
                    at("minAvailable"),
                    "minAvailable 100%: no pod it covers can ever be evicted, so node drains hang",
                ));
                continue;
            }
            let Some(min) = min.and_then(Value::as_i64) else {
                continue;
            };
            let Some(selector) = budget_selector(pdb) else {
                continue;
            };
            let mut total = 0;
            let mut parts = Vec::new();
            let mut fixed = true;
            for w in pod_workloads(cx.graph, pdb, pdb.namespace.as_deref(), &selector) {
                let count = match hpas.get(&w.id) {
                    Some(hpa) => {
                        parts.push(format!(
                            "{} scaled down to {} by {}",
                            w.display_name(),
                            min_replicas(hpa),
                            hpa.display_name()
                        ));
                        Some(min_replicas(hpa))
                    }
                    None => PodTemplate::of(w).and_then(|t| t.replicas()).inspect(|n| {
                        parts.push(format!("{} with {n} replicas", w.display_name()));
                    }),
                };
                match count {
                    Some(n) => total += n,
                    None => fixed = false,
                }
            }
            if fixed && total > 0 && min >= total {
                out.push(PDB_BLOCKS_EVICTION.at(pdb.id,
                    at("minAvailable"),
                    format!(
                        "minAvailable {min} is not below the {total} pod(s) it covers ({}): no eviction is ever allowed",
                        parts.join(", ")
                    ),
                ));
            }
        }
    }
}
