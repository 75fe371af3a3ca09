//! How a Service port resolves against the containers of the pods it selects, as the
//! Endpoints controller's `FindPort` does, and which selected workloads it misses.

use std::sync::Arc;

use crate::base::value::Value;

use super::{Selected, SelectionKey};
use crate::base::{ObjectId, Pointer};
use crate::graph::Graph;
use crate::model::{Container, ContainerKind, Object, PodTemplate};

/// How a Service port names its target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A port number (also the default: the Service port itself).
    Number(i64),
    /// A container port name.
    Name(String),
}

/// One entry of a Service's `spec.ports`.
#[derive(Debug, Clone)]
pub struct ServicePort {
    /// Its index.
    pub index: usize,
    /// Pointer to the entry.
    pub pointer: Pointer,
    /// `name`, if set and non-empty.
    pub name: Option<String>,
    /// `port`.
    pub port: Option<i64>,
    /// `protocol`, defaulted to TCP.
    pub protocol: String,
    /// `targetPort`, defaulted to `port` (§A.4).
    pub target: Option<Target>,
    /// `nodePort`, if set and non-zero.
    pub node_port: Option<i64>,
}

/// The entries of a Service's `spec.ports` that are mappings.
pub fn service_ports(service: &Object) -> Vec<ServicePort> {
    let Some(list) = service.at("/spec/ports").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, p)| p.is_object())
        .map(|(index, p)| {
            let port = p.get("port").and_then(Value::as_i64);
            let target = match p.get("targetPort") {
                Some(Value::String(s)) if s.is_empty() => port.map(Target::Number),
                Some(Value::String(s)) => match s.parse::<i64>() {
                    // A quoted number is invalid (the schema says so); read it as meant.
                    Ok(0) => port.map(Target::Number),
                    Ok(n) => Some(Target::Number(n)),
                    Err(_) => Some(Target::Name(s.to_string())),
                },
                Some(Value::Number(n)) => match n.as_i64() {
                    Some(0) | None => port.map(Target::Number),
                    Some(n) => Some(Target::Number(n)),
                },
                _ => port.map(Target::Number),
            };
            ServicePort {
                index,
                pointer: Pointer::root().path("spec/ports").index(index),
                name: p
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                port,
                protocol: protocol_of(p),
                target,
                node_port: p
                    .get("nodePort")
                    .and_then(Value::as_i64)
                    .filter(|&n| n != 0),
            }
        })
        .collect()
}

/// A port's `protocol`, defaulted to TCP (§A.2, §A.4).
pub fn protocol_of(port: &Value) -> String {
    port.get("protocol")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("TCP")
        .to_owned()
}

/// The containers whose ports the Endpoints controller searches: regular containers in
/// order, then sidecar init containers (§C.1 step 6).
pub fn serving_containers<'a>(template: &PodTemplate<'a>) -> Vec<Container<'a>> {
    let mut out: Vec<Container<'a>> = template.spec.containers().collect();
    out.extend(
        template
            .spec
            .containers_of(ContainerKind::Init)
            .filter(Container::is_sidecar),
    );
    out
}

/// What `FindPort` finds for a named target in one pod.
#[derive(Debug)]
pub enum NamedPort<'a> {
    /// A port with this name and protocol: the container and the port's index.
    Found(Container<'a>, usize),
    /// A port with this name but another protocol.
    WrongProtocol(Container<'a>, usize, String),
    /// No port with this name.
    Missing,
}

/// Resolves a named targetPort in a pod as the controller does: the first port whose name
/// and protocol both match.
pub fn find_named_port<'a>(
    template: &PodTemplate<'a>,
    name: &str,
    protocol: &str,
) -> NamedPort<'a> {
    let mut near = NamedPort::Missing;
    for c in serving_containers(template) {
        for (i, p) in c.ports() {
            if p.get("name").and_then(Value::as_str) != Some(name) {
                continue;
            }
            let proto = protocol_of(p);
            if proto == protocol {
                return NamedPort::Found(c.clone(), i);
            }
            if matches!(near, NamedPort::Missing) {
                near = NamedPort::WrongProtocol(c.clone(), i, proto);
            }
        }
    }
    near
}

