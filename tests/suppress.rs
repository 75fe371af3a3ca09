//! Suppression scoping: a `# k8lint: ignore` comment covers its node and everything under
//! it; annotations cover the object or only its pod template.

mod common;

use k8lint::cli::CheckArgs;

/// The rules these tests suppress; findings of other rules (advice such as a missing
/// liveness probe on these minimal pods) are beside the point.
const UNDER_TEST: [&str; 3] = [
    "yaml-duplicate-key",
    "duplicate-object",
    "unused-suppression",
];

/// `(line, rule)` of every finding of the rules under test for one file's text.
fn findings(text: &str) -> Vec<(u64, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "m.yaml", text);
    let report = common::check_json(CheckArgs {
        paths: vec![path.display().to_string()],
        ..CheckArgs::default()
    });
    common::diagnostics(&report)
        .iter()
        .filter(|d| UNDER_TEST.contains(&d["rule"].as_str().unwrap()))
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const TWO_CONTAINERS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: a # k8lint: ignore yaml-duplicate-key
    image: nginx:1
    image: nginx:2
  - name: b
    image: nginx:1
    image: nginx:2
";

#[test]
fn a_trailing_comment_covers_its_node_and_nothing_else() {
    assert_eq!(
        findings(TWO_CONTAINERS),
        [(12, "yaml-duplicate-key".to_owned())]
    );
}

#[test]
fn a_comment_on_the_line_above_covers_the_next_node() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: 1
  # k8lint: ignore yaml-duplicate-key

  a: 2
  b: 1
  b: 2
";
    // The comment covers the node below it (the second `a`), not its siblings.
    assert_eq!(findings(text), [(11, "yaml-duplicate-key".to_owned())]);
}

#[test]
fn a_comment_above_the_document_covers_all_of_it() {
    let text = "\
# k8lint: ignore yaml-duplicate-key
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: 1
  a: 2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
data:
  a: 1
  a: 2
";
    assert_eq!(findings(text), [(16, "yaml-duplicate-key".to_owned())]);
}

#[test]
fn an_object_annotation_covers_the_object() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    k8lint.io/ignore: all
";
    assert_eq!(findings(text), []);
}

#[test]
fn a_template_annotation_covers_only_the_template() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        k8lint.io/ignore: duplicate-object
    spec:
      containers: [{name: web, image: 'nginx:1'}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
";
    // The duplicate is reported at metadata.name, outside the template; the template's
    // annotation therefore suppressed nothing.
    assert_eq!(
        findings(text),
        [
            (11, "unused-suppression".to_owned()),
            (18, "duplicate-object".to_owned())
        ]
    );
}
