use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::validation::{self, Version};

declare_rule! {
    /// ## What it does
    /// Applies the validation that the API server performs in code, beyond what the
    /// OpenAPI schema of the kind says (which the `schema` rule checks), to every built-in
    /// kind that a static check can decide. Among others:
    ///
    /// - **Pod specs** (a Pod and every workload's template; init and ephemeral containers
    ///   included): container and volume names are DNS-1123 labels (`my_app` is
    ///   rejected); port names are IANA service names (at most 15 characters of
    ///   `a-z`, `0-9` and `-`, with a letter, no `--`); port numbers 1–65535; a hostPort
    ///   equals its containerPort under `hostNetwork`; requests at most the limits (equal
    ///   for extended resources such as `nvidia.com/gpu`), resource names a container may
    ///   use; env var names (strict before 1.32, any printable ASCII but `=` from 1.32,
    ///   when the RelaxedEnvironmentVariableValidation gate became on by default); one
    ///   source per volume; relative `subPath` without `..`; `topologySpreadConstraints`
    ///   with `maxSkew` and `minDomains` above 0 and `minDomains` only with
    ///   `DoNotSchedule`; `dnsPolicy: None` with a `dnsConfig`; no ephemeral containers
    ///   in a template.
    /// - **Deployment / DaemonSet / StatefulSet / ReplicaSet**: counts ≥ 0,
    ///   `maxUnavailable` and `maxSurge` not both 0 (defaults applied: 25 % each for a
    ///   Deployment, 1 and 0 for a DaemonSet, where exactly one must be non-zero),
    ///   `progressDeadlineSeconds` above `minReadySeconds`, no `rollingUpdate` with the
    ///   Recreate/OnDelete strategies.
    /// - **Job / CronJob**: counts ≥ 0, an Indexed Job sets `completions`.
    /// - **Service**: ports unless headless or ExternalName, port names and numbers,
    ///   `nodePort` not on a ClusterIP Service, `clusterIP: None` not on NodePort or
    ///   LoadBalancer, ExternalName rules, fields only LoadBalancer or externally reachable
    ///   Services may set, `sessionAffinityConfig`.
    /// - **Ingress** (networking.k8s.io/v1): Exact and Prefix paths are absolute and
    ///   normalized, hosts are DNS names, backends name a service or a resource and one
    ///   port. **NetworkPolicy**: ports and `endPort`, peers, ipBlock CIDRs.
    /// - **PodDisruptionBudget**: not both `minAvailable` and `maxUnavailable`, percents
    ///   up to 100 %. **HPA**: replicas bounds, metric sources. **PriorityClass**: user
    ///   classes at most 10⁹.
    /// - **PersistentVolumeClaim / PersistentVolume**: access modes, storage request or
    ///   capacity, one volume source. **Secret**: the keys its `type` needs
    ///   (`tls.crt`/`tls.key`, `.dockerconfigjson` holding JSON, …).
    ///   **ResourceQuota / LimitRange**: quantities and their order.
    /// - **RBAC**: rules with verbs, no `nonResourceURLs` in a Role, role references
    ///   and subjects of bindings.
    ///
    /// Each finding is at the field and says what the server would say
    /// (`spec.template.spec.containers[0].ports[0].name: Invalid value:
    /// "my-very-long-port-name": must be no more than 15 characters`). A value of the
    /// wrong type or outside an enum is left to `schema`; names and labels in
    /// `metadata` to `invalid-name` and `invalid-label`. `docs/api-validation.md` lists
    /// every validation per kind and which ones k8lint performs.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails: the API server rejects the whole object, often only in the
    /// pipeline stage that reaches a cluster, after every offline check said yes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   strategy:
    ///     rollingUpdate: {maxUnavailable: 0, maxSurge: 0}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       containers:
    ///         - name: web_server
    ///           image: "web:1.0"
    ///           ports: [{name: metrics-endpoint, containerPort: 9090}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
    ///   ...
    ///         - name: web-server
    ///           ports: [{name: metrics, containerPort: 9090}]
    /// ```
    ///
    /// ## References
    /// - Object names and IDs: <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>
    /// - Container ports (`ContainerPort`): <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports>
    /// - Deployment rolling update: <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment>
    /// - Pod topology spread constraints: <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
    /// - Resource requests and limits: <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    /// - Service: <https://kubernetes.io/docs/concepts/services-networking/service/>
    /// - Ingress path types: <https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types>
    /// - Secret types: <https://kubernetes.io/docs/concepts/configuration/secret/#secret-types>
    pub static API_VALIDATION = {
        id: "api-validation",
        severity: Error,
        category: Schema,
        summary: "the API server's validation rejects a field",
        help: "change the field as the message says; the API server rejects the object as written",
        scope: Object,
    }
}

/// Runs the semantics layer's validation on every checked object.
pub struct ApiValidation;

impl Rule for ApiValidation {
    fn meta(&self) -> &'static RuleMeta {
        &API_VALIDATION
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let version = Version::parse(cx.version.as_str());
        for e in validation::validate(object, version) {
            out.push(API_VALIDATION.at(object.id, e.pointer.clone(), e.message()));
        }
    }
}
