//! The re-run cache: reports are byte-identical without it, with it cold, warm, and warm
//! after an edit; damaged, truncated and foreign entries are ignored and written again;
//! entries are read at all (a planted finding shows); the folder stays bounded.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use k8lint::base::sha256;
use k8lint::cache;
use k8lint::cli::{CacheArgs, CheckArgs, CheckFormat, ColorChoice};

/// Copies the fixtures and the demo into a fresh folder (the test edits them).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (from, to) in [("testdata", "testdata"), ("tests/data/demo", "demo")] {
        let from = root.join(from);
        for f in common::walk(&from) {
            if f.components().any(|c| c.as_os_str() == "snapshots") {
                continue;
            }
            let rel = f.strip_prefix(&from).unwrap();
            let bytes = fs::read(&f).unwrap();
            common::write(&dir.path().join(to), &rel.to_string_lossy(), bytes);
        }
    }
    dir
}

/// The report of `check` on the copy, in `format`, with the cache in `cache` (or none).
fn report(repo: &Path, format: CheckFormat, cache: Option<&Path>) -> String {
    let args = CheckArgs {
        paths: vec![
            repo.join("testdata").to_string_lossy().into_owned(),
            repo.join("demo").to_string_lossy().into_owned(),
        ],
        format,
        color: ColorChoice::Never,
        quiet: true,
        fail_on: Some(k8lint::config::FailOn::Never),
        cache: CacheArgs {
            cache_dir: cache.map(Path::to_path_buf),
            no_cache: cache.is_none(),
        },
        ..CheckArgs::default()
    };
    common::check_text(&args)
}

/// Every entry of a cache folder, sorted.
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut all = common::walk(cache);
    all.sort();
    all
}

#[test]
fn reports_are_the_same_uncached_cold_warm_and_after_an_edit() {
    let repo = repository();
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = cache_dir.path();
    for format in [CheckFormat::Json, CheckFormat::Human] {
        let uncached = report(repo.path(), format, None);
        assert!(uncached.len() > 10_000, "the fixtures report findings");
        let cold = report(repo.path(), format, Some(cache));
        assert_eq!(cold, uncached, "{format:?}: cold cache");
        assert!(!entries(cache).is_empty(), "the cold run wrote entries");
        let warm = report(repo.path(), format, Some(cache));
        assert_eq!(warm, uncached, "{format:?}: warm cache");
    }
    // One file edited: its objects are checked again, the others' findings are reused.
    let edited = repo.path().join("demo/api.yaml");
    let text = fs::read_to_string(&edited).unwrap();
    fs::write(&edited, text.replacen("replicas: 3", "replicas: 1", 1)).unwrap();
    for format in [CheckFormat::Json, CheckFormat::Human] {
        let uncached = report(repo.path(), format, None);
        let warm = report(repo.path(), format, Some(cache));
        assert_eq!(warm, uncached, "{format:?}: warm cache after an edit");
    }
}

/// A cache of the demo alone, written cold: its folder and its entries.
fn demo_cache() -> (tempfile::TempDir, tempfile::TempDir, String) {
    let repo = repository();
    let cache = tempfile::tempdir().unwrap();
    let uncached = report(repo.path(), CheckFormat::Json, None);
    assert_eq!(
        report(repo.path(), CheckFormat::Json, Some(cache.path())),
        uncached
    );
    (repo, cache, uncached)
}

#[test]
fn damaged_truncated_and_foreign_entries_are_ignored_and_written_again() {
    let (repo, cache, uncached) = demo_cache();
    let all = entries(&cache.path().join("v1"));
    assert!(all.len() >= 3, "{all:?}");
    let whole: Vec<Vec<u8>> = all.iter().map(|p| fs::read(p).unwrap()).collect();
    // Truncated, one byte changed, another entry's text under this name, and garbage.
    let damaged = [
        whole[0][..whole[0].len() / 2].to_vec(),
        {
            let mut b = whole[1].clone();
            let last = b.len() - 2;
            b[last] ^= 1;
            b
        },
        whole[0].clone(),
        b"\x00\xffnot an entry".to_vec(),
    ];
    for (path, bytes) in all.iter().zip([&damaged[0], &damaged[1], &damaged[2]]) {
        fs::write(path, bytes).unwrap();
    }
    if let Some(path) = all.get(3) {
        fs::write(path, &damaged[3]).unwrap();
    }
    assert_eq!(
        report(repo.path(), CheckFormat::Json, Some(cache.path())),
        uncached,
        "damaged entries are not trusted"
    );
    for (path, bytes) in all.iter().zip(&whole) {
        assert_eq!(&fs::read(path).unwrap(), bytes, "{path:?} is written again");
    }
}

/// The kept parses: damaged, truncated and foreign ones are ignored (the report is the
/// uncached one) and written again.
#[test]
fn damaged_parses_are_ignored_and_written_again() {
    let (repo, cache, uncached) = demo_cache();
    let all = entries(&cache.path().join("parses-v1"));
    assert!(all.len() >= 3, "{all:?}");
    let whole: Vec<Vec<u8>> = all.iter().map(|p| fs::read(p).unwrap()).collect();
    let mut changed = whole[1].clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    fs::write(&all[0], &whole[0][..whole[0].len() / 2]).unwrap();
    fs::write(&all[1], changed).unwrap();
    fs::write(&all[2], &whole[0]).unwrap();
    assert_eq!(
        report(repo.path(), CheckFormat::Json, Some(cache.path())),
        uncached,
        "damaged parses are not trusted"
    );
    for (path, bytes) in all.iter().zip(&whole).take(3) {
        assert_eq!(&fs::read(path).unwrap(), bytes, "{path:?} is written again");
    }
}

