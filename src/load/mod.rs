//! Finding input files and reading them: paths and directories (gitignore-aware), stdin,
//! decoding to UTF-8. What the files mean is decided later.

pub mod kustomization;
pub mod source;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;

pub use source::{LineCol, RenderedFrom, SourceFile};

/// A file to read, as found on the command line or in a walk.
#[derive(Debug, Clone)]
pub struct InputPath {
    /// Where it is; `None` is standard input.
    pub path: Option<PathBuf>,
    /// Named on the command line (not found by walking a directory).
    pub explicit: bool,
    /// From `--context`.
    pub context: bool,
}

impl InputPath {
    /// The name users see.
    pub fn display(&self) -> String {
        match &self.path {
            None => "<stdin>".to_owned(),
            Some(p) => display_path(p),
        }
    }
}

/// A path shown relative to where it was given, without a leading `./`.
fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./")
        .map(str::to_owned)
        .unwrap_or_else(|| s.into_owned())
}

/// A failure that stops the run (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A path could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A path is neither a file nor a directory (a FIFO, a socket, a device).
    #[error("{0}: not a regular file or directory")]
    NotAFile(String),
    /// A walk failed (a symlink loop, a vanished directory).
    #[error("{0}")]
    Walk(String),
}

/// `ignore` globs and the folder they are relative to (the config file's folder), so that
/// a glob matches however a path was given: relative, absolute, or from a subfolder.
#[derive(Debug, Clone)]
pub struct IgnoreGlobs {
    set: GlobSet,
    base: PathBuf,
}

impl IgnoreGlobs {
    /// Globs relative to `base`.
    pub fn new(set: GlobSet, base: &Path) -> IgnoreGlobs {
        IgnoreGlobs {
            set,
            base: absolute(base),
        }
    }

    /// No globs.
    pub fn none() -> IgnoreGlobs {
        IgnoreGlobs::new(GlobSet::empty(), Path::new("."))
    }

    /// Whether a path found in a walk is ignored: its path relative to the globs' folder
    /// matches (a path outside that folder is matched as it was given).
    pub fn matches(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let full = absolute(path);
        match full.strip_prefix(&self.base) {
            Ok(relative) => self.set.is_match(relative),
            Err(_) => self.set.is_match(path) || self.set.is_match(display_path(path)),
        }
    }
}

/// A path made absolute against the current directory and freed of `.` and `..` without
/// touching the file system (symlinks are not followed: the folders the user sees count).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files found, and the paths that could not be read: one unreadable path never stops
/// the others from being checked.
#[derive(Debug, Default)]
pub struct Collected {
    /// Files to read, in order.
    pub files: Vec<InputPath>,
    /// Paths that do not exist or cannot be walked; the run ends with exit status 2.
    pub unreadable: Vec<LoadError>,
    /// Symbolic links a walk met and did not follow.
    pub symlinks: Vec<SkippedLink>,
}

/// A symbolic link in a walk, to a manifest or a folder. A walk never follows one: a link
/// that stays inside the walked folder names files the walk reads anyway (following it
/// would report every object twice), and one that leaves it could read anything on the
/// machine (the trust model). Links named on the command line are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLink {
    /// The link.
    pub path: PathBuf,
    /// Whether its target resolves inside the walked folder (false: outside, or dangling).
    pub inside: bool,
}

/// Expands the given paths to files: directories are walked for `*.yaml`, `*.yml` and
/// `*.json`, skipping hidden entries, `.gitignore`d and `.k8lintignore`d paths and the
/// `ignore` globs of the config.
pub fn collect(paths: &[String], context: bool, ignore: &IgnoreGlobs) -> Collected {
    let mut out = Collected::default();
    for given in paths {
        if given == "-" {
            out.files.push(InputPath {
                path: None,
                explicit: true,
                context,
            });
            continue;
        }
        let path = PathBuf::from(given);
        match std::fs::metadata(&path) {
            Err(source) => out.unreadable.push(LoadError::Io {
                path: given.clone(),
                source,
            }),
            // A folder with a kustomization is what `kubectl kustomize` builds: its build.
            Ok(meta) if meta.is_dir() => match kustomization::find_kustomization(&path) {
                Some(k) => out.files.push(InputPath {
                    path: Some(k),
                    explicit: false,
                    context,
                }),
                None => walk(&path, context, ignore, &mut out),
            },
            Ok(meta) if meta.is_file() => out.files.push(InputPath {
                path: Some(path),
                explicit: true,
                context,
            }),
            Ok(_) => out.unreadable.push(LoadError::NotAFile(given.clone())),
        }
    }
    out
}

