//! Services, Endpoints and Ingress: the wiring from a selector to the pods and ports behind
//! it, simulated as the Endpoints controller would do it (K8S-SEMANTICS.md §C.1).

mod endpoints_no_service;
mod hpa_target;
mod ingress_service;
mod ingress_service_port;
mod nodeport_conflict;
mod pdb_no_pods;
mod service_duplicate_port;
mod service_multiple_workloads;
mod service_no_endpoints;
mod service_no_pods;
mod service_port_target;
mod statefulset_service;

pub use endpoints_no_service::ENDPOINTS_NO_SERVICE;
pub use hpa_target::HPA_TARGET;
pub use ingress_service::INGRESS_SERVICE;
pub use ingress_service_port::INGRESS_SERVICE_PORT;
pub use nodeport_conflict::NODEPORT_CONFLICT;
pub use pdb_no_pods::PDB_NO_PODS;
pub use service_duplicate_port::SERVICE_DUPLICATE_PORT;
pub use service_multiple_workloads::SERVICE_MULTIPLE_WORKLOADS;
pub use service_no_endpoints::SERVICE_NO_ENDPOINTS;
pub use service_no_pods::SERVICE_NO_PODS;
pub use service_port_target::SERVICE_PORT_TARGET;
pub use statefulset_service::STATEFULSET_SERVICE;

use super::Rule;

/// The Service, Endpoints and Ingress rules.
pub static RULES: &[&dyn Rule] = &[
    &service_no_pods::ServiceNoPods,
    &service_port_target::ServicePortTarget,
    &service_no_endpoints::ServiceNoEndpoints,
    &endpoints_no_service::EndpointsNoService,
    &service_multiple_workloads::ServiceMultipleWorkloads,
    &service_duplicate_port::ServiceDuplicatePort,
    &nodeport_conflict::NodeportConflict,
    &statefulset_service::StatefulsetService,
    &ingress_service::IngressService,
    &ingress_service_port::IngressServicePort,
    &hpa_target::HpaTarget,
    &pdb_no_pods::PdbNoPods,
];
