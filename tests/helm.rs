//! Helm charts rendered with `helm template` (tests/data/helm): a stand-in `helm` script
//! prints a known rendering with `# Source:` lines and records its arguments; the test puts
//! it on PATH or names it with `--helm`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use k8lint::base::value::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/helm")
}

fn stand_in(name: &str) -> PathBuf {
    data().join("stand-in").join(name)
}

/// Runs k8lint in tests/data/helm with PATH set to `path` and HOME to `home`.
fn k8lint(path: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8lint"))
        .current_dir(data())
        .env("PATH", path)
        .env("HOME", home)
        .args(args)
        .output()
        .expect("k8lint runs")
}

/// The JSON report's diagnostics, and the exit status.
fn check(path: &Path, home: &Path, extra: &[&str]) -> (Vec<Value>, Option<i32>) {
    let mut args = vec!["check", "repo", "--format", "json"];
    args.extend_from_slice(extra);
    let out = k8lint(path, home, &args);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "a JSON report ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let all = report["diagnostics"]
        .as_array()
        .cloned()
        .expect("diagnostics");
    (all, out.status.code())
}

fn of_rule<'a>(all: &'a [Value], rule: &str) -> Vec<&'a Value> {
    all.iter().filter(|d| d["rule"] == rule).collect()
}

/// PATH with only the stand-in's folder (the stand-in needs `cat` and `dirname` too).
fn path_with(dir: &Path) -> PathBuf {
    let system = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&system));
    PathBuf::from(std::env::join_paths(dirs).expect("a PATH"))
}

#[test]
fn a_rendered_chart_is_checked_at_its_template_paths() {
    let home = tempfile::tempdir().unwrap();
    let (all, _) = check(
        &path_with(&stand_in("ok")),
        home.path(),
        &["--fail-on", "never", "--set", "replicas=3"],
    );
    assert!(of_rule(&all, "helm-chart").is_empty(), "{all:#?}");
    // The Service's selector comes from the rendering; the finding names the template.
    let no_pods = of_rule(&all, "service-no-pods");
    assert_eq!(no_pods.len(), 1, "{all:#?}");
    let d = no_pods[0];
    assert_eq!(d["file"], "repo/web/templates/service.yaml");
    // Lines are the rendering's: its `# Source:` line is line 1, `selector:` line 7.
    assert_eq!(d["line"], 7, "{d:#?}");
    assert_eq!(d["unit"], "repo/web", "{d:#?}");
    let related: Vec<&Value> = d["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["file"] == "repo/web/Chart.yaml")
        .collect();
    assert_eq!(related.len(), 1, "{d:#?}");
    assert!(
        related[0]["message"]
            .as_str()
            .unwrap()
            .contains("from chart repo/web")
    );
    // The suppression comment of the template survives into the rendering.
    assert!(of_rule(&all, "image-tag").is_empty(), "{all:#?}");
    assert!(of_rule(&all, "unused-suppression").is_empty(), "{all:#?}");
    // helm was asked for the chart by absolute path, with the CRDs and the command line's
    // values, and nothing that fetches.
    let args = std::fs::read_to_string(home.path().join("helm-args")).expect("helm's args");
    let args: Vec<&str> = args.lines().collect();
    let chart = data().join("repo/web");
    assert_eq!(
        args,
        [
            "template",
            "web",
            chart.to_str().unwrap(),
            "--include-crds",
            "--set",
            "replicas=3"
        ]
    );
}

#[test]
fn helm_can_be_named_on_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    let helm = stand_in("ok").join("helm");
    // The stand-in needs `cat`: PATH keeps the system's folders, without any helm.
    let system = std::env::var_os("PATH").unwrap_or_default();
    let (all, code) = check(
        Path::new(&system),
        home.path(),
        &["--helm", helm.to_str().unwrap()],
    );
    assert!(of_rule(&all, "helm-chart").is_empty(), "{all:#?}");
    assert_eq!(of_rule(&all, "service-no-pods").len(), 1, "{all:#?}");
    // service-no-pods is a warning: the run passes at the default fail-on.
    assert_eq!(code, Some(0));
}

#[test]
fn a_chart_that_does_not_render_is_an_error_at_its_chart_yaml() {
    let home = tempfile::tempdir().unwrap();
    let (all, code) = check(&path_with(&stand_in("fail")), home.path(), &[]);
    let charts = of_rule(&all, "helm-chart");
    assert_eq!(charts.len(), 1, "{all:#?}");
    let d = charts[0];
    assert_eq!(d["file"], "repo/web/Chart.yaml");
    assert_eq!(d["severity"], "error");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("did not render"), "{message}");
    assert!(message.contains("exit status 1"), "{message}");
    assert!(message.contains("nil pointer"), "{message}");
    assert_eq!(code, Some(1));
    // Nothing of the chart was checked; the other files of the repository were.
    assert!(
        all.iter()
            .all(|d| d["file"] != "repo/web/templates/service.yaml")
    );
}

#[test]
fn without_helm_a_chart_is_reported_not_rendered() {
    let home = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let (all, code) = check(empty.path(), home.path(), &[]);
    let charts = of_rule(&all, "helm-chart");
    assert_eq!(charts.len(), 1, "{all:#?}");
    assert_eq!(charts[0]["severity"], "info");
    assert!(
        charts[0]["message"]
            .as_str()
            .unwrap()
            .contains("was not rendered")
    );
    assert_eq!(code, Some(0));
    // --no-helm says the same with a helm on PATH.
    let (all, _) = check(&path_with(&stand_in("ok")), home.path(), &["--no-helm"]);
    assert_eq!(of_rule(&all, "helm-chart").len(), 1, "{all:#?}");
    assert!(!home.path().join("helm-args").exists());
}

#[test]
fn a_config_never_names_a_helm_path() {
    let home = tempfile::tempdir().unwrap();
    let out = k8lint(
        &path_with(&stand_in("ok")),
        home.path(),
        &["check", "repo", "--config", "evil.k8lint.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("evil.k8lint.yaml:1:7"), "{stderr}");
    assert!(stderr.contains("bare command name"), "{stderr}");
    assert!(!home.path().join("helm-args").exists());
}

#[test]
fn a_helm_that_hangs_is_stopped_at_the_deadline() {
    let home = tempfile::tempdir().unwrap();
    let (all, code) = check(
        &path_with(&stand_in("slow")),
        home.path(),
        &["--config", "slow.k8lint.yaml"],
    );
    let charts = of_rule(&all, "helm-chart");
    assert_eq!(charts.len(), 1, "{all:#?}");
    let message = charts[0]["message"].as_str().unwrap();
    assert!(message.contains("ran longer than 300 ms"), "{message}");
    assert_eq!(charts[0]["severity"], "error");
    assert_eq!(code, Some(1));
}

#[test]
fn a_rendering_over_the_size_limit_is_an_error_at_its_chart_yaml() {
    let home = tempfile::tempdir().unwrap();
    let (all, code) = check(
        &path_with(&stand_in("ok")),
        home.path(),
        &["--max-file-size", "200"],
    );
    let charts = of_rule(&all, "helm-chart");
    assert_eq!(charts.len(), 1, "{all:#?}");
    let message = charts[0]["message"].as_str().unwrap();
    assert!(message.contains("more than 200 bytes"), "{message}");
    assert_eq!(code, Some(1));
}
