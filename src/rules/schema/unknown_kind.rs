use crate::base::{Diagnostic, Pointer, Severity};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};
use crate::schema::CrdIndex;
use crate::schema::catalog::{self, VersionSchemas};
use crate::semantics::api_versions::{self, Status};

declare_rule! {
    /// ## What it does
    /// Reports an object whose apiVersion and kind have no schema in the target
    /// Kubernetes version, no CustomResourceDefinition in the inputs or in `--context`,
    /// and no CRD among those k8lint embeds for the common operators (`k8lint schemas`
    /// lists them), so that nothing about it can be checked. An apiVersion that was
    /// removed is `removed-api`'s finding instead. The message says when the kind is
    /// served under another apiVersion, only by newer Kubernetes versions, or by a CRD
    /// that does not serve that version.
    ///
    /// Custom resources of other operators installed in the cluster are the usual cause:
    /// add their CRDs with `--context crds/`, or `--disable unknown-kind`. With
    /// `--no-builtin-crds` (or `builtin-crds: false` in the config) the embedded CRDs are
    /// not used, and their custom resources are reported here too.
    ///
    /// In an API group that Kubernetes itself serves (`v1`, `apps/v1`,
    /// `networking.k8s.io/v1`, …) the finding is an error: no cluster can serve a kind
    /// there that the release does not define (`kind: configmap` in `v1`), whatever is
    /// installed. In other groups it is a warning: the CRD may simply be missing from the
    /// inputs.
    ///
    /// ## Why is this bad?
    /// A typo in `kind` or `apiVersion` fails at apply time with `no matches for kind`;
    /// and an object k8lint cannot validate may hide any other error.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deploymnet
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// ```
    ///
    /// ## References
    /// - Kubernetes API reference: https://kubernetes.io/docs/reference/kubernetes-api/
    /// - Extend the Kubernetes API with CustomResourceDefinitions: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
    pub static UNKNOWN_KIND = {
        id: "unknown-kind",
        severity: Warning,
        category: Input,
        summary: "no schema for that apiVersion/kind in the target version and no CRD for it",
        help: "add the CustomResourceDefinition to the inputs or to --context, or fix apiVersion/kind",
    }
}

/// Looks each object's kind up among the built-in schemas and the CRDs.
pub struct UnknownKind;

impl Rule for UnknownKind {
    fn meta(&self) -> &'static RuleMeta {
        &UNKNOWN_KIND
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let target = cx.schemas.builtin;
        let crds = &cx.schemas.crds;
        for object in cx.graph.checked() {
            if let Some(message) = unknown(object, target, crds) {
                let mut d = UNKNOWN_KIND.at(object.id, Pointer::root().key("kind"), message);
                if target.serves_group(&object.group) {
                    d = d.with_severity(Severity::Error).with_help(
                        "fix apiVersion/kind: a CRD cannot add a kind to an API group that Kubernetes serves",
                    );
                }
                out.push(d);
            }
        }
    }
}

fn unknown(object: &Object, target: &VersionSchemas, crds: &CrdIndex<'_>) -> Option<String> {
    let (api, kind) = (object.api_version.as_str(), object.kind.as_str());
    if target.definition_of(api, kind).is_some() || crds.get(api, kind).is_some() {
        return None;
    }
    if !matches!(api_versions::status(api, kind, target), Status::Fine) {
        return None;
    }
    let version = target.version;
    let minor = catalog::minor_of(version).unwrap_or(0);
    if let Some(first) = catalog::minors_serving(api, kind)
        .iter()
        .find(|m| **m > minor)
    {
        return Some(format!(
            "{api} {kind} is served from Kubernetes 1.{first} on; the target is {version}"
        ));
    }
    let group = crate::model::object::group_of(api);
    if crds.defines_in_inputs(group, kind) {
        return Some(format!(
            "the CustomResourceDefinition for {kind} in the inputs does not serve {api}"
        ));
    }
    if let Some((known, operator)) = crds.catalog_kind(group, kind) {
        let served: Vec<String> = known
            .versions
            .iter()
            .map(|(v, _)| format!("{group}/{v}"))
            .collect();
        return Some(format!(
            "{api} does not serve {kind}: the CRD of {} {} serves it as {}",
            operator.name,
            operator.version,
            served.join(", ")
        ));
    }
    if let Some(close) = super::schema_rule::suggest(kind, &target.kinds_of(api)) {
        return Some(format!(
            "{api} has no kind {kind} in Kubernetes {version} (kinds are case-sensitive); did you mean {close}?"
        ));
    }
    let others = target.api_versions_of(kind);
    if !others.is_empty() {
        return Some(format!(
            "{api} does not serve {kind} in Kubernetes {version}; {kind} is served as {}",
            others.join(", ")
        ));
    }
    Some(format!(
        "no schema for {api} {kind} in Kubernetes {version}, and no CustomResourceDefinition for it in the inputs or among the embedded ones (`k8lint schemas`)"
    ))
}
