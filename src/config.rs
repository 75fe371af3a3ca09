//! `.k8lint.yaml`: discovery, parsing with locations, and merging with the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::value::Value;

use crate::base::{Pointer, Severity};
use crate::yaml::{self, ParseLimits};

/// The config file's name.
pub const FILE_NAME: &str = ".k8lint.yaml";

/// A rule's configured severity: one of the three, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Reported at this severity.
    On(Severity),
    /// Not run.
    Off,
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "off" {
            Ok(Level::Off)
        } else {
            s.parse().map(Level::On).map_err(|_| {
                format!("unknown severity `{s}` (expected error, warning, info or off)")
            })
        }
    }
}

/// The threshold for a failing exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Errors fail the run (default).
    #[default]
    Error,
    /// Warnings and errors fail the run.
    Warning,
    /// Any finding fails the run.
    Info,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        self.least().is_some_and(|least| severity >= least)
    }

    /// The least severity that fails the run; `None` for `never`.
    pub fn least(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// The config, every key optional. Paths are already made relative to the working directory.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from.
    pub source: Option<PathBuf>,
    /// `kubernetes-version`.
    pub kubernetes_version: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `fail-on`.
    pub fail_on: Option<FailOn>,
    /// `rules.enable`.
    pub enable: Vec<String>,
    /// `rules.disable`.
    pub disable: Vec<String>,
    /// `rules.severity`.
    pub severity: BTreeMap<String, Level>,
    /// `policies`.
    pub policies: Vec<PathBuf>,
    /// `context`.
    pub context: Vec<PathBuf>,
    /// `values`.
    pub values: Vec<PathBuf>,
    /// `ignore` globs.
    pub ignore: Vec<String>,
    /// `units`: apply units declared by name, each a list of globs relative to the config
    /// file's folder.
    pub units: Vec<(String, Vec<String>)>,
    /// `limits`: bounds on input size, by key (`max-file-size`, …).
    pub limits: BTreeMap<String, u64>,
    /// `pod-security`: the default level and the exemptions.
    pub pod_security: Option<crate::semantics::pod_security::Settings>,
    /// `builtin-crds`: whether the embedded CRD catalog validates custom resources
    /// (default true).
    pub builtin_crds: Option<bool>,
    /// `baseline`: the findings file of `check --write-baseline` to report against.
    pub baseline: Option<PathBuf>,
    /// `helm`: the program that renders charts, a bare name looked up on PATH.
    pub helm: Option<String>,
}

/// The keys of the `limits` section.
pub const LIMIT_KEYS: [&str; 11] = [
    "max-file-size",
    "max-documents",
    "max-alias-nodes",
    "max-alias-bytes",
    "max-input-bytes",
    "max-scalar-bytes",
    "max-objects",
    "script-call-ms",
    "script-run-ms",
    "helm-template-ms",
    "kept-tree-bytes",
];

/// A config that cannot be used (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ConfigError {
    /// The config file.
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Looks for `.k8lint.yaml` in `start` and its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: name.clone(),
        line: 1,
        column: 1,
        message: e.to_string(),
    })?;
    parse(&text, &name, path.parent().unwrap_or(Path::new(".")))
}

