//! Names the sources a build was made from, for the re-run cache: its entries are keyed
//! by `K8LINT_SOURCES` beside the version, so that findings and parses written by one
//! build are never read by another whose rules or parser differ (between two releases,
//! and between two builds of one version).

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

/// What goes into the binary and decides what it finds: the code, the embedded policies
/// and schemas, the dependencies' versions.
const INPUTS: [&str; 6] = [
    "src",
    "policies",
    "schemas",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for input in INPUTS {
        // A folder is watched whole: cargo runs this again when anything in it changes.
        println!("cargo:rerun-if-changed={input}");
        collect(&root.join(input), &mut files);
    }
    files.sort();
    // Two hashers with different starts give 128 bits: a collision would let one build
    // read another's entries.
    let mut hashers = [DefaultHasher::new(), DefaultHasher::new()];
    hashers[1].write_u8(1);
    for path in &files {
        let name = path.strip_prefix(&root).unwrap_or(path);
        let text = fs::read(path).unwrap_or_default();
        for h in &mut hashers {
            h.write(name.to_string_lossy().as_bytes());
            h.write_usize(text.len());
            h.write(&text);
        }
    }
    println!(
        "cargo:rustc-env=K8LINT_SOURCES={:016x}{:016x}",
        hashers[0].finish(),
        hashers[1].finish()
    );
}

/// Every file under `path` (or `path` itself), in no particular order.
fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    match fs::read_dir(path) {
        Ok(entries) => {
            for entry in entries.flatten() {
                collect(&entry.path(), out);
            }
        }
        Err(_) if path.is_file() => out.push(path.to_path_buf()),
        Err(_) => {}
    }
}
