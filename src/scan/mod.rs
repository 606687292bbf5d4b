//! The pipeline: read -> normalise -> match -> score -> label, for one posting or a whole walk.
//!
//! [`Engine`] is built once (lexicon, matcher, thresholds) and shared by
//! reference with every worker. [`Engine::tag_text`] is pure; [`Engine::tag_path`]
//! reads a file. [`scan`] streams a walk through a rayon pool in chunks: each
//! chunk is tagged in parallel, then written in input order before the next
//! one starts, so the report is the same whatever the thread count and memory
//! does not grow with the corpus. Per-file problems become records, never errors.

use std::io::{self, BufRead as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use rayon::prelude::*;

use crate::engine::label::{self, Thresholds};
use crate::engine::lexicon::{Lexicon, TermId};
use crate::engine::matcher::{Build, BuildError, Hit, MatchScratch, Matcher};
use crate::engine::normalize::{MappedText, NormText};
use crate::engine::scope::{self, ScopeOptions, ScopeScratch, Status};
use crate::engine::score;
use crate::input::records::{self, FieldOptions, Item, RecordFormat};
use crate::input::walk::{self, GlobError, WalkItem, WalkOptions};
use crate::input::{self, ReadError, ReadOptions};
use crate::report::{self, Outcome, Record, Reporter, ShownPath, Summary, Tagged};

/// Postings tagged per parallel chunk: large enough to keep every core busy,
/// small enough that results stream and memory stays flat.
pub const CHUNK: usize = 512;

/// Lexicon, compiled matcher, thresholds and read options: everything needed to tag.
#[derive(Debug)]
pub struct Engine {
    lexicon: Lexicon,
    matcher: Matcher,
    thresholds: Thresholds,
    options: EngineOptions,
    read: ReadOptions,
}

/// How postings are read before matching.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineOptions {
    /// Replace job titles with a neutral token first (see [`crate::input::mask`]).
    pub mask_titles: bool,
    /// Which hits are ignored as negated or boilerplate (see [`crate::engine::scope`]).
    pub scope: ScopeOptions,
}

/// A posting tagged with every hit kept: what `roletag explain` shows.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// The text that was tagged: the posting's text with HTML character
    /// references decoded, and titles masked when the engine masks them. Span
    /// ranges are byte offsets into it.
    pub text: String,
    /// The label and scores, identical to [`Engine::tag_text`]'s.
    pub tagged: Tagged,
    /// Every hit in text order, counted or ignored.
    pub spans: Vec<Span>,
}

/// One hit, located in the tagged text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte range in [`Explanation::text`] (always on character boundaries).
    pub range: std::ops::Range<usize>,
    /// The term that matched.
    pub term: TermId,
    /// Whether it counted, or why not.
    pub status: Status,
}

/// Per-worker buffers, reused from posting to posting.
#[derive(Debug, Default)]
pub struct Scratch {
    bytes: Vec<u8>,
    norm: NormText,
    hits: Vec<Hit>,
    matching: MatchScratch,
    scope: ScopeScratch,
}

impl Engine {
    /// Compiles `lexicon` and fixes the thresholds.
    ///
    /// # Errors
    /// When the matcher cannot be built (see [`BuildError`]).
    pub fn new(lexicon: Lexicon, thresholds: Thresholds) -> Result<Engine, BuildError> {
        Engine::build(lexicon, thresholds, Build::Throughput)
    }

    /// Compiles `lexicon` with the automaton `build` asks for (see [`Build`]); the
    /// tags are the same either way.
    ///
    /// # Errors
    /// When the matcher cannot be built (see [`BuildError`]).
    pub fn build(
        lexicon: Lexicon,
        thresholds: Thresholds,
        build: Build,
    ) -> Result<Engine, BuildError> {
        let matcher = Matcher::build(&lexicon, build)?;
        Ok(Engine {
            lexicon,
            matcher,
            thresholds,
            options: EngineOptions::default(),
            read: ReadOptions::default(),
        })
    }

    /// The same engine with `options`.
    pub fn with_options(mut self, options: EngineOptions) -> Engine {
        self.options = options;
        self
    }

    /// The options in use.
    pub fn options(&self) -> EngineOptions {
        self.options
    }

    /// Sets how files are read (format, size limit); the default is [`ReadOptions::default`].
    pub fn with_read_options(mut self, read: ReadOptions) -> Engine {
        self.read = read;
        self
    }

