//! Suppressions: `k8lint.io/ignore` annotations on objects and pod templates, and
//! `# k8lint: ignore rule-a,rule-b` comments that cover a node and everything under it.

use std::collections::{HashMap, HashSet};

use crate::base::value::Value;

use crate::base::{Diagnostic, FileId, Location, ObjectId, Pointer, Span};
use crate::compile::Compiled;
use crate::graph::Graph;
use crate::model::PodTemplate;
use crate::rules::input::UNUSED_SUPPRESSION;
use crate::yaml::Comment;

/// The annotation that suppresses rules on an object or a pod template.
pub const ANNOTATION: &str = "k8lint.io/ignore";

/// The rules a suppression names; `all` matches every rule.
#[derive(Debug, Clone)]
struct RuleList {
    ids: Vec<String>,
    used: Vec<bool>,
}

impl RuleList {
    fn parse(text: &str) -> RuleList {
        let ids: Vec<String> = text
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let ids = if ids.is_empty() {
            vec!["all".to_owned()]
        } else {
            ids
        };
        RuleList {
            used: vec![false; ids.len()],
            ids,
        }
    }

    fn take(&mut self, rule: &str) -> bool {
        for (i, id) in self.ids.iter().enumerate() {
            if id == rule || id == "all" {
                self.used[i] = true;
                return true;
            }
        }
        false
    }
}

#[derive(Debug)]
struct CommentSuppression {
    span: Span,
    /// 0-based line whose nodes it covers.
    target_line: usize,
    rules: RuleList,
}

#[derive(Debug)]
struct AnnotationSuppression {
    /// Diagnostics at or under this pointer are covered.
    scope: Pointer,
    /// The annotation's value, where an unused one is reported.
    at: Pointer,
    rules: RuleList,
}

/// Where a finding sits, as suppression comments see it: [`Suppressions::place`].
pub struct Place {
    file: FileId,
    /// The lines a comment may target to cover the finding (none when the file has no
    /// suppression comments).
    lines: Vec<usize>,
}

impl Place {
    fn without_comments(file: FileId) -> Place {
        Place {
            file,
            lines: Vec::new(),
        }
    }
}

/// Every suppression of a run.
#[derive(Debug, Default)]
pub struct Suppressions {
    comments: HashMap<FileId, Vec<CommentSuppression>>,
    annotations: HashMap<ObjectId, Vec<AnnotationSuppression>>,
}

impl Suppressions {
    /// Collects the suppressions of the checked files and objects.
    pub fn collect(compiled: &Compiled) -> Suppressions {
        let graph = &compiled.graph;
        let mut s = Suppressions::default();
        for (file, comments) in &compiled.comments {
            let source = graph.file(*file);
            let list: Vec<CommentSuppression> = comments
                .iter()
                .filter_map(|c| {
                    let rules = parse_comment(c)?;
                    let line = source.line_of(c.span.start);
                    let before = source.slice(Span::new(
                        source.line_span(line).start as usize,
                        c.span.start as usize,
                    ));
                    let target_line = if before.trim().is_empty() {
                        next_content_line(source, line)
                    } else {
                        line
                    };
                    Some(CommentSuppression {
                        span: c.span,
                        target_line,
                        rules,
                    })
                })
                .collect();
            if !list.is_empty() {
                s.comments.insert(*file, list);
            }
        }
        for o in graph.checked() {
            let mut list = Vec::new();
            if let Some(v) = o
                .annotations()
                .and_then(|a| a.get(ANNOTATION))
                .and_then(Value::as_str)
            {
                list.push(AnnotationSuppression {
                    scope: Pointer::root(),
                    at: Pointer::root().path("metadata/annotations").key(ANNOTATION),
                    rules: RuleList::parse(v),
                });
            }
            if let Some(t) = PodTemplate::of(o).filter(|t| !t.pointer.as_str().is_empty()) {
                if let Some(v) = t
                    .annotations()
                    .and_then(|a| a.get(ANNOTATION))
                    .and_then(Value::as_str)
                {
                    list.push(AnnotationSuppression {
                        at: t.metadata_pointer().key("annotations").key(ANNOTATION),
                        scope: t.pointer.clone(),
                        rules: RuleList::parse(v),
                    });
                }
            }
            if !list.is_empty() {
                s.annotations.insert(o.id, list);
            }
        }
        s
    }

