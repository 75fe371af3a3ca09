//! The string formats of apimachinery's `pkg/util/validation` (`IsDNS1123Label`,
//! `IsValidPortName`, `IsEnvVarName`, `IsValidPercent`, …) with the server's messages.
//! Each returns the constraint that fails, `None` when the value is valid.

use std::net::IpAddr;

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn alnum_lower(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn label_chars_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|&c| alnum_lower(c) || c == b'-')
        && alnum_lower(b[0])
        && alnum_lower(b[b.len() - 1])
}

/// `IsDNS1123Label`: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn dns1123_label(s: &str) -> Option<String> {
    if s.len() > 63 {
        return Some("must be no more than 63 characters".to_owned());
    }
    (!label_chars_ok(s)).then(|| DNS1123_LABEL_MSG.to_owned())
}

/// `IsDNS1123Subdomain`: DNS-1123 labels joined by `.`, at most 253 characters.
pub fn dns1123_subdomain(s: &str) -> Option<String> {
    if s.len() > 253 {
        return Some("must be no more than 253 characters".to_owned());
    }
    (!s.split('.').all(label_chars_ok)).then(|| DNS1123_SUBDOMAIN_MSG.to_owned())
}

/// `IsValidPortName`: an IANA service name — at most 15 characters of `[-a-z0-9]`, at
/// least one letter, no `--`, no leading or trailing `-`. Every failing constraint is
/// listed, joined by `, `, as the server joins them.
pub fn iana_svc_name(s: &str) -> Option<String> {
    let mut why = Vec::new();
    if s.len() > 15 {
        why.push("must be no more than 15 characters");
    }
    if !s.bytes().all(|c| alnum_lower(c) || c == b'-') || s.is_empty() {
        why.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        why.push("must contain at least one letter (a-z)");
    }
    if s.contains("--") {
        why.push("must not contain consecutive hyphens");
    }
    if s.starts_with('-') || s.ends_with('-') {
        why.push("must not begin or end with a hyphen");
    }
    (!why.is_empty()).then(|| why.join(", "))
}

/// A value left for a later substitution step rather than meant literally: `${X}`,
/// `{{ .x }}`, `$(X)`, `<your domain>`, `__HOST__`. Such values are not validated.
pub fn is_placeholder(s: &str) -> bool {
    s.contains("${")
        || s.contains("{{")
        || s.contains("$(")
        || (s.contains('<') && s.contains('>'))
        || (s.len() > 4 && s.starts_with("__") && s.ends_with("__"))
}

/// `IsValidPortNum`: 1 to 65535.
pub fn port_num(n: i64) -> Option<String> {
    (!(1..=65535).contains(&n)).then(|| "must be between 1 and 65535, inclusive".to_owned())
}

/// `IsEnvVarName`. Before the RelaxedEnvironmentVariableValidation feature gate was on by
/// default (beta in 1.32, GA in 1.34), a name was `[-._a-zA-Z][-._a-zA-Z0-9]*`; since,
/// any printable ASCII character but `=`.
pub fn env_var_name(s: &str, relaxed: bool) -> Option<String> {
    if relaxed {
        let ok = !s.is_empty() && s.bytes().all(|c| (b' '..=b'~').contains(&c) && c != b'=');
        return (!ok).then(|| {
            "a valid environment variable name must consist only of printable ASCII characters other than '='".to_owned()
        });
    }
    let b = s.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_');
    let ok = !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|&c| word(c));
    (!ok).then(|| {
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')".to_owned()
    })
}

/// An int-or-percent value (`intstr.IntOrString`) read as the server reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    /// A plain integer.
    Int(i64),
    /// `N%`.
    Percent(i64),
    /// A string that is not `[0-9]+%`.
    Malformed,
}

impl IntOrPercent {
    /// Reads a JSON value; `None` for other types (the schema rule's finding).
    pub fn of(v: &crate::base::value::Value) -> Option<IntOrPercent> {
        if let Some(n) = v.as_i64() {
            return Some(IntOrPercent::Int(n));
        }
        let s = v.as_str()?;
        Some(
            s.strip_suffix('%')
                .filter(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|d| d.parse().ok())
                .map_or(IntOrPercent::Malformed, IntOrPercent::Percent),
        )
    }

    /// The number, percent or not (`getIntOrPercentValue`).
    pub fn amount(self) -> Option<i64> {
        match self {
            IntOrPercent::Int(n) | IntOrPercent::Percent(n) => Some(n),
            IntOrPercent::Malformed => None,
        }
    }
}

/// Whether the text is an IP address as the server parses it (no leading zeros in IPv4).
pub fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

/// A CIDR (`10.0.0.0/8`, `fd00::/64`): its address and prefix length.
pub fn cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = s.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let bits: u8 = bits
        .parse()
        .ok()
        .filter(|_| bits.bytes().all(|c| c.is_ascii_digit()))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

/// Whether CIDR `inner` lies inside CIDR `outer` (same family, longer or equal prefix,
/// same network bits).
pub fn cidr_contains(outer: (IpAddr, u8), inner: (IpAddr, u8)) -> bool {
    let bits = |ip: IpAddr| -> u128 {
        match ip {
            IpAddr::V4(a) => u128::from(u32::from(a)) << 96,
            IpAddr::V6(a) => u128::from(a),
        }
    };
    if outer.0.is_ipv4() != inner.0.is_ipv4() || inner.1 < outer.1 {
        return false;
    }
    let len = outer.1;
    if len == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - u32::from(len));
    (bits(outer.0) & mask) == (bits(inner.0) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names_follow_iana() {
        assert_eq!(iana_svc_name("http"), None);
        assert_eq!(iana_svc_name("h2c-8080"), None);
        assert_eq!(
            iana_svc_name("my-very-long-port-name").as_deref(),
            Some("must be no more than 15 characters")
        );
        assert!(iana_svc_name("my_port").is_some());
        assert!(
            iana_svc_name("8080")
                .unwrap()
                .contains("at least one letter")
        );
        assert!(iana_svc_name("a--b").is_some());
        assert!(iana_svc_name("-ab").is_some());
        assert!(iana_svc_name("HTTP").is_some());
    }

    #[test]
    fn env_names_depend_on_the_gate() {
        assert_eq!(env_var_name("MY_VAR.x-1", false), None);
        assert!(env_var_name("1VAR", false).is_some());
        assert!(env_var_name("MY VAR", false).is_some());
        assert_eq!(env_var_name("1 VAR:x", true), None);
        assert!(env_var_name("A=B", true).is_some());
        assert!(env_var_name("", true).is_some());
    }

    #[test]
    fn percents_and_cidrs() {
        let v = |s: &str| crate::base::value::Value::String(s.into());
        assert_eq!(IntOrPercent::of(&v("25%")), Some(IntOrPercent::Percent(25)));
        assert_eq!(IntOrPercent::of(&v("25")), Some(IntOrPercent::Malformed));
        assert_eq!(
            IntOrPercent::of(&crate::json!(0)),
            Some(IntOrPercent::Int(0))
        );
        let outer = cidr("10.0.0.0/8").unwrap();
        assert!(cidr_contains(outer, cidr("10.1.0.0/16").unwrap()));
        assert!(!cidr_contains(outer, cidr("11.1.0.0/16").unwrap()));
        assert!(cidr("10.0.0.0/33").is_none());
        assert!(cidr("10.0.0.0").is_none());
        assert!(dns1123_label("my_app").is_some());
        assert!(dns1123_subdomain("example.com").is_none());
    }
}
