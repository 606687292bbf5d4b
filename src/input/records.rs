//! Record files: JSON, JSON Lines, CSV and TSV exports where each record is a posting.
//!
//! Input is a byte stream and [`FieldOptions`] (which fields hold the text, the
//! id and an expected label); output is a stream of [`Item`]s in file order, one
//! per record: already extracted ([`Item::Posting`]), a raw JSON line left for a
//! worker thread to parse ([`Item::Line`], so JSONL parsing runs in parallel), or
//! a per-record error ([`Item::Failed`]: a malformed line or row, a record with no
//! text field). One bad record never stops the file. JSON lines and CSV rows
//! longer than `max_bytes` (and JSON files larger) are skipped with an error
//! instead of being read into memory.
//! This module does no matching and does not walk folders.

use std::io::{self, BufRead, Read};
use std::path::Path;

use serde_json::Value;

/// Body fields tried, in order, when no `--text-field` is given.
pub const DEFAULT_BODY_FIELDS: [&str; 8] = [
    "description",
    "job_description",
    "text",
    "body",
    "content",
    "posting",
    "summary",
    "descriptionPlain",
];
/// The title field joined before the body when no `--text-field` is given.
pub const DEFAULT_TITLE_FIELD: &str = "title";
/// Id fields tried, in order, when no `--id-field` is given.
pub const DEFAULT_ID_FIELDS: [&str; 6] = ["id", "job_id", "posting_id", "uuid", "_id", "req_id"];

/// True when `head`, the start of a stream, opens with a line that is a whole
/// JSON object: records (JSON Lines, or one JSON record), not a posting's text.
/// `head` should hold at least the first non-blank line; one cut short is not
/// JSON, so the answer is then false. `head -3 postings.jsonl | roletag tag` used
/// to tag three records as one posting without a word (issue 16).
pub fn starts_with_json_record(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = text.trim_ascii_start();
    if text.first() != Some(&b'{') {
        return false;
    }
    let line = memchr::memchr(b'\n', text).map_or(text, |end| &text[..end]);
    serde_json::from_slice::<serde_json::Map<String, Value>>(line).is_ok()
}

/// A record format, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// `.jsonl`, `.ndjson`: one JSON object a line.
    JsonLines,
    /// `.json`: one object, or an array of objects.
    Json,
    /// `.csv`: a header row, then one posting a row (quoted newlines allowed).
    Csv,
    /// `.tsv`: as CSV, tab-separated.
    Tsv,
}

/// How a record file is compressed, by its last extension: `.gz` or `.zst`
/// after the record extension (`postings.jsonl.gz`, `export.csv.zst`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip (`.gz`), several members read one after another.
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// The compression of `path` by its last extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Compression> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "gz" => Some(Compression::Gzip),
            "zst" => Some(Compression::Zstd),
            _ => None,
        }
    }
}

/// Opens a record file, decompressing a `.gz` or `.zst` one as it is read.
///
/// # Errors
/// Opening the file, or starting the Zstandard decoder.
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let file = std::fs::File::open(path)?;
    Ok(match Compression::from_path(path) {
        None => Box::new(file),
        Some(Compression::Gzip) => Box::new(flate2::read::MultiGzDecoder::new(file)),
        Some(Compression::Zstd) => Box::new(zstd::stream::read::Decoder::new(file)?),
    })
}

impl RecordFormat {
    /// The record format of `path` by extension (case-insensitive), if it is one;
    /// a `.gz` or `.zst` after it is looked through (`postings.jsonl.gz`).
    pub fn from_path(path: &Path) -> Option<RecordFormat> {
        let path = match Compression::from_path(path) {
            Some(_) => Path::new(path.file_stem()?),
            None => path,
        };
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        RecordFormat::from_name(&ext)
    }

    /// `jsonl`/`ndjson`, `json`, `csv`, `tsv`.
    pub fn from_name(name: &str) -> Option<RecordFormat> {
        match name {
            "jsonl" | "ndjson" => Some(RecordFormat::JsonLines),
            "json" => Some(RecordFormat::Json),
            "csv" => Some(RecordFormat::Csv),
            "tsv" => Some(RecordFormat::Tsv),
            _ => None,
        }
    }
}

