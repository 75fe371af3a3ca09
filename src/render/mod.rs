//! `k8lint render`: the compiled objects as the API server would store them — defaults
//! applied, quantities canonical, namespaces explicit — in apply order, optionally with
//! what the controllers would create (`--expand`). Templates (`${{ }}`) are evaluated
//! earlier, by the compile stage (see [`template`]), so `check` sees the same objects.
//!
//! What the output promises, and where it deliberately differs from a cluster:
//! - Defaults are those the API server applies for the served versions (v1, apps/v1,
//!   batch/v1, networking.k8s.io/v1, storage.k8s.io/v1); pod template defaults apply to
//!   every workload whatever its version. The cluster is taken to be single-stack IPv4
//!   (Service `ipFamilies`); allocated values (cluster IPs, node ports, UIDs) are never
//!   invented. Registry steps that need a UID (a Job's controller-uid labels and selector)
//!   are left out; pod-level resource aggregation (a beta gate) is not applied.
//! - Objects are defaulted as the API server returns them on read (it defaults again when
//!   decoding from storage): that makes rendering a fixpoint, e.g. a Job's labels copied
//!   from its template after the registry added `job-name`.
//! - `kind: List` documents are flattened into their items; comments are dropped.
//! - The one exception to render∘render = render: a literal `${{` written as `$${{` in a
//!   template is printed as `${{`, which a second render would evaluate.
//! - `--output-dir` layout: `<namespace>/<kind>-<name>.yaml`, cluster-scoped objects in
//!   `_cluster/` (see [`output`]); generated names of `--expand` are documented in
//!   [`expand`].

pub mod defaults;
pub mod emit;
pub mod expand;
pub mod order;
pub mod output;
pub mod template;
pub mod values;

use crate::base::value::{Map, Value};

use crate::graph::Graph;
use crate::model::Object;
use crate::model::object::{group_of, str_at};

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Apply API defaults (`--no-defaults` turns them off).
    pub defaults: bool,
    /// Also emit what the controllers create.
    pub expand: bool,
}

/// One object of the output.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The normalized value.
    pub value: Value,
    /// Where it goes in the output.
    pub key: order::SortKey,
}

impl Rendered {
    /// An object for the output, sorted by kind, namespace and name.
    pub fn new(value: Value, namespace: Option<String>, position: usize) -> Rendered {
        let s = |p: &str| str_at(&value, p);
        let kind = s("/kind");
        let key = order::SortKey {
            rank: order::rank(&kind),
            namespace,
            name: s("/metadata/name"),
            api_version: s("/apiVersion"),
            kind,
            position,
        };
        Rendered { value, key }
    }

    /// The API group.
    pub fn group(&self) -> &str {
        group_of(&self.key.api_version)
    }
}

/// Renders every checked object of the graph, in apply order.
pub fn render(graph: &Graph, options: Options) -> Vec<Rendered> {
    let cluster = defaults::Cluster {
        default_storage_class: default_storage_class(graph),
    };
    let mut out: Vec<Rendered> = graph
        .checked()
        .enumerate()
        .map(|(position, object)| {
            let value = normalize(object, &cluster, options.defaults);
            Rendered::new(value, object.namespace.clone(), position)
        })
        .collect();
    if options.expand {
        let generated = expand::expand(&out, options.defaults, &cluster);
        let base = out.len();
        out.extend(
            generated
                .into_iter()
                .enumerate()
                .map(|(i, (value, ns))| Rendered::new(value, ns, base + i)),
        );
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// One object normalized: explicit namespace, defaults, canonical quantities.
pub fn normalize(object: &Object, cluster: &defaults::Cluster, with_defaults: bool) -> Value {
    let mut value = Value::clone(&object.value);
    if let (Some(ns), Some(map)) = (&object.namespace, value.as_object_mut()) {
        let meta = map
            .entry("metadata".to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        // `metadata:` with nothing after it is null: it holds the namespace all the same.
        if meta.is_null() {
            *meta = Value::Object(Map::new());
        }
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("namespace".to_owned(), Value::String(ns.into()));
        }
    }
    if with_defaults {
        defaults::apply(object, &mut value, cluster);
    }
    defaults::quantities::normalize(object, &mut value, with_defaults);
    value
}

/// The default StorageClass among inputs and context (§C.6): marked by the annotation,
/// the newest `creationTimestamp` wins, ties by name.
fn default_storage_class(graph: &Graph) -> Option<String> {
    let marked = |o: &&Object| {
        o.annotations().is_some_and(|a| {
            [
                "storageclass.kubernetes.io/is-default-class",
                "storageclass.beta.kubernetes.io/is-default-class",
            ]
            .iter()
            .any(|k| a.get(k).and_then(Value::as_str) == Some("true"))
        })
    };
    let mut classes: Vec<&Object> = graph
        .of_kind("storage.k8s.io", "StorageClass")
        .filter(marked)
        .collect();
    classes.sort_by(|a, b| {
        let created = |o: &Object| {
            o.at("/metadata/creationTimestamp")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        created(b)
            .cmp(&created(a))
            .then_with(|| a.name.cmp(&b.name))
    });
    classes.first().map(|o| o.name.clone())
}
