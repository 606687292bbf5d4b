//! A small SVG writer and the HTML report's three charts: the label bars, the
//! scatter of postings on two axes, and the histogram of scores.
//!
//! Input is plain numbers and names; output is an inline `<svg>` element as a
//! string, every text escaped. Colours come from CSS classes (`l0`..`l3` for the
//! labels in [`Label::ALL`](crate::engine::label::Label::ALL) order, `err` for failures),
//! so the page's stylesheet owns the palette. Coordinates are rounded to 0.1 px.
//! The scatter's geometry and jitter are shared with the page's script, which
//! moves the points when the user picks other axes: change both together.

use std::fmt::{self, Write as _};

use super::esc;

/// Scatter plot: left edge of the plotting square, in px.
pub(super) const LEFT: f64 = 78.0;
/// Scatter plot: top edge of the plotting square, in px.
pub(super) const TOP: f64 = 16.0;
/// Scatter plot: side of the plotting square, in px (orientation -1 to 1).
pub(super) const SIZE: f64 = 400.0;

/// An `<svg>` element being written.
pub(super) struct Svg {
    buf: String,
}

impl Svg {
    /// Opens an SVG of `width` x `height` px with an id and an accessible name.
    pub(super) fn new(width: f64, height: f64, id: &str, name: &str) -> Svg {
        let mut svg = Svg { buf: String::new() };
        svg.raw(format_args!(
            r#"<svg id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{name}">"#,
            id = esc(id),
            w = px(width),
            h = px(height),
            name = esc(name),
        ));
        svg
    }

    fn raw(&mut self, args: fmt::Arguments<'_>) {
        // Writing to a String cannot fail.
        let _ = self.buf.write_fmt(args);
    }

