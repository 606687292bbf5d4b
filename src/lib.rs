//! roletag: tag job postings as CIO-like, CTO-like, blended or unclassified, with the evidence.
//!
//! The pipeline runs in one direction, one module a stage:
//! [`lexicon`](engine::lexicon) (TOML -> [`Lexicon`]) -> [`input`] (text, HTML, DOCX or PDF bytes -> text) ->
//! [`normalize`](engine::normalize) (text -> [`NormText`]) -> [`matcher`](engine::matcher) (text -> [`Hit`]s) ->
//! [`score`](engine::score) (hits -> [`Scores`]) -> [`label`](engine::label) (scores -> [`Tagging`]) ->
//! [`report`] (records -> bytes). [`walk`](input::walk) lists postings under folders and
//! [`scan`](mod@scan) runs the stages over them in parallel; [`lint`](analysis::lint) checks lexicons.
//! [`report::file`] reads reports back, for [`diff`](analysis::diff) (compare two runs) and
//! [`summarize`](analysis::summarize) (counts, shares and means per group).
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

pub mod analysis;
pub mod engine;
pub mod input;
pub mod report;
pub mod scan;

pub use engine::label::{Label, Tagging, Thresholds};
pub use engine::lexicon::{Lexicon, LexiconError, Pole, TermId};
pub use engine::matcher::{Hit, Matcher};
pub use engine::normalize::NormText;
pub use engine::score::Scores;
pub use engine::tagger::{Engine, EngineOptions, Explanation, Scratch, Span};
pub use input::{DocFormat, ReadOptions};
pub use report::{Record, Reporter, Summary};
pub use scan::{scan, ScanOptions};

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
