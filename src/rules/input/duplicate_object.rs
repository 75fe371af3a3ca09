use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use crate::base::{Diagnostic, ObjectId, Pointer};
use crate::declare_rule;
use crate::model::ObjectKey;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports two documents that define the same object: the same API group, kind,
    /// namespace and name, in the same file or in files of the same directory (what one
    /// `kubectl apply -f DIR` applies together). The later one is reported at its
    /// `metadata.name`, the earlier one is shown as a related location. The namespace is
    /// the effective one: an object without `metadata.namespace` is in the default
    /// namespace of the run.
    ///
    /// Objects of the same name in different directories are not reported: repositories
    /// keep one directory per environment or overlay (`overlays/dev`, `overlays/prod`),
    /// each applied on its own. Objects from `--context` are the cluster as it is, so a
    /// manifest that redefines one is an update, not a duplicate.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` applies both, and the later silently replaces the earlier; which one
    /// wins depends on file order.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ```
    ///
    /// Use instead: give each object its own name, or keep one of them.
    ///
    /// ## References
    /// - Object names and IDs: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
    /// - Kubernetes object management (kubectl): https://kubernetes.io/docs/concepts/overview/working-with-objects/object-management/
    pub static DUPLICATE_OBJECT = {
        id: "duplicate-object",
        severity: Error,
        category: Input,
        summary: "two documents define the same object",
        help: "rename one of the objects or remove the duplicate",
    }
}

/// Finds duplicates through the graph's identity index.
pub struct DuplicateObject;

impl Rule for DuplicateObject {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_OBJECT
    }

    /// One pass over the objects in input order, with the first of each identity and
    /// directory in a hash map: linear in the objects, however many share a name.
    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut first: HashMap<(ObjectKey, Option<&Path>), ObjectId> = HashMap::new();
        let name = Pointer::root().path("metadata/name");
        for object in cx.graph.checked() {
            if object.name.is_empty() {
                continue;
            }
            let dir = cx
                .graph
                .file(object.file)
                .path
                .as_deref()
                .and_then(Path::parent);
            match first.entry((object.key(), dir)) {
                Entry::Vacant(slot) => {
                    slot.insert(object.id);
                }
                Entry::Occupied(slot) => {
                    let d = DUPLICATE_OBJECT.at(
                        object.id,
                        name.clone(),
                        format!("{} is defined more than once", object.display_name()),
                    );
                    out.push(d.with_related(*slot.get(), name.clone(), "first defined here"));
                }
            }
        }
    }
}
