//! Token formats providers issue, matched by prefix, alphabet and length. Each format is
//! searched for anywhere in the value, so a token inside a config file is found too.

use base64::Engine;

use super::is_placeholder;

/// A provider format: a literal prefix, then `min..=max` characters of an alphabet.
struct Format {
    /// The name users recognise.
    name: &'static str,
    /// The literal prefixes.
    prefixes: &'static [&'static str],
    /// Characters allowed after the prefix.
    alphabet: fn(u8) -> bool,
    /// Length bounds of the part after the prefix.
    min: usize,
    max: usize,
}

fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn url_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn slack(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

const FORMATS: &[Format] = &[
    Format {
        name: "AWS access key id",
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        alphabet: upper_digit,
        min: 16,
        max: 16,
    },
    Format {
        name: "GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        alphabet: alnum,
        min: 36,
        max: 255,
    },
    Format {
        name: "GitHub fine-grained token",
        prefixes: &["github_pat_"],
        alphabet: alnum_underscore,
        min: 70,
        max: 255,
    },
    Format {
        name: "Slack token",
        prefixes: &[
            "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-",
        ],
        alphabet: slack,
        min: 20,
        max: 255,
    },
    Format {
        name: "Google API key",
        prefixes: &["AIza"],
        alphabet: url_safe,
        min: 35,
        max: 35,
    },
    Format {
        name: "Stripe live secret key",
        prefixes: &["sk_live_", "rk_live_"],
        alphabet: alnum,
        min: 24,
        max: 255,
    },
];

/// The name of the first credential format found in `value`, if any.
pub fn known_token(value: &str) -> Option<&'static str> {
    if let Some(name) = private_key(value) {
        return Some(name);
    }
    for format in FORMATS {
        for prefix in format.prefixes {
            // A value too short to hold the prefix and the shortest body holds no token:
            // most values (names, images, ports) are skipped without a search.
            if value.len() < prefix.len() + format.min {
                continue;
            }
            for (start, _) in value.match_indices(prefix) {
                if let Some(token) = token_at(value, start, prefix.len(), format) {
                    if !is_placeholder(token) {
                        return Some(format.name);
                    }
                }
            }
        }
    }
    jwt(value).then_some("JSON Web Token")
}

/// The token starting at `start` when its body fits the format and it is not part of a
/// longer word (`XAKIA…` or a body running past `max`).
fn token_at<'a>(value: &'a str, start: usize, prefix: usize, format: &Format) -> Option<&'a str> {
    let bytes = value.as_bytes();
    if start > 0 && url_safe(bytes[start - 1]) {
        return None;
    }
    let body = &bytes[start + prefix..];
    let len = body.iter().take_while(|&&b| (format.alphabet)(b)).count();
    let ends_word = body.get(len).is_none_or(|&b| !url_safe(b));
    ((format.min..=format.max).contains(&len) && ends_word)
        .then(|| &value[start..start + prefix + len])
}

/// A PEM private key block with a body (a bare `BEGIN` line in docs is not a key).
fn private_key(value: &str) -> Option<&'static str> {
    let start = value.find("-----BEGIN ")?;
    let rest = &value[start + 11..];
    let header_end = rest.find("-----")?;
    let label = &rest[..header_end];
    if !label.ends_with("PRIVATE KEY") {
        return None;
    }
    let body = &rest[header_end + 5..];
    let end = body.find("-----END").unwrap_or(body.len());
    let base64_chars = body[..end]
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .count();
    // A real key body is hundreds of characters; `...` or `<key>` is a sample. The body
    // is random base64, so the word list of `is_placeholder` would match by chance.
    let lower = body[..end].to_ascii_lowercase();
    let sample = ["...", "xxxx", "<", "example", "your"]
        .iter()
        .any(|w| lower.contains(w));
    (base64_chars >= 64 && !sample).then_some("private key")
}

/// A JSON Web Token: `eyJ` header and payload segments that decode to JSON objects, and
/// a signature segment.
fn jwt(value: &str) -> bool {
    value.match_indices("eyJ").any(|(start, _)| {
        let bytes = value.as_bytes();
        if start > 0 && url_safe(bytes[start - 1]) {
            return false;
        }
        let len = bytes[start..]
            .iter()
            .take_while(|&&b| url_safe(b) || b == b'.')
            .count();
        let token = &value[start..start + len];
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 || parts[2].len() < 16 {
            return false;
        }
        let json_object = |segment: &str| {
            let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(segment.trim_end_matches('='))
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            serde_json::from_str::<crate::base::value::Value>(&text)
                .ok()
                .filter(crate::base::value::Value::is_object)
                .map(|_| text)
        };
        // The payload is judged decoded: jwt.io's sample says `"sub": "1234567890"`.
        json_object(parts[0]).is_some()
            && json_object(parts[1])
                .is_some_and(|payload| !is_placeholder(&payload) && !payload.contains("John Doe"))
    })
}

#[cfg(test)]
mod tests {
    use super::known_token;

    #[test]
    fn finds_provider_formats() {
        assert_eq!(
            known_token("AKIAZ7Q3LDSK2MBNV4XR"),
            Some("AWS access key id")
        );
        assert_eq!(
            known_token("token=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
            Some("GitHub token")
        );
        assert_eq!(
            known_token("AIzaSyD3kq9ZtR4mVb8XcN2pL7wQe5Jh0Uy6Ta1"),
            Some("Google API key")
        );
        assert_eq!(
            known_token("xoxb-2739457291-8273645109-Zk3QmW9pLx7RtV2nB5cY"),
            Some("Slack token")
        );
    }

    #[test]
    fn refuses_samples_and_near_misses() {
        // The AWS documentation's own sample key.
        assert_eq!(known_token("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(known_token("AKIAZ7Q3LDSK2MBNV4XRX"), None);
        assert_eq!(
            known_token("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
            None
        );
        assert_eq!(known_token("-----BEGIN RSA PRIVATE KEY-----\n...\n"), None);
        assert_eq!(known_token("eyJhbGciOi"), None);
    }

    #[test]
    fn finds_a_jwt() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MjQyIiwibmFtZSI6IkFkYSJ9.k3B9vQx2Lm8pRt7sWz1yU4nC6dFhJ0aE";
        assert_eq!(known_token(jwt), Some("JSON Web Token"));
    }
}
