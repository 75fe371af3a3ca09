//! Running k8lint as an attacker's repository would: the child's own resource usage
//! (`wait4`'s rusage: CPU time and peak resident memory) is asserted against the bounds
//! every hostile case must hold. CPU time rather than wall time, so that a busy machine
//! does not fail the suite; a wall-clock deadline still kills a hang.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

/// CPU seconds (user + system) one run may take.
pub const MAX_CPU: Duration = Duration::from_secs(5);
/// Peak resident memory one run may reach.
pub const MAX_RSS_BYTES: u64 = 500 * 1024 * 1024;
/// A run still going after this is a hang.
const HANG: Duration = Duration::from_secs(90);

/// What one run used.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// User plus system CPU time.
    pub cpu: Duration,
    /// Peak resident set size.
    pub max_rss_bytes: u64,
}

/// Runs k8lint in `dir`; `(exit code, stdout, stderr)`. Fails the test on a hang, or when
/// the run exceeds [`MAX_CPU`] or [`MAX_RSS_BYTES`].
pub fn k8lint(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let (code, out, err, usage) = measured(dir, args);
    assert!(
        usage.cpu < MAX_CPU && usage.max_rss_bytes < MAX_RSS_BYTES,
        "k8lint {args:?} used {usage:?} (bounds: {MAX_CPU:?}, {MAX_RSS_BYTES} bytes)"
    );
    (code, out, err)
}

/// Like [`k8lint`], with standard output written to `stdout` instead of returned: for
/// outputs too large to hold in the test.
pub fn k8lint_to(dir: &Path, args: &[&str], stdout: File) -> (Option<i32>, String, Usage) {
    let (code, _, err, usage) = measured_with(dir, args, Stdio::from(stdout));
    assert!(
        usage.cpu < MAX_CPU && usage.max_rss_bytes < MAX_RSS_BYTES,
        "k8lint {args:?} used {usage:?} (bounds: {MAX_CPU:?}, {MAX_RSS_BYTES} bytes)"
    );
    (code, err, usage)
}

/// Runs k8lint and returns what it used, without asserting the bounds.
pub fn measured(dir: &Path, args: &[&str]) -> (Option<i32>, String, String, Usage) {
    measured_with(dir, args, Stdio::piped())
}

// The child is reaped by `wait4` (which also returns its resource usage), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn measured_with(dir: &Path, args: &[&str], stdout: Stdio) -> (Option<i32>, String, String, Usage) {
    // What is measured is the input's cost, not the re-run cache's: `check` runs
    // uncached unless the case names a cache folder, and anything else gets an empty
    // cache folder of its own, whatever earlier runs left in the user's cache.
    let cache = tempfile::tempdir().expect("a temporary folder");
    let uncached = args.first() == Some(&"check")
        && !args
            .iter()
            .any(|a| *a == "--cache-dir" || *a == "--no-cache");
    let mut child = Command::new(get_cargo_bin("k8lint"))
        .args(args)
        .args(uncached.then_some("--no-cache"))
        .env("K8LINT_CACHE_DIR", cache.path())
        // Resident memory is measured with 4 KiB pages. With mimalloc's Linux default the
        // kernel may back the heap with 2 MiB pages, which rounds resident memory up by
        // as much as the heap itself depending on how fragmented the machine's memory is
        // (one case measured under 150 MB, then 287 MB after another case had run): a bound would
        // measure the kernel, not what k8lint keeps.
        .env("MIMALLOC_ARENA_EAGER_COMMIT", "0")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("k8lint starts");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            r.read_to_end(&mut s).ok();
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = child.stdout.take().map(|o| drain(Box::new(o)));
    let err = drain(Box::new(child.stderr.take().expect("piped")));
    let pid = i32::try_from(child.id()).expect("a pid fits an i32");
    let deadline = Instant::now() + HANG;
    loop {
        let mut status = 0;
        // SAFETY: plain system call on our own child, with valid pointers to locals.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
            let time = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
            };
            let usage = Usage {
                cpu: time(usage.ru_utime) + time(usage.ru_stime),
                // Linux reports kilobytes.
                max_rss_bytes: usage.ru_maxrss as u64 * 1024,
            };
            return (
                code,
                out.map(|o| o.join().expect("stdout reader"))
                    .unwrap_or_default(),
                err.join().expect("stderr reader"),
                usage,
            );
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("k8lint {args:?} did not finish within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
