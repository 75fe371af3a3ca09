//! Property tests of render on generated manifests: the emitter reads back as the same
//! value, render∘render = render byte for byte, and no input leaf is lost.

mod common;

use k8lint::app::{self, Outcome};
use k8lint::base::value::{Map, Value};
use k8lint::cli::RenderArgs;
use k8lint::json;
use k8lint::render::emit;
use proptest::prelude::*;

/// Strings that YAML 1.1 would retype or that need care in YAML syntax.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "yes",
            "no",
            "on",
            "Off",
            "y",
            "N",
            "true",
            "0755",
            "012",
            "08",
            "1.10",
            "1.0",
            "null",
            "~",
            "",
            "1_000",
            "0x1F",
            "0o17",
            "0b101",
            "1e3",
            ".5",
            "+1",
            "-1",
            ".inf",
            ".nan",
            "2024-01-01",
            "1:20",
            "- a",
            "-",
            "---",
            "...",
            "a: b",
            "a:b",
            "#x",
            "a #b",
            " lead",
            "trail ",
            "multi\nline\n",
            "multi\nline",
            "x\n\n",
            "\n",
            "\ttab",
            "a\tb",
            "é",
            "<<",
            "@x",
            "%x",
            "*a",
            "&a",
            "!a",
            "|",
            ">",
            "{}",
            "[]",
            "'q'",
            "\"q\"",
            "?",
            "?x",
            ":",
            "x:",
            "\u{2028}",
            "\u{85}",
            "\r\n",
            "a\\b",
            "--flag=x",
            "nginx:1.25",
            "100m",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9 :#\\-\n\t'\"{},.~|>!&*]{0,10}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        tricky().prop_map(Value::from),
        any::<i64>().prop_map(|i| json!(i)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        (any::<i32>(), 1u32..64).prop_filter_map("needs a fraction", |(n, d)| {
            let f = f64::from(n) / f64::from(d);
            (f.fract() != 0.0).then(|| json!(f))
        }),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(tricky(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map>())),
        ]
    })
}

fn quantity() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "1000m", "1.5", "0.1m", "2.5m", "1Gi", "1.5Gi", "1e3", "5e-1", "+1", "01", "1.", "8Ei",
            "100u", "junk", "1KB"
        ])
        .prop_map(|s| json!(s)),
        (0i64..100_000).prop_map(|n| json!(n)),
    ]
}

/// A stream of a ConfigMap, a Deployment and a custom resource with generated content.
fn manifest() -> impl Strategy<Value = Vec<Value>> {
    (
        prop::collection::btree_map("[a-z]{1,6}", tricky(), 0..6),
        prop::collection::vec(tricky(), 0..4),
        quantity(),
        quantity(),
        tree(),
        prop::option::of(0i64..5),
    )
        .prop_map(|(data, env, cpu, memory, spec, replicas)| {
            let env: Vec<Value> = env.into_iter().enumerate().map(|(i, v)| json!({"name": format!("E{i}"), "value": v})).collect();
            let mut deployment = json!({
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx", "env": env,
                        "resources": {"limits": {"cpu": cpu, "memory": memory}}}]}}}
            });
            if let Some(r) = replicas {
                deployment["spec"]["replicas"] = json!(r);
            }
            vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": data}),
                deployment,
                json!({"apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "t"}, "spec": spec}),
            ]
        })
}

fn render(text: &str, defaults: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "in.yaml", text);
    let args = RenderArgs {
        paths: vec![path.to_string_lossy().into_owned()],
        no_defaults: !defaults,
        max_file_size: Some(1 << 24),
        ..RenderArgs::default()
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = app::render(&args, &mut out, &mut err).unwrap();
    assert_eq!(
        outcome,
        Outcome::Success,
        "{}\n{text}",
        String::from_utf8_lossy(&err)
    );
    String::from_utf8(out).unwrap()
}

fn parse(text: &str) -> Vec<Value> {
    let s = k8lint::yaml::parse(text, &k8lint::yaml::ParseLimits::default());
    assert!(s.problems.is_empty(), "{:?}\n{text}", s.problems);
    s.documents.into_iter().map(|d| d.value).collect()
}

/// Every leaf of `input` is at the same place in `output` (quantities: the same amount).
fn contains(input: &Value, output: &Value) -> bool {
    match input {
        Value::Object(m) if !m.is_empty() => m
            .iter()
            .all(|(k, v)| output.get(k).is_some_and(|o| contains(v, o))),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .enumerate()
            .all(|(i, v)| output.get(i).is_some_and(|o| contains(v, o))),
        leaf => {
            let q = |v: &Value| match v {
                Value::String(s) => k8lint::semantics::quantity::Quantity::parse(s).ok(),
                Value::Number(n) => {
                    k8lint::semantics::quantity::Quantity::parse(&n.to_string()).ok()
                }
                _ => None,
            };
            // Resource lists are rounded up to milli-units by defaulting (§A.2).
            let same_amount = |a: Option<k8lint::semantics::quantity::Quantity>, b| match (a, b) {
                (Some(mut a), Some(b)) => {
                    a == b || {
                        a.round_up_milli();
                        a == b
                    }
                }
                _ => false,
            };
            leaf == output || same_amount(q(leaf), q(output))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_emitter_reads_back_as_the_same_value(v in tree()) {
        let doc = json!({"root": v});
        let mut text = String::new();
        emit::yaml_document(&doc, &mut text);
        let back = parse(&text);
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(&back[0], &doc, "{}", text);
    }

    #[test]
    fn render_is_a_fixpoint_and_keeps_every_leaf(docs in manifest(), defaults in any::<bool>()) {
        // The input is written as JSON (valid YAML), independently of k8lint's emitter.
        let input: String = docs.iter().map(|d| format!("---\n{}\n", serde_json::to_string(d).unwrap())).collect();
        let first = render(&input, defaults);
        let second = render(&first, defaults);
        prop_assert_eq!(&first, &second);
        let out = parse(&first);
        for d in &docs {
            let o = out.iter().find(|o| o["kind"] == d["kind"]).unwrap();
            prop_assert!(contains(d, o), "{}\n---\n{}", serde_json::to_string_pretty(d).unwrap(), first);
        }
    }
}
