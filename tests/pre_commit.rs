//! The pre-commit hook, run by the real pre-commit tool (scripts/pre-commit-demo.sh) when
//! it is installed; skipped, saying why, when it is not.

use std::process::Command;

#[test]
fn pre_commit_hook_refuses_a_broken_repository_and_passes_the_fixed_one() {
    let found = Command::new("pre-commit").arg("--version").output();
    if !found.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: pre-commit is not on PATH (pip install pre-commit to run this test)");
        return;
    }
    let out = Command::new("bash")
        .arg("scripts/pre-commit-demo.sh")
        .env("K8LINT", env!("CARGO_BIN_EXE_k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "pre-commit demo failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
