//! What the API server's hand-written validation rejects, beyond the OpenAPI schema.

mod api_validation;

pub use api_validation::API_VALIDATION;

use super::Rule;

/// The rules of this category.
pub static RULES: &[&dyn Rule] = &[&api_validation::ApiValidation];
