//! The embedded Kubernetes schemas (`schemas/kubernetes.json`, written by
//! `scripts/gen_schemas.py`): indexed once per process and per target version on first
//! use. Nothing is ever fetched.
//!
//! A definition stays unparsed text until a run asks for it: the kinds of one repository
//! reach a fraction of the seven hundred definitions of eleven versions, and the parsed
//! whole would be a good part of a run's memory.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::base::value::Value;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::base::FastMap;

/// The generated file, embedded at build time.
const EMBEDDED: &str = include_str!("../../schemas/kubernetes.json");

/// Where the JSON schema of a definition is found in a validator's root document.
pub const DEFS_PREFIX: &str = "#/$defs/";

/// The whole embedded file: every definition, each variant with the minors it is valid in,
/// as text borrowed from the embedded file.
#[derive(Deserialize)]
struct File {
    versions: Vec<String>,
    #[serde(borrow)]
    definitions: HashMap<&'static str, Vec<(Vec<u16>, &'static RawValue)>>,
}

/// What the index needs of a definition before it is parsed: the kinds it is served as.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    gvk: Vec<Vec<String>>,
}

/// One definition of a version: its text, parsed on first use.
#[derive(Debug)]
struct LazyDef {
    text: &'static RawValue,
    parsed: OnceLock<Value>,
}

impl LazyDef {
    fn get(&self) -> &Value {
        self.parsed.get_or_init(|| {
            serde_json::from_str(self.text.get())
                .expect("schemas/kubernetes.json is valid (generated)")
        })
    }
}

/// The schemas of one Kubernetes minor version.
#[derive(Debug)]
pub struct VersionSchemas {
    /// `1.NN`.
    pub version: &'static str,
    /// Definition name → JSON schema (draft 2020-12; `$ref`s are `#/$defs/<name>`).
    defs: FastMap<&'static str, LazyDef>,
    /// apiVersion → kind → definition name: looked up by borrowed names, without building
    /// a key, for every object of a run by several rules.
    kinds: FastMap<String, FastMap<String, &'static str>>,
}

struct Catalog {
    versions: Vec<&'static str>,
    /// Definition name → its variants: the minors each is valid in, its text and its kinds.
    definitions: Vec<(&'static str, Vec<Variant>)>,
    /// `(apiVersion, kind)` → the minors that serve it, sorted, for messages about other
    /// versions.
    minors_by_kind: HashMap<(String, String), Vec<u16>>,
    per_version: Vec<OnceLock<VersionSchemas>>,
}

struct Variant {
    minors: Vec<u16>,
    text: &'static RawValue,
    gvks: Vec<(String, String)>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let file: File =
            serde_json::from_str(EMBEDDED).expect("schemas/kubernetes.json is valid (generated)");
        let versions: Vec<&'static str> = file
            .versions
            .iter()
            .map(|v| &*Box::leak(v.clone().into_boxed_str()))
            .collect();
        let mut minors_by_kind: HashMap<(String, String), Vec<u16>> = HashMap::new();
        let mut definitions = Vec::with_capacity(file.definitions.len());
        for (name, variants) in file.definitions {
            let variants: Vec<Variant> = variants
                .into_iter()
                .map(|(minors, text)| {
                    let head: Head = serde_json::from_str(text.get())
                        .expect("schemas/kubernetes.json is valid (generated)");
                    let gvks = gvks(&head.gvk);
                    for gvk in &gvks {
                        minors_by_kind
                            .entry(gvk.clone())
                            .or_default()
                            .extend(&minors);
                    }
                    Variant { minors, text, gvks }
                })
                .collect();
            definitions.push((name, variants));
        }
        // The file's map has no order; the first definition that claims a meta kind must
        // be the same one in every run.
        definitions.sort_unstable_by_key(|(name, _)| *name);
        for minors in minors_by_kind.values_mut() {
            minors.sort_unstable();
            minors.dedup();
        }
        let per_version = versions.iter().map(|_| OnceLock::new()).collect();
        Catalog {
            versions,
            definitions,
            minors_by_kind,
            per_version,
        }
    })
}

/// The `(apiVersion, kind)` pairs a top-level definition is served as, from its
/// `[group, version, kind]` triples.
fn gvks(list: &[Vec<String>]) -> Vec<(String, String)> {
    list.iter()
        .filter_map(|g| {
            let [group, version, kind] = g.as_slice() else {
                return None;
            };
            let api_version = if group.is_empty() {
                version.to_owned()
            } else {
                format!("{group}/{version}")
            };
            Some((api_version, kind.to_owned()))
        })
        .collect()
}

/// The minor number of `1.NN`.
pub fn minor_of(version: &str) -> Option<u16> {
    version.strip_prefix("1.")?.parse().ok()
}

/// The embedded versions, oldest first.
pub fn versions() -> &'static [&'static str] {
    &catalog().versions
}

