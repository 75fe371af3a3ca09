//! `k8lint render`: defaults per kind (snapshots), canonical quantities (§D.4), templates,
//! output directories, `--expand`, and the two promises of render: it is idempotent and
//! it loses nothing of the input.

mod common;

use std::path::{Path, PathBuf};

use k8lint::app::{self, Outcome};
use k8lint::base::At;
use k8lint::base::value::Value;
use k8lint::cli::{CheckArgs, CheckFormat, RenderArgs, RenderFormat, ValuesArgs};
use k8lint::json;

fn args(paths: &[&str]) -> RenderArgs {
    RenderArgs {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        max_file_size: None,
        ..RenderArgs::default()
    }
}

/// Runs render; returns the outcome, stdout and stderr.
fn run(args: &RenderArgs) -> (Outcome, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome =
        app::render(args, &mut out, &mut err).unwrap_or_else(|e| panic!("render failed: {e}"));
    (
        outcome,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn render_ok(args: &RenderArgs) -> String {
    let (outcome, out, err) = run(args);
    assert_eq!(outcome, Outcome::Success, "{err}");
    out
}

fn render_text(text: &str, extra: impl FnOnce(&mut RenderArgs)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "in.yaml", text);
    let mut a = args(&[path.to_str().unwrap()]);
    extra(&mut a);
    render_ok(&a)
}

/// The documents of a YAML stream as JSON values (through k8lint's own parser).
fn documents(text: &str) -> Vec<Value> {
    let s = k8lint::yaml::parse(text, &k8lint::yaml::ParseLimits::default());
    assert!(s.problems.is_empty(), "{:?}\n{text}", s.problems);
    s.documents.into_iter().map(|d| d.value).collect()
}

#[test]
fn defaults_per_kind() {
    for entry in std::fs::read_dir("tests/data/render/kinds").unwrap() {
        let path = entry.unwrap().path();
        let out = render_ok(&args(&[path.to_str().unwrap()]));
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("defaults_{name}"), out);
    }
}

#[test]
fn no_defaults_keeps_only_normalization() {
    let mut a = args(&["tests/data/render/kinds/pod.yaml"]);
    a.no_defaults = true;
    insta::assert_snapshot!("no_defaults_pod", render_ok(&a));
}

/// The API server's quantity round-trips: `(in, stored, after the milli round-up)`.
const QUANTITIES: &[(&str, &str, &str)] = &[
    ("1000m", "1", "1"),
    ("1.5", "1500m", "1500m"),
    (".5", "500m", "500m"),
    ("0.1", "100m", "100m"),
    ("0.1m", "100u", "1m"),
    ("2.5m", "2500u", "3m"),
    ("1000", "1k", "1k"),
    ("1000000", "1M", "1M"),
    ("2000k", "2M", "2M"),
    ("1.5M", "1500k", "1500k"),
    ("1000M", "1G", "1G"),
    ("0.001", "1m", "1m"),
    ("1024", "1024", "1024"),
    ("1536", "1536", "1536"),
    ("1048576", "1048576", "1048576"),
    ("1024Ki", "1Mi", "1Mi"),
    ("1024Mi", "1Gi", "1Gi"),
    ("3072Mi", "3Gi", "3Gi"),
    ("1.5Gi", "1536Mi", "1536Mi"),
    ("0.5Gi", "512Mi", "512Mi"),
    ("1.5Mi", "1536Ki", "1536Ki"),
    ("0.5Ki", "512", "512"),
    ("1.5Ki", "1536", "1536"),
    ("1.1Ki", "1126400m", "1126400m"),
    ("0.1Gi", "107374182400m", "107374182400m"),
    ("1000Mi", "1000Mi", "1000Mi"),
    ("1000000Ki", "1000000Ki", "1000000Ki"),
    ("1e3", "1e3", "1e3"),
    ("1.5e3", "1500", "1500"),
    ("123e1", "1230", "1230"),
    ("5e-1", "500e-3", "500e-3"),
    ("1e19", "10e18", "10e18"),
    ("8Ei", "9223372036854775807", "9223372036854775807"),
    ("1.0", "1", "1"),
    ("-100m", "-100m", "-100m"),
    ("100u", "100u", "1m"),
];

