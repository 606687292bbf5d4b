//! Boilerplate formulas: phrases that make the sentence around them company, pay or legal copy.
//!
//! Input is nothing; output is the formulas, raw (`BOILER_LINES`) and normalised
//! ([`formula_markers`]). The matcher finds the markers along with the terms, in the same
//! pass; [`scope`](crate::engine::scope) marks the hits in their sentences as boilerplate.
//! Kept apart from both so that neither imports the other.

use crate::engine::normalize::NormText;

/// Formulas that make a single line boilerplate wherever it stands (lower case).
pub(crate) const BOILER_LINES: [&str; 14] = [
    "equal opportunity employer",
    "equal employment opportunity",
    "without regard to",
    "reasonable accommodation",
    "e-verify",
    "pay transparency",
    "salary range",
    "base salary",
    "401(k)",
    "medical, dental",
    "paid time off",
    "parental leave",
    "protected veteran",
    "gender identity",
];

/// The boilerplate formulas as they read once normalised, lower case and with
/// dashes as spaces. The matcher finds them with the terms; a sentence holding one
/// is boilerplate.
pub fn formula_markers() -> Vec<String> {
    BOILER_LINES
        .iter()
        .map(|f| NormText::new(f).as_str().to_string())
        .collect()
}
