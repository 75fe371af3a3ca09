use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::{crds, names};

declare_rule! {
    /// ## What it does
    /// Reports a `metadata.name` (or `generateName` prefix) that the API server rejects
    /// for the object's kind, a namespaced object's `metadata.namespace` that is not a
    /// DNS-1123 label (the API server clears a cluster-scoped object's), and an
    /// object with neither `name` nor `generateName`. The format depends on the kind:
    ///
    /// - DNS-1035 label (`[a-z]([-a-z0-9]*[a-z0-9])?`, ≤ 63): Service;
    /// - DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, ≤ 63): Namespace, StatefulSet;
    /// - DNS-1123 subdomain (labels joined by dots, ≤ 253): Pod, Deployment, ReplicaSet,
    ///   DaemonSet, Job, ConfigMap, Secret, ServiceAccount, PVC, PV, Ingress,
    ///   NetworkPolicy, StorageClass, …, and custom resources of a CRD in the inputs;
    ///   a CronJob name is also at most 52 characters (its Jobs append 11);
    /// - a path segment (no `/`, `%`, not `.` or `..`): Role, ClusterRole and their
    ///   bindings (so `system:aggregate-to-view` is valid);
    /// - a CustomResourceDefinition is named `<spec.names.plural>.<spec.group>`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object: `metadata.name: Invalid value: "Web_1": a
    /// lowercase RFC 1123 subdomain must consist of …`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: 1st-api
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: first-api
    /// ```
    ///
    /// ## References
    /// - Object names and IDs: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
    pub static INVALID_NAME = {
        id: "invalid-name",
        severity: Error,
        category: Schema,
        summary: "metadata.name is not valid for the kind",
        help: "use lower-case letters, digits and `-` (and `.` where the kind allows it)",
        scope: Object,
    }
}

/// Checks names against the format of their kind.
pub struct InvalidName;

type Check = fn(&str) -> Result<(), String>;

/// The name format of a kind, with its name for messages.
fn format_of(cx: &Context<'_>, object: &Object) -> Option<(Check, &'static str)> {
    let label: (Check, &str) = (names::dns1123_label, "a DNS-1123 label");
    let subdomain: (Check, &str) = (names::dns1123_subdomain, "a DNS-1123 subdomain");
    Some(match (object.group.as_str(), object.kind.as_str()) {
        ("", "Namespace") | ("apps", "StatefulSet") => label,
        ("", "Service") => (names::dns1035_label, "a DNS-1035 label"),
        (
            "rbac.authorization.k8s.io",
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
        ) => (names::path_segment, "a path segment"),
        (
            "",
            "Pod"
            | "ReplicationController"
            | "PodTemplate"
            | "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "Endpoints"
            | "PersistentVolume"
            | "PersistentVolumeClaim"
            | "LimitRange"
            | "ResourceQuota"
            | "Node",
        )
        | ("apps", "Deployment" | "ReplicaSet" | "DaemonSet" | "ControllerRevision")
        | ("batch", "Job" | "CronJob")
        | ("networking.k8s.io", "Ingress" | "IngressClass" | "NetworkPolicy")
        | ("storage.k8s.io", "StorageClass" | "CSIDriver" | "VolumeAttachment")
        | ("policy", "PodDisruptionBudget")
        | ("autoscaling", "HorizontalPodAutoscaler")
        | ("scheduling.k8s.io", "PriorityClass")
        | ("node.k8s.io", "RuntimeClass")
        | ("discovery.k8s.io", "EndpointSlice")
        | ("coordination.k8s.io", "Lease")
        | ("apiextensions.k8s.io", "CustomResourceDefinition")
        | (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
        ) => subdomain,
        (group, kind) => {
            crds::defining(cx.graph, group, kind)?;
            subdomain
        }
    })
}

impl Rule for InvalidName {
    fn meta(&self) -> &'static RuleMeta {
        &INVALID_NAME
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let meta = Pointer::root().key("metadata");
        let name = object.at("/metadata/name").and_then(Value::as_str);
        let generate = object.at("/metadata/generateName").and_then(Value::as_str);
        // A cluster-scoped object's namespace is cleared by the API server, not checked.
        let namespaced = object.namespace.is_some();
        if let Some(ns) = object.at("/metadata/namespace").and_then(Value::as_str) {
            if namespaced && !ns.is_empty() {
                if let Err(why) = names::dns1123_label(ns) {
                    out.push(INVALID_NAME.at(
                        object.id,
                        meta.key("namespace"),
                        format!("namespace {ns:?} {why} (a namespace name is a DNS-1123 label)"),
                    ));
                }
            }
        }
        // Kinds k8lint knows nothing about may be tool configs that need no name.
        let Some((check, what)) = format_of(cx, object) else {
            return;
        };
        if name.is_none_or(str::is_empty) && generate.is_none_or(str::is_empty) {
            // A name of the wrong type is the schema rule's finding.
            if object.at("/metadata/name").is_none_or(Value::is_null) {
                out.push(
                    INVALID_NAME
                        .at(
                            object.id,
                            meta,
                            format!("{} has no metadata.name", object.kind),
                        )
                        .with_help(
                            "set metadata.name (or metadata.generateName for `kubectl create`)",
                        ),
                );
            }
            return;
        }
        let mut bad = |pointer: Pointer, text: &str, why: String| {
            out.push(INVALID_NAME.at(
                object.id,
                pointer,
                format!(
                    "{} name {text:?} {why} ({} names must be {what})",
                    object.kind, object.kind
                ),
            ));
        };
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            if let Err(why) = check(n) {
                bad(meta.key("name"), n, why);
            } else if object.is("batch", "CronJob") && n.len() > 52 {
                bad(
                    meta.key("name"),
                    n,
                    format!(
                        "is {} characters long; the limit is 52 (Job names append 11)",
                        n.len()
                    ),
                );
            } else if object.is("apiextensions.k8s.io", "CustomResourceDefinition") {
                let plural = object.at("/spec/names/plural").and_then(Value::as_str);
                let group = object.at("/spec/group").and_then(Value::as_str);
                if let (Some(p), Some(g)) = (plural, group) {
                    let want = format!("{p}.{g}");
                    if n != want {
                        out.push(INVALID_NAME.at(object.id,
                            meta.key("name"),
                            format!("a CustomResourceDefinition must be named <plural>.<group>: {want:?}, not {n:?}"),
                        )
                        .with_help(format!("rename it to {want}")));
                    }
                }
            }
        } else if let Some(g) = generate {
            // Validated as a prefix: a trailing `-` is allowed.
            let masked = match g
                .strip_suffix('-')
                .and_then(|_| g.get(..g.len().saturating_sub(2)))
            {
                Some(head) if g.len() > 1 => format!("{head}a"),
                _ => g.to_owned(),
            };
            if let Err(why) = check(&masked) {
                bad(meta.key("generateName"), g, why);
            }
        }
    }
}
