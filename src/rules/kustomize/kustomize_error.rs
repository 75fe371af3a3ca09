use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a kustomization that cannot be built: a resource, patch or generator file
    /// that does not exist or does not parse, a folder without a `kustomization.yaml`, a
    /// patch whose target is not among the resources, a JSON patch operation that fails, an
    /// object defined twice in one build (id conflict), a kustomization that includes itself
    /// (cycle), a Component listed under `resources`.
    ///
    /// The finding points at the entry of the kustomization that fails. The rest of the
    /// kustomization is still built and checked, without what failed.
    ///
    /// ## Why is this bad?
    /// `kubectl kustomize` and `kubectl apply -k` stop at the first such error: nothing of
    /// the overlay reaches the cluster, and a CI pipeline or a GitOps controller that
    /// builds it fails.
    ///
    /// ## Example
    /// ```yaml
    /// # overlays/prod/kustomization.yaml
    /// resources:
    /// - ../../base
    /// patches:
    /// - path: replicas.yaml   # the file was renamed to replica-count.yaml
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    /// - ../../base
    /// patches:
    /// - path: replica-count.yaml
    /// ```
    ///
    /// ## References
    /// - Kustomize: <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/>
    /// - Managing objects with Kustomize: <https://kubernetes.io/docs/tasks/manage-kubernetes-objects/kustomization/>
    pub static KUSTOMIZE_ERROR = {
        id: "kustomize-error",
        severity: Error,
        category: Input,
        summary: "a kustomization cannot be built: missing resource, patch without target, cycle, id conflict",
        help: "fix the entry so that `kubectl kustomize` builds the folder",
    }
}
