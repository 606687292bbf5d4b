//! The ordered parallel scan: roots in, one report record per posting out, in walk order.
//!
//! [`scan`] walks the roots ([`crate::input::walk`]) on a thread of its own and
//! expands record files into their records ([`crate::input::records`]). The
//! workers of a rayon pool take the postings in blocks, tag them with the
//! [`Engine`] (via [`posting`]) and the scan's thread hands them to the
//! [`Reporter`] in input order (module `blocks`); a large JSON Lines file is read by
//! the workers themselves. Standard input is tagged in chunks as it streams
//! in (`consume`). Either way the report is the same whatever the thread
//! count, and memory does not grow with the corpus. Per-file problems become
//! records, never errors.

mod blocks;
pub mod posting;

use std::io::{self, BufRead as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use rayon::prelude::*;

use crate::engine::tagger::{Engine, Scratch};
use crate::input::records::{self, FieldOptions, Item, RecordFormat};
use crate::input::walk::{self, GlobError, WalkItem, WalkOptions};
use crate::input::ReadError;
use crate::report::{self, Outcome, Record, Render, Reporter, ShownPath, Summary};
use blocks::{is_shared, Batcher, Blocks, SharedFile, Work};
use posting::failed_record;

/// Postings of standard input tagged per parallel chunk: large enough to keep
/// every core busy, small enough that results stream and memory stays flat.
/// Also how often a scan flushes its report.
pub(crate) const CHUNK: usize = 512;
/// How to scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// How to walk the roots.
    pub walk: WalkOptions,
    /// Worker threads (0: one per core). With 1 the scan runs on the calling
    /// thread alone, unless it reads standard input (which keeps a reader thread).
    pub threads: usize,
    /// Which fields of JSON/JSONL/CSV records hold the text, id and expected label.
    pub fields: FieldOptions,
    /// Largest JSON line, CSV/TSV row or JSON file read, in bytes; a larger one fails alone.
    pub max_bytes: u64,
    /// Read every file as records of this format, whatever its extension.
    pub record_format: Option<RecordFormat>,
    /// True when `--input-format` named a document format: no file is read as records.
    pub document_format_forced: bool,
}

/// Default `--max-bytes`, the same for documents and records.
pub const DEFAULT_MAX_BYTES: u64 = crate::input::DEFAULT_MAX_BYTES;

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            walk: WalkOptions::default(),
            threads: 0,
            fields: FieldOptions::default(),
            max_bytes: DEFAULT_MAX_BYTES,
            record_format: None,
            document_format_forced: false,
        }
    }
}

/// What a scan did, beyond the records it reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanOutcome {
    /// Counts by label, failed and skipped.
    pub summary: Summary,
    /// True when a command-line root did not exist.
    pub missing_root: bool,
}

/// Why a scan stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// An invalid `--glob`.
    #[error(transparent)]
    Glob(#[from] GlobError),
    /// The thread pool could not start.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why.
        message: String,
    },
    /// Writing the report failed (a closed pipe, a full disk). The I/O error is
    /// the source, not repeated in the message, so a cause chain shows it once.
    #[error("cannot write the report")]
    Output(#[from] io::Error),
    /// `cancel` was set (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
}

/// The name standard input goes by in reports.
pub const STDIN_NAME: &str = "<stdin>";

/// One unit of work: a file, one record of a record file, or a path that failed.
#[derive(Debug)]
enum Job {
    File(PathBuf),
    Record {
        path: Arc<ShownPath>,
        item: Item,
    },
    Error {
        path: ShownPath,
        message: String,
        missing_root: bool,
    },
    Special {
        path: PathBuf,
        kind: &'static str,
    },
    Symlink(PathBuf),
    /// Skipped on purpose, with why (a roletag report found in a folder).
    Skipped {
        path: ShownPath,
        reason: String,
    },
}

/// Walks `roots`, tags every posting and hands each record, in walk order, to `reporter`.
///
/// A root `-` reads JSON Lines records from standard input. Files with a record
/// extension (`.jsonl`, `.ndjson`, `.json`, `.csv`, `.tsv`) give one posting per
/// record. Checks `cancel` between chunks and while waiting for input; once it
/// is set the scan ends [`ScanError::Interrupted`], even if the input has ended
/// too. The reporter is not finished here.
///
/// # Errors
/// See [`ScanError`]; per-posting problems are records, not errors.
pub fn scan(
    engine: &Engine,
    roots: &[PathBuf],
    opts: &ScanOptions,
    reporter: &mut dyn Reporter,
    cancel: &AtomicBool,
) -> Result<ScanOutcome, ScanError> {
    scan_rendered(engine, roots, opts, reporter, None, cancel)
}