/// Which fields of a record hold what.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldOptions {
    /// Fields joined (blank line between) into the posting text. Empty: the
    /// `title` field if present, then the first of [`DEFAULT_BODY_FIELDS`].
    pub text_fields: Vec<String>,
    /// The id field. `None`: the first of [`DEFAULT_ID_FIELDS`] present.
    pub id_field: Option<String>,
    /// A field holding an expected label (for `roletag eval`).
    pub label_field: Option<String>,
    /// A field naming the posting's group, such as its source (for the per-group
    /// tables of `roletag eval` and the leave-one-group-out folds of `calibrate`).
    pub group_field: Option<String>,
    /// Fields carried into the report as they are (`--keep-field`), in this order.
    pub keep_fields: Vec<String>,
}

/// Where a record sits in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 0-based record number (blank lines are not records): a pandas row index.
    pub index: u64,
    /// 1-based line where the record starts.
    pub line: u64,
}

/// One record's posting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    /// Where it is.
    pub at: Position,
    /// The record's id, if it has one.
    pub id: Option<String>,
    /// The posting text.
    pub text: String,
    /// The expected label, when a label field was asked for and present.
    pub expected: Option<String>,
    /// The group field's value, when a group field was asked for and present.
    pub group: Option<String>,
    /// The value of each of [`FieldOptions::keep_fields`], in order (`None`:
    /// the record has no such field).
    pub kept: Vec<Option<String>>,
    /// The record's `title` field, whatever fields the text came from: for
    /// people to tell records apart (the HTML report), not part of the JSON.
    pub title: Option<String>,
}

/// One record of a file, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A record whose fields are extracted.
    Posting(Posting),
    /// A JSON line not yet parsed (see [`parse_json_line`]).
    Line {
        /// Where it is.
        at: Position,
        /// The line's bytes, without the line end.
        bytes: Vec<u8>,
    },
    /// A record that could not be read.
    Failed {
        /// Where it is.
        at: Position,
        /// Its id, when it could still be found.
        id: Option<String>,
        /// What is wrong.
        message: String,
    },
}

/// Reads every record of `reader` in `format`, handing each to `sink` (stop by returning false).
///
/// # Errors
/// Only an I/O error of the reader itself; malformed records become [`Item::Failed`].
pub fn read(
    reader: impl Read,
    format: RecordFormat,
    fields: &FieldOptions,
    max_bytes: u64,
    sink: impl FnMut(Item) -> bool,
) -> io::Result<()> {
    match format {
        RecordFormat::JsonLines => read_lines(
            io::BufReader::with_capacity(1 << 16, reader),
            max_bytes,
            sink,
        ),
        RecordFormat::Json => read_json(reader, fields, max_bytes, sink),
        RecordFormat::Csv => read_csv(reader, b',', fields, max_bytes, sink),
        RecordFormat::Tsv => read_csv(reader, b'\t', fields, max_bytes, sink),
    }
}

/// Parses one JSON line into a posting, or says what is wrong with it.
pub fn parse_json_line(at: Position, bytes: &[u8], fields: &FieldOptions) -> Item {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => from_value(at, &v, fields),
        Err(e) => Item::Failed {
            at,
            id: None,
            message: format!("line {}: invalid JSON: {}", at.line, json_reason(&e)),
        },
    }
}

/// serde_json's message with its position made relative to the file: the
/// record's own "line 1" would mislead, so only the column is kept.
fn json_reason(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
    format!("{msg} (column {})", e.column())
}

fn read_lines(
    r: impl BufRead,
    max_bytes: u64,
    mut sink: impl FnMut(Item) -> bool,
) -> io::Result<()> {
    let mut lines = Lines::new(r, max_bytes);
    while let Some(item) = lines.next_item()? {
        if !sink(item) {
            break;
        }
    }
    Ok(())
}

