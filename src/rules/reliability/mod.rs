//! Reliability: disruption budgets, replica counts, spreading, autoscalers, network
//! policy coverage, CronJob schedules, image pull policies and wildcard Ingress hosts.
//! Questions across objects go through the graph's label index: each budget, policy and
//! autoscaler is resolved once from its own side.

pub use bare_pod::BARE_POD;
pub use cronjob_schedule::CRONJOB_SCHEDULE;
pub use hpa_replicas::HPA_REPLICAS;
pub use image_pull_policy::IMAGE_PULL_POLICY;
pub use ingress_wildcard_host::INGRESS_WILDCARD_HOST;
pub use network_policy_coverage::NETWORK_POLICY_COVERAGE;
pub use network_policy_no_pods::NETWORK_POLICY_NO_PODS;
pub use pdb_blocks_eviction::PDB_BLOCKS_EVICTION;
pub use pdb_missing::PDB_MISSING;
pub use single_replica::SINGLE_REPLICA;
pub use spread_missing::SPREAD_MISSING;

use std::collections::{HashMap, HashSet};

use crate::base::value::Value;

use crate::base::ObjectId;
use crate::graph::Graph;
use crate::model::object::group_of;
use crate::model::{Object, PodTemplate, Selector, WorkloadKind};
use crate::semantics::endpoints::covered_workloads;

rules! {
    /// The reliability rules.
    network_policy_coverage::NetworkPolicyCoverage,
    network_policy_no_pods::NetworkPolicyNoPods,
    pdb_blocks_eviction::PdbBlocksEviction,
    pdb_missing::PdbMissing,
    hpa_replicas::HpaReplicas,
    single_replica::SingleReplica,
    spread_missing::SpreadMissing,
    bare_pod::BarePod,
    cronjob_schedule::CronjobSchedule,
    image_pull_policy::ImagePullPolicy,
    ingress_wildcard_host::IngressWildcardHost,
}

/// For each workload an HPA scales, that HPA (the first, when several name it).
pub(crate) fn autoscalers(graph: &Graph) -> HashMap<ObjectId, &Object> {
    let mut out = HashMap::new();
    for hpa in graph.of_kind("autoscaling", "HorizontalPodAutoscaler") {
        let Some(target) = hpa.at("/spec/scaleTargetRef") else {
            continue;
        };
        let field = |k: &str| target.get(k).and_then(Value::as_str).unwrap_or("");
        let group = match group_of(field("apiVersion")) {
            "" | "extensions" => "apps",
            g => g,
        };
        if let Some(w) = graph.get(
            hpa,
            group,
            field("kind"),
            hpa.namespace.as_deref(),
            field("name"),
        ) {
            out.entry(w.id).or_insert(hpa);
        }
    }
    out
}

/// An HPA's `minReplicas` (default 1).
pub(crate) fn min_replicas(hpa: &Object) -> i64 {
    hpa.at("/spec/minReplicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

/// The selector of a PodDisruptionBudget, when it is readable and selects something.
pub(crate) fn budget_selector(pdb: &Object) -> Option<Selector> {
    let value = pdb.at("/spec/selector").filter(|v| !v.is_null())?;
    Selector::from_label_selector(value).ok()
}

/// The workloads whose pods a PodDisruptionBudget covers.
pub(crate) fn budgeted(graph: &Graph) -> HashSet<ObjectId> {
    let budgets = graph
        .of_kind("policy", "PodDisruptionBudget")
        .filter_map(|pdb| budget_selector(pdb).map(|s| (pdb, s)));
    covered_workloads(graph, budgets)
}

/// Whether a checked object runs pods of its own: a workload other than a PodTemplate,
/// not controlled by another workload (a Deployment's ReplicaSet counts through the
/// Deployment).
pub(crate) fn runs_own_pods(object: &Object) -> bool {
    let Some(kind) = WorkloadKind::of(object) else {
        return false;
    };
    let controlled = object
        .at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| {
            refs.iter()
                .any(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        });
    kind != WorkloadKind::PodTemplate && !controlled && PodTemplate::of(object).is_some()
}
