//! Which level and version apply to a pod: the namespace's `pod-security.kubernetes.io/*`
//! labels as the plugin reads them, else the run's settings (`--pod-security`, config).

use std::fmt;

use crate::base::value::{Map, Value};

/// The prefix of the namespace labels the plugin reads.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// A Pod Security Standards level, least strict first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No restriction.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Pod hardening best practices.
    Restricted,
}

impl Level {
    /// Parses `privileged`, `baseline` or `restricted`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    /// The name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// A policy version: `v1.N`, or `latest` (the target Kubernetes version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `v1.N`.
    Minor(u32),
    /// `latest`.
    Latest,
}

impl Version {
    /// Parses `latest` or `v1.N` (labels); `1.N` is accepted too (flag and config).
    pub fn parse(text: &str) -> Option<Version> {
        if text == "latest" {
            return Some(Version::Latest);
        }
        let minor = text.strip_prefix('v').unwrap_or(text).strip_prefix("1.")?;
        // The plugin's form: no leading zeros, digits only.
        let canonical = minor == "0" || (!minor.starts_with('0') && !minor.is_empty());
        if !canonical || !minor.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        minor.parse().ok().map(Version::Minor)
    }

    /// Parses a label value as the plugin does: `latest` or `v1.N`, nothing else.
    pub fn parse_label(text: &str) -> Option<Version> {
        if text == "latest" || text.starts_with("v1.") {
            Version::parse(text)
        } else {
            None
        }
    }

    /// The minor version evaluated on a cluster of `1.target`: a version after the
    /// cluster's own is evaluated as the cluster's newest.
    pub fn minor(self, target: u32) -> u32 {
        match self {
            Version::Minor(n) => n.min(target),
            Version::Latest => target,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Minor(n) => write!(f, "v1.{n}"),
            Version::Latest => f.write_str("latest"),
        }
    }
}

/// A level at a version, written `level:version` as the plugin's messages do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelVersion {
    /// The level.
    pub level: Level,
    /// The version.
    pub version: Version,
}

impl LevelVersion {
    /// Parses `LEVEL` or `LEVEL:VERSION` (`restricted:v1.30`, `baseline:1.29`, `restricted:latest`).
    pub fn parse(text: &str) -> Result<LevelVersion, String> {
        let (level, version) = match text.split_once(':') {
            Some((l, v)) => (l, Some(v)),
            None => (text, None),
        };
        let level = Level::parse(level).ok_or_else(|| {
            format!(
                "unknown Pod Security level `{level}` (expected privileged, baseline or restricted)"
            )
        })?;
        let version = match version {
            None => Version::Latest,
            Some(v) => Version::parse(v).ok_or_else(|| {
                format!("unknown Pod Security version `{v}` (expected latest or v1.N)")
            })?,
        };
        Ok(LevelVersion { level, version })
    }
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level.as_str(), self.version)
    }
}

/// The three modes of the plugin, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// The pod is rejected.
    Enforce,
    /// The client is warned.
    Warn,
    /// The audit log records it.
    Audit,
}

impl Mode {
    /// The label's suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Warn => "warn",
            Mode::Audit => "audit",
        }
    }
}

/// Namespaces and runtime classes the plugin does not evaluate (its exemptions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exemptions {
    /// Namespace names.
    pub namespaces: Vec<String>,
    /// `runtimeClassName`s.
    pub runtime_classes: Vec<String>,
}

/// The run's Pod Security settings: the level enforced where no namespace label says
/// otherwise (the cluster's admission defaults), and the exemptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The default enforce level and version.
    pub default: LevelVersion,
    /// Exemptions.
    pub exemptions: Exemptions,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            default: LevelVersion {
                level: Level::Baseline,
                version: Version::Latest,
            },
            exemptions: Exemptions::default(),
        }
    }
}

/// One mode's level and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The mode.
    pub mode: Mode,
    /// The level and version.
    pub level: LevelVersion,
    /// The namespace label that set the level, if one did.
    pub label: Option<String>,
}

/// What the plugin evaluates for pods of one namespace, and the labels it cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePolicy {
    /// The modes that restrict anything, strongest first.
    pub modes: Vec<Applied>,
    /// Labels with a value the plugin rejects: (label, message).
    pub invalid: Vec<(String, String)>,
}

