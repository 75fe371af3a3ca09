//! Removed and deprecated apiVersions of built-in kinds since Kubernetes 1.16, from the
//! Kubernetes deprecated-API migration guide; removals from 1.26 on are also confirmed by
//! the embedded schemas (a kind served in one version and gone in the next). Beta APIs
//! not yet removed follow the deprecation policy: deprecated three releases after they
//! appeared, removed three releases after that ("planned").

use crate::schema::catalog::{self, VersionSchemas};

/// The lifecycle of one apiVersion for some kinds.
#[derive(Debug)]
pub struct Lifecycle {
    /// The apiVersion.
    pub api_version: &'static str,
    /// The kinds it concerns.
    pub kinds: &'static [&'static str],
    /// Minor version in which it was deprecated.
    pub deprecated: u16,
    /// Minor version in which it is (or will be) no longer served.
    pub removed: u16,
    /// Whether `removed` is a plan rather than a release that happened.
    pub planned: bool,
    /// Advice when no other apiVersion serves the kind.
    pub note: Option<&'static str>,
}

const fn l(
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated: u16,
    removed: u16,
) -> Lifecycle {
    Lifecycle {
        api_version,
        kinds,
        deprecated,
        removed,
        planned: false,
        note: None,
    }
}

const WORKLOADS: &[&str] = &[
    "Deployment",
    "DaemonSet",
    "ReplicaSet",
    "StatefulSet",
    "ControllerRevision",
];
const FLOW: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];
const PSP_NOTE: &str = "PodSecurityPolicy has no replacement: use Pod Security Admission (namespace labels pod-security.kubernetes.io/*)";

/// Every lifecycle entry.
pub static TABLE: &[Lifecycle] = &[
    l(
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        9,
        16,
    ),
    l("extensions/v1beta1", &["NetworkPolicy"], 9, 16),
    Lifecycle {
        note: Some(PSP_NOTE),
        ..l("extensions/v1beta1", &["PodSecurityPolicy"], 11, 16)
    },
    l("extensions/v1beta1", &["Ingress"], 14, 22),
    l("apps/v1beta1", WORKLOADS, 9, 16),
    l("apps/v1beta2", WORKLOADS, 9, 16),
    l(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        19,
        22,
    ),
    l(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        16,
        22,
    ),
    l(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        16,
        22,
    ),
    l("apiregistration.k8s.io/v1beta1", &["APIService"], 19, 22),
    l("authentication.k8s.io/v1beta1", &["TokenReview"], 19, 22),
    l(
        "authorization.k8s.io/v1beta1",
        &[
            "SubjectAccessReview",
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
        ],
        19,
        22,
    ),
    l(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        19,
        22,
    ),
    l("coordination.k8s.io/v1beta1", &["Lease"], 19, 22),
    l(
        "rbac.authorization.k8s.io/v1beta1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        17,
        22,
    ),
    l(
        "rbac.authorization.k8s.io/v1alpha1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        17,
        22,
    ),
    l("scheduling.k8s.io/v1beta1", &["PriorityClass"], 14, 22),
    // Alpha versions removed before the oldest embedded schema (1.27): no older schema
    // can show they were served, so the table says it.
    l("scheduling.k8s.io/v1alpha1", &["PriorityClass"], 14, 17),
    l("node.k8s.io/v1alpha1", &["RuntimeClass"], 14, 22),
    l("batch/v2alpha1", &["CronJob"], 8, 21),
    l("flowcontrol.apiserver.k8s.io/v1alpha1", FLOW, 20, 21),
    l("storage.k8s.io/v1alpha1", &["CSIStorageCapacity"], 21, 24),
    Lifecycle {
        note: Some(
            "PodPreset has no replacement: set the fields in the pod templates (or a mutating admission policy)",
        ),
        ..l("settings.k8s.io/v1alpha1", &["PodPreset"], 20, 20)
    },
    Lifecycle {
        note: Some(
            "AuditSink has no replacement: configure auditing with the API server's audit policy and webhook flags",
        ),
        ..l("auditregistration.k8s.io/v1alpha1", &["AuditSink"], 19, 19)
    },
    l(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        19,
        22,
    ),
    l("batch/v1beta1", &["CronJob"], 21, 25),
    l("discovery.k8s.io/v1beta1", &["EndpointSlice"], 21, 25),
    l("events.k8s.io/v1beta1", &["Event"], 19, 25),
    l("autoscaling/v2beta1", &["HorizontalPodAutoscaler"], 22, 25),
    l("policy/v1beta1", &["PodDisruptionBudget"], 21, 25),
    Lifecycle {
        note: Some(PSP_NOTE),
        ..l("policy/v1beta1", &["PodSecurityPolicy"], 21, 25)
    },
    l("node.k8s.io/v1beta1", &["RuntimeClass"], 20, 25),
    l("flowcontrol.apiserver.k8s.io/v1beta1", FLOW, 23, 26),
    l("autoscaling/v2beta2", &["HorizontalPodAutoscaler"], 23, 26),
    l("storage.k8s.io/v1beta1", &["CSIStorageCapacity"], 24, 27),
    l("flowcontrol.apiserver.k8s.io/v1beta2", FLOW, 26, 29),
    l("flowcontrol.apiserver.k8s.io/v1beta3", FLOW, 29, 32),
    l(
        "authentication.k8s.io/v1beta1",
        &["SelfSubjectReview"],
        30,
        33,
    ),
    l(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
        ],
        31,
        34,
    ),
    l(
        "networking.k8s.io/v1beta1",
        &["IPAddress", "ServiceCIDR"],
        34,
        37,
    ),
    l("storage.k8s.io/v1beta1", &["VolumeAttributesClass"], 34, 37),
    Lifecycle {
        planned: true,
        ..l(
            "resource.k8s.io/v1beta1",
            &[
                "DeviceClass",
                "ResourceClaim",
                "ResourceClaimTemplate",
                "ResourceSlice",
            ],
            35,
            38,
        )
    },
    Lifecycle {
        planned: true,
        ..l(
            "resource.k8s.io/v1beta2",
            &[
                "DeviceClass",
                "ResourceClaim",
                "ResourceClaimTemplate",
                "ResourceSlice",
            ],
            36,
            39,
        )
    },
];

