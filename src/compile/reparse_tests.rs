//! What the editor's server keeps between compilations of one workspace.

use super::*;

/// The files named on the command line, in the default namespace.
pub(super) fn named(paths: &[PathBuf]) -> Inputs {
    Inputs {
        files: paths
            .iter()
            .map(|p| InputPath {
                path: Some(p.clone()),
                explicit: true,
                context: false,
            })
            .collect(),
        namespace: "default".into(),
        ..Inputs::default()
    }
}

/// A file is parsed again on the next compilation only when its parse expanded an alias
/// (or it holds templates): `&` and `*` in its text, or an anchor nothing names, are no
/// reason (a CRD's descriptions hold both, and a large one was parsed on every keystroke).
#[test]
fn a_parse_is_kept_unless_it_expanded_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    let object = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: NAME}\n";
    let files = [
        (
            "plain.yaml",
            format!("{object}data: {{a: 'R&D * 2', b: &unused x}}\n"),
            true,
        ),
        (
            "alias.yaml",
            format!("{object}data: {{a: &v x, b: *v}}\n"),
            false,
        ),
        (
            "merge.yaml",
            format!("{object}x: &m {{a: b}}\ndata: {{<<: *m}}\n"),
            false,
        ),
    ];
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, text, _)| {
            let path = dir.path().join(name);
            std::fs::write(&path, text.replace("NAME", &name.replace(".yaml", ""))).unwrap();
            path
        })
        .collect();
    let inputs = named(&paths);
    let reparse = Reparse::default();
    let first = compile_reusing(&inputs, Some(&reparse)).unwrap();
    for (name, _, kept) in &files {
        let path = dir.path().join(name);
        assert_eq!(reparse.lock().contains_key(&path), *kept, "{name}");
    }
    let again = compile_reusing(&inputs, Some(&reparse)).unwrap();
    assert_eq!(
        format!("{:?}", again.graph.objects),
        format!("{:?}", first.graph.objects)
    );
}

/// A kept parse goes into the next compilation shared, not copied: the objects of an
/// unchanged file hold the very values and trees of the last one (copying them was a third
/// of a keystroke's time in a workspace of 1,000 objects). A List's items are taken out of
/// a copy, so the kept List still has them the next time.
#[test]
fn a_kept_parse_is_shared_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.yaml");
    let list = dir.path().join("list.yaml");
    std::fs::write(
        &plain,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n",
    )
    .unwrap();
    std::fs::write(
        &list,
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n- {apiVersion: v1, kind: Secret, metadata: {name: c}}\n",
    )
    .unwrap();
    let inputs = named(&[plain.clone(), list.clone()]);
    let reparse = Reparse::default();
    let first = compile_reusing(&inputs, Some(&reparse)).unwrap();
    let again = compile_reusing(&inputs, Some(&reparse)).unwrap();
    let names = |c: &Compiled| {
        c.graph
            .objects
            .iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&first), ["a", "b", "c"]);
    assert_eq!(names(&again), ["a", "b", "c"]);
    assert!(Arc::ptr_eq(
        &first.graph.objects[0].value,
        &again.graph.objects[0].value
    ));
    let tree = |c: &Compiled| {
        c.graph.docs[0]
            .tree
            .clone()
            .expect("the editor keeps its trees")
    };
    assert!(Arc::ptr_eq(&tree(&first), &tree(&again)));
    assert_eq!(
        format!("{:?}", again.graph.objects),
        format!("{:?}", first.graph.objects)
    );

    // A changed file is parsed again: its objects are its own.
    std::fs::write(
        &plain,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: w}\n",
    )
    .unwrap();
    let changed = compile_reusing(&inputs, Some(&reparse)).unwrap();
    assert!(!Arc::ptr_eq(
        &again.graph.objects[0].value,
        &changed.graph.objects[0].value
    ));
    assert_eq!(changed.graph.objects[0].value["data"]["k"], "w");
}
