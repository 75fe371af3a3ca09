//! n Services × n Deployments: what a selection selects, and what the Service rules ask of
//! it, is computed once per selection, so each Service costs the same however many
//! workloads it selects, and each finding names a few of them and counts the rest.

use std::fmt::Write as _;
use std::fs;

use super::k8lint;

/// Large enough that n × n work (with the rules' constant factors) would blow the CPU
/// bound of [`k8lint`], small enough for a debug build on a busy machine.
const N: usize = 1_000;

/// Deployment `d{i}`: its pods labelled `app: x, id: "{i}"`, its container declaring
/// `http` 8080, and every third one `metrics` 9090 too.
fn deployments(text: &mut String, n: usize) {
    for i in 0..n {
        let ports = if i % 3 == 0 {
            "[{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]"
        } else {
            "[{name: http, containerPort: 8080}]"
        };
        write!(
            text,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x, id: \"{i}\"}}}}\n    spec:\n      containers:\n        - name: c\n          image: i:1\n          ports: {ports}\n"
        )
        .unwrap();
    }
}

fn count(out: &str, rule: &str) -> usize {
    out.matches(&format!("[{rule}]")).count()
}

/// Every Service selects every Deployment. Even Services have three ports: a name every
/// pod declares, a name two thirds lack and a number two thirds lack; odd ones two: a
/// name every pod declares and a number none does.
#[test]
fn n_services_selecting_n_deployments() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        let ports = if i % 2 == 0 {
            "[{name: a, port: 80, targetPort: http}, {name: b, port: 81, targetPort: metrics}, {name: c, port: 82, targetPort: 9090}]"
        } else {
            "[{name: a, port: 80, targetPort: http}, {name: b, port: 443, targetPort: 8443}]"
        };
        write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec:\n  selector: {{app: x}}\n  ports: {ports}\n"
        )
        .unwrap();
    }
    deployments(&mut text, N);
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    assert_eq!(count(&out, "service-multiple-workloads"), N, "{err}");
    assert_eq!(
        count(&out, "service-port-target"),
        N / 2 * 2 + N / 2,
        "{err}"
    );
    let lacking = N - N.div_ceil(3);
    let named = out
        .lines()
        .find(|l| l.contains("targetPort \"metrics\" is not a TCP port name"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        named.contains(&format!(
            "in the pods of Deployment d1, Deployment d2, Deployment d4, Deployment d5, Deployment d7, Deployment d8, Deployment d10, Deployment d11, Deployment d13, Deployment d14, and {} more selected by Service s0:",
            lacking - 10
        )),
        "{named}"
    );
    assert!(
        out.contains(&format!(
            "targetPort 8443 is not declared by any container in the pods of Deployment d0, Deployment d1, Deployment d2, Deployment d3, Deployment d4, Deployment d5, Deployment d6, Deployment d7, Deployment d8, Deployment d9, and {} more selected by Service s1",
            N - 10
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Service s{} selects the pods of {N} workloads",
            N - 1
        )),
        "{out}"
    );
}

/// Half the Services share one selector over every Deployment; each of the others selects
/// one Deployment, or none (a label no pod carries: the nearest miss is looked up once).
#[test]
fn half_the_services_sharing_one_selector() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        let selector = match i % 4 {
            0 | 2 => "{app: x}".to_owned(),
            1 => format!("{{app: x, id: \"{i}\"}}"),
            _ => "{app: x, tier: none}".to_owned(),
        };
        write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec:\n  selector: {selector}\n  ports: [{{name: a, port: 80, targetPort: http}}, {{name: b, port: 81, targetPort: metrics}}]\n"
        )
        .unwrap();
    }
    deployments(&mut text, N);
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    let shared = N.div_ceil(4) + (N + 1) / 4;
    let none = N / 4;
    assert_eq!(count(&out, "service-multiple-workloads"), shared, "{err}");
    assert_eq!(count(&out, "service-no-pods"), none, "{err}");
    // The shared selection lacks metrics in two thirds of its pods; a single Deployment
    // lacks it unless its index is a multiple of 3.
    let singles_lacking = (0..N).filter(|i| i % 4 == 1 && i % 3 != 0).count();
    assert_eq!(
        count(&out, "service-port-target"),
        shared + singles_lacking,
        "{err}"
    );
    assert!(
        out.contains(
            "Service s3 selects no pods: no workload in namespace default has pods labelled app=x,tier=none"
        ),
        "{out}"
    );
}
