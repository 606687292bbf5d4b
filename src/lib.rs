//! roletag: tag job postings as CIO-like, CTO-like, blended or unclassified, with the evidence.
//!
//! The pipeline runs in one direction, one module a stage:
//! [`lexicon`] (TOML -> [`Lexicon`]) -> [`input`] (text, HTML, DOCX or PDF bytes -> text) ->
//! [`normalize`] (text -> [`NormText`]) -> [`matcher`] (text -> [`Hit`]s) ->
//! [`score`] (hits -> [`Scores`]) -> [`label`] (scores -> [`Tagging`]) ->
//! [`report`] (records -> bytes). [`walk`] lists postings under folders and
//! [`pipeline`] runs the stages over them in parallel; [`lint`] checks lexicons.
//! [`report_file`] reads reports back, for [`diff`] (compare two runs) and
//! [`summarize`] (counts, shares and means per group).
//!
//! ```
//! use roletag::{Engine, Lexicon, Label, Scratch, Thresholds};
//!
//! let engine = Engine::new(Lexicon::embedded()?, Thresholds::default())?;
//! let posting = "Own the ERP roadmap, the service desk and the IT budget; \
//!                keep internal systems reliable for finance and HR.";
//! let tagged = engine.tag_text(posting, &mut Scratch::default());
//! assert_eq!(tagged.tagging.label, Label::CioLike);
//! assert!(tagged.tagging.score < 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod calibrate;
pub mod diff;
pub mod eval;
pub mod input;
pub mod label;
pub mod lexicon;
pub mod lint;
pub mod mask;
pub mod matcher;
pub mod normalize;
pub mod pipeline;
pub mod records;
pub mod report;
pub mod report_file;
pub mod scope;
pub mod score;
pub mod summarize;
pub mod walk;

pub use input::{DocFormat, ReadOptions};
pub use label::{Label, Tagging, Thresholds};
pub use lexicon::{Lexicon, LexiconError, Pole, TermId};
pub use matcher::{Hit, Matcher};
pub use normalize::{is_blank, NormText};
pub use pipeline::{scan, Engine, EngineOptions, Explanation, ScanOptions, Scratch, Span};
pub use records::{FieldOptions, Item, Position, Posting};
pub use report::{Context, JsonLines, Outcome, Record, Reporter, Summary, Tagged};
pub use scope::ScopeOptions;
pub use score::Scores;

#[cfg(test)]
mod testoibits {
    //! Compile-time checks that shared read-only types can cross threads.
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn shared_types_are_send_and_sync() {
        assert_send_sync::<Engine>();
        assert_send_sync::<Lexicon>();
        assert_send_sync::<Matcher>();
        assert_send_sync::<Record>();
    }
}
