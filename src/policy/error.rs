//! `policy-error`: a Rhai policy that cannot be loaded or fails while it runs.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a Rhai policy that cannot do its job: the `.rhai` file does not compile,
    /// its declaration (`ID`, `SEVERITY`, `SUMMARY`, `KINDS`, `fn check(object, ctx)`) is
    /// missing or malformed, or `check` throws, calls a function that does not exist (such
    /// as an attempt to read a file), returns something that is not a list of findings, or
    /// exceeds the sandbox's limits (operations, call depth, string, array or map size).
    /// The diagnostic points into the `.rhai` file, at the line and column Rhai reports,
    /// and names the object being checked when the policy failed.
    ///
    /// A failing policy is reported once, for the first object (in input order) it fails
    /// on; its findings are dropped because they would be incomplete. Every other policy
    /// and rule still runs.
    ///
    /// ## Why is this bad?
    /// A policy that fails checks nothing: without this diagnostic a broken policy would
    /// look like a passing one.
    ///
    /// ## Example
    /// ```rhai
    /// const ID = "team-label";
    /// const SEVERITY = "warning";
    /// const SUMMARY = "every object has a team label";
    /// const KINDS = ["*"];
    ///
    /// fn check(object, ctx) {
    ///     // `labels` is () when the object has none: this throws on such objects.
    ///     if object.metadata.labels.team == () { return [#{ path: "/metadata", message: "no team" }]; }
    ///     []
    /// }
    /// ```
    ///
    /// Use instead: navigate optional fields with `?.` (`object.metadata?.labels?.team`).
    ///
    /// ## References
    /// docs/policies.md (the policy format, the context API and the sandbox's limits).
    pub static POLICY_ERROR = {
        id: "policy-error",
        severity: Error,
        category: Policy,
        summary: "a Rhai policy failed to compile, threw, or exceeded the sandbox's limits",
        help: "fix the policy at the reported line; `k8lint policy test DIR` runs its cases",
    }
}
