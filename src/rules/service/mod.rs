//! Services, Endpoints and Ingress: the wiring from a selector to the pods and ports behind
//! it, simulated as the Endpoints controller would do it.

rules! {
    /// The Service, Endpoints and Ingress rules.
    service_no_pods::ServiceNoPods,
    service_port_target::ServicePortTarget,
    service_no_endpoints::ServiceNoEndpoints,
    endpoints_no_service::EndpointsNoService,
    service_multiple_workloads::ServiceMultipleWorkloads,
    service_duplicate_port::ServiceDuplicatePort,
    nodeport_conflict::NodeportConflict,
    statefulset_service::StatefulsetService,
    ingress_service::IngressService,
    ingress_service_port::IngressServicePort,
    hpa_target::HpaTarget,
    pdb_no_pods::PdbNoPods,
    ingress_tls::IngressTls,
}
