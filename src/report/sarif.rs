//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. One run; the driver
//! lists every rule (so ruleIndex is stable whatever fires); artifact URIs are relative to
//! the repository root under `%SRCROOT%`, so uploads from CI line up with the source tree.
//! The structs are our own: the part of SARIF we write is small.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::roots::Roots;
use super::{Finding, Place, Report};
use crate::base::Severity;
use crate::rules::RuleMeta;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    /// Our columns count characters, not UTF-16 code units (SARIF's default).
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help<'a>,
    /// The rule's page in the repository, for the rules k8lint ships.
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Self {
        Text {
            text: Cow::Borrowed(text),
        }
    }
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<Fingerprints>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Fingerprints {
    /// Rule, object identity and pointer: stable when lines move.
    #[serde(rename = "k8lintObject/v1")]
    object: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    pointer: &'a str,
    object: String,
}

/// The SARIF name of a rule: its id in PascalCase (`service-port-target` →
/// `ServicePortTarget`), the form SARIF suggests for `name`.
fn pascal(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The body of one `## Section` of a rule's docs, trimmed.
fn section(docs: &str, heading: &str) -> Option<String> {
    let start = docs.find(heading)? + heading.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let body = rest[..end].trim();
    (!body.is_empty()).then(|| body.to_owned())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes what may not stand in a URI path (RFC 3986), keeping `/`.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a reported file name.
fn artifact(file: &str, roots: &Roots) -> ArtifactLocation {
    if file == "<stdin>" {
        return ArtifactLocation {
            uri: "stdin".to_owned(),
            uri_base_id: None,
        };
    }
    match roots.relative(file) {
        Ok(relative) => ArtifactLocation {
            uri: encode_uri_path(&relative),
            uri_base_id: Some(SRCROOT),
        },
        // Outside the repository: an absolute file URI.
        Err(absolute) => ArtifactLocation {
            uri: format!("file://{}", encode_uri_path(&absolute)),
            uri_base_id: None,
        },
    }
}

fn physical(place: &Place, roots: &Roots) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(&place.file, roots),
        region: Region {
            start_line: place.line.max(1),
            start_column: place.column.max(1),
            end_line: place.end_line.max(place.line).max(1),
            end_column: place.end_column.max(1),
        },
    }
}

/// FNV-1a, 64 bits: a fingerprint needs stability across runs and platforms, not secrecy.
fn fnv1a(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn result<'a>(f: &'a Finding, rules: &[&RuleMeta], roots: &Roots) -> SarifResult<'a> {
    let object_name = f.object.as_ref().map(|o| match &o.namespace {
        Some(ns) => format!("{}/{}/{ns}/{}", o.api_version, o.kind, o.name),
        None => format!("{}/{}/{}", o.api_version, o.kind, o.name),
    });
    let (fingerprints, properties) = match (&object_name, &f.pointer) {
        (Some(object), Some(pointer)) => (
            Some(Fingerprints {
                object: fnv1a(&format!("{}\0{object}\0{pointer}", f.rule)),
            }),
            Some(ResultProperties {
                pointer,
                object: object.clone(),
            }),
        ),
        _ => (None, None),
    };
    SarifResult {
        rule_id: &f.rule,
        rule_index: rules.iter().position(|r| r.id == f.rule),
        level: level(f.severity),
        message: Text::from(f.message.as_str()),
        locations: [Location {
            id: None,
            physical_location: physical(&f.place, roots),
            message: None,
        }],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| Location {
                id: Some(i),
                physical_location: physical(&r.place, roots),
                message: Some(Text::from(r.message.as_str())),
            })
            .collect(),
        partial_fingerprints: fingerprints,
        properties,
    }
}

/// Where the rules' pages are published: docs/rules/ID.md of the repository, generated
/// from the same doc comments as `k8lint explain` (tests/docs.rs keeps them in sync).
pub const RULE_PAGES: &str = "https://github.com/k8lint/k8lint/blob/main/docs/rules/";

/// The page of a rule k8lint ships (built-in rules, default policies, `policy-error`);
/// a policy of the user's own has none.
fn page_url(id: &str) -> Option<String> {
    let shipped = crate::rules::builtin().iter().any(|r| r.meta().id == id)
        || id == crate::policy::POLICY_ERROR.id
        || crate::policy::PolicySet::defaults()
            .policies
            .iter()
            .any(|p| p.meta.id == id);
    shipped.then(|| format!("{RULE_PAGES}{id}.md"))
}

fn descriptor(m: &RuleMeta) -> ReportingDescriptor<'_> {
    let docs = m.docs_text();
    let full = section(&docs, "## What it does").unwrap_or_else(|| m.summary.to_owned());
    let help_text = if m.help.is_empty() { m.summary } else { m.help };
    ReportingDescriptor {
        id: m.id,
        name: pascal(m.id),
        short_description: Text::from(m.summary),
        full_description: Text {
            text: Cow::Owned(full),
        },
        help: Help {
            text: help_text,
            markdown: if docs.trim().is_empty() {
                help_text.to_owned()
            } else {
                docs
            },
        },
        help_uri: page_url(m.id),
        default_configuration: Configuration {
            enabled: m.severity.is_some(),
            // An opt-in rule runs as a warning when enabled without a severity.
            level: level(m.severity.unwrap_or(Severity::Warning)),
        },
        properties: RuleProperties {
            tags: [m.category.as_str()],
        },
    }
}

/// Writes the SARIF log. `rules` is every rule the run knows (the driver's catalogue);
/// `roots` says what artifact URIs are relative to.
pub fn write(
    report: &Report<'_>,
    rules: &[&RuleMeta],
    roots: &Roots,
    out: &mut dyn Write,
) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "k8lint",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|m| descriptor(m)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: report
                .findings
                .iter()
                .map(|f| result(f, rules, roots))
                .collect(),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("service-port-target"), "ServicePortTarget");
        assert_eq!(pascal("yaml-syntax"), "YamlSyntax");
    }

    #[test]
    fn artifact_uris_are_relative_to_the_repository_root() {
        let roots = Roots {
            cwd: PathBuf::from("/repo/deploy"),
            srcroot: PathBuf::from("/repo"),
        };
        let a = artifact("app/web.yaml", &roots);
        assert_eq!(a.uri, "deploy/app/web.yaml");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        let a = artifact("../base/my file.yaml", &roots);
        assert_eq!(a.uri, "base/my%20file.yaml");
        let a = artifact("/elsewhere/x.yaml", &roots);
        assert_eq!(a.uri, "file:///elsewhere/x.yaml");
        assert_eq!(a.uri_base_id, None);
    }

    #[test]
    fn section_reads_one_heading() {
        let docs = "## What it does\nChecks X.\n\n## Why is this bad?\nY.";
        assert_eq!(
            section(docs, "## What it does").as_deref(),
            Some("Checks X.")
        );
    }
}
