//! Reading reports back: the postings of a `scan --format jsonl` stream or a `--format json` document.
//!
//! Input is a `BufRead` holding a report; output is a stream, in report order, of
//! [`ReportPosting`]s, plus a [`ReadIssue`] for each line (or array element) that is
//! not a posting: bad JSON, a missing field, an unknown label. One bad line never
//! stops the rest. Unknown fields are ignored, so reports with fields added later
//! still read. [`ReportPosting::from_record`] builds the same value from an
//! in-memory [`Record`], rounded as the JSON is. This module opens no files.

use std::fmt;
use std::io::{self, BufRead, Read};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::error::Category;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::engine::label::Label;
use crate::engine::lexicon::{Lexicon, Pole};
use crate::engine::score::PoleWeights;
use crate::input::records::read_line_capped;
use crate::report::{round4, Outcome, Record, SCHEMA_VERSION};

/// One posting of a report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportPosting {
    /// The posting's `path`.
    pub path: String,
    /// Its `path_bytes`: the raw bytes of a path that is not valid UTF-8.
    pub path_bytes: Option<Vec<u8>>,
    /// Its `record` number, for a record of a JSON/JSONL/CSV file.
    pub record: Option<u64>,
    /// Its `id`, when it has one.
    pub id: Option<String>,
    /// Its `expected` label, when the scan read one.
    pub expected: Option<String>,
    /// Tagged, or failed.
    pub state: PostingState,
    /// The value of the extra field asked for when reading (see [`read_report`]).
    pub field: Option<String>,
}

/// What a report says happened to a posting.
#[derive(Clone, Debug, PartialEq)]
pub enum PostingState {
    /// Tagged: label, scores, evidence.
    Tagged(Box<TaggedPosting>),
    /// Not tagged: the `error` message, and `skipped` for inputs skipped on purpose.
    Failed {
        /// Why.
        error: String,
        /// True for an input skipped on purpose (a binary file).
        skipped: bool,
    },
}

/// The label and scores of a tagged posting, as reported.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedPosting {
    /// The label.
    pub label: Label,
    /// Orientation in [-1, 1].
    pub score: f64,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Total evidence on each side.
    pub total: PoleWeights,
    /// Weight of non-context terms, both sides.
    pub core_evidence: f64,
    /// Per axis, in report order: its name and weights.
    pub axes: Vec<(String, PoleWeights)>,
    /// The terms that counted.
    pub evidence: Vec<EvidenceTerm>,
}

/// One entry of a posting's `evidence`.
#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceTerm {
    /// The term's name.
    pub term: String,
    /// Its axis.
    pub axis: String,
    /// Its pole.
    pub pole: Pole,
    /// Hits that counted.
    pub count: u32,
    /// The term's weight per match.
    pub weight: f64,
    /// Its signed share of the score.
    pub contribution: f64,
    /// True for a context term.
    pub context: bool,
}

/// Where in a report a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A 1-based line of a JSON Lines report (or of a JSON document that is not valid JSON).
    Line(u64),
    /// A 0-based element of a JSON document's `postings` array.
    Element(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "{n}"),
            Location::Element(n) => write!(f, "postings[{n}]"),
        }
    }
}

