//! The files a build reads: each read and parsed once per run (a base shared by a hundred
//! overlays is parsed once), each with its own id in the run's file table.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::node::MNode;
use crate::base::FileId;
use crate::load::{self, SourceFile};
use crate::yaml::{self, Comment, ParseLimits};

/// The files read by every build of a run.
#[derive(Debug)]
pub struct Files {
    /// The id of the first file read here (the inputs come before).
    first: u32,
    /// Every file read, by id − `first`.
    pub sources: Vec<SourceFile>,
    /// Comments of the files whose nodes reach built objects (for inline suppressions).
    pub comments: Vec<(FileId, Vec<Comment>)>,
    by_path: HashMap<PathBuf, FileId>,
    parsed: HashMap<FileId, Result<Vec<MNode>, String>>,
    limits: ParseLimits,
    max_bytes: u64,
    /// Texts read instead of the files on disk (unsaved editor buffers).
    overlay: load::Overlay,
}

impl Files {
    /// An empty table whose ids start at `first`.
    pub fn new(first: u32, limits: ParseLimits, max_bytes: u64, overlay: load::Overlay) -> Files {
        Files {
            first,
            sources: Vec::new(),
            comments: Vec::new(),
            by_path: HashMap::new(),
            parsed: HashMap::new(),
            limits,
            max_bytes,
            overlay,
        }
    }

    /// Reads a file once; the error is for the user.
    pub fn read(&mut self, path: &Path) -> Result<FileId, String> {
        let path = super::normalize(path);
        if let Some(id) = self.by_path.get(&path) {
            return Ok(*id);
        }
        let input = load::InputPath {
            path: Some(path.clone()),
            explicit: false,
            context: false,
        };
        let bytes = match self.overlay.get(&path) {
            Some(text) => text.as_bytes().to_vec(),
            None => match load::read_bytes(&input, self.max_bytes) {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(message)) => return Err(message),
                Err(e) => return Err(e.to_string()),
            },
        };
        let text = load::decode(bytes).map_err(|e| e.message)?;
        let id = FileId(self.first + self.sources.len() as u32);
        self.sources.push(SourceFile::new(
            id,
            input.display(),
            Some(path.clone()),
            Arc::from(text),
            false,
        ));
        self.by_path.insert(path, id);
        Ok(id)
    }

    /// A file's text.
    pub fn text(&self, id: FileId) -> &str {
        self.sources
            .get(id.0.wrapping_sub(self.first) as usize)
            .map_or("", |s| &s.text)
    }

    /// A file's path.
    pub fn path(&self, id: FileId) -> Option<PathBuf> {
        self.sources
            .get(id.0.wrapping_sub(self.first) as usize)
            .and_then(|s| s.path.clone())
    }

    /// The documents of a file (a `List` gives its items), each as a mapped tree; empty
    /// documents are dropped. The error is a YAML problem, for the user.
    pub fn documents(&mut self, id: FileId) -> Result<Vec<MNode>, String> {
        if let Some(done) = self.parsed.get(&id) {
            return done.clone();
        }
        let text = self.text(id).to_owned();
        let stream = yaml::parse(&text, &self.limits);
        let result = match stream.problems.first() {
            Some(p) if p.kind != yaml::ProblemKind::DuplicateKey => Err(p.message.clone()),
            _ => {
                let mut out = Vec::new();
                for doc in &stream.documents {
                    if doc.value.is_null() {
                        continue;
                    }
                    let node = MNode::from_parsed(id, &doc.tree, &doc.value);
                    match list_items(&doc.value) {
                        Some(n) => {
                            if let Some(items) = node.get("items") {
                                if let super::node::MKind::Seq(items) = &items.kind {
                                    out.extend(items.iter().take(n).cloned());
                                }
                            }
                        }
                        None => out.push(node),
                    }
                }
                Ok(out)
            }
        };
        self.comments.push((id, stream.comments));
        self.parsed.insert(id, result.clone());
        result
    }
}

/// How many items a `kind: …List` document holds.
fn list_items(value: &Value) -> Option<usize> {
    let kind = value.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    Some(value.get("items")?.as_array()?.len())
}