fn walk(dir: &Path, context: bool, ignore: &IgnoreGlobs, out: &mut Collected) {
    // The Helm chart whose folder the walk is in: its files are templates, read as one
    // chart through its `Chart.yaml` (see the helm-chart rule), never one by one. The walk
    // visits a folder before its contents, in path order, so once it leaves a chart's
    // folder it never comes back, and a chart inside a chart is a subchart, read with it:
    // the last chart met is the only one a path can be in.
    let mut chart: Option<PathBuf> = None;
    let in_chart =
        |chart: &Option<PathBuf>, path: &Path| chart.as_ref().is_some_and(|c| path.starts_with(c));
    for entry in listed(dir, out) {
        let path = entry.path.as_path();
        if entry.kind == EntryKind::Dir
            && !in_chart(&chart, path)
            && path.join(CHART_FILE).is_file()
        {
            chart = Some(entry.path);
            continue;
        }
        let is_manifest = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"));
        if entry.kind == EntryKind::Symlink {
            let to_dir = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
            if (is_manifest || to_dir) && !ignore.matches(path) {
                out.symlinks.push(SkippedLink {
                    path: path.to_path_buf(),
                    inside: resolves_inside(path, dir),
                });
            }
            continue;
        }
        if entry.kind != EntryKind::File {
            continue;
        }
        if in_chart(&chart, path) && !is_chart_file(path, chart.as_deref()) {
            continue;
        }
        if !is_manifest || ignore.matches(path) {
            continue;
        }
        out.files.push(InputPath {
            path: Some(entry.path),
            explicit: false,
            context,
        });
    }
}

/// What a walked path is, from its folder's listing (symbolic links not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Dir,
    File,
    Symlink,
    Other,
}

/// A path the walk found.
struct Listed {
    path: PathBuf,
    kind: EntryKind,
}

/// Every path under `dir` that is not hidden, `.gitignore`d, `.ignore`d or
/// `.k8lintignore`d (the ignore files of the folders above `dir` count too), `dir` first,
/// in path order: a folder before its contents, siblings by name. Errors go to `out`.
///
/// The `ignore` crate's parallel walker is used, on one thread, for how it reads folders:
/// each folder's listing once, an ignore file opened only when the listing has one. Its
/// sequential walker probes every folder for every kind of ignore file (five failed
/// `stat`s per folder: a third of a second of system time for 20,000 folders). The
/// parallel walker visits in no particular order, hence the sort.
fn listed(dir: &Path, out: &mut Collected) -> Vec<Listed> {
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .add_custom_ignore_filename(".k8lintignore")
        .follow_links(false)
        .threads(1)
        .build_parallel();
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    walker.run(|| {
        Box::new(|entry| {
            let mut found = found
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match entry {
                Ok(entry) => {
                    let kind = if entry.path_is_symlink() {
                        EntryKind::Symlink
                    } else {
                        match entry.file_type() {
                            Some(t) if t.is_dir() => EntryKind::Dir,
                            Some(t) if t.is_file() => EntryKind::File,
                            _ => EntryKind::Other,
                        }
                    };
                    found.0.push(Listed {
                        path: entry.into_path(),
                        kind,
                    });
                }
                Err(e) => found.1.push((error_path(&e), e.to_string())),
            }
            ignore::WalkState::Continue
        })
    });
    let (mut entries, mut errors) = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    entries.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    out.unreadable
        .extend(errors.into_iter().map(|(_, e)| LoadError::Walk(e)));
    entries
}

