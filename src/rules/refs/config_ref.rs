use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::references::references;

declare_rule! {
    /// ## What it does
    /// Reports a reference from a pod (or any workload's pod template) to a ConfigMap or
    /// Secret that is not in the pod's namespace in the inputs: env
    /// `valueFrom.configMapKeyRef`/`secretKeyRef`, `envFrom` `configMapRef`/`secretRef`,
    /// `configMap`/`secret` volumes, `projected` volume sources and `imagePullSecrets`.
    /// References marked `optional: true` are never reported.
    ///
    /// ## Why is this bad?
    /// The kubelet cannot start the pod: it stays in `CreateContainerConfigError` (env) or
    /// `ContainerCreating` (volumes), or the image pull fails. The object may be created in
    /// the cluster by other means (an operator, a sealed secret), hence a warning; add it
    /// with `--context` to tell k8lint about it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       envFrom: [{configMapRef: {name: web-settings}}]
    /// ```
    ///
    /// Use instead: define the ConfigMap `web-settings` in the same namespace, or mark the
    /// reference `optional: true` when the pod works without it.
    ///
    /// ## References
    /// - Configure a Pod to use a ConfigMap: https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/
    /// - Secrets: https://kubernetes.io/docs/concepts/configuration/secret/
    /// - Define environment variables for a container: https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
    pub static CONFIG_REF = {
        id: "config-ref",
        severity: Warning,
        category: Config,
        summary: "a pod references a ConfigMap or Secret that is not in the inputs",
        help: "define the object in the pod's namespace, pass it with --context, or mark the reference optional: true",
    }
}

/// Looks up every ConfigMap and Secret a pod template names.
pub struct ConfigRef;

impl Rule for ConfigRef {
    fn meta(&self) -> &'static RuleMeta {
        &CONFIG_REF
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let ns = object.namespace.as_deref();
        for r in references(&template.spec) {
            if !r.target.has_keys()
                || r.optional
                || r.name.is_empty()
                || cx.graph.get(object, "", r.target.kind(), ns, r.name).is_some()
            {
                continue;
            }
            out.push(CONFIG_REF.at(
                object.id,
                r.name_at,
                format!(
                    "{} {} (used by {}) is not in namespace {} in the inputs",
                    r.target.kind(),
                    r.name,
                    r.usage,
                    ns.unwrap_or("default")
                ),
            ));
        }
    }
}
