//! Apply units: which objects of a run can see each other.
//!
//! A repository holds many things that are never applied together: `staging/` and
//! `prod/`, unrelated examples side by side, the overlays of one base. Cross-object rules
//! must resolve a reference only among the objects that reach the cluster in the same
//! apply. The model:
//!
//! - every object belongs to a *folder unit*: the folder of its file, or, for objects a
//!   kustomization builds, the kustomization's folder (wherever its bases live);
//! - two folder units see each other when one folder contains the other (a folder sees
//!   its own subfolders and the folders above it); siblings never do;
//! - a unit declared in the config (`units:`, by globs) joins its members whatever their
//!   folders: members of one declared unit always see each other;
//! - objects from `--context` are seen by every unit (and see every unit: they are not
//!   checked, but they answer lookups).
//!
//! The relation is symmetric but not transitive (`staging/` and `prod/` both see the
//! root, not each other), so it is a predicate asked per pair, never a partition.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::base::hash::FastMap;
use crate::load::{IgnoreGlobs, absolute};

/// A folder unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitId(pub u32);

/// A unit declared in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeclaredId(pub u32);

/// Where an object belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Membership {
    /// Its folder unit.
    pub unit: UnitId,
    /// The declared unit its file matches, if any.
    pub declared: Option<DeclaredId>,
    /// Seen by every unit: an object from `--context`.
    pub everywhere: bool,
}

impl Membership {
    /// A member of a folder unit, and of a declared unit when one matches.
    pub fn of(unit: UnitId, declared: Option<DeclaredId>) -> Membership {
        Membership {
            unit,
            declared,
            everywhere: false,
        }
    }
}

/// The units declared in the config (`units:`): a name and the globs of its members,
/// relative to the config file's folder.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    units: Vec<(String, IgnoreGlobs)>,
}

impl Declared {
    /// Adds a unit.
    pub fn push(&mut self, name: String, globs: IgnoreGlobs) {
        self.units.push((name, globs));
    }

    /// The first declared unit whose globs match the file or one of the folders above it
    /// (so that `apps/web` and `apps/web/**` both take in `apps/web/deploy.yaml`).
    pub fn of_path(&self, path: &Path) -> Option<&str> {
        self.units
            .iter()
            .find(|(_, globs)| path.ancestors().any(|p| globs.matches(p)))
            .map(|(name, _)| name.as_str())
    }

    /// Whether no unit is declared.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

#[derive(Debug)]
struct Folder {
    /// The folder, absolute and normalized (no `.` or `..`).
    dir: PathBuf,
    /// The name shown to users.
    name: String,
    /// The folder above, when it is a unit too (every ancestor is interned).
    parent: Option<UnitId>,
    depth: u32,
}

/// The folder units and declared units of a run.
#[derive(Debug, Default)]
pub struct Units {
    folders: Vec<Folder>,
    by_dir: HashMap<PathBuf, UnitId>,
    declared: Vec<String>,
    /// Where names are shown from: the current directory.
    cwd: PathBuf,
}

impl Units {
    /// An empty table; names are shown relative to `cwd` when they are below it.
    pub fn new(cwd: &Path) -> Units {
        Units {
            cwd: absolute(cwd),
            ..Units::default()
        }
    }

    /// The unit of a folder (given as the user gave it: relative to the current
    /// directory, or absolute), interning it and every folder above it.
    pub fn folder(&mut self, dir: &Path) -> UnitId {
        let dir = absolute(&self.cwd.join(dir));
        self.intern(dir)
    }

    fn intern(&mut self, dir: PathBuf) -> UnitId {
        if let Some(&id) = self.by_dir.get(&dir) {
            return id;
        }
        let parent = dir.parent().map(|p| self.intern(p.to_path_buf()));
        let depth = parent.map_or(0, |p| self.folders[p.0 as usize].depth + 1);
        let name = display_name(&self.cwd, &dir);
        let id = UnitId(self.folders.len() as u32);
        self.folders.push(Folder {
            dir: dir.clone(),
            name,
            parent,
            depth,
        });
        self.by_dir.insert(dir, id);
        id
    }

