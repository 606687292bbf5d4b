//! The pipeline: read -> normalise -> match -> score -> label, for one posting or a whole walk.
//!
//! [`Engine`] is built once (lexicon, matcher, thresholds) and shared by
//! reference with every worker. [`Engine::tag_text`] is pure; [`Engine::tag_path`]
//! reads a file. [`scan`] streams a walk through a rayon pool in chunks: each
//! chunk is tagged in parallel, then written in input order before the next
//! one starts, so the report is the same whatever the thread count and memory
//! does not grow with the corpus. Per-file problems become records, never errors.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::input::{self, ReadError, ReadOptions};
use crate::label::{self, Thresholds};
use crate::lexicon::Lexicon;
use crate::matcher::{BuildError, Hit, MatchScratch, Matcher};
use crate::normalize::NormText;
use crate::report::{Outcome, Record, Reporter, Summary, Tagged};
use crate::score;
use crate::walk::{self, GlobError, WalkItem, WalkOptions};

/// Postings tagged per parallel chunk: large enough to keep every core busy,
/// small enough that results stream and memory stays flat.
pub const CHUNK: usize = 512;

/// Lexicon, compiled matcher, thresholds and read options: everything needed to tag.
#[derive(Debug)]
pub struct Engine {
    lexicon: Lexicon,
    matcher: Matcher,
    thresholds: Thresholds,
    read: ReadOptions,
}

/// Per-worker buffers, reused from posting to posting.
#[derive(Debug, Default)]
pub struct Scratch {
    bytes: Vec<u8>,
    norm: NormText,
    hits: Vec<Hit>,
    matching: MatchScratch,
}

impl Engine {
    /// Compiles `lexicon` and fixes the thresholds.
    ///
    /// # Errors
    /// When the matcher cannot be built (see [`BuildError`]).
    pub fn new(lexicon: Lexicon, thresholds: Thresholds) -> Result<Engine, BuildError> {
        let matcher = Matcher::new(&lexicon)?;
        Ok(Engine {
            lexicon,
            matcher,
            thresholds,
            read: ReadOptions::default(),
        })
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
        scratch.norm.refill(raw);
        let text = scratch.norm.as_str();
        self.matcher
            .find_into(text, &mut scratch.matching, &mut scratch.hits);
        let scores = score::score(&self.lexicon, &scratch.hits, text, scratch.norm.words());
        Tagged {
            tagging: label::tag(&scores, &self.thresholds),
            scores,
        }
    }

    /// Reads and tags the file at `path`; problems become a failed or skipped record.
    pub fn tag_path(&self, path: &Path, scratch: &mut Scratch) -> Record {
        let mut bytes = std::mem::take(&mut scratch.bytes);
        let shown = path.display().to_string();
        let record = match input::read_path(path, &self.read, &mut bytes) {
            Ok(posting) => self.tagged_record(shown, &posting.text, posting.warnings, scratch),
            Err(e) => failed_record(shown, &e),
        };
        scratch.bytes = bytes;
        record
    }

    /// Reads and tags everything from `reader` as one posting called `name`.
    pub fn tag_reader(&self, name: &str, reader: impl io::Read, scratch: &mut Scratch) -> Record {
        let mut bytes = std::mem::take(&mut scratch.bytes);
        let record = match input::read_from(reader, &mut bytes) {
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
        Record {
            path,
            outcome: Outcome::Tagged(Box::new(self.tag_text(text, scratch))),
            warnings,
        }
    }
}

fn failed_record(path: String, e: &ReadError) -> Record {
    let outcome = if e.is_skip() {
        Outcome::Skipped(e.to_string())
    } else {
        Outcome::Failed(e.to_string())
    };
    Record {
        path,
        outcome,
        warnings: Vec::new(),
    }
}

/// How to scan.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// How to walk the roots.
    pub walk: WalkOptions,
    /// Worker threads (0: one per core).
    pub threads: usize,
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
    /// Writing the report failed (a closed pipe, a full disk).
    #[error("cannot write the report: {0}")]
    Output(#[from] io::Error),
    /// `cancel` was set (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
}

/// Walks `roots`, tags every posting and hands each record, in walk order, to `reporter`.
///
/// Checks `cancel` between chunks. The reporter is not finished here.
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| ScanError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    let (tx, rx) = mpsc::sync_channel::<WalkItem>(CHUNK * 2);
    std::thread::scope(|s| {
        let walk_opts = &opts.walk;
        let walker = s.spawn(move || walk::walk(roots, walk_opts, |item| tx.send(item).is_ok()));
        let result = consume(engine, &pool, &rx, reporter, cancel);
        drop(rx); // unblocks the walker if we stopped early
        let walked = walker.join().unwrap_or(Ok(()));
        let outcome = result?;
        walked?;
        Ok(outcome)
    })
}

fn consume(
    engine: &Engine,
    pool: &rayon::ThreadPool,
    rx: &mpsc::Receiver<WalkItem>,
    reporter: &mut dyn Reporter,
    cancel: &AtomicBool,
) -> Result<ScanOutcome, ScanError> {
    let mut outcome = ScanOutcome::default();
    let mut chunk: Vec<WalkItem> = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        chunk.extend(rx.iter().take(CHUNK));
        if chunk.is_empty() {
            return Ok(outcome);
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(ScanError::Interrupted);
        }
        let records: Vec<Record> = pool.install(|| {
            chunk
                .par_iter()
                .map_init(Scratch::default, |scratch, item| {
                    process_item(engine, item, scratch)
                })
                .collect()
        });
        for (item, r) in chunk.iter().zip(&records) {
            outcome.missing_root |= matches!(
                item,
                WalkItem::Error {
                    missing_root: true,
                    ..
                }
            );
            outcome.summary.add(r);
            reporter.record(r)?;
        }
    }
}

fn process_item(engine: &Engine, item: &WalkItem, scratch: &mut Scratch) -> Record {
    match item {
        WalkItem::File(path) => engine.tag_path(path, scratch),
        WalkItem::Error { path, message, .. } => Record {
            path: path.display().to_string(),
            outcome: Outcome::Failed(message.clone()),
            warnings: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Context, JsonLines};

    fn engine() -> Engine {
        Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap()
    }

    fn scan_to_string(roots: &[PathBuf], threads: usize) -> (String, ScanOutcome) {
        let e = engine();
        let cx = Context {
            lexicon: e.lexicon(),
            thresholds: e.thresholds(),
            color: false,
            top: 5,
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

    #[test]
    fn cancel_stops_the_scan() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.txt"), "erp").unwrap();
        let e = engine();
        let cx = Context {
            lexicon: e.lexicon(),
            thresholds: e.thresholds(),
            color: false,
            top: 5,
        };
        let mut rep = JsonLines::new(Vec::new(), cx);
        let cancel = AtomicBool::new(true);
        let roots = [d.path().to_path_buf()];
        let got = scan(&e, &roots, &ScanOptions::default(), &mut rep, &cancel);
        assert!(matches!(got, Err(ScanError::Interrupted)));
    }
}
