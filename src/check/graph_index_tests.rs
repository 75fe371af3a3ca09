//! The graph's identity and label indexes answer the same when every key's hash collides
//! (each lookup keeps only the objects whose own key is the one asked for): the lookups
//! and the whole check's findings. Here rather than in `graph`, which sits below the check
//! and the rules it runs.

use std::sync::Arc;

use crate::check::{self, Selection};
use crate::compile::{Compiled, Limits, compile_in_memory};
use crate::config::Config;
use crate::rules;
use crate::versions::KubeVersion;

fn deployment(namespace: &str, name: &str, labels: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {namespace}}}\n\
         spec:\n  selector: {{matchLabels: {labels}}}\n  template:\n    metadata: {{labels: {labels}}}\n    \
         spec:\n      containers:\n      - name: app\n        image: registry.example/app:1.0\n        \
         envFrom: [{{configMapRef: {{name: cfg}}}}]\n        ports: [{{name: http, containerPort: 8080}}]\n"
    )
}

fn service(namespace: &str, name: &str, selector: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: {namespace}}}\n\
         spec:\n  selector: {selector}\n  ports: [{{port: 80, targetPort: http}}]\n"
    )
}

fn config_map(namespace: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cfg, namespace: {namespace}}}\ndata: {{k: v}}\n"
    )
}

/// Two namespaces with a workload of one name and labels each, Services that select
/// them or nothing, a budget, and an object defined twice in one file and again in
/// another.
fn sources() -> Vec<(String, Vec<u8>)> {
    let a = [
        deployment("a", "web", "{app: web, tier: front}"),
        service("a", "web", "{app: web}"),
        service("a", "ghost", "{app: nothing}"),
        config_map("a"),
        config_map("a"),
    ];
    let b = [
        deployment("b", "web", "{app: web}"),
        service("b", "web", "{app: web, tier: front}"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: b}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n".to_owned(),
    ];
    vec![
        ("a.yaml".into(), a.join("---\n").into_bytes()),
        ("b.yaml".into(), b.join("---\n").into_bytes()),
        ("c.yaml".into(), config_map("a").into_bytes()),
    ]
}

/// The Deployment of a namespace.
fn deployment_in<'g>(graph: &'g crate::graph::Graph, namespace: &str) -> &'g crate::model::Object {
    graph
        .objects
        .iter()
        .find(|o| o.kind == "Deployment" && o.namespace.as_deref() == Some(namespace))
        .expect("the sources have one Deployment in each namespace")
}

fn findings(compiled: &Compiled) -> Vec<String> {
    let all = rules::builtin();
    let selection = Selection::new(&all, &Config::default(), &[], &[]).unwrap();
    check::run(
        compiled,
        &all,
        &selection,
        KubeVersion::resolve("1.34").unwrap(),
        true,
        &crate::semantics::pod_security::Settings::default(),
    )
    .iter()
    .map(|d| format!("{d:?}"))
    .collect()
}

#[test]
fn colliding_index_keys_change_no_answer() {
    let limits = Limits {
        kept_trees: None::<Arc<_>>,
        ..Limits::default()
    };
    let mut compiled = compile_in_memory(&sources(), "default", &limits);
    let expected = findings(&compiled);
    let has = |rule: &str| expected.iter().any(|f| f.contains(&format!("\"{rule}\"")));
    // The lookups the rules make found what is there and nothing else.
    assert!(has("duplicate-object"), "{expected:#?}");
    assert!(has("service-no-pods"), "{expected:#?}");
    let graph = &compiled.graph;
    let web_a = deployment_in(graph, "a");
    let selecting: Vec<&str> = graph
        .services_selecting(web_a)
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(selecting, ["web"]);

    compiled.graph = std::mem::take(&mut compiled.graph).with_colliding_indexes();
    let graph = &compiled.graph;
    let web_a = deployment_in(graph, "a");
    let web_b = deployment_in(graph, "b");
    let selecting = |w| -> Vec<(Option<String>, String)> {
        graph
            .services_selecting(w)
            .iter()
            .map(|s| (s.namespace.clone(), s.name.clone()))
            .collect()
    };
    assert_eq!(selecting(web_a), [(Some("a".to_owned()), "web".to_owned())]);
    assert!(selecting(web_b).is_empty(), "b's Service wants tier: front");
    let found = graph.get(web_a, "", "ConfigMap", Some("a"), "cfg").unwrap();
    assert_eq!(
        (found.kind.as_str(), found.name.as_str()),
        ("ConfigMap", "cfg")
    );
    assert!(
        graph
            .get(web_b, "", "ConfigMap", Some("b"), "cfg")
            .is_none()
    );
    assert_eq!(graph.same_key_seen_by(found).len(), 3);
    assert_eq!(findings(&compiled), expected);
}
