//! Shapes that made a rule or a policy lookup do work for every pair of objects: each
//! Service port asked of every workload's containers, each node port compared with the
//! node port of every Service in another unit, each lookup converting its whole answer
//! past the call's deadline. Sized so that the pairwise work would blow the CPU bound of
//! [`k8lint`] in a debug build.

use std::fmt::Write as _;
use std::fs;

use super::k8lint;

/// Every Service selects every Deployment, with ports whose targets no container
/// declares (only the last Service's last port is a number): each container used to be
/// compared with every port of every Service, twice.
#[test]
fn many_services_with_ports_no_container_serves() {
    const SERVICES: usize = 1_500;
    const DEPLOYMENTS: usize = 1_500;
    const PORTS: usize = 10;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..SERVICES {
        let mut ports: Vec<String> = (0..PORTS)
            .map(|p| format!("{{name: p{p}, port: {}, targetPort: t{p}}}", 1000 + p))
            .collect();
        if i == SERVICES - 1 {
            ports.push("{name: last, port: 99, targetPort: 9999}".to_owned());
        }
        write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec:\n  selector: {{app: x}}\n  ports: [{}]\n",
            ports.join(", ")
        )
        .unwrap();
    }
    for i in 0..DEPLOYMENTS {
        write!(
            text,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x}}}}\n    spec:\n      containers:\n        - name: c\n          image: i:1\n          ports: [{{name: http, containerPort: 8080}}]\n"
        )
        .unwrap();
    }
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    let readiness: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("[probe-missing-readiness]"))
        .collect();
    assert_eq!(readiness.len(), DEPLOYMENTS, "{err}");
    // The one numeric target reaches the pods undeclared: named after its Service.
    assert!(
        readiness[0].contains(&format!(
            "Service s{} sends traffic to port 9999, which no container declares",
            SERVICES - 1
        )),
        "{}",
        readiness[0]
    );
}

/// Services in sibling folders of many depths (none sees another), each claiming the same
/// node ports: each port used to be compared with every earlier Service's, walking up
/// their folders.
#[test]
fn one_node_port_in_many_units() {
    const UNITS: usize = 2_000;
    const PORTS: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let ports: Vec<String> = (0..PORTS)
        .map(|p| {
            format!(
                "{{name: p{p}, port: {}, nodePort: {}}}",
                1000 + p,
                30000 + p
            )
        })
        .collect();
    let service = format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  type: NodePort\n  ports: [{}]\n",
        ports.join(", ")
    );
    for i in 0..UNITS {
        let folder = dir.path().join(format!("o{i}")).join("x/".repeat(i % 20));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("s.yaml"), &service).unwrap();
    }
    // One more at the root sees them all: it conflicts with the first, on every port.
    fs::write(
        dir.path().join("root.yaml"),
        service.replace("name: s}", "name: root}"),
    )
    .unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", ".", "--format", "short", "--fail-on", "never"],
    );
    let conflicts: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("[nodeport-conflict]"))
        .collect();
    assert_eq!(conflicts.len(), PORTS, "{err}\n{conflicts:#?}");
    assert!(
        conflicts
            .iter()
            .all(|l| l.starts_with("root.yaml:") && l.contains("is already claimed by Service")),
        "{conflicts:#?}"
    );
}

fn policy(body: &str) -> String {
    format!(
        "const ID = \"lookup\";\nconst SEVERITY = \"warning\";\nconst SUMMARY = \"test\";\n\
         const KINDS = [\"Deployment\"];\n{body}\n"
    )
}

/// A policy asking, for every Deployment, for the Services selecting it: each answer is
/// as large as the selection. The lookups stop at the run's budget (and a lookup past it
/// fails at once instead of converting its answer first).
#[test]
fn a_policy_looking_up_large_selections_for_every_workload() {
    const N: usize = 1_000;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(".k8lint.yaml"), "limits:\n  script-run-ms: 500\n").unwrap();
    fs::create_dir(d.join("policies")).unwrap();
    fs::write(
        d.join("policies/lookup.rhai"),
        policy(
            "fn check(o, ctx) { let n = 0; for i in 0..100 { n += ctx.services_selecting(o).len(); } if n == 0 { return #{ message: \"none\" }; } }",
        ),
    )
    .unwrap();
    let labels: Vec<String> = (0..40).map(|l| format!("l{l}: v")).collect();
    let mut text = String::new();
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, labels: {{{}}}}}\nspec:\n  selector: {{app: x}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x}}}}\n    spec:\n      containers: [{{name: c, image: \"i:1\"}}]\n",
            labels.join(", ")
        )
        .unwrap();
    }
    fs::write(d.join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        d,
        &[
            "check",
            "m.yaml",
            "--policies",
            "policies",
            "--format",
            "short",
            "--fail-on",
            "never",
        ],
    );
    let failed: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("[policy-error]"))
        .collect();
    assert_eq!(failed.len(), 1, "{err}\n{failed:#?}");
    assert!(
        failed[0].contains(
            "the run's scripts used up their time budget of 500 ms (limits.script-run-ms)"
        ),
        "{}",
        failed[0]
    );
}

