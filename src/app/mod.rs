//! The commands: wiring the pipeline stages together for `check`, `render`, `graph`,
//! `rules`, `explain`, `policy test`, `completions` and `man`.

pub mod fix;
pub mod policy_test;
pub mod schemas;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::CommandFactory;
use globset::{Glob, GlobSetBuilder};

use crate::base::{Diagnostic, Severity};
use crate::cache;
use crate::check::{self, Selection};
use crate::cli::{
    CheckArgs, CheckFormat, Cli, ColorChoice, CompletionsArgs, ExplainArgs, GraphArgs, GraphFormat,
    PolicyTestArgs, RenderArgs, RenderFormat, RulesArgs, RulesFormat, Shell, ValuesArgs,
};
use crate::compile::{self, Compiled, Inputs, Limits};
use crate::config::{self, Config, FailOn};
use crate::deadline;
use crate::graph::units::Declared;
use crate::helm::{self, Helm};
use crate::load::{self, IgnoreGlobs};
use crate::picture::{self, Picture};
use crate::policy::PolicySet;
use crate::progress::Progress;
use crate::render::{self, output, template::Templates};
use crate::report::baseline::Baseline;
use crate::report::roots::Roots;
use crate::report::{self, Report};
use crate::rules::input::Reported;
use crate::rules::{self, Category, Rule, RuleMeta};
use crate::versions::KubeVersion;

/// Stack size of worker threads, in bytes (reserved address space, not memory in use).
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: findings at or above `--fail-on`.
    Findings,
    /// Exit 2: the report is complete, but a rule failed on some object (a bug).
    InternalError,
    /// Exit 2: a path could not be read; the others were checked and reported.
    Unreadable,
}

/// A failure that ends the run with exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Fatal {
    /// Bad usage or config.
    #[error("{0}")]
    Usage(String),
    /// Reading inputs failed.
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// The config file is invalid.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// Writing the output failed.
    #[error("writing the report: {0}")]
    Io(#[from] io::Error),
}

/// A compiled and checked run: what `check` reports and `graph` draws.
pub struct Checked {
    /// The compiled input (shared with the policies' context).
    pub compiled: Arc<Compiled>,
    /// The findings, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The target Kubernetes version.
    pub version: KubeVersion,
    /// The config in force.
    pub config: Config,
    /// Every rule of the run (built-in rules, then policies): the SARIF driver's list.
    pub rules: Vec<&'static RuleMeta>,
    /// A path could not be read (said on stderr): the run ends with exit status 2.
    pub unreadable: bool,
    /// The run's worker threads (`--jobs`), for the work after the check and for the next
    /// check of the same workspace ([`Keep::workers`]).
    pub workers: Arc<rayon::ThreadPool>,
}

/// Loads the config and inputs, compiles them and runs the selected rules and policies:
/// the pipeline that every reporting command shares.
pub fn compile_and_check(args: &CheckArgs, stderr: &mut dyn Write) -> Result<Checked, Fatal> {
    compile_and_check_with(args, &load::Overlay::default(), stderr)
}

/// [`compile_and_check`] with some files' texts replaced (unsaved editor buffers, fixed
/// texts not yet written).
pub fn compile_and_check_with(
    args: &CheckArgs,
    overlay: &load::Overlay,
    stderr: &mut dyn Write,
) -> Result<Checked, Fatal> {
    let keep = Keep {
        overlay,
        parsed: None,
        findings: None,
        workers: None,
    };
    compile_and_check_keeping(args, &keep, stderr)
}

/// What a check of a workspace may take from the earlier checks of it: the editor's
/// server checks again on every change.
pub struct Keep<'a> {
    /// Texts read instead of the files on disk (unsaved buffers).
    pub overlay: &'a load::Overlay,
    /// The parses of the files whose text did not change.
    pub parsed: Option<Arc<compile::Reparse>>,
    /// The object-scoped findings of the unchanged objects of the compiled input.
    pub findings: Option<&'a KeptFindings>,
    /// The worker threads of the earlier checks, with the same `--jobs`. Threads started
    /// for each check would cost more than their start: what they allocated and the next
    /// check frees changes hands when they exit (mimalloc's abandoned pages), which took
    /// a third of a keystroke's CPU beside an operator's CRDs.
    pub workers: Option<Arc<rayon::ThreadPool>>,
}

/// The worker threads of a run: `jobs` of them, or one per core.
fn workers(jobs: Option<usize>) -> Result<rayon::ThreadPool, Fatal> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        // Parsing and checking recurse once per nesting level (bounded by the parser's
        // depth limit); give workers room for that depth even in debug builds.
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| Fatal::Usage(format!("cannot start worker threads: {e}")))
}

