//! Signals: SIGINT, SIGTERM and SIGHUP stop a scan cleanly; SIGXFSZ is a write error.
//!
//! Bin-only. The first stop signal sets the scan's cancel flag (the scan ends
//! between chunks and the temporary report is removed as the scan unwinds); a
//! second one ends the process at once, after removing the temporary report
//! itself, for a scan stuck in one slow posting. SIGXFSZ (`ulimit -f`) is
//! caught and ignored, so the write fails with EFBIG and is reported like any
//! other output error instead of killing the process without a word.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

/// What a stop signal shares with the scan.
#[derive(Default)]
struct State {
    /// Set by the first stop signal; the scan checks it between chunks.
    cancel: AtomicBool,
    /// The signal's number (2 for Ctrl-C where numbers do not exist).
    signal: AtomicU8,
    /// The temporary report to remove when a second signal ends the process.
    temp: Mutex<Option<PathBuf>>,
}

/// A scan's view of the stop signals.
pub(crate) struct Cancel(Arc<State>);

impl Cancel {
    /// Starts watching the stop signals. If that fails (a handler already
    /// installed, as in tests), the scan simply runs uninterruptible.
    pub(crate) fn install() -> Cancel {
        let state = Arc::new(State::default());
        watch(Arc::clone(&state));
        Cancel(state)
    }

    /// The flag the scan polls.
    pub(crate) fn flag(&self) -> &AtomicBool {
        &self.0.cancel
    }

    /// Names the temporary report a second signal removes before exiting.
    pub(crate) fn set_temp(&self, path: Option<PathBuf>) {
        if let Ok(mut temp) = self.0.temp.lock() {
            *temp = path;
        }
    }

    /// 128 + the signal's number, as shells report a process a signal ended.
    pub(crate) fn exit_code(&self) -> u8 {
        128u8.saturating_add(self.0.signal.load(Ordering::SeqCst).max(1))
    }
}

/// Called for each stop signal, on the watching thread (not in a signal handler).
fn on_signal(state: &State, signal: u8) {
    if !state.cancel.swap(true, Ordering::SeqCst) {
        state.signal.store(signal, Ordering::SeqCst);
        eprintln!("roletag: stopping (a second signal stops at once)");
        return;
    }
    // The scan may be inside one posting's parse, which has no place to look at
    // the flag: end here. This is the one exit outside `main`; nothing else
    // would let a stuck parse stop without SIGKILL.
    if let Some(temp) = state.temp.lock().ok().and_then(|mut t| t.take()) {
        let _ = std::fs::remove_file(temp);
    }
    eprintln!("roletag: interrupted; no report written");
    std::process::exit(i32::from(128u8.saturating_add(signal)));
}

#[cfg(unix)]
fn watch(state: Arc<State>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    // Without the thread (out of threads at start), the signals are caught and
    // not acted on: the scan runs to its end. `Builder` rather than
    // `thread::spawn`, which would panic.
    let _ = std::thread::Builder::new()
        .name("roletag-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                on_signal(&state, u8::try_from(signal).unwrap_or(0));
            }
        });
}

#[cfg(not(unix))]
fn watch(state: Arc<State>) {
    let _ = ctrlc::set_handler(move || on_signal(&state, 2));
}

/// Turns `ulimit -f` from a silent kill into a write error (EFBIG), reported
/// with the path and cleaned up like a full disk.
pub(crate) fn ignore_file_size_limit() {
    #[cfg(unix)]
    {
        let ignored = Arc::new(AtomicBool::new(false));
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, ignored);
    }
}
