use std::collections::HashSet;

use crate::base::value::Value;

use crate::base::{At, Diagnostic};
use crate::declare_rule;
use crate::model::{PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::storage::claims::{Origin, claims};

declare_rule! {
    /// ## What it does
    /// Reports a pod volume whose `persistentVolumeClaim.claimName` names a claim that is
    /// not in the pod's namespace in the inputs: neither a PersistentVolumeClaim nor a
    /// claim that a StatefulSet's volumeClaimTemplates generate
    /// (`<template>-<statefulset>-<ordinal>`, for each replica) or that a Pod's generic
    /// ephemeral volume creates (`<pod>-<volume>`). In a StatefulSet, a pod volume named
    /// like one of its volumeClaimTemplates is replaced by the template's claim and is not
    /// checked.
    ///
    /// ## Why is this bad?
    /// The pod cannot be scheduled until the claim exists (`persistentvolumeclaim "x" not
    /// found`). The claim may be made in the cluster by other means, hence a warning.
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
    ///       volumeMounts: [{name: data, mountPath: /data}]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: {claimName: web-data}
    /// ```
    ///
    /// Use instead: define the PersistentVolumeClaim `web-data` in the pod's namespace.
    ///
    /// ## References
    /// - Persistent Volumes: https://kubernetes.io/docs/concepts/storage/persistent-volumes/
    /// - StatefulSets: stable storage (volumeClaimTemplates): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage
    /// - Generic ephemeral volumes: https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#generic-ephemeral-volumes
    pub static PVC_REF = {
        id: "pvc-ref",
        severity: Warning,
        category: Storage,
        summary: "a pod volume names a PersistentVolumeClaim that is not in the inputs",
        help: "define the PersistentVolumeClaim in the pod's namespace or pass it with --context",
    }
}

/// Looks up every claimName among real and generated claims.
pub struct PvcRef;

impl Rule for PvcRef {
    fn meta(&self) -> &'static RuleMeta {
        &PVC_REF
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let generated: HashSet<(Option<&str>, String)> = claims(cx.graph)
            .into_iter()
            .filter(|c| c.origin != Origin::Pvc)
            .map(|c| (c.namespace, c.name))
            .collect();
        for o in cx.graph.checked() {
            let Some(t) = PodTemplate::of(o) else {
                continue;
            };
            let templates: Vec<&str> = if t.kind == WorkloadKind::StatefulSet {
                o.at("/spec/volumeClaimTemplates")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.at("/metadata/name").and_then(Value::as_str))
                    .collect()
            } else {
                Vec::new()
            };
            let ns = o.namespace.as_deref();
            for (i, v) in t.spec.volumes() {
                let Some(name) = v
                    .at("/persistentVolumeClaim/claimName")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                else {
                    continue;
                };
                let replaced = v
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| templates.contains(&n));
                if replaced
                    || cx
                        .graph
                        .get(o, "", "PersistentVolumeClaim", ns, name)
                        .is_some()
                    || generated.contains(&(ns, name.to_owned()))
                {
                    continue;
                }
                out.push(
                    PVC_REF.at(
                        o.id,
                        t.spec
                            .pointer
                            .key("volumes")
                            .index(i)
                            .path("persistentVolumeClaim/claimName"),
                        format!(
                            "PersistentVolumeClaim {name} is not in namespace {} in the inputs",
                            ns.unwrap_or("default")
                        ),
                    ),
                );
            }
        }
    }
}
