//! roletag: tag job postings as CIO-like, CTO-like, blended or unclassified, with the evidence.
//!
//! The pipeline runs in one direction, one folder a layer, each using only the layers
//! before it (`docs/architecture.md`):
//! - [`input`]: a file, a reader or bytes (text, HTML, DOCX, PDF) -> a posting's text;
//!   [`records`](input::records) splits JSON, JSON Lines and CSV files into postings and
//!   [`walk`](input::walk) lists the files under folders.
//! - [`engine`]: a posting's text -> its label and evidence, one module a stage:
//!   [`lexicon`](engine::lexicon) (TOML -> [`Lexicon`]) -> [`normalize`](engine::normalize)
//!   (text -> [`NormText`]) -> [`matcher`](engine::matcher) (text -> [`Hit`]s) ->
//!   [`scope`](engine::scope) (negated or boilerplate hits) -> [`score`](engine::score)
//!   (hits -> [`Scores`]) -> [`label`](engine::label) (scores -> [`Tagging`]); the
//!   [`Engine`] runs them all on one posting.
//! - [`report`]: [`Record`]s -> bytes through a [`Reporter`] (JSON Lines, JSON, CSV, a
//!   table, HTML), and [`report::file`] reads reports back.
//! - [`scan`](mod@scan): roots -> every posting's [`Record`], tagged in parallel and
//!   reported in order ([`scan()`]).
//! - [`analysis`]: [`eval`](analysis::eval) and [`calibrate`](analysis::calibrate) measure
//!   and tune against labelled postings, [`diff`](analysis::diff) compares two reports,
//!   [`summarize`](analysis::summarize) sums one up per group, and
//!   [`lint`](analysis::lint) checks lexicons.
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
pub use engine::scope::ScopeOptions;
pub use engine::score::Scores;
pub use engine::tagger::{Engine, EngineOptions, Explanation, Scratch, Span, Tagged};
pub use input::invisible::is_blank;
pub use input::records::{FieldOptions, Item, Position, Posting};
pub use input::{DocFormat, ReadOptions};
pub use report::{Context, JsonLines, Outcome, Record, Reporter, Summary};
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