    /// A rectangle, with a tooltip when `title` is not empty.
    pub(super) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, title: &str) {
        self.raw(format_args!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="{class}""#,
            px(x),
            px(y),
            px(w.max(0.0)),
            px(h.max(0.0))
        ));
        if title.is_empty() {
            self.buf.push_str("/>");
        } else {
            self.raw(format_args!("><title>{}</title></rect>", esc(title)));
        }
    }

    /// A line segment.
    pub(super) fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
        self.raw(format_args!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}"/>"#,
            px(x1),
            px(y1),
            px(x2),
            px(y2)
        ));
    }

    /// Text anchored at `start`, `middle` or `end`; `rotate` turns it -90 degrees about (x, y).
    pub(super) fn text(
        &mut self,
        (x, y): (f64, f64),
        anchor: &str,
        class: &str,
        id: &str,
        s: &str,
    ) {
        let (x, y) = (px(x), px(y));
        self.raw(format_args!(
            r#"<text x="{x}" y="{y}" text-anchor="{anchor}""#
        ));
        if !class.is_empty() {
            self.raw(format_args!(r#" class="{class}""#));
        }
        if !id.is_empty() {
            self.raw(format_args!(r#" id="{id}""#));
        }
        self.raw(format_args!(">{}</text>", esc(s)));
    }

    /// Text turned -90 degrees about (x, y), for a vertical axis.
    pub(super) fn vtext(
        &mut self,
        (x, y): (f64, f64),
        anchor: &str,
        class: &str,
        id: &str,
        s: &str,
    ) {
        let (x, y) = (px(x), px(y));
        self.raw(format_args!(
            r#"<text x="{x}" y="{y}" text-anchor="{anchor}" transform="rotate(-90 {x} {y})" class="{class}" id="{id}">{}</text>"#,
            esc(s)
        ));
    }

    /// A point of the scatter: posting `i`, label class `class`.
    pub(super) fn point(&mut self, (cx, cy): (f64, f64), class: &str, i: usize) {
        self.raw(format_args!(
            r#"<circle cx="{}" cy="{}" r="3.5" class="{class}" data-i="{i}"/>"#,
            px(cx),
            px(cy)
        ));
    }

    /// A closed polygon.
    pub(super) fn polygon(&mut self, points: &[(f64, f64)], class: &str, id: &str) {
        let pts: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", px(x), px(y)))
            .collect();
        self.raw(format_args!(
            r#"<polygon points="{}" class="{class}" id="{id}"/>"#,
            pts.join(" ")
        ));
    }

    /// Opens a group; close it with [`Svg::end_group`].
    pub(super) fn group(&mut self, id: &str) {
        self.raw(format_args!(r#"<g id="{id}">"#));
    }

    /// Closes the group opened last.
    pub(super) fn end_group(&mut self) {
        self.buf.push_str("</g>");
    }

    /// Closes the element and returns the markup.
    pub(super) fn finish(mut self) -> String {
        self.buf.push_str("</svg>");
        self.buf
    }
}

/// Rounds a coordinate to 0.1 px, never `-0`. The page's script rounds the same way.
pub(super) fn px(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

/// Where each point of the scatter is drawn, and the piles to label, for the
/// orientations (x, y) in [-1, 1] of the tagged postings in report order.
///
/// Real postings pile up: thousands have all their evidence on one axis for one
/// pole, or none, so they share one of a few places (issue 16: nine piles). The
/// postings at one place (to 0.1 px) are laid out around it in a square spiral,
/// one point each in report order, so a pile's area grows with its count and its
/// colours mix as its labels do. The spacing is [`SPACING`] px, smaller when the
/// largest pile would span more than [`PILE`] px. Piles of [`PILE_LABEL`] or more
/// postings, and at least 1% of them, are returned as (centre, count), in the
/// order they reach that count, to be labelled (smaller ones would crowd the
/// larger ones' labels). Only `+`, `*`, `/`, `sqrt` and rounding are used, so the page's
/// script, which redraws the points on other axes, computes the same pixels.
pub(super) fn layout(points: &[(f64, f64)]) -> (Vec<(f64, f64)>, Vec<Pile>) {
    use std::collections::HashMap;
    let key = |(cx, cy): (f64, f64)| ((cx * 10.0).round() as i64, (cy * 10.0).round() as i64);
    let centres: Vec<(f64, f64)> = points
        .iter()
        .map(|&(x, y)| {
            (
                px(LEFT + (x + 1.0) / 2.0 * SIZE),
                px(TOP + (1.0 - y) / 2.0 * SIZE),
            )
        })
        .collect();
    let mut count: HashMap<(i64, i64), usize> = HashMap::new();
    let mut piles = Vec::new();
    let labelled = PILE_LABEL.max(centres.len().div_ceil(100));
    for &c in &centres {
        let n = count.entry(key(c)).or_default();
        *n += 1;
        if *n == labelled {
            piles.push(c);
        }
    }
    let largest = count.values().copied().max().unwrap_or(1) as f64;
    let spacing = SPACING.min(PILE / largest.sqrt().ceil());
    let mut walks: HashMap<(i64, i64), Spiral> = HashMap::new();
    let placed = centres
        .iter()
        .map(|&(cx, cy)| {
            let (gx, gy) = walks.entry(key((cx, cy))).or_default().next();
            (
                px(cx + f64::from(gx) * spacing),
                px(cy + f64::from(gy) * spacing),
            )
        })
        .collect();
    let piles = piles.into_iter().map(|c| (c, count[&key(c)])).collect();
    (placed, piles)
}

/// A pile of the scatter to label: its centre in px and how many postings it holds.
pub(super) type Pile = ((f64, f64), usize);

/// Scatter: the points of a pile are this far apart, in px, at most.
pub(super) const SPACING: f64 = 3.0;
/// Scatter: the largest pile spans about this many px.
pub(super) const PILE: f64 = 96.0;
/// Scatter: piles of this many postings or more (and 1% of the postings) are
/// labelled with their count.
pub(super) const PILE_LABEL: usize = 10;

/// The cells of a square spiral from (0, 0): right 1, up 1, left 2, down 2,
/// right 3, ... (up is -y, as in SVG). The page's `spiral` walks the same way.
#[derive(Default)]
struct Spiral {
    at: (i32, i32),
    /// Cells returned so far.
    taken: u32,
    /// Sides started so far: side `k` goes `k / 2 + 1` steps in direction `k % 4`.
    sides: u32,
    /// Steps left on the current side.
    left: u32,
}

impl Spiral {
    /// The next cell: (0, 0) first.
    fn next(&mut self) -> (i32, i32) {
        if self.taken > 0 {
            if self.left == 0 {
                self.left = self.sides / 2 + 1;
                self.sides += 1;
            }
            let (dx, dy) = [(1, 0), (0, -1), (-1, 0), (0, 1)][((self.sides - 1) % 4) as usize];
            self.at = (self.at.0 + dx, self.at.1 + dy);
            self.left -= 1;
        }
        self.taken += 1;
        self.at
    }
}

/// One bar of the label chart.
pub(super) struct Bar<'a> {
    /// What is counted (`cio-like`, `failed`).
    pub(super) name: &'a str,
    /// CSS class for the colour.
    pub(super) class: &'a str,
    /// How many.
    pub(super) count: u64,
}

/// Horizontal bars, one per label (and failures), with count and share of `total`.
pub(super) fn label_bars(bars: &[Bar<'_>], total: u64) -> String {
    const NAME: f64 = 112.0;
    const ROW: f64 = 30.0;
    const BAR: f64 = 300.0;
    let height = ROW * bars.len() as f64 + 8.0;
    let mut svg = Svg::new(
        NAME + BAR + 110.0,
        height,
        "label-chart",
        "postings per label",
    );
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    for (k, b) in bars.iter().enumerate() {
        let y = 4.0 + ROW * k as f64;
        let w = BAR * b.count as f64 / max as f64;
        let share = 100.0 * b.count as f64 / total.max(1) as f64;
        svg.text((NAME - 10.0, y + 19.0), "end", "name", "", b.name);
        svg.rect(NAME, y + 4.0, w, ROW - 8.0, b.class, "");
        let note = format!("{}  ({share:.1}%)", b.count);
        svg.text((NAME + w + 8.0, y + 19.0), "start", "count", "", &note);
    }
    svg.finish()
}

/// One axis of the scatter, as shown.
pub(super) struct AxisView<'a> {
    /// Axis title (`focus`).
    pub(super) title: &'a str,
    /// Name of the pole at -1 (`inward`).
    pub(super) low: &'a str,
    /// Name of the pole at +1 (`outward`).
    pub(super) high: &'a str,
}

/// One posting in the scatter: its index in the report, label class, and orientations.
pub(super) struct Point {
    /// Index of the posting in the report's data.
    pub(super) i: usize,
    /// Label index in [`Label::ALL`](crate::engine::label::Label::ALL) order.
    pub(super) label: usize,
    /// Orientation on the horizontal axis.
    pub(super) x: f64,
    /// Orientation on the vertical axis.
    pub(super) y: f64,
}

/// The scatter of postings on two axes over the blended band, whose corners
/// (in orientation units) come from [`band`].
pub(super) fn scatter(
    points: &[Point],
    x: &AxisView<'_>,
    y: &AxisView<'_>,
    band: &[(f64, f64)],
) -> String {
    let (w, h) = (LEFT + SIZE + 24.0, TOP + SIZE + 64.0);
    let mut svg = Svg::new(w, h, "scatter-plot", "postings on two axes");
    let (l, t, r, b) = (LEFT - 8.0, TOP - 8.0, LEFT + SIZE + 8.0, TOP + SIZE + 8.0);
    svg.rect(l, t, r - l, b - t, "frame", "");
    let corners: Vec<(f64, f64)> = band
        .iter()
        .map(|&(bx, by)| {
            (
                LEFT + (bx + 1.0) / 2.0 * SIZE,
                TOP + (1.0 - by) / 2.0 * SIZE,
            )
        })
        .collect();
    svg.polygon(&corners, "band", "scatter-band");
    for k in 0..=4 {
        let v = LEFT + SIZE * f64::from(k) / 4.0;
        let hv = TOP + SIZE * f64::from(k) / 4.0;
        let class = if k == 2 { "zero" } else { "grid" };
        svg.line((v, t), (v, b), class);
        svg.line((l, hv), (r, hv), class);
    }
    let (placed, piles) = layout(&points.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>());
    svg.group("scatter-points");
    // Unclassified first, so the labelled postings are drawn on top of them.
    let order = [3, 0, 1, 2];
    for label in order {
        for (p, &at) in points.iter().zip(&placed).filter(|(p, _)| p.label == label) {
            svg.point(at, &format!("l{label}"), p.i);
        }
    }
    svg.end_group();
    svg.group("scatter-piles");
    for ((cx, cy), n) in piles {
        svg.text((cx, cy + 4.0), "middle", "pile", "", &n.to_string());
    }
    svg.end_group();
    let below = b + 20.0;
    svg.text(
        (LEFT, below),
        "start",
        "pole",
        "sx-low",
        &format!("← {}", x.low),
    );
    svg.text(
        (LEFT + SIZE, below),
        "end",
        "pole",
        "sx-high",
        &format!("{} →", x.high),
    );
    svg.text(
        (LEFT + SIZE / 2.0, below + 22.0),
        "middle",
        "title",
        "sx-title",
        x.title,
    );
    let side = l - 12.0;
    svg.vtext(
        (side, TOP + SIZE),
        "start",
        "pole",
        "sy-low",
        &format!("← {}", y.low),
    );
    svg.vtext(
        (side, TOP),
        "end",
        "pole",
        "sy-high",
        &format!("{} →", y.high),
    );
    svg.vtext(
        (side - 24.0, TOP + SIZE / 2.0),
        "middle",
        "title",
        "sy-title",
        y.title,
    );
    svg.finish()
}

/// The blended band in orientation units: the anti-diagonal `|x + y| / 2 <= margin`
/// clipped to the square, or a stripe `|x| <= margin` (`|y| <= margin`) when the
/// horizontal (vertical) axis is the score itself.
pub(super) fn band(margin: f64, x_is_score: bool, y_is_score: bool) -> Vec<(f64, f64)> {
    let m = margin.clamp(0.0, 1.0);
    if x_is_score {
        return vec![(-m, -1.0), (-m, 1.0), (m, 1.0), (m, -1.0)];
    }
    if y_is_score {
        return vec![(-1.0, -m), (-1.0, m), (1.0, m), (1.0, -m)];
    }
    let c = 2.0 * m;
    vec![
        (-1.0, 1.0 - c),
        (-1.0, 1.0),
        (c - 1.0, 1.0),
        (1.0, c - 1.0),
        (1.0, -1.0),
        (1.0 - c, -1.0),
    ]
}

/// Bins of the score histogram: 20 bins of 0.1 over [-1, 1].
pub(super) const BINS: usize = 20;

/// The bin of a score in [-1, 1] (1 falls in the last bin). Counted in steps of
/// 0.0001, the report's precision, so that -0.9 is on its bin's edge, not below it.
pub(super) fn bin(score: f64) -> usize {
    let steps = ((score.clamp(-1.0, 1.0) + 1.0) * 10_000.0).round() as usize;
    (steps / (20_000 / BINS)).min(BINS - 1)
}

/// The histogram of scores: bars stacked by label, the blended band shaded.
pub(super) fn histogram(bins: &[[u64; 4]; BINS], margin: f64) -> String {
    const L: f64 = 52.0;
    const T: f64 = 22.0;
    const W: f64 = 440.0;
    const H: f64 = 220.0;
    let mut svg = Svg::new(
        L + W + 20.0,
        T + H + 56.0,
        "histogram",
        "histogram of scores",
    );
    let max = bins
        .iter()
        .map(|b| b.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let step = tick_step(max);
    let top = (max.div_ceil(step) * step).max(step) as f64;
    let xs = |s: f64| L + (s + 1.0) / 2.0 * W;
    let ys = |n: f64| T + H - n / top * H;
    let m = margin.clamp(0.0, 1.0);
    let title = format!("blended: score within ±{m:.2}");
    svg.rect(xs(-m), T, xs(m) - xs(-m), H, "band", &title);
    svg.text(
        (xs(0.0), T - 8.0),
        "middle",
        "band-note",
        "",
        &format!("blended ±{m:.2}"),
    );
    let mut n = 0;
    while n <= top as u64 {
        svg.line((L, ys(n as f64)), (L + W, ys(n as f64)), "grid");
        svg.text(
            (L - 6.0, ys(n as f64) + 4.0),
            "end",
            "tick",
            "",
            &n.to_string(),
        );
        n += step;
    }
    let names = ["cio-like", "cto-like", "blended", "unclassified"];
    let bw = W / BINS as f64;
    for (k, counts) in bins.iter().enumerate() {
        let lo = -1.0 + 2.0 * k as f64 / BINS as f64;
        let mut base = 0.0;
        for label in 0..4 {
            let c = counts[label] as f64;
            if c > 0.0 {
                let tip = format!("{lo:+.1} to {:+.1}: {c} {}", lo + 0.1, names[label]);
                let class = format!("l{label}");
                svg.rect(
                    xs(lo) + 1.0,
                    ys(base + c),
                    bw - 2.0,
                    ys(base) - ys(base + c),
                    &class,
                    &tip,
                );
            }
            base += c;
        }
    }
    svg.line((L, T + H), (L + W, T + H), "axis");
    for (s, tick) in [
        (-1.0, "−1"),
        (-0.5, "−0.5"),
        (0.0, "0"),
        (0.5, "+0.5"),
        (1.0, "+1"),
    ] {
        svg.text((xs(s), T + H + 16.0), "middle", "tick", "", tick);
    }
    svg.text((L, T + H + 38.0), "start", "pole", "", "← CIO-like");
    svg.text((L + W, T + H + 38.0), "end", "pole", "", "CTO-like →");
    svg.text((L + W / 2.0, T + H + 38.0), "middle", "title", "", "score");
    svg.finish()
}

/// A round step for about four to eight gridlines up to `max`.
fn tick_step(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for f in [1, 2, 5] {
            if max / (step * f) <= 6 {
                return step * f;
            }
        }
        step *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spiral_walks_square_rings_around_its_start() {
        let mut s = Spiral::default();
        let cells: Vec<(i32, i32)> = (0..10).map(|_| s.next()).collect();
        assert_eq!(
            cells,
            [
                (0, 0),
                (1, 0),
                (1, -1),
                (0, -1),
                (-1, -1),
                (-1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
                (2, 1)
            ]
        );
        let mut s = Spiral::default();
        let mut seen: Vec<(i32, i32)> = (0..49).map(|_| s.next()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 49, "no cell twice");
        assert!(
            seen.iter().all(|&(x, y)| x.abs() <= 3 && y.abs() <= 3),
            "49 cells fill 7 x 7"
        );
    }

    #[test]
    fn piles_spread_into_squares_that_grow_with_their_count() {
        // 100 postings at (-1, 0), 9 at (1, 1), one at (0.5, -0.5).
        let mut points = vec![(-1.0, 0.0); 100];
        points.extend([(1.0, 1.0); 9]);
        points.push((0.5, -0.5));
        let (placed, piles) = layout(&points);
        let centre = (LEFT, TOP + SIZE / 2.0);
        assert_eq!(
            piles,
            [(centre, 100)],
            "only piles of 10 or more are labelled"
        );
        // Among 2,000 postings only piles of 20 or more are.
        let mut many = vec![(0.0, 0.0); 1981];
        many.extend([(1.0, 1.0); 19]);
        assert_eq!(
            layout(&many).1,
            [((LEFT + SIZE / 2.0, TOP + SIZE / 2.0), 1981)]
        );
        assert_eq!(placed[0], centre);
        let mut distinct = placed.clone();
        distinct.sort_by(|a, b| a.partial_cmp(b).unwrap());
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            points.len(),
            "every posting has its own place"
        );
        let span = |ps: &[(f64, f64)]| {
            let xs = ps.iter().map(|p| p.0);
            xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min)
        };
        // 10 x 10 cells, 3 px apart: 27 px across; 9 cells: 6 px.
        assert!(
            (span(&placed[..100]) - 27.0).abs() < 0.01,
            "{}",
            span(&placed[..100])
        );
        assert!((span(&placed[100..109]) - 6.0).abs() < 0.01);
        assert_eq!(placed[109], (LEFT + 0.75 * SIZE, TOP + 0.75 * SIZE));
        // 10,000 at one place: closer, so that the pile spans about PILE px.
        let (placed, _) = layout(&vec![(0.0, 0.0); 10_000]);
        assert!(
            (span(&placed) - 99.0 * PILE / 100.0).abs() < 0.2,
            "{}",
            span(&placed)
        );
    }

    #[test]
    fn bins_cover_the_closed_range() {
        let cases = [
            (-1.0, 0),
            (-0.95, 0),
            (-0.9, 1),
            (0.0, 10),
            (0.05, 10),
            (0.99, 19),
            (1.0, 19),
        ];
        for (s, want) in cases {
            assert_eq!(bin(s), want, "score {s}");
        }
    }

    #[test]
    fn tick_steps_are_round() {
        let cases = [
            (0, 1),
            (5, 1),
            (7, 2),
            (12, 2),
            (15, 5),
            (40, 10),
            (1385, 200),
            (4000, 1000),
        ];
        for (max, want) in cases {
            assert_eq!(tick_step(max), want, "max {max}");
        }
    }

    #[test]
    fn band_is_the_anti_diagonal_or_a_stripe_on_the_score_axis() {
        let d = band(0.25, false, false);
        assert_eq!(d.len(), 6);
        for (x, y) in d {
            assert!(
                ((x + y) / 2.0).abs() <= 0.25 + 1e-9,
                "({x}, {y}) outside the band"
            );
        }
        assert_eq!(band(0.2, true, false)[0], (-0.2, -1.0));
        assert_eq!(band(0.2, false, true)[0], (-1.0, -0.2));
    }

    #[test]
    fn text_is_escaped_in_svg() {
        let mut svg = Svg::new(10.0, 10.0, "t", "a<b");
        svg.text((1.0, 2.0), "start", "", "", "<script>&\"");
        let out = svg.finish();
        assert!(out.contains("&lt;script&gt;&amp;&quot;"), "{out}");
        assert!(out.contains(r#"aria-label="a&lt;b""#), "{out}");
        assert!(!out.contains("<script"), "{out}");
    }

    #[test]
    fn coordinates_round_to_a_tenth_without_negative_zero() {
        assert_eq!(px(12.34), 12.3);
        assert_eq!(px(12.36).to_string(), "12.4");
        assert_eq!(px(-0.01).to_string(), "0");
    }
}
