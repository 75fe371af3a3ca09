//! The kustomize stage: builds kustomizations natively (kustomize v5 semantics) between
//! load and model, keeping for every node of a built object the file and span it came
//! from — the base, the patch that set it, or the kustomization entry of the transformer
//! that set it.
//!
//! A walk builds each kustomization that no other kustomization of the walk includes (the
//! overlays). The files a build reads are not checked again on their own; the files no
//! kustomization includes are. What runs code or fetches from elsewhere (remote
//! resources, Helm charts, plugins, KRM functions) is not built: a `kustomize-unsupported`
//! finding says so, and the rest is built.

mod build;
mod files;
mod generate;
mod inline;
mod json6902;
mod merge_keys;
mod metadata;
mod namerefs;
mod node;
mod patches;
mod replace;
mod resource;
mod smp;
mod transform;
mod vars;

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::base::value::Value;
use rayon::prelude::*;

pub use crate::load::kustomization::{FILE_NAMES, find_kustomization};
pub use generate::content_hash;

use crate::base::{Diagnostic, FileId, Location, Span};
use crate::graph::{Built, Graph};
use crate::load::{self, InputPath, SourceFile};
use crate::yaml::{self, Comment, Node, ParseLimits};

/// One object a build produced.
#[derive(Debug)]
pub struct BuiltObject {
    /// The object.
    pub value: Value,
    /// Its span tree: each node's spans are in the file `built.switches` gives.
    pub tree: Node,
    /// Where files change, and the kustomization that built it.
    pub built: Built,
}

/// Everything the builds of one run produced.
#[derive(Debug, Default)]
pub struct Builds {
    /// Files read, with ids after the inputs'.
    pub files: Vec<SourceFile>,
    /// Their comments (for inline suppressions).
    pub comments: Vec<(FileId, Vec<Comment>)>,
    /// `kustomize-error` and `kustomize-unsupported` findings.
    pub diagnostics: Vec<Diagnostic>,
    /// The built objects, kustomization by kustomization.
    pub objects: Vec<BuiltObject>,
    /// Every path a build read (normalized): not checked again on its own.
    pub covered: HashSet<PathBuf>,
}

impl Builds {
    /// Whether an input was read by a build.
    pub fn covers(&self, input: &InputPath) -> bool {
        !input.context
            && input
                .path
                .as_ref()
                .is_some_and(|p| self.covered.contains(&normalize(p)))
    }
}

/// Whether a path names a kustomization file.
pub fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// Builds the kustomizations among `inputs` that no other one includes. File ids start at
/// `first`.
pub fn build_inputs(
    inputs: &[InputPath],
    first: u32,
    limits: &ParseLimits,
    max_bytes: u64,
    overlay: &load::Overlay,
) -> Builds {
    let kustomizations: Vec<PathBuf> = inputs
        .iter()
        // A kustomization file named on the command line stays a tool config (skipped), as
        // before; a folder named or walked is built.
        .filter(|i| !i.context && !i.explicit)
        .filter_map(|i| i.path.as_ref())
        .filter(|p| is_kustomization(p))
        .map(|p| normalize(p))
        .collect();
    if kustomizations.is_empty() {
        return Builds::default();
    }
    let included = included_dirs(&kustomizations, limits, overlay);
    let overlays: Vec<&PathBuf> = kustomizations
        .iter()
        .filter(|k| !included.contains(k.parent().unwrap_or(Path::new(""))))
        .collect();
    // The overlays are built in parallel over one table of files (a shared base is read
    // and parsed once), then joined in order, the files numbered as if built one by one.
    let shared = Arc::new(files::Shared::new(
        first,
        limits.clone(),
        max_bytes,
        overlay.clone(),
    ));
    let builds: Vec<OneBuild> = overlays
        .par_iter()
        .map(|k| build_one(k, Arc::clone(&shared)))
        .collect();
    let numbered = shared.numbering(builds.iter().map(|b| &b.files));
    let mut out = Builds::default();
    for one in builds {
        out.diagnostics.extend(
            one.diagnostics
                .into_iter()
                .map(|d| renumbered(d, &numbered)),
        );
        out.objects.extend(one.objects.into_iter().map(|mut o| {
            for (_, file) in &mut o.built.switches {
                *file = numbered.id(*file);
            }
            o.built.by.0 = numbered.id(o.built.by.0);
            o
        }));
    }
    // A base that two overlays include reports its errors once.
    let mut seen = HashSet::new();
    out.diagnostics.retain(|d| {
        seen.insert((
            d.rule.clone(),
            format!("{:?}", d.location),
            d.message.clone(),
        ))
    });
    out.covered = numbered
        .files
        .iter()
        .filter_map(|s| s.path.as_deref())
        .map(normalize)
        .collect();
    out.files = numbered.files;
    out.comments = numbered.comments;
    out
}

