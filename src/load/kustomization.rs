//! Which folders are kustomizations: the file names `kubectl kustomize` looks for.

use std::path::{Path, PathBuf};

/// The names of a kustomization file, in the order kustomize tries them.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of a folder, if it has one.
pub fn find_kustomization(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}
