//! cache: keeps the object-scoped findings of each file's objects between runs, so that
//! a re-run where few files changed checks only their objects with those rules (the
//! graph rules and policies run on everything, every time). The files' parses are kept
//! beside them, by the compile stage ([`crate::compile::parses`]).
//!
//! An entry is named by a SHA-256 key over the run's fingerprint (k8lint's build, the
//! target version, the config, the Pod Security settings, the default namespace, the
//! template values, the selected object-scoped rules, the embedded-CRD setting and every
//! CustomResourceDefinition of the run, input or context) and the file's name and text.
//! Anything else a finding could depend on is outside what an object-scoped rule reads
//! (see [`crate::rules::Scope`]). Objects built by kustomizations are not cached (their
//! values are not their file's text).
//!
//! Entries are written to a temporary file and renamed into place (concurrent runs see
//! an old entry or a new one, never half of one), checked when read (a damaged, truncated
//! or foreign entry is ignored and written again), and the folder is kept under
//! [`MAX_BYTES`]: past it, the entries written longest ago are removed.

mod entry;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::base::entries;
use crate::base::sha256::{self, Sha256};
use crate::base::{Diagnostic, FileId, ObjectId};
use crate::check::Reuse;
use crate::graph::Graph;
use crate::model::Object;
use entry::Layout;

/// The cache folder's size bound: past it the oldest entries are removed until it is
/// under three quarters of it. Entries are about 100 bytes per finding.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Largest entry read; anything bigger is not one of ours.
const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;

/// The sub-folder of this entry format: another format lives beside it, never read.
const FORMAT_DIR: &str = "v1";

/// The default cache folder: `K8LINT_CACHE_DIR` when set, else the platform's cache
/// folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux and other Unix systems,
/// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) with `k8lint` appended.
/// `None` when none is known (no home folder): the run is then not cached.
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("K8LINT_CACHE_DIR") {
        return Some(dir);
    }
    let base = if cfg!(windows) {
        var("LOCALAPPDATA")?
    } else if cfg!(target_os = "macos") {
        var("HOME")?.join("Library").join("Caches")
    } else {
        // The XDG spec ignores a relative path.
        match var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
            Some(dir) => dir,
            None => var("HOME")?.join(".cache"),
        }
    };
    Some(base.join("k8lint"))
}

/// What a run's cached findings depend on besides each file: hashed into every key.
pub struct Fingerprint(Sha256);

impl Fingerprint {
    /// Starts from this build ([`entries::BUILD`]) and the entry format.
    pub fn new() -> Fingerprint {
        Fingerprint::of_build(entries::BUILD)
    }

    /// Starts from the build `build` and the entry format.
    fn of_build(build: &str) -> Fingerprint {
        let mut h = Sha256::default();
        h.field(build.as_bytes());
        h.field(FORMAT_DIR.as_bytes());
        Fingerprint(h)
    }

    /// Adds one input of the run, by name (said the same way every run).
    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> Fingerprint {
        self.0.field(name.as_bytes());
        self.0.field(value.as_bytes());
        self
    }

