//! The fast path for block-style YAML gives the event parser's stream wherever it reads a
//! text. Property: when it takes the input, the two streams are equal, documents, spans,
//! values, comments and problems alike; when it does not, nothing is compared (the event
//! parser alone reads the text, as the other targets check).
#![no_main]

use k8lint::load::decode;
use k8lint::yaml::{self, ParseLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(data.to_vec()) else { return };
    if let Some((fast, full)) = yaml::parse_both_ways(&text, &ParseLimits::default()) {
        assert_eq!(format!("{fast:?}"), format!("{full:?}"));
    }
});
