//! Shapes that made the PersistentVolume binding simulation do work for every pair of a
//! claim and a volume: each claim explaining itself over every volume, each claim walking
//! every volume of its bucket that is too small or taken, each unit listing every volume
//! to find those it sees (and each object asking of every StorageClass whether it sees
//! it). Sized so that the pairwise work would blow the CPU bound of
//! [`k8lint`] in a debug build.

use std::fs;

use super::k8lint;

fn pv(i: usize, class: &str, size: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: pv{i}}}\nspec:\n  storageClassName: {class}\n  capacity: {{storage: {size}}}\n  accessModes: [ReadWriteOnce]\n  hostPath: {{path: /srv/{i}}}\n"
    )
}

fn pvc(i: usize, class: &str, size: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: c{i}}}\nspec:\n  storageClassName: \"{class}\"\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: {size}}}}}\n"
    )
}

fn findings<'a>(out: &'a str, rule: &str) -> Vec<&'a str> {
    let tag = format!("[{rule}]");
    out.lines().filter(|l| l.contains(&tag)).collect()
}

/// Claims of class `""` that no volume fits (every volume has a class, and all but the
/// last are too small): each used to work out why for every volume, with a message each.
#[test]
fn many_claims_no_volume_fits() {
    const N: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..N {
        let size = if i == N - 1 { "10Gi" } else { "1Gi" };
        text.push_str(&pv(i, "slow", size));
    }
    for i in 0..N {
        text.push_str(&pvc(i, "", "5Gi"));
    }
    fs::write(dir.path().join("m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "json", "--fail-on", "never"],
    );
    let report: k8lint::base::value::Value = serde_json::from_str(&out).expect(&err);
    let unbindable: Vec<&k8lint::base::value::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "pvc-unbindable")
        .collect();
    assert_eq!(unbindable.len(), N, "{err}");
    // The nearest volumes: the one big enough (one miss), then the first two (two).
    let near: Vec<&str> = unbindable[N - 1]["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["message"].as_str())
        .collect();
    assert_eq!(
        near,
        [
            format!("PersistentVolume pv{}: storage class slow is not the claim's (none)", N - 1),
            "PersistentVolume pv0: capacity 1Gi is less than the requested 5Gi; storage class slow is not the claim's (none)".to_owned(),
            "PersistentVolume pv1: capacity 1Gi is less than the requested 5Gi; storage class slow is not the claim's (none)".to_owned(),
        ],
        "{:#}",
        unbindable[N - 1]
    );
}

fn statefulset(i: usize, class: &str, size: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: s{i}}}\nspec:\n  replicas: 1000\n  serviceName: s\n  selector: {{matchLabels: {{app: s{i}}}}}\n  template:\n    metadata: {{labels: {{app: s{i}}}}}\n    spec:\n      containers: [{{name: c, image: \"i:1\"}}]\n  volumeClaimTemplates:\n    - metadata: {{name: data}}\n      spec:\n        storageClassName: {class}\n        accessModes: [ReadWriteOnce]\n        resources: {{requests: {{storage: {size}}}}}\n"
    )
}

/// Claims of the volumes' class (a thousand ordinals of each StatefulSet), each bigger
/// than every volume: each used to walk the whole bucket of its class; then claims that
/// all bind, each used to walk the volumes the claims before it took.
#[test]
fn many_claims_over_many_volumes_of_their_class() {
    const N: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let volumes: String = (0..N).map(|i| pv(i, "manual", "1Gi")).collect();
    let too_big: String = (0..N / 1000)
        .map(|i| statefulset(i, "manual", "5Gi"))
        .collect();
    fs::write(dir.path().join("m.yaml"), format!("{volumes}{too_big}")).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", "m.yaml", "--format", "short", "--fail-on", "never"],
    );
    // The class is no StorageClass of the inputs: it may provision.
    assert_eq!(
        findings(&out, "pvc-unbindable"),
        Vec::<&str>::new(),
        "{err}"
    );

    let fitting: String = (0..N / 1000)
        .map(|i| statefulset(i, "manual", "1Gi"))
        .collect();
    fs::write(dir.path().join("m.yaml"), format!("{volumes}{fitting}")).unwrap();
    // One claim more than volumes, of a class that never provisions: the last one finds
    // every volume taken.
    let text = format!(
        "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: manual}}\nprovisioner: kubernetes.io/no-provisioner\n{}",
        pvc(0, "manual", "1Gi")
    );
    fs::write(dir.path().join("last.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", ".", "--format", "short", "--fail-on", "never"],
    );
    // last.yaml comes first: its claim binds the first volume, so the last ordinal of the
    // last StatefulSet is the one left without.
    let conflicts = findings(&out, "pv-binding-conflict");
    assert_eq!(conflicts.len(), 1, "{err}\n{out}");
    assert!(
        conflicts[0].starts_with("m.yaml:")
            && conflicts[0].contains(&format!(
                "claim data-s{}-999 (from a volumeClaimTemplate of StatefulSet s{}) gets no PersistentVolume: pv0 fits it, but claim c0 takes it first",
                N / 1000 - 1,
                N / 1000 - 1,
            )),
        "{}",
        conflicts[0]
    );
}

