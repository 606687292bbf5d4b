//! `jsonl` and `json`: the machine-readable formats.
//!
//! `jsonl` writes one object per posting per line and nothing else, so outputs
//! concatenate and `pandas.read_json(path, lines=True)` gives one row per
//! posting. `json` wraps the same objects in a document: a `roletag` header
//! (version, lexicon name, version, source and hash, thresholds), the
//! `postings` array (streamed, one per line) and a closing `summary`.

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::json_writer::RecordWriter;
#[cfg(test)]
use super::Outcome;
use super::{
    evidence, round4, Context, Record, Render, Reporter, Summary, Tagged, SCHEMA_VERSION, VERSION,
};
use crate::engine::label::Label;

#[derive(Serialize)]
pub(crate) struct JsonTagged<'a> {
    schema_version: u32,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<&'a [u8]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Fields<'a>>,
    label: &'static str,
    score: f64,
    confidence: f64,
    cio: f64,
    cto: f64,
    core_evidence: f64,
    axes: Axes<'a>,
    evidence: Vec<Evidence<'a>>,
    words: usize,
    coverage: f64,
    ignored: Vec<Ignored<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

/// A term whose hits did not count, and why.
#[derive(Serialize)]
struct Ignored<'a> {
    term: &'a str,
    axis: &'a str,
    pole: &'static str,
    count: u32,
    reason: &'static str,
}

#[cfg(test)]
#[derive(Serialize)]
struct JsonFailed<'a> {
    schema_version: u32,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<&'a [u8]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Fields<'a>>,
    error: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    skipped: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

#[derive(Serialize)]
struct Evidence<'a> {
    term: &'a str,
    axis: &'a str,
    pole: &'static str,
    count: u32,
    weight: f64,
    contribution: f64,
    context: bool,
}

#[derive(Serialize)]
struct PoleJson {
    cio: f64,
    cto: f64,
}

/// `--keep-field` values as an object in the order asked for; `null` where the
/// posting has none.
pub(crate) struct Fields<'a>(&'a [String], &'a [Option<String>]);

impl<'a> Fields<'a> {
    /// The object of `r`, or `None` without `--keep-field`.
    fn of(cx: &Context<'a>, r: &'a Record) -> Option<Fields<'a>> {
        (!cx.keep_fields.is_empty()).then_some(Fields(cx.keep_fields, &r.fields))
    }
}

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (i, name) in self.0.iter().enumerate() {
            map.serialize_entry(name, &self.1.get(i).and_then(Option::as_deref))?;
        }
        map.end()
    }
}

/// Axes as an object in lexicon order.
struct Axes<'a>(&'a Context<'a>, &'a Tagged);

impl Serialize for Axes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Axes(cx, t) = self;
        let mut map = s.serialize_map(Some(cx.lexicon.axes.len()))?;
        for (axis, w) in cx.lexicon.axes.iter().zip(&t.scores.axes) {
            let pw = PoleJson {
                cio: round4(w.cio),
                cto: round4(w.cto),
            };
            map.serialize_entry(&axis.name, &pw)?;
        }
        map.end()
    }
}

/// Writes one record as a single-line JSON object (no newline), through serde:
/// the reference [`RecordWriter`] is tested against.
#[cfg(test)]
pub(crate) fn write_record<W: Write>(out: &mut W, cx: &Context<'_>, r: &Record) -> io::Result<()> {
    match &r.outcome {
        Outcome::Tagged(t) => serde_json::to_writer(out, &tagged(cx, r, t))?,
        Outcome::Failed(msg) | Outcome::Skipped(msg) => {
            let f = JsonFailed {
                schema_version: SCHEMA_VERSION,
                path: &r.path,
                path_bytes: r.path_bytes.as_deref(),
                record: r.record,
                id: r.id.as_deref(),
                expected: r.expected.as_deref(),
                fields: Fields::of(cx, r),
                error: msg,
                skipped: matches!(r.outcome, Outcome::Skipped(_)),
                warnings: &r.warnings,
            };
            serde_json::to_writer(out, &f)?;
        }
    }
    Ok(())
}

pub(crate) fn tagged<'a>(cx: &'a Context<'a>, r: &'a Record, t: &'a Tagged) -> JsonTagged<'a> {
    let lex = cx.lexicon;
    let evidence = evidence(cx, &t.scores)
        .into_iter()
        .map(|(tally, contribution)| {
            let term = &lex.terms[tally.term];
            Evidence {
                term: &term.name,
                axis: &lex.axes[term.axis].name,
                pole: term.pole.as_str(),
                count: tally.count,
                weight: round4(term.weight),
                contribution: round4(contribution),
                context: term.context,
            }
        })
        .collect();
    JsonTagged {
        schema_version: SCHEMA_VERSION,
        path: &r.path,
        path_bytes: r.path_bytes.as_deref(),
        record: r.record,
        id: r.id.as_deref(),
        expected: r.expected.as_deref(),
        fields: Fields::of(cx, r),
        label: t.tagging.label.as_str(),
        score: round4(t.tagging.score),
        confidence: round4(t.tagging.confidence),
        cio: round4(t.scores.total.cio),
        cto: round4(t.scores.total.cto),
        core_evidence: round4(t.scores.core.total()),
        axes: Axes(cx, t),
        evidence,
        words: t.scores.words,
        coverage: round4(t.scores.coverage()),
        ignored: t
            .scores
            .ignored
            .iter()
            .map(|&(id, status, count)| {
                let term = &lex.terms[id];
                Ignored {
                    term: &term.name,
                    axis: &lex.axes[term.axis].name,
                    pole: term.pole.as_str(),
                    count,
                    reason: status.as_str(),
                }
            })
            .collect(),
        warnings: &r.warnings,
    }
}

