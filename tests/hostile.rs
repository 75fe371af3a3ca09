//! Hostile input: each case asserts the exact diagnostic or exit status, and that the run
//! ends within bounds of time and memory measured on the process itself ([`run`]).

use std::fs;
use std::path::Path;
use std::process::Command;

#[path = "hostile/binding.rs"]
mod binding;
#[path = "hostile/budgets.rs"]
mod budgets;
#[path = "hostile/crds.rs"]
mod crds;
#[path = "hostile/fuzz_loop.rs"]
mod fuzz_loop;
#[path = "hostile/output.rs"]
mod output;
#[path = "hostile/quadratic.rs"]
mod quadratic;
#[path = "hostile/run.rs"]
mod run;
#[path = "hostile/sandbox.rs"]
mod sandbox;
#[path = "hostile/scripts.rs"]
mod scripts;
#[path = "hostile/services.rs"]
mod services;
#[path = "hostile/small.rs"]
mod small;

use run::k8lint;

fn short(dir: &Path, file: &str) -> (Option<i32>, String) {
    let (code, out, _) = k8lint(dir, &["check", file, "--format", "short"]);
    (code, out)
}

#[test]
fn billion_laughs() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='i' {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("  {name}: &{name} [{refs}]\n"));
        prev = name;
    }
    fs::write(dir.path().join("lol.yaml"), text).unwrap();
    let (code, out) = short(dir.path(), "lol.yaml");
    assert_eq!(code, Some(1));
    // Copies of small nodes: the bytes they take reach their bound first.
    assert!(
        out.contains("error[yaml-syntax]: alias expansion exceeds the limit of 4194304 copied bytes (limits.max-alias-bytes)"),
        "{out}"
    );
    // With room for the bytes, the node count holds.
    fs::write(
        dir.path().join(".k8lint.yaml"),
        "limits: {max-alias-bytes: 1000000000}\n",
    )
    .unwrap();
    let (code, out) = short(dir.path(), "lol.yaml");
    assert_eq!(code, Some(1));
    assert!(
        out.contains(
            "error[yaml-syntax]: alias expansion exceeds the limit of 1000000 copied nodes"
        ),
        "{out}"
    );
}

#[test]
fn ten_thousand_deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let n = 10_000;
    fs::write(
        dir.path().join("seq.yaml"),
        format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
    )
    .unwrap();
    fs::write(
        dir.path().join("map.yaml"),
        format!("a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
    )
    .unwrap();
    for f in ["seq.yaml", "map.yaml"] {
        let (code, out) = short(dir.path(), f);
        assert_eq!(code, Some(1), "{f}");
        assert!(
            out.contains("error[yaml-syntax]: nesting deeper than 255 levels"),
            "{f}: {out}"
        );
    }
}

#[test]
fn a_hundred_megabyte_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let f = fs::File::create(dir.path().join("huge.yaml")).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    let (code, out) = short(dir.path(), "huge.yaml");
    assert_eq!(code, Some(1));
    assert!(out.contains("huge.yaml:1:1: error[yaml-syntax]: the file is 104857600 bytes, over the limit of 67108864 bytes"), "{out}");
}

