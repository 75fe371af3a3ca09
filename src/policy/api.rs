//! The context a policy's `check(object, ctx)` receives: read-only queries over the typed
//! graph (docs/policies.md documents each with an example). Every query goes through the
//! graph's indexes and the one pod-template accessor; none scans every object for a lookup.

use std::sync::Arc;

use crate::base::value::Value;
use rhai::{Array, Dynamic, Engine, FuncRegistration, ImmutableString};

use super::value::{RunState, to_json};
use super::view_use::ViewReads;
use crate::base::{At, ObjectId, Pointer};
use crate::deadline;
use crate::model::{Object, PodTemplate, Selector};

/// The `ctx` value: a handle on the run's graph, seen from the object being checked (its
/// apply unit bounds every lookup, as for the built-in rules), with what the calling
/// policy reads of the pod views.
#[derive(Clone)]
pub struct Ctx(pub Arc<RunState>, pub ObjectId, pub Arc<ViewReads>);

impl Ctx {
    fn viewer(&self) -> &Object {
        self.0.graph().object(self.1)
    }

    /// The objects as the script's own values. A lookup can return thousands of objects,
    /// and a script can ask one per object it checks: the clock is read before each
    /// conversion, so a call past its deadline stops here rather than after the array.
    fn objects(&self, objects: impl IntoIterator<Item = ObjectId>) -> Result<Array, Stop> {
        objects
            .into_iter()
            .map(|id| {
                if deadline::expired() {
                    return Err(deadline::stop());
                }
                Ok(self.0.value(id))
            })
            .collect()
    }

    fn object<'a>(&'a self, value: &Dynamic) -> Option<&'a Object> {
        self.0.object_of(value)
    }

    fn get(&mut self, kind: &str, namespace: Option<&str>, name: &str) -> Dynamic {
        let (groups, kind) = self.0.groups(kind);
        groups
            .iter()
            .find_map(|g| self.0.graph().get(self.viewer(), g, kind, namespace, name))
            .map_or(Dynamic::UNIT, |o| self.0.value(o.id))
    }

    fn list(&mut self, kind: &str, namespace: Option<Option<&str>>) -> Result<Array, Stop> {
        running()?;
        let (groups, kind) = self.0.groups(kind);
        let graph = self.0.graph();
        let ids: Vec<ObjectId> = groups
            .iter()
            .flat_map(|g| graph.of_kind_seen_by(self.viewer(), g, kind))
            .filter(|o| namespace.is_none_or(|ns| o.namespace.as_deref() == ns))
            .map(|o| o.id)
            .collect();
        self.objects(ids)
    }

    fn namespace(&mut self, object: Dynamic) -> Dynamic {
        self.object(&object)
            .and_then(|o| o.namespace.clone())
            .map_or(Dynamic::UNIT, Dynamic::from)
    }

    fn selected_by(&mut self, object: Dynamic) -> Result<Array, Stop> {
        running()?;
        let Some(o) = self.object(&object) else {
            return Ok(Array::new());
        };
        let Some(selector) = selector_of(o) else {
            return Ok(Array::new());
        };
        let ids: Vec<ObjectId> = self
            .0
            .graph()
            .workloads_selected_by(self.viewer(), o.namespace.as_deref(), &selector)
            .into_iter()
            .map(|w| w.id)
            .collect();
        self.objects(ids)
    }

    fn services_selecting(&mut self, object: Dynamic) -> Result<Array, Stop> {
        running()?;
        let Some(o) = self.object(&object) else {
            return Ok(Array::new());
        };
        let ids: Vec<ObjectId> = self
            .0
            .graph()
            .services_selecting(o)
            .into_iter()
            .filter(|s| self.0.graph().sees(self.1, s.id))
            .map(|s| s.id)
            .collect();
        self.objects(ids)
    }

    fn pod_template(&mut self, object: Dynamic) -> Dynamic {
        self.object(&object)
            .map_or(Dynamic::UNIT, |o| self.0.template(o, &self.2.template))
    }

    fn containers(&mut self, object: Dynamic) -> Array {
        self.object(&object)
            .map(|o| self.0.containers(o, &self.2.containers))
            .unwrap_or_default()
    }

    fn volumes(&mut self, object: Dynamic) -> Array {
        self.object(&object)
            .map(|o| self.0.volumes(o, &self.2.volumes))
            .unwrap_or_default()
    }

    fn pvc(&mut self, object: Dynamic, volume: &str) -> Dynamic {
        let Some(o) = self.object(&object) else {
            return Dynamic::UNIT;
        };
        let Some(t) = PodTemplate::of(o) else {
            return Dynamic::UNIT;
        };
        let claim = t
            .spec
            .volumes()
            .map(|(_, v)| v)
            .find(|v| v.get("name").and_then(Value::as_str) == Some(volume))
            .and_then(|v| v.at("/persistentVolumeClaim/claimName"))
            .and_then(Value::as_str);
        claim
            .and_then(|name| {
                self.0.graph().get(
                    self.viewer(),
                    "",
                    "PersistentVolumeClaim",
                    o.namespace.as_deref(),
                    name,
                )
            })
            .map_or(Dynamic::UNIT, |pvc| self.0.value(pvc.id))
    }
}