/// Overlays, each with one claim and one volume of its own, over a base of many volumes
/// (none fits the claims): each unit used to ask of every volume whether it sees it, and
/// then explain itself over all of them.
#[test]
fn many_overlays_over_many_volumes() {
    const N: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let base: String = (0..N).map(|i| pv(i, "slow", "10Gi")).collect();
    fs::write(dir.path().join("pvs.yaml"), base).unwrap();
    for i in 0..N {
        let overlay = dir.path().join(format!("o{i}"));
        fs::create_dir(&overlay).unwrap();
        let own = pv(N + i, "fast", "1Gi").replace("pv", "own");
        fs::write(
            overlay.join("c.yaml"),
            format!("{own}{}", pvc(i, "", "5Gi")),
        )
        .unwrap();
    }
    let (_, out, err) = k8lint(
        dir.path(),
        &["check", ".", "--format", "short", "--fail-on", "never"],
    );
    let unbindable = findings(&out, "pvc-unbindable");
    assert_eq!(unbindable.len(), N, "{err}");
    let mut overlays: Vec<&str> = unbindable
        .iter()
        .map(|l| l.split('/').next().unwrap_or_default())
        .collect();
    overlays.sort_unstable();
    overlays.dedup();
    assert_eq!(overlays.len(), N, "one claim of each overlay");
}

/// Many StorageClasses (from `--context`: seen by every unit) and many objects: each
/// object used to ask of every StorageClass whether it sees it, claims or not.
#[test]
fn many_storage_classes_and_many_objects() {
    const N: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let mut context = String::new();
    for i in 0..N {
        context.push_str(&format!(
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: sc{i}}}\nprovisioner: x\n"
        ));
    }
    fs::write(dir.path().join("context.yaml"), context).unwrap();
    let mut text: String = (0..N)
        .map(|i| {
            format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n"
            )
        })
        .collect();
    text.push_str(&pvc(0, "sc7", "1Gi"));
    text.push_str(&pvc(1, "nope", "1Gi"));
    fs::create_dir(dir.path().join("repo")).unwrap();
    fs::write(dir.path().join("repo/m.yaml"), text).unwrap();
    let (_, out, err) = k8lint(
        &dir.path().join("repo"),
        &[
            "check",
            "m.yaml",
            "--context",
            "../context.yaml",
            "--format",
            "short",
            "--fail-on",
            "never",
        ],
    );
    let unknown = findings(&out, "storage-class-unknown");
    assert_eq!(unknown.len(), 1, "{err}");
    assert!(
        unknown[0].contains("storage class nope is not defined in the inputs (StorageClasses: sc0, sc1, sc10, sc100, sc1000, sc1001,"),
        "{}",
        &unknown[0][..200.min(unknown[0].len())]
    );
}
