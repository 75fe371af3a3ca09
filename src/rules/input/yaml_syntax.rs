use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML (or JSON): a bad indentation, an unclosed
    /// bracket or quote, a tab where YAML forbids it, invalid UTF-8 or binary data, and
    /// values that JSON cannot carry (`.inf`, `.nan`).
    ///
    /// ## Why is this bad?
    /// `kubectl apply` stops at the first document it cannot parse; nothing after it is
    /// applied. k8lint reports the error and still checks the other documents of the file:
    /// parsing resumes at the next `---`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: {mode: fast
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: {mode: fast}
    /// ```
    ///
    /// ## References
    /// K8S-SEMANTICS.md §E.1 (how kubectl splits and decodes a stream).
    pub static YAML_SYNTAX = {
        id: "yaml-syntax",
        severity: Error,
        category: Input,
        summary: "the YAML cannot be parsed",
        help: "fix the syntax at the marked position; the other documents of the file are still checked",
    }
}
