//! Objects as Rhai values: a JSON value becomes nested Rhai maps and arrays, and each
//! object's map carries its graph id in the value's tag, so that a policy can name another
//! object (a related location) just by handing back the map it was given.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::base::value::Value;
use rhai::{Array, Dynamic, Map};

use super::view_use::Fields;
use crate::base::ObjectId;
use crate::compile::Compiled;
use crate::graph::Graph;
use crate::model::{Object, PodTemplate};

/// One run's view of the graph for policies: the compiled input, and objects converted to
/// Rhai values on demand.
///
/// Whole objects are converted afresh for every call. The pod views (containers,
/// volumes, template) of the object being checked are converted once per thread and
/// handed out as copies ([`views`]): the check stage runs every policy on one object
/// before the next, and most policies ask for the same containers. A value handed to a
/// script is the script's to change, hence the copies (cheaper than converting: no
/// string is allocated again); each copy holds only the fields of the wrapped value the
/// policy reads ([`super::view_use`]), and only those are converted.
pub struct RunState {
    /// The compiled input.
    pub compiled: Arc<Compiled>,
    /// The API groups each kind appears with, so that `"Deployment"` finds `apps`.
    groups_of_kind: HashMap<String, Vec<String>>,
    /// This run among the process's runs, so that a thread's cached views of an object
    /// never outlive the run they were converted for.
    generation: u64,
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
        static GENERATIONS: AtomicU64 = AtomicU64::new(0);
        RunState {
            compiled,
            groups_of_kind,
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.compiled.graph
    }

    /// An object as a Rhai map, the caller's own copy, tagged with the object's id.
    pub fn value(&self, id: ObjectId) -> Dynamic {
        let Some(object) = self.graph().objects.get(id.0 as usize) else {
            return Dynamic::UNIT;
        };
        let mut d = to_dynamic(&object.value);
        d.set_tag(tag_of(id));
        d
    }

    /// What a policy that never reads its object is given instead of it: an empty map
    /// with the object's tag, all the context's methods read ([`super::object_use`]).
    pub fn stand_in(&self, id: ObjectId) -> Dynamic {
        let mut d = Dynamic::from_map(Map::new());
        d.set_tag(tag_of(id));
        d
    }

    /// The pod template view of an object, its `spec` holding the fields a policy reads
    /// (a copy of this thread's cached view).
    pub fn template(&self, object: &Object, fields: &Fields) -> Dynamic {
        views::with(self.generation, object, |v| {
            let Some(view) = v.template.get_or_insert_with(|| pod::template(object)) else {
                return Dynamic::UNIT;
            };
            if view.nested.wants(fields) {
                if let Some(t) = PodTemplate::of(object) {
                    view.nested.fill(t.spec.value, fields);
                }
            }
            view.copy("spec", fields)
        })
    }

    /// The container views of an object, each `value` holding the fields a policy reads
    /// (copies of this thread's cached views).
    pub fn containers(&self, object: &Object, fields: &Fields) -> Array {
        views::with(self.generation, object, |v| {
            let list = v.containers.get_or_insert_with(|| pod::containers(object));
            let values = || {
                PodTemplate::of(object)
                    .map(|t| t.spec.all_containers().map(|c| c.value).collect())
                    .unwrap_or_default()
            };
            pod::copies(list, values, fields)
        })
    }