/// The schemas of a version, or `None` when it is not embedded.
pub fn for_version(version: &str) -> Option<&'static VersionSchemas> {
    let c = catalog();
    let i = c.versions.iter().position(|v| *v == version)?;
    let minor = minor_of(version)?;
    Some(c.per_version[i].get_or_init(|| {
        let mut defs = FastMap::default();
        let mut kinds = FastMap::default();
        for (name, variants) in &c.definitions {
            let Some(variant) = variants.iter().find(|v| v.minors.contains(&minor)) else {
                continue;
            };
            for (api_version, kind) in &variant.gvks {
                // Several definitions claim meta kinds such as DeleteOptions; the first wins.
                kinds
                    .entry(api_version.clone())
                    .or_insert_with(FastMap::default)
                    .entry(kind.clone())
                    .or_insert(*name);
            }
            defs.insert(
                *name,
                LazyDef {
                    text: variant.text,
                    parsed: OnceLock::new(),
                },
            );
        }
        VersionSchemas {
            version: c.versions[i],
            defs,
            kinds,
        }
    }))
}

/// The embedded minors in which `(apiVersion, kind)` has a schema, oldest first.
pub fn minors_serving(api_version: &str, kind: &str) -> &'static [u16] {
    catalog()
        .minors_by_kind
        .get(&(api_version.to_owned(), kind.to_owned()))
        .map_or(&[], Vec::as_slice)
}

impl VersionSchemas {
    /// The definition name of a built-in kind.
    pub fn definition_of(&self, api_version: &str, kind: &str) -> Option<&str> {
        self.kinds.get(api_version)?.get(kind).copied()
    }

    /// Every apiVersion that serves `kind` in this version, sorted.
    pub fn api_versions_of(&self, kind: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .kinds
            .iter()
            .filter(|(_, kinds)| kinds.contains_key(kind))
            .map(|(a, _)| a.as_str())
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether any built-in kind of this version is served in API `group` (`""` is the
    /// core group): a kind unknown in such a group cannot come from a CRD that is merely
    /// missing from the inputs.
    pub fn serves_group(&self, group: &str) -> bool {
        self.kinds
            .keys()
            .any(|a| crate::model::object::group_of(a) == group)
    }

    /// Every kind served by an apiVersion in this version, sorted.
    pub fn kinds_of(&self, api_version: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .kinds
            .get(api_version)
            .into_iter()
            .flat_map(|kinds| kinds.keys().map(String::as_str))
            .collect();
        out.sort_unstable();
        out
    }

    /// A definition's schema.
    pub fn def(&self, name: &str) -> Option<&Value> {
        self.defs.get(name).map(LazyDef::get)
    }

    /// A self-contained root schema for a definition: a `$ref` to it plus every definition
    /// it reaches, so that compiling it never touches the other seven hundred.
    pub fn root_for(&self, name: &str) -> Value {
        let mut defs = crate::base::value::Map::new();
        self.collect_refs(name, &mut defs);
        crate::json!({
            "$ref": format!("{DEFS_PREFIX}{name}"),
            "$defs": Value::Object(defs),
        })
    }

    /// Adds `name` and the definitions it references to `into`.
    pub fn collect_refs(&self, name: &str, into: &mut crate::base::value::Map) {
        let mut stack = vec![name.to_owned()];
        while let Some(n) = stack.pop() {
            if into.contains_key(&n) {
                continue;
            }
            let Some(schema) = self.def(&n) else {
                continue;
            };
            refs_in(schema, &mut |r| {
                if let Some(target) = r.strip_prefix(DEFS_PREFIX) {
                    if !into.contains_key(target) {
                        stack.push(target.to_owned());
                    }
                }
            });
            into.insert(n, schema.clone());
        }
    }
}

/// Calls `f` with every `$ref` in a schema.
pub fn refs_in(schema: &Value, f: &mut dyn FnMut(&str)) {
    match schema {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(r) = v.as_str() {
                        f(r);
                    }
                } else {
                    refs_in(v, f);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_versions_match_the_known_list() {
        assert_eq!(versions(), crate::versions::KNOWN);
    }

    #[test]
    fn every_version_knows_the_core_kinds() {
        for v in versions() {
            let s = for_version(v).unwrap();
            for (api, kind) in [
                ("v1", "Pod"),
                ("apps/v1", "Deployment"),
                ("batch/v1", "CronJob"),
            ] {
                let name = s.definition_of(api, kind).unwrap();
                let root = s.root_for(name);
                assert!(root["$defs"].get(name).is_some(), "{v} {kind}");
            }
        }
    }

    #[test]
    fn removed_kinds_are_not_served() {
        assert!(
            minors_serving("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema")
                .iter()
                .all(|m| *m < 29)
        );
        assert!(minors_serving("apps/v1", "Deployment").contains(&27));
    }

    #[test]
    fn a_kind_claimed_by_several_definitions_goes_to_the_first_by_name() {
        // Decided by name, not by the order of a hash map: the same in every process.
        for version in versions() {
            let minor = minor_of(version).unwrap();
            let target = for_version(version).unwrap();
            for (name, variants) in &catalog().definitions {
                for variant in variants.iter().filter(|v| v.minors.contains(&minor)) {
                    for (api, kind) in &variant.gvks {
                        let chosen = target.definition_of(api, kind).unwrap();
                        assert!(
                            chosen <= *name,
                            "{version} {api} {kind}: {chosen} over {name}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn definitions_are_parsed_when_reached() {
        let target = for_version("1.36").unwrap();
        let name = target.definition_of("apps/v1", "Deployment").unwrap();
        let root = target.root_for(name);
        assert!(target.defs[name].parsed.get().is_some());
        assert!(root["$defs"].get("io.k8s.api.core.v1.PodSpec").is_some());
    }
}
