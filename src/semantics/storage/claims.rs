//! The claims and volumes of a run, read once: PersistentVolumeClaims, the claims a
//! StatefulSet's volumeClaimTemplates generate (`<template>-<sts>-<ordinal>`, §C.3) and
//! those of generic ephemeral volumes (`<pod>-<volume>`, §C.4), and PersistentVolumes.

use std::collections::BTreeSet;

use crate::base::value::{Map, Value};

use crate::base::{At, Pointer};
use crate::graph::Graph;
use crate::model::{Object, PodTemplate, Selector, WorkloadKind};
use crate::semantics::quantity::Quantity;

/// The annotation that predates `storageClassName` and still wins over it (§C.5).
pub const CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// StatefulSets with more replicas than this have their claims simulated up to here: the
/// binding question is the same for every further ordinal.
pub const MAX_ORDINALS: i64 = 1000;

/// Where a claim comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A PersistentVolumeClaim object.
    Pvc,
    /// `spec.volumeClaimTemplates[template]` of a StatefulSet, for one ordinal.
    Template {
        /// Index of the template.
        template: usize,
        /// The pod ordinal.
        ordinal: i64,
    },
    /// A generic ephemeral volume of a Pod or StatefulSet pod.
    Ephemeral,
}

/// How a claim names its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassSpec {
    /// By annotation or `storageClassName` (possibly `""`), with a pointer to it.
    Set(String, Pointer),
    /// Not at all: the default StorageClass is filled in at admission, if there is one.
    Unset,
}

/// One claim, real or generated.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    /// The object that holds it (the PVC, the StatefulSet or the Pod).
    pub object: &'a Object,
    /// Where it comes from.
    pub origin: Origin,
    /// Its namespace.
    pub namespace: Option<&'a str>,
    /// Its name (generated for templates).
    pub name: String,
    /// Pointer to the claim's metadata in `object`.
    pub meta_at: Pointer,
    /// Pointer to the claim's spec in `object`.
    pub spec_at: Pointer,
    /// The spec.
    pub spec: &'a Value,
    /// The metadata, if any.
    pub meta: Option<&'a Map>,
}

impl<'a> Claim<'a> {
    /// A string field of the spec.
    fn str(&self, field: &str) -> Option<&'a str> {
        self.spec.get(field)?.as_str()
    }

    /// The class as written.
    pub fn class(&self) -> ClassSpec {
        let annotation = self
            .meta
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(CLASS_ANNOTATION))
            .and_then(Value::as_str);
        if let Some(c) = annotation {
            let at = self.meta_at.key("annotations").key(CLASS_ANNOTATION);
            return ClassSpec::Set(c.to_owned(), at);
        }
        match self.str("storageClassName") {
            Some(c) => ClassSpec::Set(c.to_owned(), self.spec_at.key("storageClassName")),
            None => ClassSpec::Unset,
        }
    }

    /// The requested access modes.
    pub fn access_modes(&self) -> BTreeSet<&'a str> {
        modes(self.spec)
    }

    /// `resources.requests.storage`, if it parses.
    pub fn request(&self) -> Option<Quantity> {
        quantity(self.spec.at("/resources/requests/storage")?)
    }

    /// `volumeMode`, default Filesystem.
    pub fn volume_mode(&self) -> &'a str {
        self.str("volumeMode").unwrap_or("Filesystem")
    }

    /// `volumeName`, if set and non-empty.
    pub fn volume_name(&self) -> Option<&'a str> {
        self.str("volumeName").filter(|s| !s.is_empty())
    }

    /// The label selector for PVs, if set and readable.
    pub fn selector(&self) -> Option<Selector> {
        let v = self.spec.get("selector").filter(|v| !v.is_null())?;
        Selector::from_label_selector(v).ok()
    }

    /// `claim data-db-0` or `claim data-db-1 (volumeClaimTemplate data of StatefulSet db)`.
    pub fn describe(&self) -> String {
        match self.origin {
            Origin::Pvc => format!("claim {}", self.name),
            Origin::Template { .. } => format!(
                "claim {} (from a volumeClaimTemplate of StatefulSet {})",
                self.name, self.object.name
            ),
            Origin::Ephemeral => format!(
                "claim {} (ephemeral volume of {} {})",
                self.name, self.object.kind, self.object.name
            ),
        }
    }

    /// Whether a context dump says the claim is bound already.
    pub fn bound_in_cluster(&self) -> bool {
        self.origin == Origin::Pvc
            && self.object.at("/status/phase").and_then(Value::as_str) == Some("Bound")
    }
}

/// A PersistentVolume.
#[derive(Debug, Clone)]
pub struct Volume<'a> {
    /// The object.
    pub object: &'a Object,
    /// Its class: the annotation, else `storageClassName`, else `""`.
    pub class: &'a str,
    /// Its access modes.
    pub modes: BTreeSet<&'a str>,
    /// `capacity.storage`, if it parses.
    pub capacity: Option<Quantity>,
    /// `volumeMode`, default Filesystem.
    pub volume_mode: &'a str,
    /// `claimRef` namespace and name, when set.
    pub claim_ref: Option<(&'a str, &'a str)>,
}

impl Volume<'_> {
    /// Whether the PV is usable by a claim it is not pre-bound to: not being deleted, and
    /// (in a context dump) in phase Available.
    pub fn available(&self) -> bool {
        self.object.at("/metadata/deletionTimestamp").is_none()
            && self
                .object
                .at("/status/phase")
                .and_then(Value::as_str)
                .is_none_or(|p| matches!(p, "Available" | "Pending" | "Bound"))
    }
}

