//! Helm charts met in a walk: rendered with `helm template` when helm is available, and
//! their rendering turned into one file per template, named by the template's path in
//! the repository (what `# Source:` gives) with the rendered text as its text. Without
//! helm, or when the chart is a library chart, the chart is reported once (`helm-chart`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::{Diagnostic, FileId, Location, Related, Span};
use crate::graph::Graph;
use crate::helm::{self, Failure, Helm};
use crate::load::{self, InputPath};
use crate::rules::helm as rules;
use crate::yaml::{self, ParseLimits};

/// What became of one chart.
#[derive(Debug)]
pub enum Outcome {
    /// No helm to render it with.
    NotRendered,
    /// A library chart: it renders nothing on its own.
    Library,
    /// `helm template` did not give a rendering.
    Failed(Failure),
    /// Rendered: its templates' texts.
    Rendered(Vec<helm::Rendered>),
}

/// A chart of the run: the input that is its `Chart.yaml`, and what became of it.
#[derive(Debug)]
pub struct Chart {
    /// Index of its `Chart.yaml` among the inputs.
    pub input: usize,
    /// The outcome.
    pub outcome: Outcome,
}

/// One template's rendering, as a file of the run.
#[derive(Debug)]
pub struct RenderedFile {
    /// Index of the chart's `Chart.yaml` among the inputs.
    pub chart_input: usize,
    /// The template's path in the repository.
    pub template: PathBuf,
    /// The rendered text.
    pub text: String,
}

/// Whether an input is the `Chart.yaml` of a chart met in a walk (a subchart's is not an
/// input: the walk reads the parent chart only).
pub fn is_walked_chart(input: &InputPath) -> bool {
    !input.explicit
        && !input.context
        && input
            .path
            .as_deref()
            .and_then(Path::file_name)
            .is_some_and(|n| n == load::CHART_FILE)
}

/// Renders every walked chart among the inputs (in parallel, each bounded by `helm`'s
/// own deadline and output cap).
pub fn render_all(inputs: &[InputPath], helm: Option<&Helm>, limits: &ParseLimits) -> Vec<Chart> {
    inputs
        .par_iter()
        .enumerate()
        .filter(|(_, input)| is_walked_chart(input))
        .filter_map(|(i, input)| {
            let chart_yaml = input.path.as_deref()?;
            let outcome = match helm {
                None => Outcome::NotRendered,
                Some(_) if is_library(chart_yaml, limits) => Outcome::Library,
                Some(helm) => match helm.render(chart_dir(chart_yaml)) {
                    Ok(output) => Outcome::Rendered(helm::split(&output)),
                    Err(e) => Outcome::Failed(e),
                },
            };
            Some(Chart { input: i, outcome })
        })
        .collect()
}

/// The chart folder of a `Chart.yaml`.
pub fn chart_dir(chart_yaml: &Path) -> &Path {
    chart_yaml
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Whether a chart declares `type: library` (helm refuses to render one on its own).
fn is_library(chart_yaml: &Path, limits: &ParseLimits) -> bool {
    let Ok(text) = std::fs::read_to_string(chart_yaml) else {
        return false;
    };
    yaml::parse(&text, limits)
        .documents
        .first()
        .and_then(|d| {
            d.value
                .get("type")
                .and_then(|t| t.as_str().map(str::to_owned))
        })
        .is_some_and(|t| t == "library")
}

/// The files the renderings make, chart by chart, template by template.
pub fn rendered_files(inputs: &[InputPath], charts: &[Chart]) -> Vec<RenderedFile> {
    let mut out = Vec::new();
    for chart in charts {
        let Outcome::Rendered(templates) = &chart.outcome else {
            continue;
        };
        let Some(chart_yaml) = inputs.get(chart.input).and_then(|i| i.path.as_deref()) else {
            continue;
        };
        for t in templates {
            out.push(RenderedFile {
                chart_input: chart.input,
                template: helm::template_path(chart_dir(chart_yaml), &t.source),
                text: t.text.clone(),
            });
        }
    }
    out
}

/// The finding at a chart's `Chart.yaml`, when there is one: not rendered, a library, or
/// failed. A chart that rendered has none: its templates are checked.
pub fn finding(file: FileId, chart_yaml: &Path, outcome: &Outcome) -> Option<Diagnostic> {
    match outcome {
        Outcome::NotRendered => Some(rules::not_rendered(file, chart_yaml)),
        Outcome::Library => Some(rules::library(file, chart_yaml)),
        Outcome::Failed(e) => Some(rules::failed(file, chart_yaml, &e.to_string())),
        Outcome::Rendered(_) => None,
    }
}

/// Adds "rendered from chart …" to every finding in a rendered file, at the chart's
/// `Chart.yaml`: the finding's lines are the rendering's, and this says which chart.
pub fn relate(graph: &Graph, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut() {
        let file = match &d.location {
            Location::Object { object, .. } => graph.object(*object).file,
            Location::File { file, .. } => *file,
        };
        if let Some(r) = &graph.file(file).rendered {
            d.related.push(Related {
                location: Location::File {
                    file: r.chart_file,
                    span: Span::default(),
                },
                message: format!(
                    "rendered by `helm template` from chart {}; the lines are the rendering's",
                    r.chart
                ),
            });
        }
    }
}
