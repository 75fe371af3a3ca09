use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Pod or pod template whose pods get a service account token mounted
    /// without asking for it: `automountServiceAccountToken` is unset on the pod, and
    /// its ServiceAccount (`serviceAccountName`, else `default`) does not set it to
    /// `false`, or is not in the inputs. The ServiceAccount is resolved through the
    /// graph (the inputs and `--context`). A pod that sets
    /// `automountServiceAccountToken: true` says it uses the API and is not reported;
    /// one that sets `false` is not either, whatever its ServiceAccount says (the pod's
    /// field wins). Reported at the pod spec.
    ///
    /// ## Why is this bad?
    /// Most applications never call the Kubernetes API, yet every container gets a
    /// token for its ServiceAccount at
    /// `/var/run/secrets/kubernetes.io/serviceaccount`: whoever compromises the container
    /// can act with the ServiceAccount's permissions.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: nginx:1.27}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - Configure service accounts for pods (opt out of API credential automounting): https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
    /// - RBAC good practices: https://kubernetes.io/docs/concepts/security/rbac-good-practices/
    pub static SERVICE_ACCOUNT_TOKEN = {
        id: "service-account-token",
        severity: Info,
        category: Security,
        summary: "pods get a service account token they did not ask for",
        help: "set `automountServiceAccountToken: false` on the pod or its ServiceAccount unless the pod calls the Kubernetes API",
    }
}

/// Resolves whether a pod's token is mounted.
pub struct ServiceAccountToken;

impl Rule for ServiceAccountToken {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_ACCOUNT_TOKEN
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        if template
            .spec
            .get("automountServiceAccountToken")
            .is_some_and(Value::is_boolean)
        {
            return;
        }
        let name = template
            .spec
            .str("serviceAccountName")
            .or_else(|| template.spec.str("serviceAccount"))
            .filter(|n| !n.is_empty())
            .unwrap_or("default");
        let account = cx.graph.get(
            object,
            "",
            "ServiceAccount",
            object.namespace.as_deref(),
            name,
        );
        let mut d = match account {
            Some(sa) => match sa.at("/automountServiceAccountToken") {
                Some(Value::Bool(false)) => return,
                _ => SERVICE_ACCOUNT_TOKEN.at(object.id,
                    template.spec.pointer.clone(),
                    format!(
                        "the pods mount a token of ServiceAccount {name}: neither the pod nor the ServiceAccount sets automountServiceAccountToken: false"
                    ),
                ),
            },
            None => SERVICE_ACCOUNT_TOKEN.at(object.id,
                template.spec.pointer.clone(),
                format!(
                    "the pods mount a token of ServiceAccount {name} (not in the inputs): the pod does not set automountServiceAccountToken: false"
                ),
            ),
        };
        if let Some(sa) = account {
            d = d.with_related(
                sa.id,
                crate::base::Pointer::root(),
                format!("ServiceAccount {name} does not opt out of token automounting"),
            );
        }
        out.push(d);
    }
}
