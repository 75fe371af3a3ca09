//! `k8lint schemas`: what is embedded to validate objects against, so that a user can tell
//! whether a custom resource is checked without its CRD.

use std::io::{self, Write};

use crate::base::value::Value;
use crate::json;

use super::{Fatal, Outcome};
use crate::cli::{RulesFormat, SchemasArgs};
use crate::schema::builtin_crds::{self, Kind};
use crate::schema::catalog;
use crate::versions::KubeVersion;

/// `k8lint schemas`.
pub fn schemas(args: &SchemasArgs, stdout: &mut dyn Write) -> Result<Outcome, Fatal> {
    let crds = builtin_crds::catalog();
    let newest = KubeVersion::newest();
    match args.format {
        RulesFormat::Text => {
            writeln!(
                stdout,
                "Kubernetes versions: {} (default {})",
                catalog::versions().join(", "),
                newest.as_str()
            )?;
            writeln!(
                stdout,
                "\nCRDs of common operators ({} kinds; `--no-builtin-crds` or `builtin-crds: false` turns them off;\nCRDs in the inputs or --context replace them):",
                crds.kinds.len()
            )?;
            for (i, op) in crds.operators.iter().enumerate() {
                writeln!(stdout, "\n{} {} ({})", op.name, op.version, op.repository)?;
                let mut group = "";
                for k in crds.kinds_of(i) {
                    if k.group != group {
                        group = &k.group;
                        writeln!(stdout, "  {group}")?;
                    }
                    writeln!(stdout, "    {} ({})", k.kind, versions(k).join(", "))?;
                }
            }
        }
        RulesFormat::Json => {
            let operators: Vec<Value> = crds
                .operators
                .iter()
                .enumerate()
                .map(|(i, op)| {
                    let kinds: Vec<Value> = crds
                        .kinds_of(i)
                        .map(|k| {
                            json!({
                                "group": k.group,
                                "kind": k.kind,
                                "versions": versions(k),
                                "scope": k.scope,
                            })
                        })
                        .collect();
                    json!({
                        "operator": op.name,
                        "version": op.version,
                        "repository": op.repository,
                        "commit": op.commit,
                        "kinds": kinds,
                    })
                })
                .collect();
            let doc = json!({
                "kubernetes": {
                    "versions": catalog::versions(),
                    "default": newest.as_str(),
                },
                "crds": operators,
            });
            serde_json::to_writer_pretty(&mut *stdout, &doc).map_err(io::Error::from)?;
            writeln!(stdout)?;
        }
    }
    Ok(Outcome::Success)
}

fn versions(k: &Kind) -> Vec<&str> {
    k.versions.iter().map(|(v, _)| v.as_str()).collect()
}
