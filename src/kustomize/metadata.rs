//! `buildMetadata` of the top kustomization: `originAnnotations` records in each object
//! the file it came from (or the generator that made it), `managedByLabel` labels every
//! object as built by kustomize. Bases' `buildMetadata` has no effect, as in kustomize:
//! only the kustomization being built decides what its output carries.

use std::path::{Component, Path, PathBuf};

use super::build::{At, Builder};
use super::node::{MKind, MNode};
use super::resource::Resource;

/// The annotation `originAnnotations` writes.
const ORIGIN: &str = "config.kubernetes.io/origin";
/// The label `managedByLabel` writes.
const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// Its value: what `kubectl kustomize` (kustomize v5.5 built into kubectl) writes; the
/// stand-alone kustomize binary writes its own version instead.
const MANAGER: &str = "kustomize-(devel)";

/// Applies the options listed by `k`, the top kustomization in `dir`.
pub fn apply(b: &mut Builder<'_>, dir: &Path, k: &MNode, acc: &mut [Resource]) {
    let Some(list) = k.get("buildMetadata") else {
        return;
    };
    let MKind::Seq(options) = &list.kind else {
        b.error(At::of(list), "`buildMetadata` must be a list of options");
        return;
    };
    for option in options {
        let at = At::of(option);
        match option.as_str() {
            Some("originAnnotations") => {
                for r in acc.iter_mut() {
                    let origin = origin_of(b, dir, r);
                    set_in(r, "annotations", ORIGIN, &origin, at);
                }
            }
            Some("managedByLabel") => {
                for r in acc.iter_mut() {
                    set_in(r, "labels", MANAGED_BY, MANAGER, at);
                }
            }
            Some("transformerAnnotations") => b.unsupported(
                at,
                "`transformerAnnotations` is not written by k8lint's build; the rest is built without it",
            ),
            _ => b.error(
                at,
                "unknown `buildMetadata` option: use originAnnotations, managedByLabel or transformerAnnotations",
            ),
        }
    }
}

/// Sets `metadata.<map>.<key>` to `value`, the node pointing at the option.
fn set_in(r: &mut Resource, map: &str, key: &str, value: &str, at: At) {
    let origin = at.origin();
    if let Some(m) = r
        .node
        .ensure_map("metadata", origin)
        .and_then(|meta| meta.ensure_map(map, origin))
    {
        m.set(key, MNode::string(value, origin));
    }
}

/// The origin annotation's text: the object's file, relative to the top folder, or the
/// kustomization whose generator made it.
fn origin_of(b: &Builder<'_>, dir: &Path, r: &Resource) -> String {
    let file = r.node.origin.file;
    let path = relative(dir, &b.files.path(file).unwrap_or_default());
    if !b.kustomizations.contains(&file) {
        return format!("path: {}\n", path.display());
    }
    let generator = if r.kind() == "Secret" {
        "SecretGenerator"
    } else {
        "ConfigMapGenerator"
    };
    format!(
        "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {generator}\n",
        path.display()
    )
}

/// `to` as seen from the folder `from` (both relative to one place, or both absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to) = (super::normalize(from), super::normalize(to));
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_top_folder() {
        assert_eq!(
            relative(Path::new("a/ov"), Path::new("a/base/svc.yaml")),
            PathBuf::from("../base/svc.yaml")
        );
        assert_eq!(
            relative(Path::new("a/ov"), Path::new("a/ov/x.yaml")),
            PathBuf::from("x.yaml")
        );
        assert_eq!(
            relative(Path::new(""), Path::new("x.yaml")),
            PathBuf::from("x.yaml")
        );
    }
}
