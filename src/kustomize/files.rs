//! The files the builds read: each read and parsed once per run (a base shared by a hundred
//! overlays is parsed once), each with its own id in the run's file table.
//!
//! The builds run in parallel over one shared table, whose ids come in the order files were
//! first read, whichever build read them. Each build keeps the order in which it read and
//! parsed files: joined build after build, these orders number the files as one table
//! reading the builds one after the other would ([`Shared::numbering`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::base::value::Value;
use indexmap::{IndexMap, IndexSet};

use super::node::MNode;
use crate::base::FileId;
use crate::load::{self, SourceFile};
use crate::yaml::{self, Comment, ParseLimits};

/// A file's documents as mapped trees (or the YAML problem, for the user), and its comments.
type Parsed = (Result<Vec<MNode>, String>, Vec<Comment>);

/// A file read by some build: its text, and its documents once a build asked for them.
#[derive(Debug)]
struct Entry {
    source: SourceFile,
    parsed: OnceLock<Parsed>,
}

/// The table of the files every build of a run reads.
#[derive(Debug)]
pub struct Shared {
    /// The id of the first file read here (the inputs come before).
    first: u32,
    limits: ParseLimits,
    max_bytes: u64,
    /// Texts read instead of the files on disk (unsaved editor buffers).
    overlay: load::Overlay,
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    by_path: HashMap<PathBuf, FileId>,
    /// By id − `first`.
    entries: Vec<Arc<Entry>>,
}

