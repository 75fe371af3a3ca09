//! Values files, then templates over them: the input is a values file and a manifest
//! separated by a NUL byte. Properties: no panic, no hang (the engine's budgets, the alias
//! budgets of both files), problems point inside the manifest.
#![no_main]

use k8lint::load::decode;
use k8lint::render::template::Templates;
use k8lint::render::values::parse_file;
use k8lint::yaml::{self, ParseLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (values, manifest) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"v: '${{ values }}'\n"[..]),
    };
    let Ok(values) = decode(values.to_vec()) else { return };
    let Ok(values) = parse_file(&values, "values.yaml") else { return };
    let Ok(text) = decode(manifest.to_vec()) else { return };
    let templates = Templates::new(values);
    let mut stream = yaml::parse(&text, &ParseLimits::default());
    for doc in &mut stream.documents {
        for p in templates.expand(&mut doc.tree, &mut doc.value, &text) {
            assert!(text.get(p.span.start as usize..p.span.end as usize).is_some(), "{p:?} inside the text");
        }
    }
});