/// [`scan`], with the records of standard input formatted by `render` on the
/// worker threads, each handed to the reporter as [`Reporter::record_rendered`].
/// (The records of files are formatted by the thread that writes them, which
/// measured faster with the blocks they are tagged in.) `render` must be the
/// reporter's own ([`crate::report::renderer`] of its format and context): the
/// thread that writes the report then only copies bytes, instead of formatting
/// every record while the workers wait for it at the end of each chunk. With one
/// thread there are no workers, and `render` is not used.
///
/// # Errors
/// See [`ScanError`]; per-posting problems are records, not errors.
pub fn scan_rendered(
    engine: &Engine,
    roots: &[PathBuf],
    opts: &ScanOptions,
    reporter: &mut dyn Reporter,
    render: Option<&dyn Render>,
    cancel: &AtomicBool,
) -> Result<ScanOutcome, ScanError> {
    walk::check_globs(&opts.walk.globs)?;
    // One thread means one: no reader, writer or worker threads besides this
    // one, as a user pinning one scan per core expects. Standard input keeps
    // its reader thread, so Ctrl-C is noticed while a read is waiting.
    if opts.threads == 1 && !roots.iter().any(|r| r.as_os_str() == "-") {
        return scan_on_this_thread(engine, roots, opts, reporter, cancel);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| ScanError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    let stdin = roots.iter().any(|r| r.as_os_str() == "-");
    // Standard input is read in chunks ([`consume`]): a stream's records are
    // tagged as they come. Files are read in blocks ([`blocks`]).
    if stdin {
        let (tx, rx) = mpsc::sync_channel::<Job>(CHUNK * 2);
        let producer = spawn_producer(roots, opts, move |roots, opts| {
            produce(roots, opts, None, |job| tx.send(job).is_ok())
        })?;
        let outcome = consume(engine, opts, &pool, &rx, reporter, render, cancel);
        // On an early stop the producer is not waited for: it may be blocked reading
        // standard input (Ctrl-C with the writer still open). Dropping `rx` makes its
        // next send fail, so it ends on its own.
        drop(rx);
        let outcome = outcome?;
        producer.join().unwrap_or(Ok(()))?;
        return Ok(outcome);
    }
    let (tx, rx) = mpsc::sync_channel::<Vec<Work>>(CHUNK * 2 / blocks::BLOCK);
    let producer = spawn_producer(roots, opts, move |roots, opts| {
        let batcher = std::cell::RefCell::new(Batcher::new(tx));
        let mut shared = |file| batcher.borrow_mut().push(Work::Shared(file));
        let walked = produce(roots, opts, Some(&mut shared), |job| {
            batcher.borrow_mut().push(Work::Job(job))
        });
        batcher.borrow_mut().send();
        walked
    })?;
    let blocks = Blocks {
        engine,
        opts,
        cancel,
    };
    // As above, an early stop does not wait for the walk: `rx` is dropped.
    let outcome = blocks.scan(rx, &pool, reporter)?;
    producer.join().unwrap_or(Ok(()))?;
    Ok(outcome)
}

/// Starts the thread that walks the roots (`produce`, given owned copies of
/// `roots` and `opts`).
fn spawn_producer(
    roots: &[PathBuf],
    opts: &ScanOptions,
    produce: impl FnOnce(&[PathBuf], &ScanOptions) -> Result<(), GlobError> + Send + 'static,
) -> Result<std::thread::JoinHandle<Result<(), GlobError>>, ScanError> {
    let (owned_roots, owned_opts) = (roots.to_vec(), opts.clone());
    // Builder, not `thread::spawn`, which panics when the thread cannot start.
    std::thread::Builder::new()
        .name("roletag-reader".into())
        .spawn(move || produce(&owned_roots, &owned_opts))
        .map_err(|e| ScanError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })
}

