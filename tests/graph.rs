//! Graph queries over compiled manifests: identity lookups, namespaces, selector queries
//! through the label index, `--context` objects.

use k8lint::compile::{Inputs, compile};
use k8lint::json;
use k8lint::load::InputPath;
use k8lint::model::Selector;

const APPS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: fe, track: stable}}
    spec: {containers: [{name: web, image: 'nginx:1'}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
spec:
  selector: {matchLabels: {app: web, track: canary}}
  template:
    metadata: {labels: {app: web, tier: fe, track: canary}}
    spec: {containers: [{name: web, image: 'nginx:2'}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: jobs}
spec:
  schedule: '@daily'
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: web}}
        spec: {restartPolicy: Never, containers: [{name: r, image: 'busybox:1'}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web, track: stable}
  ports: [{port: 80}]
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed}
";

fn graph_of(files: &[(&str, &str, bool)]) -> (tempfile::TempDir, k8lint::compile::Compiled) {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (name, text, context) in files {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        inputs.push(InputPath {
            path: Some(p),
            explicit: true,
            context: *context,
        });
    }
    let compiled = compile(&Inputs {
        files: inputs,
        namespace: "default".into(),
        limits: Default::default(),
        templates: Default::default(),
        overlay: Default::default(),
        units: Default::default(),
        helm: None,
        parses: None,
    })
    .unwrap();
    (dir, compiled)
}

#[test]
fn lookups_and_namespaces() {
    let (_d, c) = graph_of(&[("apps.yaml", APPS, false)]);
    let g = &c.graph;
    let v = &g.objects[0];
    assert_eq!(g.objects.len(), 5);
    assert!(
        g.get(v, "apps", "Deployment", Some("default"), "web")
            .is_some()
    );
    assert!(
        g.get(v, "batch", "CronJob", Some("jobs"), "report")
            .is_some()
    );
    assert!(
        g.get(v, "batch", "CronJob", Some("default"), "report")
            .is_none()
    );
    let listed = g
        .get(v, "", "ConfigMap", Some("default"), "listed")
        .unwrap();
    assert_eq!(listed.base.as_str(), "/items/0");
    assert_eq!(c.counts.objects, 5);
}

#[test]
fn selector_queries_use_template_labels_in_one_namespace() {
    let (_d, c) = graph_of(&[("apps.yaml", APPS, false)]);
    let g = &c.graph;
    let v = &g.objects[0];
    let names = |sel: &Selector, ns: &str| {
        let mut n: Vec<String> = g
            .workloads_selected_by(v, Some(ns), sel)
            .iter()
            .map(|o| o.name.clone())
            .collect();
        n.sort();
        n
    };
    let app_web = Selector::from_map(&json!({"app": "web"})).unwrap();
    assert_eq!(names(&app_web, "default"), ["web", "web-canary"]);
    assert_eq!(names(&app_web, "jobs"), ["report"]);
    let not_canary = Selector::from_label_selector(&json!({"matchExpressions": [
        {"key": "track", "operator": "NotIn", "values": ["canary"]},
        {"key": "tier", "operator": "Exists"}
    ]}))
    .unwrap();
    assert_eq!(names(&not_canary, "default"), ["web"]);

    let web = g
        .get(v, "apps", "Deployment", Some("default"), "web")
        .unwrap();
    let canary = g
        .get(v, "apps", "Deployment", Some("default"), "web-canary")
        .unwrap();
    let svc: Vec<_> = g
        .services_selecting(web)
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(svc, ["web"]);
    assert!(g.services_selecting(canary).is_empty());
}

#[test]
fn context_objects_are_in_the_graph_but_not_counted() {
    let ctx = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: default}\n";
    let (_d, c) = graph_of(&[("apps.yaml", APPS, false), ("ctx.yaml", ctx, true)]);
    let secret = c
        .graph
        .get(&c.graph.objects[0], "", "Secret", Some("default"), "db")
        .unwrap();
    assert!(secret.context);
    assert_eq!(c.counts.objects, 5);
    assert_eq!(c.counts.files, 1);
}