/// What the target version says about an object's apiVersion.
#[derive(Debug)]
pub enum Status {
    /// Served and not deprecated (or unknown: a custom resource).
    Fine,
    /// Deprecated in the target version, still served.
    Deprecated {
        /// Since which minor.
        since: u16,
        /// The minor that removes it.
        removed: u16,
        /// Whether the removal is only planned.
        planned: bool,
        /// What to use instead.
        replacement: Option<String>,
        /// Extra advice.
        note: Option<&'static str>,
    },
    /// No longer served in the target version.
    Removed {
        /// The first minor that does not serve it.
        removed: u16,
        /// What to use instead.
        replacement: Option<String>,
        /// Extra advice.
        note: Option<&'static str>,
    },
}

/// The status of `(apiVersion, kind)` in the target version.
pub fn status(api_version: &str, kind: &str, target: &VersionSchemas) -> Status {
    let Some(minor) = catalog::minor_of(target.version) else {
        return Status::Fine;
    };
    let entry = TABLE
        .iter()
        .find(|e| e.api_version == api_version && e.kinds.contains(&kind));
    let replacement = || replacement(api_version, kind, target);
    if let Some(e) = entry {
        if minor >= e.removed {
            return Status::Removed {
                removed: e.removed,
                replacement: replacement(),
                note: e.note,
            };
        }
        if minor >= e.deprecated {
            return Status::Deprecated {
                since: e.deprecated,
                removed: e.removed,
                planned: e.planned,
                replacement: replacement(),
                note: e.note,
            };
        }
        return Status::Fine;
    }
    // Not in the table: a built-in kind that an older embedded version served and the
    // target does not (alpha APIs come and go this way).
    if target.definition_of(api_version, kind).is_none() {
        let served = catalog::minors_serving(api_version, kind);
        if let Some(last) = served.iter().copied().filter(|m| *m < minor).max() {
            return Status::Removed {
                removed: last + 1,
                replacement: replacement(),
                note: None,
            };
        }
    }
    Status::Fine
}

/// The end of a message: `; use apps/v1`, or the note when nothing replaces the API.
pub fn instead(replacement: Option<&str>, note: Option<&str>) -> String {
    match (replacement, note) {
        (Some(r), _) => format!("; use {r}"),
        (None, Some(n)) => format!("; {n}"),
        (None, None) => String::new(),
    }
}

/// The apiVersion to move to: another apiVersion serving the kind in the target,
/// preferring the same group, then stable over beta over alpha, then the newest.
pub fn replacement(api_version: &str, kind: &str, target: &VersionSchemas) -> Option<String> {
    let group = crate::model::object::group_of(api_version);
    target
        .api_versions_of(kind)
        .into_iter()
        .filter(|a| *a != api_version)
        .max_by_key(|a| {
            let same_group = crate::model::object::group_of(a) == group;
            (same_group, version_rank(a))
        })
        .map(str::to_owned)
}

/// Orders `v2` > `v1` > `v2beta1` > `v1beta3` > `v1alpha1`.
fn version_rank(api_version: &str) -> (u8, u32, u32) {
    let v = api_version.rsplit('/').next().unwrap_or(api_version);
    let Some(rest) = v.strip_prefix('v') else {
        return (0, 0, 0);
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let major = digits.parse().unwrap_or(0);
    let tail = &rest[digits.len()..];
    let (stability, n) = if tail.is_empty() {
        (3, 0)
    } else if let Some(n) = tail.strip_prefix("beta") {
        (2, n.parse().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (1, n.parse().unwrap_or(0))
    } else {
        (0, 0)
    };
    (stability, major, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_removals_agree_with_the_embedded_schemas() {
        let first = catalog::minor_of(catalog::versions()[0]).unwrap();
        for e in TABLE.iter().filter(|e| !e.planned) {
            for kind in e.kinds {
                let served = catalog::minors_serving(e.api_version, kind);
                assert!(
                    served.iter().all(|m| *m < e.removed),
                    "{} {kind} is served after its removal in 1.{}",
                    e.api_version,
                    e.removed
                );
                if e.removed > first {
                    assert!(
                        served.contains(&(e.removed - 1)),
                        "{} {kind} is not served in 1.{}",
                        e.api_version,
                        e.removed - 1
                    );
                }
            }
        }
    }

    #[test]
    fn replacement_prefers_stable_in_the_same_group() {
        let t = catalog::for_version("1.34").unwrap();
        assert_eq!(
            replacement("extensions/v1beta1", "Deployment", t).as_deref(),
            Some("apps/v1")
        );
        assert_eq!(
            replacement("autoscaling/v2beta2", "HorizontalPodAutoscaler", t).as_deref(),
            Some("autoscaling/v2")
        );
        assert_eq!(replacement("policy/v1beta1", "PodSecurityPolicy", t), None);
        assert!(matches!(status("apps/v1", "Deployment", t), Status::Fine));
        assert!(matches!(
            status("batch/v1beta1", "CronJob", t),
            Status::Removed { removed: 25, .. }
        ));
        let t = catalog::for_version("1.30").unwrap();
        assert!(matches!(
            status("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", t),
            Status::Deprecated {
                since: 29,
                removed: 32,
                ..
            }
        ));
    }
}
