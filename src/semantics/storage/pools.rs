//! The PersistentVolumes and StorageClasses of a run, split into the pieces that apply
//! units are made of and indexed for the binder, so that a unit's simulation costs what
//! its own claims touch, not every volume it sees:
//!
//! - a unit sees the objects seen everywhere (`--context`), those of its declared unit,
//!   those of its folder and of every folder above it, and those of the folders below it
//!   ([`Units::sees`](crate::graph::units::Units::sees)): one piece each, built once and
//!   shared by every unit that sees it (ten thousand overlays of one base share the
//!   base's piece);
//! - within a piece, the free volumes are bucketed by what a claim must equal (class,
//!   volumeMode, access modes) and ordered by capacity, so a claim starts at the first
//!   volume big enough and skips the ones taken through a per-unit jump table;
//! - the volumes shown to a claim no volume fits (its nearest misses) are found per
//!   signature (class, volumeMode, access modes): inside one, only the capacity and the
//!   selector tell volumes apart, and the capacity order answers the first.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::base::value::Value;

use crate::graph::Graph;
use crate::graph::units::{DeclaredId, Membership, UnitId};
use crate::model::{Object, Selector};

use super::claims::Volume;

/// A part of what units see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Piece {
    /// Everything: what a context claim sees.
    All,
    /// Objects seen by every unit.
    Everywhere,
    /// The members of a declared unit.
    Declared(DeclaredId),
    /// The objects of one folder unit itself.
    At(UnitId),
    /// The objects of the folder units strictly below one.
    Below(UnitId),
}

/// The pieces a membership sees.
fn pieces(graph: &Graph, m: Membership) -> Vec<Piece> {
    if m.everywhere {
        return vec![Piece::All];
    }
    let mut out = vec![Piece::Everywhere, Piece::Below(m.unit)];
    out.extend(m.declared.map(Piece::Declared));
    out.extend(graph.units.ancestors(m.unit).map(Piece::At));
    out
}

/// No more than three volume indexes, smallest first (`usize::MAX` for none).
type Three = [usize; 3];

const NONE: Three = [usize::MAX; 3];

fn add(three: &mut Three, vi: usize) {
    if vi < three[2] {
        three[2] = vi;
        three.sort_unstable();
    }
}

fn merged(a: &Three, b: &Three) -> Three {
    let mut out = *a;
    for &vi in b {
        add(&mut out, vi);
    }
    out
}

/// The volumes of a piece that are reserved for no claim and share a class,
/// volumeMode and access-mode set: what a claim's nearest misses are drawn from.
#[derive(Debug)]
struct Signature<'a> {
    class: &'a str,
    volume_mode: &'a str,
    modes: usize,
    /// Every volume, ascending.
    all: Vec<usize>,
    /// The volumes with a capacity, by capacity then index.
    sized: Vec<usize>,
    /// `below[i]`: the three smallest indexes of `sized[..i]`.
    below: Vec<Three>,
    /// `from[i]`: the three smallest indexes of `sized[i..]`.
    from: Vec<Three>,
    /// The three smallest indexes of the volumes without a capacity.
    no_capacity: Three,
}

/// What one piece holds, indexed.
#[derive(Debug, Default)]
pub struct Pool<'a> {
    /// The first volume of each name.
    names: HashMap<&'a str, usize>,
    /// The volumes whose claimRef names a claim, ascending.
    claim_refs: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Each access-mode set with its first volume.
    modes: Vec<(usize, usize)>,
    /// The classes the volumes carry.
    classes_on_volumes: HashSet<&'a str>,
    /// Where each bucket of free volumes is, by (class, volumeMode, access modes).
    bucket_of: HashMap<(&'a str, &'a str, usize), usize>,
    /// Free volumes (no claimRef, a capacity, available), by capacity then index.
    buckets: Vec<Vec<usize>>,
    /// By their first volume.
    signatures: Vec<Signature<'a>>,
    /// The StorageClasses' names.
    class_names: HashSet<&'a str>,
    /// Classes that never provision (`kubernetes.io/no-provisioner`).
    static_only: HashSet<&'a str>,
    /// The default class: the newest, ties by name (§C.6), with its creation time.
    default: Option<(&'a str, &'a str)>,
}