#[test]
fn every_quantity_example_renders_canonically() {
    // One Pod per example: `emptyDir.sizeLimit` is a plain quantity (canonical form
    // only); container limits are a resource list (rounded up to milli by defaulting).
    let mut text = String::new();
    for (i, (input, _, _)) in QUANTITIES.iter().enumerate() {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: q{i:02}}}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    resources:\n      limits: {{cpu: \"{input}\"}}\n  volumes:\n  - name: v\n    emptyDir: {{sizeLimit: \"{input}\"}}\n"
        ));
    }
    let with_defaults = documents(&render_text(&text, |_| {}));
    let without = documents(&render_text(&text, |a| a.no_defaults = true));
    for (i, (input, stored, rounded)) in QUANTITIES.iter().enumerate() {
        let pod = |docs: &[Value]| {
            docs.iter()
                .find(|d| d["metadata"]["name"] == json!(format!("q{i:02}")))
                .cloned()
                .unwrap()
        };
        let d = pod(&with_defaults);
        assert_eq!(
            d.at("/spec/volumes/0/emptyDir/sizeLimit"),
            Some(&json!(stored)),
            "{input}"
        );
        let limit = d.at("/spec/containers/0/resources/limits/cpu");
        assert_eq!(limit, Some(&json!(rounded)), "{input} rounded");
        let n = pod(&without);
        let limit = n.at("/spec/containers/0/resources/limits/cpu");
        assert_eq!(limit, Some(&json!(stored)), "{input} without defaults");
    }
}

#[test]
fn strings_yaml_would_retype_are_quoted() {
    let out = render_ok(&args(&["tests/data/render/kinds/core.yaml"]));
    for quoted in [
        "enabled: \"yes\"",
        "mode: \"0755\"",
        "version: \"1.10\"",
        "nothing: \"null\"",
        "tilde: \"~\"",
        "big: \"1_000\"",
        "hex: \"0x1F\"",
        "empty: \"\"",
    ] {
        assert!(out.contains(quoted), "{quoted} in\n{out}");
    }
    assert!(
        !out.contains("# A structural") && !out.contains("# Other core"),
        "comments dropped"
    );
}

