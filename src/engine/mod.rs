//! The engine: one posting's text in, its label and evidence out.
//!
//! In: a [`Lexicon`](lexicon::Lexicon) (TOML) once, then a posting's text. Out:
//! [`Tagged`](tagger::Tagged): a [`Tagging`](label::Tagging) (label, score, confidence) and
//! the [`Scores`](score::Scores) behind it. The stages, each using only those before it:
//! [`normalize`] -> [`thresholds`] -> [`lexicon`] -> [`formulas`] -> [`matcher`] ->
//! [`scope`] -> [`score`] -> [`label`]; [`tagger`] holds the [`Engine`](tagger::Engine)
//! that runs them on one posting. Below it is only [`crate::input`] (entities, title
//! masking, read options); nothing here walks folders or writes reports.

pub mod formulas;
pub mod label;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
pub mod scope;
pub mod score;
pub mod tagger;
pub mod thresholds;
