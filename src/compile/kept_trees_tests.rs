//! Span trees past the run's budget are let go and parsed again when asked for, the same.

use super::*;
use crate::base::{DocId, Location, Pointer};

/// Three files of several documents each, a List among them.
fn sources() -> Vec<(String, Vec<u8>)> {
    let cm = |name: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata:\n  port: 80\n  on: yes\n"
        )
    };
    vec![
        ("a.yaml".into(), format!("{}---\n{}", cm("a1"), cm("a2")).into_bytes()),
        (
            "list.yaml".into(),
            b"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}\n".to_vec(),
        ),
        ("b.yaml".into(), format!("# lead\n{}---\n---\n{}", cm("b1"), cm("b2")).into_bytes()),
    ]
}

/// The compilation with a tree budget of `bytes` (`None`: every tree kept).
fn compiled(bytes: Option<u64>) -> Compiled {
    let limits = Limits {
        kept_trees: bytes.map(|b| Arc::new(InputBudget::new(b))),
        ..Limits::default()
    };
    compile_in_memory(&sources(), "default", &limits)
}

#[test]
fn a_let_go_tree_is_parsed_again_the_same() {
    let kept = compiled(None);
    let released = compiled(Some(1));
    assert!(kept.graph.docs.iter().all(|d| d.tree.is_some()));
    assert!(
        released.graph.docs.iter().all(|d| d.tree.is_none()),
        "past the budget every tree is let go"
    );
    assert!(
        released.graph.files.iter().all(|f| f.is_packed()),
        "and every text packed"
    );
    assert!(kept.graph.files.iter().all(|f| !f.is_packed()));
    assert_eq!(kept.graph.docs.len(), released.graph.docs.len());
    for i in 0..kept.graph.docs.len() {
        let doc = DocId(i as u32);
        assert_eq!(
            format!("{:?}", released.graph.tree(doc)),
            format!("{:?}", kept.graph.tree(doc)),
            "document {i}"
        );
    }
    for object in &kept.graph.objects {
        let id = object.id;
        assert_eq!(released.graph.root_span(id), kept.graph.root_span(id));
        for pointer in ["/data/port", "/metadata/name", "/data/missing"] {
            let pointer = Pointer::parse(pointer).unwrap();
            let node = |c: &Compiled| {
                let tree = c.graph.object_tree(id);
                let (node, file) = tree.node_at(&pointer);
                (node.span, file, tree.exact(&pointer).is_some())
            };
            assert_eq!(node(&released), node(&kept), "{} {pointer}", object.name);
        }
    }
}

/// The budget is spent file by file: the first files' trees fit and are kept.
#[test]
fn trees_are_kept_until_the_budget_is_spent() {
    let first = sources()[0].1.len() as u64;
    let c = compiled(Some(first));
    let kept: Vec<bool> = c.graph.docs.iter().map(|d| d.tree.is_some()).collect();
    let files: Vec<u32> = c.graph.docs.iter().map(|d| d.file.0).collect();
    for (k, f) in kept.iter().zip(&files) {
        assert_eq!(*k, *f == 0, "{files:?} {kept:?}");
    }
}

/// Visiting items grouped by document still gives the results in the items' order.
#[test]
fn grouped_by_document_the_results_keep_the_items_order() {
    for c in [compiled(None), compiled(Some(1))] {
        let mut items: Vec<Location> = c
            .graph
            .objects
            .iter()
            .rev()
            .map(|o| Location::Object {
                object: o.id,
                pointer: Pointer::parse("/metadata/name").unwrap(),
            })
            .collect();
        items.insert(
            2,
            Location::File {
                file: FileId(1),
                span: Span::new(0, 3),
            },
        );
        let names = c.graph.in_document_order(
            &items,
            |l| l,
            |l| match l {
                Location::Object { object, pointer } => {
                    let tree = c.graph.object_tree(*object);
                    let (node, file) = tree.node_at(pointer);
                    c.graph.file(file).slice(node.span).into_owned()
                }
                Location::File { .. } => "file".to_owned(),
            },
        );
        let mut expected: Vec<String> = c
            .graph
            .objects
            .iter()
            .rev()
            .map(|o| o.name.clone())
            .collect();
        expected.insert(2, "file".into());
        assert_eq!(names, expected);
    }
}

/// A file whose document might not parse alone as in the file keeps its trees: one with
/// a problem, a directive, or an expanded alias.
#[test]
fn files_that_might_parse_differently_in_parts_keep_their_trees() {
    let object = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    let sources: Vec<(String, Vec<u8>)> = [
        format!("{object}data: {{a: '1', a: '2'}}\n"),
        format!("%YAML 1.1\n---\n{object}"),
        format!("{object}data: {{a: &v x, b: *v}}\n"),
        format!("{object}---\n{object}"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, text)| (format!("{i}.yaml"), text.into_bytes()))
    .collect();
    let limits = Limits {
        kept_trees: Some(Arc::new(InputBudget::new(1))),
        ..Limits::default()
    };
    let c = compile_in_memory(&sources, "default", &limits);
    let kept: Vec<(u32, bool)> = c
        .graph
        .docs
        .iter()
        .map(|d| (d.file.0, d.tree.is_some()))
        .collect();
    assert_eq!(
        kept,
        [(0, true), (1, true), (2, true), (3, false), (3, false)]
    );
}

/// A repository that outgrows the budget has less of it to spend, and none at twice it.
#[test]
fn the_budget_shrinks_as_the_repository_outgrows_it() {
    assert_eq!(tapered(16, 0), 16);
    assert_eq!(tapered(16, 16), 16);
    assert_eq!(tapered(16, 20), 12);
    assert_eq!(tapered(16, 31), 1);
    assert_eq!(tapered(16, 32), 0);
    assert_eq!(tapered(16, u64::MAX), 0);
}

/// Files of one size each: a budget of all three keeps every tree; of two, what is
/// left (one file's worth) keeps one file's; of one and a half, none.
#[test]
fn a_run_keeps_trees_by_the_size_of_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = ["a", "b", "c"]
        .iter()
        .map(|name| {
            let path = dir.path().join(format!("{name}.yaml"));
            let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n");
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let size = std::fs::metadata(&paths[0]).unwrap().len();
    let kept_files = |budget: u64| {
        let inputs = Inputs {
            limits: Limits {
                kept_trees: Some(Arc::new(InputBudget::new(budget))),
                ..Limits::default()
            },
            ..super::reparse_tests::named(&paths)
        };
        let c = compile(&inputs).unwrap();
        assert_eq!(c.graph.docs.len(), 3);
        c.graph.docs.iter().filter(|d| d.tree.is_some()).count()
    };
    assert_eq!(kept_files(3 * size), 3);
    assert_eq!(kept_files(2 * size), 1);
    assert_eq!(kept_files(3 * size / 2), 0);
}
