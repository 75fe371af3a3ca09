//! Kustomize patch files: partial objects that kustomize merges into others. They are never
//! applied on their own, so checking them as objects would report only noise (a
//! Deployment patch has no selector and no containers).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::InputPath;
use crate::yaml::{self, ParseLimits};

/// Names kustomize looks for.
const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The files that the walked Kustomizations list as patches, as they appear among `inputs`.
pub fn patch_files(inputs: &[InputPath]) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for input in inputs.iter().filter(|i| !i.explicit) {
        let Some(path) = &input.path else { continue };
        let is_kustomization = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| FILE_NAMES.contains(&n));
        if !is_kustomization {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        for doc in yaml::parse(&text, &ParseLimits::default()).documents {
            for rel in listed_patches(&doc.value) {
                out.insert(normalize(&dir.join(rel)));
            }
        }
    }
    out
}

/// Whether an input is one of `patches`.
pub fn is_patch(input: &InputPath, patches: &HashSet<PathBuf>) -> bool {
    !input.explicit
        && input
            .path
            .as_ref()
            .is_some_and(|p| patches.contains(&normalize(p)))
}

/// `patches[].path`, `patchesStrategicMerge[]` (file names; inline patches are skipped)
/// and `patchesJson6902[].path`.
fn listed_patches(k: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    let list = |key: &str| {
        k.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    for p in list("patches").iter().chain(list("patchesJson6902")) {
        match p {
            Value::String(s) => out.push(s.as_str()),
            other => out.extend(other.get("path").and_then(Value::as_str)),
        }
    }
    for p in list("patchesStrategicMerge") {
        if let Some(s) = p.as_str().filter(|s| !s.contains('\n')) {
            out.push(s);
        }
    }
    out
}

/// Lexical normalization: `a/./b/../c` → `a/c`.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_patch_form() {
        let k = serde_json::json!({
            "patches": [{"path": "a.yaml", "target": {"kind": "Deployment"}}, {"patch": "inline"}, "b.yaml"],
            "patchesStrategicMerge": ["c.yaml", "apiVersion: v1\nkind: X\n"],
            "patchesJson6902": [{"path": "d.yaml"}]
        });
        assert_eq!(listed_patches(&k), ["a.yaml", "b.yaml", "d.yaml", "c.yaml"]);
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("./o/prod/../base/./x.yaml")),
            PathBuf::from("o/base/x.yaml")
        );
    }
}
