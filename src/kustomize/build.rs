//! Building one kustomization: resources, components, generators, then the transformers in
//! kustomize's order; at the top, hash suffixes and name references.

use std::path::{Path, PathBuf};

use super::files::Files;
use super::node::{MKind, MNode, Origin};
use super::resource::Resource;
use super::{generate, metadata, namerefs, patches, replace, transform, vars};
use crate::base::{Diagnostic, FileId, Location, Span};
use crate::load::kustomization::find_kustomization;
use crate::rules::kustomize::{KUSTOMIZE_ERROR, KUSTOMIZE_UNSUPPORTED};

/// Keys that run code or fetch from elsewhere: not built, on purpose.
const UNSUPPORTED: [(&str, &str); 7] = [
    ("helmCharts", "Helm charts are not inflated"),
    (
        "helmChartInflationGenerator",
        "Helm charts are not inflated",
    ),
    ("helmGlobals", "Helm charts are not inflated"),
    (
        "generators",
        "generator plugins and KRM functions are not run",
    ),
    (
        "transformers",
        "transformer plugins and KRM functions are not run",
    ),
    (
        "validators",
        "validator plugins and KRM functions are not run",
    ),
    (
        "configurations",
        "custom transformer configurations are not applied",
    ),
];

/// Keys k8lint does not build yet: reported so that nothing is skipped silently.
const NOT_YET: [(&str, &str); 1] = [(
    "openapi",
    "custom OpenAPI schemas are not loaded: strategic merges use the merge keys of the built-in kinds",
)];

/// A kustomization being built, and what the build found.
pub struct Builder<'a> {
    /// The files read.
    pub files: &'a mut Files,
    /// `kustomize-error` and `kustomize-unsupported` findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Folders being built, outermost first (a folder met again is a cycle).
    stack: Vec<PathBuf>,
    /// Every kustomization file read.
    pub kustomizations: Vec<FileId>,
    /// The `vars` entries of every kustomization of the build, resolved at the top.
    vars: Vec<MNode>,
}

/// A place in a kustomization: where a finding goes and what a transformer's nodes point at.
#[derive(Debug, Clone, Copy)]
pub struct At {
    /// The kustomization file.
    pub file: FileId,
    /// The entry.
    pub span: Span,
}

impl At {
    /// The entry as the origin of the nodes it sets.
    pub fn origin(self) -> Origin {
        Origin::entry(self.file, self.span)
    }

    /// A node's place.
    pub fn of(node: &MNode) -> At {
        At {
            file: node.origin.file,
            span: label(node),
        }
    }
}

/// The span a finding on a kustomization entry underlines: the key for a collection.
fn label(node: &MNode) -> Span {
    match node.kind {
        MKind::Scalar(..) => node.origin.span,
        _ if node.origin.key != Span::NONE => node.origin.key,
        _ => node.origin.span,
    }
}

