//! Parsing YAML as Kubernetes reads it, with a span for every node.

mod fast;
pub mod parse;
pub mod scalar;
pub mod split;
pub mod stored;
pub mod tree;

pub use parse::{
    Comment, Document, InputBudget, MAX_DEPTH, ParseLimits, Problem, ProblemKind, Stream, parse,
    parse_both_ways, parse_noting_aliases, parse_with,
};
pub use tree::{Key, Node, NodeKind, ScalarStyle};

/// Every YAML file of the repository's test data, and of the folders named in
/// `K8LINT_SPLIT_DIRS` (`:`-separated, for a corpus outside the repository): what the
/// tests that parse a file two ways compare on.
#[cfg(test)]
fn test_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<std::path::PathBuf> = ["testdata", "tests/data", "policies"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    if let Ok(extra) = std::env::var("K8LINT_SPLIT_DIRS") {
        dirs.extend(extra.split(':').map(std::path::PathBuf::from));
    }
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
                files.push(p);
            }
        }
    }
    files
}
