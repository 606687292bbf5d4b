//! `html`: one self-contained page with charts, the top terms per label and a
//! table of postings, for a person reviewing a scan.
//!
//! The reporter keeps a compact summary of every posting and writes the page in
//! `finish`: the label bars, the scatter of postings on two axes and the score
//! histogram are inline SVG drawn here (they show without JavaScript); the data
//! is one JSON blob in a `<script type="application/json">`, from which a small
//! inline script builds the sortable, filterable table, opens a posting's
//! evidence and redraws the scatter on other axes. The page loads nothing from
//! anywhere: a Content-Security-Policy forbids it. Memory grows with the number
//! of postings (about 300 bytes each), unlike the streaming formats.
//!
//! The blob's `postings` are objects with short keys: `f` (index into `files`,
//! where a path that is not valid UTF-8 shows its other bytes as `\xff`), `pb`
//! (`path_bytes`, the raw bytes of such a path),
//! `r` (record), `id`, `t` (the record's title), `exp` (expected label), `l` (label index into `labels`),
//! `s` (score), `c` (confidence), `o` (orientation per axis, `null` without
//! evidence), `e` (`[term index, count, contribution]`, strongest first, at most
//! ten), `n` (terms matched), `err` and `skip` (failed or skipped), `w` (warnings).
//! `records` is true when some posting has an id or a title: the table then
//! has `id` and `title` columns after the path.

mod svg;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use self::svg::{AxisView, Bar, Point, BINS};
use super::{
    counted, evidence, round4, Context, Outcome, Record, Reporter, Summary, Tagged, VERSION,
};
use crate::engine::label::Label;
use crate::engine::lexicon::{Lexicon, TermId};

/// Evidence terms kept per posting for its evidence panel.
const EVIDENCE: usize = 10;
/// Terms listed per label in the top-terms tables.
const TOP_TERMS: usize = 10;
/// The stylesheet, inlined.
const STYLE: &str = include_str!("html/report.css");
/// The page's script, inlined.
const SCRIPT: &str = include_str!("html/report.js");

/// `--format html`.
pub struct Html<'a, W> {
    out: W,
    cx: Context<'a>,
    /// The files' paths as shown: `bad\xff.txt` for one that is not valid UTF-8.
    files: Vec<String>,
    /// Index in `files` by path and `path_bytes`, so that two paths that are the
    /// same once lossy stay two files.
    file_index: HashMap<(String, Option<Vec<u8>>), usize>,
    postings: Vec<Posting>,
    /// Per term, per label (in [`Label::ALL`] order): postings and summed contribution.
    term_stats: Vec<[TermStat; 4]>,
}

/// One posting as the page sees it; the module docs list the keys.
#[derive(Debug, Default, Serialize)]
struct Posting {
    f: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pb: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    l: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    c: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    o: Vec<Option<f64>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    e: Vec<(TermId, u32, f64)>,
    #[serde(skip_serializing_if = "is_zero")]
    n: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    err: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    skip: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    w: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Clone, Copy, Debug, Default)]
struct TermStat {
    postings: u64,
    contribution: f64,
}

impl<'a, W: Write> Html<'a, W> {
    /// An HTML reporter on `out`; writes nothing until [`Reporter::finish`].
    pub fn new(out: W, cx: Context<'a>) -> Self {
        Html {
            out,
            cx,
            files: Vec::new(),
            file_index: HashMap::new(),
            postings: Vec::new(),
            term_stats: vec![[TermStat::default(); 4]; cx.lexicon.terms.len()],
        }
    }

    fn file(&mut self, path: &str, bytes: Option<&[u8]>) -> usize {
        let key = (path.to_string(), bytes.map(<[u8]>::to_vec));
        if let Some(&i) = self.file_index.get(&key) {
            return i;
        }
        self.files
            .push(bytes.map_or_else(|| path.to_string(), super::escape_bytes));
        self.file_index.insert(key, self.files.len() - 1);
        self.files.len() - 1
    }

