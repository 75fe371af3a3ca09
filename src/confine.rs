//! The repository is the sandbox: a path named by a repository's `.k8lint.yaml` (values,
//! policies, context) must stay inside the repository, so that a pull request cannot make
//! k8lint read a file of the machine it runs on (`/home/runner/.kube/config`,
//! `../../secrets.yaml`) and echo it into the report. The repository is the git work tree
//! holding the config (the nearest folder up with a `.git`), or else the config's folder.
//! Paths given on the command line are not confined: whoever wrote the CI job chose them.

use std::path::{Component, Path, PathBuf};

/// The root a config's paths must stay in: the git work tree around `config_dir`, or
/// `config_dir` itself (canonical, symlinks resolved).
pub fn root_of(config_dir: &Path) -> Option<PathBuf> {
    let dir = if config_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        config_dir
    };
    let dir = dir.canonicalize().ok()?;
    let git = dir
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf);
    Some(git.unwrap_or(dir))
}

/// Checks that `path` (already joined to the config's folder) stays inside `root`: its
/// lexical form (no `..` above the root, no absolute path elsewhere), and, when it
/// exists, its real location once every symlink is followed. The error says why.
pub fn check(root: &Path, path: &Path) -> Result<(), String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(e) => return Err(format!("cannot resolve `{}`: {e}", path.display())),
        }
    };
    // The lexical check first: it also covers paths that do not exist (yet).
    let shown = root.display();
    if !normalize(&absolute).starts_with(root) {
        return Err(format!(
            "`{}` is outside the repository ({shown}); a config may only name files inside it \
             (pass other files on the command line: --values, --policies, --context)",
            path.display()
        ));
    }
    if let Ok(real) = absolute.canonicalize() {
        if !real.starts_with(root) {
            return Err(format!(
                "`{}` leads outside the repository ({shown}) through a symbolic link, to `{}`; \
                 a config may only name files inside it",
                path.display(),
                real.display()
            ));
        }
    }
    Ok(())
}

/// `..` and `.` removed without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_pass_and_paths_outside_fail() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        assert!(check(&root, &root.join("sub/values.yaml")).is_ok());
        assert!(check(&root, &root.join("sub/../values.yaml")).is_ok());
        let e = check(&root, &root.join("../secrets.yaml")).unwrap_err();
        assert!(e.contains("is outside the repository"), "{e}");
        assert!(check(&root, Path::new("/etc/passwd")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_fails() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let root = root.canonicalize().unwrap();
        std::fs::write(dir.path().join("secret.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.yaml"), root.join("v.yaml")).unwrap();
        let e = check(&root, &root.join("v.yaml")).unwrap_err();
        assert!(e.contains("through a symbolic link"), "{e}");
    }
}
