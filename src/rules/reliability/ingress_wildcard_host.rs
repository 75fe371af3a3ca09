use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an Ingress rule whose `host` is `*` or a wildcard over a top-level domain
    /// (`*.com`), which catches requests for every name. A wildcard under a domain you
    /// own (`*.example.com`) is not reported.
    ///
    /// ## Why is this bad?
    /// The rule takes traffic meant for other Ingresses and other tenants of the
    /// controller, and any name an attacker points at the load balancer reaches the
    /// backend.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - host: "*"
    ///     http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
    /// ```
    ///
    /// Use instead: `host: shop.example.com`, or `*.shop.example.com`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards>
    pub static INGRESS_WILDCARD_HOST = {
        id: "ingress-wildcard-host",
        severity: Warning,
        category: Reliability,
        summary: "an Ingress rule's host is a wildcard that catches every name",
        help: "name the host, or a wildcard under a domain you own",
        scope: Object,
    }
}

/// Checks Ingress rule hosts.
pub struct IngressWildcardHost;

impl Rule for IngressWildcardHost {
    fn meta(&self) -> &'static RuleMeta {
        &INGRESS_WILDCARD_HOST
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if object.kind != "Ingress"
            || !matches!(object.group.as_str(), "networking.k8s.io" | "extensions")
        {
            return;
        }
        let rules = object.at("/spec/rules").and_then(Value::as_array);
        for (i, rule) in rules.into_iter().flatten().enumerate() {
            let Some(host) = rule.get("host").and_then(Value::as_str) else {
                continue;
            };
            let catches_all = host == "*"
                || host
                    .strip_prefix("*.")
                    .is_some_and(|rest| !rest.trim_end_matches('.').contains('.'));
            if catches_all {
                out.push(INGRESS_WILDCARD_HOST.at(
                    object.id,
                    Pointer::root().path("spec/rules").index(i).key("host"),
                    format!("host `{host}` matches every name, not only your own"),
                ));
            }
        }
    }
}
