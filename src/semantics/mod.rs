//! What Kubernetes does with the objects, in one layer below the rules: which pods a
//! Service's Endpoints would hold, how the PersistentVolume binder pairs claims and
//! volumes, every way a pod names another object, which names and labels the API server
//! accepts, which API versions a release serves, how quantities read, what the API
//! server's validation refuses, what the PodSecurity admission plugin decides, what RBAC
//! grants, how cron schedules read, which values are credentials, and what an autoscaler
//! needs from the pods it scales, and where OpenShift's workload kind differs.
//! Rules select objects, ask this layer and report; the `graph` pictures and policies
//! ask it too.

pub mod admission;
pub mod api_versions;
pub mod autoscaling;
pub mod crds;
pub mod cron;
pub mod divisor;
pub mod edges;
pub mod endpoints;
pub mod implicit_type;
pub mod migrate;
pub mod names;
pub mod openshift;
pub mod pod_security;
pub mod quantity;
pub mod rbac;
pub mod references;
pub mod secrets;
pub mod storage;
pub mod validation;