/// What one overlay's build produced, in the shared table's ids.
struct OneBuild {
    files: files::Files,
    diagnostics: Vec<Diagnostic>,
    objects: Vec<BuiltObject>,
}

fn build_one(kustomization: &Path, shared: Arc<files::Shared>) -> OneBuild {
    let mut files = files::Files::new(shared);
    let (built, diagnostics) = {
        let mut b = build::Builder::new(&mut files);
        let built = b.build(kustomization);
        (built, b.diagnostics)
    };
    let mut objects = Vec::new();
    if let Some((file, resources)) = built {
        let by = (file, first_line(&files.text(file)));
        for r in resources {
            let (value, tree, switches) = r.node.finish();
            objects.push(BuiltObject {
                value,
                tree,
                built: Built { switches, by },
            });
        }
    }
    OneBuild {
        files,
        diagnostics,
        objects,
    }
}

/// A finding of a build with its files numbered as in the run.
fn renumbered(mut d: Diagnostic, numbered: &files::Numbered) -> Diagnostic {
    let place = |location: &mut Location| {
        if let Location::File { file, .. } = location {
            *file = numbered.id(*file);
        }
    };
    place(&mut d.location);
    for r in &mut d.related {
        place(&mut r.location);
    }
    d
}

/// The first line that is neither blank nor a comment: what "built by" underlines.
fn first_line(text: &str) -> Span {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && trimmed != "---" {
            let start = offset + (line.len() - line.trim_start().len());
            return Span::new(start, offset + line.trim_end().len());
        }
        offset += line.len();
    }
    Span::new(0, 0)
}

/// The folders that walked kustomizations list under `resources`, `bases` or `components`.
fn included_dirs(
    kustomizations: &[PathBuf],
    limits: &ParseLimits,
    overlay: &load::Overlay,
) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for k in kustomizations {
        let text = match overlay.get(k) {
            Some(text) => text.to_string(),
            None => match std::fs::read_to_string(k) {
                Ok(text) => text,
                Err(_) => continue,
            },
        };
        let dir = k.parent().unwrap_or(Path::new(""));
        for doc in yaml::parse(&text, limits).documents {
            for key in ["resources", "bases", "components"] {
                for entry in doc
                    .value
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(rel) = entry.as_str() {
                        out.insert(normalize(&dir.join(rel)));
                    }
                }
            }
        }
    }
    out
}

/// Adds "built by" to every finding on a built object, naming the kustomization.
pub fn relate(graph: &Graph, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut() {
        let Location::Object { object, .. } = &d.location else {
            continue;
        };
        let doc = &graph.docs[graph.object(*object).doc.0 as usize];
        if let Some(built) = &doc.built {
            let (file, span) = built.by;
            let name = graph.file(file).name.clone();
            d.related.push(crate::base::Related {
                location: Location::File { file, span },
                message: format!("built by {name}"),
            });
        }
    }
}

/// Lexical normalization: `a/./b/../c` → `a/c`.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
