//! The rule registry: every rule's id, default severity, category and docs, next to the
//! code that checks it. One file per rule, grouped by category.

/// A category's rules, one line each in catalogue order: `module::Rule,` declares the
/// rule's file as a module and lists the rule in the category's `RULES`. Adding a rule
/// is its file, its `testdata/<rule-id>/` folder and this one line (`scripts/new-rule`
/// writes all three).
macro_rules! rules {
    ($(#[doc = $doc:literal])* $($module:ident::$rule:ident),+ $(,)?) => {
        $(mod $module;)+

        $(#[doc = $doc])*
        pub static RULES: &[&dyn $crate::rules::Rule] = &[$(&$module::$rule),+];
    };
}

pub mod cel;
pub mod hardening;
pub mod helm;
pub mod input;
pub mod kustomize;
pub mod probe;
pub mod rbac;
pub mod refs;
pub mod reliability;
pub mod schema;
pub mod secrets;
pub mod security;
pub mod service;
pub mod storage;
pub mod validation;
pub mod workload;

mod fixes;

use std::borrow::Cow;
use std::fmt;

use crate::base::{Diagnostic, Location, ObjectId, Pointer, RuleId, Severity};
use crate::edit::Change;
use crate::graph::Graph;
use crate::model::Object;
use crate::schema::SchemaSet;
use crate::versions::KubeVersion;

/// What part of a manifest a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Reading the files.
    Input,
    /// Schemas and API versions.
    Schema,
    /// Pod templates of every workload.
    Workload,
    /// Liveness, readiness and startup probes.
    Probe,
    /// Services, Endpoints, Ingress and their wiring.
    Service,
    /// ConfigMaps, Secrets and ServiceAccounts.
    Config,
    /// Claims, volumes and storage classes.
    Storage,
    /// Pod security, credentials and hardening.
    Security,
    /// Roles, bindings and what they grant.
    Rbac,
    /// Availability: disruption budgets, replicas, schedules, network policies.
    Reliability,
    /// Rhai policies.
    Policy,
}

impl Category {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Input => "input",
            Category::Schema => "schema",
            Category::Workload => "workload",
            Category::Probe => "probe",
            Category::Service => "service",
            Category::Config => "config",
            Category::Storage => "storage",
            Category::Security => "security",
            Category::Rbac => "rbac",
            Category::Reliability => "reliability",
            Category::Policy => "policy",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about a rule before it runs.
#[derive(Debug)]
pub struct RuleMeta {
    /// The id users name in configs and suppressions (a contract).
    pub id: &'static str,
    /// Default severity; `None` is off unless enabled.
    pub severity: Option<Severity>,
    /// Category.
    pub category: Category,
    /// One line.
    pub summary: &'static str,
    /// The remediation shown as `help:`.
    pub help: &'static str,
    /// The full documentation (markdown), from the rule's doc comment.
    pub docs: &'static str,
    /// What the rule's `check_object` reads besides its object.
    pub scope: Scope,
}

/// What a rule's per-object check reads, which decides whether its findings on an object
/// can be kept from an earlier run while the object is unchanged.
///
/// `Object`: only the object itself (its value and span tree, through `cx.graph.object`
/// and `cx.graph.node_at` of that object), its file's text, the config, the target
/// version, the schemas and the Pod Security settings. Its findings depend on nothing
/// else, so they can be cached per object (the `check-scope` test runs every such rule
/// on a graph holding its object alone and compares the findings).
///
/// `Namespace`: as `Object`, and the Namespace object its namespace names (Pod Security
/// labels); kept while both are unchanged.
///
/// `Graph`: may look up other objects (references, selectors, duplicates, units). Its
/// `check_object` runs on every object of every run. Whole-graph checks
/// (`check_graph`) always run, whatever the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Reads only its object, file, config, version and schemas.
    Object,
    /// Reads its object and the Namespace object that [`Graph::namespace_of`] finds for
    /// it (its labels), besides what `Object` may read: its findings can be kept while
    /// the object and that Namespace are unchanged.
    ///
    /// [`Graph::namespace_of`]: crate::graph::Graph::namespace_of
    Namespace,
    /// May read any object of the graph.
    Graph,
}

impl RuleMeta {
    /// A finding of this rule at a location, with its default severity and help.
    pub fn diagnostic(&self, location: Location, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::new(
            RuleId(Cow::Borrowed(self.id)),
            self.severity.unwrap_or(Severity::Info),
            location,
            message,
        );
        if !self.help.is_empty() {
            d.help = Some(Cow::Borrowed(self.help));
        }
        d
    }

    /// A finding of this rule at a node of an object.
    pub fn at(&self, object: ObjectId, pointer: Pointer, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Location::Object { object, pointer }, message)
    }

    /// The docs without the one leading space that `///` leaves on every line.
    pub fn docs_text(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// What a rule sees while it checks: the run's graph, target version and schemas, each
/// prepared once.
pub struct Context<'a> {
    /// The whole graph (input and context objects).
    pub graph: &'a Graph,
    /// The target Kubernetes version.
    pub version: KubeVersion,
    /// The schemas of the run: the target version's built-in schemas and those of the
    /// CRDs, prepared for the checked objects.
    pub schemas: &'a SchemaSet<'a>,
    /// The Pod Security level enforced where no namespace label says otherwise.
    pub pod_security: &'a crate::semantics::pod_security::Settings,
    /// The Pod Security verdict on each object, evaluated once and shared by the
    /// `pod-security` rule and the precedence step.
    pub pod_verdicts: &'a crate::semantics::pod_security::Verdicts<'a>,
    /// The PVC → PV binding simulation over the whole graph, run by the first storage rule
    /// that asks ([`Context::binding`]) and shared by the others.
    pub binding: std::sync::OnceLock<crate::semantics::storage::binder::Binding<'a>>,
}

impl<'a> Context<'a> {
    /// The binding simulation of the run's claims and volumes.
    pub fn binding(&self) -> &crate::semantics::storage::binder::Binding<'a> {
        self.binding
            .get_or_init(|| crate::semantics::storage::binder::bind(self.graph))
    }
}