impl Shared {
    /// An empty table whose ids start at `first`.
    pub fn new(first: u32, limits: ParseLimits, max_bytes: u64, overlay: load::Overlay) -> Shared {
        Shared {
            first,
            limits,
            max_bytes,
            overlay,
            table: Mutex::new(Table::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn known(&self, path: &Path) -> Option<(FileId, Arc<Entry>)> {
        let table = self.lock();
        let id = *table.by_path.get(path)?;
        let entry = table.entries.get((id.0 - self.first) as usize)?;
        Some((id, Arc::clone(entry)))
    }

    /// Adds a file's text, unless another build added the same path meanwhile.
    fn add(&self, path: PathBuf, name: String, text: String) -> (FileId, Arc<Entry>) {
        let mut table = self.lock();
        if let Some(&id) = table.by_path.get(&path) {
            let entry = Arc::clone(&table.entries[(id.0 - self.first) as usize]);
            return (id, entry);
        }
        let id = FileId(self.first + table.entries.len() as u32);
        let entry = Arc::new(Entry {
            source: SourceFile::new(id, name, Some(path.clone()), Arc::from(text), false),
            parsed: OnceLock::new(),
        });
        table.entries.push(Arc::clone(&entry));
        table.by_path.insert(path, id);
        (id, entry)
    }

    /// The run's numbering of the files the builds read, their sources renumbered, and the
    /// comments of those parsed, from each build's orders taken build after build.
    pub fn numbering<'f>(&self, builds: impl IntoIterator<Item = &'f Files>) -> Numbered {
        let table = self.lock();
        let first = self.first;
        let mut out = Numbered {
            first,
            ids: vec![None; table.entries.len()],
            files: Vec::new(),
            comments: Vec::new(),
        };
        let mut commented = HashSet::new();
        for build in builds {
            for id in build.read.keys() {
                let slot = &mut out.ids[(id.0 - first) as usize];
                if slot.is_none() {
                    let run_id = FileId(first + out.files.len() as u32);
                    let mut source = table.entries[(id.0 - first) as usize].source.clone();
                    source.id = run_id;
                    out.files.push(source);
                    *slot = Some(run_id);
                }
            }
            for id in &build.parsed {
                let entry = &table.entries[(id.0 - first) as usize];
                if let (Some(run_id), Some((_, comments))) =
                    (out.ids[(id.0 - first) as usize], entry.parsed.get())
                {
                    if commented.insert(run_id) {
                        out.comments.push((run_id, comments.clone()));
                    }
                }
            }
        }
        out
    }
}

/// The files of the run's builds, numbered as the run numbers them.
#[derive(Debug)]
pub struct Numbered {
    first: u32,
    /// The run's id of each id of the shared table.
    ids: Vec<Option<FileId>>,
    /// Files read, with the run's ids.
    pub files: Vec<SourceFile>,
    /// Their comments (for inline suppressions), in the order they were first parsed.
    pub comments: Vec<(FileId, Vec<Comment>)>,
}

impl Numbered {
    /// The run's id of a shared table's id.
    pub fn id(&self, id: FileId) -> FileId {
        id.0.checked_sub(self.first)
            .and_then(|i| self.ids.get(i as usize).copied().flatten())
            .unwrap_or(id)
    }
}

/// The files one build reads, through the run's shared table.
#[derive(Debug)]
pub struct Files {
    shared: Arc<Shared>,
    /// The files this build read, in the order it first read them.
    read: IndexMap<FileId, Arc<Entry>>,
    /// The files this build asked the documents of, in the order it first asked.
    parsed: IndexSet<FileId>,
}

impl Files {
    /// A build's view of the shared table.
    pub fn new(shared: Arc<Shared>) -> Files {
        Files {
            shared,
            read: IndexMap::new(),
            parsed: IndexSet::new(),
        }
    }

    /// Reads a file once; the error is for the user.
    pub fn read(&mut self, path: &Path) -> Result<FileId, String> {
        let path = super::normalize(path);
        let (id, entry) = match self.shared.known(&path) {
            Some(known) => known,
            None => {
                let input = load::InputPath {
                    path: Some(path.clone()),
                    explicit: false,
                    context: false,
                };
                let bytes = match self.shared.overlay.get(&path) {
                    Some(text) => text.as_bytes().to_vec(),
                    None => match load::read_bytes(&input, self.shared.max_bytes) {
                        Ok(Ok(bytes)) => bytes,
                        Ok(Err(message)) => return Err(message),
                        Err(e) => return Err(e.to_string()),
                    },
                };
                let text = load::decode(bytes).map_err(|e| e.message)?;
                self.shared.add(path, input.display(), text)
            }
        };
        self.read.entry(id).or_insert(entry);
        Ok(id)
    }

    /// A file's text.
    pub fn text(&self, id: FileId) -> Arc<str> {
        self.read
            .get(&id)
            .map_or_else(|| Arc::from(""), |e| e.source.text())
    }

    /// A file's path.
    pub fn path(&self, id: FileId) -> Option<PathBuf> {
        self.read.get(&id).and_then(|e| e.source.path.clone())
    }

    /// The documents of a file (a `List` gives its items), each as a mapped tree; empty
    /// documents are dropped. The error is a YAML problem, for the user.
    pub fn documents(&mut self, id: FileId) -> Result<Vec<MNode>, String> {
        let Some(entry) = self.read.get(&id) else {
            return Err("the file was not read".to_owned());
        };
        let limits = &self.shared.limits;
        let (result, _) = entry
            .parsed
            .get_or_init(|| parse(id, &entry.source.text(), limits));
        let result = result.clone();
        self.parsed.insert(id);
        result
    }
}

/// A file's documents as mapped trees, and its comments.
fn parse(id: FileId, text: &str, limits: &ParseLimits) -> Parsed {
    let stream = yaml::parse(text, limits);
    let result = match stream.problems.first() {
        Some(p) if p.kind != yaml::ProblemKind::DuplicateKey => Err(p.message.clone()),
        _ => {
            let mut out = Vec::new();
            for doc in &stream.documents {
                if doc.value.is_null() {
                    continue;
                }
                let node = MNode::from_parsed(id, &doc.tree, &doc.value);
                match list_items(&doc.value) {
                    Some(n) => {
                        if let Some(items) = node.get("items") {
                            if let super::node::MKind::Seq(items) = &items.kind {
                                out.extend(items.iter().take(n).cloned());
                            }
                        }
                    }
                    None => out.push(node),
                }
            }
            Ok(out)
        }
    };
    (result, stream.comments)
}

/// How many items a `kind: …List` document holds.
fn list_items(value: &Value) -> Option<usize> {
    let kind = value.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    Some(value.get("items")?.as_array()?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds run in any order over the shared table; the run's numbering is that of the
    /// builds one after the other, whatever order the table saw the files in.
    #[test]
    fn files_are_numbered_as_builds_one_after_the_other_would() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "b", "c"] {
            let text = format!("# {name}\nkind: ConfigMap\n");
            std::fs::write(dir.path().join(format!("{name}.yaml")), text).unwrap();
        }
        let path = |name: &str| dir.path().join(format!("{name}.yaml"));
        let shared = Arc::new(Shared::new(
            10,
            ParseLimits::default(),
            1 << 20,
            load::Overlay::default(),
        ));
        // The second build runs first: the table sees c, then a.
        let mut second = Files::new(Arc::clone(&shared));
        let c = second.read(&path("c")).unwrap();
        let a = second.read(&path("a")).unwrap();
        second.documents(a).unwrap();
        let mut first = Files::new(Arc::clone(&shared));
        assert_eq!(first.read(&path("a")).unwrap(), a);
        let b = first.read(&path("b")).unwrap();
        first.documents(b).unwrap();
        assert_eq!((c, a, b), (FileId(10), FileId(11), FileId(12)));

        let numbered = shared.numbering([&first, &second]);
        assert_eq!(
            (numbered.id(a), numbered.id(b), numbered.id(c)),
            (FileId(10), FileId(11), FileId(12))
        );
        let files: Vec<(FileId, String)> = numbered
            .files
            .iter()
            .map(|s| (s.id, s.text().lines().next().unwrap_or_default().to_owned()))
            .collect();
        assert_eq!(
            files,
            [
                (FileId(10), "# a".to_owned()),
                (FileId(11), "# b".to_owned()),
                (FileId(12), "# c".to_owned())
            ]
        );
        // Comments in the order files were first parsed, build after build: b, then a.
        let comments: Vec<(FileId, &str)> = numbered
            .comments
            .iter()
            .map(|(f, c)| (*f, c[0].text.as_str()))
            .collect();
        assert_eq!(comments, [(FileId(11), " b"), (FileId(10), " a")]);
        // An id the builds never used is left as it is.
        assert_eq!(numbered.id(FileId(3)), FileId(3));
    }
}
