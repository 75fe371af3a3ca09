//! Recognising credentials written in plain text: known token formats (provider prefixes,
//! JWTs, PEM private keys) and high-entropy values under credential-like names. Both tests
//! refuse placeholders (`changeme`, `<your-token>`, `$(VAR)`, `{{ .Values.x }}`, vendor
//! documentation examples), because a linter that cries wolf on every sample is switched off.

mod entropy;
mod tokens;

pub use entropy::{credential_name, shannon_bits};
pub use tokens::known_token;

/// Why a value looks like a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A token format a provider issues, or a private key (the name of the format).
    Known(&'static str),
    /// A random-looking value under a credential-like name (the name's credential word).
    HighEntropy(&'static str),
}

/// Classifies a value found under `name` (an env var, a ConfigMap key, an annotation).
/// A known format anywhere in the value wins; entropy is only judged for a value that is
/// one token (not a whole file).
pub fn classify(name: &str, value: &str) -> Option<Credential> {
    if let Some(kind) = known_token(value) {
        return Some(Credential::Known(kind));
    }
    let word = credential_name(name)?;
    entropy::looks_random(value).then_some(Credential::HighEntropy(word))
}

/// Whether a value is a placeholder rather than a secret: templating, variable
/// references, angle-bracket or all-x fillers, and the words samples use.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    // Templating and variable references: `{{ … }}`, `${VAR}`, `$(VAR)`, `%{…}`, `<your-token>`.
    if v.contains("{{") || v.contains("${") || v.contains("$(") || v.contains("%{") {
        return true;
    }
    if v.starts_with('$') || (v.starts_with('<') && v.ends_with('>')) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "example",
        "changeme",
        "change-me",
        "change_me",
        "placeholder",
        "replace",
        "your",
        "dummy",
        "fake",
        "sample",
        "redacted",
        "xxxx",
        "****",
        "....",
        "0000000000",
        "1234",
        "5678",
        "abcd",
        "secret",
        "password",
        "passw0rd",
        "token",
        "insert",
        "todo",
        "fixme",
        "notreal",
        "not-a-real",
        "test",
        "demo",
    ];
    WORDS.iter().any(|w| lower.contains(w))
}
