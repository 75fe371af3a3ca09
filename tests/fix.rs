//! `k8lint fix`: the fixes of tests/data/fix (one file per kind of fix, the diff
//! snapshotted), and on every rule fixture: the fixed text parses, keeps every comment,
//! no longer has the fixed findings, and a second run changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8lint::app::{self, fix::FixRun};
use k8lint::cli::CheckArgs;
use k8lint::fix::Options;
use k8lint::yaml::{ParseLimits, ProblemKind, parse};

/// Copies files into a fresh folder.
fn copy(files: &[PathBuf]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let copies = files
        .iter()
        .map(|f| {
            let to = dir.path().join(f.file_name().expect("a file name"));
            std::fs::copy(f, &to).expect("copied");
            to
        })
        .collect();
    (dir, copies)
}

fn args(paths: &[PathBuf]) -> CheckArgs {
    CheckArgs {
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
        quiet: true,
        ..CheckArgs::default()
    }
}

fn fix(paths: &[PathBuf], unsafe_fixes: bool) -> FixRun {
    let options = Options {
        unsafe_fixes,
        rules: Vec::new(),
    };
    app::fix::run(&args(paths), &options, &mut std::io::sink()).expect("fix runs")
}

/// Findings per rule of a check over the paths.
fn findings(paths: &[PathBuf]) -> BTreeMap<String, usize> {
    let checked = app::compile_and_check(&args(paths), &mut std::io::sink()).expect("check");
    let mut out = BTreeMap::new();
    for d in &checked.diagnostics {
        *out.entry(d.rule.as_str().to_owned()).or_default() += 1;
    }
    out
}

fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.find('#').map(|i| l[i..].trim().to_owned()))
        .collect()
}

fn syntax_errors(text: &str) -> usize {
    parse(text, &ParseLimits::default())
        .problems
        .iter()
        .filter(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::ComplexKey))
        .count()
}

/// What every fix must hold: checked on the files after a run.
fn assert_sound(run: &FixRun, paths: &[PathBuf], unsafe_fixes: bool) {
    for (path, (old, new)) in &run.files {
        let name = path.display();
        assert!(
            syntax_errors(new) <= syntax_errors(old),
            "{name}: the fix broke the YAML:\n{new}"
        );
        // Every comment stays, but on the lines of an entry the fix removes.
        let diff = similar::TextDiff::from_lines(&**old, new.as_str());
        let mut deleted = std::collections::HashSet::new();
        for op in diff.ops() {
            if let similar::DiffOp::Delete {
                old_index, old_len, ..
            } = *op
            {
                deleted.extend(old_index..old_index + old_len);
            }
        }
        let kept = comments(new);
        for (i, line) in old.lines().enumerate() {
            for c in comments(line) {
                assert!(
                    deleted.contains(&i) || kept.contains(&c),
                    "{name}: comment `{c}` lost:\n{new}"
                );
            }
        }
        std::fs::write(path, new).expect("written");
    }
    // fix ∘ fix = fix.
    let again = fix(paths, unsafe_fixes);
    assert!(
        again.files.is_empty(),
        "a second run still changes {:?}",
        again.files.keys().collect::<Vec<_>>()
    );
}

fn unified(run: &FixRun, root: &Path) -> String {
    let mut out = String::new();
    for (path, (old, new)) in &run.files {
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let diff = similar::TextDiff::from_lines(&**old, new.as_str());
        out.push_str(
            &diff
                .unified_diff()
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string(),
        );
    }
    out
}

/// Findings per rule.
type Counts = BTreeMap<String, usize>;

fn case(name: &str, unsafe_fixes: bool) -> (String, Counts, Counts) {
    let (dir, paths) = copy(&[PathBuf::from(format!("tests/data/fix/{name}.yaml"))]);
    let before = findings(&paths);
    let run = fix(&paths, unsafe_fixes);
    let diff = unified(&run, dir.path());
    assert_sound(&run, &paths, unsafe_fixes);
    let after = findings(&paths);
    for (rule, n) in &run.applied {
        let left = after.get(rule).copied().unwrap_or(0);
        let had = before.get(rule).copied().unwrap_or(0);
        assert!(
            left + n <= had,
            "{name}: {rule}: {had} before, {n} fixed, {left} left"
        );
    }
    (diff, before, after)
}

#[test]
fn implicit_types_are_quoted_in_place() {
    let (diff, _, after) = case("yaml-implicit-type", false);
    assert!(!after.contains_key("yaml-implicit-type"));
    insta::assert_snapshot!("fix_yaml_implicit_type", diff);
}

#[test]
fn duplicate_keys_and_env_vars_go_only_when_equal() {
    let (diff, _, after) = case("yaml-duplicate-key", false);
    assert_eq!(after.get("yaml-duplicate-key"), Some(&1), "mode: a/b stays");
    insta::assert_snapshot!("fix_yaml_duplicate_key", diff);
    let (diff, _, after) = case("duplicate-env", false);
    assert_eq!(after.get("duplicate-env"), Some(&1), "MODE fast/slow stays");
    insta::assert_snapshot!("fix_duplicate_env", diff);
}

#[test]
fn ingress_migrates_to_networking_v1_block_and_flow() {
    let (diff, before, after) = case("ingress-v1beta1", false);
    assert_eq!(before.get("removed-api"), Some(&2));
    assert!(!after.contains_key("removed-api"));
    assert!(!after.contains_key("schema"), "{after:?}");
    insta::assert_snapshot!("fix_ingress_v1beta1", diff);
}

#[test]
fn pdb_cronjob_and_hpa_migrations_and_an_unsafe_one_withheld() {
    let (diff, _, after) = case("api-migrations", false);
    // The PDB with an empty selector selects every pod under policy/v1: unsafe.
    assert_eq!(after.get("removed-api"), Some(&1));
    assert!(!after.contains_key("schema"), "{after:?}");
    insta::assert_snapshot!("fix_api_migrations", diff);
}

#[test]
fn hardening_fixes_need_unsafe_fixes_and_path_type_does_not() {
    let (diff, _, after) = case("hardening", false);
    assert!(diff.contains("+            pathType: ImplementationSpecific"));
    assert!(!diff.contains("allowPrivilegeEscalation"));
    assert!(after.contains_key("capabilities"));
    let (diff, _, after) = case("hardening", true);
    assert!(!after.contains_key("capabilities"), "{after:?}");
    assert!(!after.contains_key("privilege-escalation"), "{after:?}");
    insta::assert_snapshot!("fix_hardening_unsafe", diff);
}

#[test]
fn a_file_that_does_not_parse_is_never_written() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("broken.yaml");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: yes\n  b: [\n";
    std::fs::write(&path, text).expect("written");
    let run = fix(std::slice::from_ref(&path), true);
    assert!(run.files.is_empty());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn every_rule_fixture_fixes_soundly() {
    // All fixtures in one folder, fixed in one run (a run per file would take minutes).
    let dir = tempfile::tempdir().expect("a temporary folder");
    for entry in std::fs::read_dir("testdata").expect("testdata") {
        let rule = entry.expect("entry").path();
        for f in std::fs::read_dir(&rule).into_iter().flatten().flatten() {
            let p = f.path();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".yaml") && (name.starts_with("fires") || name.starts_with("passes"))
            {
                let rule = rule
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let to = dir.path().join(format!("{rule}__{name}"));
                std::fs::copy(&p, &to).expect("copied");
            }
        }
    }
    let root = vec![dir.path().to_path_buf()];
    let run = fix(&root, true);
    assert!(run.applied.values().sum::<usize>() > 0);
    assert_sound(&run, &root, true);
}
