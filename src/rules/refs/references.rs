//! The ConfigMaps and Secrets a pod spec reads, wherever it names them: env `valueFrom`,
//! `envFrom`, configMap/secret volumes, projected volume sources and imagePullSecrets.

use serde_json::Value;

use crate::base::{At, Pointer};
use crate::model::PodTemplate;

/// The kind of object referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A ConfigMap.
    ConfigMap,
    /// A Secret.
    Secret,
}

impl Target {
    /// The kind's name.
    pub fn kind(self) -> &'static str {
        match self {
            Target::ConfigMap => "ConfigMap",
            Target::Secret => "Secret",
        }
    }
}

/// One reference from a pod spec to a ConfigMap or Secret.
#[derive(Debug, Clone)]
pub struct Reference<'a> {
    /// What is referenced.
    pub target: Target,
    /// Its name.
    pub name: &'a str,
    /// Pointer to the name node.
    pub name_at: Pointer,
    /// `optional: true`: a missing object or key is fine.
    pub optional: bool,
    /// The keys read, with pointers to them (empty: the whole object).
    pub keys: Vec<(&'a str, Pointer)>,
    /// How it is used, for messages (`env FOO`, `volume config`).
    pub usage: String,
}

/// Every reference of a pod template, in document order.
pub fn references<'a>(template: &PodTemplate<'a>) -> Vec<Reference<'a>> {
    let mut out = Vec::new();
    for c in template.spec.all_containers() {
        for (i, env) in c.list("env").iter().enumerate() {
            let env_name = env.get("name").and_then(Value::as_str).unwrap_or("?");
            for (field, target) in [
                ("configMapKeyRef", Target::ConfigMap),
                ("secretKeyRef", Target::Secret),
            ] {
                let Some(r) = env.at(&format!("/valueFrom/{field}")) else {
                    continue;
                };
                let at = c.pointer.key("env").index(i).key("valueFrom").key(field);
                let Some(name) = r.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let keys = r
                    .get("key")
                    .and_then(Value::as_str)
                    .map(|k| (k, at.key("key")))
                    .into_iter()
                    .collect();
                out.push(Reference {
                    target,
                    name,
                    name_at: at.key("name"),
                    optional: is_optional(r),
                    keys,
                    usage: format!("env {env_name} of {}", c.describe()),
                });
            }
        }
        for (i, from) in c.list("envFrom").iter().enumerate() {
            for (field, target) in [
                ("configMapRef", Target::ConfigMap),
                ("secretRef", Target::Secret),
            ] {
                let Some(r) = from.get(field) else { continue };
                let Some(name) = r.get("name").and_then(Value::as_str) else {
                    continue;
                };
                out.push(Reference {
                    target,
                    name,
                    name_at: c.pointer.key("envFrom").index(i).key(field).key("name"),
                    optional: is_optional(r),
                    keys: Vec::new(),
                    usage: format!("envFrom of {}", c.describe()),
                });
            }
        }
    }
    for (i, volume) in template.spec.volumes() {
        let at = template.spec.pointer.key("volumes").index(i);
        let vol_name = volume.get("name").and_then(Value::as_str).unwrap_or("?");
        let usage = format!("volume {vol_name}");
        if let Some(cm) = volume.get("configMap") {
            source(
                cm,
                "name",
                Target::ConfigMap,
                at.key("configMap"),
                &usage,
                &mut out,
            );
        }
        if let Some(secret) = volume.get("secret") {
            source(
                secret,
                "secretName",
                Target::Secret,
                at.key("secret"),
                &usage,
                &mut out,
            );
        }
        let sources = volume.at("/projected/sources").and_then(Value::as_array);
        for (j, s) in sources.into_iter().flatten().enumerate() {
            let s_at = at.path("projected/sources").index(j);
            if let Some(cm) = s.get("configMap") {
                source(
                    cm,
                    "name",
                    Target::ConfigMap,
                    s_at.key("configMap"),
                    &usage,
                    &mut out,
                );
            }
            if let Some(secret) = s.get("secret") {
                source(
                    secret,
                    "name",
                    Target::Secret,
                    s_at.key("secret"),
                    &usage,
                    &mut out,
                );
            }
        }
    }
    let pull = template
        .spec
        .get("imagePullSecrets")
        .and_then(Value::as_array);
    for (i, p) in pull.into_iter().flatten().enumerate() {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        out.push(Reference {
            target: Target::Secret,
            name,
            name_at: template
                .spec
                .pointer
                .key("imagePullSecrets")
                .index(i)
                .key("name"),
            optional: false,
            keys: Vec::new(),
            usage: "imagePullSecrets".to_owned(),
        });
    }
    out
}

/// A configMap/secret volume or projected source: its name field and `items[].key`.
fn source<'a>(
    value: &'a Value,
    name_field: &str,
    target: Target,
    at: Pointer,
    usage: &str,
    out: &mut Vec<Reference<'a>>,
) {
    let Some(name) = value.get(name_field).and_then(Value::as_str) else {
        return;
    };
    let items = value.get("items").and_then(Value::as_array);
    let keys = items
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(k, item)| {
            let key = item.get("key").and_then(Value::as_str)?;
            Some((key, at.key("items").index(k).key("key")))
        })
        .collect();
    out.push(Reference {
        target,
        name,
        name_at: at.key(name_field),
        optional: is_optional(value),
        keys,
        usage: usage.to_owned(),
    });
}

fn is_optional(value: &Value) -> bool {
    value.get("optional").and_then(Value::as_bool) == Some(true)
}

/// The keys a ConfigMap or Secret holds: `data` and `binaryData` for a ConfigMap, `data`
/// and `stringData` for a Secret (stringData is merged into data on write).
pub fn keys_of(object: &crate::model::Object) -> Vec<&str> {
    let fields: &[&str] = if object.kind == "Secret" {
        &["data", "stringData"]
    } else {
        &["data", "binaryData"]
    };
    let mut keys: Vec<&str> = fields
        .iter()
        .filter_map(|f| object.value.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}