/// [`scan`] with one thread: walks, tags and reports each job in turn, and
/// flushes the reporter every [`CHUNK`] jobs, as the threaded scan does.
fn scan_on_this_thread(
    engine: &Engine,
    roots: &[PathBuf],
    opts: &ScanOptions,
    reporter: &mut dyn Reporter,
    cancel: &AtomicBool,
) -> Result<ScanOutcome, ScanError> {
    let mut outcome = ScanOutcome::default();
    let mut scratch = Scratch::default();
    let mut stopped = Ok(());
    let mut unflushed = 0;
    produce(roots, opts, None, |job| {
        if cancel.load(Ordering::Relaxed) {
            stopped = Err(ScanError::Interrupted);
            return false;
        }
        let record = process_job(engine, opts, &job, &mut scratch);
        let mut reported = report_one(&job, &record, None, &mut outcome, reporter);
        unflushed += 1;
        if reported.is_ok() && unflushed == CHUNK {
            unflushed = 0;
            reported = reporter.flush().map_err(ScanError::from);
        }
        stopped = reported;
        stopped.is_ok()
    })?;
    stopped?;
    if cancel.load(Ordering::Relaxed) {
        return Err(ScanError::Interrupted);
    }
    reporter.flush()?;
    Ok(outcome)
}

/// Walks the roots and expands record files into one job per record, in order.
/// With `shared`, a JSON Lines file of at least [`blocks::SHARED_FILE`] bytes is handed
/// to it instead, for the workers to read themselves ([`Blocks`]).
fn produce(
    roots: &[PathBuf],
    opts: &ScanOptions,
    mut shared: Option<&mut dyn FnMut(SharedFile) -> bool>,
    mut send: impl FnMut(Job) -> bool,
) -> Result<(), GlobError> {
    let (stdin_roots, path_roots): (Vec<&PathBuf>, Vec<&PathBuf>) =
        roots.iter().partition(|r| r.as_os_str() == "-");
    // An empty stream is no postings, not a failure: a mapper (Hadoop Streaming,
    // Spark's `RDD.pipe`) is also started on empty input splits.
    if !stdin_roots.is_empty()
        && !expand_records(
            &ShownPath::plain(STDIN_NAME),
            io::stdin().lock(),
            opts.record_format.unwrap_or(RecordFormat::JsonLines),
            Empty::IsFine,
            opts,
            &mut send,
        )
    {
        return Ok(());
    }
    let path_roots: Vec<PathBuf> = path_roots.into_iter().cloned().collect();
    walk::walk(&path_roots, &opts.walk, |item| match item {
        WalkItem::File(path) => {
            // A file named on the command line is read whatever it holds; one
            // found in a folder may be an earlier run's report.
            let named = path_roots.contains(&path);
            let format = opts.record_format.or_else(|| {
                // An explicit document format reads every file as one posting.
                RecordFormat::from_path(&path).filter(|_| !opts.document_format_forced)
            });
            let shown = || ShownPath::of(&path);
            match format {
                Some(format) => match records::open(&path) {
                    Ok(f) => {
                        let mut f = io::BufReader::with_capacity(REPORT_SNIFF, f);
                        match f.fill_buf().ok().and_then(report::report_format) {
                            Some(what) if !named => send(skipped_report(shown(), what)),
                            _ => match shared.as_mut() {
                                Some(shared) if is_shared(&path, format) => shared(SharedFile {
                                    path: path.clone(),
                                    shown: Arc::new(shown()),
                                }),
                                _ => expand_records(
                                    &shown(),
                                    f,
                                    format,
                                    Empty::IsError,
                                    opts,
                                    &mut send,
                                ),
                            },
                        }
                    }
                    Err(e) => send(cannot_read(&shown(), &e)),
                },
                None => match html_report(&path).filter(|_| !named) {
                    Some(what) => send(skipped_report(shown(), what)),
                    None => send(Job::File(path)),
                },
            }
        }
        WalkItem::Error {
            path,
            message,
            missing_root,
        } => send(Job::Error {
            path: ShownPath::of(&path),
            message,
            missing_root,
        }),
        WalkItem::Special { path, kind } => send(Job::Special { path, kind }),
        WalkItem::Symlink(path) => send(Job::Symlink(path)),
    })
}

/// Bytes read from the start of a file to tell a roletag report from postings.
const REPORT_SNIFF: usize = 64 * 1024;

