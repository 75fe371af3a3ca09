//! What `check` prints and what it leaves out: the human layout in each of its shapes,
//! `--min-severity`, and baselines (written, read back, edited input).

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use insta_cmd::get_cargo_bin;
use k8lint::base::value::Value;

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(get_cargo_bin("k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .env_remove("NO_COLOR")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("k8lint runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The human output of a check of `files` (written into a fresh folder), errors only.
fn human(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        common::write(dir.path(), name, text);
    }
    let out = run(
        &["check", ".", "--color", "never", "--min-severity", "error"],
        dir.path(),
    );
    stdout(&out)
}

const CONFIG_MAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  LISTEN_ADDR: \":8080\"
";

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
  - name: api
    image: ghcr.io/example/api:1.0.0
    env:
    - name: LOG_LEVEL
      valueFrom:
        configMapKeyRef:
          name: api-config
          key: LOG_LEVEL
";

#[test]
fn human_single_finding() {
    let text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    version: 1.10\n";
    insta::assert_snapshot!(human(&[("a.yaml", text)]));
}

#[test]
fn human_related_place_in_the_same_file() {
    let text = format!("{CONFIG_MAP}---\n{POD}");
    insta::assert_snapshot!(human(&[("app.yaml", &text)]));
}

#[test]
fn human_related_place_in_another_file() {
    insta::assert_snapshot!(human(&[("config.yaml", CONFIG_MAP), ("pod.yaml", POD)]));
}

#[test]
fn human_finding_without_an_object() {
    insta::assert_snapshot!(human(&[(
        "broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n"
    )]));
}

#[test]
fn human_long_line_is_cut_around_the_node() {
    // One line of minified JSON with the fault in its middle (issue 15: a 50 MB line was
    // printed whole).
    let filler = "x".repeat(200_000);
    let text = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"a\", \"annotations\": {{\"a\": \"{filler}\"}}, \"labels\": {{\"version\": 1.10}}}}, \"data\": {{\"b\": \"{filler}\"}}}}\n"
    );
    let out = human(&[("long.json", &text)]);
    assert!(out.len() < 2_000, "{} bytes", out.len());
    insta::assert_snapshot!(out);
}

#[test]
fn human_colors_the_severity_word_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "a.yaml",
        CONFIG_MAP.replace("\":8080\"", "1.10"),
    );
    let plain = stdout(&run(&["check", "a.yaml", "--color", "never"], dir.path()));
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let colored = stdout(&run(&["check", "a.yaml", "--color", "always"], dir.path()));
    assert!(colored.contains("\u{1b}[1;31merror\u{1b}[0m"), "{colored}");
}

/// Five ConfigMaps with the same mistyped label: five findings of one rule.
fn five_of_one_rule(dir: &Path) {
    let text: Vec<String> = (0..5)
        .map(|i| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  labels:\n    version: 1.10\n")
        })
        .collect();
    common::write(dir, "a.yaml", text.join("---\n"));
}

