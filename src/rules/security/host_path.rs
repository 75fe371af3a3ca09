use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports every `hostPath` volume of a Pod or pod template, read-only or not, at its
    /// `hostPath.path`. The message names the path and how the containers mount it:
    /// read-only by every mount, writable (naming a container that mounts it writable),
    /// or not mounted at all. Where `pod-security` reports the volume (baseline "hostPath
    /// volumes", restricted "volume types"), this rule stays silent on it.
    ///
    /// ## Why is this bad?
    /// A hostPath volume is the node's filesystem inside the pod: a writable one lets a
    /// compromised container plant files the node runs; even read-only, it exposes
    /// secrets of the node and of other pods (kubelet credentials, other pods' volumes).
    /// It also ties the pod to what one node happens to hold.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: logs
    ///     hostPath: {path: /var/log}
    /// ```
    ///
    /// Use instead: an `emptyDir`, a PersistentVolumeClaim, or a CSI driver; ship logs
    /// with a node-level agent that the cluster's operators run.
    ///
    /// ## References
    /// - Pod Security Standards (baseline "HostPath Volumes"): https://kubernetes.io/docs/concepts/security/pod-security-standards/
    /// - hostPath volumes: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    pub static HOST_PATH = {
        id: "host-path",
        severity: Warning,
        category: Security,
        summary: "a pod mounts a hostPath volume",
        help: "use an emptyDir, a PersistentVolumeClaim or a CSI volume instead of the node's filesystem",
        scope: Object,
    }
}

/// Reports hostPath volumes.
pub struct HostPath;

impl Rule for HostPath {
    fn meta(&self) -> &'static RuleMeta {
        &HOST_PATH
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for (i, volume) in template.spec.volumes() {
            let Some(host) = volume.get("hostPath").filter(|h| h.is_object()) else {
                continue;
            };
            let name = volume
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let path = host.get("path").and_then(Value::as_str);
            let at = template
                .spec
                .pointer
                .key("volumes")
                .index(i)
                .key("hostPath");
            let at = if path.is_some() { at.key("path") } else { at };
            // How the containers mount it: the first writable mount, or whether any does.
            let mut mounted = false;
            let mut writable = None;
            for c in template.spec.all_containers() {
                for m in c.list("volumeMounts") {
                    if m.get("name").and_then(Value::as_str) == Some(name) {
                        mounted = true;
                        if m.get("readOnly") != Some(&Value::Bool(true)) && writable.is_none() {
                            writable = Some(c.describe());
                        }
                    }
                }
            }
            let how = match (mounted, writable) {
                (false, _) => "not mounted by any container".to_owned(),
                (true, Some(c)) => format!("writable by {c}"),
                (true, None) => "read-only".to_owned(),
            };
            out.push(HOST_PATH.at(
                object.id,
                at,
                format!(
                    "volume {name} mounts the node's {} ({how})",
                    path.map_or_else(|| "filesystem".to_owned(), |p| format!("path {p}"))
                ),
            ));
        }
    }
}
