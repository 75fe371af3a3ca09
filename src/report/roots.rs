//! Where reported files are, relative to the repository: SARIF's `%SRCROOT%` and GitHub's
//! annotations both name files from the repository root, whatever directory k8lint ran in.

use std::path::{Component, Path, PathBuf};

/// Where artifact URIs are made relative to: the repository root, found from the working
/// directory (the nearest ancestor with `.git`), else the working directory itself.
#[derive(Debug, Clone)]
pub struct Roots {
    /// The working directory, against which relative file names are resolved.
    pub cwd: PathBuf,
    /// The directory `%SRCROOT%` stands for.
    pub srcroot: PathBuf,
}

impl Roots {
    /// Finds the roots of the current process.
    pub fn discover() -> Roots {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let srcroot = cwd
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map_or_else(|| cwd.clone(), Path::to_path_buf);
        Roots { cwd, srcroot }
    }

    /// A reported file name as a `/`-separated path from the root; `Err` holds the
    /// absolute path of a file outside the root.
    pub fn relative(&self, file: &str) -> Result<String, String> {
        let absolute = normalize(&self.cwd.join(file));
        match absolute.strip_prefix(&self.srcroot) {
            Ok(relative) => Ok(relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")),
            Err(_) => Err(absolute.to_string_lossy().replace('\\', "/")),
        }
    }
}

/// Removes `.` and resolves `..` without touching the file system (symbolic links
/// stay as the user named them).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
