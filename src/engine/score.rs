//! Scores: from hits to per-axis and per-role weights.
//!
//! Input is the hits of one posting plus the lexicon; output is [`Scores`]:
//! total CIO and CTO weight, the same per axis, and one [`TermTally`] per
//! term that matched. A term seen `n` times adds
//! `weight(term) * weight(axis) * (1 + ln n)`: repetition counts, but a term
//! repeated ten times weighs 3.3 occurrences, not 10, so one phrase cannot
//! dominate a posting. No labelling and no I/O here.

use crate::engine::lexicon::{Lexicon, Pole, TermId};
use crate::engine::matcher::Hit;
use crate::engine::scope::Status;

/// CIO and CTO weight on one axis (or in total).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PoleWeights {
    /// Weight of CIO evidence.
    pub cio: f64,
    /// Weight of CTO evidence.
    pub cto: f64,
}

impl PoleWeights {
    fn add(&mut self, pole: Pole, w: f64) {
        match pole {
            Pole::Cio => self.cio += w,
            Pole::Cto => self.cto += w,
        }
    }

    /// Both sides together: the amount of evidence.
    pub fn total(&self) -> f64 {
        self.cio + self.cto
    }

    /// Orientation in [-1, 1]: -1 all CIO, 1 all CTO, 0 balanced or no evidence.
    pub fn orientation(&self) -> f64 {
        let total = self.total();
        if total > 0.0 {
            (self.cto - self.cio) / total
        } else {
            0.0
        }
    }
}

/// How much one term contributed to a posting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TermTally {
    /// The term.
    pub term: TermId,
    /// Number of hits.
    pub count: u32,
    /// Weight added to its pole: `weight * axis weight * (1 + ln count)`.
    pub weight: f64,
}

/// The scores of one posting.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    /// Totals over all axes.
    pub total: PoleWeights,
    /// Totals over core terms only (context terms left out): the evidence that
    /// the role itself does technology work, compared with `min_evidence`.
    pub core: PoleWeights,
    /// One entry per lexicon axis, in lexicon order.
    pub axes: Vec<PoleWeights>,
    /// One entry per matched term, in term order.
    pub tallies: Vec<TermTally>,
    /// Hits that did not count (negated, boilerplate): per term and reason, in term order.
    pub ignored: Vec<(TermId, Status, u32)>,
    /// Words in the posting.
    pub words: usize,
    /// Words covered by counted hits.
    pub matched_words: usize,
    /// Distinct core (non-context) terms with counted hits.
    pub core_terms: usize,
}

impl Scores {
    /// Share of the posting's words covered by hits, in [0, 1].
    pub fn coverage(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            (self.matched_words as f64 / self.words as f64).min(1.0)
        }
    }

    /// This tally's signed share of the orientation score: negative for CIO terms.
    /// The contributions of all tallies sum to the score.
    pub fn contribution(&self, lexicon: &Lexicon, tally: &TermTally) -> f64 {
        let total = self.total.total();
        if total <= 0.0 {
            return 0.0;
        }
        match lexicon.terms[tally.term].pole {
            Pole::Cio => -tally.weight / total,
            Pole::Cto => tally.weight / total,
        }
    }
}

/// Damping of repeated hits: `1 + ln n` for `n >= 1`.
pub(crate) fn repetition_factor(count: u32) -> f64 {
    if count == 0 {
        0.0
    } else {
        1.0 + f64::from(count).ln()
    }
}

/// Scores `hits` (ordered by start, as the matcher returns them) for a posting of `words` words.
///
/// `matched_words` counts the words inside the hits; `text` is the normalised text.
pub fn score(lexicon: &Lexicon, hits: &[Hit], text: &str, words: usize) -> Scores {
    let mut counts = HitCounts::default();
    counts.add(hits, text);
    score_counts(lexicon, &mut counts, words)
}

/// The hits of one posting, counted per term and status: all that scoring and
/// the report's evidence need, in memory that grows with the lexicon, not the
/// text (a scan adds the hits a block at a time; see [`crate::engine::matcher::HitBlocks`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct HitCounts {
    /// Per term: hits counted, negated and in boilerplate ([`status_index`]).
    counts: Vec<[u32; 3]>,
    /// Terms with a non-zero entry in `counts`, unsorted.
    touched: Vec<TermId>,
    /// Words covered by counted hits.
    matched_words: usize,
}

/// Where a status is counted in [`HitCounts`]: in [`Status`]'s order.
fn status_index(status: Status) -> usize {
    match status {
        Status::Counted => 0,
        Status::Negated => 1,
        Status::Boilerplate => 2,
    }
}

