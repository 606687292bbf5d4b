//! `long`: a block per posting for a person who wants to see why.
//!
//! Shows the label and confidence, the score with both totals, the word count
//! and coverage, a bar per axis from its CIO pole to its CTO pole, and the
//! strongest evidence terms with their signed contributions.

use std::io::{self, Write};

use super::table::{label_color, paint};
use super::{evidence, Context, Outcome, Record, Reporter, Summary, Tagged};

/// Half-width of an axis bar, in characters.
const HALF: usize = 10;

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
            crate::label::required_evidence(th, s.words)
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
        let lex = self.cx.lexicon;
        let wl = lex.axes.iter().map(|a| a.cio.len()).max().unwrap_or(0);
        let wn = lex.axes.iter().map(|a| a.name.len()).max().unwrap_or(0);
        writeln!(self.out, "  axes")?;
        for (a, w) in lex.axes.iter().zip(&t.scores.axes) {
            writeln!(
                self.out,
                "    {:<wn$}  {:>wl$} {} {:<}  (cio {:.2}, cto {:.2})",
                a.name,
                a.cio,
                bar(w.orientation(), w.total() > 0.0),
                a.cto,
                w.cio,
                w.cto
            )?;
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

/// `[#####|.....]`: filled from the centre toward the winning pole.
fn bar(orientation: f64, has_evidence: bool) -> String {
    if !has_evidence {
        return format!("[{}]", " ".repeat(2 * HALF + 1));
    }
    let n = (orientation.abs() * HALF as f64).round() as usize;
    let (left, right) = if orientation < 0.0 {
        (
            format!("{}{}", " ".repeat(HALF - n), "#".repeat(n)),
            " ".repeat(HALF),
        )
    } else {
        (
            " ".repeat(HALF),
            format!("{}{}", "#".repeat(n), " ".repeat(HALF - n)),
        )
    };
    format!("[{left}|{right}]")
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
