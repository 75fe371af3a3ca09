//! The one diagnostic type every stage produces. A diagnostic names its node by JSON
//! pointer (or, before there is an object, by a span in a file); the report stage
//! resolves it to file, line and column.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::load::FileId;
use crate::model::{ObjectId, Pointer};
use crate::yaml::Span;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Advice.
    Info,
    /// A likely bug.
    Warning,
    /// Rejected by the API server, or broken in the cluster.
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning or info)"
            )),
        }
    }
}

/// A rule's id: static for built-in rules, owned for policies loaded at run time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub Cow<'static, str>);

impl RuleId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A node of an object, by JSON pointer.
    Object {
        /// The object.
        object: ObjectId,
        /// The node within it.
        pointer: Pointer,
    },
    /// A span of a file, for problems found before objects exist.
    File {
        /// The file.
        file: FileId,
        /// The bytes.
        span: Span,
    },
}

/// A second place that explains the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// Why it matters.
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that found it.
    pub rule: RuleId,
    /// Its severity (the rule's default until the config says otherwise).
    pub severity: Severity,
    /// What is wrong, in the user's terms.
    pub message: String,
    /// The node that is wrong.
    pub location: Location,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places involved.
    pub related: Vec<Related>,
    /// Underline the key that introduces the node rather than its value (an unknown field
    /// is wrong in its name).
    pub at_key: bool,
}

impl Diagnostic {
    /// A finding of a rule at a location, with the rule's default severity and help.
    pub fn new(
        rule: &crate::rules::RuleMeta,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule: RuleId(Cow::Borrowed(rule.id)),
            severity: rule.severity.unwrap_or(Severity::Info),
            message: message.into(),
            location,
            help: (!rule.help.is_empty()).then(|| rule.help.to_owned()),
            related: Vec::new(),
            at_key: false,
        }
    }

    /// A finding at a node of an object.
    pub fn at(
        rule: &crate::rules::RuleMeta,
        object: ObjectId,
        pointer: Pointer,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, Location::Object { object, pointer }, message)
    }

    /// Replaces the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Underlines the key of the node instead of its value.
    #[must_use]
    pub fn at_key(mut self) -> Diagnostic {
        self.at_key = true;
        self
    }

    /// Overrides the severity (for rules whose severity depends on the case).
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// Adds a related location in an object.
    #[must_use]
    pub fn with_related(
        mut self,
        object: ObjectId,
        pointer: Pointer,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.related.push(Related {
            location: Location::Object { object, pointer },
            message: message.into(),
        });
        self
    }

    /// Adds a related location in a file.
    #[must_use]
    pub fn with_related_span(
        mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.related.push(Related {
            location: Location::File { file, span },
            message: message.into(),
        });
        self
    }
}