fn modes(spec: &Value) -> BTreeSet<&str> {
    spec.get("accessModes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn quantity(v: &Value) -> Option<Quantity> {
    match v {
        Value::String(s) => Quantity::parse(s).ok(),
        Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

/// Reads a PersistentVolume.
pub fn volume(object: &Object) -> Volume<'_> {
    let spec = object.value.get("spec").unwrap_or(&Value::Null);
    let annotation = object
        .annotations()
        .and_then(|a| a.get(CLASS_ANNOTATION))
        .and_then(Value::as_str);
    let claim_ref = spec.get("claimRef").and_then(|r| {
        let name = r.get("name").and_then(Value::as_str)?;
        let ns = r
            .get("namespace")
            .and_then(Value::as_str)
            .unwrap_or("default");
        Some((ns, name))
    });
    Volume {
        object,
        class: annotation
            .or_else(|| spec.get("storageClassName").and_then(Value::as_str))
            .unwrap_or(""),
        modes: modes(spec),
        capacity: spec.at("/capacity/storage").and_then(quantity),
        volume_mode: spec
            .get("volumeMode")
            .and_then(Value::as_str)
            .unwrap_or("Filesystem"),
        claim_ref,
    }
}

/// Every PersistentVolume (of every unit: the binder picks those a claim sees), context
/// objects first (they exist already), then input order.
pub fn volumes(graph: &Graph) -> Vec<Volume<'_>> {
    let mut all: Vec<&Object> = graph.of_kind("", "PersistentVolume").collect();
    all.sort_by_key(|o| (!o.context, o.id));
    all.into_iter().map(volume).collect()
}

/// Every claim of the run, context objects first, then in input order; a StatefulSet's
/// claims ordinal by ordinal (the order its pods are created in), templates in order.
pub fn claims(graph: &Graph) -> Vec<Claim<'_>> {
    let mut objects: Vec<&Object> = graph.objects.iter().collect();
    objects.sort_by_key(|o| (!o.context, o.id));
    let mut out = Vec::new();
    for o in objects {
        claims_of(o, &mut out);
    }
    // A claim defined twice in one unit (duplicate-object reports it) is one claim: the
    // first wins. Units apart (staging/ and prod/) each have their own.
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert((graph.membership(c.object.id), c.namespace, c.name.clone())));
    out
}

/// The claims one object holds or generates.
pub fn claims_of<'a>(o: &'a Object, out: &mut Vec<Claim<'a>>) {
    if o.is("", "PersistentVolumeClaim") {
        if let Some(spec) = o.value.get("spec") {
            out.push(Claim {
                object: o,
                origin: Origin::Pvc,
                namespace: o.namespace.as_deref(),
                name: o.name.clone(),
                meta_at: Pointer::root().key("metadata"),
                spec_at: Pointer::root().key("spec"),
                spec,
                meta: o.value.get("metadata").and_then(Value::as_object),
            });
        }
        return;
    }
    let Some(template) = PodTemplate::of(o) else {
        return;
    };
    let pod_names: Vec<(String, i64)> = match template.kind {
        WorkloadKind::Pod => vec![(o.name.clone(), 0)],
        WorkloadKind::StatefulSet => ordinals(o)
            .map(|i| (format!("{}-{i}", o.name), i))
            .collect(),
        // Other controllers name their pods at random: their claims cannot be named.
        _ => return,
    };
    let templates: Vec<(usize, &Value)> = if template.kind == WorkloadKind::StatefulSet {
        o.at("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .collect()
    } else {
        Vec::new()
    };
    for (pod, ordinal) in &pod_names {
        for (i, t) in &templates {
            let Some(spec) = t.get("spec") else { continue };
            let Some(tname) = t.at("/metadata/name").and_then(Value::as_str) else {
                continue;
            };
            let at = Pointer::root().path("spec/volumeClaimTemplates").index(*i);
            out.push(Claim {
                object: o,
                origin: Origin::Template {
                    template: *i,
                    ordinal: *ordinal,
                },
                namespace: o.namespace.as_deref(),
                name: format!("{tname}-{pod}"),
                meta_at: at.key("metadata"),
                spec_at: at.key("spec"),
                spec,
                meta: t.get("metadata").and_then(Value::as_object),
            });
        }
        for (i, v) in template.spec.volumes() {
            let Some(t) = v.at("/ephemeral/volumeClaimTemplate") else {
                continue;
            };
            let (Some(spec), Some(vname)) = (t.get("spec"), v.get("name").and_then(Value::as_str))
            else {
                continue;
            };
            let at = template
                .spec
                .pointer
                .key("volumes")
                .index(i)
                .path("ephemeral/volumeClaimTemplate");
            out.push(Claim {
                object: o,
                origin: Origin::Ephemeral,
                namespace: o.namespace.as_deref(),
                name: format!("{pod}-{vname}"),
                meta_at: at.key("metadata"),
                spec_at: at.key("spec"),
                spec,
                meta: t.get("metadata").and_then(Value::as_object),
            });
        }
    }
}

/// The ordinals of a StatefulSet's pods: `ordinals.start` up to `replicas` (default 1),
/// at most [`MAX_ORDINALS`] of them.
pub fn ordinals(sts: &Object) -> std::ops::Range<i64> {
    let start = sts
        .at("/spec/ordinals/start")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0);
    let replicas = match sts.at("/spec/replicas") {
        None | Some(Value::Null) => 1,
        Some(v) => v.as_i64().unwrap_or(1).clamp(0, MAX_ORDINALS),
    };
    start..start.saturating_add(replicas)
}
