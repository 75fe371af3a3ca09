//! `--context` objects resolve references and bind claims first, but are never reported
//! on (issue 5): one repository checked against a cluster dump.

mod common;

use k8lint::base::value::Value;
use k8lint::cli::CheckArgs;

fn check(context: Vec<String>) -> Vec<Value> {
    let report = common::check_json(CheckArgs {
        paths: vec!["tests/context/inputs".to_owned()],
        context,
        max_file_size: None,
        ..CheckArgs::default()
    });
    // Only the wiring rules' findings matter here (not probes, policies, ...).
    common::diagnostics(&report)
        .iter()
        .filter(|d| {
            use k8lint::rules::Category;
            k8lint::rules::find(d["rule"].as_str().unwrap_or("")).is_some_and(|r| {
                matches!(
                    r.meta().category,
                    Category::Service | Category::Config | Category::Storage
                )
            })
        })
        .cloned()
        .collect()
}

fn brief(diagnostics: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["file"].as_str().unwrap_or("-"),
                d["line"],
                d["rule"].as_str().unwrap_or("-")
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn context_resolves_references_and_is_never_reported() {
    let found = check(vec!["tests/context/cluster".to_owned()]);
    assert_eq!(
        brief(&found),
        [
            "tests/context/inputs/app.yaml:16 config-key",
            "tests/context/inputs/app.yaml:21 pv-binding-conflict",
        ],
        "{found:#?}"
    );
    // The claim that took the PV is in the context: a related location, not a finding.
    let conflict = found
        .iter()
        .find(|d| d["rule"] == "pv-binding-conflict")
        .expect("conflict");
    assert!(
        conflict["message"]
            .as_str()
            .unwrap()
            .contains("claim old takes it first")
    );
    assert!(
        conflict["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["file"] == "tests/context/cluster/cluster.yaml")
    );
}

#[test]
fn without_context_the_references_are_unresolved() {
    let found = brief(&check(Vec::new()));
    for expected in [
        "tests/context/inputs/app.yaml:7 serviceaccount-ref",
        "tests/context/inputs/app.yaml:8 config-ref",
        "tests/context/inputs/app.yaml:14 config-ref",
        "tests/context/inputs/app.yaml:16 config-ref",
        "tests/context/inputs/app.yaml:44 service-no-pods",
        "tests/context/inputs/app.yaml:53 hpa-target",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} missing from {found:#?}"
        );
    }
    assert!(
        !found
            .iter()
            .any(|f| f.contains("config-key") || f.contains("pv-binding")),
        "{found:#?}"
    );
}
