use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

use super::report::fold;
use crate::semantics::storage::binder::Outcome;

declare_rule! {
    /// ## What it does
    /// Binds claims to PersistentVolumes as the PV controller would and reports:
    ///
    /// - a claim left without a PV because an earlier claim took the one PV that fits it
    ///   (only for claims that cannot be provisioned dynamically: see `pvc-unbindable`);
    /// - a claim whose `volumeName` names a PV that another claim holds, or whose
    ///   `claimRef` reserves it for another claim;
    /// - a PV whose `claimRef` names a claim whose `volumeName` names another PV.
    ///
    /// The simulation: claims pre-bound by `volumeName` first; then every other claim in a
    /// fixed order (context claims, which exist already, then the inputs in file and
    /// document order, a StatefulSet's claims ordinal by ordinal) takes, among PVs whose
    /// access modes include the requested ones, the group with the fewest modes first and
    /// in it the smallest PV that fits (capacity, volumeMode, class, selector; a PV whose
    /// `claimRef` names the claim is taken at once, one that names another claim never).
    /// The real controller's order is its informer's, so "first" means first in that
    /// order.
    ///
    /// ## Why is this bad?
    /// Two claims race for one volume: whichever the controller sees first binds, the
    /// other stays `Pending`, and which one loses can change from one install to the next.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: shared}
    /// spec:
    ///   storageClassName: manual
    ///   capacity: {storage: 10Gi}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /srv/shared}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: {name: app-data}
    /// spec:
    ///   storageClassName: manual
    ///   accessModes: [ReadWriteOnce]
    ///   resources: {requests: {storage: 5Gi}}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: {name: backup-data}
    /// spec:
    ///   storageClassName: manual
    ///   accessModes: [ReadWriteOnce]
    ///   resources: {requests: {storage: 5Gi}}
    /// ```
    ///
    /// Use instead: one PV per claim, or pre-bind each claim to its PV with `volumeName`
    /// (and the PV with `claimRef`).
    ///
    /// ## References
    /// - Persistent Volumes: binding: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#binding
    /// - Persistent Volumes: reserving a PersistentVolume: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume
    /// - StatefulSets: stable storage (volumeClaimTemplates): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage
    pub static PV_BINDING_CONFLICT = {
        id: "pv-binding-conflict",
        severity: Error,
        category: Storage,
        summary: "claims compete for one PersistentVolume, or claimRef and volumeName disagree",
        help: "give each claim its own PersistentVolume, or pre-bind them with volumeName and claimRef",
    }
}

/// Reports the conflicts found by the binding simulation.
pub struct PvBindingConflict;

impl Rule for PvBindingConflict {
    fn meta(&self) -> &'static RuleMeta {
        &PV_BINDING_CONFLICT
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let binding = cx.binding();
        let mut found = Vec::new();
        let name = Pointer::root().path("metadata/name");
        for (c, outcome) in binding.claims.iter().zip(&binding.outcomes) {
            if c.object.context {
                continue;
            }
            match outcome {
                Outcome::Taken(vi, other) => {
                    let v = &binding.volumes[*vi];
                    let o = &binding.claims[*other];
                    found.push(
                        PV_BINDING_CONFLICT.at(c.object.id,
                            c.meta_at.key("name"),
                            format!(
                                "{} gets no PersistentVolume: {} fits it, but {} takes it first",
                                c.describe(),
                                v.object.name,
                                o.describe()
                            ),
                        )
                        .with_related(
                            v.object.id,
                            name.clone(),
                            format!("PersistentVolume {}", v.object.name),
                        )
                        .with_related(
                            o.object.id,
                            o.meta_at.key("name"),
                            format!("{} binds it first", o.describe()),
                        ),
                    );
                }
                Outcome::VolumeTaken(vi, other) => {
                    let v = &binding.volumes[*vi];
                    let mut d = PV_BINDING_CONFLICT.at(
                        c.object.id,
                        c.spec_at.key("volumeName"),
                        format!(
                            "{} names PersistentVolume {}, which belongs to another claim",
                            c.describe(),
                            v.object.name
                        ),
                    );
                    d = match other {
                        Some(o) => {
                            let o = &binding.claims[*o];
                            d.with_related(
                                o.object.id,
                                o.meta_at.key("name"),
                                format!("{} holds it", o.describe()),
                            )
                        }
                        None => d.with_related(
                            v.object.id,
                            Pointer::root().path("spec/claimRef"),
                            "its claimRef reserves it for another claim",
                        ),
                    };
                    found.push(d);
                }
                _ => {}
            }
        }
        for (vi, ci) in &binding.ref_conflicts {
            let v = &binding.volumes[*vi];
            let c = &binding.claims[*ci];
            if c.object.context {
                continue;
            }
            found.push(
                PV_BINDING_CONFLICT.at(c.object.id,
                    c.spec_at.key("volumeName"),
                    format!(
                        "PersistentVolume {}'s claimRef reserves it for {}, but its volumeName names {}",
                        v.object.name,
                        c.describe(),
                        c.volume_name().unwrap_or_default()
                    ),
                )
                .with_related(v.object.id, Pointer::root().path("spec/claimRef"), "claimRef names this claim"),
            );
        }
        fold(found, out);
    }
}
