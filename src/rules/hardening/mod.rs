//! Hardening: what makes an autoscaler or a volume mount silently fail its purpose. An HPA
//! that scales on utilization needs requests on the pods it scales; a `subPath` into a
//! hostPath volume is the path of the symlink escapes to the node.

pub use host_path_subpath::HOST_PATH_SUBPATH;
pub use hpa_missing_requests::HPA_MISSING_REQUESTS;

rules! {
    /// The hardening rules.
    hpa_missing_requests::HpaMissingRequests,
    host_path_subpath::HostPathSubpath,
}