fn is_default(o: &Object) -> bool {
    o.annotations().is_some_and(|a| {
        [
            "storageclass.kubernetes.io/is-default-class",
            "storageclass.beta.kubernetes.io/is-default-class",
        ]
        .iter()
        .any(|k| a.get(k).and_then(Value::as_str) == Some("true"))
    })
}

/// Whether default `a` (creation time, name) wins over `b`: newer, else the smaller name.
fn beats(a: (&str, &str), b: (&str, &str)) -> bool {
    a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)) == std::cmp::Ordering::Greater
}

impl<'a> Pool<'a> {
    fn new(
        volumes: &[Volume<'a>],
        mode_of: &[usize],
        members: &[usize],
        classes: &[&'a Object],
    ) -> Pool<'a> {
        let mut pool = Pool::default();
        let mut signature_of: HashMap<(&str, &str, usize), usize> = HashMap::new();
        let mut modes_seen: HashSet<usize> = HashSet::new();
        for &vi in members {
            let v = &volumes[vi];
            pool.names.entry(v.object.name.as_str()).or_insert(vi);
            if modes_seen.insert(mode_of[vi]) {
                pool.modes.push((mode_of[vi], vi));
            }
            pool.classes_on_volumes.insert(v.class);
            if let Some(key) = v.claim_ref {
                pool.claim_refs.entry(key).or_default().push(vi);
                continue;
            }
            let key = (v.class, v.volume_mode, mode_of[vi]);
            if v.capacity.is_some() && v.available() {
                let next = pool.buckets.len();
                let b = *pool.bucket_of.entry(key).or_insert(next);
                if b == next {
                    pool.buckets.push(Vec::new());
                }
                pool.buckets[b].push(vi);
            }
            let next = pool.signatures.len();
            let s = *signature_of.entry(key).or_insert(next);
            if s == next {
                pool.signatures.push(Signature {
                    class: v.class,
                    volume_mode: v.volume_mode,
                    modes: mode_of[vi],
                    all: Vec::new(),
                    sized: Vec::new(),
                    below: Vec::new(),
                    from: Vec::new(),
                    no_capacity: NONE,
                });
            }
            let sig = &mut pool.signatures[s];
            sig.all.push(vi);
            match v.capacity {
                Some(_) => sig.sized.push(vi),
                None => add(&mut sig.no_capacity, vi),
            }
        }
        let by_capacity = |a: &usize, b: &usize| {
            volumes[*a]
                .capacity
                .cmp(&volumes[*b].capacity)
                .then(a.cmp(b))
        };
        for list in &mut pool.buckets {
            list.sort_by(by_capacity);
        }
        for sig in &mut pool.signatures {
            sig.sized.sort_by(by_capacity);
            sig.below = std::iter::once(NONE)
                .chain(sig.sized.iter().scan(NONE, |three, &vi| {
                    add(three, vi);
                    Some(*three)
                }))
                .collect();
            sig.from = sig
                .sized
                .iter()
                .rev()
                .scan(NONE, |three, &vi| {
                    add(three, vi);
                    Some(*three)
                })
                .collect();
            sig.from.reverse();
            sig.from.push(NONE);
        }
        for &o in classes {
            pool.class_names.insert(o.name.as_str());
            if o.at("/provisioner").and_then(Value::as_str) == Some("kubernetes.io/no-provisioner")
            {
                pool.static_only.insert(o.name.as_str());
            }
            if is_default(o) {
                let ts = o
                    .at("/metadata/creationTimestamp")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let candidate = (o.name.as_str(), ts);
                if pool.default.is_none_or(|d| !beats(d, candidate)) {
                    pool.default = Some(candidate);
                }
            }
        }
        pool
    }
}

/// Every piece some unit of the run sees, built once.
#[derive(Debug)]
pub struct Pools<'a> {
    pools: HashMap<Piece, Pool<'a>>,
    /// Every distinct access-mode set.
    modes: Vec<BTreeSet<&'a str>>,
}

