//! Parses kept on disk between runs (in the cache folder, beside the findings): a file
//! whose text was parsed before is read back instead of parsed again.
//!
//! An entry is named by a SHA-256 over k8lint's build (its version and sources), the entry
//! format, the parser's bounds and the text: the parse depends on nothing else. Parses that expanded an alias
//! are not kept (an expansion charges the run's input budget), nor parses that reached a
//! bound. An entry holds its key and a checksum of its body; one that does not match,
//! does not decode or names a span past its text is ignored and written again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::base::checksum::checksum;
use crate::base::entries;
use crate::base::sha256::{self, Sha256};
use crate::yaml::{self, ParseLimits, ProblemKind, Stream};

/// The folder's size bound: past it the entries written longest ago are removed.
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// The sub-folder of the cache folder that holds them.
const FOLDER: &str = "parses-v1";

/// Largest entry read: a parse is a few times its text, and texts are bounded by
/// `limits.max-file-size` (64 MiB by default).
const MAX_ENTRY_BYTES: u64 = 512 * 1024 * 1024;

/// The kept parses of one run.
#[derive(Debug)]
pub struct ParseStore {
    dir: PathBuf,
    /// What every key starts with: version, format and bounds.
    salt: [u8; 32],
    /// Entries read back, and entries written.
    read: AtomicUsize,
    written: AtomicUsize,
}

impl ParseStore {
    /// The parses kept under the cache folder `cache_dir`, for parses with `limits`.
    pub fn new(cache_dir: &Path, limits: &ParseLimits) -> ParseStore {
        let mut h = Sha256::default();
        h.field(entries::BUILD.as_bytes());
        h.field(&yaml::stored::FORMAT.to_le_bytes());
        for bound in [
            limits.max_alias_nodes,
            limits.max_documents,
            limits.max_alias_bytes,
            limits.max_scalar_bytes,
        ] {
            h.field(&(bound as u64).to_le_bytes());
        }
        ParseStore {
            dir: cache_dir.join(FOLDER),
            salt: h.finish(),
            read: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        }
    }

    /// The parse of `text`: the kept one, else a new one (kept when it may be); and
    /// whether it expanded an alias (a kept one never did).
    pub fn parse(&self, text: &str, limits: &ParseLimits) -> (Stream, bool) {
        // Only parses that expanded no alias are written: an entry that is found is one.
        // (Telling from the text alone was too coarse: a CRD's descriptions hold `&` and
        // `*`, and two thirds of a real repository's bytes were parsed on every run.)
        let key = self.key(text);
        let path = entries::entry_path(&self.dir, &sha256::hex(&key));
        if let Some(stream) = self.read_entry(&path, &key, text.len()) {
            self.read.fetch_add(1, Ordering::Relaxed);
            return (stream, false);
        }
        let (stream, aliased) = yaml::parse_noting_aliases(text, limits);
        if !aliased && !stream.problems.iter().any(|p| p.kind == ProblemKind::Limit) {
            let body = yaml::stored::encode(&stream);
            let entry = [&key[..], &checksum(&body).to_le_bytes(), &body].concat();
            // A failure (read-only or full disk) only means the next run parses again.
            if entries::write_atomically(&path, &entry).is_ok() {
                self.written.fetch_add(1, Ordering::Relaxed);
            }
        }
        (stream, aliased)
    }

    /// How many parses were read back, and how many written.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.read.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }

    /// Keeps the folder under its bound, when this run wrote to it.
    pub fn finish(&self) {
        if self.written.load(Ordering::Relaxed) > 0 {
            entries::evict(&self.dir, MAX_BYTES);
        }
    }

    fn key(&self, text: &str) -> [u8; 32] {
        let mut h = Sha256::default();
        h.field(&self.salt);
        h.field(text.as_bytes());
        h.finish()
    }

    fn read_entry(&self, path: &Path, key: &[u8; 32], text_len: usize) -> Option<Stream> {
        let bytes = entries::read(path, MAX_ENTRY_BYTES)?;
        // Its own key (not another entry renamed), then the checksum of the body.
        let (own, rest) = bytes.split_at_checked(32)?;
        let (sum, body) = rest.split_at_checked(8)?;
        if own != key || sum != checksum(body).to_le_bytes() {
            return None;
        }
        yaml::stored::decode(body, text_len)
    }
}