/// A line or element that is not a posting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadIssue {
    /// Where it is.
    pub at: Location,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadIssue {
    /// `12: message`, to follow a file name and a colon.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// Reads every posting of a report, handing each (or what is wrong with it) to `sink`.
///
/// The report is JSON Lines (one posting object a line, as `scan --format jsonl`
/// writes) unless its first non-blank line opens a JSON document: `{"roletag"...`,
/// `{"postings"...`, a lone `{` (pretty-printed) or `[` (an array of postings).
/// A document is read as a stream; its `postings` array is the postings. A JSON
/// syntax error in a document ends it, as one issue with its line.
///
/// `field` names one more top-level field to copy into [`ReportPosting::field`].
///
/// # Errors
/// Only an I/O error of the reader; bad postings are [`ReadIssue`]s.
pub fn read_report(
    reader: impl BufRead,
    field: Option<&str>,
    sink: impl FnMut(Result<ReportPosting, ReadIssue>),
) -> io::Result<()> {
    read_report_capped(reader, field, MAX_LINE, sink)
}

/// The longest JSON Lines report line read; a longer one is an issue, never held
/// in memory. A posting's line is a few KB; one with every hit of a huge posting
/// as evidence stays far below this.
pub(crate) const MAX_LINE: u64 = 64 << 20;

/// [`read_report`] with a line cap of `max` bytes.
fn read_report_capped(
    mut reader: impl BufRead,
    field: Option<&str>,
    max: u64,
    mut sink: impl FnMut(Result<ReportPosting, ReadIssue>),
) -> io::Result<()> {
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut first = true;
    loop {
        line.clear();
        let (read, overflow) = read_line_capped(&mut reader, &mut line, max)?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        if !overflow && line.trim_ascii().is_empty() {
            continue;
        }
        // The first non-blank line says whether this is a JSON document.
        if std::mem::take(&mut first) && !overflow && opens_document(&line) {
            let skipped = "\n".repeat(number as usize - 1);
            let chained = io::Cursor::new(skipped.into_bytes())
                .chain(io::Cursor::new(std::mem::take(&mut line)))
                .chain(reader);
            // A `BufReader` outermost: serde_json reads byte by byte, and std reads
            // a `BufReader`'s bytes from its buffer without a call per byte.
            return read_document(io::BufReader::new(chained), field, &mut sink);
        }
        let at = Location::Line(number);
        if overflow {
            let message = format!("line longer than {max} bytes; skipped");
            sink(Err(ReadIssue { at, message }));
        } else {
            sink(parse_line(&line, field).map_err(|message| ReadIssue { at, message }));
        }
    }
}

fn opens_document(first: &[u8]) -> bool {
    let t = first.trim_ascii();
    t == b"{" || t.starts_with(b"[") || {
        let compact: Vec<u8> = t
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        compact.starts_with(b"{\"roletag\"") || compact.starts_with(b"{\"postings\"")
    }
}

fn parse_line(line: &[u8], field: Option<&str>) -> Result<ReportPosting, String> {
    let raw: RawPosting = serde_json::from_slice(line).map_err(|e| match e.classify() {
        Category::Data if !line.trim_ascii_start().starts_with(b"{") => {
            "not a posting: not a JSON object".to_string()
        }
        Category::Data => format!("not a posting: {}", strip_line(&e)),
        _ => format!("invalid JSON: {}", strip_line(&e)),
    })?;
    let field = match field {
        // Read again only when asked: the posting fields above keep their order.
        Some(f) => serde_json::from_slice::<serde_json::Map<String, Value>>(line)
            .ok()
            .and_then(|m| m.get(f).and_then(field_text)),
        None => None,
    };
    from_raw(raw, field)
}

/// serde_json's message without its "at line 1 column N" (the line is ours), keeping the column.
fn strip_line(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
    format!("{msg} (column {})", e.column())
}

fn read_document(
    reader: impl Read,
    field: Option<&str>,
    sink: &mut dyn FnMut(Result<ReportPosting, ReadIssue>),
) -> io::Result<()> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut found = false;
    let result = de
        .deserialize_any(DocumentVisitor {
            field,
            sink: &mut *sink,
            found: &mut found,
        })
        .and_then(|()| de.end());
    match result {
        Err(e) if e.is_io() => return Err(e.into()),
        Err(e) => sink(Err(ReadIssue {
            at: Location::Line(e.line() as u64),
            message: format!("invalid JSON document: {e}"),
        })),
        Ok(()) if !found => sink(Err(ReadIssue {
            at: Location::Line(1),
            message: "JSON document has no `postings` array".to_string(),
        })),
        Ok(()) => {}
    }
    Ok(())
}

