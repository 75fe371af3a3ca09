use crate::base::{Diagnostic, FileId, Location, Span};
use crate::declare_rule;
use crate::yaml::Problem;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML (or JSON): a bad indentation, an unclosed
    /// bracket or quote, a tab where YAML forbids it, invalid UTF-8 or binary data, and
    /// values that JSON cannot carry (`.inf`, `.nan`).
    ///
    /// ## Why is this bad?
    /// `kubectl apply` stops at the first document it cannot parse; nothing after it is
    /// applied. k8lint reports the error and still checks the other documents of the file:
    /// parsing resumes at the next `---`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: {mode: fast
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data: {mode: fast}
    /// ```
    ///
    /// ## References
    /// - Objects in Kubernetes: describing an object: https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object
    /// - Kubernetes object management (kubectl): https://kubernetes.io/docs/concepts/overview/working-with-objects/object-management/
    pub static YAML_SYNTAX = {
        id: "yaml-syntax",
        severity: Error,
        category: Input,
        summary: "the YAML cannot be parsed",
        help: "fix the syntax at the marked position; the other documents of the file are still checked",
    }
}

/// The finding for a parse problem (any but a duplicate key, which is
/// `yaml-duplicate-key`'s).
pub fn check(file: FileId, problem: &Problem) -> Diagnostic {
    let d = YAML_SYNTAX.diagnostic(
        Location::File {
            file,
            span: problem.span,
        },
        problem.message.clone(),
    );
    with_related(d, file, problem)
}

/// Adds the earlier place a parse problem names, if it names one.
pub(super) fn with_related(d: Diagnostic, file: FileId, problem: &Problem) -> Diagnostic {
    match &problem.related {
        Some((span, message)) => d.with_related_span(file, *span, message.clone()),
        None => d,
    }
}

/// The finding for a file that cannot be read as text, at the byte `offset`.
pub fn unreadable(file: FileId, offset: usize, message: String) -> Diagnostic {
    let span = Span::new(offset, offset + 1);
    YAML_SYNTAX.diagnostic(Location::File { file, span }, message)
}

/// The finding on the first document past the run's object limit.
pub fn too_many_objects(file: FileId, span: Span, max_objects: usize) -> Diagnostic {
    YAML_SYNTAX.diagnostic(
        Location::File { file, span },
        format!(
            "the run has more than {max_objects} objects (limits.max-objects); this one and the rest are not checked"
        ),
    )
}
