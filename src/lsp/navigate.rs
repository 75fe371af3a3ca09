//! Go to definition and find references: from a node that names another object (a
//! ConfigMap key, a Secret, a claim, a Service and its port, a scale target, the pods a
//! selector selects) to that object's node, and back.

use crate::base::value::Value;

use crate::base::{At, FileId, ObjectId, Pointer};
use crate::graph::Graph;
use crate::model::{Object, PodTemplate, Selector};
use crate::yaml::{Node, NodeKind};

/// A node of an object.
pub type Place = (ObjectId, Pointer);

/// The object and pointer of the deepest node at a byte offset of a file.
pub fn pointer_at(graph: &Graph, file: FileId, offset: u32) -> Option<Place> {
    let contains = |n: &Node| {
        let head = n.head_span().start.min(n.span.start);
        head <= offset && offset <= n.span.end
    };
    for o in &graph.objects {
        let tree = graph.object_tree(o.id);
        let (root, f) = tree.node_at(&Pointer::root());
        if f != file || !contains(root) {
            continue;
        }
        let mut pointer = Pointer::root();
        let mut node = root;
        loop {
            let next = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .rev()
                    .find(|(_, n)| contains(n))
                    .map(|(k, n)| (k.to_string(), n)),
                NodeKind::Seq(items) => items
                    .iter()
                    .enumerate()
                    .find(|(_, n)| contains(n))
                    .map(|(i, n)| (i.to_string(), n)),
                _ => None,
            };
            match next {
                Some((token, n)) => {
                    pointer.push(&token);
                    node = n;
                }
                None => return Some((o.id, pointer)),
            }
        }
    }
    None
}

fn text<'a>(o: &'a Object, pointer: &Pointer) -> Option<&'a str> {
    o.value.at(pointer.as_str()).and_then(Value::as_str)
}

fn named<'a>(
    graph: &'a Graph,
    viewer: &Object,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
) -> Option<&'a Object> {
    let (group, kind) = kind.split_once('/').unwrap_or(("", kind));
    graph.get(viewer, group, kind, namespace, name)
}