/// The records of a JSON Lines reader, one at a time: what [`read`] hands its
/// sink for [`RecordFormat::JsonLines`], for a caller that pulls them (a scan's
/// workers, taking turns at one large file).
#[derive(Debug)]
pub struct Lines<R> {
    r: R,
    max_bytes: u64,
    /// Records read so far (blank lines are not records).
    index: u64,
    /// Lines read so far.
    line: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Records of `r`; a line longer than `max_bytes` fails alone.
    pub fn new(r: R, max_bytes: u64) -> Lines<R> {
        Lines {
            r,
            max_bytes,
            index: 0,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The next record: [`Item::Line`] (not yet parsed, see [`parse_json_line`])
    /// or [`Item::Failed`] for a line too long; `None` at the end.
    ///
    /// # Errors
    /// Only an I/O error of the reader itself.
    pub fn next_item(&mut self) -> io::Result<Option<Item>> {
        loop {
            self.buf.clear();
            self.line += 1;
            let (read, overflow) = read_line_capped(&mut self.r, &mut self.buf, self.max_bytes)?;
            if read == 0 {
                return Ok(None);
            }
            let line = self.line;
            let at = Position {
                index: self.index,
                line,
            };
            let item = if overflow {
                Item::Failed {
                    at,
                    id: None,
                    message: format!(
                        "line {line}: longer than --max-bytes ({}); skipped",
                        self.max_bytes
                    ),
                }
            } else {
                let trimmed = trim_line(&self.buf);
                if trimmed.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                Item::Line {
                    at,
                    bytes: trimmed.to_vec(),
                }
            };
            self.index += 1;
            return Ok(Some(item));
        }
    }
}

/// Reads one line into `buf` keeping at most `max` bytes; returns (bytes consumed, overflowed).
/// An overflowing line is consumed to its end but not kept (`buf` is left empty).
pub(crate) fn read_line_capped(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: u64,
) -> io::Result<(u64, bool)> {
    let (mut consumed, mut overflow) = (0u64, false);
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((consumed, overflow));
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !overflow {
            // The line end does not count toward the limit, whether or not there is
            // one: a last line without it was allowed one byte more (found by the
            // records_jsonl fuzz target; see docs/fuzzing.md).
            let content = take - usize::from(done);
            if (buf.len() + content) as u64 > max {
                overflow = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(take);
        consumed += take as u64;
        if done {
            return Ok((consumed, overflow));
        }
    }
}

fn trim_line(buf: &[u8]) -> &[u8] {
    let buf = buf.strip_suffix(b"\n").unwrap_or(buf);
    let buf = buf.strip_suffix(b"\r").unwrap_or(buf);
    buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf)
}

fn read_json(
    reader: impl Read,
    fields: &FieldOptions,
    max_bytes: u64,
    mut sink: impl FnMut(Item) -> bool,
) -> io::Result<()> {
    let mut bytes = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let first = Position { index: 0, line: 1 };
    if bytes.len() as u64 > max_bytes {
        let message = format!("JSON file larger than --max-bytes ({max_bytes})");
        sink(Item::Failed {
            at: first,
            id: None,
            message,
        });
        return Ok(());
    }
    let value: Value = match serde_json::from_slice(trim_line(&bytes)) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("invalid JSON: {e}");
            let at = Position {
                index: 0,
                line: e.line() as u64,
            };
            sink(Item::Failed {
                at,
                id: None,
                message,
            });
            return Ok(());
        }
    };
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let at = Position {
                    index: i as u64,
                    line: 1,
                };
                let item = if v.is_object() {
                    from_value(at, v, fields)
                } else {
                    Item::Failed {
                        at,
                        id: None,
                        message: format!("element {i} is not a JSON object"),
                    }
                };
                if !sink(item) {
                    break;
                }
            }
        }
        v @ Value::Object(_) => {
            sink(from_value(first, &v, fields));
        }
        _ => {
            let message = "JSON file is neither an object nor an array of objects".to_string();
            sink(Item::Failed {
                at: first,
                id: None,
                message,
            });
        }
    }
    Ok(())
}

