use std::collections::HashMap;

use crate::base::value::Value;

use crate::base::{At, Diagnostic, ObjectId, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a PersistentVolumeClaim of the inputs whose access modes are
    /// `ReadWriteOnce` or `ReadWriteOncePod` (and not `ReadWriteMany`) when it is mounted
    /// by a workload that runs more than one pod (`replicas` > 1, a DaemonSet, a Job with
    /// `parallelism` > 1) or by several workloads. The second and later workloads are
    /// reported, the first is related.
    ///
    /// ## Why is this bad?
    /// A ReadWriteOnce volume attaches to one node: pods scheduled elsewhere hang in
    /// `ContainerCreating` with a Multi-Attach error, and a ReadWriteOncePod volume admits
    /// a single pod. Scaling or a rolling update then stalls.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   replicas: 3
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       containers: [{name: web, image: "nginx:1.27", volumeMounts: [{name: data, mountPath: /data}]}]
    ///       volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]
    /// # web-data has accessModes: [ReadWriteOnce]
    /// ```
    ///
    /// Use instead: a ReadWriteMany claim, or a StatefulSet with a volumeClaimTemplate so
    /// that each replica gets its own claim.
    ///
    /// ## References
    /// - Persistent Volumes: access modes: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
    /// - StatefulSets: stable storage (volumeClaimTemplates): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage
    pub static RWO_VOLUME_SHARED = {
        id: "rwo-volume-shared",
        severity: Warning,
        category: Storage,
        summary: "a ReadWriteOnce claim is mounted by several pods",
        help: "use a ReadWriteMany claim, or give each replica its own claim (StatefulSet volumeClaimTemplates)",
    }
}

/// Counts the pods that mount each single-writer claim.
pub struct RwoVolumeShared;

/// How many pods a workload runs at once: `None` for "many" (a DaemonSet).
fn pods(t: &PodTemplate<'_>) -> Option<i64> {
    match t.kind {
        WorkloadKind::DaemonSet => None,
        WorkloadKind::Job => Some(
            t.object
                .at("/spec/parallelism")
                .and_then(Value::as_i64)
                .unwrap_or(1),
        ),
        WorkloadKind::CronJob => Some(1),
        _ => t.replicas(),
    }
}

impl Rule for RwoVolumeShared {
    fn meta(&self) -> &'static RuleMeta {
        &RWO_VOLUME_SHARED
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        type Mounts<'a> = Vec<(&'a Object, Pointer, Option<i64>)>;
        // Keyed by the claim object each workload sees: same-named claims of units apart
        // are different claims.
        let mut by_claim: HashMap<ObjectId, Mounts<'_>> = HashMap::new();
        let mut order = Vec::new();
        let mut objects: Vec<&Object> = cx.graph.objects.iter().collect();
        objects.sort_by_key(|o| (!o.context, o.id));
        for o in objects {
            let Some(t) = PodTemplate::of(o) else {
                continue;
            };
            if t.kind == WorkloadKind::PodTemplate {
                continue;
            }
            let n = pods(&t);
            for (i, v) in t.spec.volumes() {
                let Some(name) = v
                    .at("/persistentVolumeClaim/claimName")
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let Some(pvc) =
                    cx.graph
                        .get(o, "", "PersistentVolumeClaim", o.namespace.as_deref(), name)
                else {
                    continue;
                };
                let key = pvc.id;
                let at = t
                    .spec
                    .pointer
                    .key("volumes")
                    .index(i)
                    .path("persistentVolumeClaim/claimName");
                let list = by_claim.entry(key).or_default();
                if list.is_empty() {
                    order.push(key);
                }
                // One workload mounting a claim twice is still one workload.
                if !list.iter().any(|(w, _, _)| w.id == o.id) {
                    list.push((o, at, n));
                }
            }
        }
        for key in order {
            let pvc = cx.graph.object(key);
            let modes: Vec<&str> = pvc
                .at("/spec/accessModes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let single = modes
                .iter()
                .find(|m| matches!(**m, "ReadWriteOnce" | "ReadWriteOncePod"));
            let Some(single) = single else { continue };
            if modes.contains(&"ReadWriteMany") {
                continue;
            }
            let mounts = &by_claim[&key];
            for (index, (w, at, n)) in mounts.iter().enumerate() {
                if w.context {
                    continue;
                }
                if n.is_none_or(|n| n > 1) {
                    let count = n.map_or_else(|| "every node's".to_owned(), |n| n.to_string());
                    out.push(
                        RWO_VOLUME_SHARED
                            .at(
                                w.id,
                                at.clone(),
                                format!(
                                    "{single} claim {} is mounted by {count} pods of {} {}",
                                    pvc.name, w.kind, w.name
                                ),
                            )
                            .with_related(
                                pvc.id,
                                Pointer::root().path("spec/accessModes"),
                                "access modes of the claim",
                            ),
                    );
                }
                // The first earlier mount of a workload this one is applied with.
                let first = mounts[..index]
                    .iter()
                    .find(|(f, _, _)| cx.graph.sees(w.id, f.id));
                if let Some((first, first_at, _)) = first {
                    out.push(
                        RWO_VOLUME_SHARED
                            .at(
                                w.id,
                                at.clone(),
                                format!(
                                    "{single} claim {} is also mounted by {} {}",
                                    pvc.name, first.kind, first.name
                                ),
                            )
                            .with_related(first.id, first_at.clone(), "mounted here first"),
                    );
                }
            }
        }
    }
}
