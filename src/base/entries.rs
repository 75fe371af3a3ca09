//! A folder of entries named by their key (a hex digest): written whole or not at all,
//! read only when small enough to be one of ours, and kept under a size bound by removing
//! the entries written longest ago. The findings cache and the kept parses both live in
//! such folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// This build, as the keys of both folders name it: the version and a hash of the sources
/// (`build.rs`). A build of the same version from other sources (a rule changed, the
/// parser changed) must not read what this one wrote.
pub const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("K8LINT_SOURCES"));

/// `DIR/ab/abcdef…`: two levels, so that no folder holds too many entries.
pub fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(key.get(..2).unwrap_or("__")).join(key)
}

/// The bytes of the entry at `path`, when it is a regular file of at most `max` bytes.
pub fn read(path: &Path, max: u64) -> Option<Vec<u8>> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    fs::read(path).ok()
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`: a reader
/// sees the old entry or the new one. Two runs writing one key write the same bytes.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(
        ".tmp-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Removes the entries written longest ago until the folder is under three quarters of
/// `max` bytes, when it is over `max`.
pub fn evict(dir: &Path, max: u64) {
    let mut entries: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
    let Ok(shards) = fs::read_dir(dir) else {
        return;
    };
    for shard in shards.flatten() {
        let Ok(files) = fs::read_dir(shard.path()) else {
            continue;
        };
        for f in files.flatten() {
            let Ok(meta) = f.metadata() else { continue };
            if meta.is_file() {
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                entries.push((modified, meta.len(), f.path()));
            }
        }
    }
    let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
    if total <= max {
        return;
    }
    entries.sort();
    for (_, len, path) in entries {
        if total <= max / 4 * 3 {
            break;
        }
        // Another run may have removed or replaced it: either way it is gone or new.
        if fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(len);
        }
    }
}