/// Gives a check of the compiled input the findings kept for its unchanged objects.
pub type KeptFindings = dyn Fn(&Compiled) -> Box<dyn check::Reuse> + Sync;

/// [`compile_and_check_with`], keeping what `keep` allows from the earlier checks; the
/// findings are the same as a fresh check's.
pub fn compile_and_check_keeping(
    args: &CheckArgs,
    keep: &Keep<'_>,
    stderr: &mut dyn Write,
) -> Result<Checked, Fatal> {
    let config = load_config(args.config.as_deref())?;
    let version = args
        .target
        .kubernetes_version
        .as_deref()
        .or(config.kubernetes_version.as_deref());
    let kubernetes_version = match version {
        Some(v) => KubeVersion::resolve(v).map_err(Fatal::Usage)?,
        None => KubeVersion::newest(),
    };
    let pod_security = pod_security_settings(args.pod_security.as_deref(), &config)?;
    let builtin_crds = !args.no_builtin_crds && config.builtin_crds.unwrap_or(true);
    let builtin = rules::builtin();
    let policy_dirs: Vec<PathBuf> = args
        .policies
        .iter()
        .chain(&config.policies)
        .cloned()
        .collect();
    let policies = PolicySet::with_dirs(&policy_dirs).map_err(Fatal::Usage)?;
    let policy_metas: Vec<Reported> = policies.metas().into_iter().map(Reported).collect();
    let known: Vec<&dyn Rule> = builtin
        .iter()
        .copied()
        .chain(policy_metas.iter().map(|r| r as &dyn Rule))
        .collect();
    let selection =
        Selection::new(&known, &config, &args.enable, &args.disable).map_err(Fatal::Usage)?;
    let (mut inputs, unreadable) = inputs(
        &config,
        &args.paths,
        &args.context,
        args.namespace.as_deref(),
        &args.values,
        args.max_file_size,
        if args.no_helm {
            HelmChoice::Off
        } else {
            HelmChoice::Default(args.helm.as_deref())
        },
        stderr,
    )?;
    inputs.overlay = keep.overlay.clone();
    // A one-off run reads the parses kept by earlier runs; the editor keeps its own.
    if keep.parsed.is_none() && keep.findings.is_none() {
        inputs.parses = cache_dir(args)
            .map(|dir| Arc::new(compile::parses::ParseStore::new(dir, &inputs.limits.parse)));
    }
    let pool = match &keep.workers {
        Some(pool) => Arc::clone(pool),
        None => Arc::new(workers(args.jobs)?),
    };
    let progress = Progress::start(
        !args.quiet,
        format!("reading {} file(s)", inputs.files.len()),
    );
    let (compiled, diagnostics) = pool.install(|| -> Result<_, Fatal> {
        let compiled = compile::compile_reusing(&inputs, keep.parsed.as_deref())?;
        progress.set(format!(
            "checking {} object(s)",
            compiled.graph.objects.len()
        ));
        // Policies need their sources registered as files of the run, and share the
        // compiled input with the scripts' context.
        let (compiled, policy_rules) = policies.attach(compiled);
        let all_rules: Vec<&dyn Rule> = builtin
            .iter()
            .copied()
            .chain(policy_rules.iter().map(AsRef::as_ref))
            .collect();
        // An editor's kept findings, else the disk cache.
        let reuse = keep.findings.map(|f| f(&compiled));
        let cache = cache_dir(args).filter(|_| reuse.is_none()).map(|dir| {
            let fingerprint = cache::Fingerprint::new()
                .with("kubernetes-version", &kubernetes_version.to_string())
                .with("builtin-crds", &builtin_crds.to_string())
                .with("config", &format!("{config:?}"))
                .with("pod-security", &format!("{pod_security:?}"))
                .with("namespace", &inputs.namespace)
                .with("values", &format!("{:?}", inputs.templates))
                .with_crds(&compiled.graph);
            let fingerprint = policies
                .policies
                .iter()
                .filter(|p| p.meta.scope == rules::Scope::Object)
                .fold(fingerprint, |f, p| f.with(p.meta.id, &p.source.text));
            let mut ids = check::object_scoped(&all_rules, &selection);
            ids.push(rules::input::INTERNAL_ERROR.id);
            cache::Cache::open(
                dir,
                &compiled.graph,
                fingerprint.with("rules", &ids.join(",")),
                &ids,
            )
        });
        let diagnostics = check::run_reusing(
            &compiled,
            &all_rules,
            &selection,
            kubernetes_version,
            builtin_crds,
            &pod_security,
            reuse
                .as_deref()
                .or(cache.as_ref().map(|c| c as &dyn check::Reuse))
                .unwrap_or(&check::NoReuse),
        );
        if let Some(cache) = cache {
            cache.save();
        }
        if let Some(parses) = &inputs.parses {
            parses.finish();
        }
        Ok((compiled, diagnostics))
    })?;
    progress.finish();
    Ok(Checked {
        compiled,
        diagnostics,
        version: kubernetes_version,
        config,
        rules: known.iter().map(|r| r.meta()).collect(),
        unreadable,
        workers: pool,
    })
}

