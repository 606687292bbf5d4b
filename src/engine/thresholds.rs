//! Thresholds: the settings that turn scores into labels, with their defaults and checks.
//!
//! Input is nothing (defaults) or values from a lexicon file or the command line;
//! output is a checked [`Thresholds`]. The lexicon carries its own defaults and
//! [`label`](crate::engine::label) applies them; this module does neither, so both can use it.

/// Default `--blend-margin`.
pub const DEFAULT_BLEND_MARGIN: f64 = 0.2;
/// Default `--min-evidence`.
pub const DEFAULT_MIN_EVIDENCE: f64 = 4.0;
/// The posting length, in words, at which `min_evidence` applies as it is.
pub const REFERENCE_WORDS: f64 = 250.0;
/// Largest `length_exponent`: at 1 the evidence needed grows as fast as the text.
pub const MAX_LENGTH_EXPONENT: f64 = 1.0;
/// Default `blend_floor`: for `blended`, each side's core evidence must be at
/// least half the evidence the posting needs.
pub const DEFAULT_BLEND_FLOOR: f64 = 0.5;
/// Largest `blend_floor`.
pub const MAX_BLEND_FLOOR: f64 = 2.0;

/// The thresholds that turn scores into labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// `|score|` at or below this is `blended`; in [0, 1).
    pub blend_margin: f64,
    /// Core evidence needed by a posting of [`REFERENCE_WORDS`] words; less is
    /// `unclassified`; >= 0.
    pub min_evidence: f64,
    /// How the evidence needed grows with length: `(words / REFERENCE_WORDS) ^
    /// length_exponent`; 0 (the default) needs `min_evidence` at any length,
    /// 0.5 twice as much at four times the length; in [0, 1].
    pub length_exponent: f64,
    /// Distinct core terms a posting needs to be labelled at all (default 1),
    /// so that one phrase ("data centre" at a builder) cannot label a posting.
    pub min_terms: u32,
    /// The share of the evidence needed ([`required_evidence`]) that each
    /// side's core evidence must reach for `blended`: 0.5 (the default) half,
    /// 1 as much as a label on that side alone needs; in [0, 2].
    ///
    /// [`required_evidence`]: crate::engine::label::required_evidence
    pub blend_floor: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            blend_margin: DEFAULT_BLEND_MARGIN,
            min_evidence: DEFAULT_MIN_EVIDENCE,
            length_exponent: 0.0,
            min_terms: 1,
            blend_floor: DEFAULT_BLEND_FLOOR,
        }
    }
}

impl Thresholds {
    /// Checks a blend margin.
    ///
    /// # Errors
    /// A message when `m` is not in [0, 1).
    pub fn check_blend_margin(m: f64) -> Result<(), String> {
        if (0.0..1.0).contains(&m) {
            Ok(())
        } else {
            Err(format!("blend margin must be in [0, 1), got {m}"))
        }
    }

    /// Checks a length exponent.
    ///
    /// # Errors
    /// A message when `g` is not in [0, 1].
    pub fn check_length_exponent(g: f64) -> Result<(), String> {
        if (0.0..=MAX_LENGTH_EXPONENT).contains(&g) {
            Ok(())
        } else {
            Err(format!("length exponent must be in [0, 1], got {g}"))
        }
    }

    /// Checks a blend floor.
    ///
    /// # Errors
    /// A message when `f` is not in [0, 2].
    pub fn check_blend_floor(f: f64) -> Result<(), String> {
        if (0.0..=MAX_BLEND_FLOOR).contains(&f) {
            Ok(())
        } else {
            Err(format!("blend floor must be in [0, 2], got {f}"))
        }
    }

    /// Checks a minimum evidence.
    ///
    /// # Errors
    /// A message when `e` is negative or not finite.
    pub fn check_min_evidence(e: f64) -> Result<(), String> {
        if e.is_finite() && e >= 0.0 {
            Ok(())
        } else {
            Err(format!("minimum evidence must be >= 0, got {e}"))
        }
    }
}
