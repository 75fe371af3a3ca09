//! Credentials written where Secrets belong: env values, ConfigMap data, annotations.

mod plaintext;

pub use plaintext::SECRET_IN_PLAINTEXT;

use super::Rule;

/// The plain-text secret rules.
pub static RULES: &[&dyn Rule] = &[&plaintext::SecretInPlaintext];