/// What a lookup returns when the call ran out of time.
type Stop = Box<rhai::EvalAltResult>;

/// Fails a lookup at once when the call is already past its deadline (the run's budget
/// spent): the lookup itself walks as many objects as it finds.
fn running() -> Result<(), Stop> {
    if deadline::expired() {
        return Err(deadline::stop());
    }
    Ok(())
}

/// The selector an object selects pods with: a Service's plain map, or the
/// `LabelSelector` of a PodDisruptionBudget, workload, NetworkPolicy (`podSelector`)...
fn selector_of(o: &Object) -> Option<Selector> {
    if o.is("", "Service") || o.is("", "ReplicationController") {
        let s = Selector::from_map(o.at("/spec/selector")?).ok()?;
        // A Service without a selector selects nothing.
        return (!s.is_empty()).then_some(s);
    }
    let value = o
        .at("/spec/selector")
        .or_else(|| o.at("/spec/podSelector"))?;
    Selector::from_label_selector(value).ok()
}

/// A selector written by a policy: a `LabelSelector` (`matchLabels`/`matchExpressions`)
/// or a plain map of label values.
fn selector_from(value: &Value) -> Option<Selector> {
    let plain = value
        .as_object()
        .is_some_and(|m| m.values().all(Value::is_string));
    if plain {
        Selector::from_map(value).ok()
    } else {
        Selector::from_label_selector(value).ok()
    }
}

/// The value at a JSON pointer below `value`, or `()` when a step is missing or of the
/// wrong type: invalid input reads as absent, so a policy never throws on it.
fn at(value: &Dynamic, pointer: &str) -> Dynamic {
    match Pointer::parse(pointer) {
        Some(p) => walk(value, &p.tokens().collect::<Vec<_>>()),
        None => Dynamic::UNIT,
    }
}

/// Descends by reference and clones only the value found.
fn walk(value: &Dynamic, tokens: &[std::borrow::Cow<'_, str>]) -> Dynamic {
    let Some((token, rest)) = tokens.split_first() else {
        return value.clone();
    };
    if let Some(map) = value.read_lock::<rhai::Map>() {
        return map
            .get(token.as_ref())
            .map_or(Dynamic::UNIT, |child| walk(child, rest));
    }
    if let Some(items) = value.read_lock::<Array>() {
        return token
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i))
            .map_or(Dynamic::UNIT, |child| walk(child, rest));
    }
    Dynamic::UNIT
}

