use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

use super::runs_own_pods;

declare_rule! {
    /// ## What it does
    /// Reports a Deployment, StatefulSet, ReplicaSet or ReplicationController with more
    /// than one replica whose pod template has neither `topologySpreadConstraints` nor
    /// `affinity.podAntiAffinity`.
    ///
    /// ## Why is this bad?
    /// The scheduler may place every replica on one node or in one zone; losing that node
    /// or zone takes them all down, and the replicas protect against nothing but crashes.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     spec:
    ///       containers: [{name: web, image: "nginx:1.27"}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: kubernetes.io/hostname
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector: {matchLabels: {app: web}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity>
    pub static SPREAD_MISSING = {
        id: "spread-missing",
        severity: Info,
        category: Reliability,
        summary: "a multi-replica workload with neither topology spread constraints nor pod anti-affinity",
        help: "spread the replicas over nodes or zones with topologySpreadConstraints",
        scope: Object,
    }
}

/// Checks that replicas are spread.
pub struct SpreadMissing;

impl Rule for SpreadMissing {
    fn meta(&self) -> &'static RuleMeta {
        &SPREAD_MISSING
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !runs_own_pods(object)
            || !matches!(
                WorkloadKind::of(object),
                Some(
                    WorkloadKind::Deployment
                        | WorkloadKind::StatefulSet
                        | WorkloadKind::ReplicaSet
                        | WorkloadKind::ReplicationController
                )
            )
        {
            return;
        }
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let Some(replicas) = template.replicas().filter(|n| *n > 1) else {
            return;
        };
        let spread = template
            .spec
            .get("topologySpreadConstraints")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
        let anti = template
            .spec
            .get("affinity")
            .and_then(|a| a.get("podAntiAffinity"))
            .is_some_and(|a| !a.is_null());
        if spread || anti {
            return;
        }
        out.push(SPREAD_MISSING.at(object.id,
            template.spec.pointer.clone(),
            format!(
                "{} runs {replicas} replicas with neither topologySpreadConstraints nor pod anti-affinity: they may all land on one node",
                object.display_name()
            ),
        ));
    }
}
