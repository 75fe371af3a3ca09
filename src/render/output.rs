//! Where rendered objects go: one YAML stream, one JSON `List`, or a directory with one
//! file per object (`<namespace>/<kind>-<name>.yaml`, cluster-scoped objects in
//! `_cluster/`). A directory is written in full beside its target and then renamed into
//! place, so an error never leaves half an output.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::base::value::Value;

use super::Rendered;
use super::emit;

/// The folder of cluster-scoped objects (an underscore cannot start a namespace name).
pub const CLUSTER_DIR: &str = "_cluster";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// A YAML stream.
    #[default]
    Yaml,
    /// A `v1 List` in JSON (what `kubectl apply -f` accepts as one document).
    Json,
}

/// Why a directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and holds files.
    #[error("{0} exists and is not empty (use --force to replace it)")]
    NotEmpty(String),
    /// The target is not a directory.
    #[error("{0} exists and is not a directory")]
    NotADirectory(String),
    #[error(
        "{dir} holds an input of this run ({input}); writing there would replace it, so it is refused even with --force"
    )]
    HoldsInput { dir: String, input: String },
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes the whole output, one object at a time: the output of a small input can be
/// far larger than the input (aliases, deep indentation), so it is never held whole.
pub fn write(objects: &[Rendered], format: Format, out: &mut dyn io::Write) -> io::Result<()> {
    match format {
        Format::Yaml => {
            for (i, r) in objects.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"---\n")?;
                }
                out.write_all(emit::yaml_stream([&r.value]).as_bytes())?;
            }
            Ok(())
        }
        // The same bytes `serde_json::to_string_pretty` gives the whole `List`, written
        // item by item.
        Format::Json if objects.is_empty() => out.write_all(
            b"{\n  \"apiVersion\": \"v1\",\n  \"items\": [],\n  \"kind\": \"List\"\n}\n",
        ),
        Format::Json => {
            out.write_all(b"{\n  \"apiVersion\": \"v1\",\n  \"items\": [")?;
            for (i, r) in objects.iter().enumerate() {
                out.write_all(if i > 0 { b",\n    " } else { b"\n    " })?;
                let mut indented = Indented { out: &mut *out };
                serde_json::to_writer_pretty(&mut indented, &emit::sorted(&r.value))?;
            }
            out.write_all(b"\n  ],\n  \"kind\": \"List\"\n}\n")
        }
    }
}

/// The whole output as one text (for tests and small outputs).
pub fn to_text(objects: &[Rendered], format: Format) -> String {
    let mut out = Vec::new();
    write(objects, format, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("YAML and JSON output are UTF-8")
}

/// Indents every line after the first by the two levels of a `List`'s items. JSON text
/// has no raw line break inside a string, so each one is between tokens.
struct Indented<'a> {
    out: &'a mut dyn io::Write,
}

impl io::Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n    ")?;
            }
            self.out.write_all(line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn json_text(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    s.push('\n');
    s
}

/// The relative path of each object's file, unique within the output.
pub fn file_names(objects: &[Rendered], format: Format) -> Vec<PathBuf> {
    let ext = match format {
        Format::Yaml => "yaml",
        Format::Json => "json",
    };
    let mut taken = HashSet::new();
    objects
        .iter()
        .map(|r| {
            let dir = r
                .key
                .namespace
                .as_deref()
                .map_or_else(|| CLUSTER_DIR.to_owned(), safe);
            let kind = r.key.kind.to_ascii_lowercase();
            let name = safe(&r.key.name);
            // Kinds of different groups may share a name (a CRD's `Service`): the group
            // tells them apart; duplicates get a counter.
            let mut stem = format!("{}-{name}", safe(&kind));
            if taken.contains(&(dir.clone(), stem.clone())) && !r.group().is_empty() {
                stem = format!("{}.{}-{name}", safe(&kind), safe(r.group()));
            }
            let stem = within_name_max(stem);
            let mut candidate = stem.clone();
            let mut n = 2;
            while !taken.insert((dir.clone(), candidate.clone())) {
                candidate = format!("{stem}-{n}");
                n += 1;
            }
            Path::new(&dir).join(format!("{candidate}.{ext}"))
        })
        .collect()
}

/// A path component from any text: no separators, no dot-only names, never empty.
/// Longest file name stem: file systems allow 255 bytes per name, and the stem still gets
/// a `-N` suffix and an extension.
const MAX_STEM: usize = 200;

/// A stem short enough for a file name: a valid 253-character object name makes a longer
/// one, so a long stem is cut and a hash of the whole keeps it unique and stable.
fn within_name_max(stem: String) -> String {
    if stem.len() <= MAX_STEM {
        return stem;
    }
    // FNV-1a: stable across runs and platforms, unlike the standard hasher.
    let hash = stem.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    // `safe` leaves ASCII only, so any byte index is a character boundary.
    format!("{}-{hash:016x}", &stem[..MAX_STEM - 17])
}

fn safe(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '.') {
        format!("_{s}")
    } else {
        s
    }
}

