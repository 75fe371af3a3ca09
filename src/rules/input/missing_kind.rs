use crate::base::value::Value;

use crate::base::{Diagnostic, FileId, Location, Pointer, Span};
use crate::declare_rule;
use crate::yaml::Document;

declare_rule! {
    /// ## What it does
    /// Reports a document without `apiVersion` or `kind` in a file that holds Kubernetes
    /// objects, a document that is not a mapping, a `List` item without them, and a file
    /// named on the command line that holds no Kubernetes object at all.
    ///
    /// A document that has `apiVersion` or `kind`, or a key that nearly is one (`Kind`,
    /// `apiversion`, `APIVersion`, `api_version`), is an attempted object wherever it is
    /// found: what it lacks is reported at the misspelled key, with a did-you-mean.
    /// Files found by walking a directory that hold no such document (CI configs, Helm
    /// `values.yaml`, `Chart.yaml`) and tool configs that never reach a cluster
    /// (kustomize's Kustomization and Component, kpt, skaffold) are skipped and counted,
    /// not reported — unless they do not parse, which `yaml-syntax` reports.
    ///
    /// ## Why is this bad?
    /// The API server cannot decode an object without `apiVersion` and `kind`: kubectl
    /// fails with "Object 'Kind' is missing".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// metadata:
    ///   name: settings
    /// data:
    ///   mode: fast
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// data:
    ///   mode: fast
    /// ```
    ///
    /// ## References
    /// - Objects in Kubernetes: describing an object: https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object
    /// - k8lint: what a walk checks and skips: https://github.com/k8lint/k8lint/blob/main/README.md#k8lint-check
    pub static MISSING_KIND = {
        id: "missing-kind",
        severity: Error,
        category: Input,
        summary: "a document has no apiVersion or no kind",
        help: "add `apiVersion` and `kind`",
    }
}

/// The finding for a file named on the command line that holds no object; `first` is its
/// first document that is not a tool's config.
pub fn no_object(file: FileId, first: Option<&Document>) -> Diagnostic {
    let span = first.map_or(Span::default(), |d| d.tree.label_span());
    MISSING_KIND.diagnostic(
        Location::File { file, span },
        "this file holds no Kubernetes object (no document has both apiVersion and kind)",
    )
}

/// The finding for stdin that holds no document at all: most often the command before
/// the pipe failed or printed nothing, which is worth saying rather than "no object".
pub fn empty_stdin(file: FileId) -> Diagnostic {
    MISSING_KIND.diagnostic(
        Location::File {
            file,
            span: Span::default(),
        },
        "stdin is empty: no YAML document was read (did the command before the pipe print nothing or fail?)",
    )
}

/// The finding for a document without identity, if it has none: at a misspelled
/// `apiVersion`/`kind` key when there is one, else at the document.
pub fn check_document(file: FileId, doc: &Document) -> Option<Diagnostic> {
    let message = missing_identity(&doc.value)?;
    let near = doc.value.as_object().and_then(|map| {
        IDENTITY_KEYS
            .into_iter()
            .filter(|k| !map.get(k).is_some_and(Value::is_string))
            .find_map(|k| near_miss(map, k))
    });
    let span = match near {
        Some(key) => {
            let (node, _) = doc.tree.resolve(&Pointer::root().key(key));
            node.key_span().unwrap_or_else(|| node.label_span())
        }
        None => doc.tree.label_span(),
    };
    Some(MISSING_KIND.diagnostic(Location::File { file, span }, message))
}

const IDENTITY_KEYS: [&str; 2] = ["apiVersion", "kind"];

/// Whether a document tries to be an object: a mapping with a key that is, or nearly is,
/// `apiVersion` or `kind` (`Kind`, `apiversion`, `APIVersion`, `api_version`).
pub fn attempts_identity(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.keys()
            .any(|k| IDENTITY_KEYS.iter().any(|want| folded(k) == folded(want)))
    })
}

/// A key of the map that differs from `wanted` only in case, `_` or `-`.
fn near_miss<'a>(map: &'a crate::base::value::Map, wanted: &str) -> Option<&'a str> {
    map.keys()
        .find(|k| k.as_str() != wanted && folded(k) == folded(wanted))
        .map(crate::base::small_str::Key::as_str)
}

/// A key without case, `_` and `-`, to compare near-misses.
fn folded(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The findings for the items of a List document that have no identity.
pub fn check_list_items(file: FileId, doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, item) in list_items(&doc.value).into_iter().flatten().enumerate() {
        if let Some(message) = missing_identity(item) {
            let (node, _) = doc.tree.resolve(&Pointer::root().key("items").index(i));
            out.push(MISSING_KIND.diagnostic(
                Location::File {
                    file,
                    span: node.label_span(),
                },
                format!("List item {i}: {message}"),
            ));
        }
    }
    out
}

/// The items of a `…List` document.
pub fn list_items(value: &Value) -> Option<&Vec<Value>> {
    let kind = value.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    value.get("items")?.as_array()
}

/// What a document lacks to be an object (`None`: nothing, or it is null).
pub fn missing_identity(value: &Value) -> Option<String> {
    if value.is_null() {
        return None;
    }
    let Some(map) = value.as_object() else {
        return Some("a Kubernetes object must be a mapping".to_owned());
    };
    let missing: Vec<&str> = IDENTITY_KEYS
        .into_iter()
        .filter(|k| !map.get(k).is_some_and(Value::is_string))
        .collect();
    let hint = missing
        .iter()
        .find_map(|want| near_miss(map, want).map(|k| (k, *want)))
        .map(|(found, want)| format!(" (did you mean `{want}` instead of `{found}`?)"))
        .unwrap_or_default();
    match missing.as_slice() {
        [] => None,
        [one] => Some(format!("the document has no `{one}`{hint}")),
        _ => Some(format!(
            "the document has no `apiVersion` and no `kind`{hint}"
        )),
    }
}
