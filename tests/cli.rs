//! The command line as users see it: formats, exit statuses, stdin, config, determinism,
//! and bad input that must never panic.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn k8lint() -> Command {
    let mut c = Command::new(get_cargo_bin("k8lint"));
    c.env(
        "K8LINT_CACHE_DIR",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
    );
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str], cwd: &Path) -> Output {
    k8lint()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("k8lint runs")
}

const CLEAN: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
const DUPLICATE_KEY: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n  mode: slow\n";

#[test]
fn version_and_help() {
    let out = run(&["--version"], Path::new("."));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("k8lint "));
    let out = run(&["--help"], Path::new("."));
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["check", "rules", "explain"] {
        assert!(help.contains(cmd), "--help lists {cmd}");
    }
}

#[test]
fn demo_short() {
    assert_cmd_snapshot!(k8lint().args(["check", "tests/data/demo", "--format", "short"]));
}

#[test]
fn demo_json() {
    assert_cmd_snapshot!(k8lint().args(["check", "tests/data/demo", "--format", "json"]));
}

#[test]
fn demo_human() {
    assert_cmd_snapshot!(k8lint().args(["check", "tests/data/demo", "--color", "never"]));
}

#[test]
fn json_is_byte_identical_whatever_the_jobs() {
    // Every manifest of the repository's test data, as one walk.
    let check = |jobs: &str| {
        let args = [
            "check",
            "testdata",
            "tests/data",
            "policies",
            "--format",
            "json",
        ];
        run(&[&args[..], &["--jobs", jobs]].concat(), Path::new("."))
    };
    let one = check("1");
    for jobs in ["2", "4", "1"] {
        let other = check(jobs);
        assert_eq!(one.stdout, other.stdout, "--jobs {jobs}");
        assert_eq!(one.status.code(), other.status.code());
    }
}

#[test]
fn exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "clean.yaml", CLEAN);
    common::write(dir.path(), "dup.yaml", DUPLICATE_KEY);
    let code = |args: &[&str]| run(args, dir.path()).status.code();
    assert_eq!(code(&["check", "clean.yaml"]), Some(0));
    assert_eq!(code(&["check", "dup.yaml"]), Some(1));
    assert_eq!(code(&["check", "dup.yaml", "--fail-on", "never"]), Some(0));
    assert_eq!(
        code(&["check", "dup.yaml", "--disable", "yaml-duplicate-key"]),
        Some(0)
    );
    assert_eq!(code(&["check", "missing.yaml"]), Some(2));
    assert_eq!(
        code(&["check", "clean.yaml", "--disable", "no-such-rule"]),
        Some(2)
    );
    assert_eq!(
        code(&["check", "clean.yaml", "--kubernetes-version", "1.2"]),
        Some(2)
    );
    assert_eq!(code(&["explain", "no-such-rule"]), Some(2));
    assert_eq!(code(&["frobnicate"]), Some(2));
}

#[test]
fn fail_on_warning_counts_warnings() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # k8lint: ignore yaml-syntax\n",
    );
    // The unused suppression is an info: it fails only with --fail-on info.
    assert_eq!(
        run(&["check", "a.yaml", "--fail-on", "warning"], dir.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "a.yaml", "--fail-on", "info"], dir.path())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn unreadable_path_names_the_path_and_the_os_error() {
    assert_cmd_snapshot!(k8lint().args(["check", "testdata/no/such/dir"]));
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = k8lint()
        .args(["check", "-", "--format", "short"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(DUPLICATE_KEY.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "<stdin>:7:3: error[yaml-duplicate-key]: duplicate key `mode`: the later value silently replaces the earlier one\n"
    );
}

#[test]
fn empty_stdin_says_so() {
    let out = k8lint()
        .args(["check", "-", "--format", "short"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "<stdin>:1:1: error[missing-kind]: stdin is empty: no YAML document was read (did the command before the pipe print nothing or fail?)\n"
    );
}

#[test]
fn config_is_discovered_in_parent_directories() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        ".k8lint.yaml",
        "rules:\n  disable: [yaml-duplicate-key]\n",
    );
    common::write(dir.path(), "apps/dup.yaml", DUPLICATE_KEY);
    let out = run(&["check", "dup.yaml"], &dir.path().join("apps"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_config_is_exit_2_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        ".k8lint.yaml",
        "rules:\n  disable: [image-tag]\nfail_on: warning\n",
    );
    common::write(dir.path(), "a.yaml", CLEAN);
    let out = run(&["check", "a.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".k8lint.yaml:3:1: unknown config key `fail_on`"),
        "{err}"
    );
}

#[test]
fn severity_overrides_apply() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        ".k8lint.yaml",
        "rules:\n  severity:\n    yaml-duplicate-key: warning\n",
    );
    common::write(dir.path(), "dup.yaml", DUPLICATE_KEY);
    let out = run(&["check", "dup.yaml", "--format", "short"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning[yaml-duplicate-key]"));
}

#[test]
fn walks_respect_gitignore_and_hidden_directories() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), ".gitignore", "generated/\n");
    common::write(dir.path(), "generated/dup.yaml", DUPLICATE_KEY);
    common::write(dir.path(), ".hidden/dup.yaml", DUPLICATE_KEY);
    common::write(dir.path(), "app/ok.yaml", CLEAN);
    common::write(dir.path(), "app/values.yaml", "replicaCount: 2\n");
    let out = run(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let report: k8lint::base::value::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["skipped_files"], 1);
    assert_eq!(report["summary"]["objects"], 1);
}