/// `check` releases the objects' values before it resolves its findings: every location
/// must resolve as it did before, from the span trees and identities that stay.
#[test]
fn locations_do_not_need_the_values() {
    use k8lint::base::{Location, Pointer};
    let sources = [("apps.yaml".to_owned(), APPS.as_bytes().to_vec())];
    let mut compiled = k8lint::compile::compile_in_memory(&sources, "default", &Default::default());
    let pointers = [
        "",
        "/metadata/name",
        "/spec/template/spec/containers/0/image",
        "/spec/selector",
        "/spec/absent/deeper",
    ];
    let locate_all = |graph: &k8lint::graph::Graph| -> Vec<_> {
        graph
            .objects
            .iter()
            .flat_map(|o| {
                pointers.iter().map(move |p| Location::Object {
                    object: o.id,
                    pointer: Pointer::parse(p).unwrap(),
                })
            })
            .map(|l| (graph.locate(&l), graph.locate_at(&l, true)))
            .collect()
    };
    let before = locate_all(&compiled.graph);
    assert_eq!(before.len(), pointers.len() * compiled.graph.objects.len());
    assert!(compiled.graph.objects.len() >= 3);
    compiled.graph.release_values();
    assert!(compiled.graph.objects.iter().all(|o| o.value.is_null()));
    assert_eq!(locate_all(&compiled.graph), before);
}

/// The `schema` rule compiles the rules of every CRD of the inputs (to know that they
/// compile), `cel-validation` those of the CRDs whose custom resources it evaluates: a
/// schema both need is compiled once, through the graph's memo, and only those are kept.
#[test]
fn a_crd_schema_both_cel_rules_need_is_compiled_once() {
    use k8lint::base::{At, Pointer};
    use k8lint::cel::index::{RuleIndex, evaluated_schemas, input_schema};
    use k8lint::schema::SchemaSet;
    use std::sync::Arc;

    let crd = std::fs::read_to_string("testdata/cel-validation/fires-crd/crd.yaml").unwrap();
    // A second CRD with rules, without custom resources: evaluated by nothing.
    let unused = crd
        .replace("caches.example.com", "stores.example.com")
        .replace(
            "{kind: Cache, plural: caches}",
            "{kind: Store, plural: stores}",
        );
    let sources = [
        ("crd.yaml".to_owned(), crd.into_bytes()),
        ("unused.yaml".to_owned(), unused.into_bytes()),
        (
            "cache.yaml".to_owned(),
            b"apiVersion: example.com/v1\nkind: Cache\nmetadata: {name: c}\nspec: {replicas: 20}\n"
                .to_vec(),
        ),
    ];
    let compiled = k8lint::compile::compile_in_memory(&sources, "default", &Default::default());
    let graph = &compiled.graph;
    let id_of = |name: &str| {
        graph
            .objects
            .iter()
            .find(|o| o.kind == "CustomResourceDefinition" && o.name == name)
            .unwrap()
            .id
    };
    let (caches, stores) = (id_of("caches.example.com"), id_of("stores.example.com"));
    let set =
        SchemaSet::for_checked(graph, k8lint::versions::KubeVersion::newest(), false).unwrap();
    let at = Pointer::parse("/spec/versions/0/schema/openAPIV3Schema").unwrap();
    let evaluated = evaluated_schemas(graph, set.builtin, &set.crds);
    assert!(!evaluated.iter().any(|(crd, _)| *crd == stores));
    assert_eq!(
        evaluated.into_iter().collect::<Vec<_>>(),
        vec![(caches, at.clone())],
        "only the schema of the kind with custom resources"
    );
    let index = RuleIndex::for_checked(graph, set.builtin, &set.crds);
    let kind = index.get("example.com/v1", "Cache").unwrap();
    assert!(!kind.rules.sites().is_empty());
    let schema = graph.object(caches).value.at(at.as_str()).unwrap();
    let asked = input_schema(graph, caches, &at, schema);
    assert!(Arc::ptr_eq(kind.rules.schema(), &asked), "compiled twice");
    assert!(Arc::ptr_eq(
        &asked,
        &input_schema(graph, caches, &at, schema)
    ));
    assert!(index.get("example.com/v1", "Store").is_none());
}

