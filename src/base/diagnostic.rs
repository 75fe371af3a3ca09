//! The one finding type every stage produces. A diagnostic names its node by JSON
//! pointer (or, before there is an object, by a span in a file); the report stage
//! resolves it to file, line and column. It carries its rule's id and severity as data,
//! so nothing here knows what a rule is.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::base::{FileId, Location, ObjectId, Pointer, Related, Span};

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
    /// What to do about it: most often its rule's own help, borrowed (a run of 100,000
    /// objects can have as many findings of one rule).
    pub help: Option<Cow<'static, str>>,
    /// Other places involved.
    pub related: Vec<Related>,
    /// Underline the key that introduces the node rather than its value (an unknown field
    /// is wrong in its name).
    pub at_key: bool,
}

impl Diagnostic {
    /// A finding of the rule `rule` at a location, without help text.
    pub fn new(
        rule: RuleId,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            location,
            help: None,
            related: Vec::new(),
            at_key: false,
        }
    }

    /// Gives back the room its strings and list grew beyond their contents while it was
    /// built: a finding lives to the end of the run, and a run can have hundreds of
    /// thousands (a message from `format!`, a pointer built token by token and a list of
    /// related places grown by pushes each kept up to twice their size).
    pub fn shrink_to_fit(&mut self) {
        self.message.shrink_to_fit();
        self.location.shrink_to_fit();
        self.related.shrink_to_fit();
        for r in &mut self.related {
            r.message.shrink_to_fit();
            r.location.shrink_to_fit();
        }
    }

    /// Replaces the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Diagnostic {
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
