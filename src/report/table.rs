//! `table`: one aligned, greppable line per posting, for people and `grep`.
//!
//! Columns: label, score (3 decimals, signed), confidence (2 decimals), path,
//! (control characters escaped, so a name cannot break a line or colour the
//! terminal), then the strongest evidence terms in brackets. Failed and skipped inputs
//! show `error` or `skipped` with the message. Colour only when asked.

use std::io::{self, Write};

use super::{escape_controls, evidence, Context, Outcome, Record, Reporter, Summary};
use crate::engine::label::Label;

/// `--format table`.
pub struct Table<'a, W> {
    out: W,
    cx: Context<'a>,
}

impl<'a, W: Write> Table<'a, W> {
    /// A table reporter on `out`; writes the header line at once.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn new(mut out: W, cx: Context<'a>) -> io::Result<Self> {
        writeln!(
            out,
            "{:<12}  {:>6}  {:>4}  PATH  [EVIDENCE]",
            "LABEL", "SCORE", "CONF"
        )?;
        Ok(Table { out, cx })
    }
}

/// ANSI colour for a label (CIO blue, CTO magenta, blended yellow).
pub(crate) fn label_color(label: Label) -> &'static str {
    match label {
        Label::CioLike => "\x1b[34m",
        Label::CtoLike => "\x1b[35m",
        Label::Blended => "\x1b[33m",
        Label::Unclassified => "\x1b[2m",
    }
}

pub(crate) fn paint(cx: &Context<'_>, color: &str, text: &str) -> String {
    if cx.color {
        format!("{color}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

impl<W: Write> Reporter for Table<'_, W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        match &r.outcome {
            Outcome::Tagged(t) => {
                let label = t.tagging.label;
                let shown = paint(
                    &self.cx,
                    label_color(label),
                    &format!("{:<12}", label.as_str()),
                );
                let terms: Vec<&str> = evidence(&self.cx, &t.scores)
                    .iter()
                    .take(self.cx.top)
                    .map(|(tally, _)| self.cx.lexicon.terms[tally.term].name.as_str())
                    .collect();
                writeln!(
                    self.out,
                    "{shown}  {:>+6.3}  {:>4.2}  {}  [{}]",
                    t.tagging.score,
                    t.tagging.confidence,
                    r.display_path(),
                    terms.join(", ")
                )
            }
            Outcome::Failed(msg) | Outcome::Skipped(msg) => {
                let word = if matches!(r.outcome, Outcome::Failed(_)) {
                    "error"
                } else {
                    "skipped"
                };
                let shown = paint(&self.cx, "\x1b[31m", &format!("{word:<12}"));
                writeln!(
                    self.out,
                    "{shown}  {:>6}  {:>4}  {}  ({})",
                    "-",
                    "-",
                    r.display_path(),
                    escape_controls(msg)
                )
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
