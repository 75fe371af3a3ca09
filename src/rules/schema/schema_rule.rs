use std::collections::HashSet;
use std::sync::Arc;

use crate::base::{Diagnostic, ObjectId, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::edit::{Change, Yaml};
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta, Safety};
use crate::schema::message::{self, ViolationKind};
use crate::schema::{SchemaSet, Source};
use crate::semantics::{implicit_type, openshift};

declare_rule! {
    /// ## What it does
    /// Validates every object against the JSON schema of its kind in the target Kubernetes
    /// version (`--kubernetes-version`, default the newest known), embedded in k8lint:
    /// types, required fields, enums, quantities and unknown fields (strict, as kubectl's
    /// server-side field validation). Custom resources are validated against the
    /// `openAPIV3Schema` of the CustomResourceDefinition found in the inputs or in
    /// `--context`, else of the CRD that k8lint embeds for the common operators (`k8lint
    /// schemas` lists them; `--no-builtin-crds` turns them off). Each violation is
    /// reported once, at the offending node; an unknown field at its key, a missing
    /// required field at its parent.
    ///
    /// The schemas are the Kubernetes OpenAPI definitions (from the kubernetes-validate
    /// package) plus the enums the API server enforces that they lack: `imagePullPolicy`,
    /// `restartPolicy`, `dnsPolicy`, port `protocol`, Service `type`, `sessionAffinity`,
    /// traffic policies, `pathType`, access modes, volume modes, reclaim policies, update
    /// strategies, `concurrencyPolicy`, toleration operators and effects, and more; and
    /// every container's `image`, which the API server requires of a Pod and of the
    /// templates it validates (it does not validate a StatefulSet's template, whose
    /// controller then fails to create the pods: reported all the same).
    ///
    /// A scalar that YAML 1.1 typed as a boolean or number where a string is wanted is
    /// reported by `yaml-implicit-type` instead; an apiVersion that is no longer served by
    /// `removed-api`; a kind without any schema by `unknown-kind`.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (`json: cannot unmarshal string into Go struct
    /// field DeploymentSpec.spec.replicas of type int32`, `Unsupported value:
    /// "Sometimes"`, `unknown field "spec.template.spec.containers[0].imagePullPolicies"`),
    /// so the whole apply fails, often only in the pipeline stage that reaches a cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   replicas: "3"
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    ///           imagePullPolicy: Sometimes
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   replicas: 3
    ///   ...
    ///           imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## References
    /// - Kubernetes API reference: https://kubernetes.io/docs/reference/kubernetes-api/
    /// - Quantity (API reference): https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
    /// - Extend the Kubernetes API with CustomResourceDefinitions: https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
    pub static SCHEMA = {
        id: "schema",
        severity: Error,
        category: Schema,
        summary: "the object violates its schema for the target Kubernetes version",
        help: "fix the field as the message says; `kubectl explain <kind>.<field>` shows the schema",
        scope: Object,
    }
}

/// Validates every checked object with the validator of its kind.
pub struct Schema;

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &SCHEMA
    }

    /// What depends on the object and its schema alone: the validation, and the repeated
    /// items of a CRD's set and map lists.
    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let set = cx.schemas;
        if let Some(validator) = set.validator(&object.api_version, &object.kind) {
            out.extend(check(cx, set, &validator, object));
        }
        out.extend(list_duplicates(set, object));
        // A CRD's own definition depends on nothing else: its findings are kept by the
        // re-run cache and the editor's server like the rest of the object's, and its
        // CEL rules (tens of milliseconds for an operator's CRD) are not compiled again
        // while it does not change.
        if object.is("apiextensions.k8s.io", "CustomResourceDefinition") {
            out.extend(crate::rules::cel::crd_definition(
                cx.graph,
                object,
                &evaluated(cx),
            ));
        }
    }

    /// What depends on other objects: a CRD whose schema does not compile is reported on
    /// the first of its custom resources.
    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let set = cx.schemas;
        // Each custom resource kind once, at its first object: whether its CRD's schema
        // compiles is known per kind (built-in schemas always compile: only custom
        // resources are asked, so that a fully cached run compiles no validator).
        let mut seen = std::collections::HashMap::new();
        for o in cx.graph.checked() {
            if !matches!(set.source(&o.api_version, &o.kind), Some(Source::Crd(..))) {
                continue;
            }
            let first = !seen.contains_key(&(o.api_version.as_str(), o.kind.as_str()));
            let why = seen
                .entry((o.api_version.as_str(), o.kind.as_str()))
                .or_insert_with(|| {
                    crate::schema::crd_schema_error(set, &o.api_version, &o.kind)
                });
            if let Some((crd, why)) = why {
                out.extend(uncompiled_crd(cx, *crd, why, o, first));
            }
        }
    }

    /// An Ingress path without `pathType` gets `ImplementationSpecific`, what v1beta1
    /// applied when none was given.
    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        let (object, pointer) = crate::rules::fixes::object_location(finding)?;
        let o = cx.graph.object(object);
        let tokens: Vec<_> = pointer.tokens().collect();
        let is_path = matches!(tokens.as_slice(), [s, r, _, h, p, _] if s == "spec" && r == "rules" && h == "http" && p == "paths");
        if !o.is("networking.k8s.io", "Ingress")
            || !is_path
            || !finding.message.ends_with("missing required field `pathType`")
        {
            return None;
        }
        Some(Fix {
            title: "add pathType: ImplementationSpecific".to_owned(),
            safety: Safety::Safe,
            object,
            changes: vec![Change::Set {
                pointer: pointer.key("pathType"),
                value: Yaml::raw("ImplementationSpecific"),
            }],
        })
    }
}