/// The top level of a document: an object whose `postings` are read, or an array of postings.
struct DocumentVisitor<'a, 'f> {
    field: Option<&'f str>,
    sink: &'a mut dyn FnMut(Result<ReportPosting, ReadIssue>),
    found: &'a mut bool,
}

impl<'de> Visitor<'de> for DocumentVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a roletag report: an object with `postings`, or an array of postings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "postings" && !*self.found {
                *self.found = true;
                map.next_value_seed(Postings {
                    field: self.field,
                    sink: &mut *self.sink,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        *self.found = true;
        Postings {
            field: self.field,
            sink: self.sink,
        }
        .visit_seq(seq)
    }
}

/// The `postings` array, handed to the sink element by element.
struct Postings<'a, 'f> {
    field: Option<&'f str>,
    sink: &'a mut dyn FnMut(Result<ReportPosting, ReadIssue>),
}

impl<'de> DeserializeSeed<'de> for Postings<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Postings<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of postings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        let field = self.field;
        while let Some(element) = seq.next_element_seed(Element { field })? {
            let posting = match element {
                Some(object) => parse_line(object.as_bytes(), field),
                None => Err("not a posting: not a JSON object".to_string()),
            };
            (self.sink)(posting.map_err(|message| ReadIssue {
                at: Location::Element(i),
                message,
            }));
            i += 1;
        }
        Ok(())
    }
}

/// The top-level fields of a posting that [`RawPosting`] reads, in a document.
const READ_FIELDS: [&str; 16] = [
    "schema_version",
    "path",
    "path_bytes",
    "record",
    "id",
    "expected",
    "label",
    "error",
    "skipped",
    "score",
    "confidence",
    "cio",
    "cto",
    "core_evidence",
    "axes",
    "evidence",
];

/// One element of a document's `postings`, streamed: the fields that are read
/// (and `field`) are kept as raw JSON, in order, as one compact object's text,
/// and every other field is skipped without being held, so a posting carrying a
/// huge field it does not need (a kept 1 GiB description) costs no memory.
/// `None` for an element that is not an object.
struct Element<'f> {
    field: Option<&'f str>,
}

