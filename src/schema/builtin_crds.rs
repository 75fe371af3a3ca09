//! The embedded CRD catalog of the common operators (`schemas/crds.json.zlib`, written by
//! `scripts/gen-crd-catalog.py` from each operator's released CRD manifests at a pinned
//! version): the `openAPIV3Schema` of every served version of their custom resource kinds,
//! so that those objects are validated without their CRDs in the inputs.
//!
//! The catalog is inflated and indexed on the first lookup of a kind that is not built in,
//! and a schema is parsed only when a custom resource of its kind is checked: a run over
//! built-in kinds never pays for it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// The generated file, zlib-compressed, embedded at build time.
const EMBEDDED: &[u8] = include_bytes!("../../schemas/crds.json.zlib");

/// An operator whose CRDs are in the catalog.
#[derive(Debug, Deserialize)]
pub struct Operator {
    /// Its usual name (`cert-manager`, `Gateway API`).
    pub name: String,
    /// Where its CRD manifests come from (`github.com/OWNER/NAME`).
    pub repository: String,
    /// The release tag (or commit, for a repository without releases) they were taken at.
    pub version: String,
    /// The commit of that tag.
    pub commit: String,
}

/// One custom resource kind of the catalog.
#[derive(Debug, Deserialize)]
pub struct Kind {
    /// Its API group.
    pub group: String,
    /// Its kind.
    pub kind: String,
    /// `Namespaced` or `Cluster`.
    pub scope: String,
    /// Index of its operator in [`Catalog::operators`].
    pub operator: usize,
    /// Each served version and the index of its schema (`None` when the CRD gives none).
    pub versions: Vec<(String, Option<usize>)>,
}

/// The whole catalog: operators, kinds, and the schemas as unparsed text.
#[derive(Deserialize)]
struct File {
    operators: Vec<Operator>,
    kinds: Vec<Kind>,
    #[serde(borrow)]
    schemas: Vec<&'static RawValue>,
}

/// The embedded catalog, indexed.
pub struct Catalog {
    /// Operators, in the order of the generator's list.
    pub operators: Vec<Operator>,
    /// Kinds, sorted by group and kind.
    pub kinds: Vec<Kind>,
    schemas: Vec<(&'static RawValue, OnceLock<Option<Value>>)>,
    /// `(apiVersion, kind)` → (kind index, schema index).
    by_api: HashMap<(String, String), (usize, Option<usize>)>,
}

/// What the catalog knows of one `(apiVersion, kind)`.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The kind.
    pub kind: &'static Kind,
    /// Its operator.
    pub operator: &'static Operator,
    /// The `openAPIV3Schema` of that version, if its CRD gives one.
    pub schema: Option<&'static Value>,
}

/// The catalog, inflated and indexed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(EMBEDDED)
            .expect("schemas/crds.json.zlib is valid zlib (generated)");
        let text: &'static str = Box::leak(
            String::from_utf8(bytes)
                .expect("schemas/crds.json.zlib holds UTF-8 JSON (generated)")
                .into_boxed_str(),
        );
        let file: File =
            serde_json::from_str(text).expect("schemas/crds.json.zlib is valid (generated)");
        let mut by_api = HashMap::new();
        for (i, k) in file.kinds.iter().enumerate() {
            for (version, schema) in &k.versions {
                by_api.insert(
                    (format!("{}/{version}", k.group), k.kind.clone()),
                    (i, *schema),
                );
            }
        }
        Catalog {
            operators: file.operators,
            kinds: file.kinds,
            schemas: file
                .schemas
                .into_iter()
                .map(|s| (s, OnceLock::new()))
                .collect(),
            by_api,
        }
    })
}

impl Catalog {
    /// The catalog's kind for an object's apiVersion and kind.
    pub fn get(&'static self, api_version: &str, kind: &str) -> Option<Entry> {
        let (k, schema) = *self
            .by_api
            .get(&(api_version.to_owned(), kind.to_owned()))?;
        let kind = &self.kinds[k];
        Some(Entry {
            kind,
            operator: &self.operators[kind.operator],
            schema: schema.and_then(|s| self.schema(s)),
        })
    }

    /// Whether the catalog has `kind` in `group`, in any version.
    pub fn defines_kind_in_group(&self, group: &str, kind: &str) -> bool {
        self.kinds
            .iter()
            .any(|k| k.group == group && k.kind == kind)
    }

    /// The kinds of an operator, sorted by group and kind.
    pub fn kinds_of(&self, operator: usize) -> impl Iterator<Item = &Kind> {
        self.kinds.iter().filter(move |k| k.operator == operator)
    }

    fn schema(&self, i: usize) -> Option<&Value> {
        let (text, parsed) = self.schemas.get(i)?;
        parsed
            .get_or_init(|| serde_json::from_str(text.get()).ok())
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn the_catalog_indexes_every_served_version() {
        let c = catalog();
        assert!(c.operators.len() >= 20);
        let cert = c.get("cert-manager.io/v1", "Certificate").unwrap();
        assert_eq!(cert.operator.name, "cert-manager");
        assert!(cert.schema.unwrap()["properties"]["spec"].is_object());
        assert!(
            c.get("networking.istio.io/v1alpha3", "VirtualService")
                .is_some()
        );
        assert!(c.get("kafka.strimzi.io/v1beta2", "Kafka").is_some());
        assert!(c.get("cert-manager.io/v1", "Deployment").is_none());
        assert!(c.defines_kind_in_group("gateway.networking.k8s.io", "HTTPRoute"));
    }

    #[test]
    fn every_schema_converts_and_compiles() {
        // A schema that does not compile would leave its kind silently unchecked.
        let target =
            schema::catalog::for_version(crate::versions::KNOWN[crate::versions::KNOWN.len() - 1])
                .unwrap();
        let c = catalog();
        for k in &c.kinds {
            for (version, schema) in &k.versions {
                let Some(i) = schema else { continue };
                let openapi = c.schema(*i).unwrap();
                let root = schema::crd::root_schema(openapi);
                assert!(
                    schema::compile(&schema::crd::with_defs(&root, target)).is_some(),
                    "{}/{version} {}",
                    k.group,
                    k.kind
                );
            }
        }
    }
}
