//! The repository is the sandbox: a config cannot name files outside it, values files are
//! read only if they are regular files under the size limit; the command line stays free.

use std::fs;

use super::k8lint;

const TEMPLATE: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  v: '${{ values.token }}'\n";

/// A repository (a git work tree) next to a secret outside it.
fn repo_beside_secret() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::write(dir.path().join("secrets.yaml"), "token: hunter2\n").unwrap();
    fs::write(repo.join("t.yaml"), TEMPLATE).unwrap();
    (dir, repo)
}

#[test]
fn a_config_cannot_name_files_outside_the_repository() {
    let (dir, repo) = repo_beside_secret();
    let secret = dir.path().join("secrets.yaml");
    for (values, why) in [
        ("../secrets.yaml".to_owned(), "is outside the repository"),
        (secret.display().to_string(), "is outside the repository"),
    ] {
        fs::write(
            repo.join(".k8lint.yaml"),
            format!("values: [\"{values}\"]\n"),
        )
        .unwrap();
        let (code, out, err) = k8lint(&repo, &["check", "t.yaml", "--format", "short"]);
        assert_eq!(code, Some(2), "{values}: {out}{err}");
        assert!(
            err.contains(".k8lint.yaml:1:10: ") && err.contains(why),
            "{err}"
        );
        assert!(!out.contains("hunter2") && !err.contains("hunter2"));
    }
    for key in ["policies", "context"] {
        fs::write(repo.join(".k8lint.yaml"), format!("{key}: [\"/etc\"]\n")).unwrap();
        let (code, _, err) = k8lint(&repo, &["check", "t.yaml"]);
        assert_eq!(code, Some(2), "{key}: {err}");
        assert!(err.contains("`/etc` is outside the repository"), "{err}");
    }
    // A symbolic link inside the repository that leads out of it.
    std::os::unix::fs::symlink(&secret, repo.join("values.yaml")).unwrap();
    fs::write(repo.join(".k8lint.yaml"), "values: [values.yaml]\n").unwrap();
    let (code, _, err) = k8lint(&repo, &["check", "t.yaml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("through a symbolic link"), "{err}");
    // The command line is the CI author's: it may name any file.
    fs::remove_file(repo.join(".k8lint.yaml")).unwrap();
    let secret = secret.display().to_string();
    let (code, _, err) = k8lint(&repo, &["render", "t.yaml", "--values", &secret]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn values_files_must_be_small_regular_files() {
    let (_dir, repo) = repo_beside_secret();
    let (code, _, err) = k8lint(&repo, &["render", "t.yaml", "--values", "/dev/zero"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("values file /dev/zero: not a regular file"),
        "{err}"
    );
    let fifo = repo.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, _, err) = k8lint(&repo, &["render", "t.yaml", "--values", "fifo.yaml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("values file fifo.yaml: not a regular file"),
        "{err}"
    );
    fs::write(
        repo.join("big.yaml"),
        format!("token: {}\n", "x".repeat(2000)),
    )
    .unwrap();
    let (code, _, err) = k8lint(
        &repo,
        &[
            "render",
            "t.yaml",
            "--values",
            "big.yaml",
            "--max-file-size",
            "1000",
        ],
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("values file big.yaml: the file is 2008 bytes, over the limit of 1000 bytes"),
        "{err}"
    );
}

#[test]
fn a_walk_counts_symlinks_and_never_follows_them() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let outside = dir.path().join("outside");
    fs::create_dir_all(repo.join("sub")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    let cm = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{k: v}}\n")
    };
    fs::write(repo.join("sub/real.yaml"), cm("real")).unwrap();
    fs::write(outside.join("stolen.yaml"), cm("stolen")).unwrap();
    std::os::unix::fs::symlink("sub/real.yaml", repo.join("inside.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.join("stolen.yaml"), repo.join("out.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", repo.join("dangling.yaml")).unwrap();
    let (code, out, err) = k8lint(&repo, &["check", ".", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let report: k8lint::base::value::Value = serde_json::from_str(&out).unwrap();
    // One object: the real file, read once; nothing from outside.
    assert_eq!(report["summary"]["objects"], 1, "{out}");
    assert_eq!(
        err,
        "k8lint: skipped 4 symbolic link(s) in the walk (not followed):\n\
         \x20 ./dangling.yaml: it leads outside the walked folder: refused\n\
         \x20 ./inside.yaml: its target is inside the walked folder, checked there if it is a manifest\n\
         \x20 ./linked-dir: it leads outside the walked folder: refused\n\
         \x20 ./out.yaml: it leads outside the walked folder: refused\n"
    );
    // Named on the command line, a link is followed: its author chose it.
    let (code, out, _) = k8lint(&repo, &["check", "out.yaml", "--format", "json"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("\"objects\": 1"), "{out}");
}
