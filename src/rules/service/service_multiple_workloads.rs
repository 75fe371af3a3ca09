use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::{Selected, selected};

declare_rule! {
    /// ## What it does
    /// Reports a Service whose selector selects the pods of two or more workloads in its
    /// namespace. Objects owned by a controller (a ReplicaSet of a Deployment) count as
    /// their owner, and PodTemplates run no pods.
    ///
    /// ## Why is this bad?
    /// Traffic is spread over pods of different applications or versions. That is the
    /// point of a canary, but more often a selector that is too broad (`app: shop`
    /// selecting both the shop frontend and its worker).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: shop}
    /// spec:
    ///   selector: {app: shop}
    ///   ports: [{port: 80}]
    /// # Deployments shop-frontend and shop-worker both label their pods app: shop
    /// ```
    ///
    /// Use instead: add a label that only the intended pods carry
    /// (`selector: {app: shop, component: frontend}`).
    ///
    /// ## References
    /// - Service: https://kubernetes.io/docs/concepts/services-networking/service/
    /// - Label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
    pub static SERVICE_MULTIPLE_WORKLOADS = {
        id: "service-multiple-workloads",
        severity: Info,
        category: Service,
        summary: "a Service selects the pods of several workloads",
        help: "narrow the selector with a label only the intended workload's pods carry",
    }
}

/// Workloads a finding names; the rest are counted.
const SHOWN: usize = 10;

/// Counts the workloads behind a Service's selector.
pub struct ServiceMultipleWorkloads;

impl Rule for ServiceMultipleWorkloads {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_MULTIPLE_WORKLOADS
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(Selected { workloads, .. }) = selected(cx.graph, object) else {
            return;
        };
        if workloads.len() < 2 {
            return;
        }
        // A selector can select thousands of workloads: the finding names the first few
        // and counts the rest, so that its size does not grow with the input.
        let mut names: Vec<String> = workloads
            .iter()
            .take(SHOWN)
            .map(|&id| {
                let w = cx.graph.object(id);
                format!("{} {}", w.kind, w.name)
            })
            .collect();
        if workloads.len() > SHOWN {
            names.push(format!("and {} more", workloads.len() - SHOWN));
        }
        let mut d = SERVICE_MULTIPLE_WORKLOADS.at(
            object.id,
            Pointer::root().path("spec/selector"),
            format!(
                "Service {} selects the pods of {} workloads: {}",
                object.name,
                workloads.len(),
                names.join(", ")
            ),
        );
        for w in workloads.iter().take(SHOWN).map(|&id| cx.graph.object(id)) {
            let at = PodTemplate::of(w)
                .map(|t| t.metadata_pointer().key("labels"))
                .unwrap_or_default();
            d = d.with_related(w.id, at, format!("pods of {} {}", w.kind, w.name));
        }
        out.push(d);
    }
}
