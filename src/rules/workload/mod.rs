//! Rules about pod templates: selectors, restart policy, container and port names,
//! volumes and mounts, env vars, images and the Downward API. Every rule reaches the pod
//! through `PodTemplate::of`, so it applies to every workload kind alike.

rules! {
    /// The workload rules, in catalogue order.
    selector_mismatch::SelectorMismatch,
    restart_policy::RestartPolicy,
    duplicate_container::DuplicateContainer,
    duplicate_port::DuplicatePort,
    volume_mount_unknown::VolumeMountUnknown,
    duplicate_volume::DuplicateVolume,
    duplicate_env::DuplicateEnv,
    image_tag::ImageTag,
    downward_api::DownwardApi,
    deprecated_volume::DeprecatedVolume,
    duplicate_port_name::DuplicatePortName,
}

use std::collections::HashMap;
use std::hash::Hash;

use crate::base::value::Value;

use super::RuleMeta;
use crate::base::{Diagnostic, ObjectId, Pointer};

/// A value seen a second time: where it is now, and where it was first.
pub(crate) struct Repeat<K> {
    /// The repeated value.
    pub key: K,
    /// The later occurrence (reported).
    pub at: Pointer,
    /// The first occurrence (related).
    pub first: Pointer,
}

impl<K> Repeat<K> {
    /// The finding at the later occurrence, with the first as a related location.
    pub(crate) fn finding(
        &self,
        rule: &'static RuleMeta,
        object: ObjectId,
        message: String,
        first: &str,
    ) -> Diagnostic {
        rule.at(object, self.at.clone(), message)
            .with_related(object, self.first.clone(), first)
    }
}

/// Every repetition in a sequence of keyed nodes, each against the first occurrence.
pub(crate) fn repeats<K: Eq + Hash + Clone>(
    items: impl IntoIterator<Item = (K, Pointer)>,
) -> Vec<Repeat<K>> {
    let mut seen: HashMap<K, Pointer> = HashMap::new();
    let mut out = Vec::new();
    for (key, at) in items {
        match seen.get(&key) {
            Some(first) => out.push(Repeat {
                key,
                at,
                first: first.clone(),
            }),
            None => {
                seen.insert(key, at);
            }
        }
    }
    out
}

/// The string `field` of each mapping in `list`, with the pointer to that field.
pub(crate) fn named<'a>(
    list: &'a [Value],
    base: &'a Pointer,
    field: &'a str,
) -> impl Iterator<Item = (&'a str, Pointer)> + 'a {
    list.iter().enumerate().filter_map(move |(i, item)| {
        let name = item.get(field)?.as_str()?;
        Some((name, base.index(i).key(field)))
    })
}
