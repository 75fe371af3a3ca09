//! The findings of the object-scoped rules, kept from one check of the editor's workspace
//! to the next: an object whose file text did not change keeps them, so that a keystroke
//! re-runs those rules on the edited file's objects only.
//!
//! An object is known by where it sits (its file's path, its document's index in the
//! file, its place in the document) and by its file's whole text: the rules read their
//! object and its file, nothing else of the workspace but the config, the target
//! version and the schemas. The findings of the namespace-scoped rules are kept apart:
//! they depend on the object's Namespace too, and are kept while it is the same object
//! in the same place with the same file text. The config and version are those of the session (a new
//! session, or [`Findings::clear`], when they change); the schemas change with the
//! workspace's CustomResourceDefinitions, so a change to a file that holds one drops
//! everything kept.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::base::{Diagnostic, FileId, Location, ObjectId, Pointer};
use crate::check::Reuse;
use crate::compile::Compiled;
use crate::model::Object;

/// Where an object sits in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Place {
    path: PathBuf,
    document: usize,
    base: Pointer,
}

/// The findings of one object, and what they were made on.
#[derive(Debug, Clone)]
struct Kept {
    text: Arc<str>,
    id: ObjectId,
    file: FileId,
    findings: Vec<Diagnostic>,
}

/// The findings of the namespace-scoped rules on one object, and the Namespace they read.
#[derive(Debug, Clone)]
struct KeptInNamespace {
    kept: Kept,
    namespace: Option<Seen>,
}

/// The Namespace object an object sees: where it sits, its file's text, its id.
#[derive(Debug, Clone)]
struct Seen {
    place: Place,
    text: Arc<str>,
    id: ObjectId,
}

impl Seen {
    fn same(a: Option<&Seen>, b: Option<&Seen>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.place == b.place && same_text(&a.text, &b.text),
            _ => false,
        }
    }
}

#[derive(Debug, Default)]
struct Store {
    objects: HashMap<Place, Kept>,
    in_namespace: HashMap<Place, KeptInNamespace>,
    /// The texts of the files that held CustomResourceDefinitions.
    crds: Vec<Arc<str>>,
}

/// The kept findings of a session.
#[derive(Debug, Default)]
pub struct Findings {
    store: Mutex<Store>,
}

impl Findings {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets everything (the config, the file list or the disk changed).
    pub fn clear(&self) {
        *self.lock() = Store::default();
    }

    /// What a check of `compiled` can take: the findings kept for its unchanged objects.
    /// What the check computes or takes is kept for the next one; the rest is dropped.
    pub fn for_check(self: &Arc<Self>, compiled: &Compiled) -> Box<dyn Reuse> {
        let graph = &compiled.graph;
        let place_of = |o: &Object| -> Option<(Place, Arc<str>)> {
            let doc = graph.docs.get(o.doc.0 as usize)?;
            // What a kustomization builds depends on more than the file it comes from.
            if doc.built.is_some() {
                return None;
            }
            let file = graph.files.get(o.file.0 as usize)?;
            let place = Place {
                path: file.path.clone()?,
                document: doc.index,
                base: o.base.clone(),
            };
            Some((place, file.text()))
        };
        let places: Vec<Option<(Place, Arc<str>)>> = graph.objects.iter().map(place_of).collect();
        // `None` inside: no Namespace seen; outside: one that cannot be kept.
        let namespaces: Vec<Option<Option<Seen>>> = graph
            .objects
            .iter()
            .map(|o| match graph.namespace_of(o) {
                None => Some(None),
                Some(ns) => {
                    let (place, text) = place_of(ns)?;
                    Some(Some(Seen {
                        place,
                        text,
                        id: ns.id,
                    }))
                }
            })
            .collect();
        let mut crds: Vec<Arc<str>> = graph
            .objects
            .iter()
            .filter(|o| o.kind == "CustomResourceDefinition")
            .map(|o| graph.file(o.file).text())
            .collect();
        crds.dedup_by(|a, b| Arc::ptr_eq(a, b));
        let mut store = self.lock();
        let old = std::mem::take(&mut store.objects);
        let old_in_namespace = std::mem::take(&mut store.in_namespace);
        let same_crds = store.crds.len() == crds.len()
            && store.crds.iter().zip(&crds).all(|(a, b)| same_text(a, b));
        store.crds = crds;
        Box::new(ForCheck {
            old: if same_crds { old } else { HashMap::new() },
            old_in_namespace: if same_crds {
                old_in_namespace
            } else {
                HashMap::new()
            },
            places,
            namespaces,
            findings: Arc::clone(self),
        })
    }
}

fn same_text(a: &Arc<str>, b: &Arc<str>) -> bool {
    // Unchanged files share their text with the kept parse: the pointers are equal.
    Arc::ptr_eq(a, b) || **a == **b
}

/// One check's view of the kept findings.
struct ForCheck {
    old: HashMap<Place, Kept>,
    /// By object id: where the object sits and its file's text (`None`: never kept).
    places: Vec<Option<(Place, Arc<str>)>>,
    old_in_namespace: HashMap<Place, KeptInNamespace>,
    /// By object id: the Namespace it sees (`None`: never kept).
    namespaces: Vec<Option<Option<Seen>>>,
    findings: Arc<Findings>,
}

