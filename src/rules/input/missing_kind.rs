use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a document without `apiVersion` or `kind` in a file that holds Kubernetes
    /// objects, a document that is not a mapping, a `List` item without them, and a file
    /// named on the command line that holds no Kubernetes object at all.
    ///
    /// Files found by walking a directory that hold no Kubernetes object (CI configs, Helm
    /// `values.yaml`, `Chart.yaml`) and tool configs that never reach a cluster
    /// (kustomize's Kustomization and Component, kpt, skaffold) are skipped and counted,
    /// not reported.
    ///
    /// ## Why is this bad?
    /// The API server cannot decode an object without `apiVersion` and `kind`: kubectl
    /// fails with "Object 'Kind' is missing".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// metadata:
    ///   name: settings
    /// data:
    ///   mode: fast
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   mode: fast
    /// ```
    ///
    /// ## References
    /// K8S-SEMANTICS.md §E.1 (lists and their items).
    pub static MISSING_KIND = {
        id: "missing-kind",
        severity: Error,
        category: Input,
        summary: "a document has no apiVersion or no kind",
        help: "add `apiVersion` and `kind`",
    }
}