/// One lookup converting more than its call's budget allows: it stops at the deadline,
/// not after converting every object (and only then failing the size check).
#[test]
fn one_lookup_converting_past_its_deadline() {
    const MAPS: usize = 5_000;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join(".k8lint.yaml"), "limits:\n  script-call-ms: 50\n").unwrap();
    fs::create_dir(d.join("policies")).unwrap();
    fs::write(
        d.join("policies/lookup.rhai"),
        policy("fn check(o, ctx) { let all = ctx.list(\"ConfigMap\"); }"),
    )
    .unwrap();
    let data: Vec<String> = (0..60).map(|k| format!("k{k}: v")).collect();
    let mut text = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: \"i:1\"}]\n",
    );
    for i in 0..MAPS {
        write!(
            text,
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{{}}}\n",
            data.join(", ")
        )
        .unwrap();
    }
    fs::write(d.join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        d,
        &[
            "check",
            "m.yaml",
            "--policies",
            "policies",
            "--format",
            "short",
            "--fail-on",
            "never",
        ],
    );
    assert!(
        out.contains(
            "policy `lookup` failed on Deployment default/d: it ran longer than the limit of 50 ms per call (limits.script-call-ms)"
        ),
        "{err}\n{out}"
    );
}

/// Many CustomResourceDefinitions, each with a custom resource of its kind: the name rule
/// used to scan every definition for every custom resource.
#[test]
fn many_custom_resources_of_many_definitions() {
    const N: usize = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: w{i}s.example.com}}\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {{kind: W{i}, plural: w{i}s}}\n  versions: [{{name: v1, served: true, storage: true, schema: {{openAPIV3Schema: {{type: object, x-kubernetes-preserve-unknown-fields: true}}}}}}]\n"
        )
        .unwrap();
    }
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: example.com/v1\nkind: W{i}\nmetadata: {{name: Bad_{i}}}\n"
        )
        .unwrap();
    }
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    let names = out
        .lines()
        .filter(|l| l.contains("[invalid-name]") && l.contains("Bad_"))
        .count();
    assert_eq!(names, N, "{err}");
}

/// Two files that define the same objects (variants of one install): whether they are
/// variants used to be worked out again for every repeated object, each time over every
/// identity of both files.
#[test]
fn two_variant_files_repeating_many_objects() {
    const N: usize = 8_000;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n"
        )
        .unwrap();
    }
    fs::write(dir.path().join("a.yaml"), &text).unwrap();
    fs::write(dir.path().join("b.yaml"), &text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", ".", "--format", "short", "--fail-on", "never"],
    );
    let repeats = out
        .lines()
        .filter(|l| l.contains("[duplicate-object]"))
        .count();
    assert_eq!(
        repeats, 1,
        "one warning for the pair of variant files\n{err}"
    );
    assert!(out.contains(&format!("repeats {N} objects of")), "{out}");
}

/// One file of many objects, each with a key written twice alike: each finding used to
/// look for its document, and `fix` for its object, among all of them, and each fix was
/// compared with every fix chosen before it.
#[test]
fn one_file_of_many_repeated_keys() {
    const N: usize = 8_000;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        write!(
            text,
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata:\n  k: v\n  k: v\n"
        )
        .unwrap();
    }
    let file = dir.path().join("m.yaml");
    fs::write(&file, &text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    let repeated = out
        .lines()
        .filter(|l| l.contains("[yaml-duplicate-key]"))
        .count();
    assert_eq!(repeated, N, "{err}");
    let (code, _, err) = k8lint(dir.path(), &["fix", "m.yaml"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "fixed {N} finding(s) in 1 file(s) (yaml-duplicate-key: {N})"
        )),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        text.replace("  k: v\n  k: v\n", "  k: v\n")
    );
}
