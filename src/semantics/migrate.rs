//! Mechanical migrations from a deprecated or removed API version of a kind to the one
//! that replaces it, as the Kubernetes deprecation guide describes them: what changes in
//! the object, field by field. Only mappings that lose nothing are here; a kind whose
//! replacement needs a decision (extensions/v1beta1 Deployments gaining a selector) has
//! none.

use crate::base::value::{Map, Value};

use crate::base::{At, Pointer};
use crate::edit::{Change, Yaml};
use crate::model::Object;

/// A migration of one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The apiVersion it moves to.
    pub to: &'static str,
    /// Whether the object means the same afterwards.
    pub safe: bool,
    /// The changes.
    pub changes: Vec<Change>,
}

/// The migration of an object to the newest API version of its kind, when the target
/// release (`target_minor` of 1.N) serves that version and the mapping is mechanical.
pub fn migration(object: &Object, target_minor: u32) -> Option<Migration> {
    let (to, since) = replacement(&object.api_version, &object.kind)?;
    if target_minor < since {
        return None;
    }
    let mut changes = vec![Change::Replace {
        pointer: Pointer::root().key("apiVersion"),
        value: Yaml::string(to),
    }];
    let mut safe = true;
    match object.kind.as_str() {
        "Ingress" => ingress(&object.value, &mut changes)?,
        "HorizontalPodAutoscaler" if object.api_version == "autoscaling/v2beta1" => {
            hpa_v2beta1(&object.value, &mut changes)?;
        }
        // policy/v1 reads an empty selector as every pod of the namespace; v1beta1 as none.
        "PodDisruptionBudget" => {
            safe = !object
                .value
                .at("/spec/selector")
                .and_then(Value::as_object)
                .is_some_and(Map::is_empty);
        }
        _ => {}
    }
    Some(Migration { to, safe, changes })
}

/// The version that replaces a deprecated one, and the release (1.N) that first serves it.
fn replacement(api_version: &str, kind: &str) -> Option<(&'static str, u32)> {
    Some(match (api_version, kind) {
        ("extensions/v1beta1" | "networking.k8s.io/v1beta1", "Ingress") => {
            ("networking.k8s.io/v1", 19)
        }
        ("policy/v1beta1", "PodDisruptionBudget") => ("policy/v1", 21),
        ("batch/v1beta1", "CronJob") => ("batch/v1", 21),
        ("autoscaling/v2beta1" | "autoscaling/v2beta2", "HorizontalPodAutoscaler") => {
            ("autoscaling/v2", 23)
        }
        _ => return None,
    })
}

/// Ingress: `serviceName`/`servicePort` become `service.name`/`service.port.number|name`,
/// `spec.backend` becomes `spec.defaultBackend`, and every path gets the `pathType` that
/// v1beta1 applied when none was given (`ImplementationSpecific`).
fn ingress(value: &Value, changes: &mut Vec<Change>) -> Option<()> {
    let spec = Pointer::root().key("spec");
    if let Some(b) = value.at("/spec/backend") {
        let at = spec.key("backend");
        if let Some(new) = backend(b)? {
            changes.push(Change::Replace {
                pointer: at.clone(),
                value: new,
            });
        }
        changes.push(Change::RenameKey {
            pointer: at,
            to: "defaultBackend".to_owned(),
        });
    }
    let rules = value.at("/spec/rules").and_then(Value::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let paths = rule.at("/http/paths").and_then(Value::as_array);
        for (j, path) in paths.into_iter().flatten().enumerate() {
            let at = spec.key("rules").index(i).path("http/paths").index(j);
            let new = match path.get("backend") {
                Some(b) => backend(b)?,
                None => None,
            };
            if let Some(new) = new {
                changes.push(Change::Replace {
                    pointer: at.key("backend"),
                    value: new,
                });
            }
            if path.get("pathType").is_none() && path.is_object() {
                changes.push(Change::Set {
                    pointer: at.key("pathType"),
                    value: Yaml::raw("ImplementationSpecific"),
                });
            }
        }
    }
    Some(())
}

