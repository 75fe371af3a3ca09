//! Custom resources of many kinds, or many of one broken kind: what the schema rule keeps
//! and compiles per kind must not add up over the run.

use std::fmt::Write as _;
use std::fs;

use super::k8lint;
use super::run::measured;

/// A CRD whose `spec` has `props` string fields, of kind `W{i}`.
fn crd(text: &mut String, kind: &str, props: &str) {
    write!(
        text,
        "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: {plural}.example.com}}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {{kind: {kind}, plural: {plural}}}\n  versions: [{{name: v1, served: true, storage: true, schema: {{openAPIV3Schema: {{type: object, properties: {{spec: {{type: object, properties: {{{props}}}}}}}}}}}}}]\n",
        plural = format!("{}s", kind.to_lowercase()),
    )
    .unwrap();
}

/// Thousands of CRDs, each with one custom resource: every kind's validator (~38 KB, each
/// holding ObjectMeta's definitions) used to be kept to the end of the run: ~110 MB more
/// at 3,000 kinds than the ~90 MB the run needs, now each goes with its one object; on a
/// warm run, the same once compiled only to know whether it compiles.
#[test]
fn many_definitions_with_one_custom_resource_each() {
    const N: usize = 3_000;
    const MAX_RSS: u64 = 150 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        crd(&mut text, &format!("W{i}"), "f: {type: string}");
    }
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: example.com/v1\nkind: W{i}\nmetadata: {{name: w{i}}}\nspec: {{f: [x]}}\n"
        )
        .unwrap();
    }
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    // Twice with one cache: cold, then warm (the objects' findings come from the cache,
    // and the validators are compiled only to know that they compile).
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path().to_string_lossy();
    let args = [
        "check",
        "m.yaml",
        "--format",
        "short",
        "--fail-on",
        "never",
        "--cache-dir",
        &cache,
    ];
    for run in ["cold", "warm"] {
        let (_, out, err, usage) = measured(dir.path(), &args);
        let wrong_type = out
            .lines()
            .filter(|l| l.contains("[schema]") && l.contains("spec.f"))
            .count();
        assert_eq!(wrong_type, N, "{run}: {err}");
        assert!(usage.max_rss_bytes < MAX_RSS, "{run}: {usage:?}");
    }
}

/// A CRD whose schema does not compile, with thousands of custom resources after
/// thousands of other objects: each custom resource used to compile the schema again and
/// to look for the first object of its kind from the start.
#[test]
fn many_custom_resources_of_a_definition_that_does_not_compile() {
    const N: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let props: Vec<String> = (0..50)
        .map(|j| format!("f{j}: {{type: string, maxLength: {}}}", j + 1))
        .collect();
    let props = format!("{}, z: {{type: string, pattern: '('}}", props.join(", "));
    crd(&mut text, "W", &props);
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{a: b}}\n"
        )
        .unwrap();
    }
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: example.com/v1\nkind: W\nmetadata: {{name: w{i}}}\nspec: {{f0: x}}\n"
        )
        .unwrap();
    }
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    let broken: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("does not compile"))
        .collect();
    assert_eq!(broken.len(), 1, "{err}");
    assert!(
        broken[0].contains("CustomResourceDefinition ws.example.com gives example.com/v1/W"),
        "{}",
        broken[0]
    );
}