impl HitCounts {
    /// Forgets every hit, keeping the buffers.
    pub(crate) fn clear(&mut self) {
        for &t in &self.touched {
            self.counts[t] = [0; 3];
        }
        self.touched.clear();
        self.matched_words = 0;
    }

    /// Counts `hits`, whose offsets are in the normalised `text`, by term and status.
    pub(crate) fn add(&mut self, hits: &[Hit], text: &str) {
        for h in hits {
            if h.term >= self.counts.len() {
                self.counts.resize(h.term + 1, [0; 3]);
            }
            let entry = &mut self.counts[h.term];
            if *entry == [0; 3] {
                self.touched.push(h.term);
            }
            let n = &mut entry[status_index(h.status)];
            *n = n.saturating_add(1);
            if h.status == Status::Counted {
                self.matched_words += count_words(&text[h.start..h.end]);
            }
        }
    }
}

/// Scores a posting of `words` words from its hits counted per term and status.
/// The same [`Scores`] as [`score`] of those hits. Sorts the counts' list of
/// touched terms in place (its order means nothing to them).
pub(crate) fn score_counts(lexicon: &Lexicon, counts: &mut HitCounts, words: usize) -> Scores {
    counts.touched.sort_unstable();
    let counts = &*counts;
    let mut scores = Scores {
        axes: vec![PoleWeights::default(); lexicon.axes.len()],
        words,
        matched_words: counts.matched_words,
        ..Scores::default()
    };
    for &id in &counts.touched {
        let [count, negated, boilerplate] = counts.counts[id];
        for (status, n) in [
            (Status::Negated, negated),
            (Status::Boilerplate, boilerplate),
        ] {
            if n > 0 {
                scores.ignored.push((id, status, n));
            }
        }
        if count == 0 {
            continue;
        }
        let term = &lexicon.terms[id];
        let weight = term.weight * lexicon.axes[term.axis].weight * repetition_factor(count);
        scores.axes[term.axis].add(term.pole, weight);
        scores.total.add(term.pole, weight);
        if !term.context {
            scores.core.add(term.pole, weight);
            scores.core_terms += 1;
        }
        scores.tallies.push(TermTally {
            term: id,
            count,
            weight,
        });
    }
    scores
}

