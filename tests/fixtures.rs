//! Rule fixtures. Each rule keeps its cases in one folder, found by walking, never listed:
//! a built-in rule in `testdata/<rule-id>/`, a default policy beside its source in
//! `policies/<rule-id>.cases/` (where `k8lint policy test` reads them too). Every entry of
//! the folder but `snapshots/` is a case: a file, or a directory checked as one repository.
//! A `# expect: rule-id` comment marks each line where the rule must report, and nothing
//! else may be reported by it; objects named `dont-fire…` must produce nothing. The
//! findings of each case are also kept as an insta snapshot, `snapshots/<case>.snap` in
//! the rule's folder. A folder whose name is not a rule fails, as does a rule without
//! `fires*` and `passes*` cases.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8lint::app::policy_test::{SNAPSHOTS, cases};
use k8lint::base::value::Value;
use k8lint::cli::CheckArgs;
use k8lint::rules::RuleMeta;

/// Where built-in rules keep their fixtures.
const TESTDATA: &str = "testdata";
/// Where the default policies live, each with its `.cases` folder.
const POLICIES: &str = "policies";

/// Every rule with its fixture folder: the built-in rules, then the default policies.
fn rules() -> Vec<(&'static RuleMeta, PathBuf)> {
    let builtin = k8lint::rules::builtin()
        .into_iter()
        .map(|r| (r.meta(), Path::new(TESTDATA).join(r.meta().id)));
    let policies: Vec<_> = k8lint::policy::PolicySet::defaults()
        .policies
        .iter()
        .map(|p| {
            (
                p.meta,
                Path::new(POLICIES).join(format!("{}.cases", p.meta.id)),
            )
        })
        .collect();
    builtin.chain(policies).collect()
}

/// The subfolders of `dir`, sorted.
fn folders(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// Runs `k8lint check --format json` on one case with `rule` enabled.
fn check(case: &Path, rule: &str) -> Value {
    common::check_json(CheckArgs {
        paths: vec![display(case)],
        enable: vec![rule.to_owned()],
        // Charts are reported, never rendered by whatever `helm` the machine has.
        no_helm: true,
        ..CheckArgs::default()
    })
}

/// `file → line → rule ids expected there`, from `# expect:` comments.
fn expectations(files: &[PathBuf]) -> BTreeMap<(String, u64), Vec<String>> {
    let mut out = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("# expect:") {
                let ids: Vec<String> = line[pos + 9..]
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
                out.insert((display(f), i as u64 + 1), ids);
            }
        }
    }
    out
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn case_files(case: &Path) -> Vec<PathBuf> {
    if case.is_dir() {
        common::walk(case)
    } else {
        vec![case.to_path_buf()]
    }
}

/// One line per finding of `rule` (and its help and related locations), as snapshotted.
fn snapshot_line(d: &Value, rule: &str, out: &mut String) {
    out.push_str(&format!(
        "{}:{}:{}: {}[{rule}] {}: {}\n",
        d["file"].as_str().unwrap(),
        d["line"],
        d["column"],
        d["severity"].as_str().unwrap(),
        d["path"].as_str().unwrap_or("-"),
        d["message"].as_str().unwrap()
    ));
    if let Some(h) = d["help"].as_str() {
        out.push_str(&format!("    help: {h}\n"));
    }
    for r in d["related"].as_array().unwrap() {
        out.push_str(&format!(
            "    related {}:{}:{}: {}\n",
            r["file"].as_str().unwrap(),
            r["line"],
            r["column"],
            r["message"].as_str().unwrap()
        ));
    }
}

/// Checks every case of one rule's folder; returns the mismatches.
fn check_rule(rule: &str, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(dir)
            .join(SNAPSHOTS),
    );
    settings.set_prepend_module_to_snapshot(false);
    for case in cases(dir) {
        let report = check(&case, rule);
        let mut got: BTreeMap<(String, u64), Vec<String>> = BTreeMap::new();
        let mut snapshot = String::new();
        for d in common::diagnostics(&report) {
            if d["rule"] != rule {
                continue;
            }
            let file = d["file"].as_str().unwrap().to_owned();
            let line = d["line"].as_u64().unwrap();
            got.entry((file.clone(), line))
                .or_default()
                .push(rule.to_owned());
            if d["object"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("dont-fire"))
            {
                problems.push(format!(
                    "{file}:{line}: reported on an object named dont-fire: {}",
                    d["message"]
                ));
            }
            snapshot_line(d, rule, &mut snapshot);
        }
        let want: BTreeMap<(String, u64), Vec<String>> = expectations(&case_files(&case))
            .into_iter()
            .filter_map(|(k, ids)| {
                let mine: Vec<String> = ids.into_iter().filter(|i| i == rule).collect();
                (!mine.is_empty()).then_some((k, mine))
            })
            .collect();
        for (k, ids) in &want {
            let n = got.get(k).map_or(0, Vec::len);
            if n != ids.len() {
                problems.push(format!(
                    "{}:{}: expected {} finding(s) of {rule}, got {n}",
                    k.0,
                    k.1,
                    ids.len()
                ));
            }
        }
        for (k, ids) in &got {
            if !want.contains_key(k) {
                problems.push(format!(
                    "{}:{}: unexpected {} finding(s) of {rule}",
                    k.0,
                    k.1,
                    ids.len()
                ));
            }
        }
        let name = case
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        settings.bind(|| insta::assert_snapshot!(name, snapshot));
    }
    problems
}

#[test]
fn every_rule_fixture_matches_its_expectations() {
    let mut failures = Vec::new();
    for (meta, dir) in rules() {
        failures.extend(check_rule(meta.id, &dir));
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

/// A fixture folder under a name that is no rule would never run: a typo, or a rule that
/// was renamed or removed without its fixtures.
#[test]
fn every_fixture_folder_belongs_to_a_rule() {
    let mut stray = Vec::new();
    for dir in folders(TESTDATA) {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        if k8lint::rules::find(&id).is_none() {
            let hint = if k8lint::policy::find(&id).is_some() {
                format!("a default policy's cases live in {POLICIES}/{id}.cases/")
            } else {
                "not a built-in rule id".to_owned()
            };
            stray.push(format!("{}: {hint}", dir.display()));
        }
    }
    for dir in folders(POLICIES) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".cases") else {
            continue; // policies/examples: not shipped, tested by tests/policies.rs
        };
        if k8lint::policy::find(id).is_none() {
            stray.push(format!("{}: not a default policy id", dir.display()));
        }
    }
    assert!(
        stray.is_empty(),
        "stray fixture folders:\n{}",
        stray.join("\n")
    );
}

#[test]
fn every_rule_has_docs_and_fixtures() {
    let mut missing = Vec::new();
    for (m, dir) in rules() {
        let docs = m.docs_text();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            if !docs.contains(section) {
                missing.push(format!("{}: docs lack `{section}`", m.id));
            }
        }
        let names: Vec<String> = cases(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for kind in ["fires", "passes"] {
            if !names.iter().any(|n| n.starts_with(kind)) {
                missing.push(format!("{}: no {}/{kind}* case", m.id, dir.display()));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