impl NamespacePolicy {
    /// The policy of a namespace with these labels (`None`: the namespace is not in the
    /// inputs), with `default` enforced where no label says otherwise. As in the plugin:
    /// an unreadable enforce level means restricted, an unreadable warn or audit level
    /// means privileged, an unreadable version means latest, and warn follows a stricter
    /// explicit enforce level.
    pub fn from_labels(labels: Option<&Map>, default: LevelVersion) -> NamespacePolicy {
        let mut invalid = Vec::new();
        let mut read =
            |mode: Mode, base: Option<LevelVersion>| -> (Option<LevelVersion>, Option<String>) {
                let key = format!("{LABEL_PREFIX}{}", mode.as_str());
                let version_key = format!("{key}-version");
                let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
                let mut lv = base;
                let mut source = None;
                if let Some(text) = get(&key) {
                    let level = Level::parse(text).unwrap_or_else(|| {
                        invalid.push((
                            key.clone(),
                            "must be one of privileged, baseline, restricted".to_owned(),
                        ));
                        if mode == Mode::Enforce {
                            Level::Restricted
                        } else {
                            Level::Privileged
                        }
                    });
                    lv = Some(LevelVersion {
                        level,
                        version: lv.map_or(Version::Latest, |l| l.version),
                    });
                    source = Some(key.clone());
                }
                if let Some(text) = get(&version_key) {
                    let version = Version::parse_label(text).unwrap_or_else(|| {
                        invalid.push((
                            version_key.clone(),
                            "must be \"latest\" or \"v1.x\"".to_owned(),
                        ));
                        Version::Latest
                    });
                    if let Some(l) = lv.as_mut() {
                        l.version = version;
                    } else {
                        // A version without a level: the level stays privileged (nothing).
                        lv = Some(LevelVersion {
                            level: Level::Privileged,
                            version,
                        });
                    }
                }
                (lv, source)
            };
        let (enforce, enforce_label) = read(Mode::Enforce, Some(default));
        let (mut warn, mut warn_label) = read(Mode::Warn, None);
        let (audit, audit_label) = read(Mode::Audit, None);
        let enforce = enforce.unwrap_or(default);
        // Warn defaults to an explicit enforce level that is stricter than it.
        if warn_label.is_none()
            && enforce_label.is_some()
            && enforce.level > warn.map_or(Level::Privileged, |w| w.level)
        {
            warn = Some(LevelVersion {
                level: enforce.level,
                version: warn.map_or(enforce.version, |w| w.version),
            });
            warn_label = enforce_label.clone();
        }
        let mut modes = vec![Applied {
            mode: Mode::Enforce,
            level: enforce,
            label: enforce_label,
        }];
        for (mode, lv, label) in [
            (Mode::Warn, warn, warn_label),
            (Mode::Audit, audit, audit_label),
        ] {
            if let Some(level) = lv {
                modes.push(Applied { mode, level, label });
            }
        }
        modes.retain(|m| m.level.level != Level::Privileged);
        NamespacePolicy { modes, invalid }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn lv(text: &str) -> LevelVersion {
        LevelVersion::parse(text).unwrap()
    }

    #[test]
    fn parses_levels_and_versions() {
        assert_eq!(lv("restricted:v1.29").version, Version::Minor(29));
        assert_eq!(lv("baseline:1.30").version, Version::Minor(30));
        assert_eq!(lv("baseline").version, Version::Latest);
        assert!(LevelVersion::parse("strict").is_err());
        assert!(LevelVersion::parse("baseline:v1.029").is_err());
        assert_eq!(Version::Minor(40).minor(33), 33);
    }

    #[test]
    fn reads_namespace_labels_as_the_plugin_does() {
        let labels = json!({
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.24",
        });
        let p = NamespacePolicy::from_labels(labels.as_object(), lv("baseline"));
        assert_eq!(p.modes[0].level, lv("restricted:v1.24"));
        // Warn follows the explicit stricter enforce level.
        assert_eq!(p.modes[1].mode, Mode::Warn);
        assert_eq!(p.modes[1].level, lv("restricted:v1.24"));

        let labels = json!({"pod-security.kubernetes.io/enforce": "strict"});
        let p = NamespacePolicy::from_labels(labels.as_object(), lv("baseline"));
        assert_eq!(p.modes[0].level.level, Level::Restricted);
        assert_eq!(p.invalid.len(), 1);

        let p = NamespacePolicy::from_labels(None, lv("privileged"));
        assert!(p.modes.is_empty());
    }
}
