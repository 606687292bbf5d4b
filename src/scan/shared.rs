//! A large JSON Lines file, read by the workers themselves.
//!
//! The chunked scan of [`super::consume`] has one thread reading the file and
//! handing its lines to the workers, and the workers wait for each other at the
//! end of every chunk. For one large file that handing over is what kept two
//! threads from being twice as fast as one (issue 17). Here each worker takes
//! the next [`BLOCK`] records from the file itself, behind a lock, tags and
//! formats them, and leaves them for the scan's thread, which is woken for a
//! run of [`WRITE`] blocks and writes them in file order. No thread reads for
//! the others and none waits for a chunk to end; the report is the same, byte
//! for byte, as the chunked scan's.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::{
    cannot_read, no_records, report_one, report_record, tag_on_worker, Job, Rendered, ScanError,
    ScanOptions, ScanOutcome, CANCEL_POLL, CHUNK,
};
use crate::engine::tagger::Engine;
use crate::input::records::{self, Lines, RecordFormat};
use crate::report::{Render, Reporter, ShownPath};

/// A JSON Lines file at least this large (as stored: a compressed file's own
/// size) is read by the workers themselves. A smaller one is left to the chunked
/// scan, where the records of many small files keep every worker busy.
pub(super) const SHARED_FILE: u64 = 4 << 20;

/// Records a worker takes from a shared file at a time: enough that taking the
/// lock is rare, few enough that the blocks' sizes even out between workers.
pub(super) const BLOCK: usize = 64;

/// How many blocks the workers may be ahead of the one written next, so memory
/// stays flat even when one block takes long (a posting of many megabytes).
const AHEAD: u64 = 4 * WRITE;

/// Whether the walk hands `path`, a record file of `format`, to the workers.
pub(super) fn is_shared(path: &Path, format: RecordFormat) -> bool {
    format == RecordFormat::JsonLines
        && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() >= SHARED_FILE)
}

/// A file for the workers to read, found by the walk.
#[derive(Debug)]
pub(super) struct SharedFile {
    /// Where it is.
    pub path: PathBuf,
    /// How reports name it.
    pub shown: Arc<ShownPath>,
}

/// What the walk hands the scan's thread: a job, or a shared file.
#[derive(Debug)]
pub(super) enum Work {
    Job(Job),
    Shared(SharedFile),
}

/// The records of a shared file, as the workers take them.
struct Source<R> {
    /// `None` once the file has ended or failed.
    lines: Option<Lines<R>>,
    /// Whether any record was read.
    any: bool,
    /// The number of the next block taken.
    next: u64,
}

impl<R: io::BufRead> Source<R> {
    /// Appends the next block's jobs to `jobs`: up to [`BLOCK`] records, then,
    /// where the file ends, its read error or its lack of records, as the chunked
    /// scan reports them ([`super::expand_records`]).
    fn take(&mut self, path: &Arc<ShownPath>, jobs: &mut Vec<Job>) {
        let Some(lines) = &mut self.lines else {
            return;
        };
        while jobs.len() < BLOCK {
            match lines.next_item() {
                Ok(Some(item)) => {
                    self.any = true;
                    jobs.push(Job::Record {
                        path: Arc::clone(path),
                        item,
                    });
                }
                Ok(None) => {
                    if !self.any {
                        jobs.push(no_records(path));
                    }
                    self.lines = None;
                    return;
                }
                Err(e) => {
                    jobs.push(cannot_read(path, &e));
                    self.lines = None;
                    return;
                }
            }
        }
    }
}

/// The blocks tagged and not yet written, by their number in the file.
struct Done {
    blocks: BTreeMap<u64, Vec<Rendered>>,
    /// The number of the block written next.
    next: u64,
    /// Workers still taking blocks.
    working: usize,
    /// Set when the writing stopped early, so the workers stop too.
    stop: bool,
}

impl Done {
    /// Whether the writer has something to do: [`WRITE`] blocks ready in a row,
    /// or the workers are done.
    fn ready(&self) -> bool {
        self.working == 0 || (self.next..self.next + WRITE).all(|n| self.blocks.contains_key(&n))
    }
}

/// Blocks in a row that wake the writer: it is woken once for these, not for
/// each, since each wake-up takes a core from a worker.
const WRITE: u64 = 8;

