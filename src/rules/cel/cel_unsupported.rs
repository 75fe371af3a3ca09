use crate::declare_rule;
use crate::rules::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a CEL expression that k8lint cannot evaluate without a cluster, so that
    /// nothing passes silently:
    ///
    /// - a function or macro the offline engine does not have (`sortBy`, `cel.bind`,
    ///   two-variable comprehensions such as `all(k, v, …)`, `transformMap`), in a
    ///   CustomResourceDefinition's `x-kubernetes-validations` rule or in a
    ///   ValidatingAdmissionPolicy;
    /// - the `authorizer` variable of an admission policy (it asks the cluster's
    ///   authorizer);
    /// - transition rules (they compare with `oldSelf`, the object before an update):
    ///   offline every object is created, never updated, so they are skipped, said once
    ///   per CRD at info level.
    ///
    /// The finding points at the object's field and names the expression; the
    /// expression is not evaluated. It is found while `cel-validation` and
    /// `admission-policy` evaluate, so turning those off turns it off too.
    ///
    /// ## Why is this bad?
    /// The API server evaluates the expression and may reject the object; k8lint cannot
    /// say whether it will.
    ///
    /// ## Example
    /// ```yaml
    /// x-kubernetes-validations:
    ///   - rule: "self.items.sortBy(i, i.priority) == self.items"
    /// ```
    ///
    /// Use instead: an expression built from the supported libraries, or accept the
    /// finding (`--disable cel-unsupported`).
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/using-api/cel/
    /// - https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#transition-rules
    pub static CEL_UNSUPPORTED = {
        id: "cel-unsupported",
        severity: Warning,
        category: Schema,
        summary: "a CEL expression uses a function or variable that cannot be evaluated offline",
        help: "the expression was not evaluated; check it against a cluster, or rewrite it with supported functions",
    }
}

/// Reported by the rules that evaluate CEL; this entry gives it its id and docs.
pub struct CelUnsupported;

impl Rule for CelUnsupported {
    fn meta(&self) -> &'static RuleMeta {
        &CEL_UNSUPPORTED
    }
}
