//! Rendering Helm charts with the `helm` program: finding it, running `helm template`
//! bounded (a deadline, an output cap, no stdin, a minimal environment), and splitting its
//! output into the templates it came from by the `# Source:` lines.
//!
//! The output format is helm 3's (`pkg/action`, `renderResources`, and the `template`
//! command, which append the hooks the same way): every document is printed as
//! `---\n# Source: CHART/PATH\n<document>\n`, where `CHART/PATH` is the chart's name
//! followed by the template's path inside the chart (`CHART/charts/SUB/templates/x.yaml`
//! for a subchart, `CHART/crds/x.yaml` for a CRD with `--include-crds`). A document without
//! its own `# Source:` line belongs to the template named last.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Default of `limits.helm-template-ms`: how long one chart may take to render.
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;

/// The most of helm's error output kept for a finding's message.
const MAX_STDERR_BYTES: u64 = 64 * 1024;

/// How to run `helm template` on each chart of a run.
#[derive(Debug, Clone)]
pub struct Helm {
    /// The program.
    pub program: PathBuf,
    /// `--values` files, passed to every chart after the chart's own `values.yaml`.
    pub values: Vec<PathBuf>,
    /// `--set` assignments, in helm's own syntax.
    pub set: Vec<String>,
    /// `--set-string` assignments.
    pub set_string: Vec<String>,
    /// `--namespace`: the release's namespace.
    pub namespace: Option<String>,
    /// How long one chart may take.
    pub timeout: Duration,
    /// The largest output kept, in bytes.
    pub max_bytes: u64,
}

/// Why a chart did not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// helm could not be started.
    Spawn(String),
    /// helm failed; what it said on stderr.
    Exit {
        /// The exit status, when it exited rather than being killed by a signal.
        code: Option<i32>,
        /// The end of its error output.
        stderr: String,
    },
    /// helm ran past the deadline and was killed.
    Timeout(Duration),
    /// helm printed more than the limit and was killed.
    TooLarge(u64),
    /// helm printed something that is not UTF-8 text.
    NotText,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spawn(e) => write!(f, "`helm` could not be started: {e}"),
            Failure::Exit { code, stderr } => {
                match code {
                    Some(c) => write!(f, "`helm template` failed (exit status {c})")?,
                    None => write!(f, "`helm template` was killed by a signal")?,
                }
                if !stderr.is_empty() {
                    write!(f, ": {stderr}")?;
                }
                Ok(())
            }
            Failure::Timeout(t) => write!(
                f,
                "`helm template` ran longer than {} ms and was stopped (limits.helm-template-ms)",
                t.as_millis()
            ),
            Failure::TooLarge(max) => write!(
                f,
                "`helm template` printed more than {max} bytes and was stopped (raise it with --max-file-size)"
            ),
            Failure::NotText => write!(
                f,
                "`helm template` printed something that is not UTF-8 text"
            ),
        }
    }
}

/// Whether a name from a repository's config is a bare command name: no path separator,
/// not `.` or `..`, not an option. Only such a name is looked up on PATH; a path would let
/// the repository run a program of its own.
pub fn check_bare_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name.starts_with('-')
        || name.chars().any(char::is_control)
    {
        return Err(format!(
            "`helm` must be a bare command name looked up on PATH (like `helm` or `helm3`), never a path: `{}` is refused (a path can be given on the command line with --helm)",
            crate::escape::line(name)
        ));
    }
    Ok(())
}

