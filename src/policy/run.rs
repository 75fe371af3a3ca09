//! Running policies as rules: each policy is one [`Rule`] whose `check_graph` calls the
//! policy's `check(object, ctx)` for every checked object of its kinds, in parallel, and
//! turns what it returns into diagnostics. A failure (a throw, a missing function, the
//! sandbox's limits, a malformed result) becomes one `policy-error` diagnostic in the
//! `.rhai` file, for the first failing object in input order.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use rhai::{Array, CallFnOptions, Dynamic, EvalAltResult, Map, Position, Scope};

use super::api::Ctx;
use super::error::POLICY_ERROR;
use super::load::{Broken, Policy};
use super::sandbox::{engine, limits};
use super::value::RunState;
use crate::base::{Diagnostic, FileId, Location, Pointer};
use crate::deadline;
use crate::escape;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta, Scope as RuleScope};

/// A policy bound to one run: its compiled script, the run's graph, and the file id its
/// source was registered under.
pub struct PolicyRule {
    /// The policy.
    pub policy: Arc<Policy>,
    run: Arc<RunState>,
    file: FileId,
}

/// Why a call did not yield findings.
struct Failure {
    message: String,
    position: Position,
}

impl PolicyRule {
    /// Binds a policy to a run.
    pub fn new(policy: Arc<Policy>, run: Arc<RunState>, file: FileId) -> PolicyRule {
        PolicyRule { policy, run, file }
    }

    fn call(&self, object: &Object) -> Result<Vec<Diagnostic>, Failure> {
        if let Some(native) = self.policy.native {
            return Ok(native(object)
                .into_iter()
                .map(|f| self.diagnostic(object, f.pointer, &f.message))
                .collect());
        }
        let options = CallFnOptions::new().eval_ast(false);
        let object_arg = if self.policy.reads_object {
            self.run.value(object.id)
        } else {
            self.run.stand_in(object.id)
        };
        let ctx = Ctx(
            Arc::clone(&self.run),
            object.id,
            Arc::clone(&self.policy.views),
        );
        let args = (object_arg, ctx);
        let _clock = deadline::Call::start();
        let result = engine()
            .call_fn_with_options::<Dynamic>(
                options,
                &mut Scope::new(),
                &self.policy.ast,
                "check",
                args,
            )
            .map_err(|e| failure(&e))?;
        self.findings(object, result)
    }

    /// What `check` returned: `()` or a list of findings (a single finding map is also
    /// accepted).
    fn findings(&self, object: &Object, result: Dynamic) -> Result<Vec<Diagnostic>, Failure> {
        if result.is_unit() {
            return Ok(Vec::new());
        }
        let items: Array = if result.is_map() {
            vec![result]
        } else {
            result
                .try_cast::<Array>()
                .ok_or_else(|| returned("`check` must return a list of findings (maps), or ()"))?
        };
        items
            .into_iter()
            .filter(|f| !f.is_unit())
            .map(|f| self.finding(object, f))
            .collect()
    }

    fn finding(&self, object: &Object, finding: Dynamic) -> Result<Diagnostic, Failure> {
        let map = finding.try_cast::<Map>().ok_or_else(|| {
            returned("a finding must be a map: #{ path: \"/spec\", message: \"...\" }")
        })?;
        for key in map.keys() {
            if !matches!(key.as_str(), "path" | "message" | "help" | "related") {
                return Err(returned(&format!(
                    "a finding has an unknown key `{key}` (known: path, message, help, related)"
                )));
            }
        }
        let pointer = pointer_field(&map)?;
        let message = string_field(&map, "message")?
            .ok_or_else(|| returned("a finding needs a `message`"))?;
        let mut d = self.diagnostic(object, pointer, &message);
        if let Some(help) = string_field(&map, "help")? {
            d = d.with_help(escape::line(&help).into_owned());
        }
        if let Some(related) = map.get("related").filter(|r| !r.is_unit()) {
            let related = related
                .clone()
                .try_cast::<Array>()
                .ok_or_else(|| returned("`related` must be a list of maps"))?;
            for r in related {
                let r = r
                    .try_cast::<Map>()
                    .ok_or_else(|| returned("`related` must be a list of maps"))?;
                let other = match r.get("object") {
                    None => object,
                    Some(o) => self.run.object_of(o).ok_or_else(|| {
                        returned("a related `object` must be an object the context returned")
                    })?,
                };
                let message = string_field(&r, "message")?.unwrap_or_default();
                let message = escape::line(&message).into_owned();
                d = d.with_related(other.id, pointer_field(&r)?, message);
            }
        }
        Ok(d)
    }

    /// A finding at `pointer` in `object`. A policy's text carries object fields: escaped
    /// here, so that every format prints it as one line whatever the object holds.
    fn diagnostic(&self, object: &Object, pointer: Pointer, message: &str) -> Diagnostic {
        let message = escape::line(message).into_owned();
        self.policy.meta.at(object.id, pointer, message)
    }

    fn failure_diagnostic(&self, object: &Object, f: &Failure) -> Diagnostic {
        let span = if f.position.is_none() {
            self.policy.source.span_of("fn check")
        } else {
            self.policy.source.span_at(f.position)
        };
        POLICY_ERROR
            .diagnostic(
                Location::File {
                    file: self.file,
                    span,
                },
                format!(
                    "policy `{}` failed on {}: {}",
                    self.policy.meta.id,
                    object.display_name(),
                    f.message
                ),
            )
            .with_related(
                object.id,
                Pointer::root().path("metadata/name"),
                "the object being checked",
            )
    }
}

