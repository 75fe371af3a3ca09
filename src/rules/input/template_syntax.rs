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
    /// K8S-SEMANTICS.md §E.1.
    pub static TEMPLATE_SYNTAX = {
        id: "template-syntax",
        severity: Error,
        category: Input,
        summary: "the file holds unrendered Go-template (Helm) syntax",
        help: "render the chart first and pipe it in: `helm template RELEASE CHART | k8lint check -`",
    }
}
