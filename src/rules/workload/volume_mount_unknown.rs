use std::collections::HashMap;

use crate::base::value::Value;

use crate::base::{At, Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a container `volumeMounts[].name` or `volumeDevices[].name` that names no
    /// volume of the pod. For a StatefulSet, the names of its `volumeClaimTemplates` count
    /// as volumes (the controller adds one per template). A `volumeDevices` entry must
    /// also name a block-capable volume: a `persistentVolumeClaim`, an `ephemeral` volume
    /// or a claim template.
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod ("Not found"); for a StatefulSet, whose template the
    /// API server does not validate, every pod the controller creates is rejected and the
    /// StatefulSet never gets a replica.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: "app:1.0"
    ///       volumeMounts: [{name: config, mountPath: /etc/app}]
    ///   volumes:
    ///     - {name: settings, configMap: {name: app}}
    /// ```
    ///
    /// Use instead: mount `settings`, or name the volume `config`.
    ///
    /// ## References
    /// - Volumes: https://kubernetes.io/docs/concepts/storage/volumes/
    /// - StatefulSets: stable storage (volumeClaimTemplates): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage
    pub static VOLUME_MOUNT_UNKNOWN = {
        id: "volume-mount-unknown",
        severity: Error,
        category: Workload,
        summary: "a volumeMount or volumeDevice names no volume of the pod",
        help: "name a volume declared in spec.volumes (or a volumeClaimTemplate), or declare the volume",
        scope: Object,
    }
}

/// Resolves every mount and device against the pod's volumes.
pub struct VolumeMountUnknown;

/// Whether a named volume can back a block device.
type Volumes<'a> = HashMap<&'a str, bool>;

impl Rule for VolumeMountUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &VOLUME_MOUNT_UNKNOWN
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let mut volumes: Volumes<'_> = template
            .spec
            .volumes()
            .filter_map(|(_, v)| {
                let name = v.get("name")?.as_str()?;
                let block = ["persistentVolumeClaim", "ephemeral"]
                    .iter()
                    .any(|s| v.get(*s).is_some_and(|x| !x.is_null()));
                Some((name, block))
            })
            .collect();
        if template.kind == WorkloadKind::StatefulSet {
            let claims = object
                .at("/spec/volumeClaimTemplates")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for claim in claims {
                if let Some(name) = claim.at("/metadata/name").and_then(Value::as_str) {
                    // The controller replaces a template volume of the same name.
                    volumes.insert(name, true);
                }
            }
        }
        for c in template.spec.all_containers() {
            for (field, device) in [("volumeMounts", false), ("volumeDevices", true)] {
                for (i, m) in c.list(field).iter().enumerate() {
                    let Some(name) = m.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let at: Pointer = c.pointer.key(field).index(i).key("name");
                    let message = match volumes.get(name) {
                        None => format!(
                            "{} mounts volume `{name}`, which the pod does not declare",
                            c.describe()
                        ),
                        Some(false) if device => format!(
                            "volumeDevice `{name}` of {} must be a persistentVolumeClaim or ephemeral volume",
                            c.describe()
                        ),
                        Some(_) => continue,
                    };
                    out.push(VOLUME_MOUNT_UNKNOWN.at(object.id, at, message));
                }
            }
        }
    }
}
