//! Which CustomResourceDefinition of the inputs defines a kind: asked for every custom
//! resource, so the definitions are indexed once per run rather than scanned per object
//! (ten thousand custom resources of ten thousand definitions would be 10^8 comparisons).

use std::collections::HashMap;
use std::sync::Arc;

use crate::base::value::Value;

use crate::base::ObjectId;
use crate::graph::Graph;
use crate::model::Object;

/// The key of the index of definitions.
#[derive(PartialEq, Eq, Hash)]
struct DefinedKey;

/// The first CustomResourceDefinition, in input order, whose `spec.group` and
/// `spec.names.kind` are these.
pub fn defining<'a>(graph: &'a Graph, group: &str, kind: &str) -> Option<&'a Object> {
    let index = graph.memo(DefinedKey, || {
        let mut index: HashMap<(String, String), ObjectId> = HashMap::new();
        for crd in graph.of_kind("apiextensions.k8s.io", "CustomResourceDefinition") {
            let field = |p: &str| crd.at(p).and_then(Value::as_str).map(str::to_owned);
            if let (Some(g), Some(k)) = (field("/spec/group"), field("/spec/names/kind")) {
                index.entry((g, k)).or_insert(crd.id);
            }
        }
        Arc::new(index)
    });
    let id = *index.get(&(group.to_owned(), kind.to_owned()))?;
    Some(graph.object(id))
}
