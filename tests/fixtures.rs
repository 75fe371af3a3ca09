//! Rule fixtures: `testdata/<rule-id>/` holds cases (a file, or a directory checked as one
//! repository). A `# expect: rule-id` comment marks each line where the rule must report,
//! and nothing else may be reported by it; objects named `dont-fire…` must produce nothing.
//! The findings of each case are also kept as an insta snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8lint::app;
use k8lint::cli::{CheckArgs, CheckFormat};
use serde_json::Value;

/// Runs `k8lint check --format json` on one case with `rule` enabled.
fn check(paths: Vec<String>, rule: &str) -> Value {
    let args = CheckArgs {
        paths,
        format: CheckFormat::Json,
        enable: vec![rule.to_owned()],
        ..CheckArgs::default()
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    app::check(&args, &mut out, &mut err).unwrap_or_else(|e| panic!("check failed: {e}"));
    serde_json::from_slice(&out).expect("the JSON report parses")
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
        let mut files: Vec<PathBuf> = walk(case);
        files.sort();
        files
    } else {
        vec![case.to_path_buf()]
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Every case directory of a rule.
fn cases(rule_dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(rule_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    cases
}

fn check_rule(rule: &str) -> Result<(), String> {
    let dir = Path::new("testdata").join(rule);
    let mut problems = Vec::new();
    for case in cases(&dir) {
        let files = case_files(&case);
        let report = check(vec![display(&case)], rule);
        let expected = expectations(&files);
        let mut got: BTreeMap<(String, u64), Vec<String>> = BTreeMap::new();
        let mut snapshot = String::new();
        for d in report["diagnostics"].as_array().unwrap() {
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
            snapshot.push_str(&format!(
                "{file}:{line}:{}: {}[{rule}] {}: {}\n",
                d["column"],
                d["severity"].as_str().unwrap(),
                d["path"].as_str().unwrap_or("-"),
                d["message"].as_str().unwrap()
            ));
            if let Some(h) = d["help"].as_str() {
                snapshot.push_str(&format!("    help: {h}\n"));
            }
            for r in d["related"].as_array().unwrap() {
                snapshot.push_str(&format!(
                    "    related {}:{}:{}: {}\n",
                    r["file"].as_str().unwrap(),
                    r["line"],
                    r["column"],
                    r["message"].as_str().unwrap()
                ));
            }
        }
        let want: BTreeMap<(String, u64), Vec<String>> = expected
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
        let name = format!(
            "{rule}__{}",
            case.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_")
        );
        insta::assert_snapshot!(name, snapshot);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn every_rule_fixture_matches_its_expectations() {
    let mut failures = Vec::new();
    let mut rules: Vec<PathBuf> = std::fs::read_dir("testdata")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    rules.sort();
    for dir in rules {
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        let known = k8lint::rules::find(&rule).is_some() || k8lint::policy::find(&rule).is_some();
        if rule == "demo" || !known {
            continue;
        }
        if let Err(e) = check_rule(&rule) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_docs_and_fixtures() {
    let mut missing = Vec::new();
    for rule in k8lint::rules::builtin() {
        let m = rule.meta();
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
        let dir = Path::new("testdata").join(m.id);
        let names: Vec<String> = if dir.is_dir() {
            std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        } else {
            Vec::new()
        };
        if !names.iter().any(|n| n.starts_with("fires")) {
            missing.push(format!("{}: no testdata/{}/fires* case", m.id, m.id));
        }
        if !names.iter().any(|n| n.starts_with("passes")) {
            missing.push(format!("{}: no testdata/{}/passes* case", m.id, m.id));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
