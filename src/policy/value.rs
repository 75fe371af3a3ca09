//! Objects as Rhai values: a JSON value becomes nested Rhai maps and arrays, and each
//! object's map carries its graph id in the value's tag, so that a policy can name another
//! object (a related location) just by handing back the map it was given.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rhai::{Array, Dynamic, Map};
use serde_json::Value;

use crate::compile::Compiled;
use crate::graph::Graph;
use crate::model::{Object, ObjectId, PodTemplate};

/// Distinguishes runs in the per-thread cache of converted objects.
static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The object this thread converted last: `(run, object, value)`. The check stage runs
    /// every policy on one object before the next, on one thread, so one entry serves all
    /// of them while memory stays bounded by the number of threads (a cache of every
    /// object would double the run's peak memory).
    static LAST_VALUE: RefCell<Option<(u64, ObjectId, Dynamic)>> = const { RefCell::new(None) };
    /// The pod views this thread built last, for the same reason.
    static LAST_VIEWS: RefCell<Option<(u64, ObjectId, Arc<PodViews>)>> = const { RefCell::new(None) };
}

/// One run's view of the graph for policies: the compiled input, objects converted to Rhai
/// values on demand, and each workload's pod views built once.
pub struct RunState {
    /// The compiled input.
    pub compiled: Arc<Compiled>,
    run: u64,
    /// The API groups each kind appears with, so that `"Deployment"` finds `apps`.
    groups_of_kind: HashMap<String, Vec<String>>,
}

impl RunState {
    /// A view over a compiled input.
    pub fn new(compiled: Arc<Compiled>) -> RunState {
        let mut groups_of_kind: HashMap<String, Vec<String>> = HashMap::new();
        for o in &compiled.graph.objects {
            let groups = groups_of_kind.entry(o.kind.clone()).or_default();
            if !groups.contains(&o.group) {
                groups.push(o.group.clone());
            }
        }
        RunState {
            run: NEXT_RUN.fetch_add(1, Ordering::Relaxed),
            compiled,
            groups_of_kind,
        }
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.compiled.graph
    }

    /// An object as a Rhai map (each policy gets its own copy to read).
    pub fn value(&self, id: ObjectId) -> Dynamic {
        if id.0 as usize >= self.graph().objects.len() {
            return Dynamic::UNIT;
        }
        LAST_VALUE.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((run, cached, value)) = last.as_ref() {
                if *run == self.run && *cached == id {
                    return value.clone();
                }
            }
            let mut d = to_dynamic(&self.graph().object(id).value);
            d.set_tag(tag_of(id));
            *last = Some((self.run, id, d.clone()));
            d
        })
    }

    /// A workload's pod template, containers and volumes as Rhai values, built once per
    /// object for all the policies that ask (most default policies do).
    pub fn pod_views(&self, id: ObjectId) -> Option<Arc<PodViews>> {
        let object = self.graph().objects.get(id.0 as usize)?;
        Some(LAST_VIEWS.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((run, cached, views)) = last.as_ref() {
                if *run == self.run && *cached == id {
                    return Arc::clone(views);
                }
            }
            let views = Arc::new(PodViews::of(object));
            *last = Some((self.run, id, Arc::clone(&views)));
            views
        }))
    }

    /// The groups to look a kind up in: the one written (`apps/Deployment`), or every
    /// group the kind appears with in the input.
    pub fn groups<'a>(&'a self, kind: &'a str) -> (Vec<&'a str>, &'a str) {
        match kind.rsplit_once('/') {
            Some((group, kind)) => (vec![group], kind),
            None => (
                self.groups_of_kind
                    .get(kind)
                    .map(|gs| gs.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
                kind,
            ),
        }
    }

    /// The object a Rhai value stands for, if it is one handed out by this run.
    pub fn object_of(&self, value: &Dynamic) -> Option<&Object> {
        let id = usize::try_from(value.tag()).ok()?.checked_sub(1)?;
        self.graph().objects.get(id)
    }
}