/// The job of a roletag report found in a folder: skipped, so that `roletag
/// scan` of a folder holding an earlier run's report does not tag the report
/// (issue 16). Named on the command line, a report is read as asked.
fn skipped_report(path: ShownPath, what: &str) -> Job {
    Job::Skipped {
        path,
        reason: format!("a roletag report ({what}), skipped; name it to read it anyway"),
    }
}

/// `Some("html")` when `path` is an `.html`/`.htm` file that roletag wrote.
/// Only such files are opened here, on the walking thread; other documents are
/// never taken for reports.
fn html_report(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if ext != "html" && ext != "htm" {
        return None;
    }
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .ok()?;
    report::report_format(&head).filter(|f| *f == "html")
}

/// The format of the roletag report at `path`, a file found by walking a
/// folder, as the scan tells it (and skips it): `--files` lists what a scan
/// reads, so it leaves these out too. `None` for postings.
pub fn found_report(path: &Path, opts: &ScanOptions) -> Option<&'static str> {
    let records = opts.record_format.is_some()
        || (RecordFormat::from_path(path).is_some() && !opts.document_format_forced);
    if !records {
        return html_report(path);
    }
    let mut head = Vec::with_capacity(1024);
    records::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .ok()?;
    report::report_format(&head)
}

/// Whether a record source with no records is reported as a failed posting.
#[derive(Clone, Copy, PartialEq)]
enum Empty {
    /// A record file with no records is an error record (every input appears once).
    IsError,
    /// Standard input with no records gives no output.
    IsFine,
}

/// Sends one job per record of `reader`; false when the consumer has stopped.
fn expand_records(
    shown: &ShownPath,
    reader: impl io::Read,
    format: RecordFormat,
    empty: Empty,
    opts: &ScanOptions,
    send: &mut impl FnMut(Job) -> bool,
) -> bool {
    let path = Arc::new(shown.clone());
    let mut open = true;
    let mut any = false;
    let read = records::read(reader, format, &opts.fields, opts.max_bytes, |item| {
        any = true;
        open = send(Job::Record {
            path: Arc::clone(&path),
            item,
        });
        open
    });
    match read {
        Err(e) => send(cannot_read(shown, &e)),
        Ok(()) if !any && open && empty == Empty::IsError => send(no_records(shown)),
        Ok(()) => open,
    }
}

/// The job of a record file that could not be read (to its end).
fn cannot_read(shown: &ShownPath, e: &io::Error) -> Job {
    Job::Error {
        path: shown.clone(),
        message: format!("cannot read: {e}"),
        missing_root: false,
    }
}

/// The job of a record file without a record.
fn no_records(shown: &ShownPath) -> Job {
    Job::Error {
        path: shown.clone(),
        message: "no records: the file is empty".to_string(),
        missing_root: false,
    }
}

/// How long a partly filled chunk waits for more input before it is tagged,
/// so a slow stream (`roletag scan -` in a pipe) still gets results promptly.
const CHUNK_WAIT: Duration = Duration::from_millis(20);

/// How often a scan waiting for input checks for Ctrl-C.
const CANCEL_POLL: Duration = Duration::from_millis(100);

/// Fills `chunk` with the next jobs; leaves it empty when the input has ended
/// or `cancel` was set while waiting for it. When no job is ready, `idle` runs
/// once before waiting, so what is already tagged is written while the input is slow.
fn next_chunk(
    rx: &mpsc::Receiver<Job>,
    chunk: &mut Vec<Job>,
    cancel: &AtomicBool,
    mut idle: impl FnMut() -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    chunk.clear();
    let first = match rx.try_recv() {
        Ok(job) => job,
        Err(mpsc::TryRecvError::Disconnected) => return Ok(()),
        Err(mpsc::TryRecvError::Empty) => {
            idle()?;
            loop {
                match rx.recv_timeout(CANCEL_POLL) {
                    Ok(job) => break job,
                    Err(mpsc::RecvTimeoutError::Timeout) if !cancel.load(Ordering::Relaxed) => {}
                    Err(_) => return Ok(()),
                }
            }
        }
    };
    chunk.push(first);
    while chunk.len() < CHUNK {
        match rx.recv_timeout(CHUNK_WAIT) {
            Ok(job) => chunk.push(job),
            Err(_) => break,
        }
    }
    Ok(())
}

