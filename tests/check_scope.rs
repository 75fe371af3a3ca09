//! The guard of `Scope::Object`: a rule declared to read only its own object (and a
//! default policy found to) must find the same on a graph holding that object alone (and
//! the CRDs, which are schemas) as on the whole graph. Run over every fixture file, so
//! that a rule that starts to look up other objects cannot keep its `scope: Object` (its
//! findings would be cached wrongly).

use std::path::Path;

use k8lint::base::{Diagnostic, Span};
use k8lint::compile::{self, Compiled, Limits};
use k8lint::graph::Graph;
use k8lint::model::Object;
use k8lint::policy::PolicySet;
use k8lint::rules::{self, Context, Rule, Scope};
use k8lint::schema::SchemaSet;
use k8lint::semantics::pod_security::{Settings, Verdicts};
use k8lint::versions::KubeVersion;

/// A finding said without object ids: rule, where, what.
type Said = (
    String,
    Span,
    String,
    Option<String>,
    bool,
    Vec<(Span, String)>,
);

fn said(graph: &Graph, d: &Diagnostic) -> Said {
    (
        d.rule.as_str().to_owned(),
        graph.locate(&d.location).1,
        d.message.clone(),
        d.help.as_deref().map(str::to_owned),
        d.at_key,
        d.related
            .iter()
            .map(|r| (graph.locate(&r.location).1, r.message.clone()))
            .collect(),
    )
}

/// The findings of the object-scoped rules and default policies on one object.
fn findings(compiled: Compiled, builtin: &[&dyn Rule], at: &dyn Fn(&Graph) -> usize) -> Vec<Said> {
    let (compiled, policies) = PolicySet::defaults().attach(compiled);
    let policies: Vec<&dyn Rule> = policies
        .iter()
        .map(AsRef::as_ref)
        .filter(|r| r.meta().scope == Scope::Object)
        .collect();
    assert!(
        policies.len() >= 9,
        "the default policies read only their object"
    );
    let rules: Vec<&dyn Rule> = builtin.iter().copied().chain(policies).collect();
    let graph = &compiled.graph;
    let object = &graph.objects[at(graph)];
    let version = KubeVersion::newest();
    let schemas = SchemaSet::for_checked(graph, version, true).unwrap();
    let settings = Settings::default();
    let verdicts = Verdicts::new(graph, &settings, version.minor());
    let cx = Context {
        graph,
        version,
        schemas: &schemas,
        pod_security: &settings,
        pod_verdicts: &verdicts,
        binding: Default::default(),
    };
    let mut out = Vec::new();
    for r in &rules {
        r.check_object(&cx, object, &mut out);
    }
    let mut said: Vec<Said> = out.iter().map(|d| said(graph, d)).collect();
    said.sort();
    said
}

fn is_crd(o: &Object) -> bool {
    o.is("apiextensions.k8s.io", "CustomResourceDefinition")
}

/// The file's text with every document but `keep` (and the CRDs) blanked: the same
/// offsets, one object left.
fn isolated(text: &str, graph: &Graph, keep: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (i, doc) in graph.docs.iter().enumerate() {
        let crd = graph
            .objects
            .iter()
            .any(|o| o.doc.0 as usize == i && is_crd(o));
        if i == keep || crd {
            continue;
        }
        for b in &mut bytes[doc.span.start as usize..doc.span.end as usize] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).expect("blanking keeps UTF-8 (only ASCII bytes are written)")
}

fn check_file(path: &Path, rules: &[&dyn Rule], compared: &mut usize) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let name = path.to_string_lossy().into_owned();
    let limits = Limits::default();
    let whole = compile::compile_in_memory(
        &[(name.clone(), text.clone().into_bytes())],
        "default",
        &limits,
    );
    // The objects to compare, each by its document's start (ids differ alone).
    let targets: Vec<(usize, u32, k8lint::base::Pointer, String)> = whole
        .graph
        .checked()
        .filter(|o| whole.graph.docs[o.doc.0 as usize].built.is_none() && !is_crd(o))
        .map(|o| {
            let start = whole.graph.docs[o.doc.0 as usize].span.start;
            (o.id.0 as usize, start, o.base.clone(), o.display_name())
        })
        .collect();
    let text_of_doc: Vec<String> = targets
        .iter()
        .map(|(id, ..)| isolated(&text, &whole.graph, whole.graph.objects[*id].doc.0 as usize))
        .collect();
    let whole_text = text.clone().into_bytes();
    for ((id, start, base, shown), alone_text) in targets.into_iter().zip(text_of_doc) {
        let compile = |bytes: Vec<u8>| {
            compile::compile_in_memory(&[(name.clone(), bytes)], "default", &limits)
        };
        let expected = findings(compile(whole_text.clone()), rules, &|_| id);
        let same = |g: &Graph| {
            g.objects
                .iter()
                .position(|a| {
                    !a.context && g.docs[a.doc.0 as usize].span.start == start && a.base == base
                })
                .unwrap_or_else(|| panic!("{name}: {shown} not found alone"))
        };
        let got = findings(compile(alone_text.into_bytes()), rules, &same);
        assert_eq!(
            got, expected,
            "{name}: {shown}: an object-scoped rule found something else with the object alone"
        );
        *compared += 1;
    }
}

#[test]
fn object_scoped_rules_read_only_their_object() {
    let builtin = rules::builtin();
    let object_rules: Vec<&dyn Rule> = builtin
        .iter()
        .copied()
        .filter(|r| r.meta().scope == Scope::Object)
        .collect();
    assert!(object_rules.len() > 20, "the scope split is declared");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut compared = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        for f in files {
            check_file(&f, &object_rules, &mut compared);
        }
    }
    assert!(compared > 200, "compared {compared} objects");
}