/// A v1beta1 backend in v1 form: `Ok(None)` when it has nothing to convert (a `resource`
/// backend), `None` when it cannot be converted.
fn backend(b: &Value) -> Option<Option<Yaml>> {
    let map = b.as_object()?;
    if !map.contains_key("serviceName") {
        return map.contains_key("resource").then_some(None);
    }
    if map.keys().any(|k| k != "serviceName" && k != "servicePort") {
        return None;
    }
    let name = map.get("serviceName")?.as_str()?;
    let port = match map.get("servicePort")? {
        Value::Number(n) => ("number", Yaml::raw(n.to_string())),
        Value::String(s) => ("name", Yaml::string(s)),
        _ => return None,
    };
    Some(Some(Yaml::Map(vec![(
        "service".to_owned(),
        Yaml::Map(vec![
            ("name".to_owned(), Yaml::string(name)),
            (
                "port".to_owned(),
                Yaml::Map(vec![(port.0.to_owned(), port.1)]),
            ),
        ]),
    )])))
}

/// autoscaling/v2beta1 → v2: each metric source's `metricName`, `targetValue`,
/// `targetAverageValue` and `targetAverageUtilization` move under `metric` and `target`.
fn hpa_v2beta1(value: &Value, changes: &mut Vec<Change>) -> Option<()> {
    let metrics = value.at("/spec/metrics").and_then(Value::as_array);
    for (i, m) in metrics.into_iter().flatten().enumerate() {
        let at = Pointer::root().path("spec/metrics").index(i);
        for (field, source) in m.as_object()? {
            let new = match field.as_str() {
                "resource" => resource_source(source)?,
                "pods" | "object" | "external" => metric_source(field, source)?,
                _ => continue,
            };
            changes.push(Change::Replace {
                pointer: at.key(field),
                value: new,
            });
        }
    }
    Some(())
}

fn target(kind: &str, field: &str, value: &Value) -> Yaml {
    Yaml::Map(vec![
        ("type".to_owned(), Yaml::raw(kind)),
        (field.to_owned(), Yaml::from_json(value)),
    ])
}

fn resource_source(s: &Value) -> Option<Yaml> {
    let map = s.as_object()?;
    let mut out = Vec::new();
    let mut goal = None;
    for (k, v) in map {
        match k.as_str() {
            "name" => out.push((k.to_string(), Yaml::from_json(v))),
            "targetAverageUtilization" => {
                goal = Some(target("Utilization", "averageUtilization", v));
            }
            "targetAverageValue" => goal = Some(target("AverageValue", "averageValue", v)),
            _ => return None,
        }
    }
    out.push(("target".to_owned(), goal?));
    Some(Yaml::Map(out))
}

/// `pods`, `object` and `external` sources: the metric's name and selector under
/// `metric`, the object under `describedObject`, the goal under `target`.
fn metric_source(field: &str, s: &Value) -> Option<Yaml> {
    let map = s.as_object()?;
    let mut metric = vec![("name".to_owned(), Yaml::from_json(map.get("metricName")?))];
    let selector = match field {
        "external" => map.get("metricSelector"),
        _ => map.get("selector"),
    };
    if let Some(sel) = selector {
        metric.push(("selector".to_owned(), Yaml::from_json(sel)));
    }
    let mut out = Vec::new();
    if field == "object" {
        out.push((
            "describedObject".to_owned(),
            Yaml::from_json(map.get("target")?),
        ));
    }
    out.push(("metric".to_owned(), Yaml::Map(metric)));
    let goal = match (
        map.get("targetValue"),
        map.get("targetAverageValue"),
        map.get("averageValue"),
    ) {
        (Some(v), None, None) => target("Value", "value", v),
        (None, Some(v), None) if field != "object" => target("AverageValue", "averageValue", v),
        (_, None, Some(v)) if field == "object" => target("AverageValue", "averageValue", v),
        _ => return None,
    };
    out.push(("target".to_owned(), goal));
    let known = [
        "metricName",
        "selector",
        "metricSelector",
        "target",
        "targetValue",
        "targetAverageValue",
        "averageValue",
    ];
    if map.keys().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    Some(Yaml::Map(out))
}
