//! High-entropy values under credential-like names. A value is judged random when it is
//! one long token, mixes character classes and carries enough Shannon entropy per
//! character; base64 of plain text (`cGFzc3dvcmQ=`) is judged by what it decodes to.

use base64::Engine;

use super::is_placeholder;

/// Words of a name that say it holds a credential, each with the word reported.
const CREDENTIAL_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
    "accesskey",
    "secretkey",
    "signingkey",
    "encryptionkey",
    "clientsecret",
    "authkey",
];

/// Words that say the name holds where a credential is, or what it is called, not the
/// credential itself (`TOKEN_PATH`, `secretName`, `PASSWORD_FILE`).
const REFERENCE_WORDS: &[&str] = &[
    "path",
    "file",
    "dir",
    "name",
    "ref",
    "url",
    "uri",
    "endpoint",
    "host",
    "mount",
    "id",
    "type",
    "length",
    "ttl",
    "expiry",
    "expiration",
    "timeout",
    "header",
    "field",
    "namespace",
    "store",
    "provider",
    "env",
    "enabled",
    "enable",
    "mode",
    "format",
    "version",
];

/// The credential word a name contains (`DB_PASSWORD` → `password`, `apiKey` →
/// `apikey`), unless another word makes it a reference to one.
pub fn credential_name(name: &str) -> Option<&'static str> {
    let words = split_words(name);
    // `api_key`, `access-key`: two words that make one credential word.
    let pairs: Vec<String> = words
        .windows(2)
        .map(|w| format!("{}{}", w[0], w[1]))
        .collect();
    let hit = CREDENTIAL_WORDS
        .iter()
        .copied()
        .find(|cw| words.iter().any(|w| w == cw) || pairs.iter().any(|p| p == cw))?;
    let last = words.last().map(String::as_str).unwrap_or("");
    (!REFERENCE_WORDS.contains(&last)).then_some(hit)
}

/// Lower-case words of a name split at `_ - . /` and camelCase boundaries.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Shannon entropy in bits per character.
pub fn shannon_bits(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a value looks like a generated secret.
pub fn looks_random(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 12 || v.len() > 512 || v.contains(char::is_whitespace) || is_placeholder(v) {
        return false;
    }
    // Paths, URLs, host names and e-mail addresses are where a secret is, not the secret.
    if v.starts_with('/') || v.contains("://") || v.contains('@') {
        return false;
    }
    if v.bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'-')
    {
        return false;
    }
    if let Some(text) = decoded_text(v) {
        // Base64 of plain words is an encoded sample, not a key.
        if is_placeholder(&text) || text.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ') {
            return false;
        }
    }
    let classes = [
        v.bytes().any(|b| b.is_ascii_lowercase()),
        v.bytes().any(|b| b.is_ascii_uppercase()),
        v.bytes().any(|b| b.is_ascii_digit()),
        v.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&c| c)
    .count();
    let hex = v.bytes().all(|b| b.is_ascii_hexdigit());
    // Hex carries at most 4 bits a character; other alphabets must mix classes.
    if hex {
        v.len() >= 32 && shannon_bits(v) >= 3.0
    } else {
        classes >= 2 && v.bytes().any(|b| b.is_ascii_digit()) && shannon_bits(v) >= 3.5
    }
}

/// The printable text a base64 value decodes to, if it is base64 of text.
fn decoded_text(value: &str) -> Option<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(value).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.chars()
        .all(|c| !c.is_control() || c == '\n')
        .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::{credential_name, looks_random};

    #[test]
    fn names() {
        assert_eq!(credential_name("DB_PASSWORD"), Some("password"));
        assert_eq!(credential_name("apiKey"), Some("apikey"));
        assert_eq!(credential_name("AWS_SECRET_ACCESS_KEY"), Some("secret"));
        assert_eq!(credential_name("api_key"), Some("apikey"));
        assert_eq!(credential_name("TOKEN_PATH"), None);
        assert_eq!(credential_name("secretName"), None);
        assert_eq!(credential_name("PASSWORD_FILE"), None);
        assert_eq!(credential_name("LOG_LEVEL"), None);
        assert_eq!(credential_name("keyboard"), None);
    }

    #[test]
    fn randomness() {
        assert!(looks_random("q8Zr2Lk9Xw4Pv7Nm3Tb6"));
        assert!(looks_random("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"));
        assert!(!looks_random("changeme"));
        assert!(!looks_random("password123"));
        assert!(!looks_random("<your-token>"));
        assert!(!looks_random("$(DB_PASSWORD)"));
        assert!(!looks_random("{{ .Values.token }}"));
        assert!(!looks_random("cGFzc3dvcmQxMjM0NTY3OA=="));
        assert!(!looks_random("my-database-service.default.svc"));
        assert!(!looks_random("/var/run/secrets/token"));
    }
}
