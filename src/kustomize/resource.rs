//! One object of a build, with the names it has had (name references are fixed against
//! them once the build is done).

use crate::base::value::Value;

use super::node::{MNode, Origin};
use crate::model::object::{group_of, is_cluster_scoped_builtin};

/// One object of a build.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The object.
    pub node: MNode,
    /// Every name it has had, oldest first (the last is its current name).
    pub names: Vec<String>,
    /// Namespaces it has had, oldest first.
    pub namespaces: Vec<Option<String>>,
    /// Generated with a content-hash suffix still to add.
    pub hash: bool,
}

impl Resource {
    /// An object as loaded.
    pub fn new(node: MNode) -> Resource {
        let name = node.str_at("metadata/name").unwrap_or_default().to_owned();
        let ns = node.str_at("metadata/namespace").map(str::to_owned);
        Resource {
            node,
            names: vec![name],
            namespaces: vec![ns],
            hash: false,
        }
    }

    /// `kind`.
    pub fn kind(&self) -> &str {
        self.node.str_at("kind").unwrap_or_default()
    }

    /// `apiVersion`.
    pub fn api_version(&self) -> &str {
        self.node.str_at("apiVersion").unwrap_or_default()
    }

    /// The API group.
    pub fn group(&self) -> &str {
        group_of(self.api_version())
    }

    /// The version without the group.
    pub fn version(&self) -> &str {
        let api = self.api_version();
        api.rsplit_once('/').map_or(api, |(_, v)| v)
    }

    /// The current name.
    pub fn name(&self) -> &str {
        self.node.str_at("metadata/name").unwrap_or_default()
    }

    /// The current namespace (unset is `None`).
    pub fn namespace(&self) -> Option<&str> {
        self.node
            .str_at("metadata/namespace")
            .filter(|s| !s.is_empty())
    }

    /// Whether the kind is cluster-scoped (built-in kinds only, as kustomize knows them).
    pub fn cluster_scoped(&self) -> bool {
        is_cluster_scoped_builtin(self.group(), self.kind())
            || matches!(
                (self.group(), self.kind()),
                ("admissionregistration.k8s.io", _)
                    | ("apiregistration.k8s.io", "APIService")
                    | ("scheduling.k8s.io", "PriorityClass")
                    | ("node.k8s.io", "RuntimeClass")
                    | ("policy", "PodSecurityPolicy")
                    | ("certificates.k8s.io", "CertificateSigningRequest")
            )
    }

    /// Identity for conflicts: group, kind, namespace, name.
    pub fn id(&self) -> (String, String, String, String) {
        (
            self.group().to_owned(),
            self.kind().to_owned(),
            self.namespace().unwrap_or("default").to_owned(),
            self.name().to_owned(),
        )
    }

    /// Whether the object had this name at some point of the build.
    pub fn had_name(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// Whether the object was in this namespace at some point (unset counts as `default`).
    pub fn had_namespace(&self, ns: &str) -> bool {
        self.namespaces
            .iter()
            .any(|n| n.as_deref().unwrap_or("default") == ns)
            || self.namespace().unwrap_or("default") == ns
    }

    /// Renames the object; the new name node is at `origin`.
    pub fn rename(&mut self, name: String, origin: Origin) {
        if let Some(meta) = self.node.ensure_map("metadata", origin) {
            meta.set("name", MNode::string(&name, origin));
        }
        self.names.push(name);
    }

    /// Moves the object to a namespace; the node is at `origin`.
    pub fn set_namespace(&mut self, ns: &str, origin: Origin) {
        self.namespaces.push(self.namespace().map(str::to_owned));
        if let Some(meta) = self.node.ensure_map("metadata", origin) {
            meta.set("namespace", MNode::string(ns, origin));
        }
    }

    /// The plain value.
    pub fn value(&self) -> Value {
        self.node.to_value()
    }
}
