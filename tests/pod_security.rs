//! `pod-security` end to end: the target Kubernetes version decides which form of a
//! control applies at `latest`, `--pod-security` and the config choose the default level,
//! and exemptions skip pods. Findings of other rules are ignored here.

use std::path::{Path, PathBuf};

use k8lint::app;
use k8lint::base::value::Value;
use k8lint::cli::{CacheArgs, CheckArgs, CheckFormat, TargetArgs};

/// A pod that is fine at baseline on new clusters only: the sysctl is allowed from
/// v1.32, the SELinux type from v1.31; the probe host is forbidden from v1.34.
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: apps}
spec:
  securityContext:
    seLinuxOptions: {type: container_engine_t}
    sysctls: [{name: net.ipv4.tcp_rmem, value: '4096 87380 6291456'}]
  containers:
    - name: web
      image: nginx:1.27
      readinessProbe: {httpGet: {host: example.com, port: 80}}
";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8lint-pss-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("input.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The JSON report's findings of a check.
fn diagnostics(args: CheckArgs) -> Vec<Value> {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let args = CheckArgs {
        format: CheckFormat::Json,
        ..args
    };
    app::check(&args, &mut out, &mut err).unwrap_or_else(|e| panic!("check failed: {e}"));
    let mut report: Value = serde_json::from_slice(&out).unwrap();
    match report["diagnostics"].take() {
        Value::Array(all) => all,
        other => panic!("no diagnostics: {other}"),
    }
}

/// The `pod-security` findings as `severity message`.
fn run(args: CheckArgs) -> Vec<String> {
    diagnostics(args)
        .iter()
        .filter(|d| d["rule"] == "pod-security")
        .map(|d| {
            format!(
                "{} {}",
                d["severity"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn args(path: &Path) -> CheckArgs {
    CheckArgs {
        paths: vec![path.to_string_lossy().into_owned()],
        ..CheckArgs::default()
    }
}

#[test]
fn latest_follows_the_target_kubernetes_version() {
    let path = write("versions", POD);
    let old = run(CheckArgs {
        target: TargetArgs {
            kubernetes_version: Some("1.30".to_owned()),
        },
        ..args(&path)
    });
    assert_eq!(old.len(), 2, "{old:#?}");
    assert!(
        old[0].contains("\"baseline:latest\": seLinuxOptions"),
        "{old:#?}"
    );
    assert!(
        old[1].contains("forbidden sysctls (net.ipv4.tcp_rmem)"),
        "{old:#?}"
    );

    let new = run(CheckArgs {
        target: TargetArgs {
            kubernetes_version: Some("1.37".to_owned()),
        },
        ..args(&path)
    });
    assert_eq!(new.len(), 1, "{new:#?}");
    assert!(new[0].contains("probe or lifecycle host"), "{new:#?}");
}

#[test]
fn the_flag_sets_the_default_level_and_version() {
    let path = write("flag", POD);
    let found = run(CheckArgs {
        pod_security: Some("restricted:v1.33".to_owned()),
        ..args(&path)
    });
    assert!(
        found
            .iter()
            .all(|f| f.starts_with("error violates PodSecurity \"restricted:v1.33\"")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|f| f.contains("runAsNonRoot != true")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|f| f.contains("probe or lifecycle host")),
        "{found:#?}"
    );

    let none = run(CheckArgs {
        pod_security: Some("privileged".to_owned()),
        ..args(&path)
    });
    assert!(none.is_empty(), "{none:#?}");
}

#[test]
fn a_privileged_pod_fails_the_default_run() {
    let path = write(
        "default",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext: {privileged: true}\n",
    );
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = app::check(&args(&path), &mut out, &mut err).unwrap();
    assert!(matches!(outcome, app::Outcome::Findings));
}

#[test]
fn config_exemptions_skip_namespaces_and_runtime_classes() {
    let path = write(
        "exempt",
        &format!(
            "{POD}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: kata, namespace: other}}\nspec:\n  runtimeClassName: kata\n  hostPID: true\n  containers: [{{name: a, image: 'a:1'}}]\n"
        ),
    );
    let config = path.with_file_name("k8lint.yaml");
    std::fs::write(
        &config,
        "pod-security:\n  level: baseline\n  exemptions:\n    namespaces: [apps]\n    runtimeClasses: [kata]\n",
    )
    .unwrap();
    let found = run(CheckArgs {
        config: Some(config),
        ..args(&path)
    });
    assert!(found.is_empty(), "{found:#?}");
}

/// Every finding as `rule message`.
fn every_finding(args: CheckArgs) -> Vec<String> {
    diagnostics(args)
        .iter()
        .map(|d| format!("{} {}", d["rule"], d["message"]))
        .collect()
}

/// The rules that yield to `pod-security` stay silent on the fields it reports, also on a
/// re-run whose `pod-security` findings come from the cache: the precedence step then
/// evaluates the pod itself, and must find what the rule found.
#[test]
fn precedence_is_the_same_on_a_cached_run() {
    let path = write(
        "cached",
        "\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext: {privileged: true}
",
    );
    let cache_dir = path.with_file_name("cache");
    let cached = || CheckArgs {
        cache: CacheArgs {
            cache_dir: Some(cache_dir.clone()),
            no_cache: false,
        },
        ..args(&path)
    };
    let cold = every_finding(cached());
    let warm = every_finding(cached());
    let uncached = every_finding(CheckArgs {
        cache: CacheArgs {
            cache_dir: None,
            no_cache: true,
        },
        ..args(&path)
    });
    assert_eq!(cold, uncached);
    assert_eq!(warm, uncached);
    assert!(
        uncached
            .iter()
            .any(|f| f.starts_with("\"pod-security\"") && f.contains("privileged")),
        "{uncached:#?}"
    );
    assert!(
        !uncached
            .iter()
            .any(|f| f.starts_with("\"privileged-container\"")),
        "{uncached:#?}"
    );
}