fn count_words(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    if s.is_ascii() {
        // The usual hit: ASCII, whose word characters are the ASCII alphanumerics
        // (`is_word_char` of an ASCII character), counted without decoding.
        for &b in s.as_bytes() {
            let w = b.is_ascii_alphanumeric();
            n += usize::from(w && !in_word);
            in_word = w;
        }
        return n;
    }
    for c in s.chars() {
        let w = crate::engine::normalize::is_word_char(c);
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::matcher::Matcher;
    use crate::engine::normalize::NormText;

    fn lexicon() -> Lexicon {
        Lexicon::from_toml(
            r#"
axes = [
  { name = "focus", cio = "inward", cto = "outward" },
  { name = "systems", cio = "enterprise", cto = "product", weight = 2.0 },
]
terms = [
  { axis = "focus", pole = "cio", term = "internal users", weight = 2.0 },
  { axis = "focus", pole = "cto", term = "customers" },
  { axis = "systems", pole = "cio", term = "erp" },
  { axis = "systems", pole = "cto", term = "mobile app" },
]
"#,
            "t",
        )
        .unwrap()
    }

    fn scores_of(text: &str) -> Scores {
        let lex = lexicon();
        let norm = NormText::new(text);
        let hits = Matcher::new(&lex).unwrap().find(&norm);
        score(&lex, &hits, norm.as_str(), norm.words())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn weights_multiply_by_axis_weight() {
        let s = scores_of("Support internal users on the ERP. Build a mobile app.");
        assert!(close(s.axes[0].cio, 2.0));
        assert!(close(s.axes[1].cio, 2.0)); // erp 1.0 x axis 2.0
        assert!(close(s.axes[1].cto, 2.0));
        assert!(close(s.total.cio, 4.0) && close(s.total.cto, 2.0));
        assert!(close(s.total.orientation(), -1.0 / 3.0));
    }

    #[test]
    fn repetition_is_damped() {
        let s = scores_of("customers customers customers customers");
        assert_eq!(s.tallies.len(), 1);
        assert_eq!(s.tallies[0].count, 4);
        assert!(close(s.total.cto, 1.0 + 4f64.ln()));
        assert!(s.total.cto < 4.0);
    }

    #[test]
    fn contributions_sum_to_orientation() {
        let lex = lexicon();
        let s = scores_of("erp erp customers mobile app internal users");
        let sum: f64 = s.tallies.iter().map(|t| s.contribution(&lex, t)).sum();
        assert!(close(sum, s.total.orientation()));
    }

    #[test]
    fn coverage_counts_words_in_hits() {
        let s = scores_of("the internal users like the erp");
        assert_eq!(s.words, 6);
        assert_eq!(s.matched_words, 3);
        assert!(close(s.coverage(), 0.5));
    }

    #[test]
    fn no_hits_scores_zero() {
        let s = scores_of("a nurse on the night shift");
        assert_eq!(s.total, PoleWeights::default());
        assert!(close(s.total.orientation(), 0.0));
        assert!(s.tallies.is_empty());
    }

    /// The scoring of every hit kept, as it was before [`HitCounts`] (issue 16):
    /// the oracle of the counts path.
    fn score_reference(lexicon: &Lexicon, hits: &[Hit], text: &str, words: usize) -> Scores {
        let counted = || hits.iter().filter(|h| h.status == Status::Counted);
        let mut ids: Vec<TermId> = counted().map(|h| h.term).collect();
        ids.sort_unstable();
        let mut ignored: Vec<(TermId, Status)> = hits
            .iter()
            .filter(|h| h.status != Status::Counted)
            .map(|h| (h.term, h.status))
            .collect();
        ignored.sort_unstable();
        let mut scores = Scores {
            axes: vec![PoleWeights::default(); lexicon.axes.len()],
            words,
            matched_words: counted().map(|h| count_words(&text[h.start..h.end])).sum(),
            ignored: ignored
                .chunk_by(|a, b| a == b)
                .map(|g| (g[0].0, g[0].1, g.len() as u32))
                .collect(),
            ..Scores::default()
        };
        for group in ids.chunk_by(|a, b| a == b) {
            let term = &lexicon.terms[group[0]];
            let count = group.len() as u32;
            let weight = term.weight * lexicon.axes[term.axis].weight * repetition_factor(count);
            scores.axes[term.axis].add(term.pole, weight);
            scores.total.add(term.pole, weight);
            if !term.context {
                scores.core.add(term.pole, weight);
                scores.core_terms += 1;
            }
            scores.tallies.push(TermTally {
                term: group[0],
                count,
                weight,
            });
        }
        scores
    }

    proptest::proptest! {
        /// The ASCII path of `count_words` counts what decoding every character would.
        #[test]
        fn count_words_agrees_with_every_character_decoded(text in "[a-zA-Z0-9 .'/&+\\-]{0,40}|\\PC{0,40}") {
            let mut want = 0;
            let mut in_word = false;
            for c in text.chars() {
                let w = crate::engine::normalize::is_word_char(c);
                want += usize::from(w && !in_word);
                in_word = w;
            }
            proptest::prop_assert_eq!(count_words(&text), want);
        }

        /// Counting hits per term and status, in any number of parts (as a scan
        /// adds them a block at a time), scores exactly as keeping every hit did.
        #[test]
        fn counts_score_as_every_hit_kept(
            picks in proptest::collection::vec((0usize..7, 0usize..3, 0usize..8, 1usize..3), 0..40),
            parts in 1usize..5,
        ) {
            let lex = Lexicon::embedded().unwrap();
            let words: Vec<&str> = "run the erp, build an app for customers and fix it".split(' ').collect();
            let text = words.join(" ");
            let starts: Vec<usize> = words
                .iter()
                .scan(0, |at, w| { let s = *at; *at += w.len() + 1; Some(s) })
                .collect();
            let hits: Vec<Hit> = picks
                .iter()
                .map(|&(term, status, word, len)| {
                    let last = (word + len - 1).min(words.len() - 1);
                    Hit {
                        start: starts[word],
                        end: starts[last] + words[last].len(),
                        term: term * 37 % lex.terms.len(),
                        status: [Status::Counted, Status::Negated, Status::Boilerplate][status],
                    }
                })
                .collect();
            let want = score_reference(&lex, &hits, &text, words.len());
            let mut counts = HitCounts::default();
            // Reused: what an earlier posting counted is forgotten.
            counts.add(&hits, &text);
            counts.clear();
            for part in hits.chunks(hits.len().div_ceil(parts).max(1)) {
                counts.add(part, &text);
            }
            proptest::prop_assert_eq!(score_counts(&lex, &mut counts, words.len()), want.clone());
            proptest::prop_assert_eq!(score(&lex, &hits, &text, words.len()), want);
        }
    }
}
