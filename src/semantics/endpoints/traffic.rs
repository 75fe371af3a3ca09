//! Which Service port sends traffic to which container of a workload's pods, asked per
//! container: the ports of the Services selecting a workload are indexed once per list of
//! Services (workloads of one unit selected by the same Services share it), so that each
//! container costs what it declares, not what the Services declare.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::base::value::Value;

use super::{Target, protocol_of, service_ports};
use crate::base::ObjectId;
use crate::graph::{Graph, Services, ServicesId};
use crate::model::Container;

/// A Service port: its Service and its index in `spec.ports`. Services are listed in
/// input order, so the smallest is the first in the list.
pub type PortAt = (ObjectId, usize);

/// The ports of one list of selecting Services, by target.
#[derive(Debug, Default)]
struct Index {
    /// The first port with each target and protocol.
    first: HashMap<(Target, String), PortAt>,
    /// The numeric targets with their protocols, each at its first port, in the order of
    /// those ports.
    numbers: Vec<(i64, String, PortAt)>,
}

/// The key of the index of one list of Services.
#[derive(PartialEq, Eq, Hash)]
struct IndexKey(ServicesId);

fn index(graph: &Graph, services: &Services<'_>) -> Arc<Index> {
    graph.memo(IndexKey(services.id()), || {
        let mut index = Index::default();
        for svc in services.iter() {
            for p in service_ports(svc) {
                let Some(target) = p.target else { continue };
                let at = (svc.id, p.index);
                if let Target::Number(n) = target {
                    if !index
                        .first
                        .contains_key(&(target.clone(), p.protocol.clone()))
                    {
                        index.numbers.push((n, p.protocol.clone(), at));
                    }
                }
                index.first.entry((target, p.protocol)).or_insert(at);
            }
        }
        Arc::new(index)
    })
}

/// A container's declared port as a Service port's target reaches it.
fn declared(port: &Value) -> (Option<&str>, Option<i64>, String) {
    (
        port.get("name").and_then(Value::as_str),
        port.get("containerPort").and_then(Value::as_i64),
        protocol_of(port),
    )
}

/// For each container of `serving` (the containers whose ports the Endpoints controller
/// searches, in its order), the first port of the Services (in their order, then in
/// `spec.ports` order) that sends traffic to it: a number reaches every container that
/// declares it with the port's protocol, a name the first container that declares it.
pub fn first_port_to_each(
    graph: &Graph,
    services: &Services<'_>,
    serving: &[Container<'_>],
) -> Vec<Option<PortAt>> {
    if services.is_empty() {
        return vec![None; serving.len()];
    }
    let index = index(graph, services);
    // A name resolves to the first container declaring it with the protocol.
    let mut named: HashSet<(&str, String)> = HashSet::new();
    serving
        .iter()
        .map(|c| {
            let mut best: Option<PortAt> = None;
            for (_, p) in c.ports() {
                let (name, number, protocol) = declared(p);
                if let Some(n) = number {
                    let hit = index.first.get(&(Target::Number(n), protocol.clone()));
                    best = earliest(best, hit.copied());
                }
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    if named.insert((name, protocol.clone())) {
                        let hit = index.first.get(&(Target::Name(name.to_owned()), protocol));
                        best = earliest(best, hit.copied());
                    }
                }
            }
            best
        })
        .collect()
}

fn earliest(a: Option<PortAt>, b: Option<PortAt>) -> Option<PortAt> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The first port of the Services (in their order, then in `spec.ports` order) whose
/// numeric target none of `serving` declares with its protocol: declaring ports is
/// optional, so the traffic still reaches the pod. With the number.
pub fn first_undeclared_number(
    graph: &Graph,
    services: &Services<'_>,
    serving: &[Container<'_>],
) -> Option<(PortAt, i64)> {
    if services.is_empty() {
        return None;
    }
    let index = index(graph, services);
    let declared: HashSet<(i64, String)> = serving
        .iter()
        .flat_map(|c| c.ports())
        .filter_map(|(_, p)| {
            let (_, number, protocol) = declared(p);
            Some((number?, protocol))
        })
        .collect();
    // Every number skipped is one the pod declares: at most as many as its ports.
    index
        .numbers
        .iter()
        .find(|(n, protocol, _)| !declared.contains(&(*n, protocol.clone())))
        .map(|&(n, _, at)| (at, n))
}
