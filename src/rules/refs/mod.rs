//! ConfigMaps, Secrets and ServiceAccounts: the references pods make to them and the
//! payload rules the API server applies to them.

rules! {
    /// The ConfigMap, Secret and ServiceAccount rules.
    config_ref::ConfigRef,
    config_key::ConfigKey,
    secret_encoding::SecretEncoding,
    config_key_name::ConfigKeyName,
    config_size::ConfigSize,
    serviceaccount_ref::ServiceaccountRef,
}

pub mod data;
