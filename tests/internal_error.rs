//! A bug in one rule (a panic) becomes one `internal-error` finding naming the rule and
//! the object, and every other rule still reports.

mod common;

use k8lint::base::Diagnostic;
use k8lint::check::{self, Selection};
use k8lint::compile::{Inputs, compile};
use k8lint::config::Config;
use k8lint::declare_rule;
use k8lint::load::InputPath;
use k8lint::model::Object;
use k8lint::rules::{self, Context, Rule, RuleMeta};
use k8lint::versions::KubeVersion;

declare_rule! {
    /// ## What it does
    /// Panics on objects named `boom` (a stand-in for a bug).
    pub static PANICKY = {
        id: "panicky",
        severity: Warning,
        category: Input,
        summary: "panics on purpose",
        help: "",
    }
}

struct Panicky;

impl Rule for Panicky {
    fn meta(&self) -> &'static RuleMeta {
        &PANICKY
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, _out: &mut Vec<Diagnostic>) {
        let missing = object.value.get("no-such-field");
        if object.name == "boom" {
            missing.expect("a bug in a rule");
        }
    }
}

#[test]
fn a_panicking_rule_is_one_internal_error_and_the_rest_still_runs() {
    std::panic::set_hook(Box::new(|_| {}));
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: boom}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: p, a: q}\n",
    );
    let compiled = compile(&Inputs {
        files: vec![InputPath {
            path: Some(path),
            explicit: true,
            context: false,
        }],
        namespace: "default".into(),
        limits: Default::default(),
        templates: Default::default(),
        overlay: Default::default(),
        units: Default::default(),
        helm: None,
        parses: None,
    })
    .unwrap();
    let mut all = rules::builtin();
    all.push(&Panicky);
    let selection = Selection::new(&all, &Config::default(), &[], &[]).unwrap();
    let found = check::run(
        &compiled,
        &all,
        &selection,
        KubeVersion::resolve("1.34").unwrap(),
        true,
        &k8lint::semantics::pod_security::Settings::default(),
    );
    let ids: Vec<(&str, String)> = found
        .iter()
        .map(|d| (d.rule.as_str(), d.message.clone()))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.iter().any(|(r, _)| *r == "yaml-duplicate-key"));
    let internal = found
        .iter()
        .find(|d| d.rule.as_str() == "internal-error")
        .expect("an internal-error finding");
    assert!(
        internal
            .message
            .contains("rule `panicky` failed here: a bug in a rule"),
        "{}",
        internal.message
    );
}
