//! The order in which rendered objects are applied: what others depend on first
//! (the same order as Helm's install order), then by namespace and name.

use std::cmp::Ordering;

/// Kinds in apply order; kinds not listed (custom resources among them) come last.
const APPLY_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// The apply rank of a kind.
pub fn rank(kind: &str) -> usize {
    APPLY_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(APPLY_ORDER.len())
}

/// What objects are sorted by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// Apply rank of the kind.
    pub rank: usize,
    /// Namespace (`None`, cluster-scoped, first).
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// apiVersion and kind, to order kinds of equal rank.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// Position in the input, so that equal keys keep the input's order.
    pub position: usize,
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        (
            self.rank,
            &self.namespace,
            &self.name,
            &self.kind,
            &self.api_version,
            self.position,
        )
            .cmp(&(
                other.rank,
                &other.namespace,
                &other.name,
                &other.kind,
                &other.api_version,
                other.position,
            ))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
