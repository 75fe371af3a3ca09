//! Security rules: the Pod Security Standards as the admission plugin applies them, and
//! the hardening checks that overlap them (capabilities, hostPath, hostPort, service
//! account tokens). Where `pod-security` reports a field, the overlapping rules and
//! default policies stay silent on it (see `precedence.rs`).

mod capabilities;
mod host_path;
mod host_port;
pub(crate) mod pod_security;
mod service_account_token;

use super::Rule;

pub use capabilities::CAPABILITIES;
pub use host_path::HOST_PATH;
pub use host_port::HOST_PORT;
pub use pod_security::POD_SECURITY;
pub use service_account_token::SERVICE_ACCOUNT_TOKEN;

/// The security rules, in catalogue order.
pub static RULES: &[&dyn Rule] = &[
    &pod_security::PodSecurity,
    &capabilities::Capabilities,
    &host_path::HostPath,
    &host_port::HostPort,
    &service_account_token::ServiceAccountToken,
];
