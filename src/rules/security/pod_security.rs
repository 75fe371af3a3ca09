use crate::base::value::Value;

use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Fix, FixContext, Rule, RuleMeta};
use crate::semantics::pod_security::{self, LABEL_PREFIX, Mode, NamespacePolicy};

declare_rule! {
    /// ## What it does
    /// Evaluates every Pod and the pod template of every workload (Deployment,
    /// StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob,
    /// PodTemplate) against the Pod Security Standards, control by control, as the
    /// Kubernetes PodSecurity admission plugin does at the policy version that applies:
    ///
    /// - **baseline**: host processes (Windows), host namespaces, privileged containers,
    ///   capabilities beyond the runtime's defaults, hostPath volumes, host ports, probe
    ///   and lifecycle hosts (from v1.34), AppArmor (annotations and fields), SELinux
    ///   type/user/role (`container_engine_t` allowed from v1.31), `/proc` mount (any
    ///   value in a `hostUsers: false` pod from v1.35), seccomp `Unconfined` (the alpha
    ///   annotations before v1.19, the fields after), sysctls (the allowed set grew in
    ///   v1.27, v1.29, v1.32 and v1.37);
    /// - **restricted**, in addition: volume types, privilege escalation (from v1.8;
    ///   Windows pods exempt from v1.25), running as non-root, `runAsUser: 0` (from
    ///   v1.23; both relaxed for `hostUsers: false` from v1.35), seccomp
    ///   RuntimeDefault/Localhost required (from v1.19), capabilities drop `ALL` and add
    ///   only `NET_BIND_SERVICE` (from v1.22), `/proc` mount `Default` (from v1.35).
    ///
    /// Init, regular and ephemeral containers are all checked. One finding per violated
    /// control, at the first offending field (the others are related locations), worded
    /// as the plugin words it: `violates PodSecurity "restricted:latest":
    /// allowPrivilegeEscalation != false (container "app" must set
    /// securityContext.allowPrivilegeEscalation=false)`.
    ///
    /// Which level applies: the object's Namespace, when it is in the inputs or in
    /// `--context`, and carries `pod-security.kubernetes.io/enforce` (and
    /// `enforce-version`): its violations are errors; `warn` labels give warnings and
    /// `audit` labels infos (a control already reported by a stronger mode is not
    /// repeated). Elsewhere the level of `--pod-security LEVEL[:VERSION]` or
    /// `pod-security:` in `.k8lint.yaml` is enforced; the default is `baseline` at the
    /// target `--kubernetes-version` (`latest`). `privileged` turns the rule off. A policy
    /// version after the target Kubernetes version is evaluated as the target. Label
    /// values the plugin cannot read are reported on the Namespace and read as it reads
    /// them (enforce: restricted; warn and audit: privileged; version: latest).
    /// Exemptions (`pod-security.exemptions.namespaces` and `.runtimeClasses` in the
    /// config) skip pods as the plugin's exemptions do.
    ///
    /// The plugin rejects a Pod at admission; a workload itself is admitted (with a
    /// warning) but the Pods its controller creates are rejected, so it never runs.
    ///
    /// ## Why is this bad?
    /// In a cluster that enforces the level, the API server refuses the pod: the rollout
    /// hangs with no pods. Where nothing enforces it, each of these settings gives a
    /// compromised container a way onto the node (baseline) or skips well-known
    /// hardening (restricted).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     seccompProfile: {type: RuntimeDefault}
    ///   containers:
    ///     - name: web
    ///       image: nginxinc/nginx-unprivileged:1.27
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    ///         capabilities: {drop: ["ALL"]}
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards: https://kubernetes.io/docs/concepts/security/pod-security-standards/
    /// - Pod Security Admission: https://kubernetes.io/docs/concepts/security/pod-security-admission/
    /// - Enforce Pod Security Standards with namespace labels: https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/
    pub static POD_SECURITY = {
        id: "pod-security",
        severity: Error,
        category: Security,
        summary: "a pod template violates the Pod Security Standards level that applies to it",
        help: "change the field as the message says (see `k8lint explain pod-security`), or exempt the workload's namespace",
        scope: Namespace,
    }
}

/// Evaluates pod templates against the Pod Security Standards.
pub struct PodSecurity;

/// The severity of each mode's findings.
fn severity(mode: Mode) -> Severity {
    match mode {
        Mode::Enforce => Severity::Error,
        Mode::Warn => Severity::Warning,
        Mode::Audit => Severity::Info,
    }
}

impl PodSecurity {
    /// Labels of a Namespace that the plugin cannot read.
    fn check_namespace(object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(labels) = object.labels() else {
            return;
        };
        if !labels.keys().any(|k| k.starts_with(LABEL_PREFIX)) {
            return;
        }
        let policy =
            NamespacePolicy::from_labels(Some(labels), pod_security::Settings::default().default);
        for (label, message) in policy.invalid {
            let value = labels
                .get(&label)
                .and_then(Value::as_str)
                .unwrap_or_default();
            out.push(POD_SECURITY.at(object.id,
                Pointer::root().path("metadata/labels").key(&label),
                format!("label {label}: invalid value {value:?}: {message}; the PodSecurity admission plugin rejects the Namespace"),
            ).with_help("use privileged, baseline or restricted for a level, and latest or v1.N for a version"));
        }
    }
}

impl Rule for PodSecurity {
    fn meta(&self) -> &'static RuleMeta {
        &POD_SECURITY
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if object.is("", "Namespace") {
            Self::check_namespace(object, out);
            return;
        }
        for f in cx.pod_verdicts.evaluate(object) {
            let mut fields = f.violation.fields.iter();
            let Some(first) = fields.next() else {
                continue;
            };
            let message = format!(
                "violates PodSecurity \"{}\": {}",
                f.applied.level,
                f.violation.text()
            );
            let mut d = POD_SECURITY
                .at(object.id, first.clone(), message)
                .with_severity(severity(f.applied.mode));
            for field in fields {
                d = d.with_related(
                    object.id,
                    field.clone(),
                    format!("also violates {}", f.violation.control),
                );
            }
            if let (Some(ns), Some(label)) = (f.namespace, &f.applied.label) {
                d = d.with_related(
                    ns,
                    Pointer::root().path("metadata/labels").key(label),
                    format!(
                        "namespace {} sets the {} level here",
                        object.namespace.as_deref().unwrap_or_default(),
                        f.applied.mode.as_str()
                    ),
                );
            }
            out.push(d);
        }
    }

    /// The restricted level's `allowPrivilegeEscalation` and `capabilities.drop` controls
    /// have one mechanical answer each, on the container the finding points at.
    fn fix(&self, cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
        let (_, pointer) = crate::rules::fixes::object_location(finding)?;
        if finding.message.contains("allowPrivilegeEscalation") {
            return crate::rules::fixes::no_privilege_escalation(finding);
        }
        if finding.message.contains("capabilities.drop")
            && !pointer.as_str().contains("/capabilities/add")
        {
            return crate::rules::fixes::drop_all_capabilities(cx, finding);
        }
        None
    }
}
