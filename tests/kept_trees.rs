//! Span trees let go and parsed again: with `limits.kept-tree-bytes: 1` every file's
//! trees are let go once its objects are built, and every report and every fix is the
//! one of a run that kept them all.

mod common;

use std::path::{Path, PathBuf};

use k8lint::app;
use k8lint::cli::{CacheArgs, CheckArgs, CheckFormat, ColorChoice};
use k8lint::config::FailOn;
use k8lint::fix::Options;
use k8lint::report::human::Snippets;

/// A config that keeps the trees of `bytes` of text.
fn config(dir: &Path, bytes: u64) -> PathBuf {
    common::write(
        dir,
        &format!("kept-{bytes}.yaml"),
        format!("limits:\n  kept-tree-bytes: {bytes}\n"),
    )
}

/// The fixtures, the demo, the kustomizations and the fix examples.
fn inputs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "testdata",
        "tests/data/demo",
        "tests/data/kustomize",
        "tests/data/fix",
    ]
    .iter()
    .map(|p| root.join(p).to_string_lossy().into_owned())
    .collect()
}

fn args(paths: Vec<String>, config: &Path, format: CheckFormat) -> CheckArgs {
    CheckArgs {
        paths,
        config: Some(config.to_path_buf()),
        format,
        color: ColorChoice::Never,
        quiet: true,
        fail_on: Some(FailOn::Never),
        snippets_per_rule: Some(Snippets::parse("all").unwrap()),
        cache: CacheArgs {
            cache_dir: None,
            no_cache: true,
        },
        ..CheckArgs::default()
    }
}

#[test]
fn reports_are_the_same_with_every_tree_let_go() {
    let dir = tempfile::tempdir().unwrap();
    let all = config(dir.path(), 1 << 40);
    let none = config(dir.path(), 1);
    for format in [CheckFormat::Json, CheckFormat::Human, CheckFormat::Sarif] {
        let kept = common::check_text(&args(inputs(), &all, format));
        assert!(
            kept.len() > 100_000,
            "{format:?}: the inputs report findings"
        );
        let let_go = common::check_text(&args(inputs(), &none, format));
        assert_eq!(let_go, kept, "{format:?}");
    }
}

#[test]
fn fixes_are_the_same_with_every_tree_let_go() {
    let dir = tempfile::tempdir().unwrap();
    let all = config(dir.path(), 1 << 40);
    let none = config(dir.path(), 1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fix");
    let paths = vec![root.to_string_lossy().into_owned()];
    let options = Options {
        unsafe_fixes: true,
        rules: Vec::new(),
    };
    let run = |config: &Path| {
        let args = args(paths.clone(), config, CheckFormat::Json);
        app::fix::run(&args, &options, &mut std::io::sink()).expect("fix runs")
    };
    let kept = run(&all);
    assert!(kept.files.len() >= 5, "the examples are fixed");
    let let_go = run(&none);
    assert_eq!(let_go.files, kept.files);
    assert_eq!(let_go.applied, kept.applied);
}