/// The pod views of one object; empty when it has no pod template.
#[derive(Default)]
pub struct PodViews {
    /// `#{ pointer, spec_pointer, labels, spec, replicas }`, or `()`.
    pub template: Dynamic,
    /// `#{ name, kind, index, pointer, describe, sidecar, value }` per container.
    pub containers: Array,
    /// `#{ name, pointer, value }` per pod volume.
    pub volumes: Array,
}

impl PodViews {
    fn of(object: &Object) -> PodViews {
        let Some(t) = PodTemplate::of(object) else {
            return PodViews::default();
        };
        let mut m = Map::new();
        m.insert("pointer".into(), t.pointer.as_str().into());
        m.insert("spec_pointer".into(), t.spec.pointer.as_str().into());
        m.insert(
            "labels".into(),
            t.labels().map_or(Dynamic::from_map(Map::new()), |l| {
                to_dynamic(&Value::Object(l.clone()))
            }),
        );
        m.insert("spec".into(), to_dynamic(t.spec.value));
        m.insert(
            "replicas".into(),
            t.replicas().map_or(Dynamic::UNIT, Dynamic::from_int),
        );
        let containers = t
            .spec
            .all_containers()
            .map(|c| {
                let mut m = Map::new();
                m.insert("name".into(), c.name().unwrap_or("").into());
                m.insert("kind".into(), c.kind.field().into());
                m.insert(
                    "index".into(),
                    Dynamic::from_int(i64::try_from(c.index).unwrap_or(i64::MAX)),
                );
                m.insert("pointer".into(), c.pointer.as_str().into());
                m.insert("describe".into(), c.describe().into());
                m.insert("sidecar".into(), Dynamic::from_bool(c.is_sidecar()));
                m.insert("value".into(), to_dynamic(c.value));
                Dynamic::from_map(m)
            })
            .collect();
        let volumes = t
            .spec
            .volumes()
            .map(|(i, v)| {
                let mut m = Map::new();
                m.insert(
                    "name".into(),
                    v.get("name").and_then(Value::as_str).unwrap_or("").into(),
                );
                m.insert(
                    "pointer".into(),
                    t.spec.pointer.key("volumes").index(i).as_str().into(),
                );
                m.insert("value".into(), to_dynamic(v));
                Dynamic::from_map(m)
            })
            .collect();
        PodViews {
            template: Dynamic::from_map(m),
            containers,
            volumes,
        }
    }
}

/// Tags are `i32`; 0 (the default) means "not an object", so ids are stored plus one.
fn tag_of(id: ObjectId) -> i32 {
    i32::try_from(id.0).map_or(0, |t| t.saturating_add(1))
}

/// A JSON value as a Rhai value: maps, arrays, strings, integers (floats when they do not
/// fit), booleans; `null` is `()`.
pub fn to_dynamic(value: &Value) -> Dynamic {
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Dynamic::from(rhai::ImmutableString::from(s.as_str())),
        Value::Array(items) => Dynamic::from_array(items.iter().map(to_dynamic).collect::<Array>()),
        Value::Object(fields) => {
            let mut map = Map::new();
            for (k, v) in fields {
                map.insert(k.as_str().into(), to_dynamic(v));
            }
            Dynamic::from_map(map)
        }
    }
}

/// A Rhai value as a JSON value, for selectors and labels a policy builds itself.
pub fn to_json(value: &Dynamic) -> Value {
    if value.is_unit() {
        Value::Null
    } else if let Ok(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Ok(i) = value.as_int() {
        Value::from(i)
    } else if let Ok(f) = value.as_float() {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    } else if value.is_string() {
        Value::String(value.to_string())
    } else if let Some(items) = value.read_lock::<Array>() {
        Value::Array(items.iter().map(to_json).collect())
    } else if let Some(fields) = value.read_lock::<Map>() {
        Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        )
    } else {
        Value::String(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_rhai() {
        let v = json!({"a": [1, 2.5, "x", null, true], "b": {"c": "d"}});
        assert_eq!(to_json(&to_dynamic(&v)), v);
    }
}