/// Finds a program: a name without a separator is looked up in the absolute folders of
/// PATH (a relative entry such as `.` would run what the checked repository holds); a path
/// is taken as given. `None` when it is not there.
pub fn find(program: &str) -> Option<PathBuf> {
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let p = PathBuf::from(program);
        return is_executable(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// The release name a chart is rendered under: its folder's name made a valid release
/// name (lower-case letters, digits and `-`, at most 53 characters).
pub fn release_name(chart_dir: &Path) -> String {
    let folder = crate::load::absolute(chart_dir);
    let folder = folder
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(53);
    let name = name.trim_matches('-');
    if name.is_empty() {
        "release".to_owned()
    } else {
        name.to_owned()
    }
}

impl Helm {
    /// The arguments of `helm template` for a chart. The chart is passed as an absolute
    /// path, so helm never reads it as a repository reference; nothing that fetches
    /// (`--dependency-update`, `--repo`) is ever passed.
    pub fn args(&self, chart_dir: &Path) -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec![
            "template".into(),
            release_name(chart_dir).into(),
            crate::load::absolute(chart_dir).into(),
            // The chart's CRDs are applied with it: checked with it.
            "--include-crds".into(),
        ];
        if let Some(ns) = &self.namespace {
            args.push("--namespace".into());
            args.push(ns.into());
        }
        for v in &self.values {
            args.push("--values".into());
            args.push(v.into());
        }
        for s in &self.set {
            args.push("--set".into());
            args.push(s.into());
        }
        for s in &self.set_string {
            args.push("--set-string".into());
            args.push(s.into());
        }
        args
    }

    /// Renders a chart: helm's standard output, or why there is none.
    pub fn render(&self, chart_dir: &Path) -> Result<String, Failure> {
        let mut cmd = Command::new(&self.program);
        cmd.args(self.args(chart_dir))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A minimal environment: no kube config, no helm settings that point elsewhere,
        // no plugins (a plugin is a program of its own).
        cmd.env_clear();
        for key in ["PATH", "HOME", "TMPDIR"] {
            if let Some(v) = std::env::var_os(key) {
                cmd.env(key, v);
            }
        }
        cmd.env("HELM_NO_PLUGINS", "1");
        // Its own process group, so that a timeout stops whatever it started too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().map_err(|e| Failure::Spawn(e.to_string()))?;
        let deadline = Instant::now() + self.timeout;
        let (out_tx, out_rx) = mpsc::channel();
        let (err_tx, err_rx) = mpsc::channel();
        let max = self.max_bytes;
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                let _ = out_tx.send(read_capped(out, max));
            });
        }
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                let _ = err_tx.send(read_capped(err, MAX_STDERR_BYTES));
            });
        }
        let stop = |child: &mut std::process::Child| {
            kill_group(child);
            let _ = child.wait();
        };
        // The output is read to its end (or the cap) before the exit is waited for: a
        // program blocked on a full pipe never exits.
        let Ok(stdout) = out_rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        else {
            stop(&mut child);
            return Err(Failure::Timeout(self.timeout));
        };
        if stdout.len() as u64 > max {
            stop(&mut child);
            return Err(Failure::TooLarge(max));
        }
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    stop(&mut child);
                    return Err(Failure::Timeout(self.timeout));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    stop(&mut child);
                    return Err(Failure::Spawn(e.to_string()));
                }
            }
        };
        let stderr = err_rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_default();
        if !status.success() {
            return Err(Failure::Exit {
                code: status.code(),
                stderr: summary(&String::from_utf8_lossy(&stderr)),
            });
        }
        String::from_utf8(stdout).map_err(|_| Failure::NotText)
    }
}

/// Reads a pipe to its end, keeping at most `max + 1` bytes (one more tells "too large").
fn read_capped(pipe: impl Read, max: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = pipe.take(max.saturating_add(1)).read_to_end(&mut buf);
    buf
}

/// Kills the process group of a child (the child and what it started).
#[cfg(unix)]
fn kill_group(child: &mut std::process::Child) {
    match i32::try_from(child.id()) {
        // SAFETY: `kill` only sends a signal; the group is the child's own (it was
        // started as the leader of a new group and is not reaped yet).
        Ok(pid) if pid > 0 => unsafe {
            libc::kill(-pid, libc::SIGKILL);
        },
        _ => {
            let _ = child.kill();
        }
    }
}

