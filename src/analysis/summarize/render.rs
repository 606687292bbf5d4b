//! Renders a [`Breakdown`]: the table for people, the JSON document, the CSV rows.
//!
//! Numbers are rounded here (4 decimals in JSON and CSV, fixed precision in the
//! table) and nowhere else; JSON objects keep label and axis order.

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::{Breakdown, GroupStats, TermOrder, ALL};
use crate::engine::label::Label;
use crate::report::{counted, round4};

/// `x` rounded to `decimals` for a signed table cell: a tiny negative prints `+0.00`, not `-0.00`.
fn signed(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let r = (x * scale).round() / scale;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

impl Breakdown {
    /// The table for people (`roletag summarize`): groups, axes, then the `top`
    /// terms of each label in `order`.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write_table(
        &self,
        out: &mut impl Write,
        top: usize,
        order: TermOrder,
    ) -> io::Result<()> {
        let a = &self.all;
        writeln!(
            out,
            "{}: {} tagged, {} failed, {} skipped; {}; grouped by {}",
            counted(a.postings(), "posting"),
            a.tagged(),
            a.failed,
            a.skipped,
            counted(self.malformed, "malformed line"),
            self.grouping()
        )?;
        writeln!(out)?;
        self.write_groups(out)?;
        if !self.axes.is_empty() {
            writeln!(out)?;
            self.write_axes(out)?;
        }
        for label in Label::ALL {
            let terms = self.top_terms(label, top, order);
            if terms.is_empty() {
                continue;
            }
            writeln!(out)?;
            let n = a.count(label);
            writeln!(
                out,
                "top terms of {label} ({}), by {}",
                counted(n, "posting"),
                match order {
                    TermOrder::Contribution => "total contribution",
                    TermOrder::Postings => "postings",
                }
            )?;
            writeln!(
                out,
                "  {:>8}  {:>8}  {:>6}  TERM",
                "CONTRIB", "POSTINGS", "SHARE"
            )?;
            for t in terms {
                writeln!(
                    out,
                    "  {:>+8.3}  {:>8}  {:>5.1}%  {} ({}, {})",
                    t.contribution,
                    t.postings,
                    100.0 * t.postings as f64 / n.max(1) as f64,
                    t.term,
                    t.axis,
                    t.pole
                )?;
            }
        }
        Ok(())
    }

    fn name_width(&self) -> usize {
        self.groups
            .iter()
            .map(|g| g.shown_name().chars().count())
            .max()
            .unwrap_or(0)
            .max(ALL.len())
            .max(5)
    }

    fn rows(&self) -> impl Iterator<Item = &GroupStats> {
        // With one group, the `(all)` row would repeat it.
        let all = (self.groups.len() != 1).then_some(&self.all);
        self.groups.iter().chain(all)
    }

    fn write_groups(&self, out: &mut impl Write) -> io::Result<()> {
        let w = self.name_width();
        write!(out, "{:<w$}  {:>8}", "GROUP", "POSTINGS")?;
        for l in Label::ALL {
            write!(out, "  {:>13}", l.as_str().to_uppercase())?;
        }
        writeln!(
            out,
            "  {:>6}  {:>7}  {:>6}  {:>4}",
            "FAILED", "SKIPPED", "SCORE", "CONF"
        )?;
        for g in self.rows() {
            write!(out, "{:<w$}  {:>8}", g.shown_name(), g.postings())?;
            for l in Label::ALL {
                write!(out, "  {:>6} {:>5.1}%", g.count(l), 100.0 * g.share(l))?;
            }
            writeln!(
                out,
                "  {:>6}  {:>7}  {:>+6.3}  {:>4.2}",
                g.failed,
                g.skipped,
                signed(g.mean_score(), 3),
                g.mean_confidence()
            )?;
        }
        Ok(())
    }

    fn write_axes(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "axis orientation per group (-1 all CIO, +1 all CTO; from the mean weights)"
        )?;
        let w = self.name_width();
        let widths: Vec<usize> = self.axes.iter().map(|a| a.len().max(6)).collect();
        write!(out, "{:<w$}", "GROUP")?;
        for (a, aw) in self.axes.iter().zip(&widths) {
            write!(out, "  {a:>aw$}")?;
        }
        writeln!(out)?;
        for g in self.rows() {
            write!(out, "{:<w$}", g.shown_name())?;
            for (i, aw) in widths.iter().enumerate() {
                write!(out, "  {:>+aw$.2}", signed(g.axis_mean(i).orientation(), 2))?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
        let aw = self.axes.iter().map(|a| a.len()).max().unwrap_or(4).max(4);
        writeln!(
            out,
            "{:<aw$}  {:>8}  {:>8}  {:>11}   (every posting)",
            "AXIS", "MEAN CIO", "MEAN CTO", "ORIENTATION"
        )?;
        for (i, a) in self.axes.iter().enumerate() {
            let m = self.all.axis_mean(i);
            writeln!(
                out,
                "{a:<aw$}  {:>8.3}  {:>8.3}  {:>+11.3}",
                m.cio,
                m.cto,
                signed(m.orientation(), 3)
            )?;
        }
        Ok(())
    }

    /// Writes the JSON document (`roletag summarize --format json`), with the `top`
    /// terms of each label in both orders.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write_json(&self, out: &mut impl Write, top: usize) -> io::Result<()> {
        let terms: Vec<(&str, LabelTermsJson<'_>)> = Label::ALL
            .iter()
            .map(|l| {
                let json = LabelTermsJson {
                    postings: self.all.count(*l),
                    by_contribution: self.term_json(*l, top, TermOrder::Contribution),
                    by_postings: self.term_json(*l, top, TermOrder::Postings),
                };
                (l.as_str(), json)
            })
            .collect();
        let doc = BreakdownJson {
            by: self.by.to_string(),
            depth: self.depth,
            root: self.root.as_deref(),
            postings: self.all.postings(),
            malformed: self.malformed,
            axes: &self.axes,
            all: GroupJson(self, &self.all),
            groups: self.groups.iter().map(|g| GroupJson(self, g)).collect(),
            terms: Ordered(terms),
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }

    fn term_json(&self, label: Label, top: usize, order: TermOrder) -> Vec<TermJson<'_>> {
        let n = self.all.count(label).max(1) as f64;
        self.top_terms(label, top, order)
            .into_iter()
            .map(|t| TermJson {
                term: &t.term,
                axis: &t.axis,
                pole: t.pole,
                postings: t.postings,
                hits: t.hits,
                share: round4(t.postings as f64 / n),
                contribution: round4(t.contribution),
            })
            .collect()
    }

    /// Writes one CSV row per group, then the `(all)` row: `group, postings, tagged,
    /// failed, skipped`, per label `<label>` and `<label>_share` (snake_case),
    /// `mean_score, mean_confidence, mean_cio, mean_cto, mean_core_evidence`, and per
    /// axis `<axis>_cio, <axis>_cto, <axis>_orientation`.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write_csv(&self, out: impl Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<String> = ["group", "postings", "tagged", "failed", "skipped"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for l in Label::ALL {
            let name = l.as_str().replace('-', "_");
            header.push(format!("{name}_share"));
            header.insert(header.len() - 1, name); // `cio_like, cio_like_share`
        }
        for m in ["score", "confidence", "cio", "cto", "core_evidence"] {
            header.push(format!("mean_{m}"));
        }
        for a in &self.axes {
            for s in ["cio", "cto", "orientation"] {
                header.push(format!("{a}_{s}"));
            }
        }
        w.write_record(&header)?;
        for g in self.groups.iter().chain([&self.all]) {
            let mut row = vec![
                g.name.clone(),
                g.postings().to_string(),
                g.tagged().to_string(),
                g.failed.to_string(),
                g.skipped.to_string(),
            ];
            for l in Label::ALL {
                row.push(g.count(l).to_string());
                row.push(round4(g.share(l)).to_string());
            }
            let m = g.mean_weights();
            for x in [
                g.mean_score(),
                g.mean_confidence(),
                m.cio,
                m.cto,
                g.mean_core_evidence(),
            ] {
                row.push(round4(x).to_string());
            }
            for i in 0..self.axes.len() {
                let a = g.axis_mean(i);
                for x in [a.cio, a.cto, a.orientation()] {
                    row.push(round4(x).to_string());
                }
            }
            w.write_record(&row)?;
        }
        w.flush()
    }
}

