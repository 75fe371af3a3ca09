//! `k8lint fix` and `check --fix`: passes of check → fix until nothing more is fixed, the
//! texts kept in memory between passes; then a diff, or each changed file written
//! atomically.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{CheckArgs, FixArgs};
use crate::fix::{self, Options};
use crate::load::Overlay;

use super::{Checked, Fatal, Outcome, compile_and_check_with};

/// Passes at most: a fix that makes another one possible (a `securityContext` added by one
/// and filled by the next) needs a second pass; more than a few means fixes that undo
/// each other, which must not loop forever.
const MAX_PASSES: usize = 8;

/// What the passes did.
#[derive(Debug, Default)]
pub struct FixRun {
    /// Each changed file: its text before and after.
    pub files: BTreeMap<PathBuf, (Arc<str>, String)>,
    /// Fixes applied, per rule.
    pub applied: BTreeMap<String, usize>,
    /// Findings whose fix was left out by the options, in the last pass.
    pub withheld: usize,
    /// Files left unchanged because their fixed text would not parse.
    pub broken: Vec<String>,
}

/// Runs the passes; writes nothing.
pub fn run(args: &CheckArgs, options: &Options, stderr: &mut dyn Write) -> Result<FixRun, Fatal> {
    let mut overlay = Overlay::default();
    let mut out = FixRun::default();
    let quiet = CheckArgs {
        paths: args.paths.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        config: args.config.clone(),
        target: args.target.clone(),
        pod_security: args.pod_security.clone(),
        enable: args.enable.clone(),
        disable: args.disable.clone(),
        policies: args.policies.clone(),
        values: args.values.clone(),
        max_file_size: args.max_file_size,
        jobs: args.jobs,
        quiet: true,
        ..CheckArgs::default()
    };
    for n in 0..MAX_PASSES {
        // Unreadable paths are said once, by the first pass.
        let mut sink = io::sink();
        let err: &mut dyn Write = if n == 0 { stderr } else { &mut sink };
        let Checked {
            compiled,
            diagnostics,
            version,
            ..
        } = compile_and_check_with(&quiet, &overlay, err)?;
        let graph = &compiled.graph;
        let pass = fix::pass(graph, version, &diagnostics, options);
        out.withheld = pass.withheld;
        for f in pass.broken {
            let name = graph.file(f).name.clone();
            if !out.broken.contains(&name) {
                out.broken.push(name);
            }
        }
        if pass.files.is_empty() {
            break;
        }
        for (id, fixed) in pass.files {
            let file = graph.file(id);
            let Some(path) = file.path.clone() else {
                continue;
            };
            if !out.files.contains_key(&path) {
                // A file whose bytes are not its text (a BOM, UTF-16) would not be
                // written back as it was read: left alone.
                let on_disk = std::fs::read(&path).unwrap_or_default();
                if on_disk != file.text().as_bytes() {
                    continue;
                }
                out.files.insert(path.clone(), (file.text(), String::new()));
            }
            for r in &fixed.rules {
                *out.applied.entry(r.clone()).or_default() += 1;
            }
            if let Some(entry) = out.files.get_mut(&path) {
                entry.1.clone_from(&fixed.text);
            }
            overlay.insert(path, Arc::from(fixed.text));
        }
    }
    out.files.retain(|_, (old, new)| **old != **new);
    Ok(out)
}

/// Writes every changed file (temp file + rename in its folder) and says what was done.
pub fn write(run: &FixRun, stderr: &mut dyn Write) -> Result<(), Fatal> {
    for (path, (_, new)) in &run.files {
        write_atomic(path, new).map_err(|e| {
            Fatal::Usage(format!(
                "{}: cannot write the fixed file: {e}",
                path.display()
            ))
        })?;
    }
    summary(run, "fixed", stderr)?;
    Ok(())
}

fn summary(run: &FixRun, verb: &str, stderr: &mut dyn Write) -> io::Result<()> {
    let total: usize = run.applied.values().sum();
    let per_rule: Vec<String> = run
        .applied
        .iter()
        .map(|(rule, n)| format!("{rule}: {n}"))
        .collect();
    write!(
        stderr,
        "k8lint: {verb} {total} finding(s) in {} file(s)",
        run.files.len()
    )?;
    if per_rule.is_empty() {
        writeln!(stderr)?;
    } else {
        writeln!(stderr, " ({})", per_rule.join(", "))?;
    }
    if run.withheld > 0 {
        writeln!(
            stderr,
            "k8lint: {} more fix(es) available with --unsafe-fixes",
            run.withheld
        )?;
    }
    for name in &run.broken {
        writeln!(
            stderr,
            "k8lint: {name}: not fixed: it does not parse, or its fixed text would not"
        )?;
    }
    Ok(())
}

/// Replaces a file by a new one renamed over it, so that a reader never sees half of it.
fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.k8lint-fix.{}", std::process::id()));
    let result = write_then_rename(&tmp, path, text);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_then_rename(tmp: &Path, path: &Path, text: &str) -> io::Result<()> {
    let mut f = std::fs::File::create(tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp, meta.permissions())?;
    }
    std::fs::rename(tmp, path)
}

/// `k8lint fix`.
pub fn command(
    args: &FixArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Fatal> {
    if args.paths.iter().any(|p| p == "-") {
        return Err(Fatal::Usage(
            "fix edits files in place: standard input cannot be fixed".to_owned(),
        ));
    }
    let known: Vec<&str> = crate::rules::builtin()
        .iter()
        .map(|r| r.meta().id)
        .collect();
    for r in &args.rules {
        if !known.contains(&r.as_str()) && r != "privilege-escalation" {
            return Err(Fatal::Usage(format!(
                "unknown rule `{r}` (see `k8lint rules`)"
            )));
        }
    }
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        config: args.config.clone(),
        target: args.target.clone(),
        ..CheckArgs::default()
    };
    let options = Options {
        unsafe_fixes: args.unsafe_fixes,
        rules: args.rules.clone(),
    };
    let run = run(&check_args, &options, stderr)?;
    if args.diff {
        for (path, (old, new)) in &run.files {
            let name = path.display().to_string();
            let name = name.strip_prefix("./").unwrap_or(&name);
            let diff = similar::TextDiff::from_lines(&**old, new.as_str());
            write!(
                stdout,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            )?;
        }
        stdout.flush()?;
        if !args.quiet {
            summary(&run, "would fix", stderr)?;
        }
        return Ok(if run.files.is_empty() {
            Outcome::Success
        } else {
            Outcome::Findings
        });
    }
    if args.quiet {
        for (path, (_, new)) in &run.files {
            write_atomic(path, new).map_err(|e| {
                Fatal::Usage(format!(
                    "{}: cannot write the fixed file: {e}",
                    path.display()
                ))
            })?;
        }
    } else {
        write(&run, stderr)?;
    }
    Ok(Outcome::Success)
}
