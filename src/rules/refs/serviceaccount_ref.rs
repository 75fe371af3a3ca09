use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::references::service_account;

declare_rule! {
    /// ## What it does
    /// Reports a pod (or pod template) whose `serviceAccountName` (or the deprecated
    /// `serviceAccount`) names a ServiceAccount other than `default` that is not in the
    /// pod's namespace in the inputs. Every namespace has `default`.
    ///
    /// ## Why is this bad?
    /// Pods are not created while their ServiceAccount is missing: the ReplicaSet or Job
    /// reports `FailedCreate ... serviceaccount "x" not found` and nothing runs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   serviceAccountName: web-runner
    ///   containers: [{name: web, image: "nginx:1.27"}]
    /// ```
    ///
    /// Use instead: define the ServiceAccount:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata: {name: web-runner}
    /// ```
    ///
    /// ## References
    /// - Configure Service Accounts for Pods: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
    pub static SERVICEACCOUNT_REF = {
        id: "serviceaccount-ref",
        severity: Warning,
        category: Config,
        summary: "serviceAccountName names a ServiceAccount that is not in the inputs",
        help: "define the ServiceAccount in the pod's namespace or pass it with --context",
    }
}

/// Looks up each pod template's ServiceAccount.
pub struct ServiceaccountRef;

impl Rule for ServiceaccountRef {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICEACCOUNT_REF
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let Some(account) = service_account(&template.spec) else {
            return;
        };
        let name = account.name;
        let ns = object.namespace.as_deref();
        if name == "default" || cx.graph.get(object, "", "ServiceAccount", ns, name).is_some() {
            return;
        }
        out.push(SERVICEACCOUNT_REF.at(
            object.id,
            account.name_at,
            format!(
                "ServiceAccount {name} is not in namespace {} in the inputs",
                ns.unwrap_or("default")
            ),
        ));
    }
}
