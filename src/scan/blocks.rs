//! The scan of files: the workers take their postings in blocks, and the scan's
//! thread writes the blocks in order.
//!
//! The walk runs on a thread of its own, as for standard input, and hands over
//! jobs (a file, a record of a small record file, a path that failed). Each
//! worker takes the next [`BLOCK`] of them, behind a lock, tags them, and leaves
//! the block for the scan's thread, which is woken for a run of [`WRITE`] blocks
//! and formats and writes them in walk order. A JSON Lines file of at least
//! [`SHARED_FILE`] bytes is not expanded by the walk: the workers read its
//! records themselves, a block at a time, so no thread copies lines for the
//! others. Nobody waits at the end of a chunk, as in [`super::consume`], which
//! standard input keeps (a stream is tagged as it comes); and the report is
//! the same, byte for byte, as a one-thread scan's (issue 17).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{
    cannot_read, no_records, process_job, report_record, Job, ScanError, ScanOptions, ScanOutcome,
    CANCEL_POLL, CHUNK, CHUNK_WAIT, WORKER_SCRATCH,
};
use crate::engine::tagger::Engine;
use crate::input::records::{self, Lines, RecordFormat};
use crate::report::{Record, Reporter, ShownPath};

/// A JSON Lines file at least this large (as stored: a compressed file's own
/// size) is read by the workers themselves. A smaller one is expanded by the
/// walk, which is cheaper when there are many of them.
pub(super) const SHARED_FILE: u64 = 4 << 20;

/// Jobs a worker takes at a time: enough that taking the lock is rare, few
/// enough that the blocks' sizes even out between workers.
pub(super) const BLOCK: usize = 64;

/// Blocks in a row that wake the writer: it is woken once for these, not for
/// each, since each wake-up takes a core from a worker.
const WRITE: u64 = 8;

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

/// What the walk hands the workers: a job, or a shared file.
#[derive(Debug)]
pub(super) enum Work {
    Job(Job),
    Shared(SharedFile),
}

/// A shared file being read.
struct Open {
    shown: Arc<ShownPath>,
    lines: Lines<io::BufReader<Box<dyn io::Read + Send>>>,
    /// Whether any record was read.
    any: bool,
}

/// Where the workers take their jobs: the walk's batches, and the shared file
/// it handed over last, if that is not read to its end yet.
struct Source {
    walk: mpsc::Receiver<Vec<Work>>,
    /// What is left of the batch taken last.
    batch: std::vec::IntoIter<Work>,
    file: Option<Open>,
    /// True once the walk has ended.
    ended: bool,
    /// The number of the next block taken.
    next: u64,
}

impl Source {
    /// Appends the next block's jobs to `jobs`: up to [`BLOCK`] from the walk's
    /// batch, or from a shared file in its place; then, where that file ends,
    /// its read error or its lack of records, as [`super::expand_records`]
    /// reports them. None when the walk has ended, or `cancel` was set while
    /// waiting for it.
    fn take(&mut self, max_bytes: u64, cancel: &AtomicBool, jobs: &mut Vec<Job>) {
        while jobs.len() < BLOCK {
            if let Some(open) = &mut self.file {
                match open.lines.next_item() {
                    Ok(Some(item)) => {
                        open.any = true;
                        jobs.push(Job::Record {
                            path: Arc::clone(&open.shown),
                            item,
                        });
                    }
                    Ok(None) => {
                        if !open.any {
                            jobs.push(no_records(&open.shown));
                        }
                        self.file = None;
                    }
                    Err(e) => {
                        jobs.push(cannot_read(&open.shown, &e));
                        self.file = None;
                    }
                }
                continue;
            }
            let work = match self.batch.next() {
                Some(work) => work,
                // A block is at most a batch: the next is not waited for.
                None if !jobs.is_empty() => return,
                None => match self.next_batch(cancel) {
                    Some(batch) => {
                        self.batch = batch.into_iter();
                        continue;
                    }
                    None => return,
                },
            };
            match work {
                Work::Job(job) => jobs.push(job),
                Work::Shared(file) => match records::open(&file.path) {
                    Ok(r) => {
                        self.file = Some(Open {
                            shown: file.shown,
                            lines: Lines::new(io::BufReader::with_capacity(1 << 16, r), max_bytes),
                            any: false,
                        });
                    }
                    Err(e) => jobs.push(cannot_read(&file.shown, &e)),
                },
            }
        }
    }

    /// The walk's next batch, waited for while polling `cancel`.
    fn next_batch(&mut self, cancel: &AtomicBool) -> Option<Vec<Work>> {
        if self.ended {
            return None;
        }
        loop {
            match self.walk.recv_timeout(CANCEL_POLL) {
                Err(mpsc::RecvTimeoutError::Timeout) if !cancel.load(Ordering::Relaxed) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => return None,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.ended = true;
                    return None;
                }
                Ok(batch) => return Some(batch),
            }
        }
    }
}