/// Refuses an output directory that holds (or is) one of the run's input files: `--force`
/// replaces the directory, and must not delete what was rendered (or the repository).
pub fn check_not_input(dir: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    let Ok(out) = dir.canonicalize() else {
        // A directory that does not exist yet holds nothing.
        return Ok(());
    };
    for input in inputs {
        if let Ok(real) = input.canonicalize() {
            if real.starts_with(&out) {
                return Err(OutputError::HoldsInput {
                    dir: dir.display().to_string(),
                    input: input.display().to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Writes one file per object under `dir`. An existing non-empty `dir` is replaced only
/// with `force`; nothing is left behind when writing fails.
pub fn write_dir(
    objects: &[Rendered],
    dir: &Path,
    format: Format,
    force: bool,
) -> Result<usize, OutputError> {
    let shown = dir.display().to_string();
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err(OutputError::NotADirectory(shown)),
        Ok(_) => {
            let mut entries = fs::read_dir(dir).map_err(io_err(dir))?;
            if entries.next().is_some() && !force {
                return Err(OutputError::NotEmpty(shown));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(dir)(e)),
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let leaf = dir
        .file_name()
        .map_or_else(|| "render".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{leaf}.k8lint-{}", std::process::id()));
    let result = fill(&staging, objects, format).and_then(|n| swap_in(&staging, dir).map(|()| n));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn fill(staging: &Path, objects: &[Rendered], format: Format) -> Result<usize, OutputError> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(io_err(staging))?;
    }
    fs::create_dir(staging).map_err(io_err(staging))?;
    for (r, name) in objects.iter().zip(file_names(objects, format)) {
        let path = staging.join(&name);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        let text = match format {
            Format::Yaml => emit::yaml_stream([&r.value]),
            Format::Json => json_text(&emit::sorted(&r.value)),
        };
        fs::write(&path, text).map_err(io_err(&path))?;
    }
    Ok(objects.len())
}

/// Moves the finished staging directory to `dir`, keeping the old one until the new one
/// is in place.
fn swap_in(staging: &Path, dir: &Path) -> Result<(), OutputError> {
    if !dir.exists() {
        return fs::rename(staging, dir).map_err(io_err(dir));
    }
    // Named after the staging directory (which carries the process id), never a fixed
    // `.<dir>.old` that another run or the user may own.
    let mut old_name = staging.file_name().unwrap_or_default().to_os_string();
    old_name.push(".old");
    let old = staging.with_file_name(old_name);
    fs::rename(dir, &old).map_err(io_err(dir))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&old, dir);
        return Err(io_err(dir)(e));
    }
    fs::remove_dir_all(&old).map_err(io_err(&old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// Streamed item by item, the JSON output is byte for byte the whole `List` printed at
    /// once.
    #[test]
    fn streamed_json_is_the_pretty_list() {
        let values = [
            json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "a"},
                   "data": {"k": "line\nbreak", "e": {}, "l": []}}),
            json!({"kind": "Service", "apiVersion": "v1", "metadata": {"name": "b"},
                   "spec": {"ports": [{"port": 80}, {"port": 443}]}}),
        ];
        for n in 0..=values.len() {
            let objects: Vec<Rendered> = values[..n]
                .iter()
                .enumerate()
                .map(|(i, v)| Rendered::new(v.clone(), None, i))
                .collect();
            let items: Vec<Value> = objects.iter().map(|r| emit::sorted(&r.value)).collect();
            let whole = json!({"apiVersion": "v1", "items": items, "kind": "List"});
            assert_eq!(
                to_text(&objects, Format::Json),
                json_text(&whole),
                "{n} items"
            );
        }
    }
}
