use crate::base::value::Value;

use crate::base::{At, Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::names;

declare_rule! {
    /// ## What it does
    /// Checks every Downward API reference of a pod: `env[].valueFrom.fieldRef` and
    /// `resourceFieldRef` of every container, and the `items` of `downwardAPI` volumes
    /// (also inside `projected` volumes).
    ///
    /// `fieldRef.fieldPath` must be one the API accepts there:
    /// - env and volumes: `metadata.name`, `metadata.namespace`, `metadata.uid`,
    ///   `metadata.labels['<key>']`, `metadata.annotations['<key>']` (the key a valid
    ///   label or annotation key);
    /// - env only: `spec.nodeName`, `spec.serviceAccountName`, `status.hostIP`,
    ///   `status.hostIPs`, `status.podIP`, `status.podIPs` (and the legacy `spec.host`,
    ///   which the API server converts to `spec.nodeName`);
    /// - volumes only: `metadata.labels` and `metadata.annotations` (the whole map, one
    ///   `key="value"` line each).
    ///
    /// `fieldRef.apiVersion`, when given, must be `v1`. `resourceFieldRef.resource` must be
    /// `limits.` or `requests.` followed by `cpu`, `memory`, `ephemeral-storage` or
    /// `hugepages-<size>`. Its `containerName` must name a container of the pod, and is
    /// required in a volume (in env it defaults to the container itself). A `divisor`
    /// must be `1m` or `1` for cpu, and `1`, `1k` … `1E` or `1Ki` … `1Ei` for memory,
    /// ephemeral-storage and hugepages (compared by value, so `1000` counts as `1k`).
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod ("Unsupported value" / "Required value"); for a
    /// container name that does not exist, the pod is accepted but its containers fail
    /// to start.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: POD_LABELS
    ///     valueFrom:
    ///       fieldRef: {fieldPath: metadata.labels}
    ///   - name: MEM_LIMIT
    ///     valueFrom:
    ///       resourceFieldRef: {resource: limit.memory}
    /// ```
    ///
    /// Use instead: one label per variable, and the exact resource name.
    /// ```yaml
    /// env:
    ///   - name: APP_LABEL
    ///     valueFrom:
    ///       fieldRef: {fieldPath: "metadata.labels['app']"}
    ///   - name: MEM_LIMIT
    ///     valueFrom:
    ///       resourceFieldRef: {resource: limits.memory}
    /// ```
    ///
    /// ## References
    /// - Downward API: https://kubernetes.io/docs/concepts/workloads/pods/downward-api/
    pub static DOWNWARD_API = {
        id: "downward-api",
        severity: Error,
        category: Workload,
        summary: "a Downward API fieldRef or resourceFieldRef is not one the API accepts",
        help: "use a supported fieldPath or resource, and an existing container name",
        scope: Object,
    }
}

/// Checks Downward API references in env and volumes.
pub struct DownwardApi;

/// Paths accepted in both places.
const BOTH: &[&str] = &["metadata.name", "metadata.namespace", "metadata.uid"];
/// Paths accepted only in env (`spec.host` is the old name of `spec.nodeName`, still
/// converted by the API server).
const ENV_ONLY: &[&str] = &[
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
    "spec.host",
];
/// Paths accepted only in volumes.
const VOLUME_ONLY: &[&str] = &["metadata.labels", "metadata.annotations"];
/// Resources a `resourceFieldRef` may name, besides `hugepages-<size>`.
const RESOURCES: &[&str] = &["cpu", "memory", "ephemeral-storage"];

/// Where a reference sits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Env,
    Volume,
}

impl Place {
    fn name(self) -> &'static str {
        match self {
            Place::Env => "an env var",
            Place::Volume => "a downwardAPI volume",
        }
    }
}

/// Why a fieldPath is refused, if it is.
fn field_path_problem(path: &str, place: Place) -> Option<String> {
    if let Some((base, key)) = split_subscript(path) {
        return match base {
            "metadata.labels" if names::qualified_name(key).is_err() => {
                Some(format!("`{key}` is not a valid label key"))
            }
            "metadata.annotations" if names::qualified_name(&key.to_ascii_lowercase()).is_err() => {
                Some(format!("`{key}` is not a valid annotation key"))
            }
            "metadata.labels" | "metadata.annotations" => None,
            _ => Some(format!("`{base}` does not support a subscript")),
        };
    }
    if BOTH.contains(&path) {
        return None;
    }
    let (allowed, other) = match place {
        Place::Env => (ENV_ONLY, VOLUME_ONLY),
        Place::Volume => (VOLUME_ONLY, ENV_ONLY),
    };
    if allowed.contains(&path) {
        return None;
    }
    if other.contains(&path) {
        let only = match place {
            Place::Env => "downwardAPI volumes",
            Place::Volume => "env vars",
        };
        return Some(format!("`{path}` is only supported in {only}"));
    }
    Some(format!("`{path}` is not a supported fieldPath"))
}

/// `metadata.labels['k']` → (`metadata.labels`, `k`), as the API server splits it.
fn split_subscript(path: &str) -> Option<(&str, &str)> {
    let inner = path.strip_suffix("']")?;
    let (base, key) = inner.split_once("['")?;
    (!base.is_empty()).then_some((base, key))
}