/// The cache folder of a run, unless `--no-cache`.
fn cache_dir(args: &CheckArgs) -> Option<&Path> {
    if args.cache.no_cache {
        return None;
    }
    args.cache.cache_dir.as_deref()
}

/// The Pod Security settings: the config's, with `--pod-security` replacing its level.
fn pod_security_settings(
    flag: Option<&str>,
    config: &Config,
) -> Result<crate::semantics::pod_security::Settings, Fatal> {
    let mut settings = config.pod_security.clone().unwrap_or_default();
    if let Some(text) = flag {
        settings.default = crate::semantics::pod_security::LevelVersion::parse(text)
            .map_err(|m| Fatal::Usage(format!("--pod-security: {m}")))?;
    }
    Ok(settings)
}

/// `k8lint check`.
pub fn check(
    args: &CheckArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Fatal> {
    // Statistics are a table (JSON with `--format json`): a SARIF or JUnit reader would
    // choke on it, so the combination is refused before anything is written.
    if args.statistics && matches!(args.format, CheckFormat::Sarif | CheckFormat::Junit) {
        return Err(Fatal::Usage(format!(
            "--statistics cannot be written as {}: use --format json for machine-read counts",
            match args.format {
                CheckFormat::Sarif => "SARIF",
                _ => "JUnit",
            }
        )));
    }
    if args.fix {
        let options = crate::fix::Options {
            unsafe_fixes: args.unsafe_fixes,
            rules: Vec::new(),
        };
        let run = fix::run(args, &options, stderr)?;
        fix::write(&run, stderr)?;
    }
    let Checked {
        mut compiled,
        diagnostics,
        config,
        rules: catalogue,
        unreadable,
        workers,
        ..
    } = compile_and_check(args, stderr)?;
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Error);
    let internal = diagnostics
        .iter()
        .any(|d| d.rule.as_str() == rules::input::INTERNAL_ERROR.id);
    // Nothing reads the objects' values after the check: the memory they hold is given
    // back before the findings are resolved, so that the report does not add to it (when
    // the compiled input is still shared, they are simply kept).
    let mut report = workers.install(|| {
        if let Some(c) = Arc::get_mut(&mut compiled) {
            c.graph.release_values();
        }
        Report::new(&compiled.graph, diagnostics, compiled.counts)
    });
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::of(&report.findings);
        std::fs::write(path, baseline.to_json())
            .map_err(|e| Fatal::Usage(format!("cannot write baseline {}: {e}", path.display())))?;
        if !args.quiet {
            writeln!(
                stderr,
                "k8lint: wrote {} finding(s) to the baseline {}",
                baseline.len(),
                path.display()
            )?;
        }
        std::mem::forget(compiled);
        return Ok(if internal {
            Outcome::InternalError
        } else if unreadable {
            Outcome::Unreadable
        } else {
            Outcome::Success
        });
    }
    // The command line's baseline is the CI author's; the config's is confined to the
    // repository (checked when the config was read).
    if let Some(path) = args.baseline.as_ref().or(config.baseline.as_ref()) {
        report.apply_baseline(&read_baseline(path)?);
    }
    // The exit status counts what is reported, hidden or not: `--min-severity` only
    // changes what is printed.
    let failed = report.findings.iter().any(|f| fail_on.fails(f.severity));
    if let Some(least) = args.min_severity {
        report.hide_below(least.severity());
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let written = write_report(args, &report, &catalogue, fail_on, color, &workers, stdout);
    match written {
        // `k8lint check | head` closes the pipe early: stop writing, end as the run would.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    // Machine-read formats stay alone on stdout; the summary goes to stderr for the others.
    let machine = matches!(
        args.format,
        CheckFormat::Json | CheckFormat::Sarif | CheckFormat::Junit
    );
    if !args.quiet && !machine {
        let mut line = summary(&report);
        if args.format == CheckFormat::Human && !args.statistics {
            let per_rule = snippets(args);
            let folded = report::human::folded(&report, per_rule);
            if let (report::human::Snippets::PerRule(n), true) = (per_rule, folded > 0) {
                line.push_str(&format!(
                    "; {folded} printed without snippets after the first {n} of their rule (--snippets-per-rule all prints them)"
                ));
            }
        }
        writeln!(stderr, "{line}")?;
    }
    drop(report);
    // The process is about to exit: freeing every node of the graph one by one would
    // only cost time (ripgrep does the same with its large structures).
    std::mem::forget(compiled);
    if internal {
        return Ok(Outcome::InternalError);
    }
    if unreadable {
        return Ok(Outcome::Unreadable);
    }
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

/// Writes the findings (or their statistics) in the chosen format.
fn write_report(
    args: &CheckArgs,
    report: &Report<'_>,
    catalogue: &[&'static RuleMeta],
    fail_on: FailOn,
    color: bool,
    workers: &rayon::ThreadPool,
    stdout: &mut dyn Write,
) -> io::Result<()> {
    // The standard output flushes at every newline: a report of 100,000 findings written
    // line by line would cost a system call per line (pretty JSON has one per field).
    let mut buffered = io::BufWriter::with_capacity(1 << 16, stdout);
    let stdout: &mut dyn Write = &mut buffered;
    if args.statistics {
        let options = report::statistics::Options {
            json: args.format == CheckFormat::Json,
        };
        report::statistics::write(report, catalogue, options, stdout)?;
    } else {
        match args.format {
            CheckFormat::Human => {
                let options = report::human::Options {
                    color,
                    snippets: snippets(args),
                };
                report::human::write(report, stdout, options)?;
            }
            CheckFormat::Short => report::short::write(report, stdout)?,
            CheckFormat::Json => report::json::write(report, workers, stdout)?,
            CheckFormat::Sarif => {
                report::sarif::write(report, catalogue, &Roots::discover(), stdout)?;
            }
            CheckFormat::Junit => {
                let options = report::junit::Options {
                    fail_at: fail_on.least(),
                };
                report::junit::write(report, options, stdout)?;
            }
            CheckFormat::Github => report::github::write(report, &Roots::discover(), stdout)?,
        }
    }
    stdout.flush()
}

/// How many findings of each rule the human format prints whole.
fn snippets(args: &CheckArgs) -> report::human::Snippets {
    args.snippets_per_rule
        .unwrap_or(report::human::Snippets::DEFAULT)
}

/// The summary line on stderr: every finding counted, then what was not printed.
fn summary(report: &Report<'_>) -> String {
    let c = report.counts;
    let mut line = format!(
        "k8lint: {} error(s), {} warning(s), {} info(s) in {} object(s), {} file(s)",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        c.objects,
        c.files,
    );
    if c.skipped_files > 0 {
        line.push_str(&format!(
            " ({} skipped: no objects to apply)",
            c.skipped_files
        ));
    }
    if let Some(least) = report.min_severity {
        line.push_str(&format!(
            "; {} below {least} not shown (--min-severity)",
            report.hidden()
        ));
    }
    if let Some(b) = report.baseline {
        line.push_str(&format!("; {} in the baseline not shown", b.matched));
        if b.gone > 0 {
            line.push_str(&format!(
                ", {} baseline entr{} gone (fixed: shrink the file with --write-baseline)",
                b.gone,
                if b.gone == 1 { "y" } else { "ies" }
            ));
        }
    }
    line
}

/// Reads a baseline file (exit status 2 when it cannot be used).
fn read_baseline(path: &Path) -> Result<Baseline, Fatal> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Fatal::Usage(format!("cannot read baseline {}: {e}", path.display())))?;
    Baseline::parse(&text).map_err(|m| Fatal::Usage(format!("baseline {}: {m}", path.display())))
}

/// `k8lint graph`: the typed graph as a picture, with broken references in red.
pub fn graph(
    args: &GraphArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Fatal> {
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        context: args.context.clone(),
        namespace: args.namespace.clone(),
        config: args.config.clone(),
        target: args.target.clone(),
        ..CheckArgs::default()
    };
    let checked = compile_and_check(&check_args, stderr)?;
    let graph = &checked.compiled.graph;
    let picture = Picture::build(graph, &checked.diagnostics, &rules::builtin());
    match args.format {
        GraphFormat::Dot => picture::dot::write(graph, &picture, stdout)?,
        GraphFormat::Mermaid => picture::mermaid::write(graph, &picture, stdout)?,
        GraphFormat::Json => picture::json::write(graph, &picture, stdout)?,
    }
    stdout.flush()?;
    Ok(if checked.unreadable {
        Outcome::Unreadable
    } else {
        Outcome::Success
    })
}

/// `k8lint completions SHELL`.
pub fn completions(args: &CompletionsArgs, stdout: &mut dyn Write) -> Result<Outcome, Fatal> {
    let mut cmd = Cli::command();
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "k8lint", stdout);
    Ok(Outcome::Success)
}