    /// How files are read.
    pub fn read_options(&self) -> &ReadOptions {
        &self.read
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The compiled matcher.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The thresholds in use.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Tags one posting's text.
    pub fn tag_text(&self, raw: &str, scratch: &mut Scratch) -> Tagged {
        let raw = self.prepared(raw);
        scratch.norm.refill(&raw);
        self.tag_normalized(
            &raw,
            &scratch.norm,
            &mut scratch.matching,
            &mut scratch.scope,
            &mut scratch.hits,
        )
    }

    /// Tags one posting's text as [`Engine::tag_text`] does, and keeps every hit with
    /// its byte range in the text that was tagged (see [`Explanation`]).
    pub fn explain_text(&self, raw: &str) -> Explanation {
        let text = self.prepared(raw).into_owned();
        let mapped = MappedText::new(&text);
        let mut hits = Vec::new();
        let tagged = self.tag_normalized(
            &text,
            mapped.norm(),
            &mut MatchScratch::default(),
            &mut ScopeScratch::default(),
            &mut hits,
        );
        let spans = hits
            .iter()
            .map(|h| Span {
                range: mapped.raw_range(&text, h.start, h.end),
                term: h.term,
                status: h.status,
            })
            .collect();
        Explanation {
            text,
            tagged,
            spans,
        }
    }

    /// The text as tagged: HTML character references decoded
    /// ([`input::decode_entities`]), then titles masked when asked.
    fn prepared<'a>(&self, raw: &'a str) -> std::borrow::Cow<'a, str> {
        let text = input::decode_entities(raw);
        if !self.options.mask_titles {
            return text;
        }
        match text {
            std::borrow::Cow::Borrowed(t) => crate::input::mask::mask_titles(t),
            std::borrow::Cow::Owned(t) => {
                std::borrow::Cow::Owned(crate::input::mask::mask_titles(&t).into_owned())
            }
        }
    }

    /// Matching, scope and scoring over a normalised text (`raw` is what was normalised).
    fn tag_normalized(
        &self,
        raw: &str,
        norm: &NormText,
        matching: &mut MatchScratch,
        scoping: &mut ScopeScratch,
        hits: &mut Vec<Hit>,
    ) -> Tagged {
        let text = norm.as_str();
        self.matcher.find_into(text, matching, hits);
        let formulas = Some(matching.formula_starts());
        scope::apply_with(raw, norm, hits, self.options.scope, scoping, formulas);
        let scores = score::score(&self.lexicon, hits, text, norm.words());
        Tagged {
            tagging: label::tag(&scores, &self.thresholds),
            scores,
        }
    }

    /// Reads and tags the file at `path`; problems become a failed or skipped record.
    ///
    /// A path that is not valid UTF-8 keeps its bytes in `path_bytes`, with a warning.
    pub fn tag_path(&self, path: &Path, scratch: &mut Scratch) -> Record {
        let mut bytes = std::mem::take(&mut scratch.bytes);
        let shown = ShownPath::of(path);
        let mut record = match input::read_path(path, &self.read, &mut bytes) {
            Ok(posting) => {
                self.tagged_record(shown.text.clone(), &posting.text, posting.warnings, scratch)
            }
            Err(e) => failed_record(shown.text.clone(), &e),
        };
        record.set_path_bytes(&shown);
        scratch.bytes = bytes;
        record
    }

    /// Reads and tags `reader` as one posting called `name`, in the read options'
    /// format (plain text by default) and only up to their `max_bytes`.
    pub fn tag_reader(&self, name: &str, reader: impl io::Read, scratch: &mut Scratch) -> Record {
        let mut bytes = std::mem::take(&mut scratch.bytes);
        let record = match input::read_from(reader, &self.read, &mut bytes) {
            Ok(p) => self.tagged_record(name.to_string(), &p.text, p.warnings, scratch),
            Err(e) => failed_record(name.to_string(), &e),
        };
        scratch.bytes = bytes;
        record
    }

    fn tagged_record(
        &self,
        path: String,
        text: &str,
        warnings: Vec<String>,
        scratch: &mut Scratch,
    ) -> Record {
        let tagged = self.tag_text(text, scratch);
        let outcome = if is_finite(&tagged) {
            Outcome::Tagged(Box::new(tagged))
        } else {
            // Only weights near f64's limit get here (the lexicon bounds them);
            // a label from an infinite or NaN score would be meaningless.
            Outcome::Failed(
                "the score is not a finite number: the lexicon's weights are too large".into(),
            )
        };
        Record::new(path, outcome, warnings)
    }

    /// Tags one record of a record file (parsing it first if it is a raw JSON line).
    pub fn tag_item(
        &self,
        path: &str,
        item: &Item,
        fields: &FieldOptions,
        scratch: &mut Scratch,
    ) -> Record {
        let parsed;
        let item = match item {
            Item::Line { at, bytes } => {
                parsed = records::parse_json_line(*at, bytes, fields);
                &parsed
            }
            other => other,
        };
        let mut record = match item {
            Item::Posting(p) => {
                let mut r = self.tagged_record(path.to_string(), &p.text, Vec::new(), scratch);
                r.id.clone_from(&p.id);
                r.expected.clone_from(&p.expected);
                r.group.clone_from(&p.group);
                r.fields.clone_from(&p.kept);
                r.title.clone_from(&p.title);
                r.record = Some(p.at.index);
                return r;
            }
            Item::Failed { at, id, message } => {
                let mut r = Record::new(
                    path.to_string(),
                    Outcome::Failed(message.clone()),
                    Vec::new(),
                );
                r.id.clone_from(id);
                r.record = Some(at.index);
                r
            }
            Item::Line { .. } => unreachable_line(path),
        };
        record.path = path.to_string();
        record
    }
}

