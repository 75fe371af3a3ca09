//! A rule may report some findings at another severity than its default
//! (`Diagnostic::with_severity`); the configuration still decides for the whole rule.

mod common;

use k8lint::cli::CheckArgs;

const MANIFEST: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: \"app:1.0\"
      ports:
        - {name: http, containerPort: 8080}
        - {name: http, containerPort: 9090}
    - name: proxy
      image: \"envoy:1.30\"
      ports:
        - {name: proxy, containerPort: 8080}
";

/// The severities of duplicate-port's findings, in report order.
fn severities(config: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = common::write(dir.path(), "pod.yaml", MANIFEST);
    let config = config.map(|text| common::write(dir.path(), ".k8lint.yaml", text));
    let report = common::check_json(CheckArgs {
        paths: vec![manifest.to_string_lossy().into_owned()],
        config,
        max_file_size: Some(1024 * 1024),
        ..CheckArgs::default()
    });
    common::diagnostics(&report)
        .iter()
        .filter(|d| d["rule"] == "duplicate-port")
        .map(|d| d["severity"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_finding_keeps_its_own_severity_by_default() {
    assert_eq!(severities(None), ["error", "warning"]);
}

#[test]
fn a_configured_severity_applies_to_every_finding() {
    let config = "rules:\n  severity:\n    duplicate-port: info\n";
    assert_eq!(severities(Some(config)), ["info", "info"]);
}