/// `k8lint man`: the man page, in roff. One page holds every command with its options:
/// clap_mangen's default would refer to `k8lint-check(1)` pages that nobody installs.
pub fn man(stdout: &mut dyn Write) -> Result<Outcome, Fatal> {
    let cmd = Cli::command();
    let page = clap_mangen::Man::new(cmd.clone());
    page.render_title(stdout)?;
    page.render_name_section(stdout)?;
    page.render_synopsis_section(stdout)?;
    page.render_description_section(stdout)?;
    let mut commands = Vec::new();
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = format!("k8lint {}", sub.get_name());
        if sub.has_subcommands() {
            for leaf in sub.get_subcommands().filter(|c| !c.is_hide_set()) {
                commands.push((format!("{name} {}", leaf.get_name()), leaf.clone()));
            }
        } else {
            commands.push((name, sub.clone()));
        }
    }
    for (name, sub) in commands {
        writeln!(stdout, ".SH \"{}\"", name.to_uppercase())?;
        let sub = sub.bin_name(name);
        let sub_page = clap_mangen::Man::new(sub);
        let mut text = Vec::new();
        sub_page.render_synopsis_section(&mut text)?;
        sub_page.render_description_section(&mut text)?;
        sub_page.render_options_section(&mut text)?;
        // The command's own headings become paragraphs of its section.
        let text = String::from_utf8_lossy(&text)
            .replace(".SH SYNOPSIS\n", ".PP\n")
            .replace(".SH DESCRIPTION\n", ".PP\n")
            .replace(".SH OPTIONS\n", ".PP\nOptions:\n");
        stdout.write_all(text.as_bytes())?;
    }
    page.render_version_section(stdout)?;
    Ok(Outcome::Success)
}