/// True when every number a report shows for `t` is finite.
fn is_finite(t: &Tagged) -> bool {
    let s = &t.scores;
    [t.tagging.score, t.tagging.confidence]
        .into_iter()
        .chain([s.total, s.core].into_iter().flat_map(|w| [w.cio, w.cto]))
        .chain(s.axes.iter().flat_map(|w| [w.cio, w.cto]))
        .all(f64::is_finite)
}

/// A raw line is always parsed before this point; kept total rather than panicking.
fn unreachable_line(path: &str) -> Record {
    Record::new(
        path.to_string(),
        Outcome::Failed("internal: unparsed record".to_string()),
        Vec::new(),
    )
}

fn failed_record(path: String, e: &ReadError) -> Record {
    let outcome = if e.is_skip() {
        Outcome::Skipped(e.to_string())
    } else {
        Outcome::Failed(e.to_string())
    };
    Record::new(path, outcome, Vec::new())
}

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
    let (tx, rx) = mpsc::sync_channel::<Job>(CHUNK * 2);
    let (owned_roots, owned_opts) = (roots.to_vec(), opts.clone());
    // Builder, not `thread::spawn`, which panics when the thread cannot start.
    let producer = std::thread::Builder::new()
        .name("roletag-reader".into())
        .spawn(move || produce(&owned_roots, &owned_opts, |job| tx.send(job).is_ok()))
        .map_err(|e| ScanError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    let outcome = consume(engine, opts, &pool, &rx, reporter, cancel);
    // On an early stop the producer is not waited for: it may be blocked reading
    // standard input (Ctrl-C with the writer still open). Dropping `rx` makes its
    // next send fail, so it ends on its own.
    drop(rx);
    let outcome = outcome?;
    producer.join().unwrap_or(Ok(()))?;
    Ok(outcome)
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
    produce(roots, opts, |job| {
        if cancel.load(Ordering::Relaxed) {
            stopped = Err(ScanError::Interrupted);
            return false;
        }
        let record = process_job(engine, opts, &job, &mut scratch);
        let mut reported = report_one(&job, &record, &mut outcome, reporter);
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
fn produce(
    roots: &[PathBuf],
    opts: &ScanOptions,
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
                            _ => {
                                expand_records(&shown(), f, format, Empty::IsError, opts, &mut send)
                            }
                        }
                    }
                    Err(e) => send(Job::Error {
                        path: shown(),
                        message: format!("cannot read: {e}"),
                        missing_root: false,
                    }),
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
        Err(e) => send(Job::Error {
            path: shown.clone(),
            message: format!("cannot read: {e}"),
            missing_root: false,
        }),
        Ok(()) if !any && open && empty == Empty::IsError => send(Job::Error {
            path: shown.clone(),
            message: "no records: the file is empty".to_string(),
            missing_root: false,
        }),
        Ok(()) => open,
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
    cancel: &AtomicBool,
) -> Result<ScanOutcome, ScanError> {
    let mut outcome = ScanOutcome::default();
    let mut chunk: Vec<Job> = Vec::with_capacity(CHUNK);
    // Tagged but not yet reported: a chunk's jobs and their records.
    let mut pending: Option<(Vec<Job>, Vec<Record>)> = None;
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
        let mut records: Vec<Record> = Vec::new();
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
                    .map(|job| {
                        // Taken out and put back, not borrowed: a nested call on
                        // this thread would get fresh buffers, not a panic.
                        let mut scratch = WORKER_SCRATCH.take();
                        let record = process_job(engine, opts, job, &mut scratch);
                        WORKER_SCRATCH.set(scratch);
                        record
                    })
                    .collect();
            });
            reported = report_chunk(previous, &mut outcome, reporter);
        });
        reported?;
        let next = Vec::with_capacity(CHUNK);
        pending = Some((std::mem::replace(&mut chunk, next), records));
    }
}

