use crate::base::{Diagnostic, FileId, Location, Span};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `${{ expr }}` template expression that cannot be evaluated: it uses a value
    /// that is not defined (`values.image.tag` when no values file or `--set` gives it), a
    /// variable other than `values`, is not a valid Rhai expression, fails while it runs
    /// (a type error, a call to an unknown function), runs past the sandbox's bounds, or
    /// produces something that has no YAML form or cannot be put inside a string.
    ///
    /// The finding points at the expression in the template, and the rest of the file is
    /// still checked: the failing scalar keeps its text.
    ///
    /// ## Why is this bad?
    /// The manifest cannot be rendered: `k8lint render` refuses to print half-rendered
    /// objects, and whatever the expression was meant to produce is missing.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: web
    ///     image: ${{ values.image.repository + ":" + values.image.tg }}
    /// ```
    ///
    /// Use instead (and pass `--values values.yaml` or `--set image.tag=1.25`):
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: web
    ///     image: ${{ values.image.repository }}:${{ values.image.tag }}
    /// ```
    /// An optional value can be tested with `"tag" in values.image` or read with a default:
    /// `${{ values.image.get("tag") ?? "latest" }}`.
    ///
    /// ## References
    /// - k8lint: render and templates: https://github.com/k8lint/k8lint/blob/main/README.md#k8lint-render
    /// - YAML 1.1 language-independent types (how unquoted scalars are typed): https://yaml.org/type/
    pub static TEMPLATE_ERROR = {
        id: "template-error",
        severity: Error,
        category: Input,
        summary: "a `${{ }}` expression fails, or uses an undefined value",
        help: "define the value with --values FILE or --set KEY=VALUE, or fix the expression",
    }
}

/// The finding for a `${{ }}` expression that the template stage could not expand.
pub fn check(file: FileId, span: Span, message: String) -> Diagnostic {
    TEMPLATE_ERROR.diagnostic(Location::File { file, span }, message)
}
