//! A file parsed in pieces on several threads gives the stream of the file parsed whole:
//! the input is cut at every document marker (pieces of one byte and more), so any text
//! with two documents takes the pieces' path. Property: the two streams are equal,
//! documents, spans, values, comments and problems alike.
#![no_main]

use k8lint::load::decode;
use k8lint::yaml::split::Pieces;
use k8lint::yaml::{self, ParseLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(data.to_vec()) else { return };
    let limits = ParseLimits::default();
    let whole = yaml::parse_with(&text, &limits, &Pieces { from_bytes: usize::MAX, piece_bytes: 1 });
    let cut = yaml::parse_with(&text, &limits, &Pieces { from_bytes: 0, piece_bytes: 1 });
    assert_eq!(format!("{whole:?}"), format!("{cut:?}"));
});
