//! Helpers shared by the integration tests. Each file under `tests/` is its own crate and
//! includes this module with `mod common;`; no file uses every helper, hence the allow.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use k8lint::app::{self, Fatal};
use k8lint::base::value::Value;
use k8lint::cli::{CheckArgs, CheckFormat};

/// Runs `k8lint check` in the process and returns what it prints.
pub fn check_text(args: &CheckArgs) -> String {
    let mut out = Vec::new();
    app::check(args, &mut out, &mut Vec::new()).unwrap_or_else(|e| panic!("check failed: {e}"));
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Runs `k8lint check --format json` in the process and returns the parsed report, or the
/// error that stopped the run.
pub fn try_check_json(args: CheckArgs) -> Result<Value, Fatal> {
    let args = CheckArgs {
        format: CheckFormat::Json,
        ..args
    };
    let mut out = Vec::new();
    app::check(&args, &mut out, &mut Vec::new())?;
    Ok(serde_json::from_slice(&out).expect("the JSON report parses"))
}

/// Runs `k8lint check --format json` in the process and returns the parsed report.
pub fn check_json(args: CheckArgs) -> Value {
    try_check_json(args).unwrap_or_else(|e| panic!("check failed: {e}"))
}

/// The diagnostics of a JSON report.
pub fn diagnostics(report: &Value) -> &[Value] {
    report["diagnostics"].as_array().map_or(&[], Vec::as_slice)
}

/// Writes `text` to `dir/name`, creating the parent folders, and returns the path.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create the parent folder");
    }
    std::fs::write(&path, text).expect("write the file");
    path
}

/// Every file below `dir`, recursively, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}
