use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::repeats;

declare_rule! {
    /// ## What it does
    /// Reports a pod volume whose `name` an earlier volume already uses, and a container
    /// path used twice within one container: two `volumeMounts` with the same `mountPath`,
    /// two `volumeDevices` with the same `devicePath`, or a `devicePath` equal to a
    /// `mountPath`. Paths are compared as written. The later entry is reported, the first
    /// is related.
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod ("Duplicate value"); for a StatefulSet, whose
    /// template it does not validate, every pod the controller creates is rejected.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: "app:1.0"
    ///     volumeMounts:
    ///       - {name: config, mountPath: /etc/app}
    ///       - {name: secrets, mountPath: /etc/app}
    /// ```
    ///
    /// Use instead: mount the second volume elsewhere (`/etc/app/secrets`), or combine
    /// both in one `projected` volume.
    ///
    /// ## References
    /// - Volumes: https://kubernetes.io/docs/concepts/storage/volumes/
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    pub static DUPLICATE_VOLUME = {
        id: "duplicate-volume",
        severity: Error,
        category: Workload,
        summary: "two pod volumes share a name, or a container mounts two things at one path",
        help: "rename the volume, or mount it at another path",
        scope: Object,
    }
}

/// Finds repeated volume names and mount paths.
pub struct DuplicateVolume;

impl Rule for DuplicateVolume {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_VOLUME
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let base = template.spec.pointer.key("volumes");
        let names = template
            .spec
            .volumes()
            .filter_map(|(i, v)| Some((v.get("name")?.as_str()?, base.index(i).key("name"))));
        for r in repeats(names) {
            out.push(r.finding(
                &DUPLICATE_VOLUME,
                object.id,
                format!("volume name `{}` is used twice in the pod", r.key),
                "first used here",
            ));
        }

        for c in template.spec.all_containers() {
            let paths = [
                ("volumeMounts", "mountPath"),
                ("volumeDevices", "devicePath"),
            ]
            .into_iter()
            .flat_map(|(list, field)| {
                let base = c.pointer.key(list);
                c.list(list)
                    .iter()
                    .enumerate()
                    .filter_map(move |(i, m)| {
                        let path = m.get(field).and_then(Value::as_str)?;
                        Some((path, base.index(i).key(field)))
                    })
                    .collect::<Vec<(&str, Pointer)>>()
            });
            for r in repeats(paths) {
                out.push(r.finding(
                    &DUPLICATE_VOLUME,
                    object.id,
                    format!("{} uses path `{}` twice", c.describe(), r.key),
                    "first used here",
                ));
            }
        }
    }
}
