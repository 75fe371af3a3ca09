use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::base::{Diagnostic, ObjectId};
use crate::model::Object;
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::storage::claims::{CLASS_ANNOTATION, ClassSpec, claims_of};

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
        let all: Vec<&Object> = cx
            .graph
            .of_kind("storage.k8s.io", "StorageClass")
            .collect();
        if all.is_empty() {
            return;
        }
        // The PVs carrying each class name.
        let mut on_volumes: HashMap<&str, Vec<ObjectId>> = HashMap::new();
        for pv in cx.graph.of_kind("", "PersistentVolume") {
            let class = pv
                .annotations()
                .and_then(|a| a.get(CLASS_ANNOTATION))
                .or_else(|| pv.at("/spec/storageClassName"))
                .and_then(Value::as_str);
            if let Some(class) = class {
                on_volumes.entry(class).or_default().push(pv.id);
            }
        }
        let mut reported = HashSet::new();
        for o in cx.graph.checked() {
            // The classes of the object's unit (few: read per object, not indexed).
            let classes: HashSet<&str> = all
                .iter()
                .filter(|c| cx.graph.sees(o.id, c.id))
                .map(|c| c.name.as_str())
                .collect();
            if classes.is_empty() {
                continue;
            }
            let mut claims = Vec::new();
            claims_of(o, &mut claims);
            for c in claims {
                let ClassSpec::Set(class, at) = c.class() else {
                    continue;
                };
                if class.is_empty()
                    || classes.contains(class.as_str())
                    || on_volumes
                        .get(class.as_str())
                        .is_some_and(|pvs| pvs.iter().any(|&pv| cx.graph.sees(o.id, pv)))
                    || !reported.insert((o.id, at.clone()))
                {
                    continue;
                }
                let mut known: Vec<&str> = classes.iter().copied().collect();
                known.sort_unstable();
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
