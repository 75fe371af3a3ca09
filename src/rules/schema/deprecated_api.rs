use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta};
use crate::semantics::api_versions::{self, Status};

declare_rule! {
    /// ## What it does
    /// Reports an object whose apiVersion is deprecated for its kind in the target
    /// Kubernetes version but still served, with the version that removes it and the
    /// apiVersion to use instead. Removals marked "planned" follow the Kubernetes
    /// deprecation policy for beta APIs (removed three releases after deprecation).
    ///
    /// ## Why is this bad?
    /// The manifest stops applying on the upgrade that removes the apiVersion; moving now
    /// costs less than moving during an upgrade.
    ///
    /// ## Example
    /// With `--kubernetes-version 1.30`:
    /// ```yaml
    /// apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
    /// kind: FlowSchema
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: flowcontrol.apiserver.k8s.io/v1
    /// kind: FlowSchema
    /// ```
    ///
    /// ## References
    /// The Kubernetes deprecated API migration guide and deprecation policy.
    pub static DEPRECATED_API = {
        id: "deprecated-api",
        severity: Warning,
        category: Schema,
        summary: "the apiVersion is deprecated in the target version",
        help: "move the object to the apiVersion named in the message before upgrading",
        scope: Object,
    }
}

/// Checks each object's apiVersion against the lifecycle table.
pub struct DeprecatedApi;

impl Rule for DeprecatedApi {
    fn meta(&self) -> &'static RuleMeta {
        &DEPRECATED_API
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let target = cx.schemas.builtin;
        if let Status::Deprecated {
            since,
            removed,
            planned,
            replacement,
            note,
        } = api_versions::status(&object.api_version, &object.kind, target)
        {
            let when = if planned {
                format!("removal planned for 1.{removed}")
            } else {
                format!("removed in 1.{removed}")
            };
            let instead = api_versions::instead(replacement.as_deref(), note);
            out.push(DEPRECATED_API.at(
                object.id,
                Pointer::root().key("apiVersion"),
                format!(
                    "{} {} is deprecated since Kubernetes 1.{since} ({when}){instead}",
                    object.api_version, object.kind
                ),
            ));
        }
    }

    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        crate::rules::fixes::api_migration(cx, finding)
    }
}
