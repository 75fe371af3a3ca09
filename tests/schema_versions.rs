//! Schemas end to end: CRDs given with `--context`, and `--kubernetes-version` choosing
//! the embedded schemas and the lifecycle of apiVersions.

use k8lint::app::{self, Fatal};
use k8lint::cli::{CheckArgs, CheckFormat, TargetArgs};
use serde_json::Value;

const CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
";

fn run(
    files: &[(&str, &str)],
    context: &[(&str, &str)],
    version: Option<&str>,
) -> Result<Value, Fatal> {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let paths = files.iter().map(|(n, t)| write(n, t)).collect();
    let context = context.iter().map(|(n, t)| write(n, t)).collect();
    let args = CheckArgs {
        paths,
        context,
        format: CheckFormat::Json,
        target: TargetArgs {
            kubernetes_version: version.map(str::to_owned),
        },
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    };
    let mut out = Vec::new();
    app::check(&args, &mut out, &mut Vec::new())?;
    Ok(serde_json::from_slice(&out).unwrap())
}

fn findings(report: &Value, rule: &str) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| {
            format!(
                "{}: {}",
                d["path"].as_str().unwrap_or("-"),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_crd_from_context_validates_custom_resources() {
    let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n";
    let report = run(&[("w.yaml", cr)], &[("crd.yaml", CRD)], None).unwrap();
    assert_eq!(
        findings(&report, "schema"),
        ["/spec/size: spec.size: expected integer, found string \"big\""]
    );
    assert!(findings(&report, "unknown-kind").is_empty());
    // Without the CRD nothing can be validated, and that is said once.
    let report = run(&[("w.yaml", cr)], &[], None).unwrap();
    assert!(findings(&report, "schema").is_empty());
    assert_eq!(findings(&report, "unknown-kind").len(), 1);
}

#[test]
fn the_target_version_decides_deprecated_and_removed() {
    let fs = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\nspec:\n  priorityLevelConfiguration: {name: p}\n";
    let old = run(&[("f.yaml", fs)], &[], Some("1.30")).unwrap();
    assert_eq!(findings(&old, "deprecated-api").len(), 1);
    assert!(findings(&old, "removed-api").is_empty());
    let new = run(&[("f.yaml", fs)], &[], Some("1.32")).unwrap();
    assert!(findings(&new, "deprecated-api").is_empty());
    assert_eq!(findings(&new, "removed-api").len(), 1);
    assert!(
        findings(&new, "schema").is_empty(),
        "a removed apiVersion is not schema-checked"
    );
}

#[test]
fn fields_are_checked_against_the_target_version() {
    // Pod-level `resources` arrived in 1.32: an unknown field before.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  resources: {limits: {cpu: 1}}\n  containers: [{name: c, image: busybox:1.36}]\n";
    let old = run(&[("p.yaml", pod)], &[], Some("1.31")).unwrap();
    assert_eq!(
        findings(&old, "schema"),
        ["/spec/resources: spec.resources: unknown field"]
    );
    let new = run(&[("p.yaml", pod)], &[], Some("1.32")).unwrap();
    assert!(findings(&new, "schema").is_empty());
}

#[test]
fn an_unknown_version_lists_the_known_ones() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    let Err(Fatal::Usage(message)) = run(&[("c.yaml", cm)], &[], Some("1.12")) else {
        panic!("expected a usage error");
    };
    for v in k8lint::versions::KNOWN {
        assert!(message.contains(v), "{message}");
    }
}