    /// Where a diagnostic sits, for [`Suppressions::suppresses`]: its file, and the lines
    /// of its node and of the nodes holding it when the file has suppression comments.
    /// It only reads, so the check finds the places of all findings in parallel.
    pub fn place(&self, graph: &Graph, d: &Diagnostic) -> Place {
        match &d.location {
            Location::File { file, span } => {
                if !self.comments.contains_key(file) {
                    return Place::without_comments(*file);
                }
                let source = graph.file(*file);
                let tree = graph.tree_holding(*file, span.start);
                let mut lines: Vec<usize> = tree
                    .iter()
                    .flat_map(|t| t.chain_at(span.start))
                    .map(|n| source.line_of(n.head_span().start))
                    .collect();
                lines.push(source.line_of(span.start));
                Place { file: *file, lines }
            }
            Location::Object { object, pointer } => {
                // The file alone needs no tree (but for a built object's).
                let source_file = graph.file_at(*object, pointer);
                if !self.comments.contains_key(&source_file) {
                    return Place::without_comments(source_file);
                }
                let source = graph.file(source_file);
                let lines = graph
                    .object_tree(*object)
                    .chain(pointer)
                    .iter()
                    .map(|n| source.line_of(n.head_span().start))
                    .collect();
                Place {
                    file: source_file,
                    lines,
                }
            }
        }
    }

    /// Whether a diagnostic at `place` is suppressed (by an annotation of its object, else
    /// by a comment); marks the suppressions that matched.
    pub fn suppresses(&mut self, d: &Diagnostic, place: &Place) -> bool {
        let rule = d.rule.as_str();
        if let Location::Object { object, pointer } = &d.location {
            if let Some(list) = self.annotations.get_mut(object) {
                for a in list.iter_mut() {
                    if pointer.starts_with(&a.scope) && a.rules.take(rule) {
                        return true;
                    }
                }
            }
        }
        let Some(list) = self.comments.get_mut(&place.file) else {
            return false;
        };
        list.iter_mut()
            .any(|c| place.lines.contains(&c.target_line) && c.rules.take(rule))
    }

    /// `unused-suppression` findings for the entries that suppressed nothing. Entries that
    /// name a rule that did not run are not counted; unknown rule ids are.
    pub fn unused(&self, known: &HashSet<String>, enabled: &HashSet<String>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let describe = |rules: &RuleList| -> Option<String> {
            let mut unused = Vec::new();
            let mut unknown = Vec::new();
            for (id, used) in rules.ids.iter().zip(&rules.used) {
                if *used {
                    continue;
                }
                if id == "all" || enabled.contains(id) {
                    unused.push(id.as_str());
                } else if !known.contains(id) {
                    unknown.push(id.as_str());
                }
            }
            let mut parts = Vec::new();
            if !unused.is_empty() {
                parts.push(format!(
                    "suppression of {} matched no finding",
                    unused.join(", ")
                ));
            }
            if !unknown.is_empty() {
                parts.push(format!("unknown rule {}", unknown.join(", ")));
            }
            (!parts.is_empty()).then(|| parts.join("; "))
        };
        for (file, list) in &self.comments {
            for c in list {
                if let Some(m) = describe(&c.rules) {
                    out.push(UNUSED_SUPPRESSION.diagnostic(
                        Location::File {
                            file: *file,
                            span: c.span,
                        },
                        m,
                    ));
                }
            }
        }
        for (object, list) in &self.annotations {
            for a in list {
                if let Some(m) = describe(&a.rules) {
                    out.push(UNUSED_SUPPRESSION.at(*object, a.at.clone(), m));
                }
            }
        }
        out
    }
}

/// `k8lint: ignore a, b -- reason` → the rule list; anything else → `None`.
fn parse_comment(c: &Comment) -> Option<RuleList> {
    let text = c.text.trim().strip_prefix("k8lint:")?.trim_start();
    let rest = text.strip_prefix("ignore")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ','])) {
        return None;
    }
    let rest = rest
        .split('#')
        .next()
        .unwrap_or("")
        .split("--")
        .next()
        .unwrap_or("");
    Some(RuleList::parse(rest))
}

/// The first line after `line` that holds something other than blanks and comments.
fn next_content_line(source: &crate::load::SourceFile, line: usize) -> usize {
    (line + 1..source.line_count())
        .find(|&l| {
            let line = source.slice(source.line_span(l));
            let t = line.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .unwrap_or(line + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(text: &str) -> Comment {
        Comment {
            span: Span::default(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn parses_rule_lists() {
        let r = parse_comment(&comment(
            " k8lint: ignore image-tag, duplicate-env -- pinned",
        ))
        .unwrap();
        assert_eq!(r.ids, ["image-tag", "duplicate-env"]);
        let r = parse_comment(&comment(" k8lint: ignore")).unwrap();
        assert_eq!(r.ids, ["all"]);
        assert!(parse_comment(&comment(" k8lint: ignored-thing")).is_none());
        assert!(parse_comment(&comment(" just a comment")).is_none());
    }
}
