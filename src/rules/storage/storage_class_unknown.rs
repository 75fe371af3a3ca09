use std::collections::{HashMap, HashSet};

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::graph::units::Membership;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::storage::claims::{Claim, ClassSpec, claims_of, volumes};
use crate::semantics::storage::pools::{Pools, View};

declare_rule! {
    /// ## What it does
    /// Reports a PersistentVolumeClaim, StatefulSet volumeClaimTemplate or ephemeral volume
    /// claim template whose storage class (`storageClassName`, or the older
    /// `volume.beta.kubernetes.io/storage-class` annotation) is not a StorageClass in the
    /// inputs, when the inputs (or the context) define StorageClasses, and no
    /// PersistentVolume of the inputs carries that class. When no StorageClass is given at
    /// all, classes are assumed to come from the cluster (`standard`, `gp3`, …) and
    /// nothing is reported. `storageClassName: ""` names no class.
    ///
    /// ## Why is this bad?
    /// Nothing can provision a volume for an unknown class and no PV can be bound to it:
    /// the claim stays `Pending`. Usually a typo or a class from another cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: {name: fast-ssd}
    /// provisioner: pd.csi.storage.gke.io
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: {name: data}
    /// spec:
    ///   storageClassName: fast
    ///   accessModes: [ReadWriteOnce]
    ///   resources: {requests: {storage: 10Gi}}
    /// ```
    ///
    /// Use instead: `storageClassName: fast-ssd`.
    ///
    /// ## References
    /// - Storage Classes: https://kubernetes.io/docs/concepts/storage/storage-classes/
    /// - Dynamic Volume Provisioning: https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/
    pub static STORAGE_CLASS_UNKNOWN = {
        id: "storage-class-unknown",
        severity: Warning,
        category: Storage,
        summary: "a claim names a StorageClass that the inputs do not define",
        help: "name one of the StorageClasses of the inputs (or of the cluster, passed with --context)",
    }
}

/// Compares claim classes with the StorageClasses and PV classes of the run.
pub struct StorageClassUnknown;

impl Rule for StorageClassUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &STORAGE_CLASS_UNKNOWN
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let graph = cx.graph;
        if graph.of_kind("storage.k8s.io", "StorageClass").next().is_none() {
            return;
        }
        let mut subjects: Vec<(&Object, Vec<Claim<'_>>)> = Vec::new();
        for o in graph.checked() {
            let mut claims = Vec::new();
            claims_of(o, &mut claims);
            if !claims.is_empty() {
                subjects.push((o, claims));
            }
        }
        // The StorageClasses and PVs each unit sees, indexed once for all of its objects.
        let mut viewers: Vec<Membership> = subjects
            .iter()
            .map(|(o, _)| graph.membership(o.id))
            .collect();
        viewers.sort_unstable_by_key(|m| (m.unit, m.declared, m.everywhere));
        viewers.dedup();
        let volumes = volumes(graph);
        let pools = Pools::new(graph, &volumes, &viewers);
        let mut views: HashMap<Membership, View<'_, '_>> = HashMap::new();
        let mut reported = HashSet::new();
        for (o, claims) in subjects {
            let m = graph.membership(o.id);
            let view = views.entry(m).or_insert_with(|| pools.view(graph, m));
            if view.no_classes() {
                continue;
            }
            for c in claims {
                let ClassSpec::Set(class, at) = c.class() else {
                    continue;
                };
                if class.is_empty()
                    || view.has_class(&class)
                    || view.on_volumes(&class)
                    || !reported.insert((o.id, at.clone()))
                {
                    continue;
                }
                let known = view.class_names();
                out.push(STORAGE_CLASS_UNKNOWN.at(
                    o.id,
                    at,
                    format!(
                        "storage class {class} is not defined in the inputs (StorageClasses: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
}