/// A namespace argument: `""` (like `()`) means cluster-scoped.
fn opt_str(s: &ImmutableString) -> Option<&str> {
    (!s.is_empty()).then_some(s.as_str())
}

/// Registers the `Ctx` type, its methods and the free helper functions.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Ctx>("Context");
    engine.register_fn(
        "get",
        |cx: &mut Ctx, kind: ImmutableString, ns: ImmutableString, name: ImmutableString| {
            cx.get(&kind, opt_str(&ns), &name)
        },
    );
    engine.register_fn(
        "get",
        |cx: &mut Ctx, kind: ImmutableString, name: ImmutableString| cx.get(&kind, None, &name),
    );
    // `ctx.namespace(o)` is `()` for cluster-scoped objects: accept it as a namespace.
    engine.register_fn(
        "get",
        |cx: &mut Ctx, kind: ImmutableString, _: (), name: ImmutableString| {
            cx.get(&kind, None, &name)
        },
    );
    engine.register_fn("list", |cx: &mut Ctx, kind: ImmutableString, _: ()| {
        cx.list(&kind, Some(None))
    });
    engine.register_fn("list", |cx: &mut Ctx, kind: ImmutableString| {
        cx.list(&kind, None)
    });
    engine.register_fn(
        "list",
        |cx: &mut Ctx, kind: ImmutableString, ns: ImmutableString| {
            cx.list(&kind, Some(opt_str(&ns)))
        },
    );
    engine.register_fn("namespace", Ctx::namespace);
    engine.register_fn("selected_by", Ctx::selected_by);
    engine.register_fn("services_selecting", Ctx::services_selecting);
    engine.register_fn("pod_template", Ctx::pod_template);
    engine.register_fn("containers", Ctx::containers);
    engine.register_fn("volumes", Ctx::volumes);
    engine.register_fn(
        "pvc",
        |cx: &mut Ctx, object: Dynamic, volume: ImmutableString| cx.pvc(object, &volume),
    );
    engine.register_fn(
        "matches",
        |_: &mut Ctx, selector: Dynamic, labels: Dynamic| -> bool {
            let Some(selector) = selector_from(&to_json(&selector)) else {
                return false;
            };
            match to_json(&labels) {
                Value::Object(l) => selector.matches(&l),
                Value::Null => selector.matches_opt(None),
                _ => false,
            }
        },
    );
    // `at(v, p)` borrows `v` when it is a variable (Rhai passes a `&mut` first argument
    // by reference) instead of copying the whole value for a walk that reads one field.
    // Pure: it changes nothing, so it may be called on constants too.
    FuncRegistration::new("at")
        .with_purity(true)
        .register_into_engine(engine, |value: &mut Dynamic, pointer: ImmutableString| {
            at(value, &pointer)
        });
    engine.register_fn("escape_key", |key: ImmutableString| -> ImmutableString {
        Pointer::root().key(&key).as_str()[1..].into()
    });
}

#[cfg(test)]
mod tests {
    use crate::policy::sandbox::engine;

    /// `at` borrows a variable but changes nothing, and still reads constants, temporary
    /// values and other types (which read as absent).
    #[test]
    fn at_reads_variables_constants_and_temporaries_alike() {
        let script = r#"
            const C = #{ a: #{ b: 1 } };
            let x = #{ a: [5, 6], s: "t" };
            let found = [at(C, "/a/b"), C.at("/a/b"), at(x, "/a/1"), x.at("/a/0"),
                         at(x.a, "/0"), at(#{ k: 7 }, "/k"), at(x, "/s/0"), at(3, "/a"),
                         at(x, "/missing"), at(x, "")];
            found.push(x.a.len());
            found.push(C.a.b);
            `${found}`
        "#;
        let out = engine().eval::<String>(script).unwrap();
        assert_eq!(
            out,
            r#"[1, 1, 6, 5, 5, 7, (), (), (), #{"a": [5, 6], "s": "t"}, 2, 1]"#
        );
    }
}
