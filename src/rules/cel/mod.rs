//! Rules that evaluate CEL offline: CustomResourceDefinition validation rules and
//! ValidatingAdmissionPolicies, and what of them cannot be evaluated without a cluster.

mod admission_policy;
mod cel_unsupported;
mod cel_validation;
mod crd_definition;

pub use admission_policy::ADMISSION_POLICY;
pub use cel_unsupported::CEL_UNSUPPORTED;
pub use cel_validation::CEL_VALIDATION;
pub use crd_definition::crd_definition;

use super::Rule;

/// The CEL rules.
pub static RULES: &[&dyn Rule] = &[
    &cel_validation::CelValidation,
    &cel_unsupported::CelUnsupported,
    &admission_policy::AdmissionPolicy,
];
