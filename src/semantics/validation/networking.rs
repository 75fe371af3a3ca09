//! `pkg/apis/networking/validation/validation.go`: Ingress and NetworkPolicy.

use crate::base::value::Value;

use super::{Errors, formats, int, list};
use crate::base::{At, Pointer};
use crate::model::Object;

/// `ValidateIngressSpec` → `validateIngressRules` → `validateHTTPIngressRuleValue`,
/// `validateIngressBackend`.
pub fn ingress(object: &Object, errs: &mut Errors) {
    // The checks below are those of networking.k8s.io/v1; older versions are removed.
    if object.api_version != "networking.k8s.io/v1" {
        return;
    }
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = Pointer::root().key("spec");
    let rules = list(spec, "rules");
    let default = spec.get("defaultBackend").filter(|b| b.is_object());
    if rules.is_empty() && default.is_none() && spec.get("rules").is_none_or(Value::is_array) {
        errs.invalid(
            "ingress-backend",
            at.clone(),
            &Value::from(""),
            "either `defaultBackend` or `rules` must be specified",
        );
    }
    if let Some(b) = default {
        backend(b, &at.key("defaultBackend"), errs);
    }
    for (i, rule) in rules.iter().enumerate() {
        let rat = at.key("rules").index(i);
        if let Some(host) = rule
            .get("host")
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
        {
            host_name(host, &rat.key("host"), errs);
        }
        let Some(http) = rule.get("http").filter(|h| h.is_object()) else {
            continue;
        };
        let paths = list(http, "paths");
        if paths.is_empty() && http.get("paths").is_some_and(Value::is_array) {
            errs.required("ingress-path", rat.path("http/paths"), "");
        }
        for (j, p) in paths.iter().enumerate() {
            let pat = rat.path("http/paths").index(j);
            path(p, &pat, errs);
            if let Some(b) = p.get("backend").filter(|b| b.is_object()) {
                backend(b, &pat.key("backend"), errs);
            }
        }
    }
    for (i, tls) in list(spec, "tls").iter().enumerate() {
        for (j, h) in list(tls, "hosts").iter().enumerate() {
            if let Some(host) = h.as_str().filter(|h| !h.is_empty()) {
                host_name(host, &at.key("tls").index(i).key("hosts").index(j), errs);
            }
        }
    }
}

/// `validateIngressRules`: a host is a DNS name (a leading `*.` allowed), never an IP.
fn host_name(host: &str, at: &Pointer, errs: &mut Errors) {
    if formats::is_placeholder(host) {
        return;
    }
    if formats::is_ip(host) {
        errs.invalid(
            "ingress-host",
            at.clone(),
            &Value::from(host),
            "must be a DNS name, not an IP address",
        );
        return;
    }
    let name = host.strip_prefix("*.").unwrap_or(host);
    if let Some(why) = formats::dns1123_subdomain(name) {
        let why = if host.starts_with("*.") {
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_owned()
        } else {
            why
        };
        errs.invalid("ingress-host", at.clone(), &Value::from(host), why);
    }
}

/// `validateHTTPIngressPath`: Exact and Prefix paths are absolute and free of `//`, `/./`,
/// `/../`, `%2f` and of a trailing `/.` or `/..`; an ImplementationSpecific path, when
/// set, is absolute.
fn path(p: &Value, at: &Pointer, errs: &mut Errors) {
    let text = p.get("path").and_then(Value::as_str).unwrap_or("");
    let value = Value::from(text);
    match p.get("pathType").and_then(Value::as_str) {
        Some("Exact" | "Prefix") => {
            if !text.starts_with('/') {
                errs.invalid(
                    "ingress-path",
                    at.key("path"),
                    &value,
                    "must be an absolute path",
                );
                return;
            }
            for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                if text.contains(seq) {
                    errs.invalid(
                        "ingress-path",
                        at.key("path"),
                        &value,
                        format!("must not contain '{seq}'"),
                    );
                    return;
                }
            }
            for suffix in ["/..", "/."] {
                if text.ends_with(suffix) {
                    errs.invalid(
                        "ingress-path",
                        at.key("path"),
                        &value,
                        format!("cannot end with '{suffix}'"),
                    );
                    return;
                }
            }
        }
        Some("ImplementationSpecific") if !text.is_empty() && !text.starts_with('/') => {
            errs.invalid(
                "ingress-path",
                at.key("path"),
                &value,
                "must be an absolute path",
            );
        }
        _ => {}
    }
}

