use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta};
use crate::semantics::api_versions::{self, Status};

declare_rule! {
    /// ## What it does
    /// Reports an object whose apiVersion is no longer served for its kind by the target
    /// Kubernetes version (`--kubernetes-version`, default the newest known), and names
    /// the apiVersion to use instead. The table covers every built-in apiVersion removed
    /// since 1.16 (`extensions/v1beta1`, `apps/v1beta1`/`v1beta2`, `policy/v1beta1`,
    /// `batch/v1beta1`, `networking.k8s.io/v1beta1`, `autoscaling/v2beta1`/`v2beta2`,
    /// `flowcontrol.apiserver.k8s.io/v1beta1`-`v1beta3`, `storage.k8s.io/v1beta1`, the
    /// `v1beta1` RBAC, admission, CRD and certificate APIs, …); a built-in kind that an
    /// older embedded version served and the target does not is reported too.
    ///
    /// Such an object is not validated against a schema: there is none to check it
    /// against, and the fix is to move it to the new apiVersion first.
    ///
    /// ## Why is this bad?
    /// The API server answers `no matches for kind "Deployment" in version
    /// "extensions/v1beta1"`: the manifest cannot be applied at all.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1beta1
    /// kind: CronJob
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// ```
    ///
    /// ## References
    /// - Deprecated API migration guide: https://kubernetes.io/docs/reference/using-api/deprecation-guide/
    pub static REMOVED_API = {
        id: "removed-api",
        severity: Error,
        category: Schema,
        summary: "the apiVersion of that kind is no longer served in the target version",
        help: "move the object to the apiVersion named in the message (fields may have changed)",
        scope: Object,
    }
}

/// Checks each object's apiVersion against the lifecycle table.
pub struct RemovedApi;

impl Rule for RemovedApi {
    fn meta(&self) -> &'static RuleMeta {
        &REMOVED_API
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let target = cx.schemas.builtin;
        if let Status::Removed {
            removed,
            replacement,
            note,
        } = api_versions::status(&object.api_version, &object.kind, target)
        {
            let instead = api_versions::instead(replacement.as_deref(), note);
            let mut d = REMOVED_API.at(
                object.id,
                Pointer::root().key("apiVersion"),
                format!(
                    "{} {} is not served since Kubernetes 1.{removed} (target {}){instead}",
                    object.api_version, object.kind, cx.version
                ),
            );
            if let Some(r) = replacement {
                d = d.with_help(format!(
                    "change apiVersion to {r} and check the fields against that version"
                ));
            }
            out.push(d);
        }
    }

    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        crate::rules::fixes::api_migration(cx, finding)
    }
}
