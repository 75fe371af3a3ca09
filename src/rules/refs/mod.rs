//! ConfigMaps, Secrets and ServiceAccounts: the references pods make to them and the
//! payload rules the API server applies to them.

mod config_key;
mod config_key_name;
mod config_ref;
mod config_size;
pub mod data;
mod secret_encoding;
mod serviceaccount_ref;

pub use config_key::CONFIG_KEY;
pub use config_key_name::CONFIG_KEY_NAME;
pub use config_ref::CONFIG_REF;
pub use config_size::CONFIG_SIZE;
pub use secret_encoding::SECRET_ENCODING;
pub use serviceaccount_ref::SERVICEACCOUNT_REF;

use super::Rule;

/// The ConfigMap, Secret and ServiceAccount rules.
pub static RULES: &[&dyn Rule] = &[
    &config_ref::ConfigRef,
    &config_key::ConfigKey,
    &secret_encoding::SecretEncoding,
    &config_key_name::ConfigKeyName,
    &config_size::ConfigSize,
    &serviceaccount_ref::ServiceaccountRef,
];
