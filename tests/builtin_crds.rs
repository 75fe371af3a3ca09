//! The embedded CRD catalog of the common operators: custom resources validated without
//! their CRDs, turned off by `--no-builtin-crds` or `builtin-crds: false`, replaced by a
//! CRD in the inputs or `--context`; and `k8lint schemas`, which lists it.

mod common;

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use k8lint::base::value::Value;
use k8lint::cli::CheckArgs;

const CERTIFICATE: &str = "\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web-tls
spec:
  secretName: web-tls
  dnsName: web.example.com
  issuerRef:
    name: letsencrypt
";

/// A CRD of the inputs for the same kind, whose schema knows `dnsName` and nothing of
/// `secretName`'s being required.
const OWN_CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: certificates.cert-manager.io
spec:
  group: cert-manager.io
  scope: Namespaced
  names: {kind: Certificate, plural: certificates}
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
                dnsName: {type: integer}
                secretName: {type: string}
                issuerRef: {type: object, x-kubernetes-preserve-unknown-fields: true}
";

fn findings(report: &Value) -> Vec<(String, String)> {
    common::diagnostics(report)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn check(dir: &Path, files: &[(&str, &str)], context: &[(&str, &str)], off: bool) -> Value {
    let paths = files
        .iter()
        .map(|(n, t)| common::write(dir, n, t).to_string_lossy().into_owned())
        .collect();
    let context = context
        .iter()
        .map(|(n, t)| common::write(dir, n, t).to_string_lossy().into_owned())
        .collect();
    common::check_json(CheckArgs {
        paths,
        context,
        no_builtin_crds: off,
        ..CheckArgs::default()
    })
}

#[test]
fn a_custom_resource_of_a_known_operator_is_validated_without_its_crd() {
    let dir = tempfile::tempdir().unwrap();
    let found = findings(&check(
        dir.path(),
        &[("cert.yaml", CERTIFICATE)],
        &[],
        false,
    ));
    assert!(
        found
            .iter()
            .any(|(r, m)| r == "schema" && m.contains("dnsName")),
        "{found:?}"
    );
    assert!(!found.iter().any(|(r, _)| r == "unknown-kind"), "{found:?}");
}

#[test]
fn no_builtin_crds_brings_unknown_kind_back() {
    let dir = tempfile::tempdir().unwrap();
    let found = findings(&check(dir.path(), &[("cert.yaml", CERTIFICATE)], &[], true));
    assert!(found.iter().any(|(r, _)| r == "unknown-kind"), "{found:?}");
    assert!(!found.iter().any(|(r, _)| r == "schema"), "{found:?}");
}

#[test]
fn the_config_key_turns_the_catalog_off() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), ".k8lint.yaml", "builtin-crds: false\n");
    let file = common::write(dir.path(), "cert.yaml", CERTIFICATE);
    let out = Command::new(get_cargo_bin("k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(&file)
        .current_dir(dir.path())
        .output()
        .expect("k8lint runs");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = findings(&report);
    assert!(found.iter().any(|(r, _)| r == "unknown-kind"), "{found:?}");
}

#[test]
fn a_crd_in_the_inputs_or_context_replaces_the_catalog() {
    for in_context in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let crd = [("crd.yaml", OWN_CRD)];
        let (files, context): (Vec<_>, Vec<_>) = if in_context {
            (vec![("cert.yaml", CERTIFICATE)], crd.to_vec())
        } else {
            (vec![("cert.yaml", CERTIFICATE), crd[0]], Vec::new())
        };
        let found = findings(&check(dir.path(), &files, &context, false));
        let schema: Vec<_> = found.iter().filter(|(r, _)| r == "schema").collect();
        // The input CRD's schema: `dnsName` is known there, and must be an integer.
        assert_eq!(schema.len(), 1, "{found:?}");
        assert!(schema[0].1.contains("integer"), "{found:?}");
    }
}

#[test]
fn a_version_the_catalog_does_not_serve_is_unknown_with_the_served_ones() {
    let dir = tempfile::tempdir().unwrap();
    let old = CERTIFICATE.replace("cert-manager.io/v1", "cert-manager.io/v1alpha2");
    let found = findings(&check(dir.path(), &[("cert.yaml", &old)], &[], false));
    let unknown: Vec<_> = found.iter().filter(|(r, _)| r == "unknown-kind").collect();
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert!(
        unknown[0].1.contains("cert-manager.io/v1") && unknown[0].1.contains("cert-manager"),
        "{unknown:?}"
    );
}

#[test]
fn schemas_lists_versions_and_operators() {
    assert_cmd_snapshot!(Command::new(get_cargo_bin("k8lint")).arg("schemas"));
    let out = Command::new(get_cargo_bin("k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .args(["schemas", "--format", "json"])
        .output()
        .expect("k8lint runs");
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let operators = doc["crds"].as_array().unwrap();
    for name in [
        "Gateway API",
        "cert-manager",
        "Prometheus operator",
        "Istio",
        "Argo CD",
        "Argo Rollouts",
        "Argo Workflows",
        "Strimzi",
        "Knative Serving",
        "Knative Eventing",
        "External Secrets",
        "Flux source-controller",
        "KEDA",
        "Kyverno",
        "Crossplane",
        "OpenShift",
    ] {
        let op = operators
            .iter()
            .find(|o| o["operator"] == name)
            .unwrap_or_else(|| panic!("{name} is not in the catalog"));
        assert_eq!(op["commit"].as_str().map(str::len), Some(40), "{name}");
        assert!(!op["kinds"].as_array().unwrap().is_empty(), "{name}");
    }
    // docs/crds.md is written by the same generator run as the catalog.
    let page = std::fs::read_to_string("docs/crds.md").unwrap();
    for op in operators {
        for k in op["kinds"].as_array().unwrap() {
            let kind = k["kind"].as_str().unwrap();
            assert!(page.contains(kind), "docs/crds.md lacks {kind}");
        }
        let pinned = format!("`{}`", op["version"].as_str().unwrap());
        assert!(page.contains(&pinned), "docs/crds.md lacks {pinned}");
    }
    assert!(
        doc["kubernetes"]["versions"]
            .as_array()
            .unwrap()
            .contains(&doc["kubernetes"]["default"])
    );
}
