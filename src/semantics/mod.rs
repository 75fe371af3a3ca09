//! Kubernetes semantics that rules ask about: what the API server and its admission
//! plugins would decide. Rules stay thin: they select objects, ask here, and report.

pub mod pod_security;
