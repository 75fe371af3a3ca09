//! Rhai policies end to end: the sandbox turns every kind of misbehaviour into one
//! `policy-error` diagnostic in the `.rhai` file while every other policy still runs;
//! ids may not clash; `policy test` passes the shipped cases and fails wrong ones.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use k8lint::app;
use k8lint::base::value::Value;
use k8lint::cli::{CheckArgs, CheckFormat};

const MANIFEST: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: api:1.0
";

/// A policy header with the given id, for bodies that are about something else.
fn policy(id: &str, body: &str) -> String {
    format!(
        "const ID = \"{id}\";\nconst SEVERITY = \"warning\";\nconst SUMMARY = \"test\";\n\
         const KINDS = [\"Pod\"];\n{body}\n"
    )
}

const GOOD: &str = r#"fn check(object, ctx) {
    [#{ path: "/metadata/name", message: `saw ${object.metadata.name}` }]
}"#;

/// Writes the policies and the manifest into a fresh directory and runs `check` on it.
fn run(policies: &[(&str, String)]) -> (tempfile::TempDir, Result<Value, String>) {
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("policies");
    std::fs::create_dir(&pdir).unwrap();
    for (name, text) in policies {
        common::write(&pdir, name, text);
    }
    let manifest = common::write(dir.path(), "app.yaml", MANIFEST);
    let result = common::try_check_json(CheckArgs {
        paths: vec![manifest.display().to_string()],
        // The privileged container is `pod-security`'s at any other level; here it shows
        // that the default policies run.
        pod_security: Some("privileged".to_owned()),
        policies: vec![pdir],
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    })
    .map_err(|e| e.to_string());
    (dir, result)
}

