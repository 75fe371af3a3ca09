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
