use std::path::Path;

use crate::base::{Diagnostic, FileId, Location, Severity, Span};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a Helm chart met in a walk (a folder with a `Chart.yaml`) whose templates
    /// were not checked, once, at its `Chart.yaml`. The files of a chart (`templates/`,
    /// `values.yaml`, `charts/`, `crds/`) are Go templates and inputs of templates, not
    /// manifests: a walk does not read them one by one, so a chart never shows up as one
    /// template error per file.
    ///
    /// When `helm` is available (on PATH, `--helm PATH`, or `helm:` in the config), k8lint
    /// renders each chart with `helm template` and checks the rendering instead; this
    /// finding then appears only when that fails (at error: helm stopped with an error,
    /// ran past `limits.helm-template-ms`, or printed more than the file size limit), or
    /// for a library chart, which renders nothing on its own (at info). Without helm it is
    /// an info finding that says how to render the chart.
    ///
    /// ## Why is this bad?
    /// A chart that was not rendered is not wrong in itself, but what it renders reaches the
    /// cluster and nothing of it was checked: the finding says so, so that nothing is
    /// skipped silently. A chart that `helm template` cannot render cannot be installed
    /// either.
    ///
    /// ## Example
    /// ```text
    /// charts/web/Chart.yaml
    /// charts/web/values.yaml
    /// charts/web/templates/deployment.yaml
    /// ```
    ///
    /// Use instead: render the chart with its values and check the output:
    /// ```text
    /// helm template web charts/web --values charts/web/values-prod.yaml | k8lint check -
    /// ```
    ///
    /// ## References
    /// - Helm charts: <https://helm.sh/docs/topics/charts/>
    /// - `helm template`: <https://helm.sh/docs/helm/helm_template/>
    pub static HELM_CHART = {
        id: "helm-chart",
        severity: Info,
        category: Input,
        summary: "a Helm chart was not rendered, so its templates were not checked",
        help: "render it and check the output: `helm template NAME CHART_DIR | k8lint check -`",
    }
}

/// The chart folder of a `Chart.yaml`, as shown.
fn chart_dir(chart_yaml: &Path) -> String {
    let dir = chart_yaml
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.display().to_string()
}

/// The start of a `Chart.yaml`, where the chart's findings are.
fn at_chart(file: FileId) -> Location {
    Location::File {
        file,
        span: Span::default(),
    }
}

/// The finding for a chart's `Chart.yaml` when there is no helm to render it: the chart
/// is the folder holding it.
pub fn not_rendered(file: FileId, chart_yaml: &Path) -> Diagnostic {
    let dir = chart_dir(chart_yaml);
    HELM_CHART.diagnostic(
        at_chart(file),
        format!(
            "Helm chart {dir} was not rendered: its templates are not checked (render it: `helm template {dir} | k8lint check -`)"
        ),
    )
}

/// The finding for a chart that `helm template` did not render.
pub fn failed(file: FileId, chart_yaml: &Path, why: &str) -> Diagnostic {
    let dir = chart_dir(chart_yaml);
    HELM_CHART
        .diagnostic(
            at_chart(file),
            format!("Helm chart {dir} did not render, so its templates are not checked: {why}"),
        )
        .with_severity(Severity::Error)
        .with_help(format!(
            "run `helm template {dir}` to see the error; a chart whose dependencies are missing needs `helm dependency build {dir}` first"
        ))
}

/// The finding for a library chart: it renders nothing on its own.
pub fn library(file: FileId, chart_yaml: &Path) -> Diagnostic {
    let dir = chart_dir(chart_yaml);
    HELM_CHART.diagnostic(
        at_chart(file),
        format!(
            "Helm chart {dir} is a library chart (`type: library`): it renders nothing on its own; its templates are checked where an application chart that depends on it is rendered"
        ),
    )
}