/// The path an error of the walk is about, to order errors as the walk meets them.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// Whether `link` resolves to a path inside `root` (both canonical; false when either does
/// not resolve).
fn resolves_inside(link: &Path, root: &Path) -> bool {
    match (std::fs::canonicalize(link), std::fs::canonicalize(root)) {
        (Ok(target), Ok(root)) => target.starts_with(root),
        _ => false,
    }
}

/// Texts that replace files on disk: an editor's unsaved buffers, a fix's result before
/// it is written. Keyed by the path as the walk gives it.
#[derive(Debug, Clone, Default)]
pub struct Overlay(std::collections::HashMap<PathBuf, Arc<str>>);

impl Overlay {
    /// The text that replaces a file.
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.0.get(path)
    }

    /// Replaces a file's text.
    pub fn insert(&mut self, path: PathBuf, text: Arc<str>) {
        self.0.insert(path, text);
    }

    /// Stops replacing a file.
    pub fn remove(&mut self, path: &Path) {
        self.0.remove(path);
    }

    /// The replaced files.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.0.keys()
    }
}

/// The file that makes a folder a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// Whether a path is the `Chart.yaml` of the chart being walked (a subchart's is part of
/// its parent chart).
fn is_chart_file(path: &Path, chart: Option<&Path>) -> bool {
    path.file_name().is_some_and(|n| n == CHART_FILE) && path.parent() == chart
}

/// Why a file's bytes are not text that can be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong, for the user.
    pub message: String,
    /// The bytes as far as they decode (invalid sequences replaced), to show where.
    pub lossy: String,
}

