//! Wall-clock budgets for scripts: `${{ }}` templates and Rhai policies.
//!
//! Operation counts do not bound time (one operation can scan a megabyte), so every
//! evaluation also runs under a clock: a budget per call (one expression, one policy
//! `check` on one object, one policy's top level; wall-clock time) and a budget for the
//! whole run (the CPU time every call took, summed over threads: a busy CI machine stretches
//! wall-clock time, and a legitimate large run must not fail for it; scripts cannot block,
//! so their CPU time is their cost). The engines' progress callbacks ask
//! [`expired`] every few operations; the engines' size limits keep any single built-in
//! call short, so the clock is seen often enough. Once the run's budget is spent, every
//! later call fails at once.
//!
//! [`harden`] takes the clock away from the scripts themselves: `sleep` would stall the
//! run and `timestamp` would make findings differ between runs.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rhai::{Dynamic, Engine, EvalAltResult, FLOAT, INT};

/// Default budget of one call, in milliseconds (`limits.script-call-ms`).
pub const DEFAULT_CALL_MS: u64 = 1_000;
/// Default budget of the whole run, in milliseconds (`limits.script-run-ms`).
pub const DEFAULT_RUN_MS: u64 = 10_000;

/// The value a progress callback returns to stop an evaluation that ran out of time:
/// [`why`] reads it back from `ErrorTerminated`.
const STOPPED: &str = "k8lint:deadline";

static CALL_MS: AtomicU64 = AtomicU64::new(DEFAULT_CALL_MS);
static RUN_MS: AtomicU64 = AtomicU64::new(DEFAULT_RUN_MS);
/// CPU nanoseconds spent in calls so far in this process's run.
static SPENT_NANOS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// When the call running on this thread must stop (`None`: no call is running).
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Whether the deadline that stopped the last call was the run's rather than the call's.
    static RUN_LIMITED: Cell<bool> = const { Cell::new(false) };
}

/// Sets the budgets of this run (from the config's `limits`); a process runs one run.
pub fn configure(call_ms: u64, run_ms: u64) {
    CALL_MS.store(call_ms, Ordering::Relaxed);
    RUN_MS.store(run_ms, Ordering::Relaxed);
    SPENT_NANOS.store(0, Ordering::Relaxed);
}

/// The budget of one call.
pub fn call_ms() -> u64 {
    CALL_MS.load(Ordering::Relaxed)
}

/// The budget of the run.
pub fn run_ms() -> u64 {
    RUN_MS.load(Ordering::Relaxed)
}

/// Why an evaluation was stopped by the clock, in the user's terms.
pub fn exceeded_message() -> String {
    if RUN_LIMITED.get() {
        format!(
            "the run's scripts used up their time budget of {} ms (limits.script-run-ms)",
            run_ms()
        )
    } else {
        format!(
            "it ran longer than the limit of {} ms per call (limits.script-call-ms)",
            call_ms()
        )
    }
}

/// One call under the clock: from [`Call::start`] until it is dropped, [`expired`] tells
/// the engine on this thread whether to stop; the time it took counts against the run.
pub struct Call {
    cpu_started: Duration,
    outer: Option<Instant>,
}

impl Call {
    /// Starts a call. A call nested in another (none today) keeps the outer deadline if
    /// it is earlier.
    pub fn start() -> Call {
        let started = Instant::now();
        let spent = Duration::from_nanos(SPENT_NANOS.load(Ordering::Relaxed));
        let run_left = Duration::from_millis(run_ms()).saturating_sub(spent);
        let call = Duration::from_millis(call_ms());
        RUN_LIMITED.set(run_left < call);
        let mut deadline = started + run_left.min(call);
        let outer = DEADLINE.get();
        if let Some(o) = outer {
            deadline = deadline.min(o);
        }
        DEADLINE.set(Some(deadline));
        Call {
            cpu_started: thread_cpu_time().unwrap_or_default(),
            outer,
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        DEADLINE.set(self.outer);
        let took = thread_cpu_time()
            .unwrap_or_default()
            .saturating_sub(self.cpu_started);
        let took = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        SPENT_NANOS.fetch_add(took, Ordering::Relaxed);
    }
}

/// The CPU time of the calling thread.
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` through a valid pointer to a local.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    let secs = u64::try_from(t.tv_sec).ok()?;
    let nanos = u32::try_from(t.tv_nsec).ok()?;
    ok.then(|| Duration::new(secs, nanos))
}

/// Without a thread CPU clock the run's budget counts nothing.
#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

/// Whether the call running on this thread is past its deadline.
pub fn expired() -> bool {
    DEADLINE.get().is_some_and(|d| Instant::now() >= d)
}

/// Whether an engine error is the clock's.
pub fn is_deadline(e: &EvalAltResult) -> bool {
    matches!(e, EvalAltResult::ErrorTerminated(token, _)
        if token.clone().into_immutable_string().is_ok_and(|s| s == STOPPED))
}

/// The progress check to call from an engine's `on_progress`: stops the evaluation
/// once the deadline is past (the clock is read every 16 operations).
pub fn progress(operations: u64) -> Option<Dynamic> {
    (operations % 16 == 0 && expired()).then(|| Dynamic::from(STOPPED))
}

/// The error a native function returns to stop the script once [`expired`] says so: the
/// same one the progress check stops it with, so [`is_deadline`] knows it.
pub fn stop() -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorTerminated(
        Dynamic::from(STOPPED),
        rhai::Position::NONE,
    ))
}

/// Removes the clock from an engine: `sleep` and `timestamp` fail instead of blocking
/// or reading the time. Functions registered on the engine itself are found before
/// those of its packages, so these shadow the standard ones.
pub fn harden(engine: &mut Engine) {
    fn no_clock<T>(name: &str) -> Result<T, Box<EvalAltResult>> {
        Err(format!("`{name}` is not available: scripts have no clock").into())
    }
    engine.register_fn("sleep", |_: INT| no_clock::<()>("sleep"));
    engine.register_fn("sleep", |_: FLOAT| no_clock::<()>("sleep"));
    engine.register_fn("timestamp", || no_clock::<()>("timestamp"));
}