impl<'a> Builder<'a> {
    /// A builder reading through `files`.
    pub fn new(files: &'a mut Files) -> Builder<'a> {
        Builder {
            files,
            diagnostics: Vec::new(),
            stack: Vec::new(),
            kustomizations: Vec::new(),
            vars: Vec::new(),
        }
    }

    /// Reports a build error.
    pub fn error(&mut self, at: At, message: impl Into<String>) {
        self.diagnostics.push(KUSTOMIZE_ERROR.diagnostic(
            Location::File {
                file: at.file,
                span: at.span,
            },
            message,
        ));
    }

    /// Reports a feature that is not built.
    pub fn unsupported(&mut self, at: At, message: impl Into<String>) {
        self.diagnostics.push(KUSTOMIZE_UNSUPPORTED.diagnostic(
            Location::File {
                file: at.file,
                span: at.span,
            },
            message,
        ));
    }

    /// Builds the kustomization of `dir` as `kubectl kustomize` would: `None` when it has
    /// no readable kustomization file. Also returns the kustomization file.
    ///
    /// A Component met on its own (in a walk, not listed by any kustomization) is built
    /// onto nothing: its resources are kept, and its patches, which target the
    /// resources of the kustomizations that would list it, report nothing.
    pub fn build(&mut self, kustomization: &Path) -> Option<(FileId, Vec<Resource>)> {
        let file = self.files.read(kustomization).ok()?;
        let dir = kustomization.parent().unwrap_or(Path::new(""));
        let component = self
            .files
            .documents(file)
            .ok()
            .and_then(|docs| docs.into_iter().next())
            .is_some_and(|k| k.str_at("kind") == Some("Component"));
        let before = self.diagnostics.len();
        self.stack.push(super::normalize(dir));
        let resources = self.accumulate_file(dir, file, Vec::new(), component);
        self.stack.pop();
        if component {
            let mut kept = self.diagnostics.split_off(before);
            kept.retain(|d| d.rule.as_str() != KUSTOMIZE_ERROR.id);
            self.diagnostics.extend(kept);
        }
        let mut resources = resources?;
        generate::add_hashes(&mut resources);
        namerefs::fix(&mut resources);
        let declared = std::mem::take(&mut self.vars);
        vars::resolve(self, &declared, &mut resources);
        if let Some(k) = self
            .files
            .documents(file)
            .ok()
            .and_then(|d| d.into_iter().next())
        {
            metadata::apply(self, dir, &k, &mut resources);
        }
        Some((file, resources))
    }

    /// Builds a folder listed by another kustomization (at `at`).
    fn accumulate_dir(
        &mut self,
        dir: &Path,
        acc: Vec<Resource>,
        component: bool,
        at: At,
    ) -> Vec<Resource> {
        let norm = super::normalize(dir);
        if self.stack.contains(&norm) {
            self.error(
                at,
                format!(
                    "cycle: {} includes itself through its resources",
                    norm.display()
                ),
            );
            return acc;
        }
        let Some(path) = find_kustomization(dir) else {
            self.error(
                at,
                format!(
                    "{} is a folder without a kustomization.yaml",
                    norm.display()
                ),
            );
            return acc;
        };
        let file = match self.files.read(&path) {
            Ok(file) => file,
            Err(e) => {
                self.error(at, format!("{}: {e}", path.display()));
                return acc;
            }
        };
        self.stack.push(norm);
        let before = acc.clone();
        let out = self.accumulate_file(dir, file, acc, component);
        self.stack.pop();
        out.unwrap_or(before)
    }

    /// Builds the kustomization in `file` onto `acc` (a component's resources join those
    /// of the kustomization that lists it, and its transformers apply to them all).
    fn accumulate_file(
        &mut self,
        dir: &Path,
        file: FileId,
        mut acc: Vec<Resource>,
        component: bool,
    ) -> Option<Vec<Resource>> {
        self.kustomizations.push(file);
        let whole = At {
            file,
            span: Span::new(0, 0),
        };
        let k = match self.files.documents(file) {
            Ok(docs) => docs.into_iter().next(),
            Err(e) => {
                self.error(whole, format!("the kustomization does not parse: {e}"));
                return None;
            }
        };
        let Some(k) = k.filter(|k| matches!(k.kind, MKind::Map(_))) else {
            self.error(whole, "the kustomization is not a mapping");
            return None;
        };
        let kind = k.str_at("kind").unwrap_or("Kustomization");
        if component != (kind == "Component") {
            let at = k.get("kind").map_or(whole, At::of);
            let message = if component {
                "a kustomization listed under `components` must be `kind: Component`"
            } else {
                "a Component can only be listed under `components`"
            };
            self.error(at, message);
            return None;
        }
        self.report_unsupported(&k);
        if let Some(declared) = k.get("vars") {
            match &declared.kind {
                MKind::Seq(items) => self.vars.extend(items.iter().cloned()),
                _ => self.error(At::of(declared), "`vars` must be a list"),
            }
        }
        // Files kustomize reads for its own configuration must exist, built or not.
        for key in ["configurations", "crds"] {
            if let Some(MKind::Seq(items)) = k.get(key).map(|n| &n.kind) {
                for entry in items {
                    if let Some(rel) = entry.as_str().filter(|r| !dir.join(r).is_file()) {
                        self.error(
                            At::of(entry),
                            format!("`{rel}` listed under `{key}` does not exist"),
                        );
                    }
                }
            }
        }

        let mut entries: Vec<&MNode> = Vec::new();
        for key in ["resources", "bases"] {
            if let Some(MKind::Seq(items)) = k.get(key).map(|n| &n.kind) {
                entries.extend(items);
            }
        }
        for entry in entries {
            self.resource(dir, entry, &mut acc);
        }
        if let Some(MKind::Seq(items)) = k.get("components").map(|n| &n.kind) {
            for entry in items {
                let Some(rel) = entry.as_str() else { continue };
                if is_remote(rel) {
                    self.unsupported(
                        At::of(entry),
                        format!("remote component `{rel}` is not fetched"),
                    );
                    continue;
                }
                acc = self.accumulate_dir(&dir.join(rel), acc, true, At::of(entry));
            }
        }
        generate::run(self, dir, &k, &mut acc);
        patches::strategic_merge_list(self, dir, &k, &mut acc);
        patches::patches(self, dir, &k, &mut acc);
        transform::namespace(&k, &mut acc);
        transform::prefix_suffix(&k, &mut acc);
        transform::labels(&k, &mut acc);
        transform::annotations(&k, &mut acc);
        patches::json6902_list(self, dir, &k, &mut acc);
        transform::replicas(&k, &mut acc);
        transform::images(&k, &mut acc);
        replace::run(self, dir, &k, &mut acc);
        Some(acc)
    }

    fn report_unsupported(&mut self, k: &MNode) {
        let MKind::Map(entries) = &k.kind else { return };
        for (key, node) in entries {
            let at = At {
                file: node.origin.file,
                span: node.origin.key,
            };
            if let Some((_, why)) = UNSUPPORTED.iter().find(|(k, _)| k == key) {
                self.unsupported(at, format!("`{key}`: {why}; the rest is built without it"));
            } else if let Some((_, why)) = NOT_YET.iter().find(|(k, _)| k == key) {
                self.unsupported(at, format!("`{key}`: {why}; the rest is built without it"));
            }
        }
    }

    /// One entry of `resources`: a file, or a folder with a kustomization.
    fn resource(&mut self, dir: &Path, entry: &MNode, acc: &mut Vec<Resource>) {
        let at = At::of(entry);
        let Some(rel) = entry.as_str() else {
            self.error(at, "a resource entry must be a path");
            return;
        };
        if is_remote(rel) {
            self.unsupported(
                at,
                format!("remote resource `{rel}` is not fetched; the rest is built without it"),
            );
            return;
        }
        let path = dir.join(rel);
        if path.is_dir() {
            let built = self.accumulate_dir(&path, Vec::new(), false, at);
            for r in built {
                self.add(acc, r, at);
            }
            return;
        }
        self.restrict(dir, &path, at);
        let file = match self.files.read(&path) {
            Ok(file) => file,
            Err(e) => {
                let why = if path.exists() {
                    e
                } else {
                    "no such file or folder".to_owned()
                };
                self.error(at, format!("resource `{rel}` cannot be read: {why}"));
                return;
            }
        };
        match self.files.documents(file) {
            Ok(docs) => {
                for doc in docs {
                    if doc.str_at("kind").is_none() {
                        self.error(at, format!("`{rel}` holds a document without `kind`"));
                        continue;
                    }
                    self.add(acc, Resource::new(doc), at);
                }
            }
            Err(e) => self.error(at, format!("resource `{rel}` does not parse: {e}")),
        }
    }

    /// kustomize's default load restriction: a file a kustomization reads must be in or
    /// below its folder (other kustomizations' folders are fine). `kubectl kustomize`
    /// refuses the build; k8lint reports it and builds on.
    pub fn restrict(&mut self, dir: &Path, path: &Path, at: At) {
        let dir = super::normalize(dir);
        let path = super::normalize(path);
        let inside = if dir.as_os_str().is_empty() {
            !path.starts_with("..")
        } else {
            path.starts_with(&dir)
        };
        if !inside {
            self.error(
                at,
                format!(
                    "{} is not in or below {}: kustomize refuses to load it (load restrictions); list its folder's kustomization instead",
                    path.display(),
                    if dir.as_os_str().is_empty() { ".".to_owned() } else { dir.display().to_string() }
                ),
            );
        }
    }

    /// Adds an object; one whose identity is already there is an id conflict.
    pub fn add(&mut self, acc: &mut Vec<Resource>, r: Resource, at: At) {
        let id = r.id();
        if acc.iter().any(|o| o.id() == id) {
            self.error(
                at,
                format!(
                    "id conflict: {} {} is defined twice in this build",
                    id.1, id.3
                ),
            );
            return;
        }
        acc.push(r);
    }
}

/// A URL or a git address: kustomize would fetch it.
pub fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
        || entry.contains(".git//")
}