/// Bad input never panics: each case is a diagnostic or exit status 2 with a message.
#[test]
fn bad_input_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    )
    .unwrap();
    fs::write(d.join("binary.yaml"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    fs::write(d.join("empty.yaml"), b"").unwrap();
    fs::create_dir(d.join("no-yaml")).unwrap();
    fs::write(d.join("no-yaml/readme.txt"), b"hello").unwrap();

    let out = run(&["check", "latin1.yaml", "--format", "short"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("latin1.yaml:4:12: error[yaml-syntax]: invalid UTF-8 at byte 52")
    );

    let out = run(&["check", "binary.yaml", "--format", "short"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("binary data"));

    let out = run(&["check", "empty.yaml", "--format", "short"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds no Kubernetes object"));

    let out = run(&["check", "no-yaml"], d);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no YAML or JSON files found"));

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("loop-b"), d.join("loop-a")).unwrap();
        std::os::unix::fs::symlink(d.join("loop-a"), d.join("loop-b")).unwrap();
        let out = run(&["check", "loop-a"], d);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("loop-a"));
        // In a walk, symlinks are not followed: the loop is simply not entered.
        let out = run(&["check", "."], d);
        assert_ne!(out.status.code(), Some(101), "no panic");
    }
}

#[test]
fn a_ten_megabyte_file_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  key: \"{}\"\n", "x".repeat(200)));
        i += 1;
    }
    common::write(dir.path(), "big.yaml", &text);
    let out = run(&["check", "big.yaml", "--format", "json"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: k8lint::base::value::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["objects"], i);
    let out = run(
        &[
            "check",
            "big.yaml",
            "--max-file-size",
            "1000000",
            "--format",
            "short",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("over the limit of 1000000 bytes"));
}

#[test]
fn rules_and_explain() {
    let out = run(&["rules", "--format", "json"], Path::new("."));
    assert!(out.status.success());
    let rules: k8lint::base::value::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "yaml-syntax" && r["severity"] == "error")
    );
    assert_cmd_snapshot!(k8lint().args(["explain", "duplicate-object"]));
}

#[test]
fn statistics_refuse_sarif_and_junit() {
    for format in ["sarif", "junit"] {
        let out = run(
            &[
                "check",
                "tests/data/demo",
                "--statistics",
                "--format",
                format,
            ],
            Path::new("."),
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}: nothing half-written");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--statistics cannot be written as"),
            "{format}"
        );
    }
}

#[test]
fn a_closed_pipe_stops_every_format_quietly() {
    use std::process::Stdio;
    for format in ["human", "short", "json", "sarif", "junit", "github"] {
        let args = ["check", "testdata", "--format", format, "--color", "never"];
        let expected = run(&args, Path::new(".")).status.code();
        let mut child = k8lint()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the report is written, as `| head -1` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), expected, "{format}: {stderr}");
        assert!(
            !stderr.contains("k8lint: error") && !stderr.contains("pipe"),
            "{format}: {stderr}"
        );
    }
}

#[test]
fn enable_and_disable_take_comma_lists() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "dup.yaml", DUPLICATE_KEY);
    let out = run(
        &[
            "check",
            "dup.yaml",
            "--disable",
            "yaml-duplicate-key,unused-suppression",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(
        &[
            "check",
            "dup.yaml",
            "--disable",
            "yaml-duplicate-key,no-such-rule",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_config_file_is_a_plain_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "clean.yaml", CLEAN);
    let out = run(
        &["check", "clean.yaml", "--config", "nope.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the config file nope.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains(":1:1"), "{stderr}");
}

#[test]
fn the_man_page_refers_to_no_other_page() {
    let out = run(&["man"], Path::new("."));
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(!page.contains("(1)"), "refers to another page:\n{page}");
    for command in ["K8LINT CHECK", "K8LINT POLICY TEST", "K8LINT EXPLAIN"] {
        assert!(page.contains(command), "{command}");
    }
    assert!(
        page.contains("min\\-severity"),
        "the options of check are listed"
    );
}

#[test]
fn rules_and_explain_know_the_policies_of_the_command_line_and_the_config() {
    let listed =
        |args: &[&str], cwd: &Path| String::from_utf8_lossy(&run(args, cwd).stdout).into_owned();
    let repo = std::env::current_dir().unwrap();
    let examples = repo.join("policies/examples");
    let examples = examples.to_str().unwrap();
    assert!(!listed(&["rules"], &repo).contains("deployment-pdb"));
    assert!(listed(&["rules", "--policies", examples], &repo).contains("deployment-pdb"));
    let out = run(
        &["explain", "deployment-pdb", "--policies", examples],
        &repo,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A config's `policies` too.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("mine")).unwrap();
    fs::copy(
        repo.join("policies/examples/deployment-pdb.rhai"),
        dir.path().join("mine/deployment-pdb.rhai"),
    )
    .unwrap();
    common::write(dir.path(), ".k8lint.yaml", "policies: [mine]\n");
    assert!(listed(&["rules"], dir.path()).contains("deployment-pdb"));
    assert!(
        run(&["explain", "deployment-pdb"], dir.path())
            .status
            .success()
    );
}

#[test]
fn render_refuses_a_label_that_check_rejects() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels:\n    version: ${{ values.image.tag }}\n",
    );
    let check = run(
        &["check", "app.yaml", "--set", "image.tag=1.10"],
        dir.path(),
    );
    assert_eq!(check.status.code(), Some(1));
    let render = run(
        &["render", "app.yaml", "--set", "image.tag=1.10"],
        dir.path(),
    );
    assert_eq!(render.status.code(), Some(1));
    assert!(render.stdout.is_empty());
    assert!(String::from_utf8_lossy(&render.stderr).contains("render stopped"));
    // As a string it renders.
    let render = run(
        &["render", "app.yaml", "--set-string", "image.tag=1.10"],
        dir.path(),
    );
    assert_eq!(render.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&render.stdout).contains("version: \"1.10\""));
}