/// Reads a file's bytes, failing only when the OS does.
pub fn read_bytes(input: &InputPath, max_bytes: u64) -> Result<Result<Vec<u8>, String>, LoadError> {
    let name = input.display();
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let mut bytes = Vec::new();
    match &input.path {
        None => {
            std::io::stdin()
                .lock()
                .take(max_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(io)?;
        }
        Some(p) => {
            let file = std::fs::File::open(p).map_err(io)?;
            let meta = file.metadata().map_err(io)?;
            if !meta.is_file() {
                return Err(LoadError::NotAFile(name));
            }
            if meta.len() > max_bytes {
                return Ok(Err(format!(
                    "the file is {} bytes, over the limit of {max_bytes} bytes (raise it with --max-file-size)",
                    meta.len()
                )));
            }
            // Sized from the metadata so the file is read in one call and never copied
            // into a larger buffer; the limit still holds if the file grew meanwhile.
            bytes.reserve_exact(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
            file.take(max_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(io)?;
        }
    }
    if bytes.len() as u64 > max_bytes {
        return Ok(Err(format!(
            "the input is over the limit of {max_bytes} bytes (raise it with --max-file-size)"
        )));
    }
    Ok(Ok(bytes))
}

/// Decodes a file to UTF-8 text: a UTF-8 BOM is dropped, UTF-16 with a BOM is converted
/// (go-yaml reads both), anything else must be valid UTF-8 without NUL bytes.
pub fn decode(bytes: Vec<u8>) -> Result<String, Undecodable> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode(rest.to_vec());
    }
    let utf16 = |little: bool| -> Result<String, Undecodable> {
        let body = &bytes[2..];
        if body.len() % 2 != 0 {
            return Err(Undecodable {
                offset: 0,
                message: "truncated UTF-16 text".to_owned(),
                lossy: String::new(),
            });
        }
        let units = body.chunks_exact(2).map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| Undecodable {
                offset: 0,
                message: "invalid UTF-16 text".to_owned(),
                lossy: String::new(),
            })
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return utf16(true),
        Some([0xFE, 0xFF]) => return utf16(false),
        _ => {}
    }
    if let Some(nul) = memchr::memchr(0, &bytes) {
        return Err(Undecodable {
            offset: nul,
            message: format!("binary data (a NUL byte at offset {nul}); not a YAML or JSON file"),
            lossy: String::from_utf8_lossy(&bytes[..nul]).into_owned(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Undecodable {
            offset,
            message: format!("invalid UTF-8 at byte {offset}; manifests must be UTF-8 text"),
            lossy,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_reads_each_chart_through_its_chart_yaml_alone() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            "0first/x.yaml",
            "a/Chart.yaml",
            "a/values.yaml",
            "a/templates/x.yaml",
            "a/charts/sub/Chart.yaml",
            "a/charts/sub/templates/y.yaml",
            "a1.yaml",
            "b/c/Chart.yaml",
            "b/c/t.yaml",
            "b/d.yaml",
            "c/Chart.yaml",
            "c/t.yaml",
            "d/e.yaml",
        ];
        for f in files {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "kind: ConfigMap\n").unwrap();
        }
        let root = dir.path().to_string_lossy().into_owned();
        let collected = collect(&[root], false, &IgnoreGlobs::none());
        let read: Vec<String> = collected
            .files
            .iter()
            .map(|f| {
                let path = f.path.as_ref().unwrap().strip_prefix(dir.path()).unwrap();
                path.to_string_lossy().replace('\\', "/")
            })
            .collect();
        assert_eq!(
            read,
            [
                "0first/x.yaml",
                "a/Chart.yaml",
                "a1.yaml",
                "b/c/Chart.yaml",
                "b/d.yaml",
                "c/Chart.yaml",
                "d/e.yaml"
            ]
        );
    }

    #[test]
    fn a_walk_lists_in_path_order_and_keeps_every_ignore_file_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let write = |f: &str, text: &str| {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        };
        // The walk starts at `repo/k8s`: `repo/.gitignore` is above it and still counts.
        write("repo/.gitignore", "generated/\n*.tmp.yaml\n");
        write("repo/.git/info/exclude", "excluded.yaml\n");
        write(
            "repo/k8s/.gitignore",
            "secret*.yaml\n!secret-template.yaml\n",
        );
        write("repo/k8s/.k8lintignore", "local/\n");
        // A `.k8lintignore` outranks `.ignore`, which outranks `.gitignore`.
        write("repo/k8s/b/.ignore", "keep.yaml\n");
        write("repo/k8s/b/.k8lintignore", "!keep.yaml\n");
        write("repo/k8s/b/.gitignore", "!dropped.yaml\n");
        write("repo/k8s/b/deep/.ignore", "dropped.yaml\n");
        for f in [
            "a.yaml",
            "a/x.yaml",
            "a-b/y.yaml",
            "a.b.yaml",
            "B.yaml",
            "b/keep.yaml",
            "b/deep/dropped.yaml",
            "b/deep/z.yml",
            ".hidden/h.yaml",
            ".h.yaml",
            "generated/g.yaml",
            "x/generated/g.yaml",
            "c.tmp.yaml",
            "secret-db.yaml",
            "secret-template.yaml",
            "local/l.yaml",
            "excluded.yaml",
            "notes.txt",
        ] {
            write(&format!("repo/k8s/{f}"), "kind: ConfigMap\n");
        }
        let root = dir.path().join("repo/k8s");
        let collected = collect(
            &[root.to_string_lossy().into_owned()],
            false,
            &IgnoreGlobs::none(),
        );
        assert!(
            collected.unreadable.is_empty(),
            "{:?}",
            collected.unreadable
        );
        let read: Vec<String> = collected
            .files
            .iter()
            .map(|f| {
                let path = f.path.as_ref().unwrap().strip_prefix(&root).unwrap();
                path.to_string_lossy().replace('\\', "/")
            })
            .collect();
        assert_eq!(
            read,
            [
                "B.yaml",
                "a/x.yaml",
                "a-b/y.yaml",
                "a.b.yaml",
                "a.yaml",
                "b/deep/z.yml",
                "b/keep.yaml",
                "secret-template.yaml",
            ]
        );
    }

    #[test]
    fn decodes_utf8_with_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1".to_vec()).unwrap(), "a: 1");
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "a: é".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(le).unwrap(), "a: é");
    }

    #[test]
    fn rejects_binary_and_bad_utf8() {
        assert_eq!(decode(b"a: \x00".to_vec()).unwrap_err().offset, 3);
        let e = decode(b"a: \xFF\xFE".to_vec()).unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.message.contains("UTF-8"));
    }
}
