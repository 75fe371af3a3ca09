//! The smaller holes: limits at their edges.

use std::fs;

use super::k8lint;

const CM: &str = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";

/// `--max-file-size` at u64::MAX once read every file as empty (the bound plus one wrapped).
#[test]
fn the_largest_max_file_size_reads_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("m.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1, a: 2}\n",
    )
    .unwrap();
    let max = u64::MAX.to_string();
    let (code, out, _) = k8lint(
        dir.path(),
        &["check", ".", "--format", "short", "--max-file-size", &max],
    );
    assert_eq!(code, Some(1));
    assert!(
        out.contains("m.yaml:4:14: error[yaml-duplicate-key]"),
        "{out}"
    );
}

/// The document limit is exact: `max-documents` documents pass, one more is refused.
#[test]
fn the_document_limit_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(".k8lint.yaml"), "limits:\n  max-documents: 3\n").unwrap();
    let names = |n: usize| -> String {
        (0..n)
            .map(|i| CM.replace("name: c", &format!("name: c{i}")))
            .collect()
    };
    fs::write(d.join("three.yaml"), names(3)).unwrap();
    let (code, out, _) = k8lint(d, &["check", "three.yaml", "--format", "short"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
    fs::write(d.join("four.yaml"), names(4)).unwrap();
    let (code, out, _) = k8lint(d, &["check", "four.yaml", "--format", "json"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("the file has more than 3 documents"), "{out}");
    assert!(out.contains("\"objects\": 3"), "{out}");
}

/// Render refuses what check rejects: an invalid name is an error, so nothing is printed.
#[test]
fn render_refuses_objects_with_schema_or_name_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\ndata: {a: b}\n",
    )
    .unwrap();
    let (code, out, err) = k8lint(dir.path(), &["render", "bad.yaml"]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    assert!(
        err.contains("invalid-name") && err.contains("render stopped"),
        "{err}"
    );
}

/// A valid 253-character name makes a file name over 255 bytes: it is shortened, stably.
#[test]
fn render_output_dir_with_the_longest_valid_name() {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("a{}", "b".repeat(251)) + "c";
    assert_eq!(name.len(), 253);
    fs::write(
        dir.path().join("m.yaml"),
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n"),
    )
    .unwrap();
    let (code, _, err) = k8lint(dir.path(), &["render", "m.yaml", "--output-dir", "out"]);
    assert_eq!(code, Some(0), "{err}");
    let files: Vec<String> = fs::read_dir(dir.path().join("out/default"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(
        files[0].len() <= 255 && files[0].starts_with("configmap-abbb"),
        "{files:?}"
    );
}

/// `--force` replaces the output directory: never one that holds the run's inputs (the
/// sources, the repository's `.git`), and never through a fixed backup name.
#[test]
fn force_refuses_an_output_dir_holding_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("repo/.git")).unwrap();
    fs::write(d.join("repo/m.yaml"), CM).unwrap();
    for out_dir in [".", "..", "../repo"] {
        let (code, _, err) = k8lint(
            &d.join("repo"),
            &["render", "m.yaml", "--output-dir", out_dir, "--force"],
        );
        assert_eq!(code, Some(2), "{out_dir}: {err}");
        assert!(err.contains("holds an input of this run (m.yaml)"), "{err}");
    }
    assert!(d.join("repo/m.yaml").exists() && d.join("repo/.git").exists());
    // A `.out.old` of someone else's is neither deleted nor in the way.
    fs::create_dir_all(d.join("repo/out")).unwrap();
    fs::write(d.join("repo/out/stale.yaml"), "x").unwrap();
    fs::create_dir_all(d.join("repo/.out.old")).unwrap();
    fs::write(d.join("repo/.out.old/keep"), "mine").unwrap();
    let (code, _, err) = k8lint(
        &d.join("repo"),
        &["render", "m.yaml", "--output-dir", "out", "--force"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(d.join("repo/.out.old/keep").exists());
    assert!(!d.join("repo/out/stale.yaml").exists());
}

/// 20,000 copies of one object: duplicate-object is one pass with a hash map.
#[test]
fn twenty_thousand_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dup.yaml"), CM.repeat(20_000)).unwrap();
    let (code, out, _) = k8lint(dir.path(), &["check", "dup.yaml", "--format", "json"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out.matches("\"rule\": \"duplicate-object\"").count(),
        19_999
    );
}

/// One Service selecting 5,000 Deployments: the selection is linear in what it selects,
/// and the finding names ten of them and counts the rest.
#[test]
fn one_service_selecting_thousands_of_workloads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Only the Service rules matter here; the per-workload rules and policies would
    // measure themselves.
    fs::write(
        d.join(".k8lint.yaml"),
        "rules:\n  disable: [docker-socket, host-namespaces, privilege-escalation, privileged-container, read-only-root-fs, resources-limits, resources-requests, run-as-root, secret-env, probe-missing-liveness, probe-missing-readiness]\n",
    )
    .unwrap();
    let mut text = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  selector: {app: x}\n  ports: [{port: 80}]\n",
    );
    for i in 0..5_000 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x}}}}\n    spec:\n      containers: [{{name: c, image: i:1}}]\n"
        ));
    }
    fs::write(d.join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        d,
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    let line = out
        .lines()
        .find(|l| l.contains("service-multiple-workloads"))
        .unwrap_or_else(|| panic!("{out}{err}"));
    assert!(
        line.contains("selects the pods of 5000 workloads: Deployment d0,")
            && line.ends_with("Deployment d9, and 4990 more"),
        "{line}"
    );
}
