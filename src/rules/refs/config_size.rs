use std::collections::HashMap;

use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use super::data::{decode_base64, entries};

declare_rule! {
    /// ## What it does
    /// Reports a ConfigMap or Secret whose payload exceeds 1 MiB (1048576 bytes). A
    /// ConfigMap counts the bytes of its `data` values plus the decoded bytes of its
    /// `binaryData`; a Secret counts decoded bytes after merging `stringData` into `data`
    /// (stringData wins on a shared key), as the API server does. Keys are not counted.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object ("Too long: must have at most 1048576 bytes").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: geoip}
    /// binaryData:
    ///   GeoLite2-City.mmdb: <60 MB of base64>
    /// ```
    ///
    /// Use instead: ship large files in the image, an init container download, or a
    /// volume.
    ///
    /// ## References
    /// - ConfigMaps: https://kubernetes.io/docs/concepts/configuration/configmap/
    /// - Secrets: restriction on data size: https://kubernetes.io/docs/concepts/configuration/secret/#restriction-data-size
    pub static CONFIG_SIZE = {
        id: "config-size",
        severity: Error,
        category: Config,
        summary: "a ConfigMap or Secret holds more than 1 MiB",
        help: "keep ConfigMaps and Secrets under 1 MiB: move large content to the image or a volume",
        scope: Object,
    }
}

/// The API server's limit.
const MAX_BYTES: usize = 1024 * 1024;

/// Sums the payload of each ConfigMap and Secret.
pub struct ConfigSize;

/// The length of a value as stored: strings as UTF-8 bytes; base64 decoded when `binary`
/// (an undecodable value counts by its estimated decoded length).
fn stored_len(value: &Value, binary: bool) -> usize {
    let Value::String(s) = value else { return 0 };
    if binary {
        decode_base64(s).map_or(s.len() / 4 * 3, |b| b.len())
    } else {
        s.len()
    }
}

impl Rule for ConfigSize {
    fn meta(&self) -> &'static RuleMeta {
        &CONFIG_SIZE
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let total: usize = if object.is("", "ConfigMap") {
            entries(&object.value, "data")
                .map(|(_, v)| stored_len(v, false))
                .chain(entries(&object.value, "binaryData").map(|(_, v)| stored_len(v, true)))
                .sum()
        } else if object.is("", "Secret") {
            let mut merged: HashMap<&str, usize> = entries(&object.value, "data")
                .map(|(k, v)| (k, stored_len(v, true)))
                .collect();
            merged.extend(
                entries(&object.value, "stringData").map(|(k, v)| (k, stored_len(v, false))),
            );
            merged.values().sum()
        } else {
            return;
        };
        if total <= MAX_BYTES {
            return;
        }
        let at = ["data", "binaryData", "stringData"]
            .into_iter()
            .find(|f| object.value.get(f).is_some())
            .map_or_else(
                || Pointer::root().path("metadata/name"),
                |f| Pointer::root().key(f),
            );
        out.push(CONFIG_SIZE.at(
            object.id,
            at,
            format!(
                "{} {} holds {total} bytes, more than the 1048576 bytes the API server accepts",
                object.kind, object.name
            ),
        ));
    }
}
