//! The whole `check` pipeline on one file: compile, every rule, the JSON report.
//! Properties: no panic, no internal-error finding, the report is valid JSON, and it is
//! the same report when the file's span trees were let go and parsed again to locate the
//! findings (`limits.kept-tree-bytes` spent).
#![no_main]

use std::sync::Arc;

use k8lint::check::{self, Selection};
use k8lint::compile::{Limits, compile_in_memory};
use k8lint::config::Config;
use k8lint::report::{Report, json};
use k8lint::rules;
use k8lint::yaml::InputBudget;
use libfuzzer_sys::fuzz_target;

/// Two threads, as on the project's machines: the report's findings are written in parallel.
fn workers() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("threads")
    })
}

fuzz_target!(|data: &[u8]| {
    let kept = report(data, &Limits::default());
    let spent = Limits {
        kept_trees: Some(Arc::new(InputBudget::new(0))),
        ..Limits::default()
    };
    assert!(
        kept == report(data, &spent),
        "the report changed when the trees were let go"
    );
});

/// The JSON report of `data` compiled within `limits`.
fn report(data: &[u8], limits: &Limits) -> Vec<u8> {
    let compiled = compile_in_memory(&[("fuzz.yaml".to_owned(), data.to_vec())], "default", limits);
    let all = rules::builtin();
    let selection = Selection::new(&all, &Config::default(), &[], &[]).expect("default selection");
    let found = check::run(
        &compiled,
        &all,
        &selection,
        k8lint::versions::KubeVersion::newest(),
        true,
        &k8lint::semantics::pod_security::Settings::default(),
    );
    assert!(
        found.iter().all(|d| d.rule.as_str() != "internal-error"),
        "a rule panicked: {found:?}"
    );
    let report = Report::new(&compiled.graph, found, compiled.counts);
    let mut out = Vec::new();
    json::write(&report, workers(), &mut out).expect("writing to memory");
    serde_json::from_slice::<serde_json::Value>(&out).expect("the report is JSON");
    out
}
