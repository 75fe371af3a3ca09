//! Baselines, for adopting k8lint on a repository that already has findings:
//! `check --write-baseline FILE` records today's findings, `check --baseline FILE` (or the
//! config's `baseline:`) reports only the others and says how many recorded ones are gone.
//!
//! A finding about an object is recorded by rule, object identity (kind, API group,
//! namespace, name) and JSON pointer, never by line, so that edits elsewhere in a file do
//! not make it new again; the API version is left out so that moving an object to a newer
//! version keeps its other findings recorded. A finding without an object (a YAML syntax
//! error) is recorded by rule, file and message. Equal keys are counted: two findings at
//! one place need two entries to be covered.
//!
//! The file is JSON, sorted, one entry per key, versioned by `version` (1); a file with
//! another version is refused rather than misread.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Finding, ObjectRef};

/// The version of the file format this build writes and reads.
pub const VERSION: u32 = 1;

/// One recorded finding (or `count` equal ones).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    /// `Kind[.group] [namespace/]name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    object: Option<String>,
    /// The JSON pointer inside the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    /// For findings without an object: the file and the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// What identifies a finding across runs.
type Key = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// `Kind[.group] [namespace/]name`, as kubectl names objects.
fn object_name(o: &ObjectRef) -> String {
    let kind = match o.api_version.rsplit_once('/') {
        Some((group, _)) => format!("{}.{group}", o.kind),
        None => o.kind.clone(),
    };
    match &o.namespace {
        Some(ns) => format!("{kind} {ns}/{}", o.name),
        None => format!("{kind} {}", o.name),
    }
}

fn key(f: &Finding) -> Key {
    match &f.object {
        Some(o) => (
            f.rule.clone(),
            Some(object_name(o)),
            f.pointer.clone(),
            None,
            None,
        ),
        None => (
            f.rule.clone(),
            None,
            None,
            Some(f.place.file.clone()),
            Some(f.message.clone()),
        ),
    }
}

/// A baseline read from a file: how many findings of each key it covers.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    entries: BTreeMap<Key, usize>,
}

/// What a baseline did to a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Findings left out because the baseline records them.
    pub matched: usize,
    /// Recorded findings this run did not find: fixed (or moved to another object).
    pub gone: usize,
}

impl Baseline {
    /// The baseline of a run's findings.
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries = BTreeMap::new();
        for f in findings {
            *entries.entry(key(f)).or_insert(0) += 1;
        }
        Baseline { entries }
    }

    /// Number of findings recorded.
    pub fn len(&self) -> usize {
        self.entries.values().sum()
    }

    /// Whether it records nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads a baseline file's text; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| {
            format!("not a k8lint baseline ({e}); write one with `k8lint check --write-baseline`")
        })?;
        if file.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (this k8lint reads version {VERSION}); \
                 write it again with `k8lint check --write-baseline`",
                file.version
            ));
        }
        let mut entries = BTreeMap::new();
        for e in file.findings {
            *entries
                .entry((e.rule, e.object, e.path, e.file, e.message))
                .or_insert(0) += e.count.max(1);
        }
        Ok(Baseline { entries })
    }

    /// The file's text: JSON, entries sorted, so that the file diffs well.
    pub fn to_json(&self) -> String {
        let findings = self
            .entries
            .iter()
            .map(|((rule, object, path, file, message), &count)| Entry {
                rule: rule.clone(),
                object: object.clone(),
                path: path.clone(),
                file: file.clone(),
                message: message.clone(),
                count,
            })
            .collect();
        let file = File {
            version: VERSION,
            findings,
        };
        // Serializing plain strings and numbers cannot fail.
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The findings the baseline does not cover, in their order, and what it left out.
    pub fn filter(&self, findings: Vec<Finding>) -> (Vec<Finding>, Outcome) {
        let mut left = self.entries.clone();
        let mut outcome = Outcome::default();
        let kept = findings
            .into_iter()
            .filter(|f| match left.get_mut(&key(f)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    outcome.matched += 1;
                    false
                }
                _ => true,
            })
            .collect();
        outcome.gone = left.values().sum();
        (kept, outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{FileId, Severity};
    use crate::report::Place;

    fn finding(rule: &str, name: &str, pointer: &str, line: u32) -> Finding {
        Finding {
            unit: ".".to_owned(),
            rule: rule.to_owned(),
            severity: Severity::Warning,
            message: "m".to_owned(),
            place: Place {
                file: "a.yaml".to_owned(),
                start: 0,
                end: 0,
                line,
                column: 1,
                end_line: line,
                end_column: 1,
            },
            pointer: Some(pointer.to_owned()),
            object: Some(ObjectRef {
                api_version: "apps/v1".to_owned(),
                kind: "Deployment".to_owned(),
                namespace: Some("shop".to_owned()),
                name: name.to_owned(),
            }),
            help: None,
            related: Vec::new(),
            file_id: FileId(0),
            object_id: None,
        }
    }

    #[test]
    fn a_written_baseline_reads_back_and_covers_its_findings_wherever_they_moved() {
        let today = vec![
            finding("r", "api", "/spec/replicas", 3),
            finding("r", "api", "/spec/replicas", 3),
            finding("s", "web", "/spec", 9),
        ];
        let text = Baseline::of(&today).to_json();
        assert!(
            text.contains("\"object\": \"Deployment.apps shop/api\""),
            "{text}"
        );
        assert!(text.contains("\"count\": 2"), "{text}");
        let baseline = Baseline::parse(&text).unwrap();
        assert_eq!(baseline.len(), 3);
        // Lines moved, one finding fixed, one new.
        let tomorrow = vec![
            finding("r", "api", "/spec/replicas", 30),
            finding("s", "web", "/spec", 90),
            finding("s", "web", "/spec/template", 91),
        ];
        let (kept, outcome) = baseline.filter(tomorrow);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].pointer.as_deref(), Some("/spec/template"));
        assert_eq!(
            outcome,
            Outcome {
                matched: 2,
                gone: 1
            }
        );
    }

    #[test]
    fn other_versions_and_other_files_are_refused() {
        let e = Baseline::parse("{\"version\": 2, \"findings\": []}").unwrap_err();
        assert!(e.contains("version 2"), "{e}");
        let e = Baseline::parse("[1, 2]").unwrap_err();
        assert!(e.contains("not a k8lint baseline"), "{e}");
    }
}
