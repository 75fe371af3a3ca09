use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{Object, Pointer};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports two documents that define the same object: the same API group, kind,
    /// namespace and name. The later one is reported at its `metadata.name`, the earlier
    /// one is shown as a related location. The namespace is the effective one: an object
    /// without `metadata.namespace` is in the default namespace of the run.
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
    /// K8S-SEMANTICS.md §B.1 (object names).
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

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if object.name.is_empty() {
            return;
        }
        // Context objects are the cluster as it is: a manifest that redefines one is an
        // update, not a duplicate.
        let ids: Vec<_> = cx
            .graph
            .all_with_key(&object.key())
            .iter()
            .filter(|&&id| !cx.graph.object(id).context)
            .collect();
        let Some(pos) = ids.iter().position(|&&id| id == object.id) else {
            return;
        };
        if pos == 0 {
            return;
        }
        let first = cx.graph.object(*ids[0]);
        let name = Pointer::root().path("metadata/name");
        let d = Diagnostic::at(
            &DUPLICATE_OBJECT,
            object.id,
            name.clone(),
            format!("{} is defined more than once", object.display_name()),
        );
        out.push(d.with_related(first.id, name, "first defined here"));
    }
}
