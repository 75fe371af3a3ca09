//! The Kubernetes versions k8lint knows.

/// Known minor versions, oldest first: those with embedded schemas (`schemas/kubernetes.json`).
/// `scripts/gen_schemas.py` rewrites this list; a unit test keeps the two equal.
pub const KNOWN: &[&str] = &[
    "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37",
];

/// A Kubernetes release k8lint knows (`1.NN`): a target version resolved once, from the
/// command line or the config, and carried through the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KubeVersion(&'static str);

impl KubeVersion {
    /// The default target: the newest known version.
    pub fn newest() -> KubeVersion {
        KubeVersion(KNOWN[KNOWN.len() - 1])
    }

    /// Checks a `--kubernetes-version` value (`1.NN`, `v1.NN` or `1.NN.P`).
    pub fn resolve(given: &str) -> Result<KubeVersion, String> {
        let trimmed = given.trim_start_matches('v');
        let minor: String = trimmed.split('.').take(2).collect::<Vec<_>>().join(".");
        KNOWN
            .iter()
            .find(|v| **v == minor)
            .map(|v| KubeVersion(v))
            .ok_or_else(|| {
                format!(
                    "unknown Kubernetes version `{given}`; known versions: {}",
                    KNOWN.join(", ")
                )
            })
    }

    /// `1.NN`.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The minor number (`NN` of `1.NN`).
    pub fn minor(self) -> u32 {
        self.0
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .expect("every known version is 1.NN")
    }
}

impl std::fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::KubeVersion;

    #[test]
    fn resolves_spellings() {
        assert_eq!(KubeVersion::resolve("1.30").unwrap().as_str(), "1.30");
        assert_eq!(KubeVersion::resolve("v1.30.2").unwrap().as_str(), "1.30");
        assert!(KubeVersion::resolve("1.12").unwrap_err().contains("1.27"));
    }
}
