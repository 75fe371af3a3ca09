use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports what a kustomization uses that k8lint does not build, on purpose: remote
    /// resources and components (URLs, git repositories), `helmCharts`, and the keys that
    /// run code (`generators`, `transformers`, `validators` plugins and KRM functions) or
    /// change the built-in transformers (`configurations`). Also `openapi` (custom schemas
    /// for strategic merges: the built-in kinds' merge keys are used) and the
    /// `transformerAnnotations` option of `buildMetadata`.
    ///
    /// The finding points at the key or the entry. The rest of the kustomization is built
    /// and checked without it, so what the skipped part would add or change is not checked.
    ///
    /// ## Why is this bad?
    /// It is not wrong in itself: k8lint runs offline and never executes code from the
    /// repository it checks. The finding says so, so that nothing is skipped silently.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    /// - https://github.com/example/app//deploy?ref=v1.2.0
    /// - deployment.yaml
    /// ```
    ///
    /// Use instead: vendor the remote base into the repository (or check the output of
    /// `kubectl kustomize` with `k8lint check -`):
    /// ```yaml
    /// resources:
    /// - ../vendor/app/deploy
    /// - deployment.yaml
    /// ```
    ///
    /// ## References
    /// - Kustomize: <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/>
    pub static KUSTOMIZE_UNSUPPORTED = {
        id: "kustomize-unsupported",
        severity: Warning,
        category: Input,
        summary: "a kustomization uses what k8lint does not build (remote resources, helmCharts, plugins, KRM functions)",
        help: "vendor remote resources, or check the output of `kubectl kustomize DIR` with `k8lint check -`",
    }
}
