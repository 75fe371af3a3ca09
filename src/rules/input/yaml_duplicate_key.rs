use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a mapping that repeats a key.
    ///
    /// ## Why is this bad?
    /// kubectl's YAML decoder keeps the last value silently, so the first one, often the
    /// one a reviewer reads, never reaches the cluster. Strict decoders reject the object.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template: {}
    ///   replicas: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template: {}
    /// ```
    ///
    /// ## References
    /// K8S-SEMANTICS.md §E.3 (keys, duplicates, anchors).
    pub static YAML_DUPLICATE_KEY = {
        id: "yaml-duplicate-key",
        severity: Error,
        category: Input,
        summary: "a mapping repeats a key",
        help: "remove one of the two keys; kubectl keeps only the last",
    }
}
