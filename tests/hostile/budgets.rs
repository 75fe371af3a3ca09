//! Byte budgets: what aliases copy, how deep they nest, and the run's ceiling on parsed
//! input; render's output streamed, however large.

use std::fs;
use std::path::Path;

use super::run::{k8lint, k8lint_to};
use super::short;

/// A custom resource whose `spec.a` anchors a `scalar_bytes` scalar that `copies` aliases
/// repeat.
fn aliased_scalar(scalar_bytes: usize, copies: usize) -> String {
    format!(
        "apiVersion: example.com/v1\nkind: Blob\nmetadata: {{name: big}}\nspec:\n  a: &a {}\n  b: [{}]\n",
        "x".repeat(scalar_bytes),
        vec!["*a"; copies].join(",")
    )
}

#[test]
fn one_large_scalar_aliased_ten_thousand_times() {
    let dir = tempfile::tempdir().unwrap();
    // 130 KB that would expand to 1 GB, and the 1 MB file that would abort on allocation.
    for (file, scalar) in [("small.yaml", 100_000), ("large.yaml", 1_000_000)] {
        let text = aliased_scalar(scalar, 10_000);
        fs::write(dir.path().join(file), &text).unwrap();
        let (code, out) = short(dir.path(), file);
        assert_eq!(code, Some(1), "{file}");
        assert!(
            out.contains("error[yaml-syntax]: alias expansion exceeds the limit of 4194304 copied bytes (limits.max-alias-bytes)"),
            "{file}: {out}"
        );
    }
}

#[test]
fn many_files_each_under_the_alias_limit_share_the_run_budget() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Each file copies 4,000,320 bytes, just under the per-file bound.
    for i in 0..16 {
        let text = aliased_scalar(99_968, 40).replace("name: big", &format!("name: b{i}"));
        fs::write(d.join(format!("f{i:02}.yaml")), text).unwrap();
    }
    let (code, out, _) = k8lint(
        d,
        &[
            "check",
            ".",
            "--format",
            "short",
            "--disable",
            "unknown-kind",
        ],
    );
    assert_eq!((code, out.as_str()), (Some(0), ""));
    // A ceiling of 20 MB: four or five files fit, the others are refused at the alias
    // that crosses it (which ones depends on the order threads reach them).
    fs::write(
        d.join(".k8lint.yaml"),
        "limits: {max-input-bytes: 20000000}\n",
    )
    .unwrap();
    let (code, out) = short(d, ".");
    assert_eq!(code, Some(1));
    let refused = out
        .lines()
        .filter(|l| l.contains("error[yaml-syntax]: the run's parsed input exceeds the limit of 20000000 bytes (limits.max-input-bytes)"))
        .count();
    assert!((11..=13).contains(&refused), "{refused}: {out}");
}

#[test]
fn the_run_ceiling_counts_file_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cm = |name: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{k: v}}\n")
    };
    fs::write(d.join("a.yaml"), cm("a")).unwrap();
    fs::write(d.join("b.yaml"), cm("b")).unwrap();
    fs::write(d.join(".k8lint.yaml"), "limits: {max-input-bytes: 100}\n").unwrap();
    let (code, out) = short(d, "a.yaml");
    assert_eq!((code, out.as_str()), (Some(0), ""));
    let (code, out, _) = k8lint(
        d,
        &[
            "check", "a.yaml", "b.yaml", "--format", "short", "--jobs", "1",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "b.yaml:1:1: error[yaml-syntax]: the run's parsed input exceeds the limit of 100 bytes (limits.max-input-bytes); from here on the input is not read\n"
    );
}

#[test]
fn nesting_stacked_through_aliases() {
    // 33 KB: each anchor nests the previous one 250 levels deeper.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n");
    text.push_str(&format!(
        "  a0: &a0 {}1{}\n",
        "[".repeat(250),
        "]".repeat(250)
    ));
    for i in 1..64 {
        text.push_str(&format!(
            "  a{i}: &a{i} {}*a{}{}\n",
            "[".repeat(250),
            i - 1,
            "]".repeat(250)
        ));
    }
    assert!(text.len() > 32_000);
    fs::write(dir.path().join("deep.yaml"), text).unwrap();
    let (code, out) = short(dir.path(), "deep.yaml");
    assert_eq!(code, Some(1));
    assert!(
        out.contains("deep.yaml:6:261: error[yaml-syntax]: this alias nests its value 502 levels deep, past the limit of 255 levels"),
        "{out}"
    );
}

/// A Widget whose spec nests a list of `width` aliased lists 240 levels deep: a few KB
/// that render prints as tens of MB of indented JSON.
fn wide_and_deep(dir: &Path, width: usize) {
    let leaf = vec!["1"; 1000].join(",");
    let copies = vec!["*l"; width].join(",");
    let text = format!(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w}}\nspec:\n  l: &l [{leaf}]\n  deep: {}{copies}{}\n",
        "[".repeat(240),
        "]".repeat(240)
    );
    fs::write(dir.join("w.yaml"), text).unwrap();
}

#[test]
fn render_json_streams_a_huge_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 150 copies of 1,001 nodes (990 make 480 MB in 12 KB, but take a debug build more
    // than the CPU bound to print).
    wide_and_deep(d, 150);
    fs::write(
        d.join(".k8lint.yaml"),
        "limits: {max-alias-bytes: 100000000}\n",
    )
    .unwrap();
    let out_path = d.join("out.json");
    let out = fs::File::create(&out_path).unwrap();
    let (code, err, usage) = k8lint_to(d, &["render", "w.yaml", "--format", "json"], out);
    assert_eq!(code, Some(0), "{err}");
    let len = fs::metadata(&out_path).unwrap().len();
    assert!(len > 70_000_000, "{len} bytes");
    // Streamed: the process never held its own output.
    assert!(usage.max_rss_bytes < len, "{usage:?} for {len} bytes");
}