fn severity_name(meta: &RuleMeta) -> &'static str {
    meta.severity.map_or("off", Severity::as_str)
}

/// Every rule `rules` and `explain` know: the built-in rules, `policy-error`, the default
/// policies, those of `--policies` and those of the config's `policies` directories (as
/// `check` runs them).
fn catalogue(policies: &[PathBuf], config: Option<&Path>) -> Result<Vec<&'static RuleMeta>, Fatal> {
    let config = load_config(config)?;
    let dirs: Vec<PathBuf> = policies.iter().chain(&config.policies).cloned().collect();
    let policies = PolicySet::with_dirs(&dirs).map_err(Fatal::Usage)?;
    Ok(rules::builtin()
        .iter()
        .map(|r| r.meta())
        .chain(policies.metas())
        .collect())
}

/// Input bounds: defaults, then the config's `limits`, then `--max-file-size`.
fn limits(max_file_size: Option<u64>, config: &Config) -> Limits {
    let mut l = Limits::default();
    let get = |key: &str| config.limits.get(key).copied();
    let usize_of = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    l.max_file_bytes = max_file_size
        .or(get("max-file-size"))
        .unwrap_or(l.max_file_bytes);
    l.parse.max_documents = get("max-documents").map_or(l.parse.max_documents, usize_of);
    l.parse.max_alias_nodes = get("max-alias-nodes").map_or(l.parse.max_alias_nodes, usize_of);
    l.parse.max_scalar_bytes = get("max-scalar-bytes").map_or(l.parse.max_scalar_bytes, usize_of);
    l.parse.max_alias_bytes = get("max-alias-bytes").map_or(l.parse.max_alias_bytes, usize_of);
    if let Some(max) = get("max-input-bytes") {
        l.parse.run = Some(std::sync::Arc::new(crate::yaml::InputBudget::new(max)));
    }
    l.max_objects = get("max-objects").map_or(l.max_objects, usize_of);
    if let Some(kept) = get("kept-tree-bytes") {
        l.kept_trees = Some(std::sync::Arc::new(crate::yaml::InputBudget::new(kept)));
    }
    // Scripts' clocks are process-wide: the run's templates and policies share one budget.
    deadline::configure(
        get("script-call-ms").unwrap_or(deadline::DEFAULT_CALL_MS),
        get("script-run-ms").unwrap_or(deadline::DEFAULT_RUN_MS),
    );
    l
}

/// The config named on the command line, or the one found from the current directory.
fn load_config(path: Option<&Path>) -> Result<Config, Fatal> {
    Ok(match path {
        Some(path) => {
            // A config that cannot be read has no line to point at: say so plainly.
            if let Err(e) = std::fs::metadata(path) {
                return Err(Fatal::Usage(format!(
                    "cannot read the config file {}: {e}",
                    path.display()
                )));
            }
            config::load(path)?
        }
        None => match config::discover(Path::new(".")) {
            Some(path) => config::load(&path)?,
            None => Config::default(),
        },
    })
}

