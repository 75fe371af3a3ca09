//! Fixes that several rules offer (a container's hardening fields), and those of the
//! default policies, which are Rhai scripts and cannot carry Rust code beside them.

use crate::base::value::Value;

use crate::base::{At, Diagnostic, Location, ObjectId, Pointer};
use crate::edit::{Change, Yaml};
use crate::rules::{Fix, FixContext, Safety};
use crate::semantics::migrate;

/// The fix a default policy's finding gets.
pub(super) fn for_policy(_cx: &FixContext<'_>, id: &str, finding: &Diagnostic) -> Option<Fix> {
    match id {
        "privilege-escalation" => no_privilege_escalation(finding),
        _ => None,
    }
}

/// The object and pointer of a finding made on an object.
pub(crate) fn object_location(finding: &Diagnostic) -> Option<(ObjectId, &Pointer)> {
    match &finding.location {
        Location::Object { object, pointer } => Some((*object, pointer)),
        Location::File { .. } => None,
    }
}

/// The move of a deprecated or removed API version to its successor, for the object a
/// finding is on, when the API has a mechanical mapping (deprecated-api, removed-api).
pub(crate) fn api_migration(cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
    let (object, _) = object_location(finding)?;
    let m = migrate::migration(cx.graph.object(object), cx.version.minor())?;
    Some(Fix {
        title: format!("move to {}", m.to),
        safety: if m.safe { Safety::Safe } else { Safety::Unsafe },
        object,
        changes: m.changes,
    })
}

/// The container a pointer is in (`…/containers/2`), from any node inside it.
pub(crate) fn container_of(pointer: &Pointer) -> Option<Pointer> {
    let tokens: Vec<String> = pointer.tokens().map(|t| t.into_owned()).collect();
    let i = tokens.iter().rposition(|t| {
        matches!(
            t.as_str(),
            "containers" | "initContainers" | "ephemeralContainers"
        )
    })?;
    let index = tokens.get(i + 1)?;
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Pointer::from_tokens(
        tokens[..=i + 1].iter().map(String::as_str),
    ))
}

/// `securityContext.allowPrivilegeEscalation: false` on the finding's container. Unsafe: a
/// process that relies on setuid binaries stops working.
pub(crate) fn no_privilege_escalation(finding: &Diagnostic) -> Option<Fix> {
    let (object, pointer) = object_location(finding)?;
    let c = container_of(pointer)?;
    Some(Fix {
        title: "set securityContext.allowPrivilegeEscalation: false".to_owned(),
        safety: Safety::Unsafe,
        object,
        changes: vec![Change::Set {
            pointer: c.path("securityContext/allowPrivilegeEscalation"),
            value: Yaml::raw("false"),
        }],
    })
}

/// `securityContext.capabilities.drop: [ALL]` on the finding's container (ALL added to
/// an existing list). Unsafe: the process loses every capability it had by default.
pub(crate) fn drop_all_capabilities(cx: &FixContext<'_>, finding: &Diagnostic) -> Option<Fix> {
    let (object, pointer) = object_location(finding)?;
    let c = container_of(pointer)?;
    let drop = c.path("securityContext/capabilities/drop");
    let value = cx.graph.object(object).value.at(drop.as_str());
    let change = match value {
        Some(Value::Array(items)) => {
            if items.iter().any(|v| v.as_str() == Some("ALL")) {
                return None;
            }
            Change::Append {
                pointer: drop,
                value: Yaml::raw("ALL"),
            }
        }
        Some(_) => return None,
        None => Change::Set {
            pointer: drop,
            value: Yaml::Seq(vec![Yaml::raw("ALL")]),
        },
    };
    Some(Fix {
        title: "drop ALL capabilities (securityContext.capabilities.drop: [ALL])".to_owned(),
        safety: Safety::Unsafe,
        object,
        changes: vec![change],
    })
}
