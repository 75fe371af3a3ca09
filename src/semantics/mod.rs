//! Kubernetes knowledge that rules ask about: how the API server, its controllers and
//! authorizers read a field. Rules select objects and report; the facts live here.

pub mod cron;
pub mod rbac;
pub mod secrets;