thread_local! {
    /// Each pool thread's buffers, kept from chunk to chunk (a scan's pool lives
    /// as long as the scan), so a worker's buffers grow once, not once per chunk.
    static WORKER_SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Reports one tagged chunk, if any, in order, and flushes the reporter.
fn report_chunk(
    tagged: Option<(Vec<Job>, Vec<Record>)>,
    outcome: &mut ScanOutcome,
    reporter: &mut dyn Reporter,
) -> Result<(), ScanError> {
    let Some((jobs, records)) = tagged else {
        return Ok(());
    };
    for (job, r) in jobs.iter().zip(&records) {
        report_one(job, r, outcome, reporter)?;
    }
    reporter.flush()?;
    Ok(())
}

/// Reports one tagged job and counts it in `outcome`.
fn report_one(
    job: &Job,
    record: &Record,
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
    outcome.summary.add(record);
    reporter.record(record)?;
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

    fn engine() -> Engine {
        Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap()
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

    /// Issue 16: weights near `f64::MAX` (refused by the lexicon loader, but a
    /// `Lexicon` can be built in code) gave a label with a `null` score.
    #[test]
    fn a_non_finite_score_is_an_error_not_a_label() {
        let mut lex = Lexicon::embedded().unwrap();
        for a in &mut lex.axes {
            a.weight = 1e308;
        }
        for t in &mut lex.terms {
            t.weight = 1e308;
        }
        let e = Engine::new(lex, Thresholds::default()).unwrap();
        let text = "Run the service desk and the ERP for internal users; own the IT budget.";
        let r = e.tag_reader("p.txt", text.as_bytes(), &mut Scratch::default());
        match &r.outcome {
            Outcome::Failed(m) => assert!(m.contains("not a finite number"), "{m}"),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn explain_tags_exactly_like_tag_text_and_locates_every_hit() {
        for mask_titles in [false, true] {
            let e = engine().with_options(EngineOptions {
                mask_titles,
                ..EngineOptions::default()
            });
            let mut scratch = Scratch::default();
            let mut spans = 0;
            let mut paths = Vec::new();
            walk::walk(
                &[PathBuf::from("corpora/sample")],
                &WalkOptions::default(),
                |item| {
                    if let WalkItem::File(p) = item {
                        paths.push(p);
                    }
                    true
                },
            )
            .unwrap();
            for path in paths {
                let raw = std::fs::read_to_string(&path).unwrap();
                let x = e.explain_text(&raw);
                let t = e.tag_text(&raw, &mut scratch);
                assert_eq!(x.tagged.scores, t.scores, "{}", path.display());
                assert_eq!(x.tagged.tagging, t.tagging, "{}", path.display());
                let counted = x
                    .spans
                    .iter()
                    .filter(|s| s.status == Status::Counted)
                    .count();
                let tallied: u32 = t.scores.tallies.iter().map(|t| t.count).sum();
                assert_eq!(counted as u32, tallied, "{}", path.display());
                let mut last_end = 0;
                for s in &x.spans {
                    assert!(s.range.start >= last_end && s.range.start < s.range.end);
                    last_end = s.range.end;
                    // The located text is what the term matched: it normalises to a hit of the term.
                    let found = e.matcher().find(&NormText::new(&x.text[s.range.clone()]));
                    assert!(
                        found.iter().any(|h| h.term == s.term),
                        "{}: {:?} is not {}",
                        path.display(),
                        &x.text[s.range.clone()],
                        e.lexicon().terms[s.term].name
                    );
                }
                spans += x.spans.len();
            }
            assert!(spans > 300, "the sample corpus has many hits, got {spans}");
        }
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

    /// Most CSV and JSON exports flatten a posting's line breaks away: a
    /// posting's label must not depend on them. Every posting of `corpora/`,
    /// with its line breaks (and the spaces around them) turned into one space,
    /// keeps its label under the shipped settings, titles masked (the title line
    /// kept apart) or not.
    #[test]
    fn flattening_line_breaks_keeps_every_corpus_label() {
        fn files(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        files(Path::new("corpora"), &mut paths);
        assert!(paths.len() > 250, "{} postings", paths.len());
        let lex = Lexicon::embedded().unwrap();
        let thresholds = lex.thresholds;
        for mask_titles in [false, true] {
            let e = Engine::new(lex.clone(), thresholds)
                .unwrap()
                .with_options(EngineOptions {
                    mask_titles,
                    ..EngineOptions::default()
                });
            let mut scratch = Scratch::default();
            for path in &paths {
                let text = std::fs::read_to_string(path).unwrap();
                let flat = text
                    .split('\n')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(!flat.contains('\n'));
                // Masking takes a title-like first line away; exports carry the
                // title in a field of its own, so it keeps its line here.
                let flat = match (mask_titles, text.split_once('\n')) {
                    (true, Some((title, body))) => {
                        let body = body.split('\n').map(str::trim).collect::<Vec<_>>();
                        format!("{title}\n{}", body.join(" "))
                    }
                    _ => flat,
                };
                let lines = e.tag_text(&text, &mut scratch).tagging;
                let one = e.tag_text(&flat, &mut scratch).tagging;
                assert_eq!(
                    lines.label,
                    one.label,
                    "{} (titles masked: {mask_titles}): score {} with line breaks, {} without",
                    path.display(),
                    lines.score,
                    one.score
                );
            }
        }
    }

    /// Texts made of lexicon terms (both poles, core and context), negators,
    /// boilerplate and role headings, formulas, punctuation and filler: most
    /// hold several terms, some negated or in boilerplate.
    fn posting_like_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        static TERMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let terms = TERMS.get_or_init(|| {
            let lex = Lexicon::embedded().unwrap();
            (lex.terms.iter())
                .filter_map(|t| match &t.patterns[0] {
                    crate::engine::lexicon::Pattern::Literal(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        });
        let other: Vec<String> = [
            "no",
            "not",
            "without",
            "never",
            "is not required",
            ".",
            ",",
            ";",
            "\n",
            "\n\n",
            "\nBenefits\n",
            "\nAbout us\n",
            "\nResponsibilities\n",
            "\nRequirements:\n",
            "- ",
            "equal opportunity employer",
            "paid time off",
            "the",
            "team",
            "and",
            "we",
            "will",
            "own",
            "with",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let token = prop_oneof![
            3 => proptest::sample::select(terms.clone()),
            2 => proptest::sample::select(other),
        ];
        proptest::collection::vec(token, 0..60).prop_map(|words| words.join(" "))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Any text gets a score in [-1, 1] and a confidence in [0, 1], and adding
        /// CTO evidence never lowers the score (it may leave it unchanged, when
        /// the new words land in boilerplate).
        #[test]
        fn cto_evidence_never_lowers_the_score(text in posting_like_text(), extra in 1usize..4) {
            static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
            let e = ENGINE.get_or_init(|| {
                let lex = Lexicon::embedded().unwrap();
                let th = lex.thresholds;
                Engine::new(lex, th).unwrap()
            });
            let mut scratch = Scratch::default();
            let before = e.tag_text(&text, &mut scratch);
            let b = before.tagging;
            proptest::prop_assert!((-1.0..=1.0).contains(&b.score));
            proptest::prop_assert!((0.0..=1.0).contains(&b.confidence));
            let more = format!("{text}\n\n{}", "We ship product engineering work. ".repeat(extra));
            let after = e.tag_text(&more, &mut scratch);
            let ignored = |t: &Tagged| t.scores.ignored.iter().map(|i| i.2).sum::<u32>();
            proptest::prop_assert!(after.scores.total.cto > before.scores.total.cto
                || ignored(&after) > ignored(&before),
                "the added CTO terms neither counted nor were ignored");
            proptest::prop_assert!(after.tagging.score >= b.score - 1e-12,
                "{} -> {}", b.score, after.tagging.score);
        }
    }

    /// The strategy above does produce what the property is about.
    #[test]
    fn posting_like_texts_hold_terms_of_both_poles() {
        use proptest::strategy::{Strategy, ValueTree};
        let lex = Lexicon::embedded().unwrap();
        let th = lex.thresholds;
        let e = Engine::new(lex, th).unwrap();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut both, mut ignored) = (0, 0);
        for _ in 0..200 {
            let text = posting_like_text().new_tree(&mut runner).unwrap().current();
            let t = e.tag_text(&text, &mut Scratch::default());
            both += usize::from(t.scores.total.cio > 0.0 && t.scores.total.cto > 0.0);
            ignored += usize::from(!t.scores.ignored.is_empty());
        }
        assert!(
            both > 100,
            "{both} of 200 texts have evidence on both sides"
        );
        assert!(ignored > 50, "{ignored} of 200 texts have ignored hits");
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
        let got = consume(&e, &ScanOptions::default(), &pool, &rx, &mut rep, &cancel);
        assert!(matches!(got, Err(ScanError::Interrupted)), "{got:?}");
    }
}
