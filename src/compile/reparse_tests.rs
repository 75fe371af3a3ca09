//! What the editor's server keeps between compilations of one workspace.

use super::*;

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
    let inputs = Inputs {
        files: files
            .iter()
            .map(|(name, text, _)| {
                let path = dir.path().join(name);
                std::fs::write(&path, text.replace("NAME", &name.replace(".yaml", ""))).unwrap();
                InputPath {
                    path: Some(path),
                    explicit: true,
                    context: false,
                }
            })
            .collect(),
        namespace: "default".into(),
        ..Inputs::default()
    };
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
