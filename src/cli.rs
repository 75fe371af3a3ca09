//! The command line (a contract: flags are added, never removed). Definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::FailOn;

/// Kubernetes manifest compiler and policy linter.
#[derive(Debug, Parser)]
#[command(name = "k8lint", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
// Parsed once per process: the size of the largest variant (`check`'s flags) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests: schemas, wiring between objects, probes, policies.
    Check(CheckArgs),
    /// Print normalized manifests: templates evaluated, API defaults applied, in apply order.
    Render(RenderArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// List the embedded schemas: Kubernetes versions and the CRDs of common operators.
    Schemas(SchemasArgs),
    /// Draw the object graph: Ingress → Service → workloads → claims, config consumers.
    Graph(GraphArgs),
    /// Apply the mechanical fixes in place (comments and layout kept); `--diff` shows them.
    Fix(FixArgs),
    /// Serve the Language Server Protocol over stdio (for editors).
    Lsp,
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout.
    #[command(hide = true)]
    Man,
    /// Work with Rhai policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

/// `k8lint policy ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run each policy against its cases (`NAME.cases/` beside `NAME.rhai`).
    Test(PolicyTestArgs),
}

/// `k8lint policy test`.
#[derive(Debug, Args, Default)]
pub struct PolicyTestArgs {
    /// Policy directories or `.rhai` files (default: `policies` if it exists, else `.`).
    pub dirs: Vec<PathBuf>,
    /// Namespace of namespaced objects that name none.
    #[arg(long, value_name = "NS", default_value = "default")]
    pub namespace: String,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CheckFormat {
    /// Source snippets with the offending node underlined.
    #[default]
    Human,
    /// `file:line:col: severity[rule]: message`.
    Short,
    /// The stable JSON report.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: a test suite per file, a test case per object.
    Junit,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
}

/// The least severity `--min-severity` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Everything (the default).
    Info,
}

impl MinSeverity {
    /// As a severity.
    pub fn severity(self) -> crate::base::Severity {
        match self {
            MinSeverity::Error => crate::base::Severity::Error,
            MinSeverity::Warning => crate::base::Severity::Warning,
            MinSeverity::Info => crate::base::Severity::Info,
        }
    }
}