    fn tagged(&mut self, p: &mut Posting, t: &Tagged) {
        let label = label_index(t.tagging.label);
        p.l = Some(label);
        p.s = Some(round4(t.tagging.score));
        p.c = Some(round4(t.tagging.confidence));
        p.o = t
            .scores
            .axes
            .iter()
            .map(|w| (w.total() > 0.0).then(|| round3(w.orientation())))
            .collect();
        let ev = evidence(&self.cx, &t.scores);
        p.n = ev.len();
        for (tally, contribution) in &ev {
            if let Some(stat) = self.term_stats.get_mut(tally.term) {
                stat[label].postings += 1;
                stat[label].contribution += contribution;
            }
        }
        p.e = ev
            .iter()
            .take(EVIDENCE)
            .map(|(tally, c)| (tally.term, tally.count, round4(*c)))
            .collect();
    }
}

impl<W: Write> Reporter for Html<'_, W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let mut p = Posting {
            f: self.file(&r.path, r.path_bytes.as_deref()),
            pb: r.path_bytes.clone(),
            r: r.record,
            id: r.id.clone(),
            t: r.title.clone(),
            exp: r.expected.clone(),
            w: r.warnings.clone(),
            ..Posting::default()
        };
        match &r.outcome {
            Outcome::Tagged(t) => self.tagged(&mut p, t),
            Outcome::Failed(msg) => p.err = Some(msg.clone()),
            Outcome::Skipped(msg) => {
                p.err = Some(msg.clone());
                p.skip = true;
            }
        }
        self.postings.push(p);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let page = self.page(summary)?;
        self.out.write_all(page.as_bytes())?;
        self.out.flush()
    }
}

/// Index of a label in [`Label::ALL`], which is also its CSS class `l<i>`.
fn label_index(label: Label) -> usize {
    Label::ALL.iter().position(|l| *l == label).unwrap_or(3)
}

/// Rounds an orientation to 3 decimals (plenty for a plot); never `-0`.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0 + 0.0
}

/// Escapes text for HTML content and quoted attributes.
pub(super) fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON that is safe inside `<script>`: `<` only occurs in strings, where `\u003c`
/// means the same, so no `</script>` or `<!--` can end or confuse the element.
fn script_json<T: Serialize>(value: &T) -> io::Result<String> {
    Ok(serde_json::to_string(value)?.replace('<', "\\u003c"))
}

/// A pole or axis name as people read it: `bottom_line` is `bottom line`.
fn display(name: &str) -> String {
    name.replace('_', " ")
}

/// A scatter axis: the overall score, or one lexicon axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    Score,
    Axis(usize),
}

impl Pick {
    /// The issue's default: `focus` against `financial` when the lexicon has them.
    fn defaults(lex: &Lexicon) -> (Pick, Pick) {
        let find = |name: &str| lex.axes.iter().position(|a| a.name == name);
        let x = find("focus").or((!lex.axes.is_empty()).then_some(0));
        let y = find("financial").or_else(|| (0..lex.axes.len()).find(|&k| Some(k) != x));
        (
            x.map_or(Pick::Score, Pick::Axis),
            y.map_or(Pick::Score, Pick::Axis),
        )
    }

    /// As the page's data says it: the axis index, -1 for the score.
    fn as_index(self) -> i64 {
        match self {
            Pick::Score => -1,
            Pick::Axis(k) => k as i64,
        }
    }

    /// Title and pole names.
    fn view(self, lex: &Lexicon) -> (String, String, String) {
        match self.axis(lex) {
            Some(a) => (display(&a.name), display(&a.cio), display(&a.cto)),
            None => (
                "score (all axes)".into(),
                "CIO-like".into(),
                "CTO-like".into(),
            ),
        }
    }

    fn axis(self, lex: &Lexicon) -> Option<&crate::engine::lexicon::Axis> {
        match self {
            Pick::Score => None,
            Pick::Axis(k) => lex.axes.get(k),
        }
    }

    /// A posting's value on this axis, as the page computes it from the blob.
    fn value(self, p: &Posting) -> f64 {
        match self {
            Pick::Score => p.s.unwrap_or(0.0),
            Pick::Axis(k) => p.o.get(k).copied().flatten().unwrap_or(0.0),
        }
    }
}

#[derive(Serialize)]
struct Data<'a> {
    labels: [&'static str; 4],
    axes: Vec<AxisData>,
    terms: Vec<(&'a str, usize, &'static str)>,
    files: &'a [String],
    margin: f64,
    plot: PlotData,
    x: i64,
    y: i64,
    /// Whether the table has `id` and `title` columns (some posting has one).
    records: bool,
    postings: &'a [Posting],
}