/// `--format jsonl`: one JSON object per posting per line.
pub struct JsonLines<'a, W> {
    out: W,
    format: LineRender<'a>,
}

impl<'a, W: Write> JsonLines<'a, W> {
    /// A JSON Lines reporter on `out`.
    pub fn new(out: W, cx: Context<'a>) -> Self {
        JsonLines {
            out,
            format: LineRender::new(cx),
        }
    }
}

impl<W: Write> Reporter for JsonLines<'_, W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        self.format.write(&mut self.out, r)?;
        self.out.write_all(b"\n")
    }

    fn record_rendered(&mut self, _r: &Record, rendered: &[u8]) -> io::Result<()> {
        self.out.write_all(rendered)?;
        self.out.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// The [`Render`] of [`JsonLines`] and [`Json`]: a record's object, without the
/// newline or comma around it.
pub(crate) struct LineRender<'a> {
    cx: Context<'a>,
    writer: RecordWriter,
}

impl<'a> LineRender<'a> {
    /// Formats records as a [`JsonLines`] or [`Json`] reporter with context `cx`
    /// writes them.
    pub(crate) fn new(cx: Context<'a>) -> Self {
        let writer = RecordWriter::new(cx.lexicon);
        LineRender { cx, writer }
    }
}

impl LineRender<'_> {
    /// Writes `r` to `out`, as [`Render::render`] formats it.
    fn write(&mut self, out: &mut impl Write, r: &Record) -> io::Result<()> {
        self.writer.write(out, &self.cx, r)
    }
}

impl Render for LineRender<'_> {
    fn render(&self, r: &Record, out: &mut Vec<u8>) {
        self.writer.render(out, &self.cx, r);
    }
}

/// `--format json`: `{"roletag": header, "postings": [...], "summary": {...}}`.
pub struct Json<'a, W> {
    out: W,
    format: LineRender<'a>,
    first: bool,
}

#[derive(Serialize)]
struct Header<'a> {
    schema_version: u32,
    version: &'static str,
    lexicon: LexiconInfo<'a>,
    thresholds: ThresholdsJson,
}

#[derive(Serialize)]
struct LexiconInfo<'a> {
    name: &'a str,
    version: &'a str,
    source: &'a str,
    hash: &'a str,
}

#[derive(Serialize)]
struct ThresholdsJson {
    blend_margin: f64,
    min_evidence: f64,
    length_exponent: f64,
    min_terms: u32,
    blend_floor: f64,
}

impl<'a, W: Write> Json<'a, W> {
    /// A JSON document reporter on `out`; writes the header at once.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn new(mut out: W, cx: Context<'a>) -> io::Result<Self> {
        out.write_all(b"{\"roletag\":")?;
        serde_json::to_writer(&mut out, &header(&cx))?;
        out.write_all(b",\n\"postings\":[")?;
        Ok(Json {
            out,
            format: LineRender::new(cx),
            first: true,
        })
    }

    /// What goes before a posting: a comma after the one before it.
    fn separate(&mut self) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        Ok(())
    }
}

fn header<'a>(cx: &Context<'a>) -> Header<'a> {
    Header {
        schema_version: SCHEMA_VERSION,
        version: VERSION,
        lexicon: LexiconInfo {
            name: &cx.lexicon.name,
            version: &cx.lexicon.version,
            source: &cx.lexicon.source,
            hash: &cx.lexicon.hash,
        },
        thresholds: ThresholdsJson {
            blend_margin: cx.thresholds.blend_margin,
            min_evidence: cx.thresholds.min_evidence,
            length_exponent: cx.thresholds.length_exponent,
            min_terms: cx.thresholds.min_terms,
            blend_floor: cx.thresholds.blend_floor,
        },
    }
}

impl<W: Write> Reporter for Json<'_, W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        self.separate()?;
        self.format.write(&mut self.out, r)
    }

    fn record_rendered(&mut self, _r: &Record, rendered: &[u8]) -> io::Result<()> {
        self.separate()?;
        self.out.write_all(rendered)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.write_all(b"\n],\n\"summary\":")?;
        serde_json::to_writer(&mut self.out, &summary_json(summary))?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

/// The `summary` object: `inputs`, `tagged`, `failed`, `skipped`, `labels`.
pub(crate) fn summary_json(s: &Summary) -> serde_json::Value {
    let labels: serde_json::Map<String, serde_json::Value> = Label::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), s.count(*l).into()))
        .collect();
    serde_json::json!({
        "inputs": s.inputs(),
        "tagged": s.tagged(),
        "failed": s.failed,
        "skipped": s.skipped,
        "labels": labels,
    })
}

#[cfg(test)]
mod tests;
