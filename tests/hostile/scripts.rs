//! Templates and policies under the clock: no `sleep` or `timestamp`, a deadline per call
//! and per run (limits.script-call-ms, limits.script-run-ms), each a located finding.

use std::fs;
use std::path::Path;

use super::k8lint;

fn short(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["check", "--format", "short"];
    all.extend_from_slice(args);
    let (code, out, _) = k8lint(dir, &all);
    (code, out)
}

fn config_map(data: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: t}}\ndata:\n{data}")
}

/// An expression that scans a long literal thousands of times: few operations, much time.
fn slow_expression() -> String {
    format!(
        "\"{}\".split(\"\").map(|c| \"{}\".index_of(\"z\")).len()",
        "y".repeat(5_000),
        "x".repeat(500_000)
    )
}

#[test]
fn templates_have_no_clock() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("t.yaml"),
        config_map("  a: \"${{ sleep(100000000) }}\"\n  b: \"${{ sleep(1.5e9) }}\"\n  c: \"${{ timestamp() }}\"\n"),
    )
    .unwrap();
    let (code, out) = short(dir.path(), &["t.yaml"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "t.yaml:5:7: error[template-error]: `sleep(100000000)` failed: Runtime error: `sleep` is not available: scripts have no clock\n\
         t.yaml:6:7: error[template-error]: `sleep(1.5e9)` failed: Runtime error: `sleep` is not available: scripts have no clock\n\
         t.yaml:7:7: error[template-error]: `timestamp()` failed: Runtime error: `timestamp` is not available: scripts have no clock\n"
    );
}

#[test]
fn a_slow_template_expression_stops_at_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(".k8lint.yaml"), "limits:\n  script-call-ms: 300\n").unwrap();
    fs::write(
        d.join("t.yaml"),
        config_map(&format!("  a: '${{{{ {} }}}}'\n", slow_expression())),
    )
    .unwrap();
    let (code, out) = short(d, &["t.yaml"]);
    assert_eq!(code, Some(1));
    assert!(
        out.starts_with("t.yaml:5:7: error[template-error]: `\"yyyy"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "stopped: it ran longer than the limit of 300 ms per call (limits.script-call-ms)\n"
        ),
        "{out}"
    );
}

/// Aliases copy an expression; each copy is evaluated, and the run's budget bounds them all.
#[test]
fn aliased_slow_templates_stop_at_the_run_budget() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join(".k8lint.yaml"),
        // Room for the aliases' bytes: the script budget is what this case is about.
        "limits:\n  script-call-ms: 400\n  script-run-ms: 1000\n  max-alias-bytes: 100000000\n",
    )
    .unwrap();
    let aliases: String = (0..30).map(|i| format!("  a{i}: *slow\n")).collect();
    fs::write(
        d.join("t.yaml"),
        config_map(&format!(
            "  a: &slow '${{{{ {} }}}}'\n{aliases}",
            slow_expression()
        )),
    )
    .unwrap();
    let (code, out) = short(d, &["t.yaml"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains(
            "stopped: the run's scripts used up their time budget of 1000 ms (limits.script-run-ms)"
        ),
        "{out}"
    );
}

fn policy(body: &str) -> String {
    format!(
        "const ID = \"hostile\";\nconst SEVERITY = \"warning\";\nconst SUMMARY = \"test\";\n\
         const KINDS = [\"ConfigMap\"];\n{body}\n"
    )
}

fn policy_run(config: &str, body: &str, objects: usize) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(".k8lint.yaml"), config).unwrap();
    fs::create_dir(d.join("policies")).unwrap();
    fs::write(d.join("policies/hostile.rhai"), policy(body)).unwrap();
    let docs: String = (0..objects)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"))
        .collect();
    fs::write(d.join("m.yaml"), docs).unwrap();
    short(d, &["m.yaml", "--policies", "policies"])
}

#[test]
fn policies_have_no_clock() {
    let (code, out) = policy_run("", "fn check(o, ctx) { sleep(100000000); }", 2);
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "policies/hostile.rhai:5:20: error[policy-error]: policy `hostile` failed on ConfigMap default/c0: Runtime error: `sleep` is not available: scripts have no clock\n"
    );
    let (code, out) = policy_run("", "const T = sleep(100000000);\nfn check(o, ctx) { }", 1);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("error[policy-error]: the policy's top level fails: Runtime error: `sleep` is not available: scripts have no clock"),
        "{out}"
    );
    // Without `timestamp`, a policy has no way to differ between runs.
    let (code, out) = policy_run("", "fn check(o, ctx) { let t = timestamp(); }", 1);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("`timestamp` is not available: scripts have no clock"),
        "{out}"
    );
}

/// An 80,000-item array stays under the operation budget but not under the clock.
#[test]
fn a_slow_policy_stops_at_its_deadline() {
    let (code, out) = policy_run(
        "limits:\n  script-call-ms: 300\n",
        "fn check(o, ctx) { loop { let a = []; for i in 0..80000 { a.push(i.to_string()); } } }",
        3,
    );
    assert_eq!(code, Some(1));
    assert!(
        out.contains("policy `hostile` failed on ConfigMap default/c0: it ran longer than the limit of 300 ms per call (limits.script-call-ms)"),
        "{out}"
    );
}

/// Every object under the call's deadline (each scans 2 MB fifty times): the run's budget
/// ends them.
#[test]
fn many_slow_policy_calls_stop_at_the_run_budget() {
    let (code, out) = policy_run(
        "limits:\n  script-call-ms: 4000\n  script-run-ms: 1000\n",
        "fn check(o, ctx) { let s = \"x\"; s.pad(2000000, \"x\"); let n = 0; for i in 0..50 { n += s.index_of(\"z\"); } }",
        40,
    );
    assert_eq!(code, Some(1));
    assert!(
        out.contains(
            "the run's scripts used up their time budget of 1000 ms (limits.script-run-ms)"
        ),
        "{out}"
    );
}
