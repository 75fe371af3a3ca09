use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a bug in k8lint itself: a rule that failed (panicked) on an object. The
    /// finding names the rule and points at the object; every other rule and object is
    /// still checked, and the run exits with status 2.
    ///
    /// ## Why is this bad?
    /// The failing rule could not check that object, so a real problem may be hidden.
    ///
    /// ## Example
    /// Any manifest can trigger it only through a bug; please report it with the object.
    ///
    /// ## References
    /// - k8lint: exit status: https://github.com/k8lint/k8lint/blob/main/README.md#exit-status
    pub static INTERNAL_ERROR = {
        id: "internal-error",
        severity: Error,
        category: Input,
        summary: "a rule failed on an object (a bug in k8lint)",
        help: "please report this bug with the manifest that triggers it; disable the rule to work around it",
    }
}
