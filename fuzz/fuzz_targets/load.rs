//! bytes → decoded text → documents and span trees. Properties: no panic; every span lies
//! on character boundaries inside the text; every node is found again by its own pointer.
#![no_main]

use k8lint::load::decode;
use k8lint::base::Pointer;
use k8lint::yaml::{self, Node, ParseLimits, ProblemKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(data.to_vec()) else { return };
    let stream = yaml::parse(&text, &ParseLimits::default());
    let duplicates = stream.problems.iter().any(|p| p.kind == ProblemKind::DuplicateKey);
    for p in &stream.problems {
        assert!(p.span.end as usize <= text.len() && text.is_char_boundary(p.span.start as usize));
    }
    for c in &stream.comments {
        assert!(text.get(c.span.start as usize..c.span.end as usize).is_some_and(|s| s.starts_with('#')));
    }
    for doc in &stream.documents {
        doc.tree.walk(&mut Pointer::root(), &mut |pointer: &Pointer, node: &Node| {
            let s = node.span;
            assert!(text.get(s.start as usize..s.end as usize).is_some(), "span {s:?} inside the text");
            if let Some(k) = node.key_span() {
                assert!(text.get(k.start as usize..k.end as usize).is_some());
            }
            if !duplicates {
                let (found, _) = doc.tree.resolve(pointer);
                assert_eq!(found.span, node.span, "pointer {pointer} finds its node");
            }
        });
    }
});
