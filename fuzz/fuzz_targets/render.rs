//! render's round trip: for input that compiles without errors, rendering the rendered
//! output gives the same bytes (render ∘ render = render).
#![no_main]

use k8lint::compile::{Limits, compile_in_memory};
use k8lint::base::Severity;
use k8lint::render::{self, Options, output};
use libfuzzer_sys::fuzz_target;

fn render_once(bytes: &[u8]) -> Option<String> {
    let compiled = compile_in_memory(&[("fuzz.yaml".to_owned(), bytes.to_vec())], "default", &Limits::default());
    if compiled.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return None;
    }
    let objects = render::render(&compiled.graph, Options { defaults: true, expand: false });
    Some(output::to_text(&objects, output::Format::Yaml))
}

fuzz_target!(|data: &[u8]| {
    // `$${{` is the one documented exception to idempotence (a literal re-evaluated).
    if data.windows(3).any(|w| w == b"${{") {
        return;
    }
    let Some(first) = render_once(data) else { return };
    if first.is_empty() {
        return;
    }
    let second = render_once(first.as_bytes()).expect("render's own output compiles without errors");
    assert_eq!(first, second, "render of render differs");
});