fn check(
    cx: &Context<'_>,
    set: &SchemaSet<'_>,
    validator: &jsonschema::Validator,
    object: &Object,
) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    // The validator reads `serde_json` values.
    let instance = object.value.to_serde();
    for error in validator.iter_errors(&instance) {
        all.extend(message::violations(&error));
    }
    if all.is_empty() {
        return Vec::new();
    }
    let root = set.root(&object.api_version, &object.kind);
    message::dedup(all)
        .into_iter()
        .filter(|v| {
            // A scalar that YAML typed as a bool or number where a string is wanted is
            // yaml-implicit-type's finding, with a better message.
            !matches!(&v.kind, ViolationKind::Type(wanted) if wanted.contains(&"string")
                && implicit_type::mistyped_scalar(cx.graph, root.as_ref(), object, &v.pointer))
        })
        // A DeploymentConfig's image may come from its ImageChange trigger.
        .filter(|v| {
            !matches!(&v.kind, ViolationKind::Required(field) if field == "image"
                && openshift::image_set_by_trigger(object, &v.pointer))
        })
        .map(|v| {
            let mut d = SCHEMA.at(object.id, v.pointer.clone(), v.message);
            if matches!(v.kind, ViolationKind::Unknown(_)) {
                // The field's name is what is wrong.
                d = d.at_key();
            }
            if let (ViolationKind::Unknown(field), Some(root)) = (&v.kind, &root) {
                let parent = v.pointer.parent().unwrap_or_else(Pointer::root);
                if let Some(s) = suggest(field, &root.fields_at(&parent)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                } else {
                    d = d.with_help("remove the field, or check its indentation");
                }
            }
            d
        })
        .collect()
}

/// The CRD schemas whose rules `cel-validation` evaluates as well (their compiled rules
/// are shared), worked out once per run and schema set.
fn evaluated(cx: &Context<'_>) -> Arc<HashSet<(ObjectId, Pointer)>> {
    #[derive(PartialEq, Eq, Hash)]
    struct Evaluated(u64);
    let set = cx.schemas;
    cx.graph.memo(Evaluated(set.id()), || {
        Arc::new(crate::cel::index::evaluated_schemas(
            cx.graph,
            set.builtin,
            &set.crds,
        ))
    })
}

/// Items of a CRD's `x-kubernetes-list-type: set` or `map` that repeat (the API server's
/// `Duplicate value`); built-in kinds are validated by the server's own code instead.
fn list_duplicates(set: &SchemaSet<'_>, object: &Object) -> Vec<Diagnostic> {
    let Some(Source::Crd(..)) = set.source(&object.api_version, &object.kind) else {
        return Vec::new();
    };
    let Some(schema) = set
        .crds
        .get(&object.api_version, &object.kind)
        .and_then(|k| k.schema)
    else {
        return Vec::new();
    };
    crate::schema::listtype::duplicates(schema, &object.value)
        .into_iter()
        .map(|d| SCHEMA.at(object.id, d.pointer, d.message))
        .collect()
}

/// A custom resource whose CRD schema does not compile is not validated: say so, on the
/// CRD when it is checked (once, with the kind's `first` object), else on each custom
/// resource (the CRD is context).
fn uncompiled_crd(
    cx: &Context<'_>,
    crd_id: ObjectId,
    why: &str,
    object: &Object,
    first: bool,
) -> Option<Diagnostic> {
    let crd = cx.graph.object(crd_id);
    let message = format!(
        "the openAPIV3Schema that CustomResourceDefinition {} gives {}/{} does not compile ({why}): its custom resources are not validated",
        crd.name, object.api_version, object.kind
    );
    if !crd.context {
        return first.then(|| {
            SCHEMA.at(crd.id, Pointer::root().path("spec/versions"), message)
                .with_help("fix the CRD's schema (JSON Schema, with ECMA-262 regular expressions in `pattern`)")
        });
    }
    Some(
        SCHEMA
            .at(object.id, Pointer::root().key("kind"), message)
            .with_related(
                crd.id,
                Pointer::root().path("spec/versions"),
                "the CRD (from --context)",
            ),
    )
}

/// The known field closest to an unknown one: same letters ignoring case, or a few edits
/// away (two, or one in five letters for long names).
pub(super) fn suggest<'a>(field: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = field.to_ascii_lowercase();
    if let Some(k) = known.iter().find(|k| k.to_ascii_lowercase() == lower) {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= (k.len() / 5).max(2) && *d < k.len() / 2 + 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_fields() {
        let known = ["imagePullPolicy", "image", "ports"];
        assert_eq!(
            suggest("imagePullPolicies", &known),
            Some("imagePullPolicy")
        );
        assert_eq!(suggest("Image", &known), Some("image"));
        assert_eq!(suggest("port", &known), Some("ports"));
        assert_eq!(suggest("command", &known), None);
    }
}
