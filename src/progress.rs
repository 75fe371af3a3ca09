//! A progress line on stderr for long runs: shown only when stderr is a terminal and the
//! run has lasted a second, so quick runs, pipes and CI logs never see it.

use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a run stays silent before the progress line appears.
const DELAY: Duration = Duration::from_secs(1);
/// How often the line is redrawn once shown.
const TICK: Duration = Duration::from_millis(200);

/// A running progress line; [`Progress::finish`] (or dropping it) erases it.
pub struct Progress {
    state: Option<(Sender<()>, JoinHandle<()>)>,
    stage: Arc<Mutex<String>>,
}

impl Progress {
    /// Starts the timer; nothing is drawn unless `enabled` and stderr is a terminal.
    pub fn start(enabled: bool, stage: String) -> Progress {
        let stage = Arc::new(Mutex::new(stage));
        if !enabled || !io::stderr().is_terminal() {
            return Progress { state: None, stage };
        }
        let (tx, rx) = mpsc::channel::<()>();
        let shared = Arc::clone(&stage);
        let started = Instant::now();
        let handle = std::thread::spawn(move || {
            let mut wait = DELAY;
            let mut shown = false;
            loop {
                match rx.recv_timeout(wait) {
                    Err(RecvTimeoutError::Timeout) => {
                        let text = shared.lock().map(|s| s.clone()).unwrap_or_default();
                        let mut err = io::stderr().lock();
                        let _ = write!(
                            err,
                            "\r\x1b[Kk8lint: {text}… {:.1}s",
                            started.elapsed().as_secs_f64()
                        );
                        let _ = err.flush();
                        shown = true;
                        wait = TICK;
                    }
                    // Finished (or the owner went away): erase the line if drawn.
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                        if shown {
                            let mut err = io::stderr().lock();
                            let _ = write!(err, "\r\x1b[K");
                            let _ = err.flush();
                        }
                        return;
                    }
                }
            }
        });
        Progress {
            state: Some((tx, handle)),
            stage,
        }
    }

    /// Names the stage the run is in.
    pub fn set(&self, stage: String) {
        if let Ok(mut s) = self.stage.lock() {
            *s = stage;
        }
    }

    /// Stops and erases the line; returns once it is erased, so later output is clean.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some((tx, handle)) = self.state.take() {
            let _ = tx.send(());
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
