//! The Kubernetes versions k8lint knows.

/// Known minor versions, oldest first: those with embedded schemas (`schemas/kubernetes.json`).
/// `scripts/gen_schemas.py` rewrites this list; a unit test keeps the two equal.
pub const KNOWN: &[&str] = &[
    "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37",
];

/// The default target: the newest known version.
pub fn newest() -> &'static str {
    KNOWN[KNOWN.len() - 1]
}

/// Checks a `--kubernetes-version` value (`1.NN`, `v1.NN` or `1.NN.P`).
pub fn resolve(given: &str) -> Result<&'static str, String> {
    let trimmed = given.trim_start_matches('v');
    let minor: String = trimmed.split('.').take(2).collect::<Vec<_>>().join(".");
    KNOWN.iter().find(|v| **v == minor).copied().ok_or_else(|| {
        format!(
            "unknown Kubernetes version `{given}`; known versions: {}",
            KNOWN.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn resolves_spellings() {
        assert_eq!(super::resolve("1.30").unwrap(), "1.30");
        assert_eq!(super::resolve("v1.30.2").unwrap(), "1.30");
        assert!(super::resolve("1.12").unwrap_err().contains("1.27"));
    }
}