    /// Adds every CustomResourceDefinition of the graph (they are schemas, and give
    /// custom resources their scope).
    #[must_use]
    pub fn with_crds(mut self, graph: &Graph) -> Fingerprint {
        for o in &graph.objects {
            if o.is("apiextensions.k8s.io", "CustomResourceDefinition") {
                self.0.field(b"crd");
                self.0.field(o.value.to_string().as_bytes());
            }
        }
        self
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

/// One cached file of the run.
struct Cached {
    file: FileId,
    key: String,
    objects: Vec<ObjectId>,
    /// Its entry was read whole: nothing to write.
    hit: bool,
}

/// The cache of one run: what was read for the graph's files, and what is written after
/// the check.
pub struct Cache {
    dir: PathBuf,
    files: Vec<Cached>,
    /// Findings read, by object.
    known: HashMap<ObjectId, Vec<Diagnostic>>,
    /// Objects whose findings are worth keeping: those of cached files.
    wanted: HashSet<ObjectId>,
    computed: Mutex<HashMap<ObjectId, Vec<Diagnostic>>>,
}

impl Cache {
    /// Reads the entries of the graph's files from `dir`. `rules` are the ids of the
    /// selected object-scoped rules (and `internal-error`): an entry naming another is
    /// ignored. Nothing here fails: an unreadable folder is an empty cache.
    pub fn open(
        dir: &Path,
        graph: &Graph,
        fingerprint: Fingerprint,
        rules: &[&'static str],
    ) -> Cache {
        let dir = dir.join(FORMAT_DIR);
        let run = fingerprint.0.finish();
        let mut by_file: HashMap<FileId, Vec<ObjectId>> = HashMap::new();
        let mut excluded: Vec<FileId> = Vec::new();
        for o in &graph.objects {
            if o.context || graph.docs[o.doc.0 as usize].built.is_some() {
                excluded.push(o.file);
            } else {
                by_file.entry(o.file).or_default().push(o.id);
            }
        }
        for f in excluded {
            by_file.remove(&f);
        }
        let mut files: Vec<(FileId, Vec<ObjectId>)> = by_file.into_iter().collect();
        files.sort_by_key(|(f, _)| *f);
        let rules: HashMap<&str, &'static str> = rules.iter().map(|r| (*r, *r)).collect();
        let read: Vec<(Cached, Option<Vec<Vec<Diagnostic>>>)> = files
            .into_par_iter()
            .map(|(file, objects)| {
                let source = graph.file(file);
                let mut h = Sha256::default();
                h.update(&run);
                h.field(source.name.as_bytes());
                h.field(source.text().as_bytes());
                let key = sha256::hex(&h.finish());
                let layout = Layout {
                    file,
                    objects: &objects,
                };
                let found = entries::read(&entries::entry_path(&dir, &key), MAX_ENTRY_BYTES)
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .and_then(|text| layout.read(&key, &text, &rules));
                let cached = Cached {
                    file,
                    key,
                    hit: found.is_some(),
                    objects,
                };
                (cached, found)
            })
            .collect();
        let mut cache = Cache {
            dir,
            files: Vec::with_capacity(read.len()),
            known: HashMap::new(),
            wanted: HashSet::new(),
            computed: Mutex::new(HashMap::new()),
        };
        for (cached, found) in read {
            match found {
                Some(lists) => cache
                    .known
                    .extend(cached.objects.iter().copied().zip(lists)),
                None => cache.wanted.extend(cached.objects.iter().copied()),
            }
            cache.files.push(cached);
        }
        cache
    }

    /// How many of the run's cached files were found in the cache, of how many.
    pub fn hits(&self) -> (usize, usize) {
        (
            self.files.iter().filter(|f| f.hit).count(),
            self.files.len(),
        )
    }

    /// Writes the entries of the files that were not found, then keeps the folder under
    /// its bound. Failures (a read-only folder, a full disk) only mean a slower next run.
    pub fn save(self) {
        let computed = self
            .computed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let written: usize = self
            .files
            .par_iter()
            .filter(|f| !f.hit)
            .map(|f| {
                let lists: Option<Vec<&[Diagnostic]>> = f
                    .objects
                    .iter()
                    .map(|o| computed.get(o).map(Vec::as_slice))
                    .collect();
                let layout = Layout {
                    file: f.file,
                    objects: &f.objects,
                };
                let Some(text) = lists.and_then(|l| layout.write(&f.key, &l)) else {
                    return 0;
                };
                usize::from(
                    entries::write_atomically(
                        &entries::entry_path(&self.dir, &f.key),
                        text.as_bytes(),
                    )
                    .is_ok(),
                )
            })
            .sum();
        if written > 0 {
            evict(&self.dir, MAX_BYTES);
        }
    }
}

impl Reuse for Cache {
    fn known(&self, object: &Object) -> Option<Vec<Diagnostic>> {
        self.known.get(&object.id).cloned()
    }

    fn computed(&self, object: &Object, found: &[Diagnostic]) {
        if self.wanted.contains(&object.id) {
            let mut computed = self
                .computed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            computed.insert(object.id, found.to_vec());
        }
    }
}

/// Removes the entries written longest ago until the folder is under three quarters of
/// `max` bytes, when it is over `max`.
pub fn evict(dir: &Path, max: u64) {
    entries::evict(dir, max);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two builds of one version differ in their sources (a rule that reports one more
    /// finding, say): neither may read the other's entries.
    #[test]
    fn entries_are_keyed_by_the_build_not_only_the_version() {
        let (version, sources) = entries::BUILD.split_once('+').unwrap();
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        assert_eq!(sources.len(), 32);
        assert!(sources.bytes().all(|b| b.is_ascii_hexdigit()));
        let key = |build: &str| Fingerprint::of_build(build).0.finish();
        assert_ne!(
            key(entries::BUILD),
            key(&format!("{version}+{}", "0".repeat(32)))
        );
        assert_eq!(key(entries::BUILD), Fingerprint::new().0.finish());
    }
}
