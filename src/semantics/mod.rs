//! Kubernetes semantics that rules ask about: what the API server and the controllers
//! would do with an object, kept apart from the rules that report it.

pub mod validation;