/// `validateIngressBackend`: exactly one of service and resource; a service backend has a
/// DNS-1035 name and exactly one of port name (IANA) and number.
fn backend(b: &Value, at: &Pointer, errs: &mut Errors) {
    let service = b.get("service").filter(|s| s.is_object());
    let resource = b.get("resource").filter(|r| r.is_object());
    let empty = Value::from("");
    match (service, resource) {
        (Some(_), Some(_)) => {
            errs.invalid(
                "ingress-backend",
                at.clone(),
                &empty,
                "cannot set both resource and service backends",
            );
        }
        // A backend written with other (unknown) fields, such as the v1beta1
        // `serviceName`, is the schema rule's finding.
        (None, None) if b.as_object().is_some_and(|m| m.is_empty()) => {
            errs.invalid(
                "ingress-backend",
                at.clone(),
                &empty,
                "resource or service backend is required",
            );
        }
        (Some(s), None) => {
            let sat = at.key("service");
            let name = s
                .at("/port/name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty());
            let number = s
                .at("/port/number")
                .and_then(Value::as_i64)
                .filter(|n| *n != 0);
            match (name, number) {
                (Some(_), Some(_)) => {
                    errs.invalid(
                        "ingress-backend",
                        sat.key("port"),
                        &empty,
                        "cannot set both port name & port number",
                    );
                }
                (Some(n), None) => {
                    if let Some(why) = formats::iana_svc_name(n) {
                        errs.invalid(
                            "ingress-backend",
                            sat.path("port/name"),
                            &Value::from(n),
                            why,
                        );
                    }
                }
                (None, Some(n)) => {
                    if let Some(why) = formats::port_num(n) {
                        errs.invalid(
                            "ingress-backend",
                            sat.path("port/number"),
                            &Value::from(n),
                            why,
                        );
                    }
                }
                (None, None) => {
                    errs.required(
                        "ingress-backend",
                        sat.key("port"),
                        "port name or number is required",
                    );
                }
            }
        }
        (None, Some(_)) | (None, None) => {}
    }
}

/// `ValidateNetworkPolicySpec` → `ValidateNetworkPolicyPort`, `ValidateNetworkPolicyPeer`,
/// `ValidateIPBlock`.
pub fn network_policy(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = Pointer::root().key("spec");
    for (direction, peers_key) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in list(spec, direction).iter().enumerate() {
            let rat = at.key(direction).index(i);
            for (j, port) in list(rule, "ports").iter().enumerate() {
                policy_port(port, &rat.key("ports").index(j), errs);
            }
            for (j, peer) in list(rule, peers_key).iter().enumerate() {
                policy_peer(peer, &rat.key(peers_key).index(j), errs);
            }
        }
    }
}

fn policy_port(port: &Value, at: &Pointer, errs: &mut Errors) {
    let end = int(port, "endPort");
    match port.get("port") {
        Some(v @ Value::Number(_)) => {
            let n = v.as_i64().unwrap_or(0);
            if let Some(why) = formats::port_num(n) {
                errs.invalid("network-policy-port", at.key("port"), v, why);
            }
            if let Some((e, ev)) = end {
                if e < n {
                    errs.invalid(
                        "network-policy-port",
                        at.key("endPort"),
                        ev,
                        "must be greater than or equal to `port`",
                    );
                } else if let Some(why) = formats::port_num(e) {
                    errs.invalid("network-policy-port", at.key("endPort"), ev, why);
                }
            }
        }
        Some(v @ Value::String(s)) => {
            if let Some((_, ev)) = end {
                errs.invalid(
                    "network-policy-port",
                    at.key("endPort"),
                    ev,
                    "may not be specified when `port` is non-numeric",
                );
            }
            if let Some(why) = formats::iana_svc_name(s) {
                errs.invalid("network-policy-port", at.key("port"), v, why);
            }
        }
        None | Some(Value::Null) => {
            if let Some((_, ev)) = end {
                errs.invalid(
                    "network-policy-port",
                    at.key("endPort"),
                    ev,
                    "may not be specified when `port` is not specified",
                );
            }
        }
        _ => {}
    }
}

fn policy_peer(peer: &Value, at: &Pointer, errs: &mut Errors) {
    let has = |k: &str| peer.get(k).is_some_and(|v| !v.is_null());
    let selectors = has("podSelector") || has("namespaceSelector");
    if has("ipBlock") {
        if selectors {
            errs.forbidden(
                "network-policy-peer",
                at.clone(),
                "may not specify both ipBlock and another peer",
            );
        }
        if let Some(block) = peer.get("ipBlock").filter(|b| b.is_object()) {
            ip_block(block, &at.key("ipBlock"), errs);
        }
    } else if !selectors && peer.is_object() {
        errs.required("network-policy-peer", at.clone(), "must specify a peer");
    }
}

fn ip_block(block: &Value, at: &Pointer, errs: &mut Errors) {
    let Some(text) = block.get("cidr").and_then(Value::as_str) else {
        return;
    };
    let Some(cidr) = formats::cidr(text) else {
        errs.invalid(
            "network-policy-ip-block",
            at.key("cidr"),
            &Value::from(text),
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        );
        return;
    };
    for (i, e) in list(block, "except").iter().enumerate() {
        let Some(s) = e.as_str() else { continue };
        match formats::cidr(s) {
            None => {
                errs.invalid(
                    "network-policy-ip-block",
                    at.key("except").index(i),
                    e,
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                );
            }
            Some(inner) if inner.1 <= cidr.1 || !formats::cidr_contains(cidr, inner) => {
                errs.invalid(
                    "network-policy-ip-block",
                    at.key("except").index(i),
                    e,
                    "must be a strict subset of `cidr`",
                );
            }
            Some(_) => {}
        }
    }
}