/// The editor's server keeps a CRD's compiled rules and schema from one check to the next
/// while the CRD's parse is kept (the same shared value): an operator's CRD is not
/// compiled again on every keystroke. A changed CRD is compiled afresh. (The switch is the
/// process's; with it on, a one-off compilation gets the same rules and schema, compiled
/// once per CRD value.)
#[test]
fn a_kept_crd_keeps_its_compiled_rules_and_schema_across_checks() {
    use k8lint::base::{At, Pointer};
    use k8lint::cel::index::input_schema;
    use k8lint::compile::{Inputs, Reparse, compile_reusing};
    use k8lint::load::InputPath;
    use k8lint::schema::{SchemaSet, keep_across_checks};
    use k8lint::versions::KubeVersion;
    use std::sync::Arc;

    keep_across_checks();
    let dir = tempfile::tempdir().unwrap();
    let crd_path = dir.path().join("crd.yaml");
    let crd = std::fs::read_to_string("testdata/cel-validation/fires-crd/crd.yaml").unwrap();
    std::fs::write(&crd_path, &crd).unwrap();
    std::fs::write(
        dir.path().join("cache.yaml"),
        "apiVersion: example.com/v1\nkind: Cache\nmetadata: {name: c}\nspec: {replicas: 20}\n",
    )
    .unwrap();
    let inputs = Inputs {
        files: ["crd.yaml", "cache.yaml"]
            .iter()
            .map(|f| InputPath {
                path: Some(dir.path().join(f)),
                explicit: true,
                context: false,
            })
            .collect(),
        namespace: "default".into(),
        ..Inputs::default()
    };
    let at = Pointer::parse("/spec/versions/0/schema/openAPIV3Schema").unwrap();
    let rules_of = |compiled: &k8lint::compile::Compiled| {
        let graph = &compiled.graph;
        let crd = graph
            .objects
            .iter()
            .find(|o| o.kind == "CustomResourceDefinition")
            .unwrap();
        let schema = crd.value.at(at.as_str()).unwrap();
        input_schema(graph, crd.id, &at, schema)
    };
    let validator_of = |compiled: &k8lint::compile::Compiled| {
        let set = SchemaSet::for_checked(&compiled.graph, KubeVersion::newest(), false).unwrap();
        set.validator("example.com/v1", "Cache").unwrap()
    };
    let reparse = Reparse::default();
    let first = compile_reusing(&inputs, Some(&reparse)).unwrap();
    let again = compile_reusing(&inputs, Some(&reparse)).unwrap();
    let kept = rules_of(&first);
    assert!(!kept.sites().is_empty());
    assert!(Arc::ptr_eq(&kept, &rules_of(&again)), "compiled again");
    let validator = validator_of(&first);
    assert!(
        Arc::ptr_eq(&validator, &validator_of(&again)),
        "schema compiled again"
    );

    std::fs::write(&crd_path, crd.replace("self.replicas", "self.replicas + 0")).unwrap();
    let changed = compile_reusing(&inputs, Some(&reparse)).unwrap();
    let fresh = rules_of(&changed);
    assert!(
        !Arc::ptr_eq(&kept, &fresh),
        "a changed CRD kept its old rules"
    );
    assert!(!Arc::ptr_eq(&validator, &validator_of(&changed)));
}

/// With the server's keeping on, a custom resource of a kind of the embedded CRD catalog
/// gets the same compiled rules and converted schema in every check: the catalog lives as
/// long as the process.
#[test]
fn a_catalog_kind_keeps_its_compiled_rules_and_schema_across_checks() {
    use k8lint::cel::index::RuleIndex;
    use k8lint::schema::{SchemaSet, keep_across_checks};
    use k8lint::versions::KubeVersion;
    use std::sync::Arc;

    keep_across_checks();
    let sources = [(
        "sm.yaml".to_owned(),
        b"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\nspec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: http}]\n"
            .to_vec(),
    )];
    let check = || k8lint::compile::compile_in_memory(&sources, "default", &Default::default());
    let (first, again) = (check(), check());
    let sets = [&first, &again]
        .map(|c| SchemaSet::for_checked(&c.graph, KubeVersion::newest(), true).unwrap());
    let (api, kind) = ("monitoring.coreos.com/v1", "ServiceMonitor");
    let rules: Vec<_> = [&first, &again]
        .iter()
        .zip(&sets)
        .map(|(c, set)| {
            let index = RuleIndex::for_checked(&c.graph, set.builtin, &set.crds);
            Arc::clone(index.get(api, kind).unwrap().rules.schema())
        })
        .collect();
    assert!(Arc::ptr_eq(&rules[0], &rules[1]), "compiled again");
    // Both sets alive: the same address is the same converted schema.
    let roots = sets.each_ref().map(|s| s.root(api, kind).unwrap().schema);
    assert!(std::ptr::eq(roots[0], roots[1]), "converted again");
}
