//! Where a finding points: a node of an object (by JSON pointer) or bytes of a file.

use crate::base::{FileId, Pointer, Span};

/// Index of an object in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(pub u32);

/// Index of a parsed document in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub u32);

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A node of an object, by JSON pointer.
    Object {
        /// The object.
        object: ObjectId,
        /// The node within it.
        pointer: Pointer,
    },
    /// A span of a file, for problems found before objects exist.
    File {
        /// The file.
        file: FileId,
        /// The bytes.
        span: Span,
    },
}

impl Location {
    /// Gives back the room its pointer grew beyond its text.
    pub fn shrink_to_fit(&mut self) {
        if let Location::Object { pointer, .. } = self {
            pointer.shrink_to_fit();
        }
    }
}

/// A second place that explains the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// Why it matters.
    pub message: String,
}
