//! The `restrictedVolumes` control: restricted pods use only volume types that carry no
//! host or network storage of their own.

use std::collections::BTreeSet;

use crate::base::value::Value;

use super::{Violation, plural, quote_join};
use crate::model::PodTemplate;

/// The volume sources restricted allows.
pub const ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The volume sources the plugin names when it forbids them.
const KNOWN_FORBIDDEN: [&str; 21] = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

/// `restrictedVolumes` (restricted, 1.0; replaces `hostPathVolumes`).
pub(super) fn restricted_volumes(t: &PodTemplate<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut kinds = BTreeSet::new();
    let mut fields = Vec::new();
    for (i, v) in t.spec.volumes() {
        let Some(map) = v.as_object() else {
            continue;
        };
        let sources: Vec<&str> = map
            .iter()
            .filter(|(k, val)| k.as_str() != "name" && !val.is_null())
            .map(|(k, _)| k.as_str())
            .collect();
        // The API server defaults a volume without a source to an emptyDir.
        if sources.is_empty() || sources.iter().any(|s| ALLOWED.contains(s)) {
            continue;
        }
        let kind = sources
            .iter()
            .find(|s| KNOWN_FORBIDDEN.contains(s))
            .copied()
            .unwrap_or("unknown");
        names.push(map.get("name").and_then(Value::as_str).unwrap_or_default());
        kinds.insert(kind);
        let at = t.spec.pointer.key("volumes").index(i);
        fields.push(if kind == "unknown" { at } else { at.key(kind) });
    }
    if fields.is_empty() {
        return None;
    }
    Some(Violation {
        control: "restrictedVolumes",
        reason: "restricted volume types".to_owned(),
        detail: format!(
            "{} {} {} {} {}",
            plural("volume", "volumes", names.len()),
            quote_join(&names),
            plural("uses", "use", names.len()),
            plural(
                "restricted volume type",
                "restricted volume types",
                kinds.len()
            ),
            quote_join(&kinds.into_iter().collect::<Vec<_>>())
        ),
        fields,
    })
}
