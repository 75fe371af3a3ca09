//! `scripts/check-layers.py` (run by CI on src/) fails on an import cycle, on an upward
//! import and on a module outside the declared layers, and passes a clean tree: checked on
//! small trees written for each case.

mod common;

use std::path::Path;
use std::process::Command;

/// Writes `files` (path below src/, text) and runs the check; returns exit code and stdout.
fn layers(files: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    common::write(&src, "lib.rs", "pub mod base;\n");
    for (name, text) in files {
        common::write(&src, name, text);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-layers.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&src)
        .output()
        .expect("python3 runs the layer check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_clean_tree_passes() {
    let (code, out) = layers(&[
        ("base.rs", "pub struct Span;\n"),
        // A doc comment or a string naming a higher module is not an import.
        (
            "yaml/mod.rs",
            "//! See [`crate::rules`].\nmod tree;\nuse crate::base::Span;\nconst S: &str = \"crate::app\";\n",
        ),
        // `super::super::` from yaml/tree.rs reaches the crate root: an import of base.
        ("yaml/tree.rs", "use super::super::base::Span;\n"),
        ("rules/mod.rs", "use crate::{base::Span, yaml};\n"),
        ("app.rs", "use crate::rules;\n"),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("layers hold"), "{out}");
}

#[test]
fn an_import_cycle_fails() {
    // base and versions share the lowest layer, so only the cycle is wrong.
    let (code, out) = layers(&[
        (
            "base.rs",
            "use crate::versions::Version;\npub struct Span;\n",
        ),
        ("versions.rs", "pub struct Version(crate::base::Span);\n"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("import cycle between base, versions: base -> versions (base.rs:1); versions -> base (versions.rs:1)"),
        "{out}"
    );
}

#[test]
fn an_upward_import_fails() {
    let (code, out) = layers(&[
        ("base.rs", "pub struct Span;\n"),
        ("yaml/mod.rs", "mod tree;\n"),
        (
            "yaml/tree.rs",
            "\n\nuse crate::{base::Span, model::Pointer};\n",
        ),
        ("model/mod.rs", "pub struct Pointer;\n"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "`yaml` (layer 2) imports `model` (layer 3), a layer above it: yaml/tree.rs:3"
        ),
        "{out}"
    );
    assert!(!out.contains("cycle"), "{out}");
}

#[test]
fn a_module_outside_the_layers_fails() {
    let (code, out) = layers(&[("base.rs", ""), ("gadgets.rs", "use crate::base;\n")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("module `gadgets` is in no layer"), "{out}");
}