impl<'a> Pools<'a> {
    /// The pieces the `viewers` see, over the run's volumes and StorageClasses.
    pub fn new(graph: &'a Graph, volumes: &[Volume<'a>], viewers: &[Membership]) -> Pools<'a> {
        let mut modes: Vec<BTreeSet<&'a str>> = Vec::new();
        let mut mode_ids: HashMap<&BTreeSet<&'a str>, usize> = HashMap::new();
        let mode_of: Vec<usize> = volumes
            .iter()
            .map(|v| {
                *mode_ids.entry(&v.modes).or_insert_with(|| {
                    modes.push(v.modes.clone());
                    modes.len() - 1
                })
            })
            .collect();
        let wanted: HashSet<Piece> = viewers.iter().flat_map(|&m| pieces(graph, m)).collect();
        let viewer_units: HashSet<UnitId> = viewers.iter().map(|m| m.unit).collect();
        // The pieces an object is in, among those some viewer sees.
        let pieces_of = |m: Membership| {
            let mut out = vec![Piece::All, Piece::At(m.unit)];
            if m.everywhere {
                out.push(Piece::Everywhere);
            }
            out.extend(m.declared.map(Piece::Declared));
            out.extend(
                graph
                    .units
                    .ancestors(m.unit)
                    .skip(1)
                    .filter(|u| viewer_units.contains(u))
                    .map(Piece::Below),
            );
            out.retain(|p| wanted.contains(p));
            out
        };
        let mut members: HashMap<Piece, (Vec<usize>, Vec<&'a Object>)> = HashMap::new();
        for (vi, v) in volumes.iter().enumerate() {
            for p in pieces_of(graph.membership(v.object.id)) {
                members.entry(p).or_default().0.push(vi);
            }
        }
        for o in graph.of_kind("storage.k8s.io", "StorageClass") {
            for p in pieces_of(graph.membership(o.id)) {
                members.entry(p).or_default().1.push(o);
            }
        }
        let pools = members
            .into_iter()
            .map(|(p, (vis, classes))| (p, Pool::new(volumes, &mode_of, &vis, &classes)))
            .collect();
        Pools { pools, modes }
    }

    /// What a membership sees.
    pub fn view<'p>(&'p self, graph: &Graph, m: Membership) -> View<'p, 'a> {
        let pools: Vec<&Pool<'a>> = pieces(graph, m)
            .into_iter()
            .filter_map(|p| self.pools.get(&p))
            .collect();
        let default = pools
            .iter()
            .filter_map(|p| p.default)
            .reduce(|a, b| if beats(b, a) { b } else { a })
            .map(|(name, _)| name);
        View {
            pools,
            default,
            modes: &self.modes,
        }
    }
}

/// The volumes and StorageClasses one unit sees.
#[derive(Debug)]
pub struct View<'p, 'a> {
    pools: Vec<&'p Pool<'a>>,
    /// The default StorageClass.
    pub default: Option<&'a str>,
    modes: &'p [BTreeSet<&'a str>],
}

/// What a claim asks of a volume, for the nearest misses.
pub struct Want<'w> {
    /// The claim's effective class.
    pub class: &'w str,
    /// The access modes it requests.
    pub modes: &'w BTreeSet<&'w str>,
    /// Its volumeMode.
    pub volume_mode: &'w str,
    /// The request in whole units, rounded up.
    pub request: Option<i128>,
    /// Its selector, if any.
    pub selector: Option<&'w Selector>,
}

/// One way a volume fails what a claim wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    AccessModes,
    /// Too small, or no readable capacity.
    Capacity,
    VolumeMode,
    Class,
    Selector,
}

