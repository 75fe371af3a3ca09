//! The embedded CRD catalog of the common operators (`schemas/crds.catalog`, written by
//! `scripts/gen-crd-catalog.py` from each operator's released CRD manifests at a pinned
//! version): the `openAPIV3Schema` of every served version of their custom resource kinds,
//! so that those objects are validated without their CRDs in the inputs.
//!
//! The catalog's index (operators, kinds) is inflated on the first lookup of a kind that is
//! not built in, and a schema is inflated and parsed only when a custom resource of its
//! kind is checked: a run over built-in kinds never pays for the catalog, and one with a
//! ServiceMonitor pays for its schema alone (the whole catalog is ~4.3 MB of JSON).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::base::value::Value;
use serde::Deserialize;

/// The generated file, embedded at build time. Its layout: a 4-byte little-endian length,
/// the zlib-compressed JSON [`Index`] of that length, then each schema's JSON text
/// zlib-compressed on its own, in order.
const EMBEDDED: &[u8] = include_bytes!("../../schemas/crds.catalog");

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

/// The head of the file: operators, kinds, and each schema's compressed and inflated
/// sizes.
#[derive(Deserialize)]
struct Index {
    operators: Vec<Operator>,
    kinds: Vec<Kind>,
    schemas: Vec<(usize, usize)>,
}

/// One schema: its compressed text, its size inflated, and its value once parsed.
struct Packed {
    zlib: &'static [u8],
    size: usize,
    parsed: OnceLock<Option<Value>>,
}

/// The embedded catalog, indexed.
pub struct Catalog {
    /// Operators, in the order of the generator's list.
    pub operators: Vec<Operator>,
    /// Kinds, sorted by group and kind.
    pub kinds: Vec<Kind>,
    schemas: Vec<Packed>,
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

/// The catalog, its index read on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        const BAD: &str = "schemas/crds.catalog is laid out as gen-crd-catalog.py writes it";
        let (len, rest) = EMBEDDED.split_at(4);
        let len = u32::from_le_bytes(len.try_into().expect(BAD)) as usize;
        let (head, mut packed) = rest.split_at(len);
        let head = miniz_oxide::inflate::decompress_to_vec_zlib(head).expect(BAD);
        let index: Index = serde_json::from_slice(&head).expect(BAD);
        let schemas = index
            .schemas
            .iter()
            .map(|&(compressed, size)| {
                let (zlib, rest) = packed.split_at(compressed);
                packed = rest;
                Packed {
                    zlib,
                    size,
                    parsed: OnceLock::new(),
                }
            })
            .collect();
        assert!(packed.is_empty(), "{BAD}");
        let mut by_api = HashMap::new();
        for (i, k) in index.kinds.iter().enumerate() {
            for (version, schema) in &k.versions {
                by_api.insert(
                    (format!("{}/{version}", k.group), k.kind.clone()),
                    (i, *schema),
                );
            }
        }
        Catalog {
            operators: index.operators,
            kinds: index.kinds,
            schemas,
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
        let packed = self.schemas.get(i)?;
        packed
            .parsed
            .get_or_init(|| {
                let mut text = vec![0; packed.size];
                miniz_oxide::inflate::decompress_slice_iter_to_slice(
                    &mut text,
                    std::iter::once(packed.zlib),
                    true,
                    false,
                )
                .ok()?;
                serde_json::from_slice(&text).ok()
            })
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
