use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::base::{At, Location};
use crate::edit::Change;
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta, Safety};

use super::{named, repeats};

declare_rule! {
    /// ## What it does
    /// Reports an `env` entry whose `name` an earlier entry of the same container already
    /// defines. The later entry is reported, the earlier one is shown as related. Only
    /// `env` is compared: `envFrom` is expected to be overridden by `env`.
    ///
    /// ## Why is this bad?
    /// The API server accepts it with a warning ("hides previous definition"), and the
    /// last definition silently wins: whoever edits the first one sees no effect.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: "app:1.0"
    ///     env:
    ///       - {name: LOG_LEVEL, value: info}
    ///       - {name: LOG_LEVEL, value: debug}
    /// ```
    ///
    /// Use instead: keep one definition of each variable.
    ///
    /// ## References
    /// - Define environment variables for a container: https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
    /// - Warning: helpful warnings ahead (API server warnings): https://kubernetes.io/blog/2020/09/03/warnings/
    pub static DUPLICATE_ENV = {
        id: "duplicate-env",
        severity: Warning,
        category: Workload,
        summary: "a container defines the same env var twice (the last silently wins)",
        help: "remove one of the definitions",
        scope: Object,
    }
}

/// Finds repeated env names within each container.
pub struct DuplicateEnv;

impl Rule for DuplicateEnv {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_ENV
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            let base = c.pointer.key("env");
            for r in repeats(named(c.list("env"), &base, "name")) {
                out.push(r.finding(
                    &DUPLICATE_ENV,
                    object.id,
                    format!(
                        "env var `{}` is defined twice in {}; the last definition wins",
                        r.key,
                        c.describe()
                    ),
                    "first defined here",
                ));
            }
        }
    }

    /// The later entry removed, when it is exactly the earlier one (otherwise which value
    /// was meant is the user's call).
    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        let (object, later) = super::super::fixes::object_location(finding)?;
        let Location::Object { pointer: first, .. } = &finding.related.first()?.location else {
            return None;
        };
        let value = &cx.graph.object(object).value;
        let (later, first) = (later.parent()?, first.parent()?);
        let same = value.at(later.as_str())? == value.at(first.as_str())?;
        same.then(|| Fix {
            title: "remove the repeated definition".to_owned(),
            safety: Safety::Safe,
            object,
            changes: vec![Change::Remove { pointer: later }],
        })
    }
}
