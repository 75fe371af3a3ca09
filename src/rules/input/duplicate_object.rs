use crate::base::{FastMap, FastSet};
use std::collections::hash_map::Entry;

use crate::base::{Diagnostic, FileId, ObjectId, Pointer, Severity};
use crate::declare_rule;
use crate::graph::units::Membership;
use crate::model::ObjectKeyRef;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports two documents that define the same object: the same API group, kind,
    /// namespace and name, in one apply unit (the folder of their files, or the unit
    /// declared in `.k8lint.yaml`; see the README on apply units). The later one is
    /// reported at its `metadata.name`, the earlier one is shown as a related location.
    /// The namespace is the effective one: an object without `metadata.namespace` is in
    /// the default namespace of the run.
    ///
    /// How bad it is depends on where the two are:
    ///
    /// - **in one file**: an error. `kubectl apply -f` of that file applies both.
    /// - **in two files of one folder that mostly define the same objects** (at least half
    ///   of the smaller file's objects): the files are *variants*,
    ///   alternatives of one another that are applied one at a time (`bookinfo.yaml` and
    ///   `bookinfo-psa.yaml`, `install.yaml` and `core-install.yaml`). One warning per pair
    ///   of files, at the first repeated object, saying which file repeats which and how
    ///   many objects they share.
    /// - **in two files of one folder that share fewer objects**: a warning at each repeated
    ///   object, naming both files. Applied together, the later file's definition replaces
    ///   the earlier one's; but sibling files that redefine one object are as often
    ///   alternatives (`zipkin.yaml` and `skywalking.yaml` each bringing their own `tracing`
    ///   Service, one example per auth proxy) as mistakes, and k8lint cannot tell which.
    ///
    /// Objects of the same name in different folders are not reported: repositories keep
    /// one folder per environment or overlay (`overlays/dev`, `overlays/prod`), each
    /// applied on its own. Objects from `--context` are the cluster as it is, so a
    /// manifest that redefines one is an update, not a duplicate.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` applies both, and the later silently replaces the earlier; which one
    /// wins depends on file order. Variant files are fine as long as nobody applies the
    /// folder as a whole: the warning says so, and a declared unit or an `ignore` glob
    /// makes the intent explicit.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ```
    ///
    /// Use instead: give each object its own name, or keep one of them.
    ///
    /// ## References
    /// - Object names and IDs: <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>
    /// - Declarative management with `kubectl apply`: <https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/>
    pub static DUPLICATE_OBJECT = {
        id: "duplicate-object",
        severity: Error,
        category: Input,
        summary: "two documents define the same object",
        help: "rename one of the objects or remove the duplicate",
    }
}

/// Finds duplicates through a hash map of the first object of each identity and unit.
pub struct DuplicateObject;

impl Rule for DuplicateObject {
    fn meta(&self) -> &'static RuleMeta {
        &DUPLICATE_OBJECT
    }

    /// Only the objects that share an identity's hash with another are visited (the
    /// graph's identity index lists them), each group with a hash map of the first of
    /// each identity and unit: linear in the objects, however many share a name, and
    /// nothing held for the objects that have no twin.
    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut repeats: Vec<(ObjectId, ObjectId)> = Vec::new();
        let mut first: FastMap<(ObjectKeyRef<'_>, Membership), ObjectId> = FastMap::default();
        for group in cx.graph.identity_groups() {
            first.clear();
            for &id in group {
                let object = cx.graph.object(id);
                if object.context || object.name.is_empty() {
                    continue;
                }
                match first.entry((object.key_ref(), cx.graph.membership(id))) {
                    Entry::Vacant(slot) => {
                        slot.insert(id);
                    }
                    Entry::Occupied(slot) => repeats.push((id, *slot.get())),
                }
            }
        }
        // In the input order of the later object, as one pass over the objects finds them.
        repeats.sort_unstable();
        let keys_of = identities_of_files(cx, &repeats);
        let name = Pointer::root().path("metadata/name");
        // What each pair of files shares when they are variants (computed once per pair:
        // two variant files repeat many objects), and the pairs already reported.
        let mut variants: FastMap<(FileId, FileId), Option<(usize, usize)>> = FastMap::default();
        let mut reported: FastSet<(FileId, FileId)> = FastSet::default();
        for (later, earlier) in repeats {
            let (o, e) = (cx.graph.object(later), cx.graph.object(earlier));
            let pair = (e.file, o.file);
            let variant = if o.file == e.file {
                None
            } else {
                *variants
                    .entry(pair)
                    .or_insert_with(|| shared(&keys_of, pair))
            };
            let Some((n, smaller)) = variant else {
                if o.file == e.file {
                    let d = DUPLICATE_OBJECT.at(
                        o.id,
                        name.clone(),
                        format!("{} is defined more than once", o.display_name()),
                    );
                    out.push(d.with_related(e.id, name.clone(), "first defined here"));
                    continue;
                }
                let (a, b) = (&cx.graph.file(e.file).name, &cx.graph.file(o.file).name);
                let d = DUPLICATE_OBJECT
                    .at(
                        o.id,
                        name.clone(),
                        format!(
                            "{} is defined in {a} and again in {b}: applied together, the \
                             later replaces the earlier; if the files are alternatives, \
                             apply them one at a time",
                            o.display_name()
                        ),
                    )
                    .with_severity(Severity::Warning);
                out.push(d.with_related(e.id, name.clone(), format!("defined first in {a}")));
                continue;
            };
            // One warning per pair of variant files, at the first repeated object.
            if !reported.insert(pair) {
                continue;
            }
            let (a, b) = (&cx.graph.file(e.file).name, &cx.graph.file(o.file).name);
            let d = DUPLICATE_OBJECT
                .at(
                    o.id,
                    name.clone(),
                    format!(
                        "{b} repeats {n} objects of {a} ({} first; {n} of the smaller \
                         file's {smaller}): variants of one install, applied one at a \
                         time, never together",
                        o.display_name()
                    ),
                )
                .with_severity(Severity::Warning);
            out.push(d.with_related(e.id, name.clone(), format!("defined first in {a}")));
        }
    }
}

/// The identities each file holding a repeated object defines, to tell variants apart.
fn identities_of_files<'a>(
    cx: &Context<'a>,
    repeats: &[(ObjectId, ObjectId)],
) -> FastMap<FileId, FastSet<ObjectKeyRef<'a>>> {
    let mut keys_of: FastMap<FileId, FastSet<ObjectKeyRef<'a>>> = FastMap::default();
    for &(later, earlier) in repeats {
        for id in [later, earlier] {
            keys_of.entry(cx.graph.object(id).file).or_default();
        }
    }
    if keys_of.is_empty() {
        return keys_of;
    }
    for object in cx.graph.checked() {
        if object.name.is_empty() {
            continue;
        }
        if let Some(keys) = keys_of.get_mut(&object.file) {
            keys.insert(object.key_ref());
        }
    }
    keys_of
}

/// How many identities two files share, and the size of the smaller, when they share at
/// least half of the smaller file's objects: the files are variants (a one-object file
/// that redefines an object of another is an alternative to that definition).
fn shared(
    keys_of: &FastMap<FileId, FastSet<ObjectKeyRef<'_>>>,
    (a, b): (FileId, FileId),
) -> Option<(usize, usize)> {
    let (ka, kb) = (keys_of.get(&a)?, keys_of.get(&b)?);
    let (small, large) = if ka.len() <= kb.len() {
        (ka, kb)
    } else {
        (kb, ka)
    };
    let n = small.iter().filter(|k| large.contains(*k)).count();
    (n >= 1 && 2 * n >= small.len()).then_some((n, small.len()))
}