/// Where the node at `place` points to: nothing when it names nothing in the graph.
pub fn targets(graph: &Graph, place: &Place) -> Vec<Place> {
    let (id, pointer) = place;
    let o = graph.object(*id);
    let ns = o.namespace.as_deref();
    let tokens: Vec<String> = pointer.tokens().map(|t| t.into_owned()).collect();
    let last = tokens.last().map(String::as_str).unwrap_or_default();
    let parent_key = tokens
        .len()
        .checked_sub(2)
        .and_then(|i| tokens.get(i))
        .map(String::as_str)
        .unwrap_or_default();
    let parent = pointer.parent().unwrap_or_else(Pointer::root);
    let name_of = |target: &Object| (target.id, Pointer::root().path("metadata/name"));
    let mut out = Vec::new();
    match (parent_key, last) {
        ("configMapKeyRef" | "secretKeyRef", "key") => {
            let kind = if parent_key == "configMapKeyRef" {
                "ConfigMap"
            } else {
                "Secret"
            };
            let name = text(o, &parent.key("name")).unwrap_or_default();
            let key = text(o, pointer).unwrap_or_default();
            if let Some(t) = named(graph, o, kind, ns, name) {
                let found = ["data", "binaryData", "stringData"]
                    .iter()
                    .map(|field| Pointer::root().key(field).key(key))
                    .find(|p| t.value.at(p.as_str()).is_some());
                out.push(found.map_or_else(|| name_of(t), |p| (t.id, p)));
            }
        }
        ("configMapKeyRef" | "configMapRef" | "configMap", "name") => {
            if let Some(t) = text(o, pointer).and_then(|n| named(graph, o, "ConfigMap", ns, n)) {
                out.push(name_of(t));
            }
        }
        ("secretKeyRef" | "secretRef", "name") | (_, "secretName") => {
            if let Some(t) = text(o, pointer).and_then(|n| named(graph, o, "Secret", ns, n)) {
                out.push(name_of(t));
            }
        }
        (_, "claimName") => {
            let t = text(o, pointer).and_then(|n| named(graph, o, "PersistentVolumeClaim", ns, n));
            out.extend(t.map(name_of));
        }
        ("spec", "volumeName") if o.is("", "PersistentVolumeClaim") => {
            let t = text(o, pointer).and_then(|n| named(graph, o, "PersistentVolume", None, n));
            out.extend(t.map(name_of));
        }
        (_, "serviceName") | ("service", "name") => {
            let t = text(o, pointer).and_then(|n| named(graph, o, "Service", ns, n));
            out.extend(t.map(name_of));
        }
        ("port", "number" | "name")
            if tokens
                .iter()
                .any(|t| t == "backend" || t == "defaultBackend") =>
        {
            let svc = parent.parent().map(|s| s.key("name"));
            let svc = svc
                .and_then(|p| text(o, &p))
                .and_then(|n| named(graph, o, "Service", ns, n));
            if let (Some(svc), Some(want)) = (svc, o.value.at(pointer.as_str())) {
                let ports = svc.value.at("/spec/ports").and_then(Value::as_array);
                let field = if last == "number" { "port" } else { "name" };
                for (i, p) in ports.into_iter().flatten().enumerate() {
                    if p.get(field) == Some(want) {
                        out.push((svc.id, Pointer::root().path("spec/ports").index(i)));
                    }
                }
            }
        }
        _ => {}
    }
    // The scale target: from anywhere in `scaleTargetRef`.
    if let Some(i) = tokens.iter().position(|t| t == "scaleTargetRef") {
        let at = Pointer::from_tokens(tokens[..=i].iter().map(String::as_str));
        let kind = text(o, &at.key("kind")).unwrap_or_default();
        let name = text(o, &at.key("name")).unwrap_or_default();
        let group = text(o, &at.key("apiVersion"))
            .and_then(|v| v.split_once('/'))
            .map_or("", |(g, _)| g);
        if let Some(t) = graph.get(o, group, kind, ns, name) {
            out.push(name_of(t));
        }
    }
    // A Service's selector: the labels of the pod templates it selects.
    if o.is("", "Service")
        && tokens.first().is_some_and(|t| t == "spec")
        && tokens.get(1).is_some_and(|t| t == "selector")
    {
        let selector = o
            .at("/spec/selector")
            .and_then(|s| Selector::from_map(s).ok());
        if let Some(selector) = selector.filter(|s| !s.is_empty()) {
            for w in graph.workloads_selected_by(o, ns, &selector) {
                if let Some(t) = PodTemplate::of(w) {
                    let labels = t.pointer.path("metadata/labels");
                    let at = match tokens.get(2) {
                        Some(k) if w.value.at(labels.key(k).as_str()).is_some() => labels.key(k),
                        _ => labels,
                    };
                    out.push((w.id, at));
                }
            }
        }
    }
    out
}

/// Every node of the checked objects that points to `target` (to its `pointer` when that
/// is a node below the object's root, such as a ConfigMap key).
pub fn references(graph: &Graph, target: &Place) -> Vec<Place> {
    let (tid, tptr) = target;
    // A reference names the object (its name) or a node in it; from anywhere else in
    // the object, any reference to the object counts.
    let whole = !tptr.as_str().starts_with("/data/")
        && !tptr.as_str().starts_with("/binaryData/")
        && !tptr.as_str().starts_with("/stringData/")
        && !tptr.as_str().starts_with("/spec/ports/");
    let mut out = Vec::new();
    for o in graph.checked() {
        let tree = graph.object_tree(o.id);
        tree.root().walk(&mut Pointer::root(), &mut |p, node| {
            if !matches!(node.kind, NodeKind::Scalar { .. }) && !p.as_str().ends_with("/selector") {
                return;
            }
            let place = (o.id, p.clone());
            let hits = targets(graph, &place);
            if hits
                .iter()
                .any(|(id, at)| id == tid && (whole || at.starts_with(tptr)))
            {
                out.push(place);
            }
        });
    }
    out
}
