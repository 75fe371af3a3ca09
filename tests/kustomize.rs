//! Kustomize conformance: each folder of `tests/data/kustomize/` is a kustomization with the
//! output of `kubectl kustomize` committed beside it (`expected.yaml`). k8lint's build,
//! rendered, must equal that output rendered. Where kubectl is installed, the committed
//! output is also checked against it (`K8LINT_REGENERATE=1` rewrites it).

use std::path::{Path, PathBuf};
use std::process::Command;

use k8lint::app;
use k8lint::base::value::Value;
use k8lint::cli::{CheckArgs, CheckFormat, RenderArgs};

fn render(path: &Path) -> String {
    let args = RenderArgs {
        paths: vec![path.to_string_lossy().into_owned()],
        no_defaults: true,
        ..RenderArgs::default()
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    app::render(&args, &mut out, &mut err)
        .unwrap_or_else(|e| panic!("render {} failed: {e}", path.display()));
    assert!(
        !out.is_empty() || err.is_empty(),
        "render {}: {}",
        path.display(),
        String::from_utf8_lossy(&err)
    );
    String::from_utf8_lossy(&out).into_owned()
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kustomize");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/data/kustomize exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    out.sort();
    out
}

fn kubectl() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn builds_equal_kubectl_kustomize() {
    let cases = cases();
    assert!(cases.len() >= 8, "the conformance cases are there");
    let mut failed = Vec::new();
    for case in &cases {
        let ours = render(case);
        let theirs = render(&case.join("expected.yaml"));
        if ours != theirs {
            failed.push(format!(
                "{}:\n--- kubectl kustomize\n{theirs}\n--- k8lint\n{ours}",
                case.display()
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn committed_expectations_are_kubectls() {
    if !kubectl() {
        eprintln!(
            "SKIPPED: kubectl is not installed; the committed expectations are not re-verified"
        );
        return;
    }
    let regenerate = std::env::var_os("K8LINT_REGENERATE").is_some();
    let mut stale = Vec::new();
    for case in cases() {
        let out = Command::new("kubectl")
            .arg("kustomize")
            .arg(&case)
            .output()
            .expect("kubectl runs");
        assert!(
            out.status.success(),
            "kubectl kustomize {}: {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = case.join("expected.yaml");
        if regenerate {
            std::fs::write(&expected, &out.stdout).expect("expected.yaml is written");
        } else if std::fs::read(&expected).ok().as_deref() != Some(&out.stdout[..]) {
            stale.push(case.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "expected.yaml differs from kubectl's output (K8LINT_REGENERATE=1 rewrites): {stale:?}"
    );
}

fn check(path: &Path) -> Value {
    let args = CheckArgs {
        paths: vec![path.to_string_lossy().into_owned()],
        format: CheckFormat::Json,
        ..CheckArgs::default()
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    app::check(&args, &mut out, &mut err).unwrap_or_else(|e| panic!("check failed: {e}"));
    serde_json::from_slice(&out).expect("the JSON report parses")
}

/// `(rule, file, line, related files)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, u64, Vec<String>)> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let related = f["related"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    format!(
                        "{} {}",
                        r["file"].as_str().unwrap_or(""),
                        r["message"].as_str().unwrap_or("")
                    )
                })
                .collect();
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["file"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64().unwrap_or(0),
                related,
            )
        })
        .collect()
}

#[test]
fn findings_point_at_the_line_that_made_the_value() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kustomize-mapping");
    let report = check(&root.join("overlays/prod"));
    let found = findings(&report);
    let at = |rule: &str| -> Vec<(String, u64, Vec<String>)> {
        found
            .iter()
            .filter(|f| f.0 == rule)
            .map(|f| {
                (
                    f.1.rsplit("kustomize-mapping/")
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                    f.2,
                    f.3.clone(),
                )
            })
            .collect()
    };
    // A fault only the patch introduces: at the patch's line.
    let privileged = at("probe-port");
    assert_eq!(privileged.len(), 1, "{found:?}");
    assert_eq!(
        (privileged[0].0.as_str(), privileged[0].1),
        ("overlays/prod/patch.yaml", 12)
    );
    // A fault of the base: at the base line, with the overlay as related location.
    let images = at("image-tag");
    let base = images
        .iter()
        .find(|f| f.0 == "base/deployment.yaml")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(base.1, 25);
    assert!(
        base.2
            .iter()
            .any(|r| r.contains(" built by ") && r.ends_with("overlays/prod/kustomization.yaml")),
        "{:?}",
        base.2
    );
    // An image set by `images:`: at that entry.
    assert!(
        images
            .iter()
            .any(|f| f.0 == "overlays/prod/kustomization.yaml" && f.1 == 7),
        "{found:?}"
    );
}

#[test]
fn build_metadata_and_vars_report_at_their_entries() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kustomize-metadata");
    let report = check(&root);
    let found: Vec<(String, u64)> = findings(&report)
        .into_iter()
        .filter(|f| f.0 != "service-no-pods")
        .map(|f| (f.0, f.2))
        .collect();
    // kubectl's kustomize writes `kustomize-(devel)`, which the API server refuses as a label
    // value: reported at the option that asked for it.
    assert!(
        found.contains(&("invalid-label".to_owned(), 4)),
        "{found:?}"
    );
    assert!(
        found.contains(&("kustomize-unsupported".to_owned(), 5)),
        "{found:?}"
    );
    assert!(
        found.contains(&("kustomize-error".to_owned(), 7)),
        "{found:?}"
    );
}

#[test]
fn values_from_inline_patches_point_at_their_line_in_the_kustomization() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kustomize-mapping");
    let report = check(&root.join("overlays/inline"));
    let lines = |rule: &str| -> Vec<(String, u64)> {
        findings(&report)
            .into_iter()
            .filter(|f| f.0 == rule)
            .map(|f| {
                let file = f.1.rsplit("kustomize-mapping/").next().unwrap_or("");
                (file.to_owned(), f.2)
            })
            .collect()
    };
    let kustomization = "overlays/inline/kustomization.yaml".to_owned();
    // The strategic-merge patch's probe port, line 16; the JSON patch's image, line 23.
    assert_eq!(lines("probe-port"), vec![(kustomization.clone(), 16)]);
    assert!(
        lines("image-tag").contains(&(kustomization, 23)),
        "{:?}",
        lines("image-tag")
    );
}
