use crate::base::{Diagnostic, FileId, Location};
use crate::declare_rule;
use crate::edit::{self, Change};
use crate::rules::{Fix, FixContext, Rule, RuleMeta, Safety};
use crate::yaml::{Problem, ProblemKind};

declare_rule! {
    /// ## What it does
    /// Reports a mapping that repeats a key.
    ///
    /// ## Why is this bad?
    /// kubectl's YAML decoder keeps the last value silently, so the first one, often the
    /// one a reviewer reads, never reaches the cluster. Strict decoders reject the object.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template: {}
    ///   replicas: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template: {}
    /// ```
    ///
    /// ## References
    /// - Objects in Kubernetes: describing an object: https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object
    /// - YAML 1.1 language-independent types (how unquoted scalars are typed): https://yaml.org/type/
    pub static YAML_DUPLICATE_KEY = {
        id: "yaml-duplicate-key",
        severity: Error,
        category: Input,
        summary: "a mapping repeats a key",
        help: "remove one of the two keys; kubectl keeps only the last",
    }
}

/// The finding for a parse problem that is a repeated key (`None` for other problems).
pub fn check(file: FileId, problem: &Problem) -> Option<Diagnostic> {
    if problem.kind != ProblemKind::DuplicateKey {
        return None;
    }
    let d = YAML_DUPLICATE_KEY.diagnostic(
        Location::File {
            file,
            span: problem.span,
        },
        problem.message.clone(),
    );
    Some(super::yaml_syntax::with_related(d, file, problem))
}

/// Reported by the parser; offers the removal of the earlier key when both values are
/// written the same (kubectl keeps the last: the object does not change).
pub struct YamlDuplicateKey;

impl Rule for YamlDuplicateKey {
    fn meta(&self) -> &'static RuleMeta {
        &YAML_DUPLICATE_KEY
    }

    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        let Location::File { file, span } = finding.location else {
            return None;
        };
        let Location::File { span: earlier, .. } = finding.related.first()?.location else {
            return None;
        };
        let g = cx.graph;
        let object = g.object(g.object_holding(file, span)?);
        let tree = g.object_tree(object.id);
        let root = tree.root();
        let text = g.file(file).text();
        let value_text = |key| {
            let (_, n) = edit::keyed_at(root, key)?;
            text.get(n.span.start as usize..n.span.end as usize)
        };
        let same = value_text(span)? == value_text(earlier)?;
        same.then(|| Fix {
            title: "remove the earlier, identical entry".to_owned(),
            safety: Safety::Safe,
            object: object.id,
            changes: vec![Change::RemoveKeyedAt { key: earlier }],
        })
    }
}
