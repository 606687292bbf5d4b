//! The engine: one posting's text in, its label and evidence out.
//!
//! In: a [`Lexicon`](lexicon::Lexicon) (TOML) once, then text. Out: a
//! [`Tagging`](label::Tagging) with its [`Scores`](score::Scores). The stages run in file
//! order: [`lexicon`] -> [`normalize`] -> [`matcher`] -> [`scope`] -> [`score`] -> [`label`].
//! Nothing here reads files, walks folders or writes reports.

pub mod formulas;
pub mod label;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
pub mod scope;
pub mod score;
pub mod tagger;
pub mod thresholds;
