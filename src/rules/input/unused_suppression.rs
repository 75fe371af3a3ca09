use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `k8lint.io/ignore` annotation or a `# k8lint: ignore` comment that
    /// suppressed nothing, or that names a rule k8lint does not know.
    ///
    /// Rules that are disabled in the run are not counted: a suppression of a disabled
    /// rule is not reported.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding at that place, and a misspelt rule
    /// id suppresses nothing while looking as if it did.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web # k8lint: ignore image-tag
    ///   image: nginx:1.27.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: nginx:1.27.2
    /// ```
    ///
    /// ## References
    /// - k8lint: suppression: https://github.com/k8lint/k8lint/blob/main/README.md#suppression
    pub static UNUSED_SUPPRESSION = {
        id: "unused-suppression",
        severity: Info,
        category: Input,
        summary: "a suppression suppressed nothing",
        help: "remove the suppression, or correct the rule id",
    }
}
