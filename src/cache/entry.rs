//! One cache entry: the object-scoped findings of one file's objects, written so that a
//! damaged, truncated or foreign entry is recognised and ignored.
//!
//! The format: a first line `k8lint-cache 1 <sha256 of the rest>`, then JSON
//! `{"key": "<the entry's key>", "objects": [[finding, ...], ...]}`, one list per object
//! of the file in input order. A finding's place is an object of the same file (by that
//! index) and a pointer, or a span of the same file.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::base::sha256;
use crate::base::{Diagnostic, FileId, Location, ObjectId, Pointer, Related, RuleId, Span};

/// The first word of every entry.
const MAGIC: &str = "k8lint-cache 1 ";

#[derive(Serialize, Deserialize)]
struct Body {
    key: String,
    objects: Vec<Vec<Kept>>,
}

#[derive(Serialize, Deserialize)]
struct Kept {
    rule: String,
    severity: String,
    message: String,
    place: Place,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    related: Vec<(Place, String)>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    at_key: bool,
}

#[derive(Serialize, Deserialize)]
enum Place {
    /// The object at this index among the file's objects, and a node of it.
    Object(u32, String),
    /// Bytes of the file.
    File(u32, u32),
}

/// Where one file's objects are: what turns locations into places and back.
pub struct Layout<'a> {
    /// The file.
    pub file: FileId,
    /// Its objects, in input order.
    pub objects: &'a [ObjectId],
}

impl Layout<'_> {
    fn place(&self, location: &Location, index: &HashMap<ObjectId, u32>) -> Option<Place> {
        match location {
            Location::Object { object, pointer } => Some(Place::Object(
                *index.get(object)?,
                pointer.as_str().to_owned(),
            )),
            Location::File { file, span } if *file == self.file => {
                Some(Place::File(span.start, span.end))
            }
            Location::File { .. } => None,
        }
    }

    fn location(&self, place: Place) -> Option<Location> {
        match place {
            Place::Object(i, pointer) => Some(Location::Object {
                object: *self.objects.get(i as usize)?,
                pointer: Pointer::parse(&pointer)?,
            }),
            Place::File(start, end) if start <= end => Some(Location::File {
                file: self.file,
                span: Span { start, end },
            }),
            Place::File(..) => None,
        }
    }

    /// The entry text of these findings (one list per object, in `objects`' order), or
    /// `None` when one is not about this file (it could not be placed on a re-run).
    pub fn write(&self, key: &str, found: &[&[Diagnostic]]) -> Option<String> {
        let index: HashMap<ObjectId, u32> = self
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| (*o, i as u32))
            .collect();
        let mut objects = Vec::with_capacity(found.len());
        for list in found {
            let mut kept = Vec::with_capacity(list.len());
            for d in *list {
                let related = d
                    .related
                    .iter()
                    .map(|r| Some((self.place(&r.location, &index)?, r.message.clone())))
                    .collect::<Option<Vec<_>>>()?;
                kept.push(Kept {
                    rule: d.rule.as_str().to_owned(),
                    severity: d.severity.as_str().to_owned(),
                    message: d.message.clone(),
                    place: self.place(&d.location, &index)?,
                    help: d.help.as_deref().map(str::to_owned),
                    related,
                    at_key: d.at_key,
                });
            }
            objects.push(kept);
        }
        let body = serde_json::to_string(&Body {
            key: key.to_owned(),
            objects,
        })
        .ok()?;
        let sum = sha256::hex(&sha256::digest(body.as_bytes()));
        Some(format!("{MAGIC}{sum}\n{body}"))
    }

    /// The findings an entry holds, per object, when it is whole, written for `key`, for
    /// as many objects as the file has, and names only the rules `rules` knows; `None`
    /// otherwise (the entry is then ignored and written again).
    pub fn read(
        &self,
        key: &str,
        text: &str,
        rules: &HashMap<&str, &'static str>,
    ) -> Option<Vec<Vec<Diagnostic>>> {
        let (head, body) = text.strip_prefix(MAGIC)?.split_once('\n')?;
        if head != sha256::hex(&sha256::digest(body.as_bytes())) {
            return None;
        }
        let body: Body = serde_json::from_str(body).ok()?;
        if body.key != key || body.objects.len() != self.objects.len() {
            return None;
        }
        body.objects
            .into_iter()
            .map(|list| {
                list.into_iter()
                    .map(|k| self.finding(k, rules))
                    .collect::<Option<Vec<_>>>()
            })
            .collect()
    }

    fn finding(&self, k: Kept, rules: &HashMap<&str, &'static str>) -> Option<Diagnostic> {
        let rule = RuleId(Cow::Borrowed(*rules.get(k.rule.as_str())?));
        let mut d = Diagnostic::new(
            rule,
            k.severity.parse().ok()?,
            self.location(k.place)?,
            k.message,
        );
        d.help = k.help.map(Cow::Owned);
        d.at_key = k.at_key;
        for (place, message) in k.related {
            d.related.push(Related {
                location: self.location(place)?,
                message,
            });
        }
        Some(d)
    }
}
