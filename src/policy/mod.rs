//! Rhai policies: short scripts that check an object and can query the whole graph
//! (docs/policies.md). [`load`] compiles them once, [`sandbox`] bounds what they can do,
//! [`api`] is the context they query, and [`run`] plugs them into the check stage as
//! rules. Their own cases run through `k8lint policy test` (`app::policy_test`).

pub mod api;
pub mod error;
pub mod load;
pub mod native;
pub mod object_use;
pub mod run;
pub mod sandbox;
pub mod value;
pub mod view_use;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub use error::POLICY_ERROR;
pub use load::{Broken, Policy, PolicySource};

use crate::base::FileId;
use crate::compile::Compiled;
use crate::load::SourceFile;
use crate::rules::{self, Rule, RuleMeta};
use run::{BrokenPolicies, PolicyRule};
use value::RunState;

/// The policies of a run: the defaults, then users' directories in order.
#[derive(Clone, Default)]
pub struct PolicySet {
    /// The policies that compiled.
    pub policies: Vec<Arc<Policy>>,
    /// The files that could not be used.
    pub broken: Vec<Broken>,
}

impl PolicySet {
    /// The default policies, compiled once per process.
    pub fn defaults() -> &'static PolicySet {
        static DEFAULTS: OnceLock<PolicySet> = OnceLock::new();
        DEFAULTS.get_or_init(|| {
            let mut set = PolicySet::default();
            for (name, text) in load::DEFAULTS {
                // Each embedded policy runs compiled ([`native`]); its text is what users
                // read and test, and what the compiled form is held equal to.
                let policy = load::compile(PolicySource {
                    name: format!("{}{name}", load::DEFAULTS_PREFIX),
                    path: None,
                    text: Arc::from(*text),
                })
                .map(|mut p| {
                    p.native = native::of(p.meta.id);
                    p
                });
                set.add(policy);
            }
            set
        })
    }

    /// The defaults plus the `.rhai` files of each directory. An unreadable directory, or
    /// a policy whose id is already taken (by a built-in rule or an earlier policy), is
    /// an error that ends the run.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<PolicySet, String> {
        let mut set = PolicySet::defaults().clone();
        for dir in dirs {
            for path in load::files_in(dir)? {
                set.add(load::compile(load::read(&path)?));
            }
        }
        set.check_ids()?;
        Ok(set)
    }

    /// Only the `.rhai` files of the given paths (files or directories), without the
    /// defaults: what `k8lint policy test` runs.
    pub fn only(files: &[PathBuf]) -> Result<PolicySet, String> {
        let mut set = PolicySet::default();
        for path in files {
            set.add(load::compile(load::read(path)?));
        }
        set.check_ids()?;
        Ok(set)
    }

    fn add(&mut self, compiled: Result<Policy, Broken>) {
        match compiled {
            Ok(p) => self.policies.push(Arc::new(p)),
            Err(b) => self.broken.push(b),
        }
    }

    fn check_ids(&self) -> Result<(), String> {
        let mut taken: HashSet<&str> = rules::builtin().iter().map(|r| r.meta().id).collect();
        taken.insert(POLICY_ERROR.id);
        for p in &self.policies {
            let id = p.meta.id;
            if rules::find(id).is_some() || id == POLICY_ERROR.id {
                return Err(format!(
                    "{}: policy id `{id}` is the id of a built-in rule; choose another",
                    p.source.name
                ));
            }
            if !taken.insert(id) {
                let first = self
                    .policies
                    .iter()
                    .find(|q| q.meta.id == id)
                    .map_or("", |q| q.source.name.as_str());
                return Err(format!(
                    "{}: policy id `{id}` is already declared by {first}; policy ids must be unique",
                    p.source.name
                ));
            }
        }
        Ok(())
    }

    /// Metadata of `policy-error` and of every policy, for rule selection and listings.
    pub fn metas(&self) -> Vec<&'static RuleMeta> {
        std::iter::once(&POLICY_ERROR)
            .chain(self.policies.iter().map(|p| p.meta))
            .collect()
    }

    /// Registers every policy's source as a file of the run (so that `policy-error`
    /// locations resolve like any other) and binds the policies to the compiled input.
    pub fn attach(&self, mut compiled: Compiled) -> (Arc<Compiled>, Vec<Box<dyn Rule>>) {
        let mut register = |source: &PolicySource| {
            let id = FileId(u32::try_from(compiled.graph.files.len()).unwrap_or(u32::MAX));
            compiled.graph.files.push(SourceFile::new(
                id,
                source.name.clone(),
                source.path.clone(),
                Arc::clone(&source.text),
                false,
            ));
            id
        };
        let policy_files: Vec<FileId> = self.policies.iter().map(|p| register(&p.source)).collect();
        let broken: Vec<(Broken, FileId)> = self
            .broken
            .iter()
            .map(|b| (b.clone(), register(&b.source)))
            .collect();
        let compiled = Arc::new(compiled);
        let run = Arc::new(RunState::new(Arc::clone(&compiled)));
        let mut out: Vec<Box<dyn Rule>> = vec![Box::new(BrokenPolicies::new(broken))];
        for (p, file) in self.policies.iter().zip(policy_files) {
            out.push(Box::new(PolicyRule::new(
                Arc::clone(p),
                Arc::clone(&run),
                file,
            )));
        }
        (compiled, out)
    }
}

/// The metadata of a default policy or `policy-error`, by id.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    PolicySet::defaults()
        .metas()
        .into_iter()
        .find(|m| m.id == id)
}