impl<'de> DeserializeSeed<'de> for Element<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Element<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a posting")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
        let mut object = String::from("{");
        while let Some(key) = map.next_key::<String>()? {
            if READ_FIELDS.contains(&key.as_str()) || self.field == Some(key.as_str()) {
                let value = map.next_value::<Box<RawValue>>()?;
                if object.len() > 1 {
                    object.push(',');
                }
                object.push_str(&Value::String(key).to_string());
                object.push(':');
                object.push_str(value.get());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        object.push('}');
        Ok(Some(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
}

/// The fields of a posting object that are read; the rest are ignored.
#[derive(Deserialize)]
struct RawPosting {
    #[serde(default)]
    schema_version: Option<u64>,
    path: String,
    #[serde(default)]
    path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    record: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    skipped: bool,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    confidence: f64,
    #[serde(default)]
    cio: f64,
    #[serde(default)]
    cto: f64,
    #[serde(default)]
    core_evidence: f64,
    #[serde(default)]
    axes: OrderedAxes,
    #[serde(default)]
    evidence: Vec<RawEvidence>,
}

#[derive(Deserialize)]
struct RawEvidence {
    term: String,
    #[serde(default)]
    axis: String,
    pole: RawPole,
    #[serde(default)]
    count: u32,
    #[serde(default)]
    weight: f64,
    contribution: f64,
    #[serde(default)]
    context: bool,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawPole {
    Cio,
    Cto,
}

#[derive(Deserialize)]
struct RawWeights {
    #[serde(default)]
    cio: f64,
    #[serde(default)]
    cto: f64,
}

/// `axes` in the order the report lists them (serde_json's map would sort them).
#[derive(Default)]
struct OrderedAxes(Vec<(String, PoleWeights)>);

impl<'de> Deserialize<'de> for OrderedAxes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedAxes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of axes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedAxes, A::Error> {
                let mut axes = Vec::new();
                while let Some((name, w)) = map.next_entry::<String, RawWeights>()? {
                    axes.push((
                        name,
                        PoleWeights {
                            cio: w.cio,
                            cto: w.cto,
                        },
                    ));
                }
                Ok(OrderedAxes(axes))
            }
        }
        d.deserialize_map(V)
    }
}

/// Builds a posting from its fields, or says why it is not one.
fn from_raw(raw: RawPosting, field: Option<String>) -> Result<ReportPosting, String> {
    // A newer structure may have changed what a field means (README, "The JSON
    // contract"): refused, never read as if it were ours.
    if let Some(v) = raw
        .schema_version
        .filter(|&v| v > u64::from(SCHEMA_VERSION))
    {
        return Err(format!(
            "schema_version {v} is newer than this roletag reads ({SCHEMA_VERSION}); \
             use a newer roletag"
        ));
    }
    let state = match (raw.error, raw.label) {
        (Some(error), _) => PostingState::Failed {
            error,
            skipped: raw.skipped,
        },
        (None, None) => return Err("not a posting: neither `label` nor `error`".to_string()),
        (None, Some(label)) => {
            let label: Label = label.parse().map_err(|e| format!("not a posting: {e}"))?;
            let score = raw
                .score
                .ok_or_else(|| "not a posting: a label without a `score`".to_string())?;
            PostingState::Tagged(Box::new(TaggedPosting {
                label,
                score,
                confidence: raw.confidence,
                total: PoleWeights {
                    cio: raw.cio,
                    cto: raw.cto,
                },
                core_evidence: raw.core_evidence,
                axes: raw.axes.0,
                evidence: raw.evidence.into_iter().map(EvidenceTerm::from).collect(),
            }))
        }
    };
    Ok(ReportPosting {
        path: raw.path,
        path_bytes: raw.path_bytes,
        record: raw.record,
        id: raw.id,
        expected: raw.expected,
        state,
        field,
    })
}

impl From<RawEvidence> for EvidenceTerm {
    fn from(e: RawEvidence) -> EvidenceTerm {
        EvidenceTerm {
            term: e.term,
            axis: e.axis,
            pole: match e.pole {
                RawPole::Cio => Pole::Cio,
                RawPole::Cto => Pole::Cto,
            },
            count: e.count,
            weight: e.weight,
            contribution: e.contribution,
            context: e.context,
        }
    }
}

/// A field's value as a group name: strings as they are, numbers and booleans printed.
fn field_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl ReportPosting {
    /// The posting as a report would give it back: numbers rounded to 4 decimals,
    /// as the JSON formats write them, so a summary of a scan in memory equals the
    /// summary of its report.
    pub fn from_record(r: &Record, lexicon: &Lexicon) -> ReportPosting {
        let state = match &r.outcome {
            Outcome::Tagged(t) => {
                let s = &t.scores;
                let round = |w: &PoleWeights| PoleWeights {
                    cio: round4(w.cio),
                    cto: round4(w.cto),
                };
                PostingState::Tagged(Box::new(TaggedPosting {
                    label: t.tagging.label,
                    score: round4(t.tagging.score),
                    confidence: round4(t.tagging.confidence),
                    total: round(&s.total),
                    core_evidence: round4(s.core.total()),
                    axes: lexicon
                        .axes
                        .iter()
                        .zip(&s.axes)
                        .map(|(a, w)| (a.name.clone(), round(w)))
                        .collect(),
                    evidence: s
                        .tallies
                        .iter()
                        .map(|tally| {
                            let term = &lexicon.terms[tally.term];
                            EvidenceTerm {
                                term: term.name.clone(),
                                axis: lexicon.axes[term.axis].name.clone(),
                                pole: term.pole,
                                count: tally.count,
                                weight: round4(term.weight),
                                contribution: round4(s.contribution(lexicon, tally)),
                                context: term.context,
                            }
                        })
                        .collect(),
                }))
            }
            Outcome::Failed(error) => PostingState::Failed {
                error: error.clone(),
                skipped: false,
            },
            Outcome::Skipped(error) => PostingState::Failed {
                error: error.clone(),
                skipped: true,
            },
        };
        ReportPosting {
            path: r.path.clone(),
            path_bytes: r.path_bytes.clone(),
            record: r.record,
            id: r.id.clone(),
            expected: r.expected.clone(),
            state,
            field: None,
        }
    }

    /// The label, when the posting was tagged.
    pub fn label(&self) -> Option<Label> {
        match &self.state {
            PostingState::Tagged(t) => Some(t.label),
            PostingState::Failed { .. } => None,
        }
    }

    /// The text of one of its own report fields: `path`, `record`, `id`, `expected`
    /// or `label` (what [`read_report`] would copy for `field`).
    pub fn own_field(&self, name: &str) -> Option<String> {
        match name {
            "path" => Some(self.path.clone()),
            "record" => self.record.map(|n| n.to_string()),
            "id" => self.id.clone(),
            "expected" => self.expected.clone(),
            "label" => self.label().map(|l| l.as_str().to_string()),
            _ => None,
        }
    }
}

/// Postings as a report gives them back, built directly for the unit tests of
/// what reads reports (diff, summarize).
#[cfg(test)]
impl ReportPosting {
    /// A tagged posting at `path`, with no record number, id, expected label or field.
    pub(crate) fn tagged_for_test(path: &str, tagged: TaggedPosting) -> ReportPosting {
        ReportPosting {
            path: path.to_string(),
            path_bytes: None,
            record: None,
            id: None,
            expected: None,
            state: PostingState::Tagged(Box::new(tagged)),
            field: None,
        }
    }

    /// A posting at `path` that failed with `error` (or was skipped).
    pub(crate) fn failed_for_test(path: &str, error: &str, skipped: bool) -> ReportPosting {
        ReportPosting {
            state: PostingState::Failed {
                error: error.to_string(),
                skipped,
            },
            ..ReportPosting::tagged_for_test(
                path,
                TaggedPosting {
                    label: Label::Unclassified,
                    score: 0.0,
                    confidence: 0.0,
                    total: PoleWeights { cio: 0.0, cto: 0.0 },
                    core_evidence: 0.0,
                    axes: Vec::new(),
                    evidence: Vec::new(),
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAGGED: &str = r#"{"path":"a/x.txt","label":"cio-like","score":-0.5,"confidence":0.8,"cio":3.0,"cto":1.0,"core_evidence":4.0,"axes":{"focus":{"cio":2.0,"cto":1.0},"domain":{"cio":1.0,"cto":0.0}},"evidence":[{"term":"erp","axis":"domain","pole":"cio","count":2,"weight":2.0,"contribution":-0.5,"context":false}],"words":10,"coverage":0.2,"ignored":[],"schema_version":1,"added_later":true}"#;
    const FAILED: &str = r#"{"path":"a/y.bin","error":"binary file","skipped":true}"#;

    fn read(text: &str, field: Option<&str>) -> Vec<Result<ReportPosting, ReadIssue>> {
        let mut out = Vec::new();
        read_report(text.as_bytes(), field, |r| out.push(r)).unwrap();
        out
    }

    /// See: issue 16. The raw bytes of a path that is not UTF-8 are read back.
    #[test]
    fn path_bytes_are_read_back() {
        let line = FAILED.replace(
            "\"path\":\"a/y.bin\"",
            "\"path\":\"a/\\ufffd\",\"path_bytes\":[97,47,255]",
        );
        let got = read(&format!("{line}\n{FAILED}\n"), None);
        let p = got[0].as_ref().unwrap();
        assert_eq!(
            (p.path.as_str(), p.path_bytes.as_deref()),
            ("a/\u{fffd}", Some(&b"a/\xff"[..]))
        );
        assert_eq!(got[1].as_ref().unwrap().path_bytes, None);
        // Not bytes: the line is not a posting.
        let bad = FAILED.replace("\"skipped\"", "\"path_bytes\":[256],\"skipped\"");
        assert!(read(&bad, None)[0].is_err());
    }

    #[test]
    fn jsonl_postings_and_failures_read_with_unknown_fields_ignored() {
        let got = read(&format!("{TAGGED}\n\n{FAILED}\n"), None);
        assert_eq!(got.len(), 2);
        let p = got[0].as_ref().unwrap();
        assert_eq!(p.path, "a/x.txt");
        assert_eq!(p.label(), Some(Label::CioLike));
        let PostingState::Tagged(t) = &p.state else {
            panic!("tagged expected")
        };
        let names: Vec<&str> = t.axes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["focus", "domain"], "axes keep report order");
        assert_eq!(t.evidence[0].pole, Pole::Cio);
        assert_eq!(t.evidence[0].count, 2);
        let f = got[1].as_ref().unwrap();
        assert_eq!(
            f.state,
            PostingState::Failed {
                error: "binary file".to_string(),
                skipped: true
            }
        );
    }

    /// A posting of a newer structure is an issue (its fields may mean something
    /// else), the postings of this one and of reports older than versions still read.
    // See: issue 16 ("`schema_version: 99` is accepted silently").
    #[test]
    fn newer_schema_versions_are_refused() {
        let newer = TAGGED.replace(r#""schema_version":1"#, r#""schema_version":99"#);
        let unversioned = r#"{"path":"old.txt","error":"binary file","skipped":true}"#;
        let got = read(&format!("{newer}\n{TAGGED}\n{unversioned}\n"), None);
        let issue = got[0].as_ref().unwrap_err();
        assert_eq!(issue.at, Location::Line(1));
        assert_eq!(
            issue.message,
            "schema_version 99 is newer than this roletag reads (1); use a newer roletag"
        );
        assert!(got[1].is_ok() && got[2].is_ok(), "{got:?}");
    }

    /// A line over the cap is one issue, not read into memory, and the lines after
    /// it still read; a first line over the cap is not taken for a document.
    #[test]
    fn overlong_lines_are_issues_and_the_rest_reads() {
        let good = r#"{"path":"a.txt","error":"empty posting: no text to tag"}"#;
        for first in [
            format!("{{\"path\":\"{}\"}}", "x".repeat(500)),
            format!("[{}", " ".repeat(500)),
        ] {
            let text = format!("{first}\n{good}\n");
            let mut got = Vec::new();
            read_report_capped(text.as_bytes(), None, 200, |r| got.push(r)).unwrap();
            assert_eq!(got.len(), 2, "{got:?}");
            let issue = got[0].as_ref().unwrap_err();
            assert_eq!(issue.at, Location::Line(1));
            assert_eq!(issue.message, "line longer than 200 bytes; skipped");
            assert_eq!(got[1].as_ref().unwrap().path, "a.txt");
        }
    }

    #[test]
    fn bad_lines_are_issues_with_their_line_and_the_rest_reads() {
        let text = format!(
            "{TAGGED}\n{{not json\n{{\"path\":\"p\"}}\n{{\"path\":\"p\",\"label\":\"cio\",\"score\":0}}\n[1]\n{FAILED}\n"
        );
        let got = read(&text, None);
        assert_eq!(got.len(), 6);
        assert!(got[0].is_ok() && got[5].is_ok());
        let issues: Vec<(Location, String)> = got[1..5]
            .iter()
            .map(|r| {
                let e = r.as_ref().unwrap_err();
                (e.at, e.message.clone())
            })
            .collect();
        assert_eq!(issues[0].0, Location::Line(2));
        assert!(issues[0].1.starts_with("invalid JSON"), "{}", issues[0].1);
        assert_eq!(issues[1].0, Location::Line(3));
        assert!(issues[1].1.contains("neither `label` nor `error`"));
        assert!(issues[2].1.contains("unknown label"), "{}", issues[2].1);
        assert_eq!(issues[3].0, Location::Line(5));
    }

    #[test]
    fn json_documents_read_their_postings_array() {
        let doc = format!(
            "{{\"roletag\":{{\"version\":\"0.1.0\"}},\n\"postings\":[\n{TAGGED},\n{{\"path\":1}},\n{FAILED}\n],\n\"summary\":{{\"inputs\":2}}}}\n"
        );
        let got = read(&doc, None);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().label(), Some(Label::CioLike));
        assert_eq!(got[1].as_ref().unwrap_err().at, Location::Element(1));
        assert!(got[2].is_ok());
        // Pretty-printed (as by jq) and a bare array read the same.
        let value: Value = serde_json::from_str(&doc.replace("{\"path\":1},", "")).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(read(&pretty, None).len(), 2);
        let array = serde_json::to_string_pretty(&value["postings"]).unwrap();
        assert_eq!(read(&array, None).len(), 2);
    }

    #[test]
    fn a_broken_document_is_one_issue_after_the_postings_before_it() {
        let doc = format!("{{\"roletag\":{{}},\n\"postings\":[\n{TAGGED},\n{{\"path\":");
        let got = read(&doc, None);
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        let e = got[1].as_ref().unwrap_err();
        assert_eq!(e.at, Location::Line(4));
        assert!(e.message.starts_with("invalid JSON document"), "{e}");
        let none = read("{\"roletag\":{}}", None);
        assert!(none[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("no `postings`"));
    }

    #[test]
    fn an_extra_field_is_copied_as_text() {
        let line = TAGGED.replace("\"path\"", "\"company\":\"Acme\",\"n\":7,\"path\"");
        let got = read(&line, Some("company"));
        assert_eq!(got[0].as_ref().unwrap().field.as_deref(), Some("Acme"));
        let got = read(&line, Some("n"));
        assert_eq!(got[0].as_ref().unwrap().field.as_deref(), Some("7"));
        let got = read(&line, Some("missing"));
        assert_eq!(got[0].as_ref().unwrap().field, None);
    }

    /// Issue 16: a document's postings read the same as the same postings as JSON
    /// Lines, every field that is read included; a field that is not read, however
    /// large, is skipped; an element that is not an object is an issue.
    #[test]
    fn document_elements_read_as_lines_and_skip_unread_fields() {
        let every = TAGGED.replace(
            "\"path\":\"a/x.txt\"",
            "\"path\":\"a/x.txt\",\"path_bytes\":[97,255],\"record\":3,\"id\":\"j-1\",\"expected\":\"blended\",\"skipped\":false,\"company\":\"Acme\"",
        );
        let huge = every.replace(
            "\"added_later\":true",
            &format!(
                "\"fields\":{{\"text\":\"{}\"}},\"added_later\":[1,{{}}]",
                "x ".repeat(1 << 20)
            ),
        );
        let lines = read(&format!("{every}\n{FAILED}\n"), Some("company"));
        let doc = format!("{{\"roletag\":{{}},\"postings\":[{huge}, 7, [1], {FAILED}]}}");
        let got = read(&doc, Some("company"));
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], lines[0]);
        assert_eq!(got[3], lines[1]);
        let p = got[0].as_ref().unwrap();
        assert_eq!(
            (p.path_bytes.as_deref(), p.record, p.field.as_deref()),
            (Some(&b"a\xff"[..]), Some(3), Some("Acme"))
        );
        for (i, issue) in [(1, &got[1]), (2, &got[2])] {
            let e = issue.as_ref().unwrap_err();
            assert_eq!(e.at, Location::Element(i));
            assert_eq!(e.message, "not a posting: not a JSON object");
        }
    }
}
