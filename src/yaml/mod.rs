//! Parsing YAML as Kubernetes reads it, with a span for every node.

pub mod parse;
pub mod scalar;
pub mod split;
pub mod tree;

pub use parse::{
    Comment, Document, InputBudget, MAX_DEPTH, ParseLimits, Problem, ProblemKind, Stream, parse,
    parse_with,
};
pub use tree::{Key, Node, NodeKind, ScalarStyle};
