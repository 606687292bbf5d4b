//! Reports: records of tagged (or failed) postings written in one of several formats.
//!
//! Input is a stream of [`Record`]s, in order, then a [`Summary`]; output is
//! bytes on a `Write`. Every format implements [`Reporter`] and lives in a file
//! of its own: `jsonl` (the machine contract, one object per posting), `json`
//! (a header with provenance, the postings, a summary), `csv` (flat columns),
//! `table` (one greppable line per posting), `long` (a block per posting for
//! people) and `html` (one self-contained page with charts and a table). Numbers
//! are rounded here, at the boundary, and nowhere else.
//! [`explain`] renders `roletag explain`; [`file`](mod@file) reads a report back into postings.
//! Uses the engine (labels, scores, the lexicon) and input; never the scan above it.
//!
//! The JSON object of a posting has, in order: `schema_version` ([`SCHEMA_VERSION`]), `path`
//! (then `path_bytes`, the raw bytes of a path that is not valid UTF-8; then `record` and `id`
//! for a record of a JSON/JSONL/CSV file, `expected` when a label field was
//! read, and `fields` with `--keep-field`), `label`, `score`, `confidence`, `cio`, `cto`, `core_evidence`, `axes`
//! (`{axis: {cio, cto}}`), `evidence` (`[{term, axis, pole, count, weight,
//! contribution, context}]`, strongest first), `words`, `coverage`, and
//! `warnings` when there are any. A posting that
//! could not be tagged has `path` and `error` (and `skipped: true` when it was
//! skipped on purpose, such as a binary file) and no `label`.

mod bars;
mod csv;
pub mod explain;
pub mod file;
mod html;
mod json;
mod json_writer;
mod long;
mod table;

use std::io::{self, Write};

use crate::engine::label::{Label, Thresholds};
use crate::engine::lexicon::Lexicon;
use crate::engine::score::{Scores, TermTally};

pub use self::csv::Csv;
pub use self::html::Html;
pub use self::json::{Json, JsonLines};
pub use self::long::Long;
pub use self::table::Table;
pub use crate::engine::tagger::Tagged;

/// The version of the JSON report's structure, carried as `schema_version` by every
/// posting object and by the `--format json` header. It goes up when a field changes
/// meaning or goes away; new fields do not change it. `schema/report.schema.json`
/// describes it.
pub const SCHEMA_VERSION: u32 = 1;

/// The roletag version that writes reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One posting's outcome, as reported.
#[derive(Clone, Debug)]
pub struct Record {
    /// Where the posting came from (`<stdin>` for standard input); lossy when
    /// the file name is not valid UTF-8 (see [`Record::path_bytes`]).
    pub path: String,
    /// The path's raw bytes, only when it is not valid UTF-8 (Unix): `path`
    /// alone would give `bad\xff.txt` and `bad\xfe.txt` the same name.
    pub path_bytes: Option<Vec<u8>>,
    /// For a record of a JSON/JSONL/CSV file: its 0-based position in the file.
    pub record: Option<u64>,
    /// For a record of a JSON/JSONL/CSV file: its id field, when it has one.
    pub id: Option<String>,
    /// The expected label read from `--label-field`, when asked for.
    pub expected: Option<String>,
    /// The group read from `--group-field` (eval and calibrate only; not reported).
    pub group: Option<String>,
    /// Tagged, failed or skipped.
    pub outcome: Outcome,
    /// Problems that did not stop tagging.
    pub warnings: Vec<String>,
    /// The values of [`Context::keep_fields`] for a record of a file, in order;
    /// empty for a document.
    pub fields: Vec<Option<String>>,
    /// For a record of a file, its `title` field: shown by the HTML report, not
    /// written to JSON or CSV (use `--keep-field title` there).
    pub title: Option<String>,
}

/// What happened to a posting.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Tagged.
    Tagged(Box<Tagged>),
    /// Could not be tagged; the message says why.
    Failed(String),
    /// Skipped on purpose (a binary file); the message says why.
    Skipped(String),
}

impl Record {
    /// A record for the file (or stream) at `path`.
    pub fn new(path: String, outcome: Outcome, warnings: Vec<String>) -> Record {
        Record {
            path,
            path_bytes: None,
            record: None,
            id: None,
            expected: None,
            group: None,
            outcome,
            warnings,
            fields: Vec::new(),
            title: None,
        }
    }

    /// A record for the file at `path`, its name kept lossless (see [`ShownPath`]).
    pub fn at(path: &ShownPath, outcome: Outcome, warnings: Vec<String>) -> Record {
        let mut r = Record::new(path.text.clone(), outcome, warnings);
        r.set_path_bytes(path);
        r
    }

    /// Keeps `path`'s raw bytes when it is not valid UTF-8, with a warning.
    pub fn set_path_bytes(&mut self, path: &ShownPath) {
        if let Some(bytes) = &path.bytes {
            self.path_bytes = Some(bytes.to_vec());
            self.warnings.push(NON_UTF8_PATH.to_string());
        }
    }

