//! Signals: SIGINT, SIGTERM and SIGHUP stop a scan cleanly; SIGXFSZ is a write error.
//!
//! Bin-only. The first stop signal sets the scan's cancel flag (the scan ends
//! between chunks and the temporary report is removed as the scan unwinds); a
//! second one ends the process at once, after removing the temporary report
//! itself, for a scan stuck in one slow posting. SIGXFSZ (`ulimit -f`) is
//! caught and ignored, so the write fails with EFBIG and is reported like any
//! other output error instead of killing the process without a word.
//!
//! # The end of a scan (issue 16)
//!
//! A report written to `-o` goes to a temporary file that is renamed over the
//! path at the end. A signal can come at any moment of that, and must leave
//! either the finished report or nothing, never a temporary file, a report cut
//! short, or a finished report deleted. Three things make that so:
//!
//! - The cancel flag (and the signal's number) is set in the signal handler
//!   itself, not later on the watching thread. Ctrl-C in `producer | roletag
//!   scan - -o r.jsonl` reaches both processes; the producer's death ends
//!   roletag's input, and a flag set only once the watching thread is scheduled
//!   could come after the scan took that end of input for the end of the
//!   stream and kept a report of half of it.
//! - Creating the temporary file and naming it for removal happen under the
//!   lock a second signal takes ([`Cancel::create_temp`]), and so do the last
//!   look at the flag, the rename and the removal ([`Cancel::finish_temp`]). A
//!   second signal therefore sees the temporary file either still to remove
//!   (and removes it) or already renamed or removed (and leaves the report): it
//!   never exits between the file's creation and its naming, nor between the
//!   rename and the forgetting of the name.
//! - A stop signal that the handler saw before that last look discards the
//!   report, even if the scan had read every posting: for standard input an end
//!   of input and a signal at the same moment are most likely one Ctrl-C, and a
//!   stream cut short is not a finished report. One that comes after it finds
//!   the report complete and renamed: it is kept, and the run ends as it would
//!   have.
//!
//! The moments cannot be forced from a test (the kernel decides when a handler
//! runs); the unit tests below drive [`Cancel::finish_temp`] and
//! [`end_now`] with the flag set and unset instead.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What a stop signal shares with the scan.
#[derive(Default)]
struct State {
    /// Set by the first stop signal, in its handler; the scan checks it
    /// between chunks, and before the report is renamed into place.
    cancel: Arc<AtomicBool>,
    /// The last stop signal's number, set in its handler before `cancel` (2
    /// for Ctrl-C where numbers do not exist).
    signal: Arc<AtomicUsize>,
    /// Whether the watching thread has seen a stop signal: its first one
    /// warns, its second ends the process.
    seen: AtomicBool,
    /// The temporary report, while it exists and has not been renamed.
    temp: Mutex<Temp>,
}

/// Where the report to `-o` stands, as a second signal finds it.
#[derive(Default)]
enum Temp {
    /// No temporary report (yet, or at all: the report goes to stdout).
    #[default]
    None,
    /// Being written; a second signal removes it.
    Writing(PathBuf),
    /// Renamed over the path asked for: finished, and kept.
    Written(PathBuf),
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

    /// Creates the temporary report with `make` and names it for a second
    /// signal to remove, both under that signal's lock: there is no moment when
    /// the file exists and a second signal would exit without removing it.
    pub(crate) fn create_temp(
        &self,
        make: impl FnOnce() -> io::Result<tempfile::NamedTempFile>,
    ) -> io::Result<tempfile::NamedTempFile> {
        let mut temp = lock(&self.0.temp);
        let tmp = make()?;
        *temp = Temp::Writing(tmp.path().to_path_buf());
        Ok(tmp)
    }

    /// Ends the temporary report: renames it over `path` when the report is
    /// `finished` and no stop signal has come, else removes it. Returns whether
    /// it was renamed. The look at the flag, the rename or removal and the
    /// forgetting of the name happen under a second signal's lock (see the
    /// module's comment). A failed rename removes the temporary file.
    pub(crate) fn finish_temp(
        &self,
        tmp: tempfile::NamedTempFile,
        path: &Path,
        finished: bool,
    ) -> io::Result<bool> {
        let mut temp = lock(&self.0.temp);
        if !finished || self.0.cancel.load(Ordering::SeqCst) {
            *temp = Temp::None;
            drop(tmp); // removes the file
            return Ok(false);
        }
        let renamed = tmp.persist(path).map(|_| ()).map_err(|e| e.error);
        *temp = match renamed {
            Ok(()) => Temp::Written(path.to_path_buf()),
            Err(_) => Temp::None,
        };
        renamed.map(|()| true)
    }

    /// 128 + the signal's number, as shells report a process a signal ended.
    pub(crate) fn exit_code(&self) -> u8 {
        exit_code(self.0.signal.load(Ordering::SeqCst))
    }
}

fn exit_code(signal: usize) -> u8 {
    128u8.saturating_add(u8::try_from(signal.max(1)).unwrap_or(u8::MAX))
}