    /// Registers a declared unit by name and returns its id (the same id for the same
    /// name).
    pub fn declare(&mut self, name: &str) -> DeclaredId {
        if let Some(i) = self.declared.iter().position(|n| n == name) {
            return DeclaredId(i as u32);
        }
        self.declared.push(name.to_owned());
        DeclaredId(self.declared.len() as u32 - 1)
    }

    /// The name users see: the folder relative to the current directory (`.` for it), or
    /// absolute when it is elsewhere.
    pub fn name(&self, unit: UnitId) -> &str {
        &self.folders[unit.0 as usize].name
    }

    /// The name of the folder unit of `dir` (given as the user gave it), whether or not it
    /// is interned.
    pub fn name_of_dir(&self, dir: &Path) -> String {
        display_name(&self.cwd, &absolute(&self.cwd.join(dir)))
    }

    /// A declared unit's name.
    pub fn declared_name(&self, id: DeclaredId) -> &str {
        &self.declared[id.0 as usize]
    }

    /// The folder of a unit.
    pub fn dir(&self, unit: UnitId) -> &Path {
        &self.folders[unit.0 as usize].dir
    }

    /// Whether one folder unit contains the other (or they are the same).
    pub fn related(&self, a: UnitId, b: UnitId) -> bool {
        if a == b {
            return true;
        }
        let (da, db) = (self.depth(a), self.depth(b));
        let (deep, shallow) = if da >= db { (a, b) } else { (b, a) };
        let mut at = deep;
        for _ in 0..self.depth(deep).abs_diff(self.depth(shallow)) {
            match self.folders[at.0 as usize].parent {
                Some(p) => at = p,
                None => return false,
            }
        }
        at == shallow
    }

    /// Whether objects of two memberships are applied together.
    pub fn sees(&self, a: Membership, b: Membership) -> bool {
        a.everywhere
            || b.everywhere
            || (a.declared.is_some() && a.declared == b.declared)
            || self.related(a.unit, b.unit)
    }

    /// The name of the unit an object is reported in: its declared unit's, else its
    /// folder's.
    pub fn name_of(&self, m: Membership) -> &str {
        match m.declared {
            Some(d) => self.declared_name(d),
            None => self.name(m.unit),
        }
    }

    /// A folder unit and every folder unit above it, nearest first.
    pub fn ancestors(&self, unit: UnitId) -> impl Iterator<Item = UnitId> + '_ {
        std::iter::successors(Some(unit), |u| self.folders[u.0 as usize].parent)
    }

    fn depth(&self, unit: UnitId) -> u32 {
        self.folders[unit.0 as usize].depth
    }
}

/// Values added in order, each from an object of some membership, asked for the first
/// one that a membership sees ([`Units::sees`]) in time proportional to the depth of its
/// folder, however many values were added: one per unit that cannot see the others (ten
/// thousand overlays) must not make every later question walk all of them.
#[derive(Debug)]
pub struct FirstSeen<T> {
    values: Vec<T>,
    /// The first value from an object seen by every unit.
    everywhere: Option<usize>,
    /// The first value from each declared unit.
    declared: FastMap<DeclaredId, usize>,
    /// The first value from each folder unit itself.
    at: FastMap<UnitId, usize>,
    /// The first value from each folder unit or any folder below it.
    below: FastMap<UnitId, usize>,
}

impl<T> Default for FirstSeen<T> {
    fn default() -> Self {
        FirstSeen {
            values: Vec::new(),
            everywhere: None,
            declared: FastMap::default(),
            at: FastMap::default(),
            below: FastMap::default(),
        }
    }
}

impl<T> FirstSeen<T> {
    /// Adds a value from an object of membership `m`.
    pub fn push(&mut self, units: &Units, m: Membership, value: T) {
        let i = self.values.len();
        self.values.push(value);
        if m.everywhere {
            self.everywhere.get_or_insert(i);
        }
        if let Some(d) = m.declared {
            self.declared.entry(d).or_insert(i);
        }
        self.at.entry(m.unit).or_insert(i);
        for unit in units.ancestors(m.unit) {
            // An earlier value already marked this folder and every one above it.
            if self.below.contains_key(&unit) {
                break;
            }
            self.below.insert(unit, i);
        }
    }

