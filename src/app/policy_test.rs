//! `k8lint policy test`: runs each policy against its own cases, like `conftest verify`.
//!
//! The cases of `NAME.rhai` live beside it in `NAME.cases/`: each file (or directory,
//! checked as one repository) is a case, named `fires*` or `passes*` by convention. A
//! `# expect: ID` comment marks each line where the policy must report, checked exactly
//! per line; an object named `dont-fire…` must produce nothing; a `policy-error` always
//! fails the case. Only the policy under test runs. A `snapshots/` folder among the cases
//! is not a case: k8lint's own fixture tests keep their recorded findings there.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Selection};
use crate::compile::{self, Inputs};
use crate::config::Config;
use crate::load::{self, IgnoreGlobs};
use crate::policy::{POLICY_ERROR, Policy, PolicySet};
use crate::report::Report;
use crate::rules::Rule;
use crate::rules::input::Reported;
use crate::versions::KubeVersion;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The policy file.
    pub policy: String,
    /// The case path.
    pub case: String,
    /// What went wrong; empty when the case passed.
    pub problems: Vec<String>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The `.rhai` files of the given paths: files as given, directories' direct children.
pub fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(crate::policy::load::files_in(p)?);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

/// The case directory of a policy file: `NAME.cases/` beside `NAME.rhai`.
pub fn cases_dir(policy: &Path) -> PathBuf {
    policy.with_extension("cases")
}

/// The folder that holds a fixture folder's recorded findings; not a case.
pub const SNAPSHOTS: &str = "snapshots";

/// The cases of a case folder, sorted: every entry but [`SNAPSHOTS`]. A missing folder has
/// none. The rule fixture tests list their folders with this function too.
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.file_name() != SNAPSHOTS)
            .map(|e| e.path())
            .collect(),
        Err(_) => Vec::new(),
    };
    cases.sort();
    cases
}

/// Runs every case of every policy file; `None` results are policies without cases.
pub fn run(files: &[PathBuf], namespace: &str) -> Result<Vec<(String, Vec<CaseResult>)>, String> {
    let mut out = Vec::new();
    for file in files {
        let set = PolicySet::only(std::slice::from_ref(file))?;
        let name = crate::policy::load::read(file)?.name;
        let cases = cases(&cases_dir(file));
        let mut results = Vec::new();
        if let Some(b) = set.broken.first() {
            results.push(CaseResult {
                policy: name.clone(),
                case: String::new(),
                problems: vec![format!("the policy cannot be loaded: {}", b.message)],
            });
        } else if let Some(policy) = set.policies.first() {
            for case in cases {
                let problems = run_case(&set, policy, &case, namespace)?;
                results.push(CaseResult {
                    policy: name.clone(),
                    case: display(&case),
                    problems,
                });
            }
        }
        out.push((name, results));
    }
    Ok(out)
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_owned()
}

/// Checks one case with only the policy enabled and compares with its expectations.
fn run_case(
    set: &PolicySet,
    policy: &Arc<Policy>,
    case: &Path,
    namespace: &str,
) -> Result<Vec<String>, String> {
    let id = policy.meta.id;
    let found = load::collect(&[display(case)], false, &IgnoreGlobs::none());
    if let Some(e) = found.unreadable.first() {
        return Err(e.to_string());
    }
    let files = found.files;
    let case_files: Vec<PathBuf> = files.iter().filter_map(|f| f.path.clone()).collect();
    let inputs = Inputs {
        files,
        namespace: namespace.to_owned(),
        ..Inputs::default()
    };
    let compiled = compile::compile(&inputs).map_err(|e| e.to_string())?;
    let metas: Vec<Reported> = set.metas().into_iter().map(Reported).collect();
    // `pod-security` runs as in a default check, so that a policy that yields to it on a
    // field is tested that way too.
    let pod_security = crate::rules::find(crate::rules::security::POD_SECURITY.id);
    let known: Vec<&dyn Rule> = metas
        .iter()
        .map(|r| r as &dyn Rule)
        .chain(pod_security)
        .collect();
    let selection = Selection::new(
        &known,
        &Config::default(),
        &[
            id.to_owned(),
            POLICY_ERROR.id.to_owned(),
            crate::rules::security::POD_SECURITY.id.to_owned(),
        ],
        &[],
    )?;
    let (compiled, rules) = set.attach(compiled);
    let rules: Vec<&dyn Rule> = rules
        .iter()
        .map(AsRef::as_ref)
        .chain(pod_security)
        .collect();
    let diagnostics = check::run(
        &compiled,
        &rules,
        &selection,
        KubeVersion::newest(),
        true,
        &crate::semantics::pod_security::Settings::default(),
    );
    let report = Report::new(&compiled.graph, diagnostics, compiled.counts);

    let mut problems = Vec::new();
    let mut got: BTreeMap<(String, u32), Vec<String>> = BTreeMap::new();
    for f in &report.findings {
        let at = format!("{}:{}:{}", f.place.file, f.place.line, f.place.column);
        if f.rule == POLICY_ERROR.id {
            problems.push(format!("{at}: {}", f.message));
            continue;
        }
        if f.rule != id {
            continue;
        }
        if f.object
            .as_ref()
            .is_some_and(|o| o.name.starts_with("dont-fire"))
        {
            problems.push(format!(
                "{at}: reported on an object named dont-fire: {}",
                f.message
            ));
        }
        got.entry((f.place.file.clone(), f.place.line))
            .or_default()
            .push(f.message.clone());
    }
    let want = expectations(&case_files, id);
    for ((file, line), n) in &want {
        let found = got.get(&(file.clone(), *line)).map_or(0, Vec::len);
        if found != *n {
            problems.push(format!(
                "{file}:{line}: expected {n} finding(s) of {id}, got {found}"
            ));
        }
    }
    for ((file, line), messages) in &got {
        if !want.contains_key(&(file.clone(), *line)) {
            for m in messages {
                problems.push(format!("{file}:{line}: unexpected finding: {m}"));
            }
        }
    }
    Ok(problems)
}

/// `(file, line) → count` of `# expect: id` marks for the policy (a line may name it
/// more than once, for several findings).
pub fn expectations(files: &[PathBuf], id: &str) -> BTreeMap<(String, u32), usize> {
    let mut out = BTreeMap::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find("# expect:") else {
                continue;
            };
            let n = line[pos + "# expect:".len()..]
                .split(',')
                .filter(|s| s.trim() == id)
                .count();
            if n > 0 {
                out.insert((display(f), i as u32 + 1), n);
            }
        }
    }
    out
}

/// Prints results like `conftest verify`, and whether every case passed.
pub fn print(results: &[(String, Vec<CaseResult>)], out: &mut dyn Write) -> std::io::Result<bool> {
    let (mut passed, mut failed, mut untested) = (0, 0, 0);
    for (policy, cases) in results {
        if cases.is_empty() {
            untested += 1;
            let dir = cases_dir(Path::new(policy));
            writeln!(
                out,
                "?    {policy}: no cases (add them in {})",
                dir.display()
            )?;
        }
        for c in cases {
            if c.passed() {
                passed += 1;
                writeln!(out, "PASS {} {}", c.policy, c.case)?;
            } else {
                failed += 1;
                writeln!(out, "FAIL {} {}", c.policy, c.case)?;
                for p in &c.problems {
                    writeln!(out, "       {p}")?;
                }
            }
        }
    }
    writeln!(
        out,
        "\n{} case(s): {passed} passed, {failed} failed{}",
        passed + failed,
        if untested > 0 {
            format!(", {untested} polic(ies) without cases")
        } else {
            String::new()
        }
    )?;
    Ok(failed == 0)
}
