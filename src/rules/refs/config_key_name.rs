use crate::base::{At, Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use super::data::{entries, key_problem};

declare_rule! {
    /// ## What it does
    /// Reports a key of a ConfigMap (`data`, `binaryData`) or Secret (`data`,
    /// `stringData`) that is not a valid key: only letters, digits, `-`, `_` and `.`, at
    /// most 253 characters, not `.` or `..` and not starting with `..`. Also reports a
    /// ConfigMap key that is in both `data` and `binaryData` (a Secret may repeat a key in
    /// `stringData`: it overrides `data`).
    ///
    /// ## Why is this bad?
    /// The API server rejects the object. Keys become file names in volumes and variable
    /// names with `envFrom`, so the rules are strict.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: web}
    /// data:
    ///   config/app.yaml: "port: 8080"
    /// ```
    ///
    /// Use instead: a flat key (`app.yaml`), and `items[].path` in the volume to place it
    /// in a directory.
    ///
    /// ## References
    /// - ConfigMaps: https://kubernetes.io/docs/concepts/configuration/configmap/
    /// - Secrets: https://kubernetes.io/docs/concepts/configuration/secret/
    pub static CONFIG_KEY_NAME = {
        id: "config-key-name",
        severity: Error,
        category: Config,
        summary: "a ConfigMap or Secret key is invalid or defined twice",
        help: "use keys made of letters, digits, '-', '_' and '.', each defined once",
        scope: Object,
    }
}

/// Validates ConfigMap and Secret keys.
pub struct ConfigKeyName;

impl Rule for ConfigKeyName {
    fn meta(&self) -> &'static RuleMeta {
        &CONFIG_KEY_NAME
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let fields: &[&str] = if object.is("", "ConfigMap") {
            &["data", "binaryData"]
        } else if object.is("", "Secret") {
            &["data", "stringData"]
        } else {
            return;
        };
        for field in fields {
            for (key, _) in entries(&object.value, field) {
                if let Some(problem) = key_problem(key) {
                    out.push(CONFIG_KEY_NAME.at(
                        object.id,
                        Pointer::root().key(field).key(key),
                        format!("invalid key {key:?}: {problem}"),
                    ));
                }
            }
        }
        if object.kind == "ConfigMap" {
            for (key, _) in entries(&object.value, "binaryData") {
                if object.value.at("/data").and_then(|d| d.get(key)).is_some() {
                    out.push(
                        CONFIG_KEY_NAME
                            .at(
                                object.id,
                                Pointer::root().key("binaryData").key(key),
                                format!("key {key} is in both data and binaryData"),
                            )
                            .with_related(
                                object.id,
                                Pointer::root().key("data").key(key),
                                "also defined here",
                            ),
                    );
                }
            }
        }
    }
}
