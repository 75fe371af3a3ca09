use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::references::{keys_of, references};

declare_rule! {
    /// ## What it does
    /// Reports a key that a pod reads from a ConfigMap or Secret in the inputs which that
    /// object does not hold: `configMapKeyRef.key` and `secretKeyRef.key` in env, and
    /// `items[].key` of configMap/secret volumes and projected sources. A ConfigMap's keys
    /// are those of `data` and `binaryData`; a Secret's those of `data` and `stringData`.
    /// References marked `optional: true` are never reported, and `envFrom` reads whatever
    /// keys there are (its `prefix` changes only the variable names).
    ///
    /// ## Why is this bad?
    /// The object is there but the key is not: the container fails with
    /// `CreateContainerConfigError` (env) or the volume cannot be set up.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: web}
    /// data: {LOG_LEVEL: info}
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       env:
    ///         - name: LOG_LEVEL
    ///           valueFrom: {configMapKeyRef: {name: web, key: log-level}}
    /// ```
    ///
    /// Use instead: `key: LOG_LEVEL`, or add `log-level` to the ConfigMap.
    ///
    /// ## References
    /// - Configure a Pod to use a ConfigMap: https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/
    /// - Secrets: https://kubernetes.io/docs/concepts/configuration/secret/
    /// - Define environment variables for a container: https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
    pub static CONFIG_KEY = {
        id: "config-key",
        severity: Error,
        category: Config,
        summary: "a pod reads a key that its ConfigMap or Secret does not have",
        help: "use a key the object defines, add the key, or mark the reference optional: true",
    }
}

/// Checks every key a pod template reads against the object in the inputs.
pub struct ConfigKey;

impl Rule for ConfigKey {
    fn meta(&self) -> &'static RuleMeta {
        &CONFIG_KEY
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let ns = object.namespace.as_deref();
        for r in references(&template.spec) {
            if !r.target.has_keys() || r.optional || r.keys.is_empty() {
                continue;
            }
            let Some(source) = cx.graph.get(object, "", r.target.kind(), ns, r.name) else {
                continue;
            };
            let have = keys_of(source);
            for (key, at) in &r.keys {
                if have.contains(key) {
                    continue;
                }
                let (related_at, listing) = if have.is_empty() {
                    (
                        Pointer::root().path("metadata/name"),
                        "it has no keys".to_owned(),
                    )
                } else {
                    let field = if source.value.get("data").is_some() {
                        "data"
                    } else if source.kind == "Secret" {
                        "stringData"
                    } else {
                        "binaryData"
                    };
                    (
                        Pointer::root().key(field),
                        format!("it has keys {}", have.join(", ")),
                    )
                };
                out.push(
                    CONFIG_KEY
                        .at(
                            object.id,
                            at.clone(),
                            format!(
                                "{} {} has no key {key} (read by {})",
                                source.kind, source.name, r.usage
                            ),
                        )
                        .with_related(
                            source.id,
                            related_at,
                            format!("{} {}: {listing}", source.kind, source.name),
                        ),
                );
            }
        }
    }
}
