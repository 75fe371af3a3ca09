//! Rules about schemas and API versions: validation against the target version's schemas
//! and CRDs, removed and deprecated apiVersions, object names and labels, kinds without a
//! schema, and YAML scalars that Kubernetes reads as another type.

mod deprecated_api;
mod invalid_label;
mod invalid_name;
mod removed_api;
mod schema_rule;
mod unknown_kind;
mod yaml_implicit_type;

pub use deprecated_api::DEPRECATED_API;
pub use invalid_label::INVALID_LABEL;
pub use invalid_name::INVALID_NAME;
pub use removed_api::REMOVED_API;
pub use schema_rule::SCHEMA;
pub use unknown_kind::UNKNOWN_KIND;
pub use yaml_implicit_type::YAML_IMPLICIT_TYPE;

use super::Rule;

/// The schema and API-version rules (and the input rules that need schemas).
pub static RULES: &[&dyn Rule] = &[
    &yaml_implicit_type::YamlImplicitType,
    &unknown_kind::UnknownKind,
    &schema_rule::Schema,
    &removed_api::RemovedApi,
    &deprecated_api::DeprecatedApi,
    &invalid_name::InvalidName,
    &invalid_label::InvalidLabel,
];
