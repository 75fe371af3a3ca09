//! Rules about liveness, readiness and startup probes: handlers, ports, thresholds and
//! timing, and which containers need which probe. Probes are read through the pod
//! template accessor, so every rule applies to every workload kind alike.

rules! {
    /// The probe rules, in catalogue order.
    handler::ProbeHandler,
    init_container::ProbeInitContainer,
    port::ProbePort,
    threshold::ProbeThreshold,
    timing::ProbeTiming,
    identical::ProbeIdentical,
    missing_readiness::ProbeMissingReadiness,
    missing_liveness::ProbeMissingLiveness,
    restart_never::ProbeRestartNever,
}

use crate::base::value::Value;

use crate::base::Pointer;
use crate::model::Container;

/// The probe handlers; a probe needs exactly one.
pub(crate) const HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];

/// Which probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProbeKind {
    /// `livenessProbe`: failing restarts the container.
    Liveness,
    /// `readinessProbe`: failing takes the pod out of Service endpoints.
    Readiness,
    /// `startupProbe`: holds the other probes until it succeeds.
    Startup,
}

impl ProbeKind {
    /// Every kind, in field order.
    pub(crate) const ALL: [ProbeKind; 3] = [
        ProbeKind::Liveness,
        ProbeKind::Readiness,
        ProbeKind::Startup,
    ];

    /// The container field.
    pub(crate) fn field(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }
}

/// One probe of a container, with its pointer.
#[derive(Debug, Clone)]
pub(crate) struct Probe<'a> {
    /// Which probe.
    pub kind: ProbeKind,
    /// Its value (a mapping).
    pub value: &'a Value,
    /// Pointer to it.
    pub pointer: Pointer,
}

impl Probe<'_> {
    /// An integer field as the kubelet uses it: a missing or `0` value is defaulted.
    pub(crate) fn effective(&self, field: &str) -> i64 {
        let default = match field {
            "timeoutSeconds" | "successThreshold" => 1,
            "periodSeconds" => 10,
            "failureThreshold" => 3,
            _ => 0,
        };
        match self.value.get(field).and_then(Value::as_i64) {
            None | Some(0) => default,
            Some(n) => n,
        }
    }

    /// The handlers the probe sets (non-null), in field order.
    pub(crate) fn handlers(&self) -> Vec<&'static str> {
        HANDLERS
            .into_iter()
            .filter(|h| self.value.get(*h).is_some_and(|v| !v.is_null()))
            .collect()
    }
}

/// A container's probe of one kind, if it has one.
pub(crate) fn probe<'a>(container: &Container<'a>, kind: ProbeKind) -> Option<Probe<'a>> {
    let value = container.get(kind.field()).filter(|v| v.is_object())?;
    Some(Probe {
        kind,
        value,
        pointer: container.pointer.key(kind.field()),
    })
}

/// A container's probes.
pub(crate) fn probes<'a>(container: &Container<'a>) -> Vec<Probe<'a>> {
    ProbeKind::ALL
        .into_iter()
        .filter_map(|k| probe(container, k))
        .collect()
}