#[test]
fn human_prints_the_first_three_findings_of_a_rule_whole_and_the_rest_folded() {
    let dir = tempfile::tempdir().unwrap();
    five_of_one_rule(dir.path());
    let out = run(&["check", "a.yaml", "--color", "never"], dir.path());
    let printed = stdout(&out);
    insta::assert_snapshot!(printed);
    assert_eq!(printed.matches("error[yaml-implicit-type]").count(), 5);
    assert_eq!(printed.matches("help:").count(), 3, "{printed}");
    assert!(
        stderr(&out).contains(
            "; 2 printed without snippets after the first 3 of their rule (--snippets-per-rule all prints them)"
        ),
        "{}",
        stderr(&out)
    );
    // Every snippet on request, none folded; and a count of one.
    let all = run(
        &[
            "check",
            "a.yaml",
            "--color",
            "never",
            "--snippets-per-rule",
            "all",
        ],
        dir.path(),
    );
    assert_eq!(stdout(&all).matches("help:").count(), 5);
    assert!(
        !stderr(&all).contains("without snippets"),
        "{}",
        stderr(&all)
    );
    let one = run(
        &[
            "check",
            "a.yaml",
            "--color",
            "never",
            "--snippets-per-rule",
            "1",
        ],
        dir.path(),
    );
    assert_eq!(stdout(&one).matches("help:").count(), 1);
    let bad = run(
        &["check", "a.yaml", "--snippets-per-rule", "some"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("expected a number or `all`"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn min_severity_prints_less_and_the_summary_counts_everything() {
    let all = run(
        &["check", "tests/data/demo", "--format", "short"],
        Path::new("."),
    );
    let errors = run(
        &[
            "check",
            "tests/data/demo",
            "--format",
            "short",
            "--min-severity",
            "error",
        ],
        Path::new("."),
    );
    let printed = stdout(&errors);
    assert!(!printed.is_empty());
    assert!(printed.lines().all(|l| l.contains(": error[")), "{printed}");
    assert!(stdout(&all).lines().count() > printed.lines().count());
    // The same counts, and how many were not shown.
    let summary = stderr(&errors);
    let counts = stderr(&all);
    assert!(summary.starts_with(counts.trim_end()), "{summary}");
    assert!(
        summary.contains("; 14 below error not shown (--min-severity)"),
        "{summary}"
    );
    // The exit status is the same: --fail-on still sees every finding.
    assert_eq!(all.status.code(), errors.status.code());
    for format in ["json", "sarif", "junit", "github", "human"] {
        let out = run(
            &[
                "check",
                "tests/data/demo",
                "--format",
                format,
                "--min-severity",
                "error",
                "--color",
                "never",
            ],
            Path::new("."),
        );
        let text = stdout(&out);
        for rule in ["pdb-missing", "image-tag", "duplicate-env"] {
            assert!(
                !text.contains(rule) || format == "sarif",
                "{format}: {rule}"
            );
        }
        assert!(text.contains("config-key"), "{format}");
    }
    let json: Value = serde_json::from_slice(
        &run(
            &[
                "check",
                "tests/data/demo",
                "--format",
                "json",
                "--min-severity",
                "warning",
            ],
            Path::new("."),
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(json["summary"]["infos"], 11);
    assert_eq!(json["summary"]["hidden"], 11);
    assert_eq!(common::diagnostics(&json).len(), 9);
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
";

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

#[test]
fn a_baseline_hides_todays_findings_and_only_new_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::write(d, "deploy/web.yaml", DEPLOYMENT);
    common::write(d, "deploy/api.yaml", DEPLOYMENT.replace("web", "api"));
    let written = run(&["check", "deploy", "--write-baseline", "baseline.json"], d);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(stdout(&written).is_empty());
    assert!(stderr(&written).contains("to the baseline baseline.json"));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(d.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["version"], 1);
    assert!(
        baseline["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["object"] == "Deployment.apps default/web" && e["rule"] == "image-tag")
    );

    // The next run reports nothing, even with lines moved.
    common::write(
        d,
        "deploy/web.yaml",
        format!("# moved down\n# by two lines\n{DEPLOYMENT}"),
    );
    let next = run(
        &[
            "check",
            "deploy",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        d,
    );
    assert_eq!(next.status.code(), Some(0));
    let report = json_of(&next);
    assert!(common::diagnostics(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["baseline_gone"], 0);
    assert!(report["summary"]["baselined"].as_u64().unwrap() > 0);

    // One edited Deployment: only its new finding is reported, and the fixed one is gone.
    common::write(
        d,
        "deploy/web.yaml",
        DEPLOYMENT
            .replace("image: nginx", "image: nginx:1.27.2")
            .replace(
                "    spec:\n      containers:",
                "    spec:\n      hostNetwork: true\n      containers:",
            ),
    );
    let edited = run(
        &[
            "check",
            "deploy",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        d,
    );
    let report = json_of(&edited);
    let found = common::diagnostics(&report);
    assert!(!found.is_empty());
    for f in found {
        assert_eq!(f["object"]["name"], "web", "{f:#}");
        assert!(
            f["path"]
                .as_str()
                .unwrap()
                .starts_with("/spec/template/spec/hostNetwork"),
            "{f:#}"
        );
    }
    assert_eq!(report["summary"]["baseline_gone"], 1, "image-tag was fixed");
    let summary = stderr(&run(&["check", "deploy", "--baseline", "baseline.json"], d));
    assert!(summary.contains("1 baseline entry gone"), "{summary}");

    // The config's `baseline:` does the same, and is confined to the repository.
    common::write(d, ".k8lint.yaml", "baseline: baseline.json\n");
    let by_config = json_of(&run(&["check", "deploy", "--format", "json"], d));
    assert_eq!(
        by_config["summary"]["baselined"],
        report["summary"]["baselined"]
    );
    common::write(d, ".k8lint.yaml", "baseline: ../outside.json\n");
    let refused = run(&["check", "deploy"], d);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("outside the repository"));
}

#[test]
fn a_broken_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "a.yaml", DEPLOYMENT);
    common::write(dir.path(), "b.json", "{\"version\": 9, \"findings\": []}");
    let out = run(&["check", "a.yaml", "--baseline", "b.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("baseline version 9"),
        "{}",
        stderr(&out)
    );
    let out = run(&["check", "a.yaml", "--baseline", "none.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read baseline none.json"));
}
