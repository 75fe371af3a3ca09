//! A parse kept on disk reads back as it was written, and no bytes make reading it panic:
//! the input is parsed as a file and its stream written and read back (property: equal
//! streams), then the raw input itself is read as an entry for a text of its own length
//! (property: a stream or nothing, never a panic or an unbounded allocation).
#![no_main]

use k8lint::load::decode;
use k8lint::yaml::{self, ParseLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = yaml::stored::decode(data, data.len());
    let Ok(text) = decode(data.to_vec()) else { return };
    let stream = yaml::parse(&text, &ParseLimits::default());
    let read = yaml::stored::decode(&yaml::stored::encode(&stream), text.len())
        .expect("a written parse reads back");
    assert_eq!(format!("{stream:?}"), format!("{read:?}"));
});
