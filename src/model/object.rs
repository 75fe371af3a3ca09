//! One Kubernetes object as k8lint knows it: identity, value, and where it came from.

use std::fmt;
use std::sync::Arc;

use crate::base::value::Value;

use crate::base::{At, DocId, FileId, ObjectId, Pointer};

/// Group, kind, namespace and name: what makes an object unique in a cluster, borrowed
/// from the object ([`Object::key_ref`]). Lookups and tables of identities hold these or
/// their hashes, never copies of the four strings of every object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectKeyRef<'a> {
    /// API group (`""` for core).
    pub group: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Namespace, `None` for cluster-scoped kinds.
    pub namespace: Option<&'a str>,
    /// Name.
    pub name: &'a str,
}

/// An object read from a manifest.
#[derive(Debug)]
pub struct Object {
    /// Its index in the graph.
    pub id: ObjectId,
    /// The file it came from.
    pub file: FileId,
    /// The document it came from.
    pub doc: DocId,
    /// Where the object sits inside its document: empty, or `/items/N` for a List item.
    pub base: Pointer,
    /// The object's value: shared with the parse it came from, which the editor's server
    /// keeps between checks (a check of an unchanged file copies nothing).
    pub value: Arc<Value>,
    /// `apiVersion` as written.
    pub api_version: String,
    /// `kind` as written.
    pub kind: String,
    /// The API group, from apiVersion.
    pub group: String,
    /// The effective namespace (explicit or defaulted); `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// `metadata.name` (empty when missing).
    pub name: String,
    /// From `--context`: used to resolve references, never reported on.
    pub context: bool,
}

impl Object {
    /// The identity, borrowed.
    pub fn key_ref(&self) -> ObjectKeyRef<'_> {
        ObjectKeyRef {
            group: &self.group,
            kind: &self.kind,
            namespace: self.namespace.as_deref(),
            name: &self.name,
        }
    }

    /// Whether this is the core/`group` kind named.
    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.kind == kind && self.group == group
    }

    /// The value at a pointer, if present.
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.value.at(pointer)
    }

    /// `metadata.labels` as a map, if it is one.
    pub fn labels(&self) -> Option<&crate::base::value::Map> {
        self.value.at("/metadata/labels")?.as_object()
    }

    /// `metadata.annotations` as a map, if it is one.
    pub fn annotations(&self) -> Option<&crate::base::value::Map> {
        self.value.at("/metadata/annotations")?.as_object()
    }

    /// `Kind namespace/name` (or `Kind name`), for messages.
    pub fn display_name(&self) -> String {
        DisplayName(self).to_string()
    }
}

struct DisplayName<'a>(&'a Object);

impl fmt::Display for DisplayName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = self.0;
        match &o.namespace {
            Some(ns) => write!(f, "{} {}/{}", o.kind, ns, o.name),
            None => write!(f, "{} {}", o.kind, o.name),
        }
    }
}

/// The string at a pointer of a value, or `""` when it is absent or not a string.
pub fn str_at(value: &Value, pointer: &str) -> String {
    value
        .at(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// The group of an apiVersion: `apps/v1` → `apps`, `v1` → `""`.
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Cluster-scoped built-in kinds (by group and kind); everything else is namespaced unless
/// a CustomResourceDefinition in the inputs says otherwise.
pub fn is_cluster_scoped_builtin(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        (
            "",
            "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus"
        ) | (
            "storage.k8s.io",
            "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment" | "VolumeAttributesClass"
        ) | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | (
                "rbac.authorization.k8s.io",
                "ClusterRole" | "ClusterRoleBinding"
            )
            | (
                "networking.k8s.io",
                "IngressClass" | "IPAddress" | "ServiceCIDR"
            )
            | ("scheduling.k8s.io", "PriorityClass")
            | ("node.k8s.io", "RuntimeClass")
            | ("admissionregistration.k8s.io", _)
            | ("apiregistration.k8s.io", "APIService")
            | ("policy", "PodSecurityPolicy")
            | (
                "certificates.k8s.io",
                "CertificateSigningRequest" | "ClusterTrustBundle"
            )
            | ("flowcontrol.apiserver.k8s.io", _)
            | ("resource.k8s.io", "DeviceClass" | "ResourceSlice")
            | ("storagemigration.k8s.io", "StorageVersionMigration")
            | ("extensions", "PodSecurityPolicy")
    )
}
