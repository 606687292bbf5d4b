//! `long`: a block per posting for a person who wants to see why.
//!
//! Shows the label and confidence, the score with both totals, the word count
//! and coverage, the per-axis picture that `explain` draws too (each axis's
//! CIO weight left of a centre line, its CTO weight right; see `bars`), and
//! the strongest evidence terms with their signed contributions.

use std::io::{self, Write};

use super::bars::axis_lines;
use super::table::{label_color, paint};
use super::{evidence, Context, Outcome, Record, Reporter, Summary, Tagged};

/// `--format long` (the default of `roletag tag`).
pub struct Long<'a, W> {
    out: W,
    cx: Context<'a>,
}

impl<'a, W: Write> Long<'a, W> {
    /// A long-form reporter on `out`.
    pub fn new(out: W, cx: Context<'a>) -> Self {
        Long { out, cx }
    }

    fn tagged(&mut self, t: &Tagged) -> io::Result<()> {
        let (tg, s, th) = (&t.tagging, &t.scores, &self.cx.thresholds);
        let label = paint(&self.cx, label_color(tg.label), tg.label.as_str());
        writeln!(
            self.out,
            "  label       {label} (confidence {:.2})",
            tg.confidence
        )?;
        writeln!(
            self.out,
            "  score       {:+.3}  (cio {:.2}, cto {:.2}; blended within ±{:.2}, needs {:.2} evidence)",
            tg.score,
            s.total.cio,
            s.total.cto,
            th.blend_margin,
            crate::engine::label::required_evidence(th, s.words)
        )?;
        writeln!(
            self.out,
            "  words       {} ({:.1}% matched)",
            s.words,
            100.0 * s.coverage()
        )?;
        self.axes(t)?;
        self.evidence(t)
    }

    fn axes(&mut self, t: &Tagged) -> io::Result<()> {
        writeln!(self.out, "  axes")?;
        for line in axis_lines(&self.cx, &t.scores.axes) {
            writeln!(self.out, "    {line}")?;
        }
        Ok(())
    }

    fn evidence(&mut self, t: &Tagged) -> io::Result<()> {
        let ev = evidence(&self.cx, &t.scores);
        if ev.is_empty() {
            return writeln!(self.out, "  evidence    none");
        }
        writeln!(self.out, "  evidence    (strongest first)")?;
        for (tally, contribution) in ev.iter().take(self.cx.top) {
            let term = &self.cx.lexicon.terms[tally.term];
            let axis = &self.cx.lexicon.axes[term.axis].name;
            writeln!(
                self.out,
                "    {contribution:+.3}  {}  ({axis}, {}, x{})",
                term.name,
                term.pole.as_str(),
                tally.count
            )?;
        }
        if ev.len() > self.cx.top {
            writeln!(self.out, "    ... and {} more", ev.len() - self.cx.top)?;
        }
        Ok(())
    }
}

impl<W: Write> Reporter for Long<'_, W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        writeln!(self.out, "{}", r.display_path())?;
        match &r.outcome {
            Outcome::Tagged(t) => self.tagged(t)?,
            Outcome::Failed(msg) => writeln!(self.out, "  error       {msg}")?,
            Outcome::Skipped(msg) => writeln!(self.out, "  skipped     {msg}")?,
        }
        for w in &r.warnings {
            writeln!(self.out, "  warning     {w}")?;
        }
        writeln!(self.out)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
