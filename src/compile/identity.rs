//! Object identity: an object's apiVersion, kind, group, namespace and name, read once
//! when the graph is built; custom resources of cluster-scoped CRDs lose their namespace.

use std::sync::Arc;

use crate::base::value::Value;

use crate::base::{At, DocId, FileId, ObjectId, Pointer};
use crate::model::Object;
use crate::model::object::{group_of, is_cluster_scoped_builtin, str_at};

/// An object of the graph from a document's value: its identity read once, the namespace
/// defaulted for namespaced kinds.
pub fn make_object(
    id: ObjectId,
    file: FileId,
    doc: DocId,
    base: Pointer,
    value: Arc<Value>,
    context: bool,
    default_ns: &str,
) -> Object {
    let s = |p: &str| str_at(&value, p);
    let api_version = s("/apiVersion");
    let kind = s("/kind");
    let name = s("/metadata/name");
    let group = group_of(&api_version).to_owned();
    let namespace = if is_cluster_scoped_builtin(&group, &kind) {
        None
    } else {
        Some(
            value
                .at("/metadata/namespace")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or(default_ns)
                .to_owned(),
        )
    };
    Object {
        id,
        file,
        doc,
        base,
        value,
        api_version,
        kind,
        group,
        namespace,
        name,
        context,
    }
}

/// Custom resources of a cluster-scoped CRD in the inputs have no namespace.
pub fn apply_crd_scopes(objects: &mut [Object]) {
    let cluster: std::collections::HashSet<(String, String)> = objects
        .iter()
        .filter(|o| o.is("apiextensions.k8s.io", "CustomResourceDefinition"))
        .filter(|o| o.at("/spec/scope").and_then(Value::as_str) == Some("Cluster"))
        .filter_map(|o| {
            let group = o.at("/spec/group")?.as_str()?.to_owned();
            let kind = o.at("/spec/names/kind")?.as_str()?.to_owned();
            Some((group, kind))
        })
        .collect();
    if cluster.is_empty() {
        return;
    }
    for o in objects.iter_mut() {
        if cluster.contains(&(o.group.clone(), o.kind.clone())) {
            o.namespace = None;
        }
    }
}
