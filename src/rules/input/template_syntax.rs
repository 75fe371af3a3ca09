use crate::base::{Diagnostic, FileId, Location, Span};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file that holds unrendered Go-template (Helm) actions where YAML structure
    /// stands: a line or an unquoted value that starts with `{{`, or a file that does not
    /// parse and contains `{{`. It is reported once per file, and nothing else is reported
    /// for that file.
    ///
    /// `{{ }}` inside a string value is never reported: Argo Workflows, Prometheus rules
    /// and Alertmanager templates use it legitimately.
    ///
    /// ## Why is this bad?
    /// A Helm chart template is not a manifest: it becomes one only after `helm template`.
    /// Linting the template text would report YAML garbage.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: {{ .Release.Name }}-web
    /// ```
    ///
    /// Use instead: render the chart and pipe it in.
    /// ```sh
    /// helm template my-release ./chart | k8lint check -
    /// ```
    ///
    /// ## References
    /// - Helm: helm template: https://helm.sh/docs/helm/helm_template/
    /// - k8lint: render and templates: https://github.com/k8lint/k8lint/blob/main/README.md#k8lint-render
    pub static TEMPLATE_SYNTAX = {
        id: "template-syntax",
        severity: Error,
        category: Input,
        summary: "the file holds unrendered Go-template (Helm) syntax",
        help: "render the chart first and pipe it in: `helm template RELEASE CHART | k8lint check -`",
    }
}

/// The finding for a file that does not parse as YAML and reads as a Go template: `None`
/// when the text has no structural `{{` action (then its syntax errors stand).
pub fn check(file: FileId, text: &str) -> Option<Diagnostic> {
    let span = template_action(text)?;
    Some(TEMPLATE_SYNTAX.diagnostic(
        Location::File { file, span },
        "this file is a Go template (Helm chart template), not a manifest",
    ))
}

/// The first Go-template action where YAML structure stands: a line or a value that starts
/// with `{{`. `None` when the file has no `{{` at all.
fn template_action(text: &str) -> Option<Span> {
    // `${{ }}` is k8lint's own template syntax, not Helm's.
    let first = memchr::memmem::find_iter(text.as_bytes(), b"{{")
        .find(|&i| i == 0 || text.as_bytes()[i - 1] != b'$')?;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let starts = trimmed.strip_prefix("- ").map_or(trimmed, str::trim_start);
        let after_key = trimmed.find(": {{").map(|i| i + 2);
        let at = if starts.starts_with("{{") {
            Some(lead + (trimmed.len() - starts.len()))
        } else {
            after_key.map(|i| lead + i)
        };
        if let Some(at) = at {
            let start = offset + at;
            let end = line[at..]
                .find("}}")
                .map_or(offset + line.trim_end().len(), |e| offset + at + e + 2);
            return Some(Span::new(start, end));
        }
        offset += line.len();
    }
    Some(Span::new(first, first + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_action_finds_the_first_structural_action() {
        let text = "a: \"x {{ y }}\"\n{{- if .Values.on }}\nb: 1\n";
        let s = template_action(text).unwrap();
        assert_eq!(
            &text[s.start as usize..s.end as usize],
            "{{- if .Values.on }}"
        );
        let text = "metadata:\n  name: {{ .Release.Name }}-web\n";
        let s = template_action(text).unwrap();
        assert_eq!(
            &text[s.start as usize..s.end as usize],
            "{{ .Release.Name }}"
        );
    }
}