/// Whether a volume holds a request (`None`: no request): the controller compares whole
/// units, rounded up; a volume without a readable capacity holds nothing.
pub fn holds(v: &Volume<'_>, request: Option<i128>) -> bool {
    match (&v.capacity, request) {
        (Some(cap), Some(req)) => cap.value_ceil() >= req,
        (cap, None) => cap.is_some(),
        (None, _) => false,
    }
}

impl Want<'_> {
    /// The ways `v` fails the claim, in the order findings give them (the selector only
    /// when the want has one).
    pub fn mismatches(&self, v: &Volume<'_>) -> impl Iterator<Item = Mismatch> {
        [
            (Mismatch::AccessModes, !self.modes.is_subset(&v.modes)),
            (Mismatch::Capacity, !holds(v, self.request)),
            (Mismatch::VolumeMode, v.volume_mode != self.volume_mode),
            (Mismatch::Class, v.class != self.class),
            (
                Mismatch::Selector,
                self.selector
                    .is_some_and(|s| !s.matches_opt(v.object.labels())),
            ),
        ]
        .into_iter()
        .filter_map(|(m, failed)| failed.then_some(m))
    }
}

/// How many ways a volume fails what a claim wants.
pub fn misses(v: &Volume<'_>, w: &Want<'_>) -> usize {
    w.mismatches(v).count()
}

/// The taken volumes of one unit's simulation, and where a bucket's next untaken volume
/// may be: a jump table, so that a claim never walks the volumes earlier claims took.
#[derive(Debug, Default)]
pub struct Taken {
    by: HashMap<usize, usize>,
    jump: HashMap<(usize, usize, usize), usize>,
}

impl Taken {
    /// The claim that took a volume.
    pub fn by(&self, vi: usize) -> Option<usize> {
        self.by.get(&vi).copied()
    }

    /// Marks a volume taken by a claim.
    pub fn take(&mut self, vi: usize, ci: usize) {
        self.by.insert(vi, ci);
    }

    /// The first position from `pos` in a bucket whose volume is not taken.
    fn next_free(&mut self, bucket: (usize, usize), list: &[usize], mut pos: usize) -> usize {
        let mut passed = Vec::new();
        while let Some(&next) = self.jump.get(&(bucket.0, bucket.1, pos)) {
            passed.push(pos);
            pos = next;
        }
        while list.get(pos).is_some_and(|vi| self.by.contains_key(vi)) {
            passed.push(pos);
            pos += 1;
        }
        for p in passed {
            self.jump.insert((bucket.0, bucket.1, p), pos);
        }
        pos
    }
}

