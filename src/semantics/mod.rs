//! Kubernetes semantics that rules ask about, one topic per folder.

pub mod admission;
