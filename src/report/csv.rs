//! `csv`: one row per posting with flat columns, for spreadsheets and `pandas.read_csv`.
//!
//! Columns: `path, label, score, confidence, cio, cto, words, coverage`, then
//! `<axis>_cio, <axis>_cto` for every axis in lexicon order, then `evidence`
//! (`term:count` pairs joined by `; `, strongest first), `error`, and for
//! records of JSON/JSONL/CSV files `record` (0-based position) and `id`, the
//! `fields.NAME` of `--keep-field`, and last `path_bytes`: for a path that is not
//! valid UTF-8 its raw bytes in hex (`bytes.fromhex` in Python), else empty.

use std::io::{self, Write};

use super::{evidence, round4, Context, Outcome, Record, Reporter, Summary};

/// The CSV writer's error as an `io::Error` of the same kind, so a closed pipe
/// stays `BrokenPipe` (the `From` conversion makes every error `Other`).
pub(crate) fn io_error(e: ::csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Bytes as lowercase hex, two digits each.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `--format csv`.
pub struct Csv<'a, W: Write> {
    out: ::csv::Writer<W>,
    cx: Context<'a>,
}

impl<'a, W: Write> Csv<'a, W> {
    /// A CSV reporter on `out`; writes the header row at once.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn new(out: W, cx: Context<'a>) -> io::Result<Self> {
        let mut out = ::csv::Writer::from_writer(out);
        let mut header: Vec<String> = [
            "path",
            "label",
            "score",
            "confidence",
            "cio",
            "cto",
            "words",
            "coverage",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for a in &cx.lexicon.axes {
            header.push(format!("{}_cio", a.name));
            header.push(format!("{}_cto", a.name));
        }
        header.push("evidence".into());
        header.push("error".into());
        header.push("record".into());
        header.push("id".into());
        // Prefixed, so that a kept field never collides with a column above.
        header.extend(cx.keep_fields.iter().map(|f| format!("fields.{f}")));
        // Last, so that no earlier column moves (added after `fields.*`, issue 16).
        header.push("path_bytes".into());
        out.write_record(&header).map_err(io_error)?;
        Ok(Csv { out, cx })
    }
}

impl<W: Write> Reporter for Csv<'_, W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let axes = self.cx.lexicon.axes.len();
        let mut row: Vec<String> = vec![r.path.clone()];
        match &r.outcome {
            Outcome::Tagged(t) => {
                let s = &t.scores;
                row.push(t.tagging.label.as_str().into());
                for x in [
                    t.tagging.score,
                    t.tagging.confidence,
                    s.total.cio,
                    s.total.cto,
                ] {
                    row.push(round4(x).to_string());
                }
                row.push(s.words.to_string());
                row.push(round4(s.coverage()).to_string());
                for w in &s.axes {
                    row.push(round4(w.cio).to_string());
                    row.push(round4(w.cto).to_string());
                }
                let ev: Vec<String> = evidence(&self.cx, s)
                    .iter()
                    .map(|(tally, _)| {
                        format!("{}:{}", self.cx.lexicon.terms[tally.term].name, tally.count)
                    })
                    .collect();
                row.push(ev.join("; "));
                row.push(String::new());
            }
            Outcome::Failed(msg) | Outcome::Skipped(msg) => {
                row.extend(std::iter::repeat_n(String::new(), 7 + 2 * axes + 1));
                row.push(msg.clone());
            }
        }
        row.push(r.record.map(|n| n.to_string()).unwrap_or_default());
        row.push(r.id.clone().unwrap_or_default());
        for i in 0..self.cx.keep_fields.len() {
            row.push(r.fields.get(i).cloned().flatten().unwrap_or_default());
        }
        row.push(r.path_bytes.as_deref().map(hex).unwrap_or_default());
        self.out.write_record(&row).map_err(io_error)?;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