fn resource_ok(resource: &str) -> bool {
    let Some(name) = resource
        .strip_prefix("limits.")
        .or_else(|| resource.strip_prefix("requests."))
    else {
        return false;
    };
    RESOURCES.contains(&name)
        || name
            .strip_prefix("hugepages-")
            .is_some_and(|s| !s.is_empty())
}

/// Checks one `fieldRef`/`resourceFieldRef` holder (an env `valueFrom` or a volume item).
struct Checker<'a> {
    object: &'a Object,
    containers: Vec<&'a str>,
    out: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(&mut self, at: Pointer, message: String) {
        self.out.push(DOWNWARD_API.at(self.object.id, at, message));
    }

    fn check(&mut self, holder: &Value, at: &Pointer, place: Place) {
        if let Some(field_ref) = holder.get("fieldRef").filter(|v| v.is_object()) {
            let at = at.key("fieldRef");
            if let Some(version) = field_ref.get("apiVersion").and_then(Value::as_str) {
                if !version.is_empty() && version != "v1" {
                    self.report(
                        at.key("apiVersion"),
                        format!("fieldRef apiVersion `{version}` is not supported; use v1"),
                    );
                }
            }
            if let Some(path) = field_ref.get("fieldPath").and_then(Value::as_str) {
                if let Some(problem) = field_path_problem(path, place) {
                    self.report(
                        at.key("fieldPath"),
                        format!("{problem} (in {})", place.name()),
                    );
                }
            }
        }
        if let Some(resource_ref) = holder.get("resourceFieldRef").filter(|v| v.is_object()) {
            let at = at.key("resourceFieldRef");
            let resource = resource_ref.get("resource").and_then(Value::as_str);
            if let (Some(resource), Some(divisor)) = (resource, resource_ref.get("divisor")) {
                if let Some(problem) = crate::semantics::divisor::problem(resource, divisor) {
                    self.report(at.key("divisor"), problem);
                }
            }
            if let Some(resource) = resource {
                if !resource_ok(resource) {
                    self.report(
                        at.key("resource"),
                        format!("resource `{resource}` is not one the Downward API exposes (limits.cpu, requests.memory, ...)"),
                    );
                }
            }
            match resource_ref.get("containerName").and_then(Value::as_str) {
                Some(name) if !name.is_empty() && !self.containers.contains(&name) => {
                    self.report(
                        at.key("containerName"),
                        format!("containerName `{name}` is not a container of the pod"),
                    );
                }
                Some(name) if !name.is_empty() => {}
                _ if place == Place::Volume => self.report(
                    at,
                    "a resourceFieldRef in a downwardAPI volume needs a containerName".to_owned(),
                ),
                _ => {}
            }
        }
    }

    fn check_items(&mut self, source: &Value, at: &Pointer) {
        let items = source.get("items").and_then(Value::as_array);
        for (i, item) in items.into_iter().flatten().enumerate() {
            self.check(item, &at.key("items").index(i), Place::Volume);
        }
    }
}

impl Rule for DownwardApi {
    fn meta(&self) -> &'static RuleMeta {
        &DOWNWARD_API
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let spec = &template.spec;
        let mut checker = Checker {
            object,
            containers: spec
                .containers()
                .chain(spec.containers_of(crate::model::ContainerKind::Init))
                .filter_map(|c| c.name())
                .collect(),
            out,
        };
        for c in spec.all_containers() {
            for (i, env) in c.list("env").iter().enumerate() {
                if let Some(from) = env.get("valueFrom") {
                    let at = c.pointer.key("env").index(i).key("valueFrom");
                    checker.check(from, &at, Place::Env);
                }
            }
        }
        let volumes = spec.pointer.key("volumes");
        for (i, volume) in spec.volumes() {
            let at = volumes.index(i);
            if let Some(source) = volume.get("downwardAPI") {
                checker.check_items(source, &at.key("downwardAPI"));
            }
            let sources = volume.at("/projected/sources").and_then(Value::as_array);
            for (j, source) in sources.into_iter().flatten().enumerate() {
                if let Some(d) = source.get("downwardAPI") {
                    let at = at.path("projected/sources").index(j).key("downwardAPI");
                    checker.check_items(d, &at);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_per_place() {
        assert!(field_path_problem("metadata.name", Place::Env).is_none());
        assert!(field_path_problem("status.podIP", Place::Env).is_none());
        assert!(field_path_problem("status.podIP", Place::Volume).is_some());
        assert!(field_path_problem("metadata.labels", Place::Volume).is_none());
        assert!(field_path_problem("metadata.labels", Place::Env).is_some());
        assert!(field_path_problem("metadata.labels['app']", Place::Env).is_none());
        assert!(
            field_path_problem("metadata.annotations['Example.com/Key']", Place::Env).is_none()
        );
        assert!(field_path_problem("metadata.labels['Bad Key']", Place::Env).is_some());
        assert!(field_path_problem("spec.nodeName['x']", Place::Env).is_some());
        assert!(field_path_problem("status.phase", Place::Env).is_some());
    }

    #[test]
    fn resources() {
        assert!(resource_ok("limits.cpu"));
        assert!(resource_ok("requests.hugepages-2Mi"));
        assert!(!resource_ok("limit.memory"));
        assert!(!resource_ok("requests.nvidia.com/gpu"));
    }
}
