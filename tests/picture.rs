//! `k8lint graph` on tests/data/graph: the three formats as snapshots, broken references in
//! red, and the other generated outputs (completions, man page).

use k8lint::app;
use k8lint::base::Pointer;
use k8lint::cli::{CheckArgs, CompletionsArgs, GraphArgs, GraphFormat, Shell};
use k8lint::declare_rule;
use k8lint::picture::{self, Picture};
use k8lint::rules::Rule;

const SAMPLE: &str = "tests/data/graph";

fn graph(format: GraphFormat) -> String {
    let args = GraphArgs {
        paths: vec![SAMPLE.to_owned()],
        format,
        ..GraphArgs::default()
    };
    let mut out = Vec::new();
    app::graph(&args, &mut out, &mut Vec::new()).unwrap_or_else(|e| panic!("graph: {e}"));
    String::from_utf8(out).unwrap()
}

#[test]
fn dot_snapshot() {
    insta::assert_snapshot!("dot", graph(GraphFormat::Dot));
}

#[test]
fn mermaid_snapshot() {
    insta::assert_snapshot!("mermaid", graph(GraphFormat::Mermaid));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", graph(GraphFormat::Json));
}

#[test]
fn missing_targets_are_dashed_nodes() {
    let json: k8lint::base::value::Value = serde_json::from_str(&graph(GraphFormat::Json)).unwrap();
    let missing: Vec<String> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["missing"] == true)
        .map(|n| {
            format!(
                "{} {}",
                n["kind"].as_str().unwrap(),
                n["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            "StorageClass fast",
            "Service api",
            "Pod app=nothing",
            "Secret db",
            "Secret web-tls",
            "ServiceAccount web"
        ]
    );
}

declare_rule! {
    /// A stand-in wiring rule: reports what the test tells it to.
    static FAKE_WIRING = {
        id: "fake-wiring",
        severity: Error,
        category: Config,
        summary: "test",
        help: "",
    }
}

struct FakeWiring;

impl Rule for FakeWiring {
    fn meta(&self) -> &'static k8lint::rules::RuleMeta {
        &FAKE_WIRING
    }
}

#[test]
fn edges_with_a_wiring_finding_are_red() {
    let args = CheckArgs {
        paths: vec![SAMPLE.to_owned()],
        ..CheckArgs::default()
    };
    let checked = app::compile_and_check(&args, &mut Vec::new()).unwrap();
    let g = &checked.compiled.graph;
    let deployment = g
        .get(&g.objects[0], "apps", "Deployment", Some("default"), "web")
        .unwrap();
    // A finding inside the envFrom reference, as a config-ref rule would make it.
    let pointer =
        Pointer::root().path("spec/template/spec/containers/0/envFrom/0/configMapRef/name");
    let finding = FAKE_WIRING.at(deployment.id, pointer, "no such ConfigMap");
    let rules: Vec<&dyn Rule> = vec![&FakeWiring];
    let picture = Picture::build(g, std::slice::from_ref(&finding), &rules);
    let broken: Vec<String> = picture
        .arrows
        .iter()
        .filter(|a| a.is_broken())
        .map(|a| {
            format!(
                "{} -> {}",
                picture.nodes[a.from].kind, picture.nodes[a.to].kind
            )
        })
        .collect();
    assert_eq!(broken, ["Deployment -> ConfigMap"]);
    let mut dot = Vec::new();
    picture::dot::write(g, &picture, &mut dot).unwrap();
    let dot = String::from_utf8(dot).unwrap();
    assert_eq!(dot.matches("penwidth=2").count(), 1, "{dot}");

    // A rule outside the wiring categories colors nothing.
    let picture = Picture::build(g, &[finding], &[]);
    assert!(picture.arrows.iter().all(|a| !a.is_broken()));
}

#[test]
fn completions_name_every_subcommand() {
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let mut out = Vec::new();
        app::completions(&CompletionsArgs { shell }, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for sub in ["check", "graph", "rules", "explain", "completions"] {
            assert!(text.contains(sub), "{shell:?} completion lacks {sub}");
        }
        assert!(
            text.contains("sarif"),
            "{shell:?} completion lacks format values"
        );
    }
}

#[test]
fn man_page_is_roff() {
    let mut out = Vec::new();
    app::man(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH k8lint"),
        "{text}"
    );
    assert!(text.contains("graph"));
}