    /// The volume views of an object, each `value` holding the fields a policy reads
    /// (copies of this thread's cached views).
    pub fn volumes(&self, object: &Object, fields: &Fields) -> Array {
        views::with(self.generation, object, |v| {
            let list = v.volumes.get_or_insert_with(|| pod::volumes(object));
            let values = || {
                PodTemplate::of(object)
                    .map(|t| t.spec.volumes().map(|(_, v)| v).collect())
                    .unwrap_or_default()
            };
            pod::copies(list, values, fields)
        })
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

/// Each thread's converted pod views of the last object it was asked about.
mod views {
    use std::cell::RefCell;

    use super::pod::View;
    use crate::base::ObjectId;
    use crate::model::Object;

    /// The views of one object of one run, each converted when first asked for.
    #[derive(Default)]
    pub struct Views {
        run: u64,
        object: Option<ObjectId>,
        /// `Some(None)`: the object has no pod template.
        pub template: Option<Option<View>>,
        pub containers: Option<Vec<View>>,
        pub volumes: Option<Vec<View>>,
    }

    thread_local! {
        static LAST: RefCell<Views> = RefCell::new(Views::default());
    }

    /// Calls `f` with this thread's views of `object`, dropping those of another object.
    pub fn with<T>(run: u64, object: &Object, f: impl FnOnce(&mut Views) -> T) -> T {
        LAST.with(|cell| {
            let mut views = cell.borrow_mut();
            if views.run != run || views.object != Some(object.id) {
                *views = Views {
                    run,
                    object: Some(object.id),
                    ..Views::default()
                };
            }
            f(&mut views)
        })
    }
}

/// The pod views of a workload, each built only when a policy asks for it (most ask for
/// the containers alone, which are a small part of the pod spec). A view's small fields
/// are converted at once; the Kubernetes value it wraps (a container's `value`, the
/// template's `spec`) one field at a time, as policies name them ([`super::view_use`]).
pub mod pod {
    use super::*;

    /// One view: its small fields, and the value it wraps.
    pub struct View {
        head: Map,
        /// The wrapped value, converted as far as policies asked.
        pub nested: Nested,
    }

    impl View {
        fn new(head: Map, nested: &Value) -> View {
            View {
                head,
                nested: Nested::of(nested),
            }
        }

        /// A policy's own copy: the small fields, and the fields of the value it reads
        /// under `name` (filled beforehand: [`Nested::fill`]).
        pub fn copy(&self, name: &str, fields: &Fields) -> Dynamic {
            let mut m = self.head.clone();
            m.insert(name.into(), self.nested.copy(fields));
            Dynamic::from_map(m)
        }
    }

    /// A wrapped value as far as it is converted.
    pub enum Nested {
        /// A map, field by field: those converted, those looked for (present or not), and
        /// whether every field is converted.
        Map {
            converted: Map,
            tried: Vec<String>,
            complete: bool,
        },
        /// Anything else (a malformed container), converted whole at once.
        Whole(Dynamic),
    }

    impl Nested {
        fn of(value: &Value) -> Nested {
            if value.is_object() {
                Nested::Map {
                    converted: Map::new(),
                    tried: Vec::new(),
                    complete: false,
                }
            } else {
                Nested::Whole(to_dynamic(value))
            }
        }

        /// Whether [`Nested::fill`] has fields to convert for these.
        pub fn wants(&self, fields: &Fields) -> bool {
            match (self, fields) {
                (Nested::Whole(_), _) | (Nested::Map { complete: true, .. }, _) => false,
                (Nested::Map { .. }, Fields::All) => true,
                (Nested::Map { tried, .. }, Fields::Only(names)) => {
                    names.iter().any(|n| !tried.contains(n))
                }
            }
        }

        /// Converts the fields not converted yet from `source`, the value this was made of.
        pub fn fill(&mut self, source: &Value, fields: &Fields) {
            let (
                Nested::Map {
                    converted,
                    tried,
                    complete,
                },
                Value::Object(source),
            ) = (self, source)
            else {
                return;
            };
            match fields {
                Fields::All => {
                    for (k, v) in source {
                        if !converted.contains_key(k.as_str()) {
                            converted.insert(k.as_str().into(), to_dynamic(v));
                        }
                    }
                    *complete = true;
                }
                Fields::Only(names) => {
                    for name in names {
                        if tried.contains(name) {
                            continue;
                        }
                        if let Some(v) = source.get(name) {
                            converted.insert(name.as_str().into(), to_dynamic(v));
                        }
                        tried.push(name.clone());
                    }
                }
            }
        }

        fn copy(&self, fields: &Fields) -> Dynamic {
            match (self, fields) {
                (Nested::Whole(whole), _) => whole.clone(),
                (Nested::Map { converted, .. }, Fields::All) => {
                    Dynamic::from_map(converted.clone())
                }
                (Nested::Map { converted, .. }, Fields::Only(names)) => {
                    let mut m = Map::new();
                    for name in names {
                        if let Some(v) = converted.get(name.as_str()) {
                            m.insert(name.as_str().into(), v.clone());
                        }
                    }
                    Dynamic::from_map(m)
                }
            }
        }
    }

    /// A policy's copies of a list of views (containers, volumes), converting first the
    /// fields it reads that no policy has read yet; `values` gives the wrapped values, in
    /// the views' order, when that is needed.
    pub fn copies<'a>(
        list: &mut [View],
        values: impl FnOnce() -> Vec<&'a Value>,
        fields: &Fields,
    ) -> Array {
        if list.iter().any(|view| view.nested.wants(fields)) {
            for (view, value) in list.iter_mut().zip(values()) {
                view.nested.fill(value, fields);
            }
        }
        list.iter().map(|view| view.copy("value", fields)).collect()
    }

    /// `#{ pointer, spec_pointer, labels, spec, replicas }`, or `None` without a template.
    pub fn template(object: &Object) -> Option<View> {
        let t = PodTemplate::of(object)?;
        let mut m = Map::new();
        m.insert("pointer".into(), t.pointer.as_str().into());
        m.insert("spec_pointer".into(), t.spec.pointer.as_str().into());
        m.insert(
            "labels".into(),
            t.labels().map_or(Dynamic::from_map(Map::new()), |l| {
                to_dynamic(&Value::Object(l.clone()))
            }),
        );
        m.insert(
            "replicas".into(),
            t.replicas().map_or(Dynamic::UNIT, Dynamic::from_int),
        );
        Some(View::new(m, t.spec.value))
    }

    /// `#{ name, kind, index, pointer, describe, sidecar, value }` per container.
    pub fn containers(object: &Object) -> Vec<View> {
        let Some(t) = PodTemplate::of(object) else {
            return Vec::new();
        };
        t.spec
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
                View::new(m, c.value)
            })
            .collect()
    }

    /// `#{ name, pointer, value }` per pod volume.
    pub fn volumes(object: &Object) -> Vec<View> {
        let Some(t) = PodTemplate::of(object) else {
            return Vec::new();
        };
        t.spec
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
                View::new(m, v)
            })
            .collect()
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
        Value::String(value.to_string().into())
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
        Value::String(value.to_string().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn round_trips_through_rhai() {
        let v = json!({"a": [1, 2.5, "x", null, true], "b": {"c": "d"}});
        assert_eq!(to_json(&to_dynamic(&v)), v);
    }
}