/// A map serialized in the order given (serde_json's own map would sort it).
struct Ordered<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Ordered<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct BreakdownJson<'a> {
    by: String,
    depth: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    root: Option<&'a str>,
    postings: u64,
    malformed: u64,
    axes: &'a [String],
    all: GroupJson<'a>,
    groups: Vec<GroupJson<'a>>,
    terms: Ordered<&'a str, LabelTermsJson<'a>>,
}

#[derive(Serialize)]
struct LabelTermsJson<'a> {
    postings: u64,
    by_contribution: Vec<TermJson<'a>>,
    by_postings: Vec<TermJson<'a>>,
}

#[derive(Serialize)]
struct TermJson<'a> {
    term: &'a str,
    axis: &'a str,
    pole: &'static str,
    postings: u64,
    share: f64,
    hits: u64,
    contribution: f64,
}

/// `{group, postings, tagged, failed, skipped, labels, mean, axes}`.
struct GroupJson<'a>(&'a Breakdown, &'a GroupStats);

#[derive(Serialize)]
struct CountShare {
    count: u64,
    share: f64,
}

#[derive(Serialize)]
struct MeanJson {
    score: f64,
    confidence: f64,
    cio: f64,
    cto: f64,
    core_evidence: f64,
}

#[derive(Serialize)]
struct AxisJson {
    cio: f64,
    cto: f64,
    orientation: f64,
}

impl Serialize for GroupJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let GroupJson(b, g) = self;
        let labels: Vec<(&str, CountShare)> = Label::ALL
            .iter()
            .map(|l| {
                let cs = CountShare {
                    count: g.count(*l),
                    share: round4(g.share(*l)),
                };
                (l.as_str(), cs)
            })
            .collect();
        let w = g.mean_weights();
        let axes: Vec<(&str, AxisJson)> = b
            .axes
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let m = g.axis_mean(i);
                let a = AxisJson {
                    cio: round4(m.cio),
                    cto: round4(m.cto),
                    orientation: round4(m.orientation()),
                };
                (name.as_str(), a)
            })
            .collect();
        let mut map = s.serialize_map(Some(9))?;
        map.serialize_entry("group", &g.name)?;
        if let Some(bytes) = &g.name_bytes {
            map.serialize_entry("group_bytes", bytes)?;
        }
        map.serialize_entry("postings", &g.postings())?;
        map.serialize_entry("tagged", &g.tagged())?;
        map.serialize_entry("failed", &g.failed)?;
        map.serialize_entry("skipped", &g.skipped)?;
        map.serialize_entry("labels", &Ordered(labels))?;
        let mean = MeanJson {
            score: round4(g.mean_score()),
            confidence: round4(g.mean_confidence()),
            cio: round4(w.cio),
            cto: round4(w.cto),
            core_evidence: round4(g.mean_core_evidence()),
        };
        map.serialize_entry("mean", &mean)?;
        map.serialize_entry("axes", &Ordered(axes))?;
        map.end()
    }
}