/// The lock, even when a thread panicked holding it: what it guards stays
/// meaningful, and a signal must still be able to clean up.
fn lock(m: &Mutex<Temp>) -> MutexGuard<'_, Temp> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Called for each stop signal, on the watching thread (not in a signal handler).
fn on_signal(state: &State, signal: usize) {
    // Unix sets both in the handler already; Ctrl-C elsewhere comes only here.
    if state.signal.load(Ordering::SeqCst) == 0 {
        state.signal.store(signal, Ordering::SeqCst);
    }
    state.cancel.store(true, Ordering::SeqCst);
    if !state.seen.swap(true, Ordering::SeqCst) {
        eprintln!("roletag: stopping (a second signal stops at once)");
        return;
    }
    // The scan may be inside one posting's parse, which has no place to look at
    // the flag: end here. This is the one exit outside `main`; nothing else
    // would let a stuck parse stop without SIGKILL. The lock is held to the
    // exit, so the scan cannot create or rename the temporary report meanwhile.
    let temp = lock(&state.temp);
    eprintln!("roletag: {}", end_now(&temp));
    std::process::exit(i32::from(exit_code(state.signal.load(Ordering::SeqCst))));
}

/// What a second signal does to the report before the process ends, and what
/// it says: the temporary report is removed; a renamed one is finished and kept.
fn end_now(temp: &Temp) -> String {
    match temp {
        Temp::Writing(path) => {
            let _ = std::fs::remove_file(path);
            "interrupted; no report written".to_string()
        }
        Temp::Written(path) => format!(
            "interrupted after the report was written to {}",
            path.display()
        ),
        Temp::None => "interrupted; no report written".to_string(),
    }
}

#[cfg(unix)]
fn watch(state: Arc<State>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    // In the handler itself, the number first: when the scan sees the flag, the
    // exit code is known (see the module's comment for why not on the thread).
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        let number = usize::try_from(signal).unwrap_or(0);
        let _ = signal_hook::flag::register_usize(signal, Arc::clone(&state.signal), number);
        let _ = signal_hook::flag::register(signal, Arc::clone(&state.cancel));
    }
    // Without the thread (out of threads at start), the signals are caught and
    // not acted on: the scan runs to its end. `Builder` rather than
    // `thread::spawn`, which would panic.
    let _ = std::thread::Builder::new()
        .name("roletag-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                on_signal(&state, usize::try_from(signal).unwrap_or(0));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cancel() -> Cancel {
        Cancel(Arc::new(State::default()))
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_finished_report_is_renamed_when_no_signal_came() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("r.jsonl");
        let c = cancel();
        let tmp = c
            .create_temp(|| tempfile::NamedTempFile::new_in(d.path()))
            .unwrap();
        assert!(matches!(&*lock(&c.0.temp), Temp::Writing(p) if p == tmp.path()));
        std::io::Write::write_all(&mut tmp.as_file(), b"report\n").unwrap();
        assert!(c.finish_temp(tmp, &path, true).unwrap());
        assert_eq!(names(d.path()), ["r.jsonl"]);
        assert_eq!(std::fs::read(&path).unwrap(), b"report\n");
        // A second signal now keeps it, and says so.
        let said = end_now(&lock(&c.0.temp));
        assert!(said.contains("after the report was written"), "{said}");
        assert_eq!(names(d.path()), ["r.jsonl"]);
    }

    #[test]
    fn a_signal_before_the_rename_discards_even_a_finished_report() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("r.jsonl");
        std::fs::write(&path, "earlier run\n").unwrap();
        let c = cancel();
        let tmp = c
            .create_temp(|| tempfile::NamedTempFile::new_in(d.path()))
            .unwrap();
        std::io::Write::write_all(&mut tmp.as_file(), b"maybe half\n").unwrap();
        c.flag().store(true, Ordering::SeqCst);
        assert!(!c.finish_temp(tmp, &path, true).unwrap());
        // No temporary file, and the earlier report is untouched.
        assert_eq!(names(d.path()), ["r.jsonl"]);
        assert_eq!(std::fs::read(&path).unwrap(), b"earlier run\n");
        assert!(matches!(&*lock(&c.0.temp), Temp::None));
    }

    #[test]
    fn an_unfinished_report_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let c = cancel();
        let tmp = c
            .create_temp(|| tempfile::NamedTempFile::new_in(d.path()))
            .unwrap();
        assert!(!c.finish_temp(tmp, &d.path().join("r"), false).unwrap());
        assert!(names(d.path()).is_empty());
    }

    #[test]
    fn a_second_signal_while_writing_removes_the_temporary_report() {
        let d = tempfile::tempdir().unwrap();
        let c = cancel();
        let tmp = c
            .create_temp(|| tempfile::NamedTempFile::new_in(d.path()))
            .unwrap();
        let (_file, kept) = tmp.keep().unwrap(); // as if the process ended here
        assert_eq!(names(d.path()).len(), 1);
        let said = end_now(&lock(&c.0.temp));
        assert_eq!(said, "interrupted; no report written");
        assert!(!kept.exists());
        assert!(names(d.path()).is_empty());
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let folder = d.path().join("folder");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("x"), "x").unwrap(); // renaming over it fails
        let c = cancel();
        let tmp = c
            .create_temp(|| tempfile::NamedTempFile::new_in(d.path()))
            .unwrap();
        assert!(c.finish_temp(tmp, &folder, true).is_err());
        assert_eq!(names(d.path()), ["folder"]);
        assert!(matches!(&*lock(&c.0.temp), Temp::None));
    }

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        assert_eq!(exit_code(2), 130);
        assert_eq!(exit_code(15), 143);
        assert_eq!(exit_code(0), 129);
        assert_eq!(exit_code(usize::MAX), 255);
    }
}