impl ForCheck {
    fn place(&self, object: &Object) -> Option<&(Place, Arc<str>)> {
        self.places.get(object.id.0 as usize)?.as_ref()
    }

    fn namespace(&self, object: &Object) -> Option<&Option<Seen>> {
        self.namespaces.get(object.id.0 as usize)?.as_ref()
    }

    fn keep(&self, place: &Place, text: &Arc<str>, object: &Object, found: &[Diagnostic]) {
        let kept = Kept {
            text: Arc::clone(text),
            id: object.id,
            file: object.file,
            findings: found.to_vec(),
        };
        self.findings.lock().objects.insert(place.clone(), kept);
    }
}

impl Reuse for ForCheck {
    fn known(&self, object: &Object) -> Option<Vec<Diagnostic>> {
        let (place, text) = self.place(object)?;
        let kept = self.old.get(place)?;
        if kept.file != object.file || !same_text(&kept.text, text) {
            return None;
        }
        let found = moved(&kept.findings, &[(kept.id, object.id)], object.file)?;
        self.keep(place, text, object, &found);
        Some(found)
    }

    fn computed(&self, object: &Object, found: &[Diagnostic]) {
        if let Some((place, text)) = self.place(object) {
            self.keep(place, text, object, found);
        }
    }

    fn known_in_namespace(&self, object: &Object) -> Option<Vec<Diagnostic>> {
        let (place, text) = self.place(object)?;
        let namespace = self.namespace(object)?;
        let old = self.old_in_namespace.get(place)?;
        if old.kept.file != object.file
            || !same_text(&old.kept.text, text)
            || !Seen::same(old.namespace.as_ref(), namespace.as_ref())
        {
            return None;
        }
        let mut ids = vec![(old.kept.id, object.id)];
        if let (Some(was), Some(is)) = (&old.namespace, namespace) {
            ids.push((was.id, is.id));
        }
        let found = moved(&old.kept.findings, &ids, object.file)?;
        self.keep_in_namespace(place, text, namespace, object, &found);
        Some(found)
    }

    fn computed_in_namespace(&self, object: &Object, found: &[Diagnostic]) {
        if let (Some((place, text)), Some(namespace)) = (self.place(object), self.namespace(object))
        {
            self.keep_in_namespace(place, text, namespace, object, found);
        }
    }
}

impl ForCheck {
    fn keep_in_namespace(
        &self,
        place: &Place,
        text: &Arc<str>,
        namespace: &Option<Seen>,
        object: &Object,
        found: &[Diagnostic],
    ) {
        let kept = KeptInNamespace {
            kept: Kept {
                text: Arc::clone(text),
                id: object.id,
                file: object.file,
                findings: found.to_vec(),
            },
            namespace: namespace.clone(),
        };
        self.findings
            .lock()
            .in_namespace
            .insert(place.clone(), kept);
    }
}

/// Findings made on the objects of `ids` (was, is), said of their new ids (an edit above
/// one in another file shifted the ids); `None` if one of them names another object, or
/// a file other than `file`.
fn moved(
    found: &[Diagnostic],
    ids: &[(ObjectId, ObjectId)],
    file: FileId,
) -> Option<Vec<Diagnostic>> {
    let relocate = |l: &Location| -> Option<Location> {
        match l {
            Location::Object { object, pointer } => {
                let (_, to) = ids.iter().find(|(from, _)| from == object)?;
                Some(Location::Object {
                    object: *to,
                    pointer: pointer.clone(),
                })
            }
            Location::File { file: f, .. } if *f == file => Some(l.clone()),
            _ => None,
        }
    };
    found
        .iter()
        .map(|d| {
            let mut d = d.clone();
            d.location = relocate(&d.location)?;
            for r in &mut d.related {
                r.location = relocate(&r.location)?;
            }
            Some(d)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{Related, Span};
    use crate::rules::input::INTERNAL_ERROR;

    #[test]
    fn findings_follow_their_object_to_its_new_id() {
        let at = |id: u32| Location::Object {
            object: ObjectId(id),
            pointer: Pointer::root(),
        };
        let mut d = INTERNAL_ERROR.at(ObjectId(3), Pointer::root(), "x");
        d.related.push(Related {
            location: Location::File {
                file: FileId(1),
                span: Span::new(0, 1),
            },
            message: "here".to_owned(),
        });
        let found = moved(&[d.clone()], &[(ObjectId(3), ObjectId(5))], FileId(1)).expect("moved");
        assert_eq!(found[0].location, at(5));
        assert_eq!(found[0].related[0].location, d.related[0].location);
        // Naming another object or another file: not kept.
        let mut other = d.clone();
        other.related[0].location = at(4);
        assert!(moved(&[other], &[(ObjectId(3), ObjectId(5))], FileId(1)).is_none());
        assert!(moved(&[d], &[(ObjectId(3), ObjectId(5))], FileId(2)).is_none());
    }
}
