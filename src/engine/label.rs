//! Labels: from scores to `cio-like`, `cto-like`, `blended` or `unclassified`.
//!
//! Input is [`Scores`] and [`Thresholds`]; output is a [`Tagging`] (label,
//! orientation score, confidence). The rule, with `E` the core evidence (the
//! weight of non-context terms, both poles), `score = (cto - cio) / (cio + cto)`
//! over all terms, and `T` the evidence a posting of its length needs
//! ([`required_evidence`]: `min_evidence` at [`REFERENCE_WORDS`] words, growing
//! as `(words / REFERENCE_WORDS) ^ length_exponent`):
//! * `E < T`, or fewer than `min_terms` distinct core terms: `unclassified`;
//! * `|score| <= blend_margin` and each side's core evidence at least
//!   `blend_floor * T`: `blended` (both sides substantial, not a tie of weak
//!   evidence; at `blend_floor` 1 each side would be labelled on its own);
//! * otherwise the sign decides.
//!
//! Confidence is documented on [`confidence`]. No I/O here.

use std::fmt;
use std::str::FromStr;

use crate::engine::score::Scores;

pub use crate::engine::thresholds::{
    Thresholds, DEFAULT_BLEND_FLOOR, DEFAULT_BLEND_MARGIN, DEFAULT_MIN_EVIDENCE, MAX_BLEND_FLOOR,
    MAX_LENGTH_EXPONENT, REFERENCE_WORDS,
};

/// Below this many words the evidence needed stops falling: a 20-word snippet
/// needs as much as a 50-word one.
pub(crate) const MIN_WORDS: f64 = 50.0;

/// What roletag says a posting is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// Inward-facing technology leadership.
    CioLike,
    /// Outward-facing technology leadership.
    CtoLike,
    /// Strong evidence for both, within the blend margin.
    Blended,
    /// Too little evidence to say.
    Unclassified,
}

impl Label {
    /// Every label, in report order.
    pub const ALL: [Label; 4] = [
        Label::CioLike,
        Label::CtoLike,
        Label::Blended,
        Label::Unclassified,
    ];

    /// The label as written in reports: `cio-like`, `cto-like`, `blended`, `unclassified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::CioLike => "cio-like",
            Label::CtoLike => "cto-like",
            Label::Blended => "blended",
            Label::Unclassified => "unclassified",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = String;

    fn from_str(s: &str) -> Result<Label, String> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown label {s:?}"))
    }
}

/// The label of one posting with its score and confidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tagging {
    /// The label.
    pub label: Label,
    /// Orientation in [-1, 1]: negative CIO-like, positive CTO-like.
    pub score: f64,
    /// Confidence in the label, in [0, 1].
    pub confidence: f64,
}

/// The core evidence a posting of `words` words needs to be labelled:
/// `min_evidence * (max(words, MIN_WORDS) / REFERENCE_WORDS) ^ length_exponent`.
pub fn required_evidence(th: &Thresholds, words: usize) -> f64 {
    if th.length_exponent == 0.0 {
        return th.min_evidence;
    }
    let w = (words as f64).max(MIN_WORDS);
    th.min_evidence * (w / REFERENCE_WORDS).powf(th.length_exponent)
}

/// Labels a posting.
pub fn tag(scores: &Scores, th: &Thresholds) -> Tagging {
    let evidence = scores.core.total();
    let score = scores.total.orientation();
    let needed = required_evidence(th, scores.words);
    let label = if evidence <= 0.0 || evidence < needed || scores.core_terms < th.min_terms as usize
    {
        Label::Unclassified
    } else if score.abs() <= th.blend_margin
        && scores.core.cio.min(scores.core.cto) >= needed * th.blend_floor
    {
        Label::Blended
    } else if score < 0.0 {
        Label::CioLike
    } else {
        Label::CtoLike
    };
    Tagging {
        label,
        score,
        confidence: confidence(label, evidence, score, needed, th),
    }
}

