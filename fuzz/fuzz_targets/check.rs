//! The whole `check` pipeline on one file: compile, every rule, the JSON report.
//! Properties: no panic, no internal-error finding, and the report is valid JSON.
#![no_main]

use k8lint::check::{self, Selection};
use k8lint::compile::{Limits, compile_in_memory};
use k8lint::config::Config;
use k8lint::report::{Report, json};
use k8lint::rules;
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
    let compiled = compile_in_memory(
        &[("fuzz.yaml".to_owned(), data.to_vec())],
        "default",
        &Limits::default(),
    );
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
});