    /// How people see where it came from: the path, and `#N` for a record of a
    /// file; control characters escaped (see [`escape_controls`]).
    pub fn display_path(&self) -> String {
        let path = escape_controls(&self.path);
        match self.record {
            Some(n) => format!("{path}#{n}"),
            None => path.into_owned(),
        }
    }

    /// The label, when the posting was tagged.
    pub fn label(&self) -> Option<Label> {
        match &self.outcome {
            Outcome::Tagged(t) => Some(t.tagging.label),
            _ => None,
        }
    }
}

/// The warning of a posting whose path is not valid UTF-8.
pub(crate) const NON_UTF8_PATH: &str = "file name is not valid UTF-8";

/// A path as reports give it: text, and its raw bytes when that text is lossy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShownPath {
    /// The path as text (`\u{fffd}` for bytes that are not UTF-8).
    pub text: String,
    /// The raw bytes, only when the path is not valid UTF-8 (Unix only: elsewhere
    /// an OS path has no bytes of its own to give).
    pub bytes: Option<std::sync::Arc<[u8]>>,
}

impl ShownPath {
    /// The path of a file.
    pub fn of(path: &std::path::Path) -> ShownPath {
        ShownPath {
            text: path.display().to_string(),
            bytes: raw_bytes(path),
        }
    }

    /// A name that is text already (`<stdin>`).
    pub fn plain(text: &str) -> ShownPath {
        ShownPath {
            text: text.to_string(),
            bytes: None,
        }
    }
}

#[cfg(unix)]
fn raw_bytes(path: &std::path::Path) -> Option<std::sync::Arc<[u8]>> {
    use std::os::unix::ffi::OsStrExt;
    match path.to_str() {
        Some(_) => None,
        None => Some(path.as_os_str().as_bytes().into()),
    }
}

#[cfg(not(unix))]
fn raw_bytes(_: &std::path::Path) -> Option<std::sync::Arc<[u8]>> {
    None
}

/// `text` with control characters escaped as Rust writes them (`\n`, `\u{1b}`),
/// so that a file name cannot break a line or colour a terminal. Backslashes
/// are left alone: they are ordinary in names, and paths on Windows.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A path's raw bytes for people, lossless: UTF-8 as it is (control characters
/// escaped, as by [`escape_controls`]) and every other byte as `\xff`, so that
/// `bad\xff.txt` and `bad\xfe.txt` read apart where `path` shows both as
/// `bad\u{fffd}.txt`.
pub(crate) fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape_controls(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Counts over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Postings per label, in [`Label::ALL`] order.
    pub labels: [u64; 4],
    /// Postings that could not be tagged.
    pub failed: u64,
    /// Inputs skipped on purpose.
    pub skipped: u64,
}

impl Summary {
    /// Counts one record.
    pub fn add(&mut self, r: &Record) {
        match &r.outcome {
            Outcome::Tagged(t) => {
                let i = Label::ALL.iter().position(|l| *l == t.tagging.label);
                self.labels[i.unwrap_or(3)] += 1;
            }
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Skipped(_) => self.skipped += 1,
        }
    }

    /// Adds another run's counts to these.
    pub fn merge(&mut self, other: &Summary) {
        for (a, b) in self.labels.iter_mut().zip(other.labels) {
            *a += b;
        }
        self.failed += other.failed;
        self.skipped += other.skipped;
    }

    /// Postings tagged.
    pub fn tagged(&self) -> u64 {
        self.labels.iter().sum()
    }

    /// Every input counted: tagged, failed and skipped.
    pub fn inputs(&self) -> u64 {
        self.tagged() + self.failed + self.skipped
    }

    /// Count for one label.
    pub fn count(&self, label: Label) -> u64 {
        Label::ALL
            .iter()
            .position(|l| *l == label)
            .map_or(0, |i| self.labels[i])
    }

    /// One line for people: `12 inputs: 3 cio-like, ...; 1 failed, 0 skipped`.
    pub fn line(&self) -> String {
        let labels: Vec<String> = Label::ALL
            .iter()
            .map(|l| format!("{} {l}", self.count(*l)))
            .collect();
        format!(
            "{}: {}; {} failed, {} skipped",
            counted(self.inputs(), "input"),
            labels.join(", "),
            self.failed,
            self.skipped
        )
    }
}

/// Everything a reporter needs besides the records.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The lexicon that produced the records (axis and term names, provenance).
    pub lexicon: &'a Lexicon,
    /// The thresholds in force.
    pub thresholds: Thresholds,
    /// Whether to colour human output.
    pub color: bool,
    /// How many evidence terms human formats show per posting.
    pub top: usize,
    /// Record fields carried into the report (`--keep-field`): a `fields`
    /// object on every JSON posting (`null` where a posting has no value), a
    /// `fields.NAME` column in CSV.
    pub keep_fields: &'a [String],
}

