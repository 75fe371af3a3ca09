//! Every way a pod names another object, in one walk: ConfigMaps and Secrets (env
//! `valueFrom`, `envFrom`, configMap/secret volumes and projected volume sources),
//! PersistentVolumeClaims (volumes), its ServiceAccount and its image pull Secrets. The
//! reference rules, the graph's edges and the `graph` pictures all read this one list.

use crate::base::value::Value;

use crate::base::{At, Pointer, field};
use crate::model::{Object, PodSpec};

/// The kind of object referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A ConfigMap.
    ConfigMap,
    /// A Secret.
    Secret,
    /// A PersistentVolumeClaim.
    Claim,
    /// A ServiceAccount.
    ServiceAccount,
}

impl Target {
    /// The kind's name.
    pub fn kind(self) -> &'static str {
        match self {
            Target::ConfigMap => "ConfigMap",
            Target::Secret => "Secret",
            Target::Claim => "PersistentVolumeClaim",
            Target::ServiceAccount => "ServiceAccount",
        }
    }

    /// A ConfigMap or a Secret: an object whose keys a pod can read.
    pub fn has_keys(self) -> bool {
        matches!(self, Target::ConfigMap | Target::Secret)
    }
}

/// Where in the pod spec the reference is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A container's `env[].valueFrom`.
    Env,
    /// A container's `envFrom`.
    EnvFrom,
    /// A volume (or one source of a projected volume).
    Volume,
    /// `serviceAccountName` (or the deprecated `serviceAccount`).
    ServiceAccount,
    /// `imagePullSecrets`.
    PullSecret,
}

/// One reference from a pod spec to another object.
#[derive(Debug, Clone)]
pub struct Reference<'a> {
    /// What is referenced.
    pub target: Target,
    /// Where it is written.
    pub via: Via,
    /// Its name.
    pub name: &'a str,
    /// Pointer to the name node.
    pub name_at: Pointer,
    /// Pointer to the whole entry that makes the reference (the env entry, the volume…).
    pub site: Pointer,
    /// `optional: true`: a missing object or key is fine.
    pub optional: bool,
    /// The keys read, with pointers to them (empty: the whole object).
    pub keys: Vec<(&'a str, Pointer)>,
    /// How it is used, for messages (`env FOO of container app`, `volume config`).
    pub usage: String,
}