/// Parses config text; `base` is the directory relative paths are taken from.
pub fn parse(text: &str, name: &str, base: &Path) -> Result<Config, ConfigError> {
    let source = crate::load::SourceFile::new(
        crate::base::FileId(0),
        name.to_owned(),
        None,
        text.into(),
        false,
    );
    let stream = yaml::parse(text, &ParseLimits::default());
    let fail_at = |offset: u32, message: String| {
        let lc = source.line_col(offset);
        ConfigError {
            file: name.to_owned(),
            line: lc.line,
            column: lc.column,
            message,
        }
    };
    if let Some(p) = stream.problems.first() {
        return Err(fail_at(p.span.start, p.message.clone()));
    }
    let Some(doc) = stream.documents.first() else {
        return Ok(Config {
            source: Some(PathBuf::from(name)),
            ..Config::default()
        });
    };
    let at = |pointer: &str| {
        doc.tree
            .resolve(&Pointer::parse(pointer).unwrap_or_default())
            .0
    };
    // A wrong value is shown at the value; an unknown key at the key.
    let err = |pointer: &str, message: String| fail_at(at(pointer).label_span().start, message);
    let err_key = |pointer: &str, message: String| {
        let node = at(pointer);
        fail_at(
            node.key_span().unwrap_or_else(|| node.label_span()).start,
            message,
        )
    };

    let Some(map) = doc.value.as_object() else {
        return Err(err("", "the config must be a mapping".to_owned()));
    };
    let mut config = Config {
        source: Some(PathBuf::from(name)),
        ..Config::default()
    };
    let string = |key: &str, v: &Value| -> Result<String, ConfigError> {
        match v {
            Value::String(s) => Ok(s.to_string()),
            Value::Number(n) if key == "kubernetes-version" => Ok(n.to_string()),
            _ => Err(err(&format!("/{key}"), format!("`{key}` must be a string"))),
        }
    };
    let strings = |ptr: &str, v: &Value| -> Result<Vec<String>, ConfigError> {
        let Some(items) = v.as_array() else {
            return Err(err(
                ptr,
                format!(
                    "`{}` must be a list of strings",
                    ptr.trim_start_matches('/')
                ),
            ));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| err(&format!("{ptr}/{i}"), "expected a string".to_owned()))
            })
            .collect()
    };
    // The repository is the sandbox: what a config names stays inside it.
    let root = crate::confine::root_of(base);
    let paths = |ptr: &str, v: &Value| -> Result<Vec<PathBuf>, ConfigError> {
        let list = strings(ptr, v)?;
        let mut out = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            let path = relative_to(base, p);
            if let Some(root) = &root {
                crate::confine::check(root, &path).map_err(|m| err(&format!("{ptr}/{i}"), m))?;
            }
            out.push(path);
        }
        Ok(out)
    };
    for (key, v) in map {
        match key.as_str() {
            "kubernetes-version" => {
                let s = string(key, v)?;
                config.kubernetes_version = Some(s);
            }
            "namespace" => config.namespace = Some(string(key, v)?),
            // The repository names a program: only a bare name, found on PATH.
            "helm" => {
                let name = string(key, v)?;
                crate::helm::check_bare_name(&name).map_err(|m| err("/helm", m))?;
                config.helm = Some(name);
            }
            "builtin-crds" => {
                config.builtin_crds = Some(v.as_bool().ok_or_else(|| {
                    err(
                        "/builtin-crds",
                        "`builtin-crds` must be true or false".to_owned(),
                    )
                })?);
            }
            "fail-on" => {
                let s = string(key, v)?;
                config.fail_on = Some(<FailOn as clap::ValueEnum>::from_str(&s, false).map_err(
                    |_| {
                        err(
                            "/fail-on",
                            format!(
                                "unknown fail-on `{s}` (expected error, warning, info or never)"
                            ),
                        )
                    },
                )?);
            }
            "policies" => config.policies = paths("/policies", v)?,
            "context" => config.context = paths("/context", v)?,
            "values" => config.values = paths("/values", v)?,
            "ignore" => config.ignore = strings("/ignore", v)?,
            "baseline" => {
                let text = string(key, v)?;
                let path = relative_to(base, &text);
                if let Some(root) = &root {
                    crate::confine::check(root, &path).map_err(|m| err("/baseline", m))?;
                }
                config.baseline = Some(path);
            }
            "units" => {
                let Some(units) = v.as_object() else {
                    return Err(err(
                        "/units",
                        "`units` must map unit names to lists of globs".to_owned(),
                    ));
                };
                for (name, globs) in units {
                    let ptr = format!("/units/{}", name.replace('~', "~0").replace('/', "~1"));
                    config.units.push((name.to_string(), strings(&ptr, globs)?));
                }
            }
            "limits" => {
                let Some(limits) = v.as_object() else {
                    return Err(err("/limits", "`limits` must be a mapping".to_owned()));
                };
                for (lk, lv) in limits {
                    let ptr = format!("/limits/{lk}");
                    if !LIMIT_KEYS.contains(&lk.as_str()) {
                        return Err(err_key(
                            &ptr,
                            format!("unknown limit `{lk}` (expected {})", LIMIT_KEYS.join(", ")),
                        ));
                    }
                    let n = lv
                        .as_u64()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| err(&ptr, "expected a positive integer".to_owned()))?;
                    config.limits.insert(lk.to_string(), n);
                }
            }
            "pod-security" => {
                config.pod_security = Some(
                    pod_security(v).map_err(|(ptr, m)| err(&format!("/pod-security{ptr}"), m))?,
                );
            }
            "rules" => {
                let Some(rules) = v.as_object() else {
                    return Err(err(
                        "/rules",
                        "`rules` must be a mapping with enable, disable and severity".to_owned(),
                    ));
                };
                for (rk, rv) in rules {
                    match rk.as_str() {
                        "enable" => config.enable = strings("/rules/enable", rv)?,
                        "disable" => config.disable = strings("/rules/disable", rv)?,
                        "severity" => {
                            let Some(sev) = rv.as_object() else {
                                return Err(err("/rules/severity", "`rules.severity` must map rule ids to error, warning, info or off".to_owned()));
                            };
                            for (id, level) in sev {
                                let ptr = format!(
                                    "/rules/severity/{}",
                                    id.replace('~', "~0").replace('/', "~1")
                                );
                                // YAML 1.1 reads an unquoted `off` as false.
                                let level = match level {
                                    Value::Bool(false) => Level::Off,
                                    Value::String(s) => {
                                        s.parse::<Level>().map_err(|m| err(&ptr, m))?
                                    }
                                    _ => {
                                        return Err(err(
                                            &ptr,
                                            "expected error, warning, info or off".to_owned(),
                                        ));
                                    }
                                };
                                config.severity.insert(id.to_string(), level);
                            }
                        }
                        other => {
                            return Err(err_key(
                                &format!("/rules/{other}"),
                                format!(
                                    "unknown key `rules.{other}` (expected enable, disable, severity)"
                                ),
                            ));
                        }
                    }
                }
            }
            other => {
                return Err(err_key(
                    &format!("/{}", other.replace('~', "~0").replace('/', "~1")),
                    format!(
                        "unknown config key `{other}` (expected kubernetes-version, namespace, fail-on, rules, policies, context, values, ignore, units, limits, pod-security, baseline, builtin-crds, helm)"
                    ),
                ));
            }
        }
    }
    Ok(config)
}