/// Extracts a posting from a JSON object.
fn from_value(at: Position, v: &Value, fields: &FieldOptions) -> Item {
    let Some(obj) = v.as_object() else {
        return Item::Failed {
            at,
            id: None,
            message: format!("line {}: not a JSON object", at.line),
        };
    };
    // A name starting with `/` is a JSON Pointer (RFC 6901) into nested objects
    // and arrays: `/job/description`, `/meta/id`, `/tags/0`.
    let get = |name: &str| {
        if name.starts_with('/') {
            v.pointer(name)
        } else {
            obj.get(name)
        }
        .and_then(value_text)
    };
    let named = || {
        obj.iter()
            .filter(|(_, v)| value_text(v).is_some_and(|t| !crate::input::invisible::is_blank(&t)))
            .map(|(k, _)| k.as_str())
            .collect()
    };
    extract(at, get, named, fields)
}

/// Text of a JSON value: strings as they are, numbers and booleans printed,
/// arrays of those joined by newlines; null and objects have none.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(value_text).collect();
            (!parts.is_empty()).then(|| parts.join("\n"))
        }
        Value::Null | Value::Object(_) => None,
    }
}

/// The most field names [`extract`]'s error lists.
const NAMES_SHOWN: usize = 12;

/// Builds a posting from a field getter, the same way for JSON and CSV. `named`
/// lists the record's fields that hold text, for the error of a record that has
/// none where it was looked for: a `--text-field` typo then shows the names to
/// choose from.
fn extract<'a>(
    at: Position,
    get: impl Fn(&str) -> Option<String>,
    named: impl FnOnce() -> Vec<&'a str>,
    fields: &FieldOptions,
) -> Item {
    let id = match &fields.id_field {
        Some(f) => get(f),
        None => DEFAULT_ID_FIELDS.iter().find_map(|f| get(f)),
    };
    let expected = fields.label_field.as_deref().and_then(&get);
    let group = fields.group_field.as_deref().and_then(&get);
    let mut parts: Vec<String> = Vec::new();
    let looked_for: Vec<&str> = if fields.text_fields.is_empty() {
        parts.extend(get(DEFAULT_TITLE_FIELD));
        parts.extend(DEFAULT_BODY_FIELDS.iter().find_map(|f| get(f)));
        std::iter::once(DEFAULT_TITLE_FIELD)
            .chain(DEFAULT_BODY_FIELDS)
            .collect()
    } else {
        parts.extend(fields.text_fields.iter().filter_map(|f| get(f)));
        fields.text_fields.iter().map(String::as_str).collect()
    };
    parts.retain(|p| !crate::input::invisible::is_blank(p));
    if parts.is_empty() {
        let named = named();
        let here = match named.len() {
            0 => "no field here has text".to_string(),
            n => {
                let mut list = named[..n.min(NAMES_SHOWN)].join(", ");
                if n > NAMES_SHOWN {
                    list.push_str(&format!(" and {} more", n - NAMES_SHOWN));
                }
                format!("fields with text here: {list}")
            }
        };
        let message = format!(
            "line {}: record has no text in any of the fields {} (choose with --text-field; {here})",
            at.line,
            looked_for.join(", ")
        );
        return Item::Failed { at, id, message };
    }
    Item::Posting(Posting {
        at,
        id,
        text: parts.join("\n\n"),
        expected,
        group,
        kept: fields.keep_fields.iter().map(|f| get(f)).collect(),
        title: get(DEFAULT_TITLE_FIELD),
    })
}