/// What to compile: the files of the paths and the context, the namespace, the values,
/// the `helm` that renders charts.
#[allow(clippy::too_many_arguments)]
fn inputs(
    config: &Config,
    paths: &[String],
    context: &[String],
    namespace: Option<&str>,
    values: &ValuesArgs,
    max_file_size: Option<u64>,
    helm: HelmChoice<'_>,
    stderr: &mut dyn Write,
) -> Result<(Inputs, bool), Fatal> {
    // Globs are written relative to the config file's folder, whatever path the run was
    // given (`check "$PWD"`, `check ..`).
    let base = config
        .source
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let globs = |what: &str, list: &[String]| -> Result<IgnoreGlobs, Fatal> {
        let mut b = GlobSetBuilder::new();
        for g in list {
            b.add(
                Glob::new(g).map_err(|e| Fatal::Usage(format!("config {what} glob `{g}`: {e}")))?,
            );
        }
        let set = b.build().map_err(|e| Fatal::Usage(e.to_string()))?;
        Ok(IgnoreGlobs::new(set, base))
    };
    let ignore = globs("ignore", &config.ignore)?;
    let mut units = Declared::default();
    for (name, list) in &config.units {
        units.push(name.clone(), globs(&format!("units.{name}"), list)?);
    }
    let paths = if paths.is_empty() {
        vec![".".to_owned()]
    } else {
        paths.to_vec()
    };
    let found = load::collect(&paths, false, &ignore);
    // Said, so that a symlinked manifest never passes unnoticed as checked.
    if !found.symlinks.is_empty() {
        writeln!(
            stderr,
            "k8lint: skipped {} symbolic link(s) in the walk (not followed):",
            found.symlinks.len()
        )?;
        for link in &found.symlinks {
            let what = if link.inside {
                "its target is inside the walked folder, checked there if it is a manifest"
            } else {
                "it leads outside the walked folder: refused"
            };
            let shown = link.path.display().to_string();
            writeln!(stderr, "  {}: {what}", crate::escape::line(&shown))?;
        }
    }
    let mut files = found.files;
    let mut unreadable = found.unreadable;
    let inputs_found = files.len();
    let context: Vec<String> = context
        .iter()
        .cloned()
        .chain(
            config
                .context
                .iter()
                .map(|p: &PathBuf| p.display().to_string()),
        )
        .collect();
    let found = load::collect(&context, true, &ignore);
    files.extend(found.files);
    unreadable.extend(found.unreadable);
    // An unreadable path is said now and fails the run at its end; the other paths are
    // still checked.
    for e in &unreadable {
        writeln!(stderr, "k8lint: error: {e}")?;
    }
    if inputs_found == 0 && unreadable.is_empty() {
        writeln!(
            stderr,
            "k8lint: no YAML or JSON files found in {}",
            paths.join(", ")
        )?;
    }
    // Values files of the config come first, so that the command line overrides them.
    let value_files: Vec<&Path> = config
        .values
        .iter()
        .chain(values.files.iter())
        .map(PathBuf::as_path)
        .collect();
    let limits = limits(max_file_size, config);
    let namespace = namespace.map(str::to_owned).or(config.namespace.clone());
    let helm = helm_settings(helm, config, values, namespace.clone(), &limits)?;
    let values = render::values::load(
        &value_files,
        &values.set,
        &values.set_string,
        limits.max_file_bytes,
    )
    .map_err(Fatal::Usage)?;
    let inputs = Inputs {
        files,
        namespace: namespace.unwrap_or_else(|| "default".to_owned()),
        limits,
        templates: Templates::new(values),
        overlay: load::Overlay::default(),
        units,
        helm,
        parses: None,
    };
    Ok((inputs, !unreadable.is_empty()))
}

/// Whether charts are rendered, as the command line says.
#[derive(Debug, Clone, Copy)]
enum HelmChoice<'a> {
    /// `--no-helm`.
    Off,
    /// `--helm PATH`, or the default.
    Default(Option<&'a Path>),
}

/// The `helm` that renders the charts of a walk: `--helm` (a path or a name, as the
/// command line's author wrote it), else the config's `helm` (a bare name, looked up on
/// PATH: a repository's config never names a program of its own), else `helm` on PATH,
/// else none. Charts get the command line's `--values`, `--set` and `--set-string` (the
/// config's `values` are for `${{ }}` expressions) and the run's namespace.
fn helm_settings(
    choice: HelmChoice<'_>,
    config: &Config,
    values: &ValuesArgs,
    namespace: Option<String>,
    limits: &Limits,
) -> Result<Option<Helm>, Fatal> {
    let HelmChoice::Default(cli) = choice else {
        return Ok(None);
    };
    let program = match (cli, &config.helm) {
        (Some(p), _) => {
            let given = p.to_string_lossy();
            Some(helm::find(&given).ok_or_else(|| {
                Fatal::Usage(format!(
                    "--helm {}: not found or not executable",
                    crate::escape::line(&given)
                ))
            })?)
        }
        (None, Some(name)) => Some(helm::find(name).ok_or_else(|| {
            Fatal::Usage(format!(
                "config `helm: {}`: no such program on PATH",
                crate::escape::line(name)
            ))
        })?),
        (None, None) => helm::find("helm"),
    };
    Ok(program.map(|program| Helm {
        program,
        values: values.files.clone(),
        set: values.set.clone(),
        set_string: values.set_string.clone(),
        namespace,
        timeout: std::time::Duration::from_millis(
            config
                .limits
                .get("helm-template-ms")
                .copied()
                .unwrap_or(helm::DEFAULT_TIMEOUT_MS),
        ),
        max_bytes: limits.max_file_bytes,
    }))
}