/// Tags chunk after chunk on the pool and reports them in order on this thread.
/// The two overlap: while the workers tag one chunk, the previous one is written,
/// so the report's serialisation does not leave the workers idle.
fn consume(
    engine: &Engine,
    opts: &ScanOptions,
    pool: &rayon::ThreadPool,
    rx: &mpsc::Receiver<Job>,
    reporter: &mut dyn Reporter,
    render: Option<&dyn Render>,
    cancel: &AtomicBool,
) -> Result<ScanOutcome, ScanError> {
    let mut outcome = ScanOutcome::default();
    let mut chunk: Vec<Job> = Vec::with_capacity(CHUNK);
    // Tagged but not yet reported: a chunk's jobs and their records.
    let mut pending: Option<(Vec<Job>, Vec<Rendered>)> = None;
    loop {
        next_chunk(rx, &mut chunk, cancel, || {
            report_chunk(pending.take(), &mut outcome, reporter)
        })?;
        // Checked first: Ctrl-C in a shell also ends the process writing to our
        // standard input, and a stream cut short is not a finished report.
        if cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Interrupted);
        }
        if chunk.is_empty() {
            report_chunk(pending.take(), &mut outcome, reporter)?;
            return Ok(outcome);
        }
        let mut records: Vec<Rendered> = Vec::new();
        let mut reported = Ok(());
        let previous = pending.take();
        pool.in_place_scope(|s| {
            let (jobs, records) = (&chunk, &mut records);
            s.spawn(move |_| {
                *records = jobs
                    .par_iter()
                    // Small pieces, so no worker waits at the end of a chunk for
                    // another to finish a long run of postings.
                    .with_max_len(8)
                    .map(|job| tag_on_worker(engine, opts, job, render))
                    .collect();
            });
            reported = report_chunk(previous, &mut outcome, reporter);
        });
        reported?;
        let next = Vec::with_capacity(CHUNK);
        pending = Some((std::mem::replace(&mut chunk, next), records));
    }
}

/// Tags `job` on a pool thread, with its buffers, and formats its record with
/// `render`, if given.
fn tag_on_worker(
    engine: &Engine,
    opts: &ScanOptions,
    job: &Job,
    render: Option<&dyn Render>,
) -> Rendered {
    // Taken out and put back, not borrowed: a nested call on
    // this thread would get fresh buffers, not a panic.
    let mut scratch = WORKER_SCRATCH.take();
    let record = process_job(engine, opts, job, &mut scratch);
    WORKER_SCRATCH.set(scratch);
    // Formatted in this worker's buffer, then copied out
    // once at its exact size.
    let bytes = render.map(|render| {
        RENDER_BUF.with_borrow_mut(|buf| {
            buf.clear();
            render.render(&record, buf);
            buf.clone()
        })
    });
    (record, bytes)
}