/// A rule: metadata plus the checks it needs. Rules that earlier stages report (syntax,
/// duplicate keys) implement neither hook.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Called for every checked object, in parallel.
    fn check_object(&self, _cx: &Context<'_>, _object: &Object, _out: &mut Vec<Diagnostic>) {}

    /// Called once per run with the whole graph.
    fn check_graph(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    /// Called once per run with every finding of every rule, before severities and
    /// suppressions: for a rule whose per-object findings are not independent of each
    /// other (a policy reports only its first failure, and then no finding).
    fn settle(&self, _found: &mut Vec<Diagnostic>) {}

    /// The fix for one of this rule's findings, when the change is mechanical.
    fn fix(&self, _cx: &FixContext<'_>, _finding: &Diagnostic) -> Option<Fix> {
        None
    }
}

/// What a rule sees when it offers a fix: the graph the finding was made on and the
/// target version.
pub struct FixContext<'a> {
    /// The graph of the run.
    pub graph: &'a Graph,
    /// The target Kubernetes version.
    pub version: KubeVersion,
}

/// Whether a fix is applied by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Safety {
    /// Keeps what the object means: applied by `fix`.
    Safe,
    /// Changes what the object does (a pod loses a capability, a selector starts to
    /// match): applied only with `--unsafe-fixes`.
    Unsafe,
}

/// A mechanical change that resolves a finding, said as changes to one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// What it does, for users (`quote the value`, `move to networking.k8s.io/v1`).
    pub title: String,
    /// Whether it is applied by default.
    pub safety: Safety,
    /// The object it changes.
    pub object: ObjectId,
    /// The changes.
    pub changes: Vec<Change>,
}

/// The fix that the rule `id` (a built-in rule or a default policy) offers for a finding.
pub fn fix_for(cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
    let id = finding.rule.as_str();
    match find(id) {
        Some(rule) => rule.fix(cx, finding),
        None => fixes::for_policy(cx, id, finding),
    }
}

/// Declares a rule's metadata; its doc comment becomes `k8lint explain` text.
#[macro_export]
macro_rules! declare_rule {
    (@sev Off) => { None };
    (@sev $sev:ident) => { Some($crate::base::Severity::$sev) };
    // Without a scope a rule may read the whole graph: the safe default.
    (@scope) => { $crate::rules::Scope::Graph };
    (@scope $scope:ident) => { $crate::rules::Scope::$scope };
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            id: $id:literal,
            severity: $sev:ident,
            category: $cat:ident,
            summary: $summary:literal,
            help: $help:literal
            $(, scope: $scope:ident)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            id: $id,
            severity: $crate::declare_rule!(@sev $sev),
            category: $crate::rules::Category::$cat,
            summary: $summary,
            help: $help,
            docs: concat!($($doc, "\n"),*),
            scope: $crate::declare_rule!(@scope $($scope)?),
        };
    };
}

/// Every built-in rule, in catalogue order.
pub fn builtin() -> Vec<&'static dyn Rule> {
    let mut all: Vec<&'static dyn Rule> = Vec::new();
    all.extend_from_slice(input::RULES);
    all.extend_from_slice(kustomize::RULES);
    all.extend_from_slice(helm::RULES);
    all.extend_from_slice(schema::RULES);
    all.extend_from_slice(cel::RULES);
    all.extend_from_slice(workload::RULES);
    all.extend_from_slice(probe::RULES);
    all.extend_from_slice(service::RULES);
    all.extend_from_slice(refs::RULES);
    all.extend_from_slice(storage::RULES);
    all.extend_from_slice(validation::RULES);
    all.extend_from_slice(security::RULES);
    all.extend_from_slice(secrets::RULES);
    all.extend_from_slice(rbac::RULES);
    all.extend_from_slice(reliability::RULES);
    all.extend_from_slice(hardening::RULES);
    all
}

/// A built-in rule by id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    builtin().into_iter().find(|r| r.meta().id == id)
}