/// A sink for records in one output format.
pub trait Reporter {
    /// Writes one record.
    ///
    /// # Errors
    /// The writer's I/O error.
    fn record(&mut self, r: &Record) -> io::Result<()>;

    /// Writes whatever ends the report (a summary, a closing bracket) and flushes.
    ///
    /// # Errors
    /// The writer's I/O error.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;

    /// Pushes what is buffered to the writer; called after every chunk of a scan,
    /// so a stream of postings gets its results as they are tagged.
    ///
    /// # Errors
    /// The writer's I/O error.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Writes one record that the [`Render`] of this reporter's format and
    /// context ([`renderer`]) already formatted as `rendered`, on a scan's worker
    /// thread. A reporter without a renderer ignores `rendered` and formats the
    /// record itself, which is the default.
    ///
    /// # Errors
    /// The writer's I/O error.
    fn record_rendered(&mut self, r: &Record, rendered: &[u8]) -> io::Result<()> {
        let _ = rendered;
        self.record(r)
    }
}

/// Formats records for a reporter ahead of it, on the worker threads of a scan
/// ([`crate::scan::scan_rendered`]), so that the one thread that writes the
/// report only copies bytes.
pub trait Render: Sync {
    /// Appends `r` to `out` exactly as the reporter it was made for writes it
    /// from [`Reporter::record`].
    fn render(&self, r: &Record, out: &mut Vec<u8>);
}

/// The [`Render`] of the reporter for `format` with context `cx`, for the
/// formats that have one (JSON Lines and JSON).
pub fn renderer<'a>(format: Format, cx: Context<'a>) -> Option<Box<dyn Render + 'a>> {
    match format {
        Format::JsonLines | Format::Json => Some(Box::new(json::LineRender::new(cx))),
        Format::Table | Format::Long | Format::Csv | Format::Html => None,
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One aligned line per posting.
    Table,
    /// A block per posting with axes and evidence.
    Long,
    /// One JSON object per line.
    JsonLines,
    /// One JSON document with header, postings and summary.
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// One self-contained HTML page: charts, top terms, a table of postings.
    Html,
}

/// Makes the reporter for `format`, writing to `out`.
pub fn reporter<'a, W: Write + 'a>(
    format: Format,
    out: W,
    cx: Context<'a>,
) -> io::Result<Box<dyn Reporter + 'a>> {
    Ok(match format {
        Format::Table => Box::new(Table::new(out, cx)?),
        Format::Long => Box::new(Long::new(out, cx)),
        Format::JsonLines => Box::new(JsonLines::new(out, cx)),
        Format::Json => Box::new(Json::new(out, cx)?),
        Format::Csv => Box::new(Csv::new(out, cx)?),
        Format::Html => Box::new(Html::new(out, cx)),
    })
}

/// The format of a roletag report, told from the start of a file: `jsonl`,
/// `json`, `csv` or `html`; `None` for anything else (postings). Each is the
/// exact start that format's reporter writes, so postings are never taken
/// for a report. The `table` format is text for people and is not recognised.
pub(crate) fn report_format(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"{\"schema_version\":")
        && memchr::memmem::find(head, b",\"path\":").is_some()
    {
        Some("jsonl")
    } else if head.starts_with(b"{\"roletag\":{\"schema_version\":") {
        Some("json")
    } else if head.starts_with(b"path,label,score,confidence,cio,cto,words,coverage,") {
        Some("csv")
    } else if head.starts_with(b"<!DOCTYPE html>")
        && memchr::memmem::find(head, b"<meta name=\"generator\" content=\"roletag ").is_some()
    {
        Some("html")
    } else {
        None
    }
}

/// `n` and the noun, plural unless `n` is 1: `1 input`, `284 inputs`. For
/// counts printed for people (issue 16: "1 inputs"); nouns here are regular.
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Rounds to 4 decimals, as every number of a report is; never gives `-0`.
///
/// A report's JSON numbers read back as exactly these values, which is how the
/// Python package builds its dicts without going through JSON.
pub fn round4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The matched terms of a posting with their contributions (unrounded), strongest
/// contribution first (ties by term name): the order of a report's `evidence`.
pub fn evidence<'s>(cx: &Context<'_>, scores: &'s Scores) -> Vec<(&'s TermTally, f64)> {
    let mut ev: Vec<(&TermTally, f64)> = scores
        .tallies
        .iter()
        .map(|t| (t, scores.contribution(cx.lexicon, t)))
        .collect();
    ev.sort_by(|a, b| {
        b.1.abs().total_cmp(&a.1.abs()).then_with(|| {
            cx.lexicon.terms[a.0.term]
                .name
                .cmp(&cx.lexicon.terms[b.0.term].name)
        })
    });
    ev
}

#[cfg(test)]
mod tests;