/// What tagging a shared file needs, besides the file.
pub(super) struct Shared<'a> {
    pub engine: &'a Engine,
    pub opts: &'a ScanOptions,
    pub render: Option<&'a dyn Render>,
    pub cancel: &'a AtomicBool,
}

impl Shared<'_> {
    /// Tags every record of `file` on the pool's threads and reports them, in
    /// order, on this one; then flushes the reporter.
    pub(super) fn tag(
        &self,
        file: &SharedFile,
        pool: &rayon::ThreadPool,
        outcome: &mut ScanOutcome,
        reporter: &mut dyn Reporter,
    ) -> Result<(), ScanError> {
        let reader = match records::open(&file.path) {
            Ok(r) => io::BufReader::with_capacity(1 << 16, r),
            Err(e) => {
                let job = cannot_read(&file.shown, &e);
                let (record, rendered) = tag_on_worker(self.engine, self.opts, &job, None);
                report_one(&job, &record, rendered.as_deref(), outcome, reporter)?;
                return Ok(reporter.flush()?);
            }
        };
        let source = Mutex::new(Source {
            lines: Some(Lines::new(reader, self.opts.max_bytes)),
            any: false,
            next: 0,
        });
        let workers = pool.current_num_threads();
        let done = Mutex::new(Done {
            blocks: BTreeMap::new(),
            next: 0,
            working: workers,
            stop: false,
        });
        let wake = Condvar::new();
        let mut result = Ok(());
        pool.in_place_scope(|s| {
            for _ in 0..workers {
                let (source, done, wake) = (&source, &done, &wake);
                s.spawn(move |_| {
                    self.work(&file.shown, source, done, wake);
                    let mut done = lock(done);
                    done.working -= 1;
                    if done.working == 0 {
                        wake.notify_one();
                    }
                });
            }
            result = self.write_in_order(&done, &wake, outcome, reporter);
            // Ends the workers' loops on an early stop.
            lock(&done).stop = true;
        });
        result?;
        if self.cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Interrupted);
        }
        Ok(reporter.flush()?)
    }

    /// One worker: takes block after block from `source`, tags it and puts it in `done`.
    fn work<R: io::BufRead>(
        &self,
        path: &Arc<ShownPath>,
        source: &Mutex<Source<R>>,
        done: &Mutex<Done>,
        wake: &Condvar,
    ) {
        let mut jobs = Vec::with_capacity(BLOCK);
        let mut ahead = false;
        loop {
            if self.cancel.load(Ordering::Relaxed) {
                return;
            }
            if ahead {
                std::thread::sleep(Duration::from_millis(1));
            }
            let n = {
                let mut source = lock(source);
                if source.lines.is_none() {
                    return;
                }
                source.take(path, &mut jobs);
                source.next += 1;
                source.next - 1
            };
            let records = jobs
                .drain(..)
                .map(|job| tag_on_worker(self.engine, self.opts, &job, self.render))
                .collect();
            let mut done = lock(done);
            if done.stop {
                return;
            }
            done.blocks.insert(n, records);
            if done.ready() {
                wake.notify_one();
            }
            ahead = n >= done.next + AHEAD;
        }
    }

    /// Reports the tagged blocks in order until every worker has ended, a run
    /// of them at a time; flushes every [`CHUNK`] records.
    fn write_in_order(
        &self,
        done: &Mutex<Done>,
        wake: &Condvar,
        outcome: &mut ScanOutcome,
        reporter: &mut dyn Reporter,
    ) -> Result<(), ScanError> {
        let mut unflushed = 0;
        let mut run = Vec::new();
        loop {
            {
                let mut d = lock(done);
                while !d.ready() {
                    if self.cancel.load(Ordering::Relaxed) {
                        return Err(ScanError::Interrupted);
                    }
                    d = wake
                        .wait_timeout(d, CANCEL_POLL)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                let d = &mut *d;
                while let Some(block) = d.blocks.remove(&d.next) {
                    run.push(block);
                    d.next += 1;
                }
                if run.is_empty() && d.working == 0 {
                    return Ok(());
                }
            }
            for block in run.drain(..) {
                for (record, rendered) in &block {
                    report_record(record, rendered.as_deref(), outcome, reporter)?;
                }
                unflushed += block.len();
            }
            if unflushed >= CHUNK {
                reporter.flush()?;
                unflushed = 0;
            }
        }
    }
}

/// Locks `m`, whether or not a thread panicked holding it (a panic on the
/// pool ends the scan anyway, once the scope has ended).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