/// `pod-security:` — `LEVEL[:VERSION]`, or a mapping with `level`, `version` and
/// `exemptions` (`namespaces`, `runtimeClasses`). Errors carry a pointer below the key.
fn pod_security(v: &Value) -> Result<crate::semantics::pod_security::Settings, (String, String)> {
    use crate::semantics::pod_security::{LevelVersion, Settings, Version};
    let mut settings = Settings::default();
    let map = match v {
        Value::String(s) => {
            settings.default = LevelVersion::parse(s).map_err(|m| (String::new(), m))?;
            return Ok(settings);
        }
        Value::Object(map) => map,
        _ => return Err((
            String::new(),
            "`pod-security` must be LEVEL[:VERSION] or a mapping with level, version, exemptions"
                .to_owned(),
        )),
    };
    let list = |ptr: String, v: &Value| -> Result<Vec<String>, (String, String)> {
        v.as_array()
            .and_then(|items| {
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .ok_or((ptr, "expected a list of strings".to_owned()))
    };
    for (key, value) in map {
        let text = || {
            value
                .as_str()
                .ok_or((format!("/{key}"), "expected a string".to_owned()))
        };
        match key.as_str() {
            "level" => {
                settings.default.level = LevelVersion::parse(text()?)
                    .map_err(|m| (format!("/{key}"), m))?
                    .level
            }
            "version" => {
                let t = text()?;
                settings.default.version = Version::parse(t).ok_or((
                    format!("/{key}"),
                    format!("unknown Pod Security version `{t}` (expected latest or v1.N)"),
                ))?;
            }
            "exemptions" => {
                let Some(ex) = value.as_object() else {
                    return Err((
                        "/exemptions".to_owned(),
                        "expected a mapping with namespaces, runtimeClasses".to_owned(),
                    ));
                };
                for (ek, ev) in ex {
                    let ptr = format!("/exemptions/{ek}");
                    match ek.as_str() {
                        "namespaces" => settings.exemptions.namespaces = list(ptr, ev)?,
                        "runtimeClasses" => settings.exemptions.runtime_classes = list(ptr, ev)?,
                        other => {
                            return Err((
                                ptr,
                                format!(
                                    "unknown key `pod-security.exemptions.{other}` (expected namespaces, runtimeClasses)"
                                ),
                            ));
                        }
                    }
                }
            }
            other => {
                return Err((
                    format!("/{other}"),
                    format!(
                        "unknown key `pod-security.{other}` (expected level, version, exemptions)"
                    ),
                ));
            }
        }
    }
    Ok(settings)
}

fn relative_to(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() || base.as_os_str().is_empty() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = "kubernetes-version: '1.31'\nnamespace: apps\nfail-on: warning\nrules:\n  enable: [a]\n  disable: [b]\n  severity: {c: off, d: info}\npolicies: [p]\ncontext: [ctx]\nvalues: [v.yaml]\nignore: ['vendor/**']\n";
        let c = parse(text, ".k8lint.yaml", Path::new("repo")).unwrap();
        assert_eq!(c.kubernetes_version.as_deref(), Some("1.31"));
        assert_eq!(c.namespace.as_deref(), Some("apps"));
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.enable, ["a"]);
        assert_eq!(c.disable, ["b"]);
        assert_eq!(c.severity["c"], Level::Off);
        assert_eq!(c.severity["d"], Level::On(Severity::Info));
        assert_eq!(c.policies, [PathBuf::from("repo/p")]);
        assert_eq!(c.ignore, ["vendor/**"]);
    }

    #[test]
    fn unknown_keys_have_a_location() {
        let e = parse("namespace: x\nrulez: {}\n", "c.yaml", Path::new("")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("rulez"), "{}", e.message);
        let e = parse(
            "rules:\n  severity:\n    x: loud\n",
            "c.yaml",
            Path::new(""),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 8));
    }

    #[test]
    fn a_baseline_outside_the_repository_is_refused_at_its_value() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let c = parse("baseline: k8lint-baseline.json\n", "c.yaml", &base).unwrap();
        assert_eq!(c.baseline, Some(base.join("k8lint-baseline.json")));
        let e = parse("namespace: a\nbaseline: ../b.json\n", "c.yaml", &base).unwrap_err();
        assert_eq!((e.line, e.column), (2, 11));
        assert!(
            e.message.contains("outside the repository"),
            "{}",
            e.message
        );
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let e = parse("rules: [\n", "c.yaml", Path::new("")).unwrap_err();
        assert_eq!(e.file, "c.yaml");
    }
}