/// A parse is kept once and read back after, the same; a file whose parse expanded an
/// alias, or reached a bound, is parsed every time. `&` and `*` in text are no alias (a
/// CRD's descriptions hold both), nor is an anchor no alias names.
#[test]
fn parses_are_kept_read_back_and_bounded() {
    use k8lint::compile::parses::ParseStore;
    use k8lint::yaml::{ParseLimits, parse};
    let dir = tempfile::tempdir().unwrap();
    let limits = ParseLimits {
        max_documents: 2,
        ..ParseLimits::default()
    };
    let texts = [
        ("a: [1, 'x']\n# c\n---\nb: {c: yes}\n", true),
        ("a: &x 1\nb: *x\n", false),
        ("base: &b {c: 1}\nd:\n  <<: *b\n", false),
        ("a: 'R&D * 2'\nb: x & y * z\nc: &unused 1\n", true),
        ("a: 1\n---\nb: 2\n---\nc: 3\n", false),
    ];
    for (text, kept) in texts {
        let first = ParseStore::new(dir.path(), &limits);
        let parsed = format!("{:?}", first.parse(text, &limits).0);
        assert_eq!(parsed, format!("{:?}", parse(text, &limits)));
        assert_eq!(first.counts(), (0, usize::from(kept)), "{text}");
        let second = ParseStore::new(dir.path(), &limits);
        assert_eq!(format!("{:?}", second.parse(text, &limits).0), parsed);
        assert_eq!(second.counts(), (usize::from(kept), 0), "{text}");
    }
    // Other bounds are another key: not read back.
    let other = ParseStore::new(dir.path(), &ParseLimits::default());
    other.parse(texts[0].0, &ParseLimits::default());
    assert_eq!(other.counts(), (0, 1));
}

#[test]
fn a_warm_run_reads_its_entries() {
    let (repo, cache, uncached) = demo_cache();
    // Rewrite an entry with a valid checksum and one message changed: the warm report
    // shows it, so findings do come from the cache (and its checksum is what guards it).
    let mut planted = false;
    for path in entries(&cache.path().join("v1")) {
        let text = fs::read_to_string(&path).unwrap();
        let (_, body) = text.split_once('\n').unwrap();
        if !body.contains("\"message\":\"") {
            continue;
        }
        let body = body.replacen("\"message\":\"", "\"message\":\"PLANTED ", 1);
        let sum = sha256::hex(&sha256::digest(body.as_bytes()));
        fs::write(&path, format!("k8lint-cache 1 {sum}\n{body}")).unwrap();
        planted = true;
        break;
    }
    assert!(planted, "some entry holds a finding");
    let warm = report(repo.path(), CheckFormat::Json, Some(cache.path()));
    assert_ne!(warm, uncached);
    assert!(warm.contains("PLANTED "), "the planted finding is reported");
    // With --no-cache nothing is read.
    assert_eq!(report(repo.path(), CheckFormat::Json, None), uncached);
}

/// A CRD's own definition depends on nothing else: a warm run reads its findings (its
/// CEL rules not compiled again) like any object's.
#[test]
fn a_warm_run_reads_a_crd_definition_from_its_entry() {
    let (repo, cache, uncached) = demo_cache();
    let wanted = "failed to compile CEL rule";
    assert!(
        uncached.contains(wanted),
        "the fixtures hold a CRD rule that does not compile"
    );
    let mut planted = false;
    for path in entries(&cache.path().join("v1")) {
        let text = fs::read_to_string(&path).unwrap();
        let (_, body) = text.split_once('\n').unwrap();
        if !body.contains(wanted) {
            continue;
        }
        let body = body.replacen(wanted, "PLANTED", 1);
        let sum = sha256::hex(&sha256::digest(body.as_bytes()));
        fs::write(&path, format!("k8lint-cache 1 {sum}\n{body}")).unwrap();
        planted = true;
    }
    assert!(planted, "the CRD's definition is in its object's entry");
    let warm = report(repo.path(), CheckFormat::Json, Some(cache.path()));
    assert!(warm.contains("PLANTED"), "the planted finding is reported");
    assert!(
        !warm.contains(wanted),
        "and the rule was not compiled again"
    );
}

#[test]
fn the_folder_is_bounded_oldest_entries_first() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("ab");
    fs::create_dir_all(&shard).unwrap();
    for i in 0..10 {
        fs::write(shard.join(format!("ab{i:02}")), vec![b'x'; 1000]).unwrap();
        // Distinct modification times, oldest first.
        let file = fs::File::options()
            .write(true)
            .open(shard.join(format!("ab{i:02}")))
            .unwrap();
        let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000 + i);
        file.set_modified(t).unwrap();
    }
    cache::evict(dir.path(), 10_000);
    assert_eq!(entries(dir.path()).len(), 10, "at the bound nothing goes");
    cache::evict(dir.path(), 8_000);
    let left: Vec<String> = entries(dir.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["ab04", "ab05", "ab06", "ab07", "ab08", "ab09"]);
}

#[test]
fn the_default_folder_honours_k8lint_cache_dir() {
    // Read only: the variable is not set by this test (setting it would race with other
    // tests of this binary); whatever the environment, the default names k8lint's folder.
    if let Some(dir) = cache::default_dir() {
        let var = std::env::var_os("K8LINT_CACHE_DIR").filter(|v| !v.is_empty());
        match var {
            Some(v) => assert_eq!(dir, PathBuf::from(v)),
            None => assert!(dir.ends_with("k8lint"), "{dir:?}"),
        }
    }
}