/// `8080/TCP http, 9090/TCP` — a container's declared ports, for messages.
pub fn describe_ports(container: &Container<'_>) -> String {
    let parts: Vec<String> = container
        .ports()
        .map(|(_, p)| {
            let number = p
                .get("containerPort")
                .map_or_else(|| "?".to_owned(), ToString::to_string);
            let proto = protocol_of(p);
            match p.get("name").and_then(Value::as_str) {
                Some(n) => format!("{number}/{proto} {n}"),
                None => format!("{number}/{proto}"),
            }
        })
        .collect();
    if parts.is_empty() {
        "no ports".to_owned()
    } else {
        parts.join(", ")
    }
}

/// A selected workload whose pods give a Service port no endpoint, with the places in it
/// that show why (a message for each).
#[derive(Debug)]
pub struct PortMiss {
    /// The workload.
    pub workload: ObjectId,
    /// Where and why, in the workload.
    pub related: Vec<(Pointer, String)>,
}

/// The key of the misses of one target in one selection.
#[derive(PartialEq, Eq, Hash)]
struct MissKey(SelectionKey, Target, String);

/// The selected workloads, in input order, whose pods give a port with this target and
/// protocol no endpoint: a name that no serving container declares with the protocol, or
/// a number that none declares while some declare ports (a container may listen on a port
/// it does not declare, so no declared port at all says nothing). Computed once per
/// selection, target and protocol: Services sharing a selector share it.
pub fn port_misses(
    graph: &Graph,
    selection: &Selected,
    target: &Target,
    protocol: &str,
) -> Arc<[PortMiss]> {
    // A number is looked up whatever the protocol.
    let protocol = match target {
        Target::Name(_) => protocol,
        Target::Number(_) => "",
    };
    let key = MissKey(selection.key.clone(), target.clone(), protocol.to_owned());
    graph.memo(key, || {
        selection
            .workloads
            .iter()
            .filter_map(|&id| PodTemplate::of(graph.object(id)))
            .filter_map(|t| {
                let related = match target {
                    Target::Name(name) => misses_name(&t, name, protocol)?,
                    Target::Number(n) => misses_number(&t, *n)?,
                };
                Some(PortMiss {
                    workload: t.object.id,
                    related,
                })
            })
            .collect()
    })
}

/// Why a named target resolves in no pod of the template, or `None` when it resolves.
fn misses_name(t: &PodTemplate<'_>, name: &str, protocol: &str) -> Option<Vec<(Pointer, String)>> {
    let mut related = Vec::new();
    match find_named_port(t, name, protocol) {
        NamedPort::Found(..) => return None,
        NamedPort::WrongProtocol(c, i, proto) => related.push((
            c.pointer.key("ports").index(i),
            format!(
                "{} declares port {name} with protocol {proto}, the Service port is {protocol}",
                c.describe()
            ),
        )),
        NamedPort::Missing => {
            let containers = serving_containers(t);
            if containers.is_empty() {
                related.push((
                    t.spec.pointer.clone(),
                    format!(
                        "pods of {} {} have no containers",
                        t.object.kind, t.object.name
                    ),
                ));
            }
            // A plain init container has ended before the pod is ready: its ports are
            // never searched, which is worth saying when it declares the name.
            for c in t.spec.containers_of(ContainerKind::Init) {
                if c.is_sidecar() {
                    continue;
                }
                if let Some((i, _)) = c.port_named(name) {
                    related.push((
                        c.pointer.key("ports").index(i),
                        format!(
                            "{} declares port {name}, but only sidecar init containers (restartPolicy: Always) serve",
                            c.describe()
                        ),
                    ));
                }
            }
            for c in containers {
                let at = if c.get("ports").is_some() {
                    c.pointer.key("ports")
                } else {
                    c.pointer.clone()
                };
                related.push((
                    at,
                    format!("{} declares {}", c.describe(), describe_ports(&c)),
                ));
            }
        }
    }
    Some(related)
}

/// Why a numeric target is declared by no container of the template while others are, or
/// `None` when it is declared or no port is.
fn misses_number(t: &PodTemplate<'_>, number: i64) -> Option<Vec<(Pointer, String)>> {
    let containers = serving_containers(t);
    let declared: Vec<i64> = containers
        .iter()
        .flat_map(|c| c.ports())
        .filter_map(|(_, p)| p.get("containerPort").and_then(Value::as_i64))
        .collect();
    if declared.is_empty() || declared.contains(&number) {
        return None;
    }
    Some(
        containers
            .iter()
            .filter(|c| c.ports().next().is_some())
            .map(|c| {
                (
                    c.pointer.key("ports"),
                    format!("{} declares {}", c.describe(), describe_ports(c)),
                )
            })
            .collect(),
    )
}
