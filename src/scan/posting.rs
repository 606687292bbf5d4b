//! A posting from a file, a reader or a record, read and tagged into one report [`Record`].
//!
//! In: a path, a reader or one [`Item`] of a record file, and an [`Engine`]. Out: one
//! [`Record`]: tagged, or failed or skipped with the reason, so a read problem is a
//! record and never an error. These are methods of [`Engine`], added in this layer
//! because they make report records, which the engine (below the reports) knows nothing of.

use std::io;
use std::path::Path;

use crate::engine::tagger::{Engine, Scratch, Tagged};
use crate::input::records::{self, FieldOptions, Item};
use crate::input::{self, ReadError};
use crate::report::{Outcome, Record, ShownPath};

impl Engine {
    /// Reads and tags the file at `path`; problems become a failed or skipped record.
    ///
    /// A path that is not valid UTF-8 keeps its bytes in `path_bytes`, with a warning.
    pub fn tag_path(&self, path: &Path, scratch: &mut Scratch) -> Record {
        let mut bytes = std::mem::take(&mut scratch.bytes);
        let shown = ShownPath::of(path);
        let mut record = match input::read_path(path, self.read_options(), &mut bytes) {
            Ok(posting) => {
                self.tagged_record(shown.text.clone(), &posting.text, posting.warnings, scratch)
            }
            Err(e) => failed_record(shown.text.clone(), &e),
        };
        record.set_path_bytes(&shown);
        scratch.bytes = bytes;
        record
    }

    /// Reads and tags `reader` as one posting called `name`, in the read options'
    /// format (plain text by default) and only up to their `max_bytes`.
    pub fn tag_reader(&self, name: &str, reader: impl io::Read, scratch: &mut Scratch) -> Record {
        let mut bytes = std::mem::take(&mut scratch.bytes);
        let record = match input::read_from(reader, self.read_options(), &mut bytes) {
            Ok(p) => self.tagged_record(name.to_string(), &p.text, p.warnings, scratch),
            Err(e) => failed_record(name.to_string(), &e),
        };
        scratch.bytes = bytes;
        record
    }

    fn tagged_record(
        &self,
        path: String,
        text: &str,
        warnings: Vec<String>,
        scratch: &mut Scratch,
    ) -> Record {
        let tagged = self.tag_text(text, scratch);
        let outcome = if is_finite(&tagged) {
            Outcome::Tagged(Box::new(tagged))
        } else {
            // Only weights near f64's limit get here (the lexicon bounds them);
            // a label from an infinite or NaN score would be meaningless.
            Outcome::Failed(
                "the score is not a finite number: the lexicon's weights are too large".into(),
            )
        };
        Record::new(path, outcome, warnings)
    }

    /// Tags one record of a record file (parsing it first if it is a raw JSON line).
    pub fn tag_item(
        &self,
        path: &str,
        item: &Item,
        fields: &FieldOptions,
        scratch: &mut Scratch,
    ) -> Record {
        let parsed;
        let item = match item {
            Item::Line { at, bytes } => {
                parsed = records::parse_json_line(*at, bytes, fields);
                &parsed
            }
            other => other,
        };
        let mut record = match item {
            Item::Posting(p) => {
                let mut r = self.tagged_record(path.to_string(), &p.text, Vec::new(), scratch);
                r.id.clone_from(&p.id);
                r.expected.clone_from(&p.expected);
                r.group.clone_from(&p.group);
                r.fields.clone_from(&p.kept);
                r.title.clone_from(&p.title);
                r.record = Some(p.at.index);
                return r;
            }
            Item::Failed { at, id, message } => {
                let mut r = Record::new(
                    path.to_string(),
                    Outcome::Failed(message.clone()),
                    Vec::new(),
                );
                r.id.clone_from(id);
                r.record = Some(at.index);
                r
            }
            Item::Line { .. } => unreachable_line(path),
        };
        record.path = path.to_string();
        record
    }
}

/// True when every number a report shows for `t` is finite.
fn is_finite(t: &Tagged) -> bool {
    let s = &t.scores;
    [t.tagging.score, t.tagging.confidence]
        .into_iter()
        .chain([s.total, s.core].into_iter().flat_map(|w| [w.cio, w.cto]))
        .chain(s.axes.iter().flat_map(|w| [w.cio, w.cto]))
        .all(f64::is_finite)
}

/// A raw line is always parsed before this point; kept total rather than panicking.
fn unreachable_line(path: &str) -> Record {
    Record::new(
        path.to_string(),
        Outcome::Failed("internal: unparsed record".to_string()),
        Vec::new(),
    )
}

pub(crate) fn failed_record(path: String, e: &ReadError) -> Record {
    let outcome = if e.is_skip() {
        Outcome::Skipped(e.to_string())
    } else {
        Outcome::Failed(e.to_string())
    };
    Record::new(path, outcome, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Lexicon, Thresholds};

    /// Issue 16: weights near `f64::MAX` (refused by the lexicon loader, but a
    /// `Lexicon` can be built in code) gave a label with a `null` score.
    #[test]
    fn a_non_finite_score_is_an_error_not_a_label() {
        let mut lex = Lexicon::embedded().unwrap();
        for a in &mut lex.axes {
            a.weight = 1e308;
        }
        for t in &mut lex.terms {
            t.weight = 1e308;
        }
        let e = Engine::new(lex, Thresholds::default()).unwrap();
        let text = "Run the service desk and the ERP for internal users; own the IT budget.";
        let r = e.tag_reader("p.txt", text.as_bytes(), &mut Scratch::default());
        match &r.outcome {
            Outcome::Failed(m) => assert!(m.contains("not a finite number"), "{m}"),
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
