//! The PersistentVolume controller's binding, simulated over the inputs (§C.5): claims
//! pre-bound by `volumeName` first, then every other claim in a fixed order takes the
//! smallest fitting PV of the smallest fitting access-mode group. The order is the one
//! `claims::claims` gives: context claims (already in the cluster), then the inputs in
//! file and document order, a StatefulSet's claims ordinal by ordinal. The controller's
//! own order is its informer's; creation order is what `kubectl apply` of the inputs
//! approximates.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::graph::Graph;
use crate::graph::units::Membership;
use crate::model::Object;

use super::claims::{Claim, ClassSpec, Volume, claims, volumes};

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

/// What is known about StorageClasses.
struct Classes<'a> {
    names: HashSet<&'a str>,
    /// Classes that never provision (`kubernetes.io/no-provisioner`).
    static_only: HashSet<&'a str>,
    default: Option<&'a str>,
    /// Classes carried by some PV.
    on_volumes: HashSet<&'a str>,
}

impl<'a> Classes<'a> {
    fn new(graph: &'a Graph, viewer: &'a Object, volumes: &[Volume<'a>]) -> Classes<'a> {
        let all: Vec<&Object> = graph
            .of_kind_seen_by(viewer, "storage.k8s.io", "StorageClass")
            .collect();
        let is_default = |o: &Object| {
            o.annotations().is_some_and(|a| {
                [
                    "storageclass.kubernetes.io/is-default-class",
                    "storageclass.beta.kubernetes.io/is-default-class",
                ]
                .iter()
                .any(|k| a.get(*k).and_then(Value::as_str) == Some("true"))
            })
        };
        // Several defaults: the newest wins, ties by name (§C.6).
        let default = all
            .iter()
            .filter(|o| is_default(o))
            .max_by(|a, b| {
                let ts = |o: &Object| {
                    o.at("/metadata/creationTimestamp")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                };
                ts(a).cmp(&ts(b)).then_with(|| b.name.cmp(&a.name))
            })
            .map(|o| o.name.as_str());
        Classes {
            names: all.iter().map(|o| o.name.as_str()).collect(),
            static_only: all
                .iter()
                .filter(|o| {
                    o.at("/provisioner").and_then(Value::as_str)
                        == Some("kubernetes.io/no-provisioner")
                })
                .map(|o| o.name.as_str())
                .collect(),
            default,
            on_volumes: volumes.iter().map(|v| v.class).collect(),
        }
    }
}

/// Why a PV does not fit a claim, checked as `FindMatchingVolume` and
/// `checkVolumeSatisfyClaim` do; empty when it fits. `class` is the claim's effective class.
fn misfit(v: &Volume<'_>, c: &Claim<'_>, class: &str, check_selector: bool) -> Vec<String> {
    let mut why = Vec::new();
    let wanted = c.access_modes();
    if !wanted.is_subset(&v.modes) {
        why.push(format!(
            "access modes {} do not include {}",
            join(&v.modes),
            join(&wanted)
        ));
    }
    if let (Some(cap), Some(req)) = (&v.capacity, c.request()) {
        // The controller compares whole units, rounded up.
        if cap.value_ceil() < req.value_ceil() {
            why.push(format!("capacity {cap} is less than the requested {req}"));
        }
    } else if v.capacity.is_none() {
        why.push("it has no readable capacity".to_owned());
    }
    if v.volume_mode != c.volume_mode() {
        why.push(format!(
            "volumeMode {} is not {}",
            v.volume_mode,
            c.volume_mode()
        ));
    }
    if v.class != class {
        why.push(if v.class.is_empty() {
            format!("it has no storage class, the claim wants {class}")
        } else if class.is_empty() {
            format!("storage class {} is not the claim's (none)", v.class)
        } else {
            format!("storage class {} is not {class}", v.class)
        });
    }
    if check_selector {
        if let Some(sel) = c.selector() {
            if !sel.matches_opt(v.object.labels()) {
                why.push(format!(
                    "its labels do not match the selector {}",
                    sel.describe()
                ));
            }
        }
    }
    why
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
    let mut outcomes: Vec<Outcome> = vec![Outcome::Provisioned; claims.len()];
    let mut ref_conflicts = Vec::new();
    let mut known_conflicts = std::collections::HashSet::new();
    for (g, members) in groups.iter().enumerate() {
        // The unit's own first claim sees what the unit sees.
        let viewer = claims[members.get(context.len()).copied().unwrap_or(members[0])].object;
        let seen: Vec<usize> = (0..volumes.len())
            .filter(|&vi| graph.sees(viewer.id, volumes[vi].object.id))
            .collect();
        let unit_claims: Vec<Claim<'_>> = members.iter().map(|&ci| claims[ci].clone()).collect();
        let unit_volumes: Vec<Volume<'_>> = seen.iter().map(|&vi| volumes[vi].clone()).collect();
        let classes = Classes::new(graph, viewer, &unit_volumes);
        let (unit_outcomes, conflicts) = simulate(&unit_claims, &unit_volumes, &classes);
        for (i, outcome) in unit_outcomes.into_iter().enumerate() {
            // A context claim's outcome is the same in every unit: taken from the first.
            if i < context.len() && g > 0 {
                continue;
            }
            outcomes[members[i]] = outcome.remap(&seen, members);
        }
        for (vi, ci) in conflicts {
            let pair = (seen[vi], members[ci]);
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
    /// The outcome with a unit's volume and claim indexes turned into the run's.
    fn remap(self, volumes: &[usize], claims: &[usize]) -> Outcome {
        match self {
            Outcome::Bound(v) => Outcome::Bound(volumes[v]),
            Outcome::VolumeMismatch(v, why) => Outcome::VolumeMismatch(volumes[v], why),
            Outcome::VolumeTaken(v, c) => Outcome::VolumeTaken(volumes[v], c.map(|c| claims[c])),
            Outcome::Taken(v, c) => Outcome::Taken(volumes[v], claims[c]),
            Outcome::Unbindable(why, near) => Outcome::Unbindable(
                why,
                near.into_iter().map(|(v, w)| (volumes[v], w)).collect(),
            ),
            other @ (Outcome::Provisioned | Outcome::VolumeMissing) => other,
        }
    }
}

/// The simulation over one unit's claims and the volumes and classes it sees: each
/// claim's outcome, and the claimRef conflicts, as indexes into the slices given.
fn simulate(
    claims: &[Claim<'_>],
    volumes: &[Volume<'_>],
    classes: &Classes<'_>,
) -> (Vec<Outcome>, Vec<(usize, usize)>) {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; claims.len()];

    let claim_index: HashMap<(&str, &str), usize> = claims
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| ((c.namespace.unwrap_or("default"), c.name.as_str()), i))
        .collect();
    let volume_index: HashMap<&str, usize> = volumes
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| (v.object.name.as_str(), i))
        .collect();
    // Who a PV is reserved for by its claimRef: Some(claim) in the inputs, None outside.
    let reserved: Vec<Option<Option<usize>>> = volumes
        .iter()
        .map(|v| v.claim_ref.map(|key| claim_index.get(&key).copied()))
        .collect();
    let mut taken_by: Vec<Option<usize>> = vec![None; volumes.len()];
    let mut ref_conflicts = Vec::new();

    // Pre-bound claims first.
    for (ci, c) in claims.iter().enumerate() {
        let Some(vname) = c.volume_name() else {
            continue;
        };
        let Some(&vi) = volume_index.get(vname) else {
            outcomes[ci] = Some(if c.bound_in_cluster() {
                Outcome::Provisioned
            } else {
                Outcome::VolumeMissing
            });
            continue;
        };
        let v = &volumes[vi];
        let outcome = match (reserved[vi], taken_by[vi]) {
            (_, Some(other)) => Outcome::VolumeTaken(vi, Some(other)),
            (Some(owner), _) if owner != Some(ci) => Outcome::VolumeTaken(vi, owner),
            _ => {
                let class = effective_class(c, classes).0;
                // checkVolumeSatisfyClaim: no selector and no phase check.
                let why = misfit(v, c, &class, false);
                if why.is_empty() {
                    taken_by[vi] = Some(ci);
                    Outcome::Bound(vi)
                } else {
                    Outcome::VolumeMismatch(vi, why)
                }
            }
        };
        outcomes[ci] = Some(outcome);
    }
    // A PV reserved for a claim that names another PV.
    for (vi, r) in reserved.iter().enumerate() {
        if let Some(Some(ci)) = r {
            if claims[*ci]
                .volume_name()
                .is_some_and(|n| n != volumes[vi].object.name)
            {
                ref_conflicts.push((vi, *ci));
            }
        }
    }

    // Mode groups: every distinct access-mode set among the PVs, smallest first.
    let mut groups: Vec<BTreeSet<&str>> = Vec::new();
    for v in volumes {
        if !groups.contains(&v.modes) {
            groups.push(v.modes.clone());
        }
    }
    groups.sort_by_key(BTreeSet::len);
    // Free PVs by (class, volumeMode, access modes), smallest first (input order on
    // ties): a claim looks at its own buckets only, so binding stays linear in practice.
    let mut buckets: HashMap<(&str, &str, &BTreeSet<&str>), Vec<usize>> = HashMap::new();
    let mut reserved_for: HashMap<usize, Vec<usize>> = HashMap::new();
    for (vi, v) in volumes.iter().enumerate() {
        match reserved[vi] {
            Some(Some(ci)) => reserved_for.entry(ci).or_default().push(vi),
            Some(None) => {}
            None if v.capacity.is_some() && v.available() => buckets
                .entry((v.class, v.volume_mode, &v.modes))
                .or_default()
                .push(vi),
            None => {}
        }
    }
    for list in buckets.values_mut() {
        list.sort_by(|a, b| {
            volumes[*a]
                .capacity
                .cmp(&volumes[*b].capacity)
                .then(a.cmp(b))
        });
    }
    let mut explained: HashSet<(usize, String)> = HashSet::new();

    for (ci, c) in claims.iter().enumerate() {
        if outcomes[ci].is_some() {
            continue;
        }
        if c.bound_in_cluster() {
            outcomes[ci] = Some(Outcome::Provisioned);
            continue;
        }
        let (class, class_known) = effective_class(c, classes);
        let wanted = c.access_modes();
        let request = c.request().map(|q| q.value_ceil());
        let fits_size = |v: &Volume<'_>| match (&v.capacity, request) {
            (Some(cap), Some(req)) => cap.value_ceil() >= req,
            (cap, None) => cap.is_some(),
            (None, _) => false,
        };
        let selector = c.selector();
        let search = |taken_by: &[Option<usize>], ignore_taken: bool| -> Option<usize> {
            let free = |vi: usize| ignore_taken || taken_by[vi].is_none();
            // A PV whose claimRef names this claim is returned once capacity and
            // volumeMode fit.
            let pre_bound = reserved_for
                .get(&ci)
                .into_iter()
                .flatten()
                .copied()
                .find(|&vi| {
                    let v = &volumes[vi];
                    free(vi)
                        && wanted.is_subset(&v.modes)
                        && fits_size(v)
                        && v.volume_mode == c.volume_mode()
                });
            if pre_bound.is_some() {
                return pre_bound;
            }
            for g in groups.iter().filter(|g| wanted.is_subset(g)) {
                let Some(list) = buckets.get(&(class.as_str(), c.volume_mode(), g)) else {
                    continue;
                };
                let found = list.iter().copied().find(|&vi| {
                    let v = &volumes[vi];
                    free(vi)
                        && fits_size(v)
                        && selector
                            .as_ref()
                            .is_none_or(|s| s.matches_opt(v.object.labels()))
                });
                if found.is_some() {
                    return found;
                }
            }
            None
        };
        let outcome = if let Some(vi) = search(&taken_by, false) {
            taken_by[vi] = Some(ci);
            Outcome::Bound(vi)
        } else {
            match static_reason(c, &class, class_known, classes) {
                // Provisioning makes a PV for the claim.
                None => Outcome::Provisioned,
                Some(reason) => {
                    match search(&taken_by, true).and_then(|vi| Some((vi, taken_by[vi]?))) {
                        Some((vi, other)) => Outcome::Taken(vi, other),
                        None => {
                            // The reasons PVs do not fit are worked out once per claim
                            // template (a StatefulSet's ordinals share them).
                            let mut near: Vec<(usize, Vec<String>)> = Vec::new();
                            if explained
                                .insert((c.object.id.0 as usize, c.spec_at.as_str().to_owned()))
                            {
                                near = volumes
                                .iter()
                                .enumerate()
                                .filter(|(vi, _)| !matches!(reserved[*vi], Some(o) if o != Some(ci)))
                                .map(|(vi, v)| (vi, misfit(v, c, &class, true)))
                                .filter(|(_, why)| !why.is_empty())
                                .collect();
                                near.sort_by_key(|(vi, why)| (why.len(), *vi));
                                near.truncate(3);
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
fn effective_class(c: &Claim<'_>, classes: &Classes<'_>) -> (String, bool) {
    match c.class() {
        ClassSpec::Set(name, _) => (name, true),
        ClassSpec::Unset => match classes.default {
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
    classes: &Classes<'_>,
) -> Option<&'static str> {
    if c.selector().is_some() {
        Some("it has a selector, which dynamic provisioning does not support")
    } else if class.is_empty() && class_known {
        Some("storageClassName \"\" allows only static binding")
    } else if classes.static_only.contains(class) {
        Some("its StorageClass uses kubernetes.io/no-provisioner: volumes must be created by hand")
    } else if !class.is_empty()
        && !classes.names.is_empty()
        && !classes.names.contains(class)
        && classes.on_volumes.contains(class)
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
