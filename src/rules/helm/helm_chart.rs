use std::path::Path;

use crate::base::{Diagnostic, FileId, Location, Span};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each Helm chart met in a walk (a folder with a `Chart.yaml`), once, at its
    /// `Chart.yaml`: k8lint did not render it, so its templates were not checked. The
    /// files of a chart (`templates/`, `values.yaml`, `charts/`, `crds/`) are Go templates
    /// and inputs of templates, not manifests: a walk does not read them one by one, so a
    /// chart never shows up as one template error per file.
    ///
    /// ## Why is this bad?
    /// It is not wrong in itself. What the chart renders reaches the cluster, and nothing
    /// of it was checked: the finding says so, so that nothing is skipped silently.
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

/// The finding for a chart's `Chart.yaml`: the chart is the folder holding it.
pub fn not_rendered(file: FileId, chart_yaml: &Path) -> Diagnostic {
    let dir = chart_yaml
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = dir.display();
    HELM_CHART.diagnostic(
        Location::File {
            file,
            span: Span::default(),
        },
        format!(
            "Helm chart {dir} was not rendered: its templates are not checked (render it: `helm template {dir} | k8lint check -`)"
        ),
    )
}
