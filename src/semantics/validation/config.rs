//! `ValidateSecret`, `ValidateResourceQuota` and `ValidateLimitRange`
//! (pkg/apis/core/validation/validation.go). Key names and sizes are the
//! `config-key-name` and `config-size` rules'; base64 is `secret-encoding`'s.

use crate::base::value::Value;
use base64::Engine;

use super::Errors;
use crate::base::Pointer;
use crate::model::Object;
use crate::semantics::quantity::Quantity;

/// The keys a Secret of a type must hold, any one of each group (`ValidateSecret`).
fn required_keys(ty: &str) -> &'static [&'static [&'static str]] {
    match ty {
        "kubernetes.io/tls" => &[&["tls.crt"], &["tls.key"]],
        "kubernetes.io/dockercfg" => &[&[".dockercfg"]],
        "kubernetes.io/dockerconfigjson" => &[&[".dockerconfigjson"]],
        "kubernetes.io/ssh-auth" => &[&["ssh-privatekey"]],
        // One of username and password is enough.
        "kubernetes.io/basic-auth" => &[&["username", "password"]],
        _ => &[],
    }
}

/// A Secret value as the server sees it: `stringData` wins over `data` (base64).
fn secret_value(object: &Object, key: &str) -> Option<Vec<u8>> {
    if let Some(s) = object
        .at("/stringData")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
    {
        return Some(s.as_bytes().to_vec());
    }
    let d = object.at("/data")?.get(key)?;
    match d {
        Value::String(s) => base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .ok(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn has_key(object: &Object, key: &str) -> bool {
    ["/data", "/stringData"]
        .iter()
        .any(|p| object.at(p).and_then(|d| d.get(key)).is_some())
}

/// `ValidateSecret`: the keys a typed Secret must hold, JSON for the docker config types,
/// the ServiceAccount annotation of a token Secret.
pub fn secret(object: &Object, errs: &mut Errors) {
    let Some(ty) = object.at("/type").and_then(Value::as_str) else {
        return;
    };
    let data = if object.at("/data").is_some() || object.at("/stringData").is_none() {
        Pointer::root().key("data")
    } else {
        Pointer::root().key("stringData")
    };
    for group in required_keys(ty) {
        if !group.iter().any(|k| has_key(object, k)) {
            for k in *group {
                errs.required("secret-type", data.key(k), "").keyed = true;
            }
        }
    }
    if matches!(
        ty,
        "kubernetes.io/dockercfg" | "kubernetes.io/dockerconfigjson"
    ) {
        let key = if ty == "kubernetes.io/dockercfg" {
            ".dockercfg"
        } else {
            ".dockerconfigjson"
        };
        if let Some(bytes) = secret_value(object, key) {
            if let Err(e) = serde_json::from_slice::<Value>(&bytes) {
                errs.invalid(
                    "secret-type",
                    data.key(key),
                    &Value::from("<secret contents redacted>"),
                    e.to_string(),
                )
                .keyed = true;
            }
        }
    }
    if ty == "kubernetes.io/service-account-token" {
        let name = object
            .annotations()
            .and_then(|a| a.get("kubernetes.io/service-account.name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if name.is_empty() {
            errs.required(
                "secret-type",
                Pointer::root()
                    .path("metadata/annotations")
                    .key("kubernetes.io/service-account.name"),
                "",
            )
            .keyed = true;
        }
    }
}

fn quantity(v: &Value) -> Option<Quantity> {
    match v {
        Value::String(s) => Quantity::parse(s).ok(),
        Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

/// `ValidateResourceQuota` → `validateResourceQuantityValue`: hard limits are not negative.
pub fn resource_quota(object: &Object, errs: &mut Errors) {
    let Some(hard) = object.at("/spec/hard").and_then(Value::as_object) else {
        return;
    };
    for (name, v) in hard {
        if quantity(v).is_some_and(|q| q.nano() < 0) {
            errs.invalid(
                "resource-quota",
                Pointer::root().path("spec/hard").key(name),
                v,
                "must be greater than or equal to 0",
            )
            .keyed = true;
        }
    }
}

/// `ValidateLimitRange`: per resource, min ≤ defaultRequest ≤ default ≤ max, and a
/// `Pod` limit has no defaults.
pub fn limit_range(object: &Object, errs: &mut Errors) {
    let Some(limits) = object.at("/spec/limits").and_then(Value::as_array) else {
        return;
    };
    for (i, item) in limits.iter().enumerate() {
        let at = Pointer::root().path("spec/limits").index(i);
        if item.get("type").and_then(Value::as_str) == Some("Pod") {
            for field in ["default", "defaultRequest"] {
                if item
                    .get(field)
                    .and_then(Value::as_object)
                    .is_some_and(|m| !m.is_empty())
                {
                    errs.forbidden(
                        "limit-range",
                        at.key(field),
                        "may not be specified when `type` is 'Pod'",
                    );
                }
            }
        }
        let get = |field: &str, name: &str| -> Option<(Quantity, String)> {
            let v = item.get(field)?.get(name)?;
            Some((
                quantity(v)?,
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            ))
        };
        let mut names: Vec<&crate::base::small_str::Key> =
            ["min", "max", "default", "defaultRequest"]
                .iter()
                .filter_map(|f| item.get(*f).and_then(Value::as_object))
                .flat_map(|m| m.keys())
                .collect();
        names.sort();
        names.dedup();
        // Each pair (lower field, upper field, where the server reports it, message).
        let pairs: [(&str, &str, &str, &str, &str); 4] = [
            (
                "min",
                "max",
                "min",
                "min value",
                "is greater than max value",
            ),
            (
                "min",
                "default",
                "default",
                "min value",
                "is greater than default value",
            ),
            (
                "default",
                "max",
                "default",
                "default value",
                "is greater than max value",
            ),
            (
                "defaultRequest",
                "default",
                "defaultRequest",
                "default request value",
                "is greater than default limit value",
            ),
        ];
        for name in names {
            for (lo, hi, report, lo_what, rel) in pairs {
                if let (Some((l, ltext)), Some((h, htext))) = (get(lo, name), get(hi, name)) {
                    if l.nano() > h.nano() {
                        let shown = if report == lo { &ltext } else { &htext };
                        errs.invalid(
                            "limit-range",
                            at.key(report).key(name),
                            &Value::from(shown.as_str()),
                            format!("{lo_what} {ltext} {rel} {htext}"),
                        )
                        .keyed = true;
                    }
                }
            }
        }
    }
}
