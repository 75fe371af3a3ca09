//! Names built to forge output: a container named with CR LF and a workflow command, ESC
//! sequences (clear screen, window title), a bidirectional override, HTML in a label, and
//! a file name with a line break. Every format prints them escaped.

use std::fs;

use super::k8lint;

const FORGED: &str = "::warning file=a::forged";

fn hostile_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "\
apiVersion: v1
kind: Pod
metadata:
  name: \"web\\e]0;pwned\\a\"
  labels: {app: \"<img src=x onerror=alert(1)>\"}
spec:
  containers:
    - name: \"x\\r\\n::warning file=a::forged\"
      image: \"nginx\\e[2J\\u202e\"
      securityContext: {privileged: true}
";
    fs::write(dir.path().join("pod.yaml"), manifest).unwrap();
    fs::write(
        dir.path().join("svc\n::error file=b::forged.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: \"<b>svc</b>\"}\nspec:\n  selector: {app: none}\n  ports: [{port: 80}]\n",
    )
    .unwrap();
    dir
}

/// No control character reaches the output raw; in text formats no bidirectional override
/// either (JSON, SARIF and JUnit carry text as data, for their readers to decode).
fn assert_clean(what: &str, out: &str) {
    assert!(!out.contains('\u{1b}'), "{what}: raw ESC in\n{out}");
    assert!(!out.contains('\u{7}'), "{what}: raw BEL in\n{out}");
    assert!(!out.contains('\r'), "{what}: raw CR in\n{out}");
    let data = matches!(what, "json" | "sarif" | "junit");
    assert!(
        data || !out.contains('\u{202e}'),
        "{what}: raw bidi override in\n{out}"
    );
    for line in out.lines() {
        assert!(
            !line.starts_with("::warning file=a") && !line.starts_with("::error file=b"),
            "{what}: forged line {line:?}"
        );
    }
}

#[test]
fn every_format_escapes_hostile_names() {
    let dir = hostile_repo();
    for format in ["human", "short", "json", "sarif", "junit", "github"] {
        // `privileged-container` is a policy (its messages carry the hostile name) and
        // reports only where pod-security does not: at the privileged level.
        let (code, out, err) = k8lint(
            dir.path(),
            &[
                "check",
                ".",
                "--format",
                format,
                "--pod-security",
                "privileged",
            ],
        );
        assert_eq!(code, Some(1), "{format}: {err}");
        assert_clean(format, &out);
        assert_clean(format, &err);
        assert!(
            out.contains("privileged-container") && out.contains("forged"),
            "{format}: the policy's finding is shown\n{out}"
        );
    }
    // short: one line per finding, each starting with a file name.
    let (_, out, _) = k8lint(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "short",
            "--pod-security",
            "privileged",
        ],
    );
    assert!(
        out.contains("x\\r\\n::warning file=a::forged runs privileged"),
        "{out}"
    );
    assert!(out.contains("svc\\n::error file=b::forged.yaml:"), "{out}");
    // github: every line is one of our commands.
    let (_, out, _) = k8lint(dir.path(), &["check", ".", "--format", "github"]);
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    assert!(!out.contains(&format!("%0A{FORGED}")), "{out}");
}

#[test]
fn mermaid_labels_carry_no_markup() {
    let dir = hostile_repo();
    let (code, out, err) = k8lint(dir.path(), &["graph", ".", "--format", "mermaid"]);
    assert_eq!(code, Some(0), "{err}");
    assert_clean("mermaid", &out);
    assert!(!out.contains("<b>") && !out.contains("<img"), "{out}");
    assert!(out.contains("&lt;b&gt;svc&lt;/b&gt;"), "{out}");
}