fn read_csv(
    reader: impl Read,
    delimiter: u8,
    fields: &FieldOptions,
    max_bytes: u64,
    mut sink: impl FnMut(Item) -> bool,
) -> io::Result<()> {
    let mut rows = CsvRows::new(reader, delimiter, max_bytes);
    let header: Vec<String> = match rows.next_row()? {
        None => return Ok(()), // no header row: no records
        Some(row) if row.overflow => {
            let at = Position { index: 0, line: 1 };
            let message =
                format!("cannot read the header row: longer than --max-bytes ({max_bytes})");
            sink(Item::Failed {
                at,
                id: None,
                message,
            });
            return Ok(());
        }
        Some(_) => (0..rows.len())
            .map(|i| String::from_utf8_lossy(rows.field(i)).trim().to_string())
            .collect(),
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut index = 0u64;
    while let Some(row) = rows.next_row()? {
        let at = Position {
            index,
            line: row.line,
        };
        let item = if row.overflow {
            let message = format!(
                "line {}: row longer than --max-bytes ({max_bytes}); skipped",
                row.line
            );
            Item::Failed {
                at,
                id: None,
                message,
            }
        } else if rows.len() != header.len() {
            let message = format!(
                "line {}: malformed row: {} fields where the header has {}",
                row.line,
                rows.len(),
                header.len()
            );
            Item::Failed {
                at,
                id: None,
                message,
            }
        } else {
            let get = |name: &str| {
                let s = String::from_utf8_lossy(rows.field(column(name)?)).into_owned();
                (!crate::input::invisible::is_blank(&s)).then_some(s)
            };
            let named = || {
                let has_text =
                    |i| !crate::input::invisible::is_blank(&String::from_utf8_lossy(rows.field(i)));
                (0..header.len())
                    .filter(|&i| has_text(i))
                    .map(|i| header[i].as_str())
                    .collect()
            };
            extract(at, get, named, fields)
        };
        index += 1;
        if !sink(item) {
            return Ok(());
        }
    }
    Ok(())
}

/// A CSV row just read by [`CsvRows::next_row`].
#[derive(Clone, Copy, Debug)]
struct CsvRow {
    /// The line the `csv` crate would report for it: where the previous row ended.
    line: u64,
    /// Its unquoted bytes plus field separators passed `max_bytes`; its fields
    /// were not kept.
    overflow: bool,
}

/// CSV rows streamed through `csv_core` into buffers that never grow past
/// `max_bytes`, so one enormous row (a 1 GB line, a quote never closed) is
/// skipped in constant memory instead of being loaded. Quoting, line ends, a
/// leading BOM and blank lines follow the `csv` crate's defaults.
struct CsvRows<R> {
    input: io::BufReader<R>,
    core: csv_core::Reader,
    max: usize,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    line: u64,
    done: bool,
}

impl<R: Read> CsvRows<R> {
    fn new(reader: R, delimiter: u8, max_bytes: u64) -> CsvRows<R> {
        CsvRows {
            input: io::BufReader::with_capacity(64 * 1024, reader),
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            max: usize::try_from(max_bytes).unwrap_or(usize::MAX),
            bytes: vec![0; 1024],
            ends: vec![0; 64],
            len: 0,
            line: 1,
            done: false,
        }
    }

    /// The `i`th field of the last row read (not meaningful after an overflow).
    fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// The number of fields of the last row read.
    fn len(&self) -> usize {
        self.len
    }

    /// Reads the next row; `None` at the end of the input.
    fn next_row(&mut self) -> io::Result<Option<CsvRow>> {
        use csv_core::ReadRecordResult as R;
        if self.done {
            return Ok(None);
        }
        let row_line = self.line;
        let (mut nbytes, mut nends, mut overflow) = (0usize, 0usize, false);
        loop {
            let input = loop {
                match self.input.fill_buf() {
                    Ok(b) => break b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.bytes[nbytes..], &mut self.ends[nends..]);
            self.input.consume(nin);
            self.line = self.core.line();
            nbytes += nout;
            nends += nend;
            match res {
                R::InputEmpty => {}
                // Full buffers at their caps mean the row is over the limit.
                R::OutputFull if overflow || self.bytes.len() > self.max => {
                    overflow = true;
                    nbytes = 0; // keep reading the row, dropping what it holds
                }
                R::OutputFull => {
                    let grown = self.bytes.len().saturating_mul(2);
                    self.bytes.resize(grown.min(self.max.saturating_add(1)), 0);
                }
                R::OutputEndsFull if overflow || self.ends.len() > self.max.saturating_add(1) => {
                    overflow = true;
                    nends = 0;
                }
                R::OutputEndsFull => {
                    let grown = self.ends.len().saturating_mul(2);
                    self.ends.resize(grown.min(self.max.saturating_add(2)), 0);
                }
                R::Record => {
                    // A row's size: its unquoted bytes and the separators between fields.
                    overflow |= nbytes.saturating_add(nends.saturating_sub(1)) > self.max;
                    self.len = if overflow { 0 } else { nends };
                    return Ok(Some(CsvRow {
                        line: row_line,
                        overflow,
                    }));
                }
                R::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
