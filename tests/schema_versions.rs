//! Schemas end to end: CRDs given with `--context`, and `--kubernetes-version` choosing
//! the embedded schemas and the lifecycle of apiVersions.

mod common;

use k8lint::app::Fatal;
use k8lint::base::value::Value;
use k8lint::cli::{CheckArgs, TargetArgs};

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
        common::write(dir.path(), name, text)
            .to_string_lossy()
            .into_owned()
    };
    let paths = files.iter().map(|(n, t)| write(n, t)).collect();
    let context = context.iter().map(|(n, t)| write(n, t)).collect();
    common::try_check_json(CheckArgs {
        paths,
        context,
        target: TargetArgs {
            kubernetes_version: version.map(str::to_owned),
        },
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    })
}

fn findings(report: &Value, rule: &str) -> Vec<String> {
    common::diagnostics(report)
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

/// Env var names: strict before 1.32, any printable ASCII but `=` from 1.32, when the
/// RelaxedEnvironmentVariableValidation feature gate became on by default.
#[test]
fn api_validation_env_names_follow_the_target_version() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      env:\n        - {name: 1ST VAR, value: x}\n        - {name: A=B, value: y}\n";
    let old = run(&[("p.yaml", pod)], &[], Some("1.31")).unwrap();
    let old = findings(&old, "api-validation");
    assert_eq!(old.len(), 2, "{old:?}");
    assert!(old[0].starts_with("/spec/containers/0/env/0/name: spec.containers[0].env[0].name: Invalid value: \"1ST VAR\": a valid environment variable name must consist of alphabetic characters"), "{old:?}");
    let new = run(&[("p.yaml", pod)], &[], Some("1.32")).unwrap();
    assert_eq!(
        findings(&new, "api-validation"),
        [
            "/spec/containers/0/env/1/name: spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"
        ]
    );
}