#[test]
fn documents_are_in_apply_order() {
    let out = render_ok(&args(&["tests/data/render/kinds"]));
    let kinds: Vec<String> = documents(&out)
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    let rank = |k: &str| k8lint::render::order::rank(k);
    for pair in kinds.windows(2) {
        assert!(
            rank(&pair[0]) <= rank(&pair[1]),
            "{} before {}",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(kinds.first().map(String::as_str), Some("Namespace"));
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("Widget"),
        "custom resources last"
    );
}

#[test]
fn namespace_is_explicit_and_follows_the_flag() {
    let mut a = args(&["tests/data/render/kinds/storage.yaml"]);
    a.namespace = Some("team".to_owned());
    let docs = documents(&render_ok(&a));
    for d in &docs {
        let ns = d.at("/metadata/namespace");
        match d["kind"].as_str().unwrap() {
            "StorageClass" | "PersistentVolume" => assert_eq!(ns, None),
            _ => assert_eq!(ns, Some(&json!("team"))),
        }
    }
}

#[test]
fn json_output_is_a_list() {
    let mut a = args(&["tests/data/render/kinds/core.yaml"]);
    a.format = RenderFormat::Json;
    let v: Value = serde_json::from_str(&render_ok(&a)).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"].as_array().unwrap().len(), 9);
    // Rendering the JSON again gives the same bytes.
    let first = render_ok(&a);
    let again = render_text(&first, |b| b.format = RenderFormat::Json);
    assert_eq!(first, again);
}

fn template_args(values: &[&str]) -> RenderArgs {
    let mut a = args(&["tests/data/render/templates/app.yaml"]);
    a.values.files = values.iter().map(PathBuf::from).collect();
    a
}

#[test]
fn templates_insert_typed_values_interpolate_and_remove() {
    let a = template_args(&["tests/data/render/templates/base.yaml"]);
    let out = render_ok(&a);
    insta::assert_snapshot!("template_base", out);
    let d = &documents(&out)[0];
    assert_eq!(
        d.at("/spec/replicas"),
        Some(&json!(2)),
        "an int stays an int"
    );
    assert_eq!(
        d.at("/metadata/labels/release"),
        Some(&json!("shop-1.0")),
        "interpolated"
    );
    assert_eq!(d.at("/metadata/labels/tier"), None, "`()` removes the key");
    let c = d.at("/spec/template/spec/containers/0").unwrap();
    assert_eq!(c["image"], "registry.example.com/shop:1.0");
    assert_eq!(c["args"], json!(["--port", "8080"]), "a list");
    assert_eq!(c["resources"]["limits"]["cpu"], "500m", "a map");
    assert_eq!(
        c["env"],
        json!([{"name": "VERBOSE", "value": "false"}]),
        "`()` removes the item"
    );
}

#[test]
fn values_files_merge_in_order_then_set() {
    let mut a = template_args(&[
        "tests/data/render/templates/base.yaml",
        "tests/data/render/templates/prod.yaml",
    ]);
    let d = &documents(&render_ok(&a))[0];
    assert_eq!(
        d.at("/spec/replicas"),
        Some(&json!(5)),
        "the later file wins"
    );
    assert_eq!(d.at("/metadata/labels/tier"), Some(&json!("backend")));
    let image = d.at("/spec/template/spec/containers/0/image").unwrap();
    assert_eq!(
        image, "registry.example.com/shop:1.1",
        "deep merge keeps the repository"
    );
    a.values.set = vec!["replicas=7".to_owned(), "image.tag=2.0".to_owned()];
    let d = &documents(&render_ok(&a))[0];
    assert_eq!(d.at("/spec/replicas"), Some(&json!(7)), "--set after files");
    let image = d.at("/spec/template/spec/containers/0/image").unwrap();
    assert_eq!(
        image, "registry.example.com/shop:2",
        "2.0 is a float, printed as 2"
    );
    a.values.set_string = vec!["image.tag=2.0".to_owned()];
    let d = &documents(&render_ok(&a))[0];
    let image = d.at("/spec/template/spec/containers/0/image").unwrap();
    assert_eq!(
        image, "registry.example.com/shop:2.0",
        "--set-string keeps the text"
    );
}

#[test]
fn set_values_are_typed_as_yaml_1_1_reads_them() {
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  v: ${{ values.v }}\n  t: ${{ type_of(values.v) }}\n";
    for (raw, value, ty) in [
        ("yes", json!(true), "bool"),
        ("off", json!(false), "bool"),
        ("0755", json!(493), "i64"),
        ("1_000", json!(1000), "i64"),
        ("0x1F", json!(31), "i64"),
        ("1.10", json!(1.1), "f64"),
        ("hello", json!("hello"), "string"),
        ("2024-01-01", json!("2024-01-01"), "string"),
    ] {
        let out = render_text(template, |a| a.values.set = vec![format!("v={raw}")]);
        let d = &documents(&out)[0];
        assert_eq!(d["data"]["v"], value, "{raw}");
        assert_eq!(d["data"]["t"], json!(ty), "{raw}");
        let out = render_text(template, |a| a.values.set_string = vec![format!("v={raw}")]);
        assert_eq!(
            documents(&out)[0]["data"]["v"],
            json!(raw),
            "--set-string {raw}"
        );
    }
    // `null`/`~`: the value is `()`, which removes the key.
    let out = render_text(template, |a| a.values.set = vec!["v=null".to_owned()]);
    assert_eq!(documents(&out)[0]["data"].get("v"), None);
    // Keys with dots are escaped.
    let t = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  v: ${{ values[\"a.b\"].c }}\n";
    let out = render_text(t, |a| a.values.set = vec!["a\\.b.c=x".to_owned()]);
    assert_eq!(documents(&out)[0]["data"]["v"], "x");
}

#[test]
fn template_errors_stop_render_and_write_nothing() {
    let (outcome, out, err) = run(&args(&["testdata/template-error/fires.yaml"]));
    assert_eq!(outcome, Outcome::Findings);
    assert!(out.is_empty());
    assert!(
        err.contains("template-error") && err.contains("nothing was written"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    let mut a = args(&["testdata/template-error/fires.yaml"]);
    a.output_dir = Some(target.clone());
    assert_eq!(run(&a).0, Outcome::Findings);
    assert!(!target.exists());
}

#[test]
fn bad_values_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let cases: Vec<(ValuesArgs, &str)> = vec![
        (
            ValuesArgs {
                files: vec![dir.path().join("missing.yaml")],
                ..ValuesArgs::default()
            },
            "missing.yaml",
        ),
        (
            ValuesArgs {
                files: vec![write("list.yaml", "- a\n")],
                ..ValuesArgs::default()
            },
            "must be a mapping",
        ),
        (
            ValuesArgs {
                files: vec![write("bad.yaml", "a: [1\n")],
                ..ValuesArgs::default()
            },
            "bad.yaml:",
        ),
        (
            ValuesArgs {
                set: vec!["novalue".to_owned()],
                ..ValuesArgs::default()
            },
            "expected KEY=VALUE",
        ),
        (
            ValuesArgs {
                set: vec!["a..b=1".to_owned()],
                ..ValuesArgs::default()
            },
            "empty key",
        ),
    ];
    for (values, want) in cases {
        let mut a = args(&["tests/data/render/kinds/core.yaml"]);
        a.values = values;
        let mut out = Vec::new();
        let e = app::render(&a, &mut out, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{e} should mention {want}");
    }
}

#[test]
fn check_lints_rendered_objects_with_locations_in_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "t.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${{ values.name }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"${{ values.name }}\"\n",
    );
    let args = CheckArgs {
        paths: vec![path.to_string_lossy().into_owned()],
        format: CheckFormat::Json,
        values: ValuesArgs {
            set: vec!["name=same".to_owned()],
            ..ValuesArgs::default()
        },
        max_file_size: Some(1 << 20),
        ..CheckArgs::default()
    };
    let mut out = Vec::new();
    app::check(&args, &mut out, &mut Vec::new()).unwrap();
    let report: Value = serde_json::from_slice(&out).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "duplicate-object", "{report}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(9), Some(9)),
        "the second expression"
    );
    assert_eq!(d["object"]["name"], "same");
}

#[test]
fn pointers_into_produced_values_resolve_to_the_expression() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: ${{ values.containers }}\n  volumes:\n  - ${{ () }}\n  - name: kept\n";
    let values = json!({"containers": [{"name": "c", "image": "x"}]});
    let inputs = k8lint::compile::Inputs {
        files: vec![k8lint::load::InputPath {
            path: None,
            explicit: true,
            context: false,
        }],
        namespace: "default".to_owned(),
        ..Default::default()
    };
    let _ = inputs;
    let mut stream = k8lint::yaml::parse(text, &k8lint::yaml::ParseLimits::default());
    let doc = &mut stream.documents[0];
    let t = k8lint::render::template::Templates::new(values);
    assert!(t.expand(&mut doc.tree, &mut doc.value, text).is_empty());
    let pointer = k8lint::base::Pointer::parse("/spec/containers/0/image").unwrap();
    let (node, _) = doc.tree.resolve(&pointer);
    let s = node.span;
    assert_eq!(
        &text[s.start as usize..s.end as usize],
        "${{ values.containers }}"
    );
    // The removed item left the tree too: item 0 is now `kept`.
    let (node, depth) = doc
        .tree
        .resolve(&k8lint::base::Pointer::parse("/spec/volumes/0/name").unwrap());
    assert_eq!(depth, 4);
    let s = node.span;
    assert_eq!(&text[s.start as usize..s.end as usize], "kept");
    assert_eq!(doc.value["spec"]["volumes"], json!([{"name": "kept"}]));
}

#[test]
fn output_dir_writes_one_file_per_object_and_never_clobbers() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    let mut a = args(&[
        "tests/data/render/kinds/storage.yaml",
        "tests/data/render/kinds/core.yaml",
    ]);
    a.output_dir = Some(target.clone());
    a.namespace = Some("apps".to_owned());
    render_ok(&a);
    let mut files: Vec<String> = common::walk(&target)
        .iter()
        .map(|p| {
            p.strip_prefix(&target)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    insta::assert_snapshot!("output_dir_files", files.join("\n"));
    let one = std::fs::read_to_string(target.join("apps/configmap-settings.yaml")).unwrap();
    assert_eq!(documents(&one).len(), 1);
    // A non-empty directory is refused without --force, and left as it was.
    std::fs::write(target.join("keep.txt"), "mine").unwrap();
    let mut err = Vec::new();
    let e = app::render(&a, &mut Vec::new(), &mut err)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not empty"), "{e}");
    assert!(target.join("keep.txt").exists());
    a.force = true;
    render_ok(&a);
    assert!(!target.join("keep.txt").exists());
    assert!(target.join("_cluster/storageclass-fast.yaml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no staging directory left: {leftovers:?}"
    );
}

#[test]
fn expand_emits_what_the_controllers_create() {
    let mut a = args(&["tests/data/render/expand/app.yaml"]);
    a.expand = true;
    let out = render_ok(&a);
    insta::assert_snapshot!("expand_app", out);
    let docs = documents(&out);
    let named = |kind: &str| -> Vec<String> {
        docs.iter()
            .filter(|d| d["kind"] == kind)
            .map(|d| d["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(named("Pod").contains(&"db-0".to_owned()) && named("Pod").contains(&"db-1".to_owned()));
    assert_eq!(named("PersistentVolumeClaim"), ["data-db-0", "data-db-1"]);
    let pvc = docs
        .iter()
        .find(|d| d["kind"] == "PersistentVolumeClaim")
        .unwrap();
    assert_eq!(
        pvc["metadata"]["labels"],
        json!({"app": "db", "kind": "pgdata"}),
        "selector labels win"
    );
    let pod = docs
        .iter()
        .find(|d| d["metadata"]["name"] == "db-1")
        .unwrap();
    assert_eq!(pod["spec"]["hostname"], "db-1");
    assert_eq!(pod["spec"]["subdomain"], "db");
    assert_eq!(
        pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"],
        "1"
    );
    assert_eq!(named("ReplicaSet").len(), 1);
    let web = docs
        .iter()
        .find(|d| d["kind"] == "Endpoints" && d["metadata"]["name"] == "web")
        .unwrap();
    // `admin` names no container port: no endpoints for that port; 8081 is used as is.
    let ports: Vec<i64> = web["subsets"][0]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(ports, [8080, 8081]);
    assert_eq!(web["subsets"][0]["addresses"].as_array().unwrap().len(), 2);
    // Rendering the expanded output again (without --expand) changes nothing.
    assert_eq!(render_text(&out, |_| {}), out);
}

/// Every YAML file of the test data (rule fixtures, policy cases, scenarios) that renders:
/// render∘render = render, byte for byte, and every leaf of the input is in the output.
#[test]
fn render_is_idempotent_and_faithful_over_testdata() {
    let mut files = Vec::new();
    for root in [
        "testdata",
        "policies",
        "tests/data/demo",
        "tests/data/formats",
        "tests/data/graph",
        "tests/data/render",
    ] {
        files.extend(common::walk(Path::new(root)));
    }
    files.retain(|p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        )
    });
    files.sort();
    let mut rendered = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("${{") || path.starts_with("tests/data/render/templates") {
            continue; // templates are transformations; their outputs are checked above
        }
        let (outcome, first, _) = run(&args(&[path.to_str().unwrap()]));
        if outcome != Outcome::Success || first.is_empty() {
            continue;
        }
        rendered += 1;
        assert_eq!(render_text(&first, |_| {}), first, "{}", path.display());
        let mut plain = args(&[path.to_str().unwrap()]);
        plain.no_defaults = true;
        let out = documents(&render_ok(&plain));
        for (i, input) in inputs_of(&path).iter().enumerate() {
            // Duplicates share an identity: one of the candidates must hold every leaf.
            let problems: Vec<String> = out
                .iter()
                .filter(|o| same_object(o, input))
                .map(|o| {
                    let mut p = Vec::new();
                    leaves_present(input, o, String::new(), &mut p);
                    p.join("; ")
                })
                .collect();
            assert!(
                problems.iter().any(String::is_empty),
                "{}: object {i}: {problems:?}",
                path.display()
            );
        }
    }
    assert!(rendered >= 10, "only {rendered} testdata files rendered");
}

fn inputs_of(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let s = k8lint::yaml::parse(&text, &k8lint::yaml::ParseLimits::default());
    s.documents
        .into_iter()
        .flat_map(|d| match d.value.get("items").and_then(Value::as_array) {
            Some(items)
                if d.value["kind"]
                    .as_str()
                    .is_some_and(|k| k.ends_with("List")) =>
            {
                items.clone()
            }
            _ => vec![d.value],
        })
        .collect()
}

fn same_object(output: &Value, input: &Value) -> bool {
    let ns = input
        .at("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    ["/apiVersion", "/kind", "/metadata/name"]
        .iter()
        .all(|p| output.at(p) == input.at(p))
        && ns.is_none_or(|n| output.at("/metadata/namespace") == Some(&json!(n)))
}

fn leaves_present(input: &Value, output: &Value, at: String, problems: &mut Vec<String>) {
    match input {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let child = output.get(k).unwrap_or(&Value::Null);
                leaves_present(v, child, format!("{at}/{k}"), problems);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                let child = output.get(i).unwrap_or(&Value::Null);
                leaves_present(v, child, format!("{at}/{i}"), problems);
            }
        }
        leaf => {
            let same_quantity = || {
                let q = |v: &Value| match v {
                    Value::String(s) => k8lint::semantics::quantity::Quantity::parse(s).ok(),
                    Value::Number(n) => {
                        k8lint::semantics::quantity::Quantity::parse(&n.to_string()).ok()
                    }
                    _ => None,
                };
                matches!((q(leaf), q(output)), (Some(a), Some(b)) if a == b)
            };
            let namespace = at == "/metadata/namespace" && leaf.as_str() == Some("");
            if !(leaf == output || same_quantity() || namespace) {
                problems.push(format!("{at}: {leaf} became {output}"));
            }
        }
    }
}
