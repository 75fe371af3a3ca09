//! Template expansion: `${{ expr }}` scalars and interpolations evaluated in the sandbox.
//! Properties: no panic, no hang (the engine's budgets), problems point inside the text.
#![no_main]

use std::sync::LazyLock;

use k8lint::load::decode;
use k8lint::render::template::Templates;
use k8lint::yaml::{self, ParseLimits};
use libfuzzer_sys::fuzz_target;

static TEMPLATES: LazyLock<Templates> = LazyLock::new(|| {
    Templates::new(k8lint::json!({
        "name": "web", "replicas": 3, "on": true, "ratio": 0.5,
        "labels": {"app": "web", "tier": "fe"}, "ports": [80, 443], "empty": null
    }))
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(data.to_vec()) else { return };
    let mut stream = yaml::parse(&text, &ParseLimits::default());
    for doc in &mut stream.documents {
        for p in TEMPLATES.expand(&mut doc.tree, &mut doc.value, &text) {
            assert!(text.get(p.span.start as usize..p.span.end as usize).is_some(), "{p:?} inside the text");
        }
    }
});
