//! Kubernetes semantics that rules ask about: what the API server, its controllers and
//! authorizers would do with an object, kept apart from the rules that report it.

pub mod cron;
pub mod rbac;
pub mod secrets;
pub mod validation;
