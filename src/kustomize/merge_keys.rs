//! How a strategic merge treats a list of a built-in kind, read from the embedded schemas
//! (newest version): merged item by item on its `x-kubernetes-patch-merge-key`, or
//! replaced whole when `x-kubernetes-list-type` is `atomic`. Custom resources and fields
//! the schemas do not know fall back to kustomize's associative keys (see `smp`).

use crate::base::value::Value;

use crate::schema::catalog::{self, DEFS_PREFIX, VersionSchemas};

/// A schema node of the newest embedded version.
pub type Schema = Option<&'static Value>;

/// What the schemas say of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListRule {
    /// Items merge on this key.
    Key(&'static str),
    /// The list is replaced whole.
    Atomic,
    /// The schemas do not say.
    Unknown,
}

fn newest() -> Option<&'static VersionSchemas> {
    catalog::versions()
        .last()
        .and_then(|v| catalog::for_version(v))
}

/// The schema of a built-in kind; `None` for custom resources and unknown kinds.
pub fn of_kind(api_version: &str, kind: &str) -> Schema {
    let schemas = newest()?;
    schemas.def(schemas.definition_of(api_version, kind)?)
}

/// A schema with its `$ref` followed.
fn deref(schema: &'static Value) -> Schema {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => newest()?.def(r.strip_prefix(DEFS_PREFIX)?),
        None => Some(schema),
    }
}

/// The schema of a mapping's field.
pub fn field(schema: Schema, key: &str) -> Schema {
    deref(deref(schema?)?.get("properties")?.get(key)?)
}

/// The schema of a list's items.
pub fn items(list: Schema) -> Schema {
    deref(list?.get("items")?)
}

/// How a list merges.
pub fn list_rule(list: Schema) -> ListRule {
    let Some(list) = list else {
        return ListRule::Unknown;
    };
    if let Some(key) = list
        .get("x-kubernetes-patch-merge-key")
        .and_then(Value::as_str)
    {
        return ListRule::Key(key);
    }
    match list.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("atomic") => ListRule::Atomic,
        _ => ListRule::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_lists_merge_as_the_schemas_say() {
        let deployment = of_kind("apps/v1", "Deployment");
        let pod = field(field(field(deployment, "spec"), "template"), "spec");
        assert_eq!(list_rule(field(pod, "containers")), ListRule::Key("name"));
        assert_eq!(list_rule(field(pod, "tolerations")), ListRule::Atomic);
        let container = items(field(pod, "containers"));
        assert_eq!(
            list_rule(field(container, "ports")),
            ListRule::Key("containerPort")
        );
        let service = field(of_kind("v1", "Service"), "spec");
        assert_eq!(list_rule(field(service, "ports")), ListRule::Key("port"));
        assert_eq!(of_kind("example.com/v1", "Widget"), None);
    }
}