/// Gathers the walk's work into batches of up to [`BLOCK`] for the workers (a
/// send per job wakes a waiting worker for each: 75,000 context switches in a
/// scan of 100,000 files), and sends each when full, or with the first work
/// added [`CHUNK_WAIT`] after its first, so a slow walk's files are tagged
/// without waiting for a whole batch.
pub(super) struct Batcher {
    tx: mpsc::SyncSender<Vec<Work>>,
    batch: Vec<Work>,
    since: Instant,
}

impl Batcher {
    /// Batches for `tx`.
    pub(super) fn new(tx: mpsc::SyncSender<Vec<Work>>) -> Batcher {
        Batcher {
            tx,
            batch: Vec::with_capacity(BLOCK),
            since: Instant::now(),
        }
    }

    /// Adds `work`; false when the workers have stopped.
    pub(super) fn push(&mut self, work: Work) -> bool {
        if self.batch.is_empty() {
            self.since = Instant::now();
        }
        self.batch.push(work);
        if self.batch.len() < BLOCK && self.since.elapsed() < CHUNK_WAIT {
            return true;
        }
        self.send()
    }

    /// Sends what is gathered; false when the workers have stopped.
    pub(super) fn send(&mut self) -> bool {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BLOCK));
        batch.is_empty() || self.tx.send(batch).is_ok()
    }
}

/// A block of tagged jobs.
struct Block {
    records: Vec<Record>,
    /// Whether one of them is a command-line root that does not exist.
    missing_root: bool,
}

/// The blocks tagged and not yet written, by their number.
struct Done {
    blocks: BTreeMap<u64, Block>,
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

/// What the block scan needs, besides the walk.
///
/// The records are formatted by the thread that writes them, not by the workers
/// (`scan_rendered`'s `render` is not used here): with blocks that is cheaper
/// than a buffer a record made on a worker, copied and freed on the writing
/// thread (in interleaved runs of the 100k JSONL files at `-j 2`, 2-4% less
/// time and 2-4% less CPU).
pub(super) struct Blocks<'a> {
    pub engine: &'a Engine,
    pub opts: &'a ScanOptions,
    pub cancel: &'a AtomicBool,
}

impl Blocks<'_> {
    /// Tags every job of `walk` on the pool's threads and reports them, in
    /// order, on this one; then flushes the reporter. `walk` is dropped on
    /// return, so the walk's next send fails if it has not ended.
    pub(super) fn scan(
        &self,
        walk: mpsc::Receiver<Vec<Work>>,
        pool: &rayon::ThreadPool,
        reporter: &mut dyn Reporter,
    ) -> Result<ScanOutcome, ScanError> {
        let source = Mutex::new(Source {
            walk,
            batch: Vec::new().into_iter(),
            file: None,
            ended: false,
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
        let mut outcome = ScanOutcome::default();
        let mut result = Ok(());
        pool.in_place_scope(|s| {
            for _ in 0..workers {
                let (source, done, wake) = (&source, &done, &wake);
                s.spawn(move |_| {
                    self.work(source, done, wake);
                    let mut done = lock(done);
                    done.working -= 1;
                    if done.working == 0 {
                        wake.notify_one();
                    }
                });
            }
            result = self.write_in_order(&done, &wake, &mut outcome, reporter);
            // Ends the workers' loops on an early stop.
            lock(&done).stop = true;
        });
        result?;
        if self.cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Interrupted);
        }
        reporter.flush()?;
        Ok(outcome)
    }

    /// One worker: takes block after block from `source`, tags it and puts it in `done`.
    fn work(&self, source: &Mutex<Source>, done: &Mutex<Done>, wake: &Condvar) {
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
                source.take(self.opts.max_bytes, self.cancel, &mut jobs);
                if jobs.is_empty() {
                    return;
                }
                source.next += 1;
                source.next - 1
            };
            let missing_root = jobs.iter().any(|job| {
                matches!(
                    job,
                    Job::Error {
                        missing_root: true,
                        ..
                    }
                )
            });
            let mut scratch = WORKER_SCRATCH.take();
            let records = jobs
                .drain(..)
                .map(|job| process_job(self.engine, self.opts, &job, &mut scratch))
                .collect();
            WORKER_SCRATCH.set(scratch);
            let mut done = lock(done);
            if done.stop {
                return;
            }
            let block = Block {
                records,
                missing_root,
            };
            done.blocks.insert(n, block);
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
                outcome.missing_root |= block.missing_root;
                for record in &block.records {
                    report_record(record, None, outcome, reporter)?;
                }
                unflushed += block.records.len();
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
