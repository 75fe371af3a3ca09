//! The lowest layer: the vocabulary of places and findings (file ids, byte spans, JSON
//! pointers, object ids, locations, diagnostics). It knows nothing of YAML, of
//! Kubernetes or of rules; every other module may use it and it uses none of them.

pub mod checksum;
pub mod diagnostic;
pub mod entries;
pub mod hash;
pub mod location;
pub mod pointer;
pub mod recent;
pub mod sha256;
pub mod small_str;
pub mod span;
pub mod value;

pub use diagnostic::{Diagnostic, RuleId, Severity};
pub use hash::{FastMap, FastSet, FastState};
pub use location::{DocId, Location, ObjectId, Related};
pub use pointer::{At, Pointer, field, map_field};
pub use span::{FileId, Span};
