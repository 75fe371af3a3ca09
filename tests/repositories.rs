//! A repository as users run k8lint on it: from its root, from a subfolder, by absolute
//! path, with paths that do not exist.

use std::path::Path;
use std::process::{Command, Output};

const BROKEN_DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: other}\n    spec:\n      containers:\n        - name: web\n          image: web:1.0\n";

const CLEAN_CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a file has a folder")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn k8lint(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .current_dir(cwd)
        .args(["check", "--format", "short", "--quiet"])
        .args(args)
        .output()
        .expect("k8lint runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A repository whose config ignores `vendor/`, which holds a broken Deployment.
fn repo_with_ignored_vendor() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), ".k8lint.yaml", "ignore: ['vendor/**']\n");
    write(dir.path(), "vendor/broken.yaml", BROKEN_DEPLOYMENT);
    write(dir.path(), "app/settings.yaml", CLEAN_CONFIGMAP);
    dir
}

#[test]
fn ignore_globs_hold_for_a_relative_path() {
    let repo = repo_with_ignored_vendor();
    let out = k8lint(repo.path(), &["."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn ignore_globs_hold_for_an_absolute_path() {
    let repo = repo_with_ignored_vendor();
    let root = repo.path().to_string_lossy().into_owned();
    let out = k8lint(repo.path(), &[&root]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn ignore_globs_hold_from_a_subfolder() {
    let repo = repo_with_ignored_vendor();
    let out = k8lint(&repo.path().join("app"), &[".."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_path_outside_the_globs_is_still_checked() {
    let repo = repo_with_ignored_vendor();
    write(repo.path(), "app/broken.yaml", BROKEN_DEPLOYMENT);
    let root = repo.path().to_string_lossy().into_owned();
    let out = k8lint(repo.path(), &[&root]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("broken.yaml"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("vendor"), "{}", stdout(&out));
}

#[test]
fn a_missing_path_fails_the_run_after_checking_the_others() {
    let repo = tempfile::tempdir().expect("temp dir");
    write(repo.path(), "app/broken.yaml", BROKEN_DEPLOYMENT);
    let out = k8lint(repo.path(), &["does-not-exist", "app"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does-not-exist"), "{err}");
    assert!(
        stdout(&out).contains("selector-mismatch"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_path_alone_exits_2() {
    let repo = tempfile::tempdir().expect("temp dir");
    let out = k8lint(repo.path(), &["nothing-here.yaml"]);
    assert_eq!(out.status.code(), Some(2));
}
