//! The verdict on one object: every control its pods violate, under the strongest mode
//! of its namespace that reports it. Computed once per object per run ([`Verdicts`]) and
//! shared by the `pod-security` rule and the step that keeps the rules it covers silent
//! on the same fields.

use std::sync::{Arc, OnceLock};

use super::{Applied, NamespacePolicy, Settings, Violation, table};
use crate::base::{ObjectId, Pointer};
use crate::graph::Graph;
use crate::model::{Object, PodTemplate};

/// The key of a namespace's policy among the graph's memos: the Namespace object (`None`:
/// not in the inputs) and the level enforced where no label says otherwise.
#[derive(Hash, PartialEq, Eq)]
struct PolicyOf(Option<ObjectId>, super::LevelVersion);

/// One violated control and the mode that reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The mode, level and label.
    pub applied: Applied,
    /// The control and its fields.
    pub violation: Violation,
    /// The Namespace whose label set the level, if it is in the inputs.
    pub namespace: Option<ObjectId>,
}

/// Every control of the levels that apply to a workload's pods that the pods violate,
/// each once, under the strongest mode that reports it. Empty for other objects, for
/// exempt pods, and where the level is privileged. `target` is the target Kubernetes
/// minor version: a policy version after it is evaluated as it.
pub fn violations(graph: &Graph, settings: &Settings, target: u32, object: &Object) -> Vec<Found> {
    let Some(template) = PodTemplate::of(object) else {
        return Vec::new();
    };
    let namespace = object.namespace.as_deref().unwrap_or("default");
    let exempt = &settings.exemptions;
    let runtime_class = template.spec.str("runtimeClassName");
    if exempt.namespaces.iter().any(|n| n == namespace)
        || runtime_class.is_some_and(|rc| exempt.runtime_classes.iter().any(|e| e == rc))
    {
        return Vec::new();
    }
    let ns_object = graph.namespace_of(object);
    // Read once per namespace: every workload of a namespace asks for the same labels.
    let policy = graph.memo(PolicyOf(ns_object.map(|o| o.id), settings.default), || {
        Arc::new(NamespacePolicy::from_labels(
            ns_object.and_then(Object::labels),
            settings.default,
        ))
    });
    let mut found: Vec<Found> = Vec::new();
    // The forms already evaluated, by control and version: a weaker mode at the same
    // level (warn following enforce) asks for the same forms again, and a control already
    // found is reported once, under the strongest mode.
    let mut evaluated: Vec<(&str, u32)> = Vec::new();
    for applied in &policy.modes {
        let minor = applied.level.version.minor(target);
        for active in table::active(applied.level.level, minor) {
            if evaluated.contains(&(active.id, active.since))
                || found.iter().any(|f| f.violation.control == active.id)
            {
                continue;
            }
            evaluated.push((active.id, active.since));
            let Some(violation) = (active.check)(&template) else {
                continue;
            };
            debug_assert_eq!(violation.control, active.id, "a check names its control");
            found.push(Found {
                applied: applied.clone(),
                violation,
                namespace: ns_object.map(|o| o.id),
            });
        }
    }
    found
}

/// What the precedence step needs of one violated control: its id and fields (the
/// wording is the rule's alone, and is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    /// The control's id.
    pub control: &'static str,
    /// The fields it reports.
    pub fields: Vec<Pointer>,
}

/// The verdicts of one run, one slot per object of its graph, each evaluated once (from
/// any thread) and kept in the small form the precedence step reads: the rule and the
/// precedence step share one evaluation.
pub struct Verdicts<'a> {
    graph: &'a Graph,
    settings: &'a Settings,
    target: u32,
    slots: Box<[OnceLock<Vec<Covered>>]>,
}

impl<'a> Verdicts<'a> {
    /// Empty verdicts for the objects of `graph`.
    pub fn new(graph: &'a Graph, settings: &'a Settings, target: u32) -> Verdicts<'a> {
        Verdicts {
            graph,
            settings,
            target,
            slots: graph.objects.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The full verdict on `object`, an object of the graph (see [`violations`]), for the
    /// rule to report; what the precedence step needs of it is kept.
    pub fn evaluate(&self, object: &Object) -> Vec<Found> {
        let mut full = None;
        self.slots[object.id.0 as usize].get_or_init(|| {
            let found = self.violations(object);
            let covered = found.iter().map(covered).collect();
            full = Some(found);
            covered
        });
        // Asked for twice (never in one run: the rule asks once, before the precedence
        // step): evaluated again rather than kept whole.
        full.unwrap_or_else(|| self.violations(object))
    }

    /// The controls `object` violates and their fields, evaluated when the rule did not
    /// (its findings were reused from an earlier run).
    pub fn covered(&self, object: &Object) -> &[Covered] {
        self.slots[object.id.0 as usize]
            .get_or_init(|| self.violations(object).iter().map(covered).collect())
    }

    fn violations(&self, object: &Object) -> Vec<Found> {
        violations(self.graph, self.settings, self.target, object)
    }
}

fn covered(f: &Found) -> Covered {
    Covered {
        control: f.violation.control,
        fields: f.violation.fields.clone(),
    }
}
