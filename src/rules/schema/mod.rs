//! Rules about schemas and API versions: validation against the target version's schemas
//! and CRDs, removed and deprecated apiVersions, object names and labels, kinds without a
//! schema, and YAML scalars that Kubernetes reads as another type.

rules! {
    /// The schema and API-version rules (and the input rules that need schemas).
    yaml_implicit_type::YamlImplicitType,
    unknown_kind::UnknownKind,
    schema_rule::Schema,
    removed_api::RemovedApi,
    deprecated_api::DeprecatedApi,
    invalid_name::InvalidName,
    invalid_label::InvalidLabel,
}

/// The CEL rules report invalid CRDs under this rule's id.
pub use schema_rule::SCHEMA;
