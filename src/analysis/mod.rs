//! Analyses over many postings or reports: evaluation, calibration, comparison, summaries, lexicon lints.
//!
//! In: labelled postings (run through [`crate::scan()`]), reports read back by
//! [`crate::report::file`], or a lexicon. Out: plain data ([`eval::Evaluation`],
//! [`calibrate::Calibration`], [`diff::Diff`], [`summarize::Breakdown`], [`lint::Lint`]s)
//! and their renderings. The top layer of the library: nothing below uses it.

pub mod calibrate;
pub mod diff;
pub mod eval;
pub mod lint;
pub mod summarize;
