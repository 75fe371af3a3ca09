//! `ValidateService` and `ValidateEndpoints` (pkg/apis/core/validation/validation.go).
//! Duplicate ports and nodePort ranges are the `service-duplicate-port` and
//! `nodeport-conflict` rules'.

use crate::base::value::Value;

use super::{Errors, formats, int, list};
use crate::base::{At, Pointer};
use crate::model::Object;

/// `ValidateService`: ports, their names and numbers, and the fields that only some
/// Service types may set.
pub fn service(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = Pointer::root().key("spec");
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .unwrap_or("ClusterIP");
    let cluster_ip = spec.get("clusterIP").and_then(Value::as_str).unwrap_or("");
    let headless = cluster_ip == "None";
    let ports = list(spec, "ports");
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.required("service-ports", at.key("ports"), "");
    }
    for (i, p) in ports.iter().enumerate() {
        let pat = at.key("ports").index(i);
        // `validateServicePort`.
        if let Some(name) = p
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            if let Some(why) = formats::dns1123_label(name) {
                errs.invalid("service-port", pat.key("name"), &Value::from(name), why);
            }
        }
        if let Some((n, v)) = int(p, "port") {
            if let Some(why) = formats::port_num(n) {
                errs.invalid("service-port", pat.key("port"), v, why);
            }
        }
        match p.get("targetPort") {
            Some(v @ Value::Number(_)) => {
                // 0 is "unset": defaulted to `port`.
                if let Some(why) = v.as_i64().filter(|n| *n != 0).and_then(formats::port_num) {
                    errs.invalid("service-port", pat.key("targetPort"), v, why);
                }
            }
            Some(v @ Value::String(s)) if !s.is_empty() && !formats::is_placeholder(s) => {
                if let Some(why) = formats::iana_svc_name(s) {
                    errs.invalid("service-port", pat.key("targetPort"), v, why);
                }
            }
            _ => {}
        }
        if ty == "ClusterIP" && int(p, "nodePort").is_some_and(|(n, _)| n != 0) {
            errs.forbidden(
                "service-node-port",
                pat.key("nodePort"),
                "may not be used when `type` is 'ClusterIP'",
            );
        }
    }
    if headless && matches!(ty, "NodePort" | "LoadBalancer") {
        errs.invalid(
            "service-cluster-ip",
            at.key("clusterIP"),
            &Value::from("None"),
            format!("may not be set to 'None' for {ty} services"),
        );
    }
    if !cluster_ip.is_empty() && !headless && ty != "ExternalName" && !formats::is_ip(cluster_ip) {
        errs.invalid(
            "service-cluster-ip",
            at.key("clusterIP"),
            &Value::from(cluster_ip),
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        );
    }
    if ty == "ExternalName" {
        external_name(spec, &at, cluster_ip, errs);
    }
    for (i, ip) in list(spec, "externalIPs").iter().enumerate() {
        if let Some(s) = ip.as_str().filter(|s| !formats::is_ip(s)) {
            errs.invalid(
                "service-external-ip",
                at.key("externalIPs").index(i),
                &Value::from(s),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    type_specific(spec, &at, ty, errs);
}

/// `ValidateService`, ExternalName case: externalName is a DNS-1123 subdomain (a trailing
/// dot allowed) and no clusterIP.
fn external_name(spec: &Value, at: &Pointer, cluster_ip: &str, errs: &mut Errors) {
    if !cluster_ip.is_empty() {
        errs.forbidden(
            "service-external-name",
            at.key("clusterIP"),
            "may not be set for ExternalName services",
        );
    }
    match spec.get("externalName").and_then(Value::as_str) {
        None | Some("") => {
            errs.required("service-external-name", at.key("externalName"), "");
        }
        Some(name) => {
            let clean = name.strip_suffix('.').unwrap_or(name);
            if !formats::is_placeholder(name) {
                if let Some(why) = formats::dns1123_subdomain(clean) {
                    errs.invalid(
                        "service-external-name",
                        at.key("externalName"),
                        &Value::from(name),
                        why,
                    );
                }
            }
        }
    }
}

/// Fields that only externally reachable or LoadBalancer Services may set
/// (`validateServiceExternalTrafficPolicy`, `ValidateService`'s LoadBalancer checks,
/// `validateClientIPAffinityConfig`).
fn type_specific(spec: &Value, at: &Pointer, ty: &str, errs: &mut Errors) {
    let load_balancer = ty == "LoadBalancer";
    let external = load_balancer
        || ty == "NodePort"
        || (ty == "ClusterIP" && !list(spec, "externalIPs").is_empty());
    if let Some(v) = spec
        .get("externalTrafficPolicy")
        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
    {
        if !external {
            errs.invalid(
                "service-type-field",
                at.key("externalTrafficPolicy"),
                v,
                "may only be set for externally-accessible services",
            );
        }
    }
    if let Some((n, v)) = int(spec, "healthCheckNodePort") {
        let local = spec.get("externalTrafficPolicy").and_then(Value::as_str) == Some("Local");
        if n != 0 && !(load_balancer && local) {
            errs.invalid(
                "service-type-field",
                at.key("healthCheckNodePort"),
                v,
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            );
        }
    }
    if !load_balancer {
        for field in [
            "loadBalancerSourceRanges",
            "loadBalancerClass",
            "allocateLoadBalancerNodePorts",
        ] {
            let set = match spec.get(field) {
                Some(Value::Array(a)) => !a.is_empty(),
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Bool(_)) => true,
                _ => false,
            };
            if set {
                errs.forbidden(
                    "service-type-field",
                    at.key(field),
                    "may only be used when `type` is 'LoadBalancer'",
                );
            }
        }
    }
    for (i, r) in list(spec, "loadBalancerSourceRanges").iter().enumerate() {
        if let Some(s) = r.as_str().filter(|s| formats::cidr(s.trim()).is_none()) {
            errs.invalid(
                "service-type-field",
                at.key("loadBalancerSourceRanges").index(i),
                &Value::from(s),
                "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ",
            );
        }
    }
    let affinity = spec
        .get("sessionAffinity")
        .and_then(Value::as_str)
        .unwrap_or("None");
    let config = spec.get("sessionAffinityConfig").filter(|c| c.is_object());
    match (affinity, config) {
        ("None" | "", Some(c)) => {
            errs.invalid(
                "service-session-affinity",
                at.key("sessionAffinityConfig"),
                c,
                "must not be set when session affinity is None",
            );
        }
        ("ClientIP", Some(c)) => {
            if let Some(t) = c.at("/clientIP/timeoutSeconds") {
                if t.as_i64().is_some_and(|n| !(1..=86400).contains(&n)) {
                    errs.invalid(
                        "service-session-affinity",
                        at.path("sessionAffinityConfig/clientIP/timeoutSeconds"),
                        t,
                        "must be greater than 0 and less than 86400",
                    );
                }
            }
        }
        _ => {}
    }
}

/// `ValidateEndpoints` → `validateEndpointSubsets`: addresses are IPs, port names
/// DNS-1123 labels, port numbers valid.
pub fn endpoints(object: &Object, errs: &mut Errors) {
    let Some(subsets) = object.at("/subsets").and_then(Value::as_array) else {
        return;
    };
    for (i, s) in subsets.iter().enumerate() {
        let sat = Pointer::root().key("subsets").index(i);
        for field in ["addresses", "notReadyAddresses"] {
            for (j, a) in list(s, field).iter().enumerate() {
                if let Some(ip) = a.get("ip").and_then(Value::as_str) {
                    if !formats::is_ip(ip) {
                        errs.invalid(
                            "endpoints",
                            sat.key(field).index(j).key("ip"),
                            &Value::from(ip),
                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                        );
                    }
                }
            }
        }
        for (j, p) in list(s, "ports").iter().enumerate() {
            let pat = sat.key("ports").index(j);
            if let Some(name) = p
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
            {
                if let Some(why) = formats::dns1123_label(name) {
                    errs.invalid("endpoints", pat.key("name"), &Value::from(name), why);
                }
            }
            if let Some((n, v)) = int(p, "port") {
                if let Some(why) = formats::port_num(n) {
                    errs.invalid("endpoints", pat.key("port"), v, why);
                }
            }
        }
    }
}
