use std::collections::HashSet;

use crate::base::value::Value;

use crate::base::{At, Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a StatefulSet volumeClaimTemplate that no container of the pod template
    /// mounts (`volumeMounts[].name`) or uses as a block device (`volumeDevices[].name`),
    /// counting init containers.
    ///
    /// ## Why is this bad?
    /// Every replica still gets a claim, and with it a provisioned volume that is paid for
    /// and never used, usually because the mount was renamed or removed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: {name: db}
    /// spec:
    ///   serviceName: db
    ///   selector: {matchLabels: {app: db}}
    ///   template:
    ///     metadata: {labels: {app: db}}
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: postgres:16
    ///           volumeMounts: [{name: pgdata, mountPath: /var/lib/postgresql/data}]
    ///   volumeClaimTemplates:
    ///     - metadata: {name: data}
    ///       spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
    /// ```
    ///
    /// Use instead: mount the template by its name (`name: data`), or remove it.
    ///
    /// ## References
    /// - StatefulSets: stable storage (volumeClaimTemplates): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage
    pub static VOLUME_CLAIM_TEMPLATE_UNUSED = {
        id: "volume-claim-template-unused",
        severity: Info,
        category: Storage,
        summary: "a StatefulSet volumeClaimTemplate is mounted by no container",
        help: "mount the claim in a container (volumeMounts[].name) or remove the template",
        scope: Object,
    }
}

/// Compares volumeClaimTemplates with the containers' mounts.
pub struct VolumeClaimTemplateUnused;

impl Rule for VolumeClaimTemplateUnused {
    fn meta(&self) -> &'static RuleMeta {
        &VOLUME_CLAIM_TEMPLATE_UNUSED
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("apps", "StatefulSet") {
            return;
        }
        let Some(templates) = object
            .at("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
        else {
            return;
        };
        let Some(t) = PodTemplate::of(object) else {
            return;
        };
        let used: HashSet<&str> = t
            .spec
            .all_containers()
            .flat_map(|c| {
                c.list("volumeMounts")
                    .iter()
                    .chain(c.list("volumeDevices"))
                    .filter_map(|m| m.get("name").and_then(Value::as_str))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (i, tpl) in templates.iter().enumerate() {
            let Some(name) = tpl.at("/metadata/name").and_then(Value::as_str) else {
                continue;
            };
            if used.contains(name) {
                continue;
            }
            out.push(
                VOLUME_CLAIM_TEMPLATE_UNUSED.at(
                    object.id,
                    Pointer::root()
                        .path("spec/volumeClaimTemplates")
                        .index(i)
                        .path("metadata/name"),
                    format!(
                        "volumeClaimTemplate {name} is mounted by no container of StatefulSet {}",
                        object.name
                    ),
                ),
            );
        }
    }
}
