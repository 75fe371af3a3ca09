use crate::base::{Diagnostic, Pointer, Severity};
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

use super::report::fold;
use crate::semantics::storage::binder::Outcome;
use crate::semantics::storage::claims::ClassSpec;

declare_rule! {
    /// ## What it does
    /// Simulates the PersistentVolume controller over the inputs (see
    /// `pv-binding-conflict` for the order) and reports a claim that can never bind:
    ///
    /// - its `volumeName` names a PV that does not satisfy it (storage class, access
    ///   modes, volumeMode, capacity); a PV that is not in the inputs is only a warning;
    /// - it can only bind to an existing PV, and no PV in the inputs fits: with
    ///   `storageClassName: ""` (an absent `storageClassName` instead gets the default
    ///   class), with a `selector` (never provisioned), with a class whose provisioner is
    ///   `kubernetes.io/no-provisioner`, or, when the inputs define StorageClasses (the
    ///   set is then known), with a class that is none of them but that PVs of the inputs
    ///   carry. Otherwise a named class is assumed to provision when no PV fits (the
    ///   cluster may define it: `standard`, `gp3`). A claim without a class gets the cluster's
    ///   default class, which is assumed to provision when no PV fits. The nearest PVs are
    ///   shown with the reasons they do not fit. With no PV in the inputs at all it is a
    ///   warning: the volumes may exist in the cluster.
    ///
    /// PVCs, StatefulSet volumeClaimTemplates (one claim `<template>-<sts>-<ordinal>` per
    /// replica) and generic ephemeral volumes of Pods and StatefulSets are claims. A class
    /// is the `volume.beta.kubernetes.io/storage-class` annotation, else
    /// `storageClassName`; an unset class and `""` both match PVs without a class.
    ///
    /// ## Why is this bad?
    /// The claim stays `Pending` for ever, and so does every pod that mounts it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: data}
    /// spec:
    ///   capacity: {storage: 5Gi}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /srv/data}
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: {name: data}
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteOnce]
    ///   resources: {requests: {storage: 10Gi}}
    /// ```
    ///
    /// Use instead: request at most what a PV offers (`storage: 5Gi`), or make a bigger
    /// PV, or use a StorageClass that provisions volumes.
    ///
    /// ## References
    /// - Persistent Volumes: binding: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#binding
    /// - Storage Classes: default StorageClass: https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass
    /// - Dynamic Volume Provisioning: https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/
    /// - StatefulSets: stable storage (volumeClaimTemplates): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage
    pub static PVC_UNBINDABLE = {
        id: "pvc-unbindable",
        severity: Error,
        category: Storage,
        summary: "a PersistentVolumeClaim can never bind",
        help: "make a PersistentVolume that fits the claim (class, access modes, volumeMode, size, labels), or let a StorageClass provision one",
    }
}

/// Reports the claims the binding simulation leaves unbindable.
pub struct PvcUnbindable;

impl Rule for PvcUnbindable {
    fn meta(&self) -> &'static RuleMeta {
        &PVC_UNBINDABLE
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let binding = cx.binding();
        let mut found = Vec::new();
        for (c, outcome) in binding.claims.iter().zip(&binding.outcomes) {
            if c.object.context {
                continue;
            }
            let volume_name_at = c.spec_at.key("volumeName");
            let d = match outcome {
                Outcome::VolumeMissing => PVC_UNBINDABLE
                    .at(
                        c.object.id,
                        volume_name_at,
                        format!(
                            "{} is pre-bound to PersistentVolume {}, which is not in the inputs",
                            c.describe(),
                            c.volume_name().unwrap_or_default()
                        ),
                    )
                    .with_severity(Severity::Warning)
                    .with_help("add the PersistentVolume to the inputs or pass it with --context"),
                Outcome::VolumeMismatch(vi, why) => {
                    let v = &binding.volumes[*vi];
                    PVC_UNBINDABLE.at(c.object.id,
                        volume_name_at,
                        format!(
                            "{} is pre-bound to PersistentVolume {}, which cannot satisfy it: {}",
                            c.describe(),
                            v.object.name,
                            why.join("; ")
                        ),
                    )
                    .with_related(
                        v.object.id,
                        Pointer::root().key("spec"),
                        "this volume",
                    )
                }
                Outcome::Unbindable(reason, near) => {
                    let at = if reason.contains("selector") {
                        c.spec_at.key("selector")
                    } else {
                        match c.class() {
                            ClassSpec::Set(_, at) => at,
                            ClassSpec::Unset => c.spec_at.clone(),
                        }
                    };
                    let mut d = PVC_UNBINDABLE.at(c.object.id,
                        at,
                        format!(
                            "{} can never bind: {reason}, and no PersistentVolume in the inputs fits it",
                            c.describe()
                        ),
                    );
                    if binding.volumes.is_empty() {
                        d = d.with_severity(Severity::Warning).with_help(
                            "the inputs hold no PersistentVolume: add them, pass them with --context, or use a provisioning StorageClass",
                        );
                    }
                    for (vi, why) in near {
                        let v = &binding.volumes[*vi];
                        d = d.with_related(
                            v.object.id,
                            Pointer::root().path("metadata/name"),
                            format!("PersistentVolume {}: {}", v.object.name, why.join("; ")),
                        );
                    }
                    d
                }
                _ => continue,
            };
            found.push(d);
        }
        fold(found, out);
    }
}