/// What `render` refuses, as `check` rates it: the errors of reading the input and of the
/// input rules and of names, labels and removed APIs, with the config's severities.
/// Field-level validation (`schema`, `api-validation`) is left to `check`: render's own
/// `--expand` output (Endpoints without IPs) must render again, and values render as typed.
fn render_blockers(compiled: &Compiled, config: &Config) -> Result<Vec<Diagnostic>, Fatal> {
    let policies = PolicySet::with_dirs(&config.policies).map_err(Fatal::Usage)?;
    let metas: Vec<Reported> = policies.metas().into_iter().map(Reported).collect();
    let builtin = rules::builtin();
    let known: Vec<&dyn Rule> = builtin
        .iter()
        .copied()
        .chain(metas.iter().map(|r| r as &dyn Rule))
        .collect();
    let selection = Selection::new(&known, config, &[], &[]).map_err(Fatal::Usage)?;
    let version = match config.kubernetes_version.as_deref() {
        Some(v) => KubeVersion::resolve(v).map_err(Fatal::Usage)?,
        None => KubeVersion::newest(),
    };
    let gate: Vec<&dyn Rule> = builtin
        .iter()
        .copied()
        .filter(|r| {
            r.meta().category == Category::Input
                || matches!(
                    r.meta().id,
                    "invalid-name" | "invalid-label" | "removed-api" | "schema"
                )
        })
        .collect();
    // Pod security is not among what render refuses: any settings do.
    let pod_security = crate::semantics::pod_security::Settings::default();
    Ok(check::run(
        compiled,
        &gate,
        &selection,
        version,
        config.builtin_crds.unwrap_or(true),
        &pod_security,
    )
    .into_iter()
    .filter(|d| d.severity == Severity::Error)
    // Of the schema's findings, those in labels and annotations: a value typed by
    // YAML 1.1 (`--set image.tag=1.10` as a label) is not a string there. Not the
    // rest of metadata: `--expand` output (ownerReferences without a uid) must
    // render again.
    .filter(|d| d.rule.as_str() != "schema" || in_labels(d))
    .collect())
}

/// Whether a finding is about an object's labels or annotations.
fn in_labels(d: &Diagnostic) -> bool {
    match &d.location {
        crate::base::Location::Object { pointer, .. } => {
            let p = pointer.as_str();
            p.starts_with("/metadata/labels/") || p.starts_with("/metadata/annotations/")
        }
        crate::base::Location::File { .. } => false,
    }
}

/// `k8lint render`.
pub fn render(
    args: &RenderArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Outcome, Fatal> {
    let config = load_config(args.config.as_deref())?;
    let (inputs, unreadable) = inputs(
        &config,
        &args.paths,
        &args.context,
        args.namespace.as_deref(),
        &args.values,
        args.max_file_size,
        HelmChoice::Default(None),
        stderr,
    )?;
    if unreadable {
        // Rendering part of the input would hand kubectl half the objects.
        writeln!(
            stderr,
            "k8lint: render stopped: a path could not be read; nothing was written"
        )?;
        return Ok(Outcome::Unreadable);
    }
    let compiled = compile::compile(&inputs)?;
    // A render with broken input would hand kubectl half the objects: print nothing.
    let errors = render_blockers(&compiled, &config)?;
    if !errors.is_empty() {
        let report = Report::new(&compiled.graph, errors, compiled.counts);
        let options = report::human::Options {
            color: false,
            snippets: report::human::Snippets::All,
        };
        report::human::write(&report, stderr, options)?;
        writeln!(
            stderr,
            "k8lint: render stopped: {} error(s) in the input; nothing was written",
            report.findings.len()
        )?;
        return Ok(Outcome::Findings);
    }
    let options = render::Options {
        defaults: !args.no_defaults,
        expand: args.expand,
    };
    let objects = render::render(&compiled.graph, options);
    let format = match args.format {
        RenderFormat::Yaml => output::Format::Yaml,
        RenderFormat::Json => output::Format::Json,
    };
    match &args.output_dir {
        Some(dir) => {
            let sources: Vec<&Path> = inputs
                .files
                .iter()
                .filter_map(|f| f.path.as_deref())
                .collect();
            output::check_not_input(dir, &sources).map_err(|e| Fatal::Usage(e.to_string()))?;
            let n = output::write_dir(&objects, dir, format, args.force)
                .map_err(|e| Fatal::Usage(e.to_string()))?;
            writeln!(stderr, "k8lint: wrote {n} object(s) to {}", dir.display())?;
        }
        None => {
            // Buffered: standard output flushes at every line otherwise.
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *stdout);
            output::write(&objects, format, &mut buffered)?;
            // Flushing the buffer flushes standard output under it.
            buffered.flush()?;
        }
    }
    Ok(Outcome::Success)
}