thread_local! {
    /// Each pool thread's buffer for formatting a record (see [`scan_rendered`]).
    static RENDER_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Each pool thread's buffers, kept from chunk to chunk (a scan's pool lives
    /// as long as the scan), so a worker's buffers grow once, not once per chunk.
    static WORKER_SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// A record, and its report entry when the workers formatted it.
type Rendered = (Record, Option<Vec<u8>>);

/// Reports one tagged chunk, if any, in order, and flushes the reporter.
fn report_chunk(
    tagged: Option<(Vec<Job>, Vec<Rendered>)>,
    outcome: &mut ScanOutcome,
    reporter: &mut dyn Reporter,
) -> Result<(), ScanError> {
    let Some((jobs, records)) = tagged else {
        return Ok(());
    };
    for (job, (r, rendered)) in jobs.iter().zip(&records) {
        report_one(job, r, rendered.as_deref(), outcome, reporter)?;
    }
    reporter.flush()?;
    Ok(())
}

/// Reports one tagged job (formatted already as `rendered`, if given) and counts
/// it in `outcome`.
fn report_one(
    job: &Job,
    record: &Record,
    rendered: Option<&[u8]>,
    outcome: &mut ScanOutcome,
    reporter: &mut dyn Reporter,
) -> Result<(), ScanError> {
    outcome.missing_root |= matches!(
        job,
        Job::Error {
            missing_root: true,
            ..
        }
    );
    report_record(record, rendered, outcome, reporter)
}

/// Reports one record (formatted already as `rendered`, if given) and counts it
/// in `outcome`.
fn report_record(
    record: &Record,
    rendered: Option<&[u8]>,
    outcome: &mut ScanOutcome,
    reporter: &mut dyn Reporter,
) -> Result<(), ScanError> {
    outcome.summary.add(record);
    match rendered {
        Some(bytes) => reporter.record_rendered(record, bytes)?,
        None => reporter.record(record)?,
    }
    Ok(())
}

fn process_job(engine: &Engine, opts: &ScanOptions, job: &Job, scratch: &mut Scratch) -> Record {
    match job {
        Job::File(path) => engine.tag_path(path, scratch),
        Job::Record { path, item } => {
            let mut r = engine.tag_item(&path.text, item, &opts.fields, scratch);
            r.set_path_bytes(path);
            r
        }
        Job::Error { path, message, .. } => {
            Record::at(path, Outcome::Failed(message.clone()), Vec::new())
        }
        Job::Special { path, kind } => {
            let mut r = failed_record(path.display().to_string(), &ReadError::Special(kind));
            r.set_path_bytes(&ShownPath::of(path));
            r
        }
        Job::Symlink(path) => {
            let mut r = failed_record(path.display().to_string(), &ReadError::Symlink);
            r.set_path_bytes(&ShownPath::of(path));
            r
        }
        Job::Skipped { path, reason } => {
            Record::at(path, Outcome::Skipped(reason.clone()), Vec::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Context, JsonLines};
    use crate::{Lexicon, Thresholds};

    fn engine() -> Engine {
        Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap()
    }

    /// [`consume`] with the default options and the reporter formatting its records.
    fn consume_plain(
        e: &Engine,
        pool: &rayon::ThreadPool,
        rx: &mpsc::Receiver<Job>,
        rep: &mut dyn Reporter,
        cancel: &AtomicBool,
    ) -> Result<ScanOutcome, ScanError> {
        consume(e, &ScanOptions::default(), pool, rx, rep, None, cancel)
    }

    /// A JSON Lines report into memory.
    fn jsonl_reporter(e: &Engine) -> JsonLines<'_, Vec<u8>> {
        let cx = Context {
            lexicon: e.lexicon(),
            thresholds: e.thresholds(),
            color: false,
            top: 5,
            keep_fields: &[],
        };
        JsonLines::new(Vec::new(), cx)
    }
    fn scan_to_string(roots: &[PathBuf], threads: usize) -> (String, ScanOutcome) {
        let e = engine();
        let cx = Context {
            lexicon: e.lexicon(),
            thresholds: e.thresholds(),
            color: false,
            top: 5,
            keep_fields: &[],
        };
        let mut buf = Vec::new();
        let mut rep = JsonLines::new(&mut buf, cx);
        let opts = ScanOptions {
            threads,
            ..ScanOptions::default()
        };
        let out = scan(&e, roots, &opts, &mut rep, &AtomicBool::new(false)).unwrap();
        let _ = rep;
        (String::from_utf8(buf).unwrap(), out)
    }

    #[test]
    fn scan_reports_every_file_in_order_with_failures() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("b.txt"),
            "Manage the ERP and the service desk.",
        )
        .unwrap();
        std::fs::write(d.path().join("a.txt"), "").unwrap();
        std::fs::write(d.path().join("c.bin"), b"\x00\x01").unwrap();
        let roots = [d.path().to_path_buf(), d.path().join("missing")];
        let (out, outcome) = scan_to_string(&roots, 2);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert!(lines[0].contains("a.txt") && lines[0].contains("\"error\""));
        assert!(lines[1].contains("b.txt") && lines[1].contains("\"label\""));
        assert!(lines[2].contains("c.bin") && lines[2].contains("\"skipped\":true"));
        assert!(lines[3].contains("missing") && lines[3].contains("no such file"));
        assert!(outcome.missing_root);
        assert_eq!(outcome.summary.failed, 2);
        assert_eq!(outcome.summary.skipped, 1);
        assert_eq!(outcome.summary.tagged(), 1);
    }

    #[test]
    fn output_is_identical_across_thread_counts() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..(CHUNK + 37) {
            let text = if i % 3 == 0 {
                "We build customer-facing products and ship features."
            } else {
                "Run the help desk, the ERP and the IT budget."
            };
            std::fs::write(d.path().join(format!("p{i:04}.txt")), text).unwrap();
        }
        let roots = [d.path().to_path_buf()];
        let (one, _) = scan_to_string(&roots, 1);
        let (two, _) = scan_to_string(&roots, 2);
        let (eight, _) = scan_to_string(&roots, 8);
        assert_eq!(one.lines().count(), CHUNK + 37);
        assert_eq!(one, two);
        assert_eq!(one, eight);
    }

    /// Records formatted on the workers (standard input's chunked scan, given
    /// the JSON Lines renderer) make the same report, byte for byte, as the
    /// reporter formatting them itself, which the scan of files does: on the
    /// corpora and on the bad-input fixtures (failed, skipped and tagged records),
    /// with a kept field, at several thread counts.
    #[test]
    fn rendered_records_make_the_same_report() {
        let e = engine();
        let keep = ["title".to_string()];
        let cx = Context {
            lexicon: e.lexicon(),
            thresholds: e.thresholds(),
            color: false,
            top: 5,
            keep_fields: &keep,
        };
        let roots = [
            PathBuf::from("corpora"),
            PathBuf::from("tests/fixtures/bad"),
        ];
        let never = AtomicBool::new(false);
        // A whole report in `format`, from the reporter the CLI would make, of
        // a scan of the files.
        let scan_to = |format: report::Format, threads: usize| {
            let mut buf = Vec::new();
            let mut rep = report::reporter(format, &mut buf, cx).unwrap();
            let opts = ScanOptions {
                threads,
                ..ScanOptions::default()
            };
            let render = report::renderer(format, cx);
            let out = scan_rendered(&e, &roots, &opts, &mut *rep, render.as_deref(), &never);
            rep.finish(&out.unwrap().summary).unwrap();
            drop(rep);
            String::from_utf8(buf).unwrap()
        };
        // The same, the walk's jobs tagged in chunks as standard input's are.
        let chunked = |format: report::Format, threads: usize, render: Option<&dyn Render>| {
            let mut buf = Vec::new();
            let mut rep = report::reporter(format, &mut buf, cx).unwrap();
            let opts = ScanOptions {
                threads,
                ..ScanOptions::default()
            };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (tx, rx) = mpsc::sync_channel::<Job>(CHUNK * 2);
            let (walk_roots, walk_opts) = (roots.to_vec(), opts.clone());
            let walk = std::thread::spawn(move || {
                produce(&walk_roots, &walk_opts, None, |job| tx.send(job).is_ok())
            });
            let out = consume(&e, &opts, &pool, &rx, &mut *rep, render, &never).unwrap();
            walk.join().unwrap().unwrap();
            rep.finish(&out.summary).unwrap();
            drop(rep);
            String::from_utf8(buf).unwrap()
        };
        let render = report::renderer(report::Format::JsonLines, cx);
        assert!(render.is_some());
        let plain = scan_to(report::Format::JsonLines, 1);
        assert!(plain.lines().count() > 300, "{}", plain.lines().count());
        for threads in [2, 8] {
            assert_eq!(scan_to(report::Format::JsonLines, threads), plain);
            let got = chunked(report::Format::JsonLines, threads, render.as_deref());
            assert_eq!(got, plain, "{threads} threads");
        }
        assert_eq!(chunked(report::Format::JsonLines, 2, None), plain);
        // `--format json` has the same objects, with commas between them.
        let json_render = report::renderer(report::Format::Json, cx);
        let json = scan_to(report::Format::Json, 1);
        assert_eq!(
            chunked(report::Format::Json, 2, json_render.as_deref()),
            json
        );
        assert_eq!(scan_to(report::Format::Json, 2), json);
        // And the workers did format every record.
        struct Counting<'r>(&'r dyn Render, std::sync::atomic::AtomicUsize);
        impl Render for Counting<'_> {
            fn render(&self, r: &Record, out: &mut Vec<u8>) {
                self.1.fetch_add(1, Ordering::Relaxed);
                self.0.render(r, out);
            }
        }
        let counting = Counting(render.as_deref().unwrap(), Default::default());
        assert_eq!(
            chunked(report::Format::JsonLines, 2, Some(&counting)),
            plain
        );
        assert_eq!(counting.1.into_inner(), plain.lines().count());
    }

    #[test]
    fn cancel_stops_the_scan() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.txt"), "erp").unwrap();
        let e = engine();
        let mut rep = jsonl_reporter(&e);
        let cancel = AtomicBool::new(true);
        let roots = [d.path().to_path_buf()];
        let got = scan(&e, &roots, &ScanOptions::default(), &mut rep, &cancel);
        assert!(matches!(got, Err(ScanError::Interrupted)));
    }

    /// A job ready is taken without reporting first; with none ready the tagged
    /// records are reported (idle) before the wait, and a reporting error ends it.
    #[test]
    fn next_chunk_reports_what_is_tagged_before_waiting() {
        let (tx, rx) = mpsc::sync_channel::<Job>(4);
        let job = |n: usize| Job::Error {
            path: ShownPath::plain(&format!("p{n}")),
            message: String::new(),
            missing_root: false,
        };
        tx.send(job(0)).unwrap();
        tx.send(job(1)).unwrap();
        let cancel = AtomicBool::new(false);
        let mut chunk = Vec::new();
        let mut idled = 0;
        next_chunk(&rx, &mut chunk, &cancel, || {
            idled += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!((chunk.len(), idled), (2, 0));
        let got = next_chunk(&rx, &mut chunk, &cancel, || {
            Err(ScanError::Output(io::Error::other("closed pipe")))
        });
        assert!(matches!(got, Err(ScanError::Output(_))), "{got:?}");
        drop(tx);
    }

    /// Reports each record's path as it comes.
    struct Seen(mpsc::Sender<String>);

    impl Reporter for Seen {
        fn record(&mut self, r: &Record) -> io::Result<()> {
            self.0.send(r.path.clone()).map_err(io::Error::other)
        }
        fn finish(&mut self, _: &Summary) -> io::Result<()> {
            Ok(())
        }
    }

    /// A slow input (a pipe that stays open) gets what it sent tagged and reported
    /// before more arrives, in order: a few records (less than a chunk), then a
    /// burst of several chunks, each followed by silence.
    #[test]
    fn records_of_a_slow_input_are_reported_before_it_sends_more() {
        let (tx, rx) = mpsc::sync_channel::<Job>(CHUNK * 8);
        let (seen_tx, seen_rx) = mpsc::channel();
        let job = |n: usize| Job::Error {
            path: ShownPath::plain(&format!("p{n}")),
            message: String::new(),
            missing_root: false,
        };
        let scan = std::thread::spawn(move || {
            let e = engine();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let cancel = AtomicBool::new(false);
            let mut rep = Seen(seen_tx);
            consume_plain(&e, &pool, &rx, &mut rep, &cancel).map(|o| o.summary.failed)
        });
        let wait = Duration::from_secs(10);
        let mut sent = 0;
        for burst in [3, CHUNK * 3 + 5, 1] {
            for n in sent..sent + burst {
                tx.send(job(n)).unwrap();
            }
            for n in sent..sent + burst {
                assert_eq!(seen_rx.recv_timeout(wait).unwrap(), format!("p{n}"));
            }
            sent += burst;
        }
        drop(tx);
        assert_eq!(scan.join().unwrap().unwrap(), sent as u64);
    }

    /// Ctrl-C while the input is silent (a pipe kept open) is seen within a poll,
    /// and Ctrl-C with the input then closed is still an interruption.
    #[test]
    fn cancel_is_seen_while_waiting_for_input() {
        let (tx, rx) = mpsc::sync_channel::<Job>(1);
        let cancel = AtomicBool::new(true);
        let mut chunk = Vec::new();
        let started = std::time::Instant::now();
        let mut idled = 0;
        next_chunk(&rx, &mut chunk, &cancel, || {
            idled += 1;
            Ok(())
        })
        .unwrap();
        assert!(chunk.is_empty());
        assert_eq!(idled, 1, "what is tagged is reported before waiting");
        assert!(started.elapsed() < Duration::from_secs(5));
        drop(tx);
        let e = engine();
        let mut rep = jsonl_reporter(&e);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let got = consume_plain(&e, &pool, &rx, &mut rep, &cancel);
        assert!(matches!(got, Err(ScanError::Interrupted)), "{got:?}");
    }
}