/// When to color the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `k8lint check`.
#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Files or directories to check (`-` for stdin). Default: the current directory.
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The Kubernetes release to check against.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Pod Security Standards level enforced where no Namespace label sets one
    /// (`privileged|baseline|restricted[:VERSION]`; default `baseline`).
    #[arg(long, value_name = "LEVEL[:VERSION]")]
    pub pod_security: Option<String>,
    /// Config file (default: `.k8lint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run rules (repeatable, or a comma-separated list).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub enable: Vec<String>,
    /// Do not run rules (repeatable, or a comma-separated list).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub disable: Vec<String>,
    /// A directory of Rhai policies to run besides the default ones (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Print only findings of this severity or above (the summary still counts all).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<MinSeverity>,
    /// Report only findings that are not in this baseline file (config `baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this run in a baseline file instead of reporting them.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Manifests used to resolve references, never reported on (repeatable).
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,
    /// Namespace of namespaced objects that name none.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Template values.
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Color.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    /// No summary line on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Largest file read, in bytes (default 67108864; config `limits.max-file-size`).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// The `helm` program that renders the Helm charts of a walk (default: the config's
    /// `helm`, else `helm` on PATH; without one, charts are reported, not rendered).
    #[arg(long, value_name = "PATH", conflicts_with = "no_helm")]
    pub helm: Option<PathBuf>,
    /// Do not render Helm charts, even with `helm` on PATH: report each one (`helm-chart`).
    #[arg(long)]
    pub no_helm: bool,
    /// Human format: how many findings of each rule are printed with their source
    /// snippets, notes and help; later ones print their heading and place only
    /// (a number, or `all`; default 3).
    #[arg(long, value_name = "N|all", value_parser = crate::report::human::Snippets::parse)]
    pub snippets_per_rule: Option<crate::report::human::Snippets>,
    /// Do not validate custom resources against the embedded CRDs of common operators
    /// (`k8lint schemas` lists them): only CRDs in the inputs or `--context` count.
    #[arg(long)]
    pub no_builtin_crds: bool,
    /// Apply the safe fixes first (as `k8lint fix`), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: apply the unsafe fixes too.
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// The re-run cache.
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Where `check` keeps per-object findings between runs.
#[derive(Debug, Args, Default, Clone)]
pub struct CacheArgs {
    /// Keep findings between runs in this folder (default: `K8LINT_CACHE_DIR`, else
    /// `k8lint` in the user's cache folder, e.g. `~/.cache/k8lint`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

/// `k8lint fix`.
#[derive(Debug, Args, Default)]
pub struct FixArgs {
    /// Files or directories to fix. Default: the current directory.
    pub paths: Vec<String>,
    /// Print a unified diff of the fixes instead of writing them (exit status 1 when
    /// there is one).
    #[arg(long)]
    pub diff: bool,
    /// Only the fixes of this rule (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Apply the unsafe fixes too (they change what the object does).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// The Kubernetes release to fix for (API migrations need it to serve the new version).
    #[command(flatten)]
    pub target: TargetArgs,
    /// Config file (default: `.k8lint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Manifests used to resolve references, never changed (repeatable).
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,
    /// Namespace of namespaced objects that name none.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// No summary line on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Values of `${{ }}` template expressions (`check` and `render`).
#[derive(Debug, Args, Default, Clone)]
pub struct ValuesArgs {
    /// A YAML file of template values (repeatable; later files are deep-merged over earlier ones).
    #[arg(long = "values", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Sets a value, typed as YAML 1.1 reads it (`--set replicas=3`, `--set debug=yes`; `1.10` is
    /// the number 1.1: use --set-string for such text) (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Sets a value as a string, whatever it looks like (repeatable; applied after `--set`).
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RenderFormat {
    /// A YAML stream.
    #[default]
    Yaml,
    /// A JSON `v1 List`.
    Json,
}

/// `k8lint render`.
#[derive(Debug, Args, Default)]
pub struct RenderArgs {
    /// Files or directories to render (`-` for stdin). Default: the current directory.
    pub paths: Vec<String>,
    /// Template values.
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Namespace of namespaced objects that name none.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Leave out the API server's defaults.
    #[arg(long)]
    pub no_defaults: bool,
    /// Also emit what the controllers create: pods, ReplicaSets, claims, Endpoints.
    #[arg(long)]
    pub expand: bool,
    /// Write one file per object under DIR (`<namespace>/<kind>-<name>.yaml`; cluster-scoped
    /// objects in `_cluster/`) instead of printing.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Replace a non-empty --output-dir.
    #[arg(long, requires = "output_dir")]
    pub force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: RenderFormat,
    /// Config file (default: `.k8lint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Manifests used to resolve references (the default StorageClass), never rendered.
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,
    /// Largest file read, in bytes (default 67108864; config `limits.max-file-size`).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
}

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RulesFormat {
    /// A table.
    #[default]
    Text,
    /// JSON.
    Json,
}

/// `k8lint rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: RulesFormat,
    /// A directory of Rhai policies to list besides the default ones (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Config file (default: `.k8lint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `k8lint schemas`.
#[derive(Debug, Args, Default)]
pub struct SchemasArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: RulesFormat,
}

/// `k8lint explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id.
    pub rule: String,
    /// A directory of Rhai policies whose rules can be explained too (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Config file (default: `.k8lint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GraphFormat {
    /// Graphviz (`dot -Tsvg`).
    #[default]
    Dot,
    /// A Mermaid flowchart (renders in GitHub markdown).
    Mermaid,
    /// Nodes and edges as JSON.
    Json,
}

/// `--kubernetes-version`, shared by the commands that run the checks.
#[derive(Debug, Args, Default, Clone)]
pub struct TargetArgs {
    /// Target Kubernetes version (`1.NN`); the default is the newest known.
    #[arg(long, value_name = "1.NN")]
    pub kubernetes_version: Option<String>,
}

/// `k8lint graph`.
#[derive(Debug, Args, Default)]
pub struct GraphArgs {
    /// Files or directories (`-` for stdin). Default: the current directory.
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
    /// Manifests used to resolve references, drawn but never checked (repeatable).
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,
    /// Namespace of namespaced objects that name none.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Config file (default: `.k8lint.yaml` in the current directory or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The Kubernetes release to check against (for the checks that color broken edges).
    #[command(flatten)]
    pub target: TargetArgs,
}

/// Shells `completions` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}

/// `k8lint completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: Shell,
}