impl Rule for PolicyRule {
    fn meta(&self) -> &'static RuleMeta {
        self.policy.meta
    }

    /// A policy that reads only its object runs per object (its findings are cached like
    /// a built-in rule's); a failure is said here and settled in [`Rule::settle`].
    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if self.policy.meta.scope != RuleScope::Object || !self.policy.applies_to(object) {
            return;
        }
        match self.call(object) {
            Ok(found) => out.extend(found),
            Err(f) => out.push(self.failure_diagnostic(object, &f)),
        }
    }

    /// One failure is reported, the first in input order, and no finding of the policy:
    /// what [`Rule::check_graph`] reports for a policy that looks up other objects.
    fn settle(&self, found: &mut Vec<Diagnostic>) {
        if self.policy.meta.scope != RuleScope::Object {
            return;
        }
        let is_failure = |d: &Diagnostic| {
            d.rule.as_str() == POLICY_ERROR.id
                && matches!(d.location, Location::File { file, .. } if file == self.file)
        };
        let failed_on = |d: &Diagnostic| match d.related.first().map(|r| &r.location) {
            Some(Location::Object { object, .. }) => object.0,
            _ => u32::MAX,
        };
        let Some(first) = found
            .iter()
            .filter(|d| is_failure(d))
            .min_by_key(|d| failed_on(d))
            .cloned()
        else {
            return;
        };
        found.retain(|d| !is_failure(d) && d.rule.as_str() != self.policy.meta.id);
        found.push(first);
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if self.policy.meta.scope == RuleScope::Object {
            return;
        }
        let objects: Vec<&Object> = cx
            .graph
            .checked()
            .filter(|o| self.policy.applies_to(o))
            .collect();
        // Once an object fails, objects after it are skipped, but every earlier one still
        // runs: the failure reported is always the first in input order, whatever the
        // threads did.
        let first_failure = AtomicU32::new(u32::MAX);
        let results: Vec<(&Object, Result<Vec<Diagnostic>, Failure>)> = objects
            .par_iter()
            .filter(|o| o.id.0 < first_failure.load(Ordering::Relaxed))
            .map(|o| {
                let r = self.call(o);
                if r.is_err() {
                    first_failure.fetch_min(o.id.0, Ordering::Relaxed);
                }
                (*o, r)
            })
            .collect();
        let failed = results
            .iter()
            .filter_map(|(o, r)| r.as_ref().err().map(|f| (*o, f)))
            .min_by_key(|(o, _)| o.id);
        match failed {
            Some((o, f)) => out.push(self.failure_diagnostic(o, f)),
            None => out.extend(results.into_iter().flat_map(|(_, r)| r.unwrap_or_default())),
        }
    }
}

/// The policies that could not be loaded, reported under `policy-error`.
pub struct BrokenPolicies {
    broken: Vec<(Broken, FileId)>,
}

impl BrokenPolicies {
    /// The broken policies of a run, with the file ids of their sources.
    pub fn new(broken: Vec<(Broken, FileId)>) -> BrokenPolicies {
        BrokenPolicies { broken }
    }
}

impl Rule for BrokenPolicies {
    fn meta(&self) -> &'static RuleMeta {
        &POLICY_ERROR
    }

    fn check_graph(&self, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (b, file) in &self.broken {
            out.push(POLICY_ERROR.diagnostic(
                Location::File {
                    file: *file,
                    span: b.span,
                },
                b.message.clone(),
            ));
        }
    }
}

fn returned(message: &str) -> Failure {
    Failure {
        message: message.to_owned(),
        position: Position::NONE,
    }
}

/// The innermost error (a throw inside a helper function is reported where it happened).
fn failure(e: &EvalAltResult) -> Failure {
    let inner = e.unwrap_inner();
    let position = inner.position();
    // Rhai appends the position to its messages; the diagnostic's location shows it.
    let text = inner.to_string();
    let plain = match text.rfind(" (line ") {
        Some(at) if text.ends_with(')') => text[..at].to_owned(),
        _ => text,
    };
    let message = match inner {
        e if deadline::is_deadline(e) => {
            format!("{}: an endless loop?", deadline::exceeded_message())
        }
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "it ran out of operations (the limit is {} per object): an endless loop?",
            limits::OPERATIONS
        ),
        EvalAltResult::ErrorStackOverflow(_) => format!(
            "it nested calls deeper than {} levels: unbounded recursion?",
            limits::CALL_LEVELS
        ),
        EvalAltResult::ErrorFunctionNotFound(..) => format!(
            "{plain} (policies see only the object, the context and Rhai's standard \
             functions: no files, network, processes or environment)"
        ),
        _ => plain.to_string(),
    };
    Failure { message, position }
}

fn string_field(map: &Map, key: &str) -> Result<Option<String>, Failure> {
    match map.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) if v.is_string() => Ok(Some(v.to_string())),
        Some(_) => Err(returned(&format!("a finding's `{key}` must be a string"))),
    }
}

fn pointer_field(map: &Map) -> Result<Pointer, Failure> {
    let path = string_field(map, "path")?.unwrap_or_default();
    Pointer::parse(&path).ok_or_else(|| {
        returned(&format!(
            "`path` \"{path}\" is not a JSON pointer (write \"/spec/replicas\", or \"\" for the object)"
        ))
    })
}