/// Every reference of a pod spec: each container's env and envFrom, then volumes, pull
/// Secrets and the ServiceAccount, in document order.
pub fn references<'a>(spec: &PodSpec<'a>) -> Vec<Reference<'a>> {
    let mut out = Vec::new();
    for c in spec.all_containers() {
        for (i, env) in c.list("env").iter().enumerate() {
            // Most variables have a plain value: nothing is built for them.
            let Some(value_from) = field(env, "valueFrom") else {
                continue;
            };
            let env_name = field(env, "name").and_then(Value::as_str).unwrap_or("?");
            for (key_ref, target) in [
                ("configMapKeyRef", Target::ConfigMap),
                ("secretKeyRef", Target::Secret),
            ] {
                let Some(r) = field(value_from, key_ref) else {
                    continue;
                };
                let Some(name) = r.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let site = c.pointer.key("env").index(i);
                let at = site.key("valueFrom").key(key_ref);
                let keys = r
                    .get("key")
                    .and_then(Value::as_str)
                    .map(|k| (k, at.key("key")))
                    .into_iter()
                    .collect();
                out.push(Reference {
                    target,
                    via: Via::Env,
                    name,
                    name_at: at.key("name"),
                    site,
                    optional: is_optional(r),
                    keys,
                    usage: format!("env {env_name} of {}", c.describe()),
                });
            }
        }
        for (i, from) in c.list("envFrom").iter().enumerate() {
            for (source_ref, target) in [
                ("configMapRef", Target::ConfigMap),
                ("secretRef", Target::Secret),
            ] {
                let Some(r) = field(from, source_ref) else {
                    continue;
                };
                let Some(name) = r.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let site = c.pointer.key("envFrom").index(i);
                out.push(Reference {
                    target,
                    via: Via::EnvFrom,
                    name,
                    name_at: site.key(source_ref).key("name"),
                    site,
                    optional: is_optional(r),
                    keys: Vec::new(),
                    usage: format!("envFrom of {}", c.describe()),
                });
            }
        }
    }
    for (i, volume) in spec.volumes() {
        let site = spec.pointer.key("volumes").index(i);
        let vol_name = volume.get("name").and_then(Value::as_str).unwrap_or("?");
        let usage = format!("volume {vol_name}");
        let claim = volume.at("/persistentVolumeClaim/claimName");
        if let Some(name) = claim.and_then(Value::as_str) {
            out.push(Reference {
                target: Target::Claim,
                via: Via::Volume,
                name,
                name_at: site.path("persistentVolumeClaim/claimName"),
                site: site.clone(),
                optional: false,
                keys: Vec::new(),
                usage: usage.clone(),
            });
        }
        let direct = [
            ("configMap", "name", Target::ConfigMap),
            ("secret", "secretName", Target::Secret),
        ];
        for (field, name_field, target) in direct {
            if let Some(v) = volume.get(field) {
                let at = (site.key(field), site.clone());
                source(v, name_field, target, at, &usage, &mut out);
            }
        }
        let sources = volume.at("/projected/sources").and_then(Value::as_array);
        for (j, s) in sources.into_iter().flatten().enumerate() {
            let s_site = site.path("projected/sources").index(j);
            for (field, target) in [("configMap", Target::ConfigMap), ("secret", Target::Secret)] {
                if let Some(v) = s.get(field) {
                    let at = (s_site.key(field), s_site.clone());
                    source(v, "name", target, at, &usage, &mut out);
                }
            }
        }
    }
    let pull = spec.get("imagePullSecrets").and_then(Value::as_array);
    for (i, p) in pull.into_iter().flatten().enumerate() {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let site = spec.pointer.key("imagePullSecrets").index(i);
        out.push(Reference {
            target: Target::Secret,
            via: Via::PullSecret,
            name,
            name_at: site.key("name"),
            site,
            optional: false,
            keys: Vec::new(),
            usage: "imagePullSecrets".to_owned(),
        });
    }
    out.extend(service_account(spec));
    out
}

/// The ServiceAccount a pod spec names, if it names one.
pub fn service_account<'a>(spec: &PodSpec<'a>) -> Option<Reference<'a>> {
    // serviceAccountName wins over the deprecated serviceAccount; the API server copies a
    // non-empty one into the other.
    let (field, name) = ["serviceAccountName", "serviceAccount"]
        .into_iter()
        .find_map(|f| Some((f, spec.str(f).filter(|v| !v.is_empty())?)))?;
    let site = spec.pointer.key(field);
    Some(Reference {
        target: Target::ServiceAccount,
        via: Via::ServiceAccount,
        name,
        name_at: site.clone(),
        site,
        optional: false,
        keys: Vec::new(),
        usage: field.to_owned(),
    })
}

/// A configMap/secret volume or projected source: its name field and `items[].key`.
/// `at` is the source's pointer and the site of the reference.
fn source<'a>(
    value: &'a Value,
    name_field: &str,
    target: Target,
    (at, site): (Pointer, Pointer),
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
        via: Via::Volume,
        name,
        name_at: at.key(name_field),
        site,
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
pub fn keys_of(object: &Object) -> Vec<&str> {
    let fields: &[&str] = if object.kind == "Secret" {
        &["data", "stringData"]
    } else {
        &["data", "binaryData"]
    };
    let mut keys: Vec<&str> = fields
        .iter()
        .filter_map(|f| object.value.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys().map(crate::base::small_str::Key::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}
