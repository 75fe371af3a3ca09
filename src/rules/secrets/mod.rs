//! Credentials written where Secrets belong: env values, ConfigMap data, annotations.

pub use plaintext::SECRET_IN_PLAINTEXT;

rules! {
    /// The plain-text secret rules.
    plaintext::SecretInPlaintext,
}
