//! The PersistentVolume controller's binding, simulated over the inputs (§C.5): claims
//! pre-bound by `volumeName` first, then every other claim in a fixed order takes the
//! smallest fitting PV of the smallest fitting access-mode group. The order is the one
//! `claims::claims` gives: context claims (already in the cluster), then the inputs in
//! file and document order, a StatefulSet's claims ordinal by ordinal. The controller's
//! own order is its informer's; creation order is what `kubectl apply` of the inputs
//! approximates.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::graph::Graph;
use crate::graph::units::Membership;

use super::claims::{Claim, ClassSpec, Volume, claims, volumes};
use super::pools::{Mismatch, Pools, Taken, View, Want, holds};
use crate::model::Selector;

/// What happened to one claim.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Bound to this PV (an index into [`Binding::volumes`]).
    Bound(usize),
    /// Dynamic provisioning will make a PV (or a context dump says it is bound).
    Provisioned,
    /// `volumeName` names a PV that is not in the inputs.
    VolumeMissing,
    /// `volumeName` names a PV that does not satisfy the claim, for these reasons.
    VolumeMismatch(usize, Vec<String>),
    /// `volumeName` names a PV reserved for or bound to another claim (`None`: a claim
    /// outside the inputs, named by the PV's claimRef).
    VolumeTaken(usize, Option<usize>),
    /// No PV left: this PV would fit but an earlier claim took it.
    Taken(usize, usize),
    /// No PV fits and none can be provisioned: why, and PVs that nearly fit with their
    /// reasons.
    Unbindable(String, Vec<(usize, Vec<String>)>),
}

/// The result of the simulation.
#[derive(Debug)]
pub struct Binding<'a> {
    /// Every claim, in simulation order.
    pub claims: Vec<Claim<'a>>,
    /// Every PV.
    pub volumes: Vec<Volume<'a>>,
    /// The outcome of each claim.
    pub outcomes: Vec<Outcome>,
    /// PVs whose claimRef names a claim whose `volumeName` names another PV:
    /// `(pv, claim)`.
    pub ref_conflicts: Vec<(usize, usize)>,
}

/// Why a PV does not fit what a claim wants, in words, one per [`Mismatch`] (checked as
/// `FindMatchingVolume` and `checkVolumeSatisfyClaim` do); empty when it fits.
fn misfit(v: &Volume<'_>, c: &Claim<'_>, want: &Want<'_>) -> Vec<String> {
    want.mismatches(v)
        .map(|m| match m {
            Mismatch::AccessModes => format!(
                "access modes {} do not include {}",
                join(&v.modes),
                join(want.modes)
            ),
            Mismatch::Capacity => match (&v.capacity, c.request()) {
                (Some(cap), Some(req)) => {
                    format!("capacity {cap} is less than the requested {req}")
                }
                _ => "it has no readable capacity".to_owned(),
            },
            Mismatch::VolumeMode => {
                format!("volumeMode {} is not {}", v.volume_mode, want.volume_mode)
            }
            Mismatch::Class => {
                let class = want.class;
                if v.class.is_empty() {
                    format!("it has no storage class, the claim wants {class}")
                } else if class.is_empty() {
                    format!("storage class {} is not the claim's (none)", v.class)
                } else {
                    format!("storage class {} is not {class}", v.class)
                }
            }
            Mismatch::Selector => format!(
                "its labels do not match the selector {}",
                want.selector.map(Selector::describe).unwrap_or_default()
            ),
        })
        .collect()
}

fn join(modes: &BTreeSet<&str>) -> String {
    if modes.is_empty() {
        "(none)".to_owned()
    } else {
        modes.iter().copied().collect::<Vec<_>>().join(", ")
    }
}

