//! Rules about Helm charts: a folder with `Chart.yaml` is a chart, reported once rather
//! than as template errors in each of its files.

mod helm_chart;

pub use helm_chart::{HELM_CHART, failed, library, not_rendered};

use super::Rule;
use super::input::Reported;

/// The Helm rules.
pub static RULES: &[&dyn Rule] = &[&Reported(&HELM_CHART)];