#[derive(Serialize)]
struct AxisData {
    name: String,
    title: String,
    low: String,
    high: String,
}

#[derive(Serialize)]
struct PlotData {
    left: f64,
    top: f64,
    size: f64,
    spacing: f64,
    pile: f64,
    pile_label: usize,
}

impl<W: Write> Html<'_, W> {
    fn page(&self, summary: &Summary) -> io::Result<String> {
        let lex = self.cx.lexicon;
        let mut html = String::with_capacity(4096 + 400 * self.postings.len());
        self.head(&mut html, summary);
        html.push_str(r#"<main><div class="charts">"#);
        html.push_str(&self.labels_section(summary));
        html.push_str(&self.histogram_section());
        html.push_str(&self.scatter_section());
        html.push_str(&self.terms_section());
        html.push_str("</div>");
        html.push_str(&self.table_section(summary));
        html.push_str("</main>\n");
        let data = self.data(lex);
        let _ = write!(
            html,
            "<script type=\"application/json\" id=\"data\">{}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
            script_json(&data)?
        );
        Ok(html)
    }

    fn data<'s>(&'s self, lex: &'s Lexicon) -> Data<'s> {
        let (x, y) = Pick::defaults(lex);
        Data {
            labels: Label::ALL.map(Label::as_str),
            axes: lex
                .axes
                .iter()
                .enumerate()
                .map(|(k, a)| {
                    let (title, low, high) = Pick::Axis(k).view(lex);
                    AxisData {
                        name: a.name.clone(),
                        title,
                        low,
                        high,
                    }
                })
                .collect(),
            terms: lex
                .terms
                .iter()
                .map(|t| (t.name.as_str(), t.axis, t.pole.as_str()))
                .collect(),
            files: &self.files,
            margin: self.cx.thresholds.blend_margin,
            plot: PlotData {
                left: svg::LEFT,
                top: svg::TOP,
                size: svg::SIZE,
                spacing: svg::SPACING,
                pile: svg::PILE,
                pile_label: svg::PILE_LABEL,
            },
            x: x.as_index(),
            y: y.as_index(),
            records: self.has_records(),
            postings: &self.postings,
        }
    }

    fn head(&self, html: &mut String, summary: &Summary) {
        let lex = self.cx.lexicon;
        let th = self.cx.thresholds;
        let hash: String = lex.hash.chars().take(19).collect();
        let _ = write!(
            html,
            r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="roletag {VERSION}">
<title>roletag report: {postings}</title>
<style>
{STYLE}</style>
</head>
<body>
<pre id="errors"></pre>
<script>
window.addEventListener('error', function (e) {{ document.getElementById('errors').textContent += 'error: ' + e.message + ' (line ' + e.lineno + ')\n'; }});
window.addEventListener('unhandledrejection', function (e) {{ document.getElementById('errors').textContent += 'unhandled rejection: ' + e.reason + '\n'; }});
</script>
<header>
<h1>roletag report</h1>
<p class="meta">{inputs} · lexicon <b>{name}</b> {version} <code title="{full}">{hash}…</code> · blended within ±{margin:.2} (each side at least {floor:.2} of the evidence needed) · unclassified below {min:.2} evidence at 250 words (length exponent {gamma:.2}, {terms} terms) · roletag {VERSION}</p>
</header>
"#,
            postings = counted(summary.inputs(), "posting"),
            inputs = counted(summary.inputs(), "input"),
            name = esc(&lex.name),
            version = esc(&lex.version),
            full = esc(&lex.hash),
            hash = esc(&hash),
            margin = th.blend_margin,
            floor = th.blend_floor,
            min = th.min_evidence,
            gamma = th.length_exponent,
            terms = th.min_terms,
        );
    }

    fn labels_section(&self, summary: &Summary) -> String {
        let mut bars: Vec<Bar<'_>> = Label::ALL
            .iter()
            .enumerate()
            .map(|(k, l)| Bar {
                name: l.as_str(),
                class: ["l0", "l1", "l2", "l3"][k],
                count: summary.count(*l),
            })
            .collect();
        for (name, count) in [("failed", summary.failed), ("skipped", summary.skipped)] {
            if count > 0 {
                bars.push(Bar {
                    name,
                    class: "err",
                    count,
                });
            }
        }
        format!(
            r#"<section id="labels"><h2>Labels</h2>{}<p class="caption">{}: {} tagged, {} failed, {} skipped. Percentages are of all inputs.</p></section>"#,
            svg::label_bars(&bars, summary.inputs()),
            counted(summary.inputs(), "input"),
            summary.tagged(),
            summary.failed,
            summary.skipped
        )
    }

    fn histogram_section(&self) -> String {
        let mut bins = [[0u64; 4]; BINS];
        let mut tagged = 0;
        for p in &self.postings {
            if let (Some(l), Some(s)) = (p.l, p.s) {
                bins[svg::bin(s)][l] += 1;
                tagged += 1;
            }
        }
        let m = self.cx.thresholds.blend_margin;
        format!(
            r#"<section id="histogram-section"><h2>Scores</h2>{}{}<p class="caption">The score of each of the {tagged} tagged postings, (cto − cio) / (cto + cio) over all axes, in bins of 0.1, stacked by label. Inside the shaded band (|score| ≤ {m:.2}) a posting is blended; anywhere, too little evidence leaves it unclassified.</p></section>"#,
            legend(),
            svg::histogram(&bins, m)
        )
    }

    fn scatter_section(&self) -> String {
        let lex = self.cx.lexicon;
        let (x, y) = Pick::defaults(lex);
        let points: Vec<Point> = self
            .postings
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.l.map(|label| Point {
                    i,
                    label,
                    x: x.value(p),
                    y: y.value(p),
                })
            })
            .collect();
        let (xt, xl, xh) = x.view(lex);
        let (yt, yl, yh) = y.view(lex);
        let xv = AxisView {
            title: &xt,
            low: &xl,
            high: &xh,
        };
        let yv = AxisView {
            title: &yt,
            low: &yl,
            high: &yh,
        };
        let m = self.cx.thresholds.blend_margin;
        let band = svg::band(m, x == Pick::Score, y == Pick::Score);
        let pile = svg::PILE_LABEL;
        format!(
            r#"<section id="scatter"><h2>Postings on two axes</h2><div class="pickers"><label>horizontal {} </label><label>vertical {} </label></div>{}{}<p class="caption">Each point is a tagged posting, placed by its orientation (cto − cio) / (cto + cio) on each axis: −1 when all its evidence on the axis is for the CIO pole, +1 when all is for the CTO pole, 0 when balanced or when it has none there. Postings at the same place (many have all their evidence on an axis for one pole, or none) are spread around it in a square, one point each, so its area shows how many there are; piles of {pile} or more (and at least 1% of the postings) are labelled with their count, and a point's tooltip says how many share its place. Click a point to open its evidence. The shaded band is where the mean of the two orientations is within ±{m:.2}: the blended band if these two axes were all the evidence and weighed the same. The label weighs every axis, so a point's colour, not its place, says whether it is blended; pick <i>score</i> on an axis to see the exact band.</p></section>"#,
            picker("x-axis", lex, x),
            picker("y-axis", lex, y),
            legend(),
            svg::scatter(&points, &xv, &yv, &band)
        )
    }

    fn terms_section(&self) -> String {
        let mut html = String::from(
            r#"<section id="terms"><h2>Top evidence terms by label</h2><div class="cards">"#,
        );
        for (k, label) in Label::ALL.iter().enumerate() {
            html.push_str(&self.terms_card(k, *label));
        }
        html.push_str(r#"</div><p class="caption">Terms ranked by their summed contribution to the scores of the label's postings (negative for CIO terms). <i>avg</i> is that sum over the label's postings; <i>in</i> counts the postings the term matched.</p></section>"#);
        html
    }

    fn terms_card(&self, k: usize, label: Label) -> String {
        let lex = self.cx.lexicon;
        let count = self.postings.iter().filter(|p| p.l == Some(k)).count();
        let mut top: Vec<(TermId, TermStat)> = self
            .term_stats
            .iter()
            .enumerate()
            .map(|(id, s)| (id, s[k]))
            .filter(|(_, s)| s.postings > 0)
            .collect();
        top.sort_by(|a, b| {
            b.1.contribution
                .abs()
                .total_cmp(&a.1.contribution.abs())
                .then_with(|| lex.terms[a.0].name.cmp(&lex.terms[b.0].name))
        });
        top.truncate(TOP_TERMS);
        let mut html = format!(
            r#"<div class="card"><h3><span class="sw l{k}"></span>{} <small>{}</small></h3>"#,
            label.as_str(),
            counted(count as u64, "posting")
        );
        if top.is_empty() {
            html.push_str(r#"<p class="none">No evidence.</p></div>"#);
            return html;
        }
        html.push_str(r#"<table class="top"><thead><tr><th>term <small>axis · pole</small></th><th class="num">in</th><th>avg</th></tr></thead><tbody>"#);
        let max = top[0].1.contribution.abs().max(f64::MIN_POSITIVE);
        for (id, s) in &top {
            let term = &lex.terms[*id];
            let axis = &lex.axes[term.axis];
            let pole = term.pole.as_str();
            let pole_name = if pole == "cio" { &axis.cio } else { &axis.cto };
            let avg = s.contribution / count.max(1) as f64;
            let width = 100.0 * s.contribution.abs() / max;
            let _ = write!(
                html,
                r#"<tr><td class="term {pole}">{}<small>{} · {}</small></td><td class="num">{}</td><td class="avg"><span class="bar {pole}" style="width:{width:.0}%"></span>{avg:+.3}</td></tr>"#,
                esc(&term.name),
                esc(&display(&axis.name)),
                esc(&display(pole_name)),
                s.postings
            );
        }
        html.push_str("</tbody></table></div>");
        html
    }

    /// True when some posting has an id or a title: the postings of record
    /// files, whose paths alone (`postings.jsonl#N`) do not tell them apart.
    fn has_records(&self) -> bool {
        self.postings
            .iter()
            .any(|p| p.id.is_some() || p.t.is_some())
    }

    fn table_section(&self, summary: &Summary) -> String {
        let mut options = String::new();
        for l in Label::ALL {
            let _ = write!(options, r#"<option value="{0}">{0}</option>"#, l.as_str());
        }
        format!(
            r#"<section id="postings"><h2>Postings</h2><div class="controls"><input id="filter" type="search" placeholder="filter by path, id, title, term or error" aria-label="filter postings"><select id="label-filter" aria-label="label"><option value="">every label</option>{options}<option value="error">failed or skipped</option></select><span id="shown">{n}</span></div><table id="postings-table"><thead><tr><th data-key="path">path</th>{record_heads}<th data-key="label">label</th><th data-key="score" class="num">score</th><th data-key="confidence" class="num">confidence</th><th>strongest terms</th></tr></thead><tbody></tbody></table><noscript><p class="caption">The table needs JavaScript. <code>--format json</code> has the same postings.</p></noscript><p class="caption">Click a column to sort, a row to open its evidence. The page reads <code>#sort=score&amp;dir=desc&amp;filter=erp&amp;label=cto-like&amp;x=domain&amp;y=horizon&amp;open=3</code> from its address.</p></section>"#,
            n = counted(summary.inputs(), "posting"),
            record_heads = if self.has_records() {
                r#"<th data-key="id">id</th><th data-key="title">title</th>"#
            } else {
                ""
            }
        )
    }
}

/// The scatter's axis picker, `selected` on the default.
fn picker(id: &str, lex: &Lexicon, pick: Pick) -> String {
    let mut html = format!(r#"<select id="{id}">"#);
    let sel = |p: Pick| if p == pick { " selected" } else { "" };
    let _ = write!(
        html,
        r#"<option value="score"{}>score (all axes)</option>"#,
        sel(Pick::Score)
    );
    for (k, a) in lex.axes.iter().enumerate() {
        let _ = write!(
            html,
            r#"<option value="{}"{}>{}: {} ↔ {}</option>"#,
            esc(&a.name),
            sel(Pick::Axis(k)),
            esc(&display(&a.name)),
            esc(&display(&a.cio)),
            esc(&display(&a.cto))
        );
    }
    html.push_str("</select>");
    html
}

/// Colour key for the labels.
fn legend() -> String {
    let mut html = String::from(r#"<ul class="legend">"#);
    for (k, l) in Label::ALL.iter().enumerate() {
        let _ = write!(
            html,
            r#"<li><span class="sw l{k}"></span>{}</li>"#,
            l.as_str()
        );
    }
    html.push_str("</ul>");
    html
}

#[cfg(test)]
mod tests;
