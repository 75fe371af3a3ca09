use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
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
        let dir = |o: &Object| {
            cx.graph
                .file(o.file)
                .path
                .as_ref()
                .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        };
        let own_dir = dir(object);
        let ids: Vec<_> = cx
            .graph
            .all_with_key(&object.key())
            .iter()
            .filter(|&&id| {
                let other = cx.graph.object(id);
                !other.context && dir(other) == own_dir
            })
            .collect();
        let Some(pos) = ids.iter().position(|&&id| id == object.id) else {
            return;
        };
        if pos == 0 {
            return;
        }
        let first = cx.graph.object(*ids[0]);
        let name = Pointer::root().path("metadata/name");
        let d = DUPLICATE_OBJECT.at(
            object.id,
            name.clone(),
            format!("{} is defined more than once", object.display_name()),
        );
        out.push(d.with_related(first.id, name, "first defined here"));
    }
}