/// `k8lint rules`.
pub fn rules(args: &RulesArgs, stdout: &mut dyn Write) -> Result<Outcome, Fatal> {
    let all = catalogue(&args.policies, args.config.as_deref())?;
    match args.format {
        RulesFormat::Text => {
            let width = all.iter().map(|m| m.id.len()).max().unwrap_or(0);
            for m in &all {
                writeln!(
                    stdout,
                    "{:<width$}  {:<7}  {:<8}  {}",
                    m.id,
                    severity_name(m),
                    m.category.as_str(),
                    m.summary
                )?;
            }
        }
        RulesFormat::Json => {
            let list: Vec<_> = all
                .iter()
                .map(|m| {
                    crate::json!({
                        "id": m.id,
                        "severity": severity_name(m),
                        "category": m.category.as_str(),
                        "summary": m.summary,
                        "help": m.help,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *stdout, &list).map_err(io::Error::from)?;
            writeln!(stdout)?;
        }
    }
    Ok(Outcome::Success)
}

/// `k8lint explain`.
pub fn explain(args: &ExplainArgs, stdout: &mut dyn Write) -> Result<Outcome, Fatal> {
    let Some(m) = catalogue(&args.policies, args.config.as_deref())?
        .into_iter()
        .find(|m| m.id == args.rule)
    else {
        return Err(Fatal::Usage(format!(
            "unknown rule `{}` (see `k8lint rules`)",
            args.rule
        )));
    };
    writeln!(stdout, "# {}\n", m.id)?;
    writeln!(stdout, "{}\n", m.summary)?;
    writeln!(
        stdout,
        "Severity: {}. Category: {}.\n",
        severity_name(m),
        m.category
    )?;
    writeln!(stdout, "{}", m.docs_text().trim_end())?;
    if !m.help.is_empty() {
        writeln!(stdout, "\n## Fix\n{}", m.help)?;
    }
    Ok(Outcome::Success)
}

/// `k8lint policy test`: every case of every policy; exit 1 when one fails.
pub fn policy_test(args: &PolicyTestArgs, stdout: &mut dyn Write) -> Result<Outcome, Fatal> {
    let dirs = if args.dirs.is_empty() {
        let default = PathBuf::from("policies");
        vec![if default.is_dir() {
            default
        } else {
            PathBuf::from(".")
        }]
    } else {
        args.dirs.clone()
    };
    let files = policy_test::policy_files(&dirs).map_err(Fatal::Usage)?;
    if files.is_empty() {
        return Err(Fatal::Usage(format!(
            "no .rhai policies in {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let results = policy_test::run(&files, &args.namespace).map_err(Fatal::Usage)?;
    let passed = policy_test::print(&results, stdout)?;
    stdout.flush()?;
    Ok(if passed {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check given the worker threads of an earlier one runs on them: the editor's
    /// server starts its threads once, not on every keystroke.
    #[test]
    fn a_check_runs_on_the_workers_it_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cm.yaml");
        std::fs::write(
            &file,
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        )
        .unwrap();
        let args = CheckArgs {
            paths: vec![file.display().to_string()],
            quiet: true,
            cache: crate::cli::CacheArgs {
                no_cache: true,
                ..Default::default()
            },
            ..CheckArgs::default()
        };
        let overlay = load::Overlay::default();
        let mut keep = Keep {
            overlay: &overlay,
            parsed: None,
            findings: None,
            workers: None,
        };
        let first = compile_and_check_keeping(&args, &keep, &mut io::sink()).unwrap();
        keep.workers = Some(Arc::clone(&first.workers));
        let again = compile_and_check_keeping(&args, &keep, &mut io::sink()).unwrap();
        assert!(Arc::ptr_eq(&first.workers, &again.workers));
        assert_eq!(again.diagnostics, first.diagnostics);
        // Without them, a check starts its own.
        keep.workers = None;
        let own = compile_and_check_keeping(&args, &keep, &mut io::sink()).unwrap();
        assert!(!Arc::ptr_eq(&first.workers, &own.workers));
    }
}
