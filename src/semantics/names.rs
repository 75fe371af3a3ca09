//! The name formats the API server validates, as functions that say what is wrong.

/// DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn dns1123_label(s: &str) -> Result<(), String> {
    label_like(
        s,
        63,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
        "a lower-case letter or digit",
        "lower-case letters, digits and `-`",
    )
}

/// DNS-1035 label: `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn dns1035_label(s: &str) -> Result<(), String> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("must start with a lower-case letter".to_owned());
    }
    dns1123_label(s)
}

/// DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
pub fn dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!("is {} characters long; the limit is 253", s.len()));
    }
    if s.is_empty() {
        return Err("must not be empty".to_owned());
    }
    for part in s.split('.') {
        if part.is_empty() {
            return Err("must not have an empty part between dots".to_owned());
        }
        label_like(
            part,
            usize::MAX,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
            "a lower-case letter or digit",
            "lower-case letters, digits, `-` and `.`",
        )?;
    }
    Ok(())
}

/// A name used as one path segment (RBAC objects): not `.` or `..`, no `/` or `%`.
pub fn path_segment(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if s == "." || s == ".." {
        return Err(format!("may not be `{s}`"));
    }
    if let Some(c) = s.chars().find(|c| *c == '/' || *c == '%') {
        return Err(format!("may not contain `{c}`"));
    }
    Ok(())
}

/// A qualified name (label and annotation keys): optional `prefix/` (a DNS-1123
/// subdomain) and a name of 1 to 63 characters `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
pub fn qualified_name(s: &str) -> Result<(), String> {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            return Err("has an empty prefix before `/`".to_owned());
        }
        if name.contains('/') {
            return Err("may contain at most one `/`".to_owned());
        }
        dns1123_subdomain(p).map_err(|e| format!("prefix `{p}` {e}"))?;
    }
    if name.is_empty() {
        return Err("has an empty name part".to_owned());
    }
    if name.len() > 63 {
        return Err(format!(
            "name part is {} characters long; the limit is 63",
            name.len()
        ));
    }
    name_chars(name)
}

/// A label value: empty, or at most 63 characters `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
pub fn label_value(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    if s.len() > 63 {
        return Err(format!("is {} characters long; the limit is 63", s.len()));
    }
    name_chars(s)
}

fn name_chars(s: &str) -> Result<(), String> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if let Some(c) = s
        .chars()
        .find(|c| !(alnum(*c) || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "contains {}; only letters, digits, `-`, `_` and `.` are allowed",
            show(c)
        ));
    }
    if !s.starts_with(alnum) || !s.ends_with(alnum) {
        return Err("must start and end with a letter or digit".to_owned());
    }
    Ok(())
}

/// A DNS label (or one part of a subdomain): `allowed` says which characters the whole
/// name may hold.
fn label_like(
    s: &str,
    max: usize,
    alnum: impl Fn(char) -> bool,
    what: &str,
    allowed: &str,
) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if s.len() > max {
        return Err(format!(
            "is {} characters long; the limit is {max}",
            s.len()
        ));
    }
    if s.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("must be lower case".to_owned());
    }
    if let Some(c) = s.chars().find(|c| !(alnum(*c) || *c == '-')) {
        return Err(format!("contains {}; only {allowed} are allowed", show(c)));
    }
    if !s.starts_with(&alnum) || !s.ends_with(&alnum) {
        return Err(format!("must start and end with {what}"));
    }
    Ok(())
}

fn show(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '.' => "`.`".to_owned(),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_regexes() {
        assert!(dns1123_label("web-1").is_ok());
        assert!(dns1123_label("Web").is_err());
        assert!(dns1123_label("web.1").is_err());
        assert!(dns1123_label("-web").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1035_label("1web").is_err());
        assert!(dns1123_subdomain("a.b-c.d").is_ok());
        assert!(dns1123_subdomain("a..b").is_err());
        // A subdomain's message allows the dot it may hold; a label's does not.
        assert_eq!(
            dns1123_subdomain("web_1.example").unwrap_err(),
            "contains `_`; only lower-case letters, digits, `-` and `.` are allowed"
        );
        assert_eq!(
            dns1123_label("web_1").unwrap_err(),
            "contains `_`; only lower-case letters, digits and `-` are allowed"
        );
        assert!(qualified_name("app.kubernetes.io/name").is_ok());
        assert!(qualified_name("app").is_ok());
        assert!(qualified_name("a/b/c").is_err());
        assert!(qualified_name("/a").is_err());
        assert!(qualified_name("Example.com/a").is_err());
        assert!(qualified_name("a b").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_3-x").is_ok());
        assert!(label_value("-x").is_err());
        assert!(label_value(&"a".repeat(64)).is_err());
        assert!(path_segment("system:controller:x").is_ok());
        assert!(path_segment("a/b").is_err());
    }
}