    /// The first value, in the order added, from an object that membership `m` sees.
    pub fn first_seen_by(&self, units: &Units, m: Membership) -> Option<&T> {
        let first = if m.everywhere {
            (!self.values.is_empty()).then_some(0)
        } else {
            // Seen: anything from an object seen everywhere, from the same declared unit,
            // from the folder or below it, or from a folder above it.
            let above = units
                .ancestors(m.unit)
                .skip(1)
                .filter_map(|u| self.at.get(&u).copied());
            [
                self.everywhere,
                m.declared.and_then(|d| self.declared.get(&d).copied()),
                self.below.get(&m.unit).copied(),
            ]
            .into_iter()
            .flatten()
            .chain(above)
            .min()
        };
        first.map(|i| &self.values[i])
    }
}

fn display_name(cwd: &Path, dir: &Path) -> String {
    match dir.strip_prefix(cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Ok(rel) => rel.to_string_lossy().into_owned(),
        Err(_) => dir.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Units {
        Units::new(Path::new("/repo"))
    }

    #[test]
    fn siblings_never_see_each_other() {
        let mut u = table();
        let staging = u.folder(Path::new("env/staging"));
        let prod = u.folder(Path::new("env/prod"));
        let env = u.folder(Path::new("env"));
        assert!(!u.related(staging, prod));
        assert!(u.related(staging, env) && u.related(env, prod));
        assert!(u.related(staging, staging));
    }

    #[test]
    fn a_folder_sees_what_it_contains_and_what_contains_it() {
        let mut u = table();
        let root = u.folder(Path::new("."));
        let deep = u.folder(Path::new("a/b/c"));
        assert!(u.related(root, deep) && u.related(deep, root));
        assert_eq!(u.name(root), ".");
        assert_eq!(u.name(deep), "a/b/c");
    }

    #[test]
    fn paths_given_absolute_or_with_dots_are_one_folder() {
        let mut u = table();
        let a = u.folder(Path::new("/repo/app"));
        let b = u.folder(Path::new("/repo/x/../app"));
        assert_eq!(a, b);
        assert_eq!(u.name(a), "app");
        let outside = u.folder(Path::new("/elsewhere/app"));
        assert_eq!(u.name(outside), "/elsewhere/app");
        assert!(!u.related(a, outside));
    }

    #[test]
    fn a_declared_unit_joins_siblings() {
        let mut u = table();
        let a = u.folder(Path::new("a"));
        let b = u.folder(Path::new("b"));
        let d = u.declare("app");
        let m = Membership::of;
        assert!(!u.sees(m(a, None), m(b, None)));
        assert!(u.sees(m(a, Some(d)), m(b, Some(d))));
        assert!(!u.sees(m(a, Some(d)), m(b, None)));
        assert_eq!(u.declare("app"), d);
        let context = Membership {
            everywhere: true,
            ..m(b, None)
        };
        assert!(u.sees(m(a, None), context));
    }

    /// The index answers what asking `sees` of every value in order answers.
    #[test]
    fn first_seen_is_the_first_value_seen() {
        let mut u = table();
        let folders = ["a", "a/b", "a/b/c", "a/d", "e", ".", "e/f/g", "a/b/c"];
        let d = u.declare("app");
        let mut members: Vec<Membership> = folders
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let unit = u.folder(Path::new(f));
                Membership::of(unit, (i % 3 == 0).then_some(d))
            })
            .collect();
        members.push(Membership {
            everywhere: true,
            ..members[4]
        });
        let probes: Vec<Membership> = ["a/b/c/x", "a/d", "e", "e/f", "z", "."]
            .iter()
            .flat_map(|f| {
                let unit = u.folder(Path::new(f));
                [Membership::of(unit, None), Membership::of(unit, Some(d))]
            })
            .chain([Membership {
                everywhere: true,
                ..members[0]
            }])
            .collect();
        // Every order of adding: each prefix of each rotation.
        for start in 0..members.len() {
            let order: Vec<usize> = (0..members.len())
                .map(|k| (start + k) % members.len())
                .collect();
            let mut index = FirstSeen::default();
            for (k, &i) in order.iter().enumerate() {
                for &p in &probes {
                    let slow = order[..k].iter().find(|&&j| u.sees(p, members[j]));
                    assert_eq!(
                        index.first_seen_by(&u, p),
                        slow,
                        "{p:?} after {:?}",
                        &order[..k]
                    );
                }
                index.push(&u, members[i], i);
            }
        }
    }
}
