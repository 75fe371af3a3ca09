use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a container's `volumeMounts` entry that mounts a `subPath` or `subPathExpr`
    /// of a `hostPath` volume, at the `subPath`. The volume itself is `host-path`'s (or
    /// `pod-security`'s) to report; this rule is about the mount.
    ///
    /// ## Why is this bad?
    /// A subPath is resolved on the node, inside a directory the pod can write to through
    /// other mounts or other pods. Symbolic links planted there have let containers reach
    /// any file of the node (CVE-2017-1002101, CVE-2021-25741); on a hostPath volume the
    /// directory is the node's own filesystem, shared with whatever else writes there, so
    /// the kubelet's safeguards are all that stand between the pod and the node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     volumeMounts: [{name: data, mountPath: /data, subPath: app}]
    /// volumes:
    ///   - name: data
    ///     hostPath: {path: /srv}
    /// ```
    ///
    /// Use instead: point `hostPath.path` at the directory itself (`/srv/app`) and mount it
    /// whole, or use a PersistentVolumeClaim.
    ///
    /// ## References
    /// - Using subPath: https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath
    /// - hostPath volumes: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    /// - CVE-2021-25741: https://github.com/kubernetes/kubernetes/issues/104980
    pub static HOST_PATH_SUBPATH = {
        id: "host-path-subpath",
        severity: Warning,
        category: Security,
        summary: "a container mounts a subPath of a hostPath volume",
        help: "set hostPath.path to the directory itself and mount it without subPath, or use a PersistentVolumeClaim",
        scope: Object,
    }
}

/// Reports subPath mounts of hostPath volumes.
pub struct HostPathSubpath;

impl Rule for HostPathSubpath {
    fn meta(&self) -> &'static RuleMeta {
        &HOST_PATH_SUBPATH
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        // hostPath volumes by name, with where they are.
        let host_paths: Vec<(&str, usize, Option<&str>)> = template
            .spec
            .volumes()
            .filter_map(|(i, v)| {
                let host = v.get("hostPath").filter(|h| h.is_object())?;
                let name = v.get("name").and_then(Value::as_str)?;
                Some((name, i, host.get("path").and_then(Value::as_str)))
            })
            .collect();
        if host_paths.is_empty() {
            return;
        }
        for c in template.spec.all_containers() {
            for (m, mount) in c.list("volumeMounts").iter().enumerate() {
                let Some(name) = mount.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let Some(&(_, volume, path)) = host_paths.iter().find(|(n, ..)| *n == name)
                else {
                    continue;
                };
                let Some((field, sub)) = ["subPath", "subPathExpr"].into_iter().find_map(|f| {
                    mount
                        .get(f)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(|s| (f, s))
                }) else {
                    continue;
                };
                out.push(
                    HOST_PATH_SUBPATH
                        .at(
                            object.id,
                            c.pointer.key("volumeMounts").index(m).key(field),
                            format!(
                                "{} mounts {field} {sub} of hostPath volume {name}{}: a symbolic link on the node can lead the mount anywhere on it",
                                c.describe(),
                                path.map_or_else(String::new, |p| format!(" ({p})"))
                            ),
                        )
                        .with_related(
                            object.id,
                            template.spec.pointer.key("volumes").index(volume),
                            format!("volume {name} is the node's filesystem"),
                        ),
                );
            }
        }
    }
}
