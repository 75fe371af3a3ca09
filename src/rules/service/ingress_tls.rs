use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an Ingress (`networking.k8s.io` or the older `extensions` API) that has no
    /// `spec.tls` section, or an empty or null one: every host it routes is served over
    /// plain HTTP. An Ingress whose certificate the cloud load balancer attaches through an
    /// annotation is not reported: `networking.gke.io/managed-certificates` and
    /// `ingress.gcp.kubernetes.io/pre-shared-cert` (GKE),
    /// `alb.ingress.kubernetes.io/certificate-arn` (AWS Load Balancer Controller).
    ///
    /// ## Why is this bad?
    /// Without TLS, requests and responses (cookies, tokens, passwords, personal data)
    /// cross the network in clear text: anyone on the path can read or change them, and
    /// browsers mark the site as not secure. This is advice: an Ingress that only serves
    /// a private network, or sits behind a proxy that terminates TLS, may be fine.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: shop}
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend: {service: {name: shop, port: {number: 80}}}
    /// ```
    ///
    /// Use instead: terminate TLS at the Ingress with a certificate Secret (type
    /// `kubernetes.io/tls`) for its hosts:
    /// ```yaml
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-tls
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress/#tls>
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressSpec>
    /// - <https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs>
    /// - <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#certificate-arn>
    pub static INGRESS_TLS = {
        id: "ingress-tls",
        severity: Info,
        category: Service,
        summary: "an Ingress with no tls section",
        help: "add a `tls` section naming the hosts and a `kubernetes.io/tls` Secret with their certificate",
        scope: Object,
    }
}

/// Annotations through which a cloud load balancer attaches the certificate itself, so
/// that TLS is served without a `tls` section.
const CERTIFICATE_ANNOTATIONS: [&str; 3] = [
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "alb.ingress.kubernetes.io/certificate-arn",
];

/// The `ingress-tls` rule.
pub struct IngressTls;

impl Rule for IngressTls {
    fn meta(&self) -> &'static RuleMeta {
        &INGRESS_TLS
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if object.kind != "Ingress" || !matches!(object.group.as_str(), "networking.k8s.io" | "extensions") {
            return;
        }
        let annotations = object.annotations();
        if CERTIFICATE_ANNOTATIONS
            .iter()
            .any(|a| annotations.is_some_and(|m| m.contains_key(a)))
        {
            return;
        }
        let spec = object.value.get("spec");
        let tls = spec.and_then(|s| s.get("tls"));
        let (at, what) = match tls {
            // A list with entries, or a value of another type (the schema rule's finding).
            Some(Value::Array(entries)) if !entries.is_empty() => return,
            Some(Value::Array(_) | Value::Null) => {
                (Pointer::root().key("spec").key("tls"), "an empty tls section")
            }
            Some(_) => return,
            None if spec.is_some() => (Pointer::root().key("spec"), "no tls section"),
            None => (Pointer::root(), "no tls section"),
        };
        let name = &object.name;
        out.push(INGRESS_TLS.at(
            object.id,
            at,
            format!("Ingress {name} has {what}: it serves plain HTTP only"),
        ));
    }
}