/// The `policy-error` findings as `name:line:col: message`, file names relative.
fn policy_errors(report: &Value) -> Vec<String> {
    common::diagnostics(report)
        .iter()
        .filter(|d| d["rule"] == "policy-error")
        .map(|d| {
            let file = Path::new(d["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!(
                "{file}:{}:{}: {}",
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn rules_reported(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = common::diagnostics(report)
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// `check --format json` on one manifest, asserting that no policy failed.
fn check_json(manifest: &Path, policies: Vec<PathBuf>, enable: Vec<String>) -> Value {
    let report = common::check_json(CheckArgs {
        paths: vec![manifest.display().to_string()],
        policies,
        enable,
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    });
    assert_eq!(policy_errors(&report), Vec::<String>::new());
    report
}

/// Runs one misbehaving policy beside a good one; returns its single error.
fn misbehave(body: &str) -> String {
    let start = Instant::now();
    let (_dir, report) = run(&[
        ("bad.rhai", policy("bad", body)),
        ("good.rhai", policy("good", GOOD)),
    ]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "the run took {:?}",
        start.elapsed()
    );
    let report = report.expect("a broken policy never stops the run");
    let errors = policy_errors(&report);
    assert_eq!(
        errors.len(),
        1,
        "one diagnostic per broken policy: {errors:?}"
    );
    let rules = rules_reported(&report);
    assert!(rules.contains(&"good".to_owned()), "the good policy ran");
    assert!(
        rules.contains(&"privileged-container".to_owned()),
        "the default policies ran"
    );
    errors.into_iter().next().unwrap()
}

#[test]
fn an_endless_loop_runs_out_of_operations() {
    insta::assert_snapshot!(misbehave("fn check(object, ctx) {\n    loop { }\n}"));
}

#[test]
fn a_huge_string_hits_the_size_limit() {
    insta::assert_snapshot!(misbehave(
        "fn check(object, ctx) {\n    let s = \"x\";\n    loop { s += s; }\n}"
    ));
}

#[test]
fn unbounded_recursion_hits_the_call_depth() {
    insta::assert_snapshot!(misbehave(
        "fn deeper(n) { deeper(n + 1) }\nfn check(object, ctx) {\n    deeper(0)\n}"
    ));
}

#[test]
fn a_syntax_error_points_into_the_file() {
    insta::assert_snapshot!(misbehave("fn check(object, ctx) {\n    let = 1;\n}"));
}

#[test]
fn a_runtime_error_names_the_first_failing_object() {
    // `labels` is () on these pods: indexing it throws.
    insta::assert_snapshot!(misbehave(
        "fn check(object, ctx) {\n    if object.metadata.labels.team == () { return []; }\n    []\n}"
    ));
}

#[test]
fn a_throw_is_reported() {
    insta::assert_snapshot!(misbehave(
        "fn check(object, ctx) {\n    throw \"no thanks\";\n}"
    ));
}

#[test]
fn reading_a_file_is_impossible() {
    insta::assert_snapshot!(misbehave(
        "fn check(object, ctx) {\n    let text = open_file(\"/etc/passwd\").read_string();\n    []\n}"
    ));
}

#[test]
fn import_and_eval_are_not_available() {
    insta::assert_snapshot!(
        "import",
        misbehave("import \"std\" as fs;\nfn check(object, ctx) { [] }")
    );
    insta::assert_snapshot!(
        "eval",
        misbehave("fn check(object, ctx) {\n    eval(\"1 + 1\")\n}")
    );
}

#[test]
fn malformed_findings_are_reported() {
    insta::assert_snapshot!(
        "not-a-pointer",
        misbehave("fn check(object, ctx) {\n    [#{ path: \"spec\", message: \"x\" }]\n}")
    );
    insta::assert_snapshot!(
        "unknown-key",
        misbehave("fn check(object, ctx) {\n    [#{ path: \"\", mesage: \"x\" }]\n}")
    );
}

#[test]
fn missing_declarations_are_reported() {
    let (_dir, report) = run(&[(
        "bare.rhai",
        "const ID = \"bare\";\nfn check(object, ctx) { [] }\n".to_owned(),
    )]);
    insta::assert_snapshot!(policy_errors(&report.unwrap()).join("\n"));
}

#[test]
fn ids_may_not_clash() {
    let (_dir, builtin) = run(&[("dup.rhai", policy("duplicate-object", GOOD))]);
    let message = builtin.unwrap_err();
    assert!(
        message.contains("is the id of a built-in rule"),
        "{message}"
    );
    let (_dir, default) = run(&[("root.rhai", policy("run-as-root", GOOD))]);
    let message = default.unwrap_err();
    assert!(message.contains("already declared by"), "{message}");
}

/// Each call gets its own copy of the object and of what the context returns: a policy
/// that changes them changes nothing another policy (or its next call) sees.
#[test]
fn a_policy_that_changes_its_argument_does_not_affect_another() {
    let mutate = policy(
        "mutate",
        r#"fn check(object, ctx) {
    object.metadata.name = "changed";
    object.spec.containers[0].image = "changed";
    for c in ctx.containers(object) { c.value.image = "changed"; c.name = "changed"; }
    let t = ctx.pod_template(object);
    t.spec.containers[0].image = "changed";
    []
}"#,
    );
    let read = policy(
        "read",
        r#"fn check(object, ctx) {
    let c = ctx.containers(object)[0];
    let t = ctx.pod_template(object);
    [#{ path: "", message: `${object.metadata.name} ${object.spec.containers[0].image} ${c.name} ${c.value.image} ${t.spec.containers[0].image}` }]
}"#,
    );
    // Alone, then beside the mutating policy (loaded first): the same findings.
    let messages = |policies: &[(&str, String)]| -> Vec<String> {
        let (_dir, report) = run(policies);
        let report = report.unwrap();
        assert_eq!(policy_errors(&report), Vec::<String>::new());
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "read")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let alone = messages(&[("b-read.rhai", read.clone())]);
    assert_eq!(
        alone,
        [
            "web nginx:1.27 web nginx:1.27 nginx:1.27",
            "api api:1.0 api api:1.0 api:1.0"
        ]
    );
    assert_eq!(
        messages(&[("a-mutate.rhai", mutate), ("b-read.rhai", read)]),
        alone
    );
}

/// A policy that only hands its object to the context is given a stand-in (an empty map
/// with the object's tag); one that reads it gets the whole object. Both see the same.
#[test]
fn a_policy_sees_its_object_whether_it_reads_it_or_hands_it_on() {
    let reads = policy(
        "reads",
        r#"fn check(object, ctx) {
    [#{ path: "/spec", message: `${object.metadata.name} ${object.spec.containers[0].name} ${ctx.containers(object).len()}` }]
}"#,
    );
    let hands_on = policy(
        "hands-on",
        r#"fn check(object, ctx) {
    let names = [];
    for c in ctx.containers(object) { names.push(`${c.name} ${c.value.image}`); }
    let t = ctx.pod_template(object);
    let volumes = ctx.volumes(object);
    [#{ path: "/spec", message: `${names} ${t.spec_pointer} ${volumes.len()} ${ctx.namespace(object)}` }]
}"#,
    );
    let (_dir, report) = run(&[("a.rhai", reads.clone()), ("b.rhai", hands_on.clone())]);
    let report = report.unwrap();
    assert_eq!(policy_errors(&report), Vec::<String>::new());
    let messages: Vec<String> = common::diagnostics(&report)
        .iter()
        .filter(|d| d["rule"] == "reads" || d["rule"] == "hands-on")
        .map(|d| {
            format!(
                "{}: {}",
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "hands-on: [\"web nginx:1.27\"] /spec 0 default",
            "reads: web web 1",
            "hands-on: [\"api api:1.0\"] /spec 0 default",
            "reads: api api 1",
        ]
    );
    let reads_object = |text: &String| {
        k8lint::policy::load::compile(k8lint::policy::PolicySource {
            name: "p.rhai".into(),
            path: None,
            text: std::sync::Arc::from(text.as_str()),
        })
        .map(|p| p.reads_object)
        .map_err(|b| b.message)
    };
    assert_eq!(reads_object(&reads), Ok(true));
    assert_eq!(reads_object(&hands_on), Ok(false));
}

/// Each default policy runs compiled (`policy::native`); its `.rhai` file is the
/// reference. On every policy's cases, and on pods whose fields have the wrong shapes, each
/// finds exactly what two twins of its file find when Rhai runs them: one given only the
/// fields of the pod views it names (`policy::view_use`), one made to read every field by
/// one more function (never called) that hands the views elsewhere.
#[test]
fn each_default_policy_finds_what_its_script_finds() {
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("policies");
    std::fs::create_dir(&pdir).unwrap();
    let compile = |text: &str| {
        k8lint::policy::load::compile(k8lint::policy::PolicySource {
            name: "p.rhai".into(),
            path: None,
            text: std::sync::Arc::from(text),
        })
        .map_err(|b| b.message)
        .unwrap()
    };
    let all = k8lint::policy::view_use::ViewReads::all();
    let defaults = &k8lint::policy::PolicySet::defaults().policies;
    let mut ids = Vec::new();
    for (name, text) in k8lint::policy::load::DEFAULTS {
        let id = name.trim_end_matches(".rhai");
        let declared = format!("const ID = \"{id}\";");
        assert!(text.contains(&declared), "{name}");
        let default = defaults.iter().find(|p| p.meta.id == id).unwrap();
        assert!(default.native.is_some(), "{name} runs compiled");
        let script = text.replace(&declared, &format!("const ID = \"{id}-script\";"));
        let every = text.replace(&declared, &format!("const ID = \"{id}-every\";"))
            + "\nfn every_field(ctx, o) {\n    [ctx.containers(o), ctx.volumes(o), ctx.pod_template(o)]\n}\n";
        assert!(
            compile(&script).native.is_none(),
            "{name}'s twin runs in Rhai"
        );
        assert_ne!(*compile(&script).views, all, "{name} is given every field");
        assert_eq!(*compile(&every).views, all, "{name}'s second twin");
        common::write(&pdir, &format!("{id}-script.rhai"), script);
        common::write(&pdir, &format!("{id}-every.rhai"), every);
        ids.push(id.to_owned());
    }
    // Every case, its suppressions made plain comments and annotations (they name the
    // default policy, not its twins); not the cases where `pod-security` speaks for a
    // policy (it silences the policy's id, not the twins').
    let cases = dir.path().join("cases");
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")).unwrap()
    {
        let folder = entry.unwrap().path();
        if folder.extension().is_none_or(|e| e != "cases") {
            continue;
        }
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            let silenced = file
                .file_name()
                .is_some_and(|n| n == "passes-pod-security.yaml");
            if file.extension().is_some_and(|e| e == "yaml") && !silenced {
                let text = std::fs::read_to_string(&file).unwrap();
                let plain = text
                    .replace("k8lint: ignore", "ignored once")
                    .replace("k8lint.io/ignore", "example.com/ignored-once");
                let name = format!(
                    "{}/{}",
                    folder.file_name().unwrap().to_string_lossy(),
                    file.file_name().unwrap().to_string_lossy()
                );
                common::write(&cases, &name, plain);
            }
        }
    }
    // And shapes no case has: containers that are not maps, fields of the wrong types,
    // nulls, numbers where strings belong (printed as Rhai prints them).
    common::write(&cases, "malformed.yaml", MALFORMED);
    let paths = vec![cases.display().to_string()];
    let report = common::check_json(CheckArgs {
        paths,
        policies: vec![pdir],
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    });
    assert_eq!(policy_errors(&report), Vec::<String>::new());
    let found = |rule: &str| -> Vec<String> {
        common::diagnostics(&report)
            .iter()
            .filter(|d| d["rule"] == rule)
            .map(|d| {
                format!(
                    "{} {}:{} {}",
                    d["file"], d["line"], d["column"], d["message"]
                )
            })
            .collect()
    };
    for id in ids {
        let compiled = found(&id);
        assert!(!compiled.is_empty(), "{id} finds nothing in the cases");
        let in_malformed = compiled
            .iter()
            .filter(|f| f.contains("malformed.yaml"))
            .count();
        assert!(in_malformed > 0, "{id} finds nothing in malformed.yaml");
        assert_eq!(compiled, found(&format!("{id}-script")), "{id}");
        assert_eq!(compiled, found(&format!("{id}-every")), "{id}");
    }
}

/// Pods whose fields have every shape the default policies could trip on.
const MALFORMED: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: odd
spec:
  hostPID: "yes"
  hostIPC: true
  securityContext: []
  containers:
    - just-a-string
    - name: a
      image: a
      securityContext: privileged
      env: {A: b}
      resources: [1]
    - name: b
      image: b
      securityContext:
        privileged: "true"
        allowPrivilegeEscalation: "false"
        readOnlyRootFilesystem: null
        runAsUser: 0.0
      resources:
        limits: [memory]
        requests: {cpu: null, memory: 1Gi}
      env:
        - name: A
          valueFrom: {secretKeyRef: {name: 7, key: [k, 2]}}
        - valueFrom: {secretKeyRef: {name: {n: 1}, key: null}}
        - name: 5
          valueFrom: {secretKeyRef: []}
        - 3
        - name: D
          valueFrom: {secretKeyRef: {name: s, key: 1.5}}
      envFrom:
        - secretRef: {name: true}
        - secretRef: {}
        - secretRef: null
        - configMapRef: {name: c}
    - name: c
      image: c
      securityContext:
        privileged: true
        allowPrivilegeEscalation: true
        readOnlyRootFilesystem: false
        runAsNonRoot: false
        runAsUser: 1.5
      resources:
        limits: {memory: null}
  ephemeralContainers:
    - name: e
      image: e
      securityContext: {runAsUser: 18446744073709551615}
  volumes:
    - hostPath: /var/run/docker.sock
    - name: v
      hostPath: {path: /run/docker.sock/}
    - name: w
      hostPath: {path: "/var/run///"}
    - name: x
      hostPath: {path: 5}
    - name: 9
      hostPath: {path: /run/podman}
    - name: y
      hostPath: {path: "/"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: odd-template
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      hostNetwork: true
      securityContext: {runAsUser: 0, runAsNonRoot: null}
      containers:
        - name: a
          image: a
          securityContext: {runAsUser: null}
        - name: b
          image: b
          securityContext: {runAsNonRoot: true}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: no-spec
spec:
  template: just-a-string
"#;

#[test]
fn a_policy_is_selectable_and_suppressible_like_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("p");
    std::fs::create_dir(&pdir).unwrap();
    std::fs::write(pdir.join("good.rhai"), policy("good", GOOD)).unwrap();
    let manifest = common::write(
        dir.path(),
        "a.yaml",
        MANIFEST.replace("  name: api\n", "  name: api # k8lint: ignore good\n"),
    );
    let check = |disable: Vec<String>| {
        let report = common::check_json(CheckArgs {
            paths: vec![manifest.display().to_string()],
            policies: vec![pdir.clone()],
            disable,
            max_file_size: Some(1 << 20),
            ..CheckArgs::default()
        });
        common::diagnostics(&report)
            .iter()
            .filter(|d| d["rule"] == "good")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(check(Vec::new()), ["saw web"]);
    assert!(check(vec!["good".to_owned()]).is_empty());
}

#[test]
fn the_shipped_policies_pass_their_cases() {
    for dir in ["policies", "policies/examples"] {
        let files = k8lint::app::policy_test::policy_files(&[PathBuf::from(dir)]).unwrap();
        let results = k8lint::app::policy_test::run(&files, "default").unwrap();
        for (policy, cases) in &results {
            assert!(cases.len() >= 2, "{policy} has fires and passes cases");
            for c in cases {
                assert!(c.passed(), "{} {}: {:?}", c.policy, c.case, c.problems);
            }
        }
    }
}

#[test]
fn policy_test_fails_a_wrong_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::write(dir.path(), "good.rhai", policy("good", GOOD));
    let cases = dir.path().join("good.cases");
    std::fs::create_dir(&cases).unwrap();
    // The finding is on line 4 (metadata.name), the mark on line 3; `dont-fire` reported.
    std::fs::write(
        cases.join("fires.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: # expect: good\n  name: dont-fire\nspec: {}\n",
    )
    .unwrap();
    let results = k8lint::app::policy_test::run(&[file], "default").unwrap();
    let problems: Vec<String> = results[0].1[0]
        .problems
        .iter()
        .map(|p| p.rsplit_once("fires.yaml").unwrap().1.to_owned())
        .collect();
    insta::assert_snapshot!(problems.join("\n"));
    let mut out = Vec::new();
    assert!(!k8lint::app::policy_test::print(&results, &mut out).unwrap());
}

#[test]
fn default_policies_are_documented_rules() {
    let set = k8lint::policy::PolicySet::defaults();
    assert!(set.broken.is_empty(), "{:?}", set.broken);
    assert_eq!(set.policies.len(), 9);
    for p in &set.policies {
        let docs = p.meta.docs_text();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(
                docs.contains(section),
                "{}: docs lack `{section}`",
                p.meta.id
            );
        }
        assert!(!p.meta.help.is_empty(), "{} has help", p.meta.id);
        assert!(
            std::path::Path::new("policies")
                .join(format!("{}.cases", p.meta.id))
                .is_dir(),
            "{} has cases",
            p.meta.id
        );
    }
    let mut out = Vec::new();
    app::explain(
        &k8lint::cli::ExplainArgs {
            rule: "secret-env".to_owned(),
            policies: Vec::new(),
            config: None,
        },
        &mut out,
    )
    .unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("## Why is this bad?")
    );
}

/// Invalid input reads as absent: no default policy may fail on fields of the wrong type
/// (regression: `resources: []` and a string `securityContext` from the corpus).
#[test]
fn default_policies_survive_fields_of_the_wrong_type() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write(
        dir.path(),
        "odd.yaml",
        "\
apiVersion: v1
kind: Pod
metadata:
  name: odd
spec:
  securityContext: runAsUser:65534 fsGroup:65534
  hostNetwork: [true]
  volumes:
    - name: a
      hostPath: /var/run/docker.sock
    - just-a-string
  containers:
    - name: odd
      image: odd:1.0
      resources: []
      securityContext: [privileged]
      env:
        - DB_PASSWORD
        - name: X
          valueFrom: secret
      envFrom: {secretRef: x}
    - not-a-container
  initContainers: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: []
spec:
  replicas: three
  template: []
",
    );
    check_json(&manifest, Vec::new(), Vec::new());
}

/// The cross-object example end to end: the finding, its help, and the budgets that
/// select other pods as related locations.
#[test]
fn the_pdb_example_reports_with_related_budgets() {
    let args = CheckArgs {
        paths: vec!["policies/examples/deployment-pdb.cases".to_owned()],
        format: CheckFormat::Short,
        policies: vec![PathBuf::from("policies/examples")],
        disable: k8lint::policy::PolicySet::defaults()
            .policies
            .iter()
            .map(|p| p.meta.id.to_owned())
            .collect(),
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    };
    let out = common::check_text(&args);
    let report = common::check_json(args);
    let related: Vec<String> = report["diagnostics"][0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{}:{}: {}",
                r["file"].as_str().unwrap(),
                r["line"],
                r["column"],
                r["message"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(format!("{}related:\n{}", out, related.join("\n")));
}

/// Every context call of docs/policies.md, on one small repository.
#[test]
fn the_context_api_answers_every_documented_call() {
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("p");
    std::fs::create_dir(&pdir).unwrap();
    std::fs::write(
        pdir.join("api.rhai"),
        r#"const ID = "api";
const SEVERITY = "info";
const SUMMARY = "exercises the context";
const KINDS = ["apps/Deployment", "Service", "Namespace"];
fn check(object, ctx) {
    let ns = ctx.namespace(object);
    if object.kind == "Namespace" {
        return [#{ path: "", message: `namespace=${ns} namespaces=${ctx.list("Namespace", ns).len()} class=${ctx.get("StorageClass", ns, "fast") != ()}` }];
    }
    if object.kind == "Service" {
        let names = [];
        for w in ctx.selected_by(object) { names.push(at(w, "/metadata/name")); }
        return [#{ path: "/spec/selector", message: `namespace=${ns} selects=${names}` }];
    }
    let t = ctx.pod_template(object);
    let found = [#{ path: t.pointer, message: `labels=${t.labels} replicas=${t.replicas} spec_pointer=${t.spec_pointer}` }];
    for svc in ctx.services_selecting(object) {
        found.push(#{ path: "/metadata/name", message: `selected by Service ${svc.metadata.name}`,
                      related: [#{ object: svc, path: "/spec/selector", message: "this selector" }] });
    }
    for c in ctx.containers(object) {
        found.push(#{ path: c.pointer, message: `${c.describe} kind=${c.kind} index=${c.index} sidecar=${c.sidecar}` });
    }
    for v in ctx.volumes(object) {
        let claim = ctx.pvc(object, v.name);
        found.push(#{ path: v.pointer, message: `volume ${v.name} claim=${at(claim, "/metadata/name")}` });
    }
    let budgets = ctx.list("policy/PodDisruptionBudget", ns);
    for pdb in budgets {
        found.push(#{ path: "", message: `PDB ${pdb.metadata.name} matches=${ctx.matches(at(pdb, "/spec/selector"), t.labels)}` });
    }
    found.push(#{ path: "", message: `plain=${ctx.matches(#{ app: "web" }, t.labels)} none=${ctx.matches((), t.labels)} get=${ctx.get("PersistentVolumeClaim", ns, "data") != ()} key=${escape_key("a/b~c")} at=${at(object, "/spec/template/spec/containers/0/name")}` });
    found
}
"#,
    )
    .unwrap();
    let manifest = common::write(
        dir.path(),
        "m.yaml",
        "\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/fast
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: fe}}
    spec:
      initContainers: [{name: proxy, image: envoy:1.30, restartPolicy: Always}]
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}, {name: tmp, emptyDir: {}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {selector: {matchExpressions: [{key: tier, operator: In, values: [fe]}]}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: external}
spec: {type: ExternalName, externalName: example.com}
",
    );
    let report = check_json(&manifest, vec![pdir], vec!["api".to_owned()]);
    let lines: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "api")
        .map(|d| {
            let related: Vec<String> = d["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        " [related {}:{} {}]",
                        r["line"],
                        r["column"],
                        r["message"].as_str().unwrap()
                    )
                })
                .collect();
            format!(
                "{}:{} {}: {}{}",
                d["line"],
                d["column"],
                d["path"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                related.join("")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