#[test]
fn limits_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join(".k8lint.yaml"),
        "limits:\n  max-scalar-bytes: 64\n  max-objects: 2\n",
    )
    .unwrap();
    let cm = |name: &str, value: &str| {
        format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{v: \"{value}\"}}\n"
        )
    };
    fs::write(
        d.join("m.yaml"),
        [
            cm("a", "short"),
            cm("b", &"x".repeat(100)),
            cm("c", "ok"),
            cm("d", "ok"),
        ]
        .concat(),
    )
    .unwrap();
    let (code, out) = short(d, "m.yaml");
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "m.yaml:10:11: error[yaml-syntax]: a scalar of 100 bytes exceeds the limit of 64 bytes (limits.max-scalar-bytes)\n\
         m.yaml:17:1: error[yaml-syntax]: the run has more than 2 objects (limits.max-objects); this one and the rest are not checked\n"
    );
    fs::write(d.join(".k8lint.yaml"), "limits:\n  max-files: 3\n").unwrap();
    let (code, _, err) = k8lint(d, &["check", "m.yaml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(".k8lint.yaml:2:3: unknown limit `max-files`"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_nul_bytes_and_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("bad.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n",
    )
    .unwrap();
    let (code, out) = short(d, "bad.yaml");
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            "bad.yaml:4:9: error[yaml-syntax]: invalid UTF-8 at byte 49; manifests must be UTF-8 text\n"
        )
    );

    fs::write(d.join("nul.yaml"), vec![0u8; 4096]).unwrap();
    let (code, out) = short(d, "nul.yaml");
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            "nul.yaml:1:1: error[yaml-syntax]: binary data (a NUL byte at offset 0); not a YAML or JSON file\n"
        )
    );

    let mut utf16 = vec![0xFF, 0xFE];
    for u in "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ünï\ndata:\n  a: x\n  a: y\n"
        .encode_utf16()
    {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    fs::write(d.join("utf16.yaml"), utf16).unwrap();
    let (code, out) = short(d, "utf16.yaml");
    assert_eq!(code, Some(1));
    // (The name and `a: y` are also reported: `ünï` is no DNS name, `y` is a boolean.)
    assert!(
        out.contains("utf16.yaml:7:3: error[yaml-duplicate-key]"),
        "{out}"
    );
}

#[test]
fn crlf_line_endings_keep_spans_right() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("crlf.yaml"), "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\ndata:\r\n  a: one\r\n    \r\n  a: two\r\n").unwrap();
    let (code, out) = short(dir.path(), "crlf.yaml");
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "crlf.yaml:8:3: error[yaml-duplicate-key]: duplicate key `a`: the later value silently replaces the earlier one\n"
    );
}

#[test]
fn tabs_in_indentation() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("tab.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n",
    )
    .unwrap();
    let (code, out) = short(dir.path(), "tab.yaml");
    assert_eq!(code, Some(1));
    assert!(
        out.starts_with("tab.yaml:4:2: error[yaml-syntax]: tabs disallowed"),
        "{out}"
    );
}

#[test]
fn a_document_of_only_dashes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dash.yaml"), "---\n").unwrap();
    let (code, out) = short(dir.path(), "dash.yaml");
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "dash.yaml:1:1: error[missing-kind]: this file holds no Kubernetes object (no document has both apiVersion and kind)\n"
    );
    // Found in a walk, the same file is skipped and counted.
    let (code, out, _) = k8lint(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("\"skipped_files\": 1"), "{out}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("b.yaml"), d.join("a.yaml")).unwrap();
    std::os::unix::fs::symlink(d.join("a.yaml"), d.join("b.yaml")).unwrap();
    let (code, _, err) = k8lint(d, &["check", "a.yaml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("a.yaml: Too many levels of symbolic links"),
        "{err}"
    );

    let fifo = d.join("pipe.yaml");
    let status = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let (code, _, err) = k8lint(d, &["check", "pipe.yaml"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("pipe.yaml: not a regular file or directory"),
        "{err}"
    );
    // In a walk, neither the FIFO nor the symlink loop is opened.
    let (code, _, err) = k8lint(d, &["check", "."]);
    assert_eq!(code, Some(0), "{err}");

    // A file the OS refuses to read (even to root): exit 2 with the path and the OS error.
    let (code, _, err) = k8lint(d, &["check", "/proc/self/mem"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/proc/self/mem: Input/output error"), "{err}");
}

/// Templates are expressions only: a loop, a recursive call or a 5,000-deep expression is
/// a `template-error`, never a hang. (Policies' endless loops are in tests/policies.rs.)
#[test]
fn templates_that_loop_or_recurse() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: t}}\ndata:\n  loop: \"${{{{ loop {{ }} }}}}\"\n  deep: \"${{{{ {deep} }}}}\"\n  call: '${{{{ Fn(\"x\").call() }}}}'\n"
    );
    fs::write(dir.path().join("t.yaml"), text).unwrap();
    let (code, out) = short(dir.path(), "t.yaml");
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with(
            "t.yaml:5:10: error[template-error]: `loop { }` is not a valid expression"
        ),
        "{out}"
    );
    assert!(
        lines[1].contains("error[template-error]") && lines[1].contains("maximum complexity"),
        "{out}"
    );
    assert!(
        lines[2].contains("error[template-error]: `Fn(\"x\").call()` failed"),
        "{out}"
    );
}
