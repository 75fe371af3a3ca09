use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a pod volume of a deprecated type: `gitRepo`, and the in-tree storage
    /// plugins that the API server warns about (`gcePersistentDisk`,
    /// `awsElasticBlockStore`, `azureDisk`, `azureFile`, `cinder`, `vsphereVolume`,
    /// `photonPersistentDisk`, `portworxVolume`, `scaleIO`, `storageos`, `quobyte`,
    /// `flocker`, `glusterfs`, `cephfs`, `rbd`). The finding points at the volume-type
    /// key.
    ///
    /// ## Why is this bad?
    /// These plugins are frozen or already removed from the kubelet: cloud disks are
    /// served by CSI drivers (through migration, or not at all in recent releases), and
    /// `gitRepo` runs `git` on the node as root with the pod's arguments.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: site
    ///     gitRepo: {repository: "https://example.com/site.git"}
    /// ```
    ///
    /// Use instead: an `emptyDir` filled by an init container that clones the repository
    /// (or a `persistentVolumeClaim` of a CSI storage class for the disk types).
    ///
    /// ## References
    /// - Volumes: gitRepo (deprecated): https://kubernetes.io/docs/concepts/storage/volumes/#gitrepo
    /// - Warning: helpful warnings ahead (API server warnings): https://kubernetes.io/blog/2020/09/03/warnings/
    pub static DEPRECATED_VOLUME = {
        id: "deprecated-volume",
        severity: Warning,
        category: Workload,
        summary: "a volume uses a deprecated volume type",
        help: "use a CSI-backed persistentVolumeClaim, or for gitRepo an emptyDir filled by an init container",
        scope: Object,
    }
}

/// Deprecated volume types and what replaces them.
const DEPRECATED: &[(&str, &str)] = &[
    (
        "gitRepo",
        "an emptyDir filled by an init container that runs git",
    ),
    ("gcePersistentDisk", "the pd.csi.storage.gke.io CSI driver"),
    ("awsElasticBlockStore", "the ebs.csi.aws.com CSI driver"),
    ("azureDisk", "the disk.csi.azure.com CSI driver"),
    ("azureFile", "the file.csi.azure.com CSI driver"),
    ("cinder", "the cinder.csi.openstack.org CSI driver"),
    ("vsphereVolume", "the csi.vsphere.vmware.com CSI driver"),
    ("photonPersistentDisk", "a CSI driver"),
    ("portworxVolume", "the pxd.portworx.com CSI driver"),
    ("scaleIO", "a CSI driver"),
    ("storageos", "a CSI driver"),
    ("quobyte", "a CSI driver"),
    ("flocker", "a CSI driver"),
    ("glusterfs", "a CSI driver"),
    ("cephfs", "the CephFS CSI driver"),
    ("rbd", "the Ceph RBD CSI driver"),
];

/// Looks for deprecated sources among the pod's volumes.
pub struct DeprecatedVolume;

impl Rule for DeprecatedVolume {
    fn meta(&self) -> &'static RuleMeta {
        &DEPRECATED_VOLUME
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let base = template.spec.pointer.key("volumes");
        for (i, volume) in template.spec.volumes() {
            for (kind, instead) in DEPRECATED {
                if volume.get(*kind).is_some_and(|v| !v.is_null()) {
                    let name = volume.get("name").and_then(|v| v.as_str()).unwrap_or("?");
                    out.push(DEPRECATED_VOLUME.at(
                        object.id,
                        base.index(i).key(kind),
                        format!("volume `{name}` uses the deprecated `{kind}` type; use {instead}"),
                    ));
                }
            }
        }
    }
}