#[cfg(not(unix))]
fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// helm's error output in one line: its non-empty lines, the last few, joined.
fn summary(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = &lines[lines.len().saturating_sub(3)..];
    let mut s = tail.join(" / ");
    if s.len() > 500 {
        let mut end = 500;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// The documents of one template, as rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// What `# Source:` names: `CHART/templates/x.yaml`.
    pub source: String,
    /// Its documents, each with its `# Source:` line, separated by `---` lines.
    pub text: String,
}

/// Splits helm's output into templates, in the order they first appear; documents of one
/// template are kept together. Text before the first `# Source:` line belongs to no
/// template and is named by an empty source.
pub fn split(output: &str) -> Vec<Rendered> {
    let mut out: Vec<Rendered> = Vec::new();
    let mut current = String::new();
    let mut doc = String::new();
    for line in output.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare.starts_with("--- ") {
            flush(&current, &mut doc, &mut out);
            continue;
        }
        if let Some(name) = bare.strip_prefix("# Source: ") {
            if doc.trim().is_empty() {
                current = name.trim().to_owned();
            }
        }
        doc.push_str(line);
    }
    flush(&current, &mut doc, &mut out);
    for r in &mut out {
        if !r.text.ends_with('\n') {
            r.text.push('\n');
        }
    }
    out
}

/// Ends a document: added to its template's documents (none when it is blank).
fn flush(source: &str, doc: &mut String, out: &mut Vec<Rendered>) {
    if doc.trim().is_empty() {
        doc.clear();
        return;
    }
    match out.iter_mut().find(|r| r.source == source) {
        Some(r) => {
            r.text.push_str("---\n");
            r.text.push_str(doc);
            doc.clear();
        }
        None => out.push(Rendered {
            source: source.to_owned(),
            text: std::mem::take(doc),
        }),
    }
}

/// The file in the repository a `# Source:` name stands for: the chart's folder joined
/// with the path after the chart's name (subcharts are under `charts/NAME/`). A name that
/// would leave the chart's folder stays inside it, shown as given.
pub fn template_path(chart_dir: &Path, source: &str) -> PathBuf {
    let inner = source.split_once('/').map_or(source, |(_, rest)| rest);
    let safe = !inner.is_empty()
        && Path::new(inner)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if safe {
        chart_dir.join(inner)
    } else {
        chart_dir.join("(rendered)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_source_and_keeps_a_templates_documents_together() {
        let out = "---\n# Source: web/templates/svc.yaml\nkind: Service\n---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n---\n# Source: web/templates/svc.yaml\nkind: Service\nmetadata: {name: b}\n";
        let r = split(out);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].source, "web/templates/svc.yaml");
        assert_eq!(
            r[0].text,
            "# Source: web/templates/svc.yaml\nkind: Service\n---\n# Source: web/templates/svc.yaml\nkind: Service\nmetadata: {name: b}\n"
        );
        assert_eq!(r[1].source, "web/templates/cm.yaml");
    }

    #[test]
    fn a_document_without_source_belongs_to_the_last_template() {
        let r = split("---\n# Source: web/templates/a.yaml\nkind: A\n---\nkind: B\n");
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].text,
            "# Source: web/templates/a.yaml\nkind: A\n---\nkind: B\n"
        );
    }

    #[test]
    fn template_paths_follow_the_chart_folder() {
        let dir = Path::new("charts/web");
        assert_eq!(
            template_path(dir, "webapp/templates/deploy.yaml"),
            Path::new("charts/web/templates/deploy.yaml")
        );
        assert_eq!(
            template_path(dir, "webapp/charts/db/templates/sts.yaml"),
            Path::new("charts/web/charts/db/templates/sts.yaml")
        );
        assert_eq!(
            template_path(dir, "webapp/../../etc/passwd"),
            Path::new("charts/web/(rendered)")
        );
    }

    #[test]
    fn release_names_are_valid() {
        assert_eq!(release_name(Path::new("charts/My_App")), "my-app");
        assert_eq!(release_name(Path::new("charts/___")), "release");
    }

    #[test]
    fn config_names_must_be_bare() {
        assert!(check_bare_name("helm").is_ok());
        assert!(check_bare_name("helm3").is_ok());
        for bad in [
            "./evil",
            "/usr/bin/helm",
            "bin/helm",
            "..",
            "",
            "-x",
            "a\\b",
        ] {
            assert!(check_bare_name(bad).is_err(), "{bad}");
        }
    }
}