/// Runs the simulation over the whole graph, once per apply unit: the claims of a unit
/// bind among the PVs and StorageClasses that unit sees (staging's claims never take
/// prod's volumes).
pub fn bind(graph: &Graph) -> Binding<'_> {
    let claims = claims(graph);
    let volumes = volumes(graph);
    // The claims of each unit, units in the order their first claim comes. Context claims
    // are in the cluster already: they come first in every unit's simulation.
    let context: Vec<usize> = (0..claims.len())
        .filter(|&ci| claims[ci].object.context)
        .collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<Membership, usize> = HashMap::new();
    for (ci, c) in claims.iter().enumerate() {
        if c.object.context {
            continue;
        }
        let g = *group_of
            .entry(graph.membership(c.object.id))
            .or_insert_with(|| {
                groups.push(context.clone());
                groups.len() - 1
            });
        groups[g].push(ci);
    }
    if groups.is_empty() && !context.is_empty() {
        groups.push(context.clone());
    }
    // The unit's own first claim sees what the unit sees.
    let viewers: Vec<Membership> = groups
        .iter()
        .map(|members| {
            let first = members.get(context.len()).copied().unwrap_or(members[0]);
            graph.membership(claims[first].object.id)
        })
        .collect();
    let pools = Pools::new(graph, &volumes, &viewers);
    let mut outcomes: Vec<Outcome> = vec![Outcome::Provisioned; claims.len()];
    let mut ref_conflicts = Vec::new();
    let mut known_conflicts = HashSet::new();
    for (g, members) in groups.iter().enumerate() {
        let view = pools.view(graph, viewers[g]);
        let unit_claims: Vec<&Claim<'_>> = members.iter().map(|&ci| &claims[ci]).collect();
        let (unit_outcomes, conflicts) = simulate(&unit_claims, &volumes, &view);
        for (i, outcome) in unit_outcomes.into_iter().enumerate() {
            // A context claim's outcome is the same in every unit: taken from the first.
            if i < context.len() && g > 0 {
                continue;
            }
            outcomes[members[i]] = outcome.remap(members);
        }
        for (vi, ci) in conflicts {
            let pair = (vi, members[ci]);
            // A context claim's conflict comes back from every unit: kept once, found by
            // hashing rather than by searching every conflict kept so far.
            if known_conflicts.insert(pair) {
                ref_conflicts.push(pair);
            }
        }
    }
    Binding {
        claims,
        volumes,
        outcomes,
        ref_conflicts,
    }
}

impl Outcome {
    /// The outcome with a unit's claim indexes turned into the run's.
    fn remap(self, claims: &[usize]) -> Outcome {
        match self {
            Outcome::VolumeTaken(v, c) => Outcome::VolumeTaken(v, c.map(|c| claims[c])),
            Outcome::Taken(v, c) => Outcome::Taken(v, claims[c]),
            other => other,
        }
    }
}

/// The key a claimRef names a claim by.
fn claim_key<'c>(c: &'c Claim<'_>) -> (&'c str, &'c str) {
    (c.namespace.unwrap_or("default"), c.name.as_str())
}

