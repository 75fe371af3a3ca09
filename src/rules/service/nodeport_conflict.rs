use std::collections::HashMap;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::graph::units::FirstSeen;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::service_ports;

declare_rule! {
    /// ## What it does
    /// Reports a `nodePort` outside the default range 30000-32767, and a `nodePort` that
    /// another Service in the inputs (or the context) already claims. Node ports are one
    /// cluster-wide pool whatever the protocol; only one Service may repeat a node port,
    /// for different protocols. Context Services are already in the cluster, so they keep
    /// their ports; among the checked Services the first in input order keeps it and the
    /// later ones are reported.
    ///
    /// ## Why is this bad?
    /// The API server's allocator rejects the second Service ("provided port is already
    /// allocated") and a port outside the cluster's `--service-node-port-range` ("provided
    /// port is not in the valid range").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   type: NodePort
    ///   selector: {app: web}
    ///   ports: [{port: 80, nodePort: 30080}]
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: admin}
    /// spec:
    ///   type: NodePort
    ///   selector: {app: admin}
    ///   ports: [{port: 80, nodePort: 30080}]
    /// ```
    ///
    /// Use instead: give each Service its own node port, or leave `nodePort` out and let
    /// the cluster allocate one.
    ///
    /// ## References
    /// - Service type NodePort: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
    pub static NODEPORT_CONFLICT = {
        id: "nodeport-conflict",
        severity: Error,
        category: Service,
        summary: "two Services claim the same nodePort, or a nodePort is out of range",
        help: "pick a free nodePort in 30000-32767, or omit nodePort to have one allocated",
    }
}

/// The default `--service-node-port-range`.
const NODE_PORT_RANGE: std::ops::RangeInclusive<i64> = 30000..=32767;

/// Allocates node ports across every Service of the run.
pub struct NodeportConflict;

impl Rule for NodeportConflict {
    fn meta(&self) -> &'static RuleMeta {
        &NODEPORT_CONFLICT
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Context Services first: they hold their ports already.
        let mut services: Vec<&Object> = cx.graph.of_kind("", "Service").collect();
        services.sort_by_key(|s| (!s.context, s.id));
        // The Services holding each port: one per group of units that do not see each
        // other (staging's and prod's NodePorts never meet in one cluster), indexed by
        // unit so that each Service asks in proportion to the depth of its folder.
        let units = &cx.graph.units;
        let mut owners: HashMap<i64, FirstSeen<(&Object, Pointer)>> = HashMap::new();
        for svc in services {
            let m = cx.graph.membership(svc.id);
            for p in service_ports(svc) {
                let Some(n) = p.node_port else { continue };
                let at = p.pointer.key("nodePort");
                if !NODE_PORT_RANGE.contains(&n) {
                    out.push(NODEPORT_CONFLICT.at(
                        svc.id,
                        at.clone(),
                        format!("nodePort {n} is outside the default node port range 30000-32767"),
                    ));
                }
                let list = owners.entry(n).or_default();
                match list.first_seen_by(units, m) {
                    // The same Service may use one node port for several protocols; a
                    // duplicated Service is duplicate-object's to report.
                    Some((first, _)) if first.key_ref() == svc.key_ref() => {}
                    Some((first, first_at)) => out.push(
                        NODEPORT_CONFLICT
                            .at(
                                svc.id,
                                at,
                                format!(
                                    "nodePort {n} is already claimed by {}",
                                    first.display_name()
                                ),
                            )
                            .with_related(first.id, first_at.clone(), "claimed here first"),
                    ),
                    None => list.push(units, m, (svc, at)),
                }
            }
        }
    }
}