/// Confidence in `label`, in [0, 1], with `needed` the evidence the posting
/// needs ([`required_evidence`]):
///
/// * `unclassified`: `1 - E / needed` (1 with no evidence at all).
/// * otherwise `strength * (0.5 + 0.5 * margin)`, where
///   `strength = 1 - exp(-E / needed)` grows with evidence (0.63 at the
///   minimum, 0.95 at three times it) and `margin` is how far the score sits
///   inside its label's band: for `blended` `1 - |score| / blend_margin`, for
///   the others `(|score| - blend_margin) / (1 - blend_margin)`.
pub fn confidence(label: Label, evidence: f64, score: f64, needed: f64, th: &Thresholds) -> f64 {
    if label == Label::Unclassified {
        return if needed > 0.0 {
            (1.0 - evidence / needed).clamp(0.0, 1.0)
        } else {
            1.0
        };
    }
    let strength = if needed > 0.0 {
        1.0 - (-evidence / needed).exp()
    } else {
        1.0
    };
    let a = score.abs();
    let margin = match label {
        Label::Blended if th.blend_margin > 0.0 => 1.0 - a / th.blend_margin,
        Label::Blended => 1.0,
        _ => (a - th.blend_margin) / (1.0 - th.blend_margin),
    };
    (strength * (0.5 + 0.5 * margin.clamp(0.0, 1.0))).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::score::PoleWeights;

    fn scores(cio: f64, cto: f64) -> Scores {
        Scores {
            total: PoleWeights { cio, cto },
            core: PoleWeights { cio, cto },
            core_terms: usize::from(cio > 0.0) + usize::from(cto > 0.0),
            words: 250,
            ..Scores::default()
        }
    }

    #[test]
    fn context_evidence_alone_never_labels() {
        let th = Thresholds::default();
        let only_context = Scores {
            total: PoleWeights { cio: 1.0, cto: 9.0 },
            core: PoleWeights { cio: 1.0, cto: 1.0 },
            ..Scores::default()
        };
        assert_eq!(tag(&only_context, &th).label, Label::Unclassified);
        // With enough core evidence, context terms still move the score.
        let with_core = Scores {
            total: PoleWeights {
                cio: 4.0,
                cto: 12.0,
            },
            core: PoleWeights { cio: 4.0, cto: 4.0 },
            core_terms: 2,
            ..Scores::default()
        };
        let t = tag(&with_core, &th);
        assert_eq!(t.label, Label::CtoLike);
        assert!((t.score - 0.5).abs() < 1e-9);
    }

    #[test]
    fn label_table() {
        let th = Thresholds::default(); // margin 0.2, min evidence 4
        let cases: &[(&str, f64, f64, Label)] = &[
            ("no_evidence", 0.0, 0.0, Label::Unclassified),
            (
                "below_min_evidence_one_sided",
                3.0,
                0.0,
                Label::Unclassified,
            ),
            ("at_min_evidence", 4.0, 0.0, Label::CioLike),
            ("mostly_cto", 1.0, 9.0, Label::CtoLike),
            ("balanced_strong", 5.0, 5.0, Label::Blended),
            ("inside_margin", 4.5, 5.5, Label::Blended), // score 0.1
            ("on_margin_edge", 4.0, 6.0, Label::Blended), // score 0.2
            ("just_outside_margin", 3.9, 6.1, Label::CtoLike),
            ("cio_side", 8.0, 2.0, Label::CioLike),
        ];
        for (name, cio, cto, want) in cases {
            assert_eq!(tag(&scores(*cio, *cto), &th).label, *want, "case {name}");
        }
    }

    #[test]
    fn evidence_needed_grows_with_length() {
        let th = Thresholds {
            length_exponent: 0.5,
            ..Thresholds::default()
        };
        assert!((required_evidence(&th, 250) - 4.0).abs() < 1e-12);
        assert!((required_evidence(&th, 1000) - 8.0).abs() < 1e-12);
        // Short texts need less, down to MIN_WORDS.
        assert!((required_evidence(&th, 50) - 4.0 * (0.2f64).sqrt()).abs() < 1e-12);
        assert_eq!(required_evidence(&th, 10), required_evidence(&th, 50));
        // Exponent 0: the same at any length (the built-in default).
        let flat = Thresholds::default();
        assert_eq!(required_evidence(&flat, 10), 4.0);
        assert_eq!(required_evidence(&flat, 100_000), 4.0);
        // The same evidence labels a 120-word excerpt, not a 2,000-word posting.
        let mut s = scores(0.0, 5.0);
        s.words = 120;
        assert_eq!(tag(&s, &th).label, Label::CtoLike);
        s.words = 2000;
        assert_eq!(tag(&s, &th).label, Label::Unclassified);
    }

    #[test]
    fn one_term_alone_labels_nothing_with_min_terms_two() {
        let th = Thresholds {
            min_terms: 2,
            ..Thresholds::default()
        };
        let mut s = scores(9.0, 0.0);
        s.core_terms = 1;
        assert_eq!(tag(&s, &th).label, Label::Unclassified);
        s.core_terms = 2;
        assert_eq!(tag(&s, &th).label, Label::CioLike);
    }

    #[test]
    fn blended_needs_both_sides_substantial() {
        let th = Thresholds::default(); // margin 0.2, min evidence 4
                                        // score 0.2 (inside the margin) but the CIO side has 1.6 < 4 / 2:
                                        // a weak tie, labelled by the side that leads.
        assert_eq!(tag(&scores(1.6, 2.4), &th).label, Label::CtoLike);
        assert_eq!(tag(&scores(2.4, 1.6), &th).label, Label::CioLike);
        assert_eq!(tag(&scores(2.0, 2.0), &th).label, Label::Blended);
        assert_eq!(tag(&scores(2.0, 3.0), &th).label, Label::Blended);
    }

    #[test]
    fn blend_floor_sets_how_much_each_side_needs() {
        // 4.0 needed; the CIO side has 3.0: enough at a floor of 0.5 or 0.75, not at 1.
        let at = |blend_floor| Thresholds {
            blend_floor,
            blend_margin: 0.3,
            ..Thresholds::default()
        };
        let s = scores(3.0, 4.5); // score +0.2, inside the margin
        assert_eq!(tag(&s, &at(0.5)).label, Label::Blended);
        assert_eq!(tag(&s, &at(0.75)).label, Label::Blended);
        assert_eq!(tag(&s, &at(1.0)).label, Label::CtoLike);
        assert_eq!(tag(&scores(4.0, 4.5), &at(1.0)).label, Label::Blended);
        assert!(Thresholds::check_blend_floor(1.0).is_ok());
        assert!(Thresholds::check_blend_floor(-0.1).is_err());
        assert!(Thresholds::check_blend_floor(2.5).is_err());
        assert!(Thresholds::check_blend_floor(f64::NAN).is_err());
    }

    #[test]
    fn score_sign_matches_side() {
        let th = Thresholds::default();
        assert!(tag(&scores(8.0, 2.0), &th).score < 0.0);
        assert!(tag(&scores(2.0, 8.0), &th).score > 0.0);
    }

    #[test]
    fn confidence_grows_with_evidence_and_margin() {
        let th = Thresholds::default();
        let weak = tag(&scores(0.0, 4.0), &th).confidence;
        let strong = tag(&scores(0.0, 12.0), &th).confidence;
        let mixed = tag(&scores(3.0, 9.0), &th).confidence;
        assert!(weak < strong, "{weak} < {strong}");
        assert!(mixed < strong, "{mixed} < {strong}");
        for c in [weak, strong, mixed] {
            assert!((0.0..=1.0).contains(&c));
        }
    }

    #[test]
    fn unclassified_confidence_falls_as_evidence_nears_minimum() {
        let th = Thresholds::default();
        let none = tag(&scores(0.0, 0.0), &th).confidence;
        let some = tag(&scores(0.0, 3.0), &th).confidence;
        assert!(none > some);
        assert!((none - 1.0).abs() < 1e-9);
    }

    #[test]
    fn zero_thresholds_are_usable() {
        let th = Thresholds {
            blend_margin: 0.0,
            min_evidence: 0.0,
            ..Thresholds::default()
        };
        assert_eq!(tag(&scores(1.0, 1.0), &th).label, Label::Blended);
        assert_eq!(tag(&scores(0.0, 0.5), &th).label, Label::CtoLike);
        assert_eq!(tag(&scores(0.0, 0.0), &th).label, Label::Unclassified);
    }

    #[test]
    fn labels_round_trip_through_strings() {
        for l in Label::ALL {
            assert_eq!(l.as_str().parse::<Label>().unwrap(), l);
        }
        assert!("cio".parse::<Label>().is_err());
    }
}