impl<'a> View<'_, 'a> {
    /// The first volume of this name.
    pub fn named(&self, name: &str) -> Option<usize> {
        self.pools
            .iter()
            .filter_map(|p| p.names.get(name))
            .min()
            .copied()
    }

    /// The volumes whose claimRef names this claim, ascending.
    pub fn reserved_for(&self, key: (&str, &str)) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .pools
            .iter()
            .filter_map(|p| p.claim_refs.get(&key))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every access-mode set of the volumes, smallest first, then in the order of their
    /// first volume.
    pub fn mode_groups(&self) -> Vec<usize> {
        let mut first: HashMap<usize, usize> = HashMap::new();
        for &(m, vi) in self.pools.iter().flat_map(|p| &p.modes) {
            let at = first.entry(m).or_insert(vi);
            *at = (*at).min(vi);
        }
        let mut groups: Vec<(usize, usize)> = first.into_iter().collect();
        groups.sort_by_key(|&(m, vi)| (self.modes[m].len(), vi));
        groups.into_iter().map(|(m, _)| m).collect()
    }

    /// The access-mode set of an id.
    pub fn modes(&self, id: usize) -> &BTreeSet<&'a str> {
        &self.modes[id]
    }

    /// The smallest free volume (by capacity, then index) of a bucket that holds at least
    /// `request` units and that `accept` takes; `ignore_taken` looks at taken ones too.
    pub fn smallest_fitting(
        &self,
        volumes: &[Volume<'_>],
        key: (&str, &str, usize),
        request: Option<i128>,
        taken: &mut Taken,
        ignore_taken: bool,
        accept: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (p, pool) in self.pools.iter().enumerate() {
            let Some(&b) = pool.bucket_of.get(&key) else {
                continue;
            };
            let list = &pool.buckets[b];
            let mut pos = match request {
                Some(req) => list.partition_point(|&vi| {
                    volumes[vi]
                        .capacity
                        .as_ref()
                        .is_none_or(|c| c.value_ceil() < req)
                }),
                None => 0,
            };
            let found = loop {
                if !ignore_taken {
                    pos = taken.next_free((p, b), list, pos);
                }
                match list.get(pos) {
                    None => break None,
                    Some(&vi) if accept(vi) => break Some(vi),
                    Some(_) => pos += 1,
                }
            };
            let order = |vi: usize| (&volumes[vi].capacity, vi);
            if let Some(vi) = found {
                if best.is_none_or(|b| order(vi) < order(b)) {
                    best = Some(vi);
                }
            }
        }
        best
    }

    /// The three volumes, unreserved or in `reserved` (those reserved for the claim), that
    /// miss the fewest of the claim's wishes without fitting it, fewest first, then in
    /// input order.
    pub fn nearest(
        &self,
        volumes: &[Volume<'_>],
        want: &Want<'_>,
        reserved: &[usize],
    ) -> Vec<usize> {
        // (misses, index), smallest first, no index twice.
        let mut best: Vec<(usize, usize)> = Vec::new();
        fn offer(best: &mut Vec<(usize, usize)>, misses: usize, vi: usize) {
            if misses == 0 || vi == usize::MAX || best.iter().any(|&(_, b)| b == vi) {
                return;
            }
            best.push((misses, vi));
            best.sort_unstable();
            best.truncate(3);
        }
        for &vi in reserved {
            offer(&mut best, misses(&volumes[vi], want), vi);
        }
        for pool in &self.pools {
            for sig in &pool.signatures {
                // Nothing in this or a later signature (first volume no earlier, at least
                // one miss) can beat a full list.
                if best.len() == 3 && best[2] <= (1, sig.all[0]) {
                    break;
                }
                if want.selector.is_some() {
                    // Labels tell volumes of one signature apart: each is asked.
                    for &vi in &sig.all {
                        offer(&mut best, misses(&volumes[vi], want), vi);
                    }
                    continue;
                }
                let base = usize::from(!want.modes.is_subset(&self.modes[sig.modes]))
                    + usize::from(sig.volume_mode != want.volume_mode)
                    + usize::from(sig.class != want.class);
                let split = match want.request {
                    Some(req) => sig.sized.partition_point(|&vi| {
                        volumes[vi]
                            .capacity
                            .as_ref()
                            .is_some_and(|c| c.value_ceil() < req)
                    }),
                    None => 0,
                };
                for vi in sig.from[split] {
                    offer(&mut best, base, vi);
                }
                for vi in merged(&sig.below[split], &sig.no_capacity) {
                    offer(&mut best, base + 1, vi);
                }
            }
        }
        best.into_iter().map(|(_, vi)| vi).collect()
    }

    /// Whether some StorageClass of the view has this name.
    pub fn has_class(&self, name: &str) -> bool {
        self.pools.iter().any(|p| p.class_names.contains(name))
    }

    /// The names of the view's StorageClasses, sorted.
    pub fn class_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&'a str> = self
            .pools
            .iter()
            .flat_map(|p| p.class_names.iter().copied())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Whether the view has no StorageClass.
    pub fn no_classes(&self) -> bool {
        self.pools.iter().all(|p| p.class_names.is_empty())
    }

    /// Whether a class of the view never provisions.
    pub fn static_only(&self, name: &str) -> bool {
        self.pools.iter().any(|p| p.static_only.contains(name))
    }

    /// Whether some volume of the view carries this class.
    pub fn on_volumes(&self, name: &str) -> bool {
        self.pools
            .iter()
            .any(|p| p.classes_on_volumes.contains(name))
    }
}
