use crate::base::value::{Map, Value};

use crate::base::{At, Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::names;

declare_rule! {
    /// ## What it does
    /// Reports a label key or value that breaks the syntax or length rules, in
    /// `metadata.labels`, in pod template and volumeClaimTemplate labels, in
    /// `nodeSelector`, and in selectors: a Service's or ReplicationController's
    /// `spec.selector`, and the `matchLabels` and `matchExpressions` of label selectors
    /// (workloads, Jobs, PodDisruptionBudgets, PersistentVolumeClaims, NetworkPolicy
    /// `podSelector`). A `matchExpressions` entry also needs a valid operator (`In`,
    /// `NotIn`, `Exists`, `DoesNotExist`), values for `In`/`NotIn` and none for the others.
    ///
    /// - key: an optional prefix that is a DNS-1123 subdomain (≤ 253) and `/`, then a
    ///   name of 1 to 63 characters: letters, digits, `-`, `_`, `.`, starting and ending
    ///   with a letter or digit;
    /// - value: empty, or up to 63 characters of the same alphabet.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object: `metadata.labels: Invalid value: "release
    /// 2024": a valid label must be an empty string or consist of alphanumeric
    /// characters, '-', '_' or '.'`.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   labels:
    ///     app.kubernetes.io/name: web server
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   labels:
    ///     app.kubernetes.io/name: web-server
    /// ```
    ///
    /// ## References
    /// - Labels: syntax and character set: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
    /// - Label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
    pub static INVALID_LABEL = {
        id: "invalid-label",
        severity: Error,
        category: Schema,
        summary: "a label key or value, or a selector's, breaks the syntax or length rules",
        help: "use letters, digits, `-`, `_` and `.` (at most 63), with an optional `prefix/` in keys",
        scope: Object,
    }
}

/// Checks labels and selectors wherever they appear.
pub struct InvalidLabel;

impl Rule for InvalidLabel {
    fn meta(&self) -> &'static RuleMeta {
        &INVALID_LABEL
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let mut check = Checker { object, out };
        check.map(&Pointer::root().path("metadata/labels"), "label");
        if let Some(t) = PodTemplate::of(object) {
            check.map(&t.metadata_pointer().key("labels"), "pod template label");
            check.map(&t.spec.pointer.key("nodeSelector"), "nodeSelector");
        }
        let g = object.group.as_str();
        match (g, object.kind.as_str()) {
            ("", "Service" | "ReplicationController") => {
                check.map(&Pointer::root().path("spec/selector"), "selector");
            }
            ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
            | ("batch", "Job")
            | ("policy", "PodDisruptionBudget")
            | ("", "PersistentVolumeClaim") => {
                check.selector(&Pointer::root().path("spec/selector"));
            }
            ("batch", "CronJob") => {
                check.selector(&Pointer::root().path("spec/jobTemplate/spec/selector"))
            }
            ("networking.k8s.io", "NetworkPolicy") => {
                check.selector(&Pointer::root().path("spec/podSelector"));
            }
            _ => {}
        }
        if object.is("apps", "StatefulSet") {
            let templates = object
                .at("/spec/volumeClaimTemplates")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..templates {
                let base = Pointer::root().path("spec/volumeClaimTemplates").index(i);
                check.map(&base.path("metadata/labels"), "volumeClaimTemplate label");
                check.selector(&base.path("spec/selector"));
            }
        }
    }
}

struct Checker<'a, 'o> {
    object: &'o Object,
    out: &'a mut Vec<Diagnostic>,
}

impl<'o> Checker<'_, 'o> {
    /// A value of the object: borrowed from the object, not from the checker, so that
    /// findings can be pushed while it is read.
    fn get(&self, pointer: &Pointer) -> Option<&'o Value> {
        self.object.value.at(pointer.as_str())
    }

    fn report_operator(&mut self, pointer: Pointer, message: String) {
        self.out.push(
            INVALID_LABEL.at(self.object.id, pointer, message).with_help(
                "use In or NotIn with a non-empty `values`, Exists or DoesNotExist without `values`",
            ),
        );
    }

    fn report(&mut self, pointer: Pointer, message: String) {
        self.out
            .push(INVALID_LABEL.at(self.object.id, pointer, message));
    }

    /// A map of label keys to label values.
    fn map(&mut self, pointer: &Pointer, what: &str) {
        let Some(map) = self.get(pointer).and_then(Value::as_object) else {
            return;
        };
        self.entries(pointer, map, what);
    }

    fn entries(&mut self, pointer: &Pointer, map: &Map, what: &str) {
        // The pointer of an entry is built only for a finding: nearly every label is valid.
        for (key, value) in map {
            if let Err(why) = names::qualified_name(key) {
                // The key is what is wrong: underline it, not its value.
                self.out.push(
                    INVALID_LABEL
                        .at(self.object.id, pointer.key(key), format!("{what} key {key:?} {why}"))
                        .at_key(),
                );
            }
            if let Some(v) = value.as_str() {
                if let Err(why) = names::label_value(v) {
                    self.report(pointer.key(key), format!("{what} value {v:?} (key {key:?}) {why}"));
                }
            }
        }
    }

    /// A LabelSelector: matchLabels and matchExpressions.
    fn selector(&mut self, pointer: &Pointer) {
        let Some(sel) = self.get(pointer).and_then(Value::as_object) else {
            return;
        };
        if let Some(labels) = sel.get("matchLabels").and_then(Value::as_object) {
            self.entries(&pointer.key("matchLabels"), labels, "selector label");
        }
        let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) else {
            return;
        };
        for (i, e) in exprs.iter().enumerate() {
            let at = pointer.key("matchExpressions").index(i);
            let key = e.get("key").and_then(Value::as_str);
            if let Some(k) = key {
                if let Err(why) = names::qualified_name(k) {
                    self.report(at.key("key"), format!("selector key {k:?} {why}"));
                }
            }
            let values = e.get("values").and_then(Value::as_array);
            let count = values.map_or(0, Vec::len);
            match e.get("operator").and_then(Value::as_str) {
                Some("In" | "NotIn") if count == 0 => self.report_operator(
                    at.key("operator"),
                    "operator In and NotIn need at least one value in `values`".to_owned(),
                ),
                Some("Exists" | "DoesNotExist") if count > 0 => self.report_operator(
                    at.key("values"),
                    "operator Exists and DoesNotExist take no `values`".to_owned(),
                ),
                Some("In" | "NotIn" | "Exists" | "DoesNotExist") | None => {}
                Some(other) => self.report_operator(
                    at.key("operator"),
                    format!(
                        "{other:?} is not a selector operator (In, NotIn, Exists, DoesNotExist)"
                    ),
                ),
            }
            for (j, v) in values.into_iter().flatten().enumerate() {
                if let Some(v) = v.as_str() {
                    if let Err(why) = names::label_value(v) {
                        self.report(
                            at.key("values").index(j),
                            format!("selector value {v:?} {why}"),
                        );
                    }
                }
            }
        }
    }
}
