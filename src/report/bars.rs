//! The per-axis picture, drawn the same way by `tag` (the `long` format) and `explain`.
//!
//! Input is the lexicon's axes (from a [`Context`]) and a posting's per-axis
//! [`PoleWeights`]; output is lines of text: a header marking the centre, then
//! one line per axis with its CIO weight as a bar growing left of the centre,
//! its CTO weight growing right, and both numbers. Colour (CIO blue, CTO
//! magenta) only when [`Context::color`] is set. Nothing here writes or decides
//! colour; callers indent and print the lines.

use super::Context;
use crate::engine::score::PoleWeights;

/// ANSI colour of CIO evidence (blue).
pub(super) const CIO: &str = "\x1b[34m";
/// ANSI colour of CTO evidence (magenta).
pub(super) const CTO: &str = "\x1b[35m";
const RESET: &str = "\x1b[0m";
/// Cells on each side of the centre line.
pub(crate) const SIDE: usize = 16;
/// One cell of a bar.
const CELL: &str = "\u{2588}";

/// The picture of `axes` (one entry per lexicon axis, in lexicon order): a
/// header line, then one line per axis. Bars are scaled so the largest weight
/// of the posting fills its side; any weight above zero gets at least one cell.
/// Lines carry no trailing spaces and no indent.
pub(crate) fn axis_lines(cx: &Context<'_>, axes: &[PoleWeights]) -> Vec<String> {
    let lex = cx.lexicon;
    let width = |f: fn(&crate::engine::lexicon::Axis) -> &str| {
        lex.axes
            .iter()
            .map(|a| f(a).chars().count())
            .max()
            .unwrap_or(0)
    };
    let (name_w, cio_w, cto_w) = (width(|a| &a.name), width(|a| &a.cio), width(|a| &a.cto));
    let max = axes
        .iter()
        .flat_map(|w| [w.cio, w.cto])
        .fold(0.0f64, f64::max);
    let pad = " ".repeat(name_w + 1 + cio_w + 1);
    let mut lines = vec![format!("{pad}{:>w$}|-> CTO", "CIO <-", w = SIDE + 1)];
    for (axis, w) in lex.axes.iter().zip(axes) {
        let (l, r) = (cells(w.cio, max), cells(w.cto, max));
        let left = paint(
            cx,
            CIO,
            format!("{}{}", " ".repeat(SIDE - l), CELL.repeat(l)),
        );
        let right = paint(
            cx,
            CTO,
            format!("{}{}", CELL.repeat(r), " ".repeat(SIDE - r)),
        );
        let line = format!(
            "{:<name_w$} {:>cio_w$} {left} | {right} {:<cto_w$} {:>6.2} : {:<6.2}",
            axis.name,
            axis.cio.replace('_', " "),
            axis.cto.replace('_', " "),
            w.cio,
            w.cto,
        );
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Cells for weight `v` when `max` fills a side: none for no weight, at least
/// one for any weight, [`SIDE`] at most.
fn cells(v: f64, max: f64) -> usize {
    if max <= 0.0 || v <= 0.0 || !v.is_finite() {
        0
    } else {
        ((v / max * SIDE as f64).round() as usize).clamp(1, SIDE)
    }
}

fn paint(cx: &Context<'_>, color: &str, text: String) -> String {
    if cx.color {
        format!("{color}{text}{RESET}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Lexicon, Thresholds};

    fn lines(color: bool, axes: &[PoleWeights]) -> Vec<String> {
        let lex = Lexicon::embedded().unwrap();
        let cx = Context {
            lexicon: &lex,
            thresholds: Thresholds::default(),
            color,
            top: 8,
            keep_fields: &[],
        };
        let mut all = vec![PoleWeights::default(); lex.axes.len()];
        all[..axes.len()].copy_from_slice(axes);
        axis_lines(&cx, &all)
    }

    fn pw(cio: f64, cto: f64) -> PoleWeights {
        PoleWeights { cio, cto }
    }

    /// The bar cells left and right of the centre line `" | "`.
    fn sides(line: &str) -> (usize, usize) {
        let (l, r) = line.split_once(" | ").unwrap();
        (l.matches(CELL).count(), r.matches(CELL).count())
    }

    #[test]
    fn both_sides_one_side_and_none() {
        let out = lines(false, &[pw(6.0, 3.0), pw(0.0, 1.5), pw(0.0, 0.0)]);
        assert!(out[0].ends_with("CIO <-|-> CTO"), "{}", out[0]);
        assert_eq!(sides(&out[1]), (SIDE, SIDE / 2), "{}", out[1]);
        assert!(out[1].ends_with("6.00 : 3.00"), "{}", out[1]);
        assert_eq!(sides(&out[2]), (0, 4), "{}", out[2]);
        assert!(out[2].ends_with("0.00 : 1.50"), "{}", out[2]);
        assert_eq!(sides(&out[3]), (0, 0), "{}", out[3]);
        assert!(out[3].ends_with("0.00 : 0.00"), "{}", out[3]);
        // A tiny weight still shows one cell; a posting with no evidence shows none.
        let out = lines(false, &[pw(100.0, 0.01)]);
        assert_eq!(sides(&out[1]), (SIDE, 1), "{}", out[1]);
        assert!(lines(false, &[]).iter().skip(1).all(|l| sides(l) == (0, 0)));
    }

    #[test]
    fn every_line_has_the_same_width_and_the_centre_in_one_column() {
        let out = lines(false, &[pw(6.0, 3.0), pw(0.0, 1.5), pw(2.5, 0.0)]);
        let centre = out[0].chars().position(|c| c == '|').unwrap();
        for l in &out[1..] {
            assert_eq!(l.chars().nth(centre), Some('|'), "{l}");
            let (left, right) = l.split_once(" | ").unwrap();
            assert_eq!(left.chars().count(), centre - 1, "{l}");
            assert_eq!(right.chars().nth(SIDE), Some(' '), "{l}");
        }
        let widths: Vec<usize> = out[1..]
            .iter()
            .map(|l| l.split(" : ").next().unwrap().chars().count())
            .collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{out:#?}");
    }

    #[test]
    fn colour_codes_only_when_colour_is_on() {
        let plain = lines(false, &[pw(6.0, 3.0)]);
        assert!(plain.iter().all(|l| !l.contains('\x1b')), "{plain:#?}");
        let coloured = lines(true, &[pw(6.0, 3.0)]);
        let full = CELL.repeat(SIDE);
        assert!(
            coloured[1].contains(&format!("{CIO}{full}{RESET} | {CTO}")),
            "{}",
            coloured[1]
        );
        assert_eq!(
            coloured[1]
                .replace(CIO, "")
                .replace(CTO, "")
                .replace(RESET, ""),
            plain[1]
        );
    }
}
