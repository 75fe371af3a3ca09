//! Apply units: a repository checked from its root resolves each object's references
//! only among the objects applied with it (tests/data/units, tests/data/units-declared).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use k8lint::base::value::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn k8lint(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8lint"))
        .env(
            "K8LINT_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/k8lint-cache"),
        )
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("k8lint runs")
}

/// The JSON report's diagnostics of a check run in `cwd`.
fn findings(cwd: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let out = k8lint(cwd, &all);
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    report["diagnostics"]
        .as_array()
        .cloned()
        .expect("diagnostics")
}

fn of_rule<'a>(all: &'a [Value], rule: &str) -> Vec<&'a Value> {
    all.iter().filter(|d| d["rule"] == rule).collect()
}

#[test]
fn sibling_environments_never_see_each_other() {
    let all = findings(&data("units"), &["envs"]);
    // staging's Deployment reads LOG_LEVEL from staging's own ConfigMap: no finding, though
    // prod's ConfigMap of the same name lacks the key.
    let keys = of_rule(&all, "config-key");
    assert_eq!(keys.len(), 1, "{keys:#?}");
    assert_eq!(keys[0]["file"], "envs/staging/extra.yaml");
    assert!(
        keys[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no key LEVEL")),
        "{keys:#?}"
    );
    // The two environments' NodePorts never meet in one cluster.
    assert!(of_rule(&all, "nodeport-conflict").is_empty(), "{all:#?}");
    // Each finding names its unit.
    assert_eq!(keys[0]["unit"], "envs/staging");
}

#[test]
fn a_folder_sees_the_folders_above_it() {
    // A ServiceAccount in envs/ is seen from envs/staging/ and envs/prod/.
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner}\n",
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: runner\n  containers:\n    - {name: c, image: 'x:1'}\n";
    write("a/pod.yaml", pod);
    write("b/pod.yaml", &pod.replace("runner", "other"));
    write(
        "c/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other}\n",
    );
    let all = findings(dir.path(), &["."]);
    let refs = of_rule(&all, "serviceaccount-ref");
    // a/ sees the root's `runner`; b/ does not see c/'s `other`.
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert_eq!(refs[0]["file"], "b/pod.yaml");
    assert_eq!(refs[0]["unit"], "b");
}

#[test]
fn a_declared_unit_joins_its_folders() {
    let all = findings(&data("units-declared"), &["."]);
    let missing = of_rule(&all, "ingress-service");
    // frontend/ and backend/ are one declared unit; other/ is not in it.
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert_eq!(missing[0]["file"], "other/ingress.yaml");
    let shop: Vec<&Value> = all
        .iter()
        .filter(|d| d["file"] == "frontend/ingress.yaml")
        .collect();
    assert!(shop.iter().all(|d| d["unit"] == "shop"), "{shop:#?}");
}

#[test]
fn a_declared_unit_is_read_from_the_config_however_the_path_is_given() {
    let root = data("units-declared");
    let abs = root.to_string_lossy().into_owned();
    let all = findings(&root, &[&abs]);
    assert_eq!(of_rule(&all, "ingress-service").len(), 1, "{all:#?}");
}

#[test]
fn duplicates_across_files_are_warnings_and_duplicates_in_one_file_errors() {
    let all = findings(&data("units"), &["variants"]);
    let dups = of_rule(&all, "duplicate-object");
    let summary: Vec<(String, String)> = dups
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("variants/install.yaml".to_owned(), "warning".to_owned()),
            ("variants/overrides.yaml".to_owned(), "warning".to_owned()),
            ("variants/same-file.yaml".to_owned(), "error".to_owned()),
            (
                "variants/settings-only.yaml".to_owned(),
                "warning".to_owned()
            ),
        ],
        "{dups:#?}"
    );
    let message = dups[0]["message"].as_str().unwrap_or_default();
    assert!(
        message
            .starts_with("variants/install.yaml repeats 3 objects of variants/install-strict.yaml"),
        "{message}"
    );
    // A file that repeats fewer than half of its objects is not a variant, but sibling
    // files may still be alternatives: a warning at each repeat, naming both files.
    let partial = dups[1]["message"].as_str().unwrap_or_default();
    assert!(
        partial.contains(" and again in variants/overrides.yaml: applied together"),
        "{partial}"
    );
}

#[test]
fn graph_groups_by_unit() {
    let out = k8lint(&data("units"), &["graph", "envs", "--format", "dot"]);
    let dot = String::from_utf8_lossy(&out.stdout);
    assert!(dot.contains("label=\"unit envs/prod\""), "{dot}");
    assert!(dot.contains("label=\"unit envs/staging\""), "{dot}");
    let out = k8lint(&data("units"), &["graph", "envs", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let units: Vec<&str> = doc["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["unit"].as_str())
        .collect();
    assert!(
        units.contains(&"envs/prod") && units.contains(&"envs/staging"),
        "{units:?}"
    );
}

#[test]
fn claims_bind_only_to_volumes_of_their_unit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  volumeName: pv-1\n  storageClassName: manual\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    let pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-1}\nspec:\n  storageClassName: manual\n  accessModes: [ReadWriteOnce]\n  capacity: {storage: 5Gi}\n  hostPath: {path: /data}\n";
    write("a/pvc.yaml", pvc);
    write("a/pv.yaml", pv);
    // b/'s claim of the same name is its own, and a/'s volume is not b/'s.
    write("b/pvc.yaml", pvc);
    let all = findings(dir.path(), &["."]);
    let unbindable = of_rule(&all, "pvc-unbindable");
    assert_eq!(unbindable.len(), 1, "{unbindable:#?}");
    assert_eq!(unbindable[0]["file"], "b/pvc.yaml");
    assert!(of_rule(&all, "pv-binding-conflict").is_empty(), "{all:#?}");
}

/// A related location names the unit of the object it points at: an object a
/// kustomization builds belongs to the kustomization's folder, not its file's, so a
/// related location in a base file is in the building kustomization's unit
/// (scripts/check-units.py reads this to tell a crossing from a legitimate join).
#[test]
fn related_locations_name_the_related_objects_unit() {
    let all = findings(&data("units-related"), &["."]);
    let d = of_rule(&all, "statefulset-service");
    assert_eq!(d.len(), 1, "{all:#?}");
    assert_eq!(d[0]["file"], "flat.yaml");
    assert_eq!(d[0]["unit"], ".");
    let related = &d[0]["related"][0];
    assert_eq!(related["file"], "base/service.yaml");
    assert_eq!(related["unit"], "kbuild");
}