/// The simulation over one unit's claims and the volumes and classes it sees: each
/// claim's outcome, and the claimRef conflicts, with the run's volume indexes and the
/// unit's claim indexes.
fn simulate(
    claims: &[&Claim<'_>],
    volumes: &[Volume<'_>],
    view: &View<'_, '_>,
) -> (Vec<Outcome>, Vec<(usize, usize)>) {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; claims.len()];

    // The first claim of each key: the one a claimRef reserves a PV for.
    let claim_index: HashMap<(&str, &str), usize> = claims
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (claim_key(c), i))
        .collect();
    // Who a PV is reserved for by its claimRef: Some(claim) in the inputs, None outside.
    let reserved = |vi: usize| -> Option<Option<usize>> {
        volumes[vi]
            .claim_ref
            .map(|key| claim_index.get(&key).copied())
    };
    // The PVs reserved for a claim, ascending.
    let reserved_for = |ci: usize| -> Vec<usize> {
        let key = claim_key(claims[ci]);
        if claim_index.get(&key) == Some(&ci) {
            view.reserved_for(key)
        } else {
            Vec::new()
        }
    };
    let mut taken = Taken::default();

    // Pre-bound claims first.
    for (ci, c) in claims.iter().enumerate() {
        let Some(vname) = c.volume_name() else {
            continue;
        };
        let Some(vi) = view.named(vname) else {
            outcomes[ci] = Some(if c.bound_in_cluster() {
                Outcome::Provisioned
            } else {
                Outcome::VolumeMissing
            });
            continue;
        };
        let v = &volumes[vi];
        let outcome = match (reserved(vi), taken.by(vi)) {
            (_, Some(other)) => Outcome::VolumeTaken(vi, Some(other)),
            (Some(owner), _) if owner != Some(ci) => Outcome::VolumeTaken(vi, owner),
            _ => {
                let class = effective_class(c, view).0;
                let modes = c.access_modes();
                // checkVolumeSatisfyClaim: no selector and no phase check.
                let want = Want {
                    class: &class,
                    modes: &modes,
                    volume_mode: c.volume_mode(),
                    request: c.request().map(|q| q.value_ceil()),
                    selector: None,
                };
                let why = misfit(v, c, &want);
                if why.is_empty() {
                    taken.take(vi, ci);
                    Outcome::Bound(vi)
                } else {
                    Outcome::VolumeMismatch(vi, why)
                }
            }
        };
        outcomes[ci] = Some(outcome);
    }
    // A PV reserved for a claim that names another PV.
    let mut ref_conflicts: Vec<(usize, usize)> = claim_index
        .values()
        .filter_map(|&ci| Some((ci, claims[ci].volume_name()?)))
        .flat_map(|(ci, name)| {
            reserved_for(ci)
                .into_iter()
                .filter(move |&vi| volumes[vi].object.name != name)
                .map(move |vi| (vi, ci))
        })
        .collect();
    ref_conflicts.sort_unstable();

    // Mode groups: every distinct access-mode set among the PVs, smallest first.
    let groups = view.mode_groups();
    let mut explained: HashSet<(usize, String)> = HashSet::new();

    for (ci, c) in claims.iter().enumerate() {
        if outcomes[ci].is_some() {
            continue;
        }
        if c.bound_in_cluster() {
            outcomes[ci] = Some(Outcome::Provisioned);
            continue;
        }
        let (class, class_known) = effective_class(c, view);
        let wanted = c.access_modes();
        let request = c.request().map(|q| q.value_ceil());
        let selector = c.selector();
        let mine = reserved_for(ci);
        let search = |taken: &mut Taken, ignore_taken: bool| -> Option<usize> {
            // A PV whose claimRef names this claim is returned once capacity and
            // volumeMode fit.
            let pre_bound = mine.iter().copied().find(|&vi| {
                let v = &volumes[vi];
                (ignore_taken || taken.by(vi).is_none())
                    && wanted.is_subset(&v.modes)
                    && holds(v, request)
                    && v.volume_mode == c.volume_mode()
            });
            if pre_bound.is_some() {
                return pre_bound;
            }
            // Free PVs by (class, volumeMode, access modes), smallest first (input order
            // on ties): a claim looks at its own buckets only, from the first PV big
            // enough.
            groups
                .iter()
                .filter(|&&g| wanted.is_subset(view.modes(g)))
                .find_map(|&g| {
                    view.smallest_fitting(
                        volumes,
                        (class.as_str(), c.volume_mode(), g),
                        request,
                        taken,
                        ignore_taken,
                        |vi| {
                            selector
                                .as_ref()
                                .is_none_or(|s| s.matches_opt(volumes[vi].object.labels()))
                        },
                    )
                })
        };
        let outcome = if let Some(vi) = search(&mut taken, false) {
            taken.take(vi, ci);
            Outcome::Bound(vi)
        } else {
            match static_reason(c, &class, class_known, view) {
                // Provisioning makes a PV for the claim.
                None => Outcome::Provisioned,
                Some(reason) => {
                    match search(&mut taken, true).and_then(|vi| Some((vi, taken.by(vi)?))) {
                        Some((vi, other)) => Outcome::Taken(vi, other),
                        None => {
                            // The reasons PVs do not fit are worked out once per claim
                            // template (a StatefulSet's ordinals share them).
                            let mut near: Vec<(usize, Vec<String>)> = Vec::new();
                            if explained
                                .insert((c.object.id.0 as usize, c.spec_at.as_str().to_owned()))
                            {
                                let want = Want {
                                    class: &class,
                                    modes: &wanted,
                                    volume_mode: c.volume_mode(),
                                    request,
                                    selector: selector.as_ref(),
                                };
                                near = view
                                    .nearest(volumes, &want, &mine)
                                    .into_iter()
                                    .map(|vi| (vi, misfit(&volumes[vi], c, &want)))
                                    .collect();
                            }
                            Outcome::Unbindable(reason.to_owned(), near)
                        }
                    }
                }
            }
        };
        outcomes[ci] = Some(outcome);
    }
    let outcomes = outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Provisioned))
        .collect();
    (outcomes, ref_conflicts)
}

/// The class a claim binds with, and whether it is known rather than assumed: as
/// written; unset means the default StorageClass of the inputs. Without one, the
/// cluster's default is unknown (StorageClasses in the inputs do not say the cluster has
/// no default): `""` is used to look for a PV, and provisioning is assumed to cover the
/// rest.
fn effective_class(c: &Claim<'_>, view: &View<'_, '_>) -> (String, bool) {
    match c.class() {
        ClassSpec::Set(name, _) => (name, true),
        ClassSpec::Unset => match view.default {
            Some(d) => (d.to_owned(), true),
            None => (String::new(), false),
        },
    }
}

/// Why a claim can only bind to an existing PV, or `None` when provisioning can make one.
fn static_reason(
    c: &Claim<'_>,
    class: &str,
    class_known: bool,
    view: &View<'_, '_>,
) -> Option<&'static str> {
    if c.selector().is_some() {
        Some("it has a selector, which dynamic provisioning does not support")
    } else if class.is_empty() && class_known {
        Some("storageClassName \"\" allows only static binding")
    } else if view.static_only(class) {
        Some("its StorageClass uses kubernetes.io/no-provisioner: volumes must be created by hand")
    } else if !class.is_empty()
        && !view.no_classes()
        && !view.has_class(class)
        && view.on_volumes(class)
    {
        // The inputs define the StorageClasses (the set is then known) and this is none
        // of them: only the PVs that carry it can serve the claim.
        Some(
            "its storage class is no StorageClass of the inputs, only a class of PersistentVolumes: it binds only statically",
        )
    } else {
        None
    }
}
