//! The engine that tags one posting: its text in, its label and scores ([`Tagged`]) out.
//!
//! [`Engine`] is built once (lexicon, compiled matcher, thresholds) and shared by
//! reference with every worker. [`Engine::tag_text`] is pure: the text is prepared
//! (character references decoded, titles masked when asked), normalised, matched,
//! scoped, scored and labelled. [`Engine::explain_text`] does the same and keeps every
//! hit located in the text. Reading files and record files is the scan's
//! ([`mod@crate::scan`] adds `tag_path`, `tag_reader` and `tag_item`, which return report
//! records); nothing here reads files, walks folders or writes reports.

use crate::engine::label::{self, Tagging, Thresholds};
use crate::engine::lexicon::{Lexicon, TermId};
use crate::engine::matcher::{Build, BuildError, Hit, MatchScratch, Matcher};
use crate::engine::normalize::{MappedText, NormText};
use crate::engine::scope::{self, ScopeOptions, ScopeScratch, Status};
use crate::engine::score::{self, HitCounts, Scores};
use crate::input::{self, ReadOptions};

/// Lexicon, compiled matcher, thresholds and read options: everything needed to tag.
/// A clone is a copy as the engine stands, the matcher's lazily built parts included.
#[derive(Clone, Debug)]
pub struct Engine {
    lexicon: Lexicon,
    matcher: Matcher,
    thresholds: Thresholds,
    options: EngineOptions,
    read: ReadOptions,
}

/// How postings are read before matching.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineOptions {
    /// Replace job titles with a neutral token first (see [`crate::input::mask`]).
    pub mask_titles: bool,
    /// Which hits are ignored as negated or boilerplate (see [`crate::engine::scope`]).
    pub scope: ScopeOptions,
}

/// A posting tagged with every hit kept: what `roletag explain` shows.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// The text that was tagged: the posting's text with HTML character
    /// references decoded, and titles masked when the engine masks them. Span
    /// ranges are byte offsets into it.
    pub text: String,
    /// The label and scores, identical to [`Engine::tag_text`]'s.
    pub tagged: Tagged,
    /// Every hit in text order, counted or ignored.
    pub spans: Vec<Span>,
}

/// One hit, located in the tagged text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte range in [`Explanation::text`] (always on character boundaries).
    pub range: std::ops::Range<usize>,
    /// The term that matched.
    pub term: TermId,
    /// Whether it counted, or why not.
    pub status: Status,
}

/// Per-worker buffers, reused from posting to posting.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The file being read, kept for the next one (see [`crate::scan`]).
    pub(crate) bytes: Vec<u8>,
    norm: NormText,
    hits: Vec<Hit>,
    counts: HitCounts,
    matching: MatchScratch,
    scope: ScopeScratch,
}
/// A tagged posting's label and the scores behind it.
#[derive(Clone, Debug)]
pub struct Tagged {
    /// The label, score and confidence.
    pub tagging: Tagging,
    /// Per-axis weights and term tallies.
    pub scores: Scores,
}

impl Engine {
    /// Compiles `lexicon` and fixes the thresholds.
    ///
    /// # Errors
    /// When the matcher cannot be built (see [`BuildError`]).
    pub fn new(lexicon: Lexicon, thresholds: Thresholds) -> Result<Engine, BuildError> {
        Engine::build(lexicon, thresholds, Build::Throughput)
    }

    /// Compiles `lexicon` with the automaton `build` asks for (see [`Build`]); the
    /// tags are the same either way.
    ///
    /// # Errors
    /// When the matcher cannot be built (see [`BuildError`]).
    pub fn build(
        lexicon: Lexicon,
        thresholds: Thresholds,
        build: Build,
    ) -> Result<Engine, BuildError> {
        let matcher = Matcher::build(&lexicon, build)?;
        Ok(Engine {
            lexicon,
            matcher,
            thresholds,
            options: EngineOptions::default(),
            read: ReadOptions::default(),
        })
    }

    /// The same engine with `options`.
    pub fn with_options(mut self, options: EngineOptions) -> Engine {
        self.options = options;
        self
    }

    /// The options in use.
    pub fn options(&self) -> EngineOptions {
        self.options
    }

    /// Sets how files are read (format, size limit); the default is [`ReadOptions::default`].
    pub fn with_read_options(mut self, read: ReadOptions) -> Engine {
        self.read = read;
        self
    }

    /// How files are read.
    pub fn read_options(&self) -> &ReadOptions {
        &self.read
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The compiled matcher.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The thresholds in use.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Tags one posting's text.
    pub fn tag_text(&self, raw: &str, scratch: &mut Scratch) -> Tagged {
        let raw = self.prepared(raw);
        scratch.norm.refill(&raw);
        self.tag_counted(&raw, scratch)
    }

    /// Matching, scope and scoring of `scratch.norm` (normalised from `raw`), the
    /// hits a block at a time and only counted ([`HitCounts`]), so that memory does
    /// not grow with the hits of a long posting. The same [`Tagged`] as
    /// [`Engine::tag_normalized`], which keeps every hit.
    fn tag_counted(&self, raw: &str, scratch: &mut Scratch) -> Tagged {
        let Scratch {
            norm,
            hits,
            counts,
            matching,
            scope: scoping,
            ..
        } = scratch;
        let text = norm.as_str();
        counts.clear();
        let mut blocks = self.matcher.blocks(text, matching);
        let mut prepared = false;
        while blocks.next_into(hits) {
            if hits.is_empty() {
                continue;
            }
            if !prepared {
                let formulas = Some(blocks.formula_starts());
                scope::prepare(raw, norm, self.options.scope, scoping, formulas);
                prepared = true;
            }
            scope::apply_prepared(norm, hits, self.options.scope, scoping);
            counts.add(hits, text);
        }
        let scores = score::score_counts(&self.lexicon, counts, norm.words());
        Tagged {
            tagging: label::tag(&scores, &self.thresholds),
            scores,
        }
    }

    /// Tags one posting's text as [`Engine::tag_text`] does, and keeps every hit with
    /// its byte range in the text that was tagged (see [`Explanation`]).
    pub fn explain_text(&self, raw: &str) -> Explanation {
        let text = self.prepared(raw).into_owned();
        let mapped = MappedText::new(&text);
        let mut hits = Vec::new();
        let tagged = self.tag_normalized(
            &text,
            mapped.norm(),
            &mut MatchScratch::default(),
            &mut ScopeScratch::default(),
            &mut hits,
        );
        let spans = hits
            .iter()
            .map(|h| Span {
                range: mapped.raw_range(&text, h.start, h.end),
                term: h.term,
                status: h.status,
            })
            .collect();
        Explanation {
            text,
            tagged,
            spans,
        }
    }

    /// The text as tagged: HTML markup and character references made text
    /// ([`input::readable_text`]), then titles masked when asked.
    fn prepared<'a>(&self, raw: &'a str) -> std::borrow::Cow<'a, str> {
        let text = input::readable_text(raw);
        if !self.options.mask_titles {
            return text;
        }
        match text {
            std::borrow::Cow::Borrowed(t) => crate::input::mask::mask_titles(t),
            std::borrow::Cow::Owned(t) => {
                std::borrow::Cow::Owned(crate::input::mask::mask_titles(&t).into_owned())
            }
        }
    }

    /// Matching, scope and scoring over a normalised text (`raw` is what was normalised).
    fn tag_normalized(
        &self,
        raw: &str,
        norm: &NormText,
        matching: &mut MatchScratch,
        scoping: &mut ScopeScratch,
        hits: &mut Vec<Hit>,
    ) -> Tagged {
        let text = norm.as_str();
        self.matcher.find_into(text, matching, hits);
        let formulas = Some(matching.formula_starts());
        scope::apply_with(raw, norm, hits, self.options.scope, scoping, formulas);
        let scores = score::score(&self.lexicon, hits, text, norm.words());
        Tagged {
            tagging: label::tag(&scores, &self.thresholds),
            scores,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::input::walk::{self, WalkItem, WalkOptions};

    fn engine() -> Engine {
        Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap()
    }

    #[test]
    fn explain_tags_exactly_like_tag_text_and_locates_every_hit() {
        for mask_titles in [false, true] {
            let e = engine().with_options(EngineOptions {
                mask_titles,
                ..EngineOptions::default()
            });
            let mut scratch = Scratch::default();
            let mut spans = 0;
            let mut paths = Vec::new();
            walk::walk(
                &[PathBuf::from("corpora/sample")],
                &WalkOptions::default(),
                |item| {
                    if let WalkItem::File(p) = item {
                        paths.push(p);
                    }
                    true
                },
            )
            .unwrap();
            for path in paths {
                let raw = std::fs::read_to_string(&path).unwrap();
                let x = e.explain_text(&raw);
                let t = e.tag_text(&raw, &mut scratch);
                assert_eq!(x.tagged.scores, t.scores, "{}", path.display());
                assert_eq!(x.tagged.tagging, t.tagging, "{}", path.display());
                let counted = x
                    .spans
                    .iter()
                    .filter(|s| s.status == Status::Counted)
                    .count();
                let tallied: u32 = t.scores.tallies.iter().map(|t| t.count).sum();
                assert_eq!(counted as u32, tallied, "{}", path.display());
                let mut last_end = 0;
                for s in &x.spans {
                    assert!(s.range.start >= last_end && s.range.start < s.range.end);
                    last_end = s.range.end;
                    // The located text is what the term matched: it normalises to a hit of the term.
                    let found = e.matcher().find(&NormText::new(&x.text[s.range.clone()]));
                    assert!(
                        found.iter().any(|h| h.term == s.term),
                        "{}: {:?} is not {}",
                        path.display(),
                        &x.text[s.range.clone()],
                        e.lexicon().terms[s.term].name
                    );
                }
                spans += x.spans.len();
            }
            assert!(spans > 300, "the sample corpus has many hits, got {spans}");
        }
    }

    /// Issue 16: a posting longer than a block is tagged from its hits counted a
    /// block at a time, exactly as `explain` tags it from every hit kept, with
    /// every scope option (the sample corpus joined into one 100 KB posting, and
    /// flattened onto one line).
    #[test]
    fn a_long_posting_is_tagged_in_blocks_as_from_every_hit() {
        let mut joined = String::new();
        let mut paths: Vec<PathBuf> = std::fs::read_dir("corpora/sample")
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            joined.push_str(&std::fs::read_to_string(p).unwrap());
            joined.push('\n');
        }
        let flat = joined.replace('\n', " ");
        assert!(joined.len() > crate::engine::matcher::BLOCK);
        let mut scratch = Scratch::default();
        for (negation, boilerplate, mask_titles) in [
            (true, true, false),
            (false, true, true),
            (true, false, false),
        ] {
            let scope = ScopeOptions {
                negation,
                boilerplate,
            };
            let e = engine().with_options(EngineOptions { mask_titles, scope });
            for text in [&joined, &flat] {
                let x = e.explain_text(text);
                let t = e.tag_text(text, &mut scratch);
                assert_eq!(t.scores, x.tagged.scores, "{scope:?}");
                assert_eq!(t.tagging, x.tagged.tagging, "{scope:?}");
                let kinds = |s: Status| x.spans.iter().filter(|h| h.status == s).count();
                assert!(kinds(Status::Counted) > 500, "{scope:?}");
                if negation && boilerplate {
                    assert!(kinds(Status::Negated) > 0 && kinds(Status::Boilerplate) > 0);
                }
            }
        }
    }

    /// Most CSV and JSON exports flatten a posting's line breaks away: a
    /// posting's label must not depend on them. Every posting of `corpora/`,
    /// with its line breaks (and the spaces around them) turned into one space,
    /// keeps its label under the shipped settings, titles masked (the title line
    /// kept apart) or not.
    #[test]
    fn flattening_line_breaks_keeps_every_corpus_label() {
        fn files(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        files(Path::new("corpora"), &mut paths);
        assert!(paths.len() > 250, "{} postings", paths.len());
        let lex = Lexicon::embedded().unwrap();
        let thresholds = lex.thresholds;
        for mask_titles in [false, true] {
            let e = Engine::new(lex.clone(), thresholds)
                .unwrap()
                .with_options(EngineOptions {
                    mask_titles,
                    ..EngineOptions::default()
                });
            let mut scratch = Scratch::default();
            for path in &paths {
                let text = std::fs::read_to_string(path).unwrap();
                let flat = text
                    .split('\n')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(!flat.contains('\n'));
                // Masking takes a title-like first line away; exports carry the
                // title in a field of its own, so it keeps its line here.
                let flat = match (mask_titles, text.split_once('\n')) {
                    (true, Some((title, body))) => {
                        let body = body.split('\n').map(str::trim).collect::<Vec<_>>();
                        format!("{title}\n{}", body.join(" "))
                    }
                    _ => flat,
                };
                let lines = e.tag_text(&text, &mut scratch).tagging;
                let one = e.tag_text(&flat, &mut scratch).tagging;
                assert_eq!(
                    lines.label,
                    one.label,
                    "{} (titles masked: {mask_titles}): score {} with line breaks, {} without",
                    path.display(),
                    lines.score,
                    one.score
                );
            }
        }
    }

    /// Texts made of lexicon terms (both poles, core and context), negators,
    /// boilerplate and role headings, formulas, punctuation and filler: most
    /// hold several terms, some negated or in boilerplate.
    fn posting_like_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        static TERMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let terms = TERMS.get_or_init(|| {
            let lex = Lexicon::embedded().unwrap();
            (lex.terms.iter())
                .filter_map(|t| match &t.patterns[0] {
                    crate::engine::lexicon::Pattern::Literal(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()
        });
        let other: Vec<String> = [
            "no",
            "not",
            "without",
            "never",
            "is not required",
            ".",
            ",",
            ";",
            "\n",
            "\n\n",
            "\nBenefits\n",
            "\nAbout us\n",
            "\nResponsibilities\n",
            "\nRequirements:\n",
            "- ",
            "equal opportunity employer",
            "paid time off",
            "the",
            "team",
            "and",
            "we",
            "will",
            "own",
            "with",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let token = prop_oneof![
            3 => proptest::sample::select(terms.clone()),
            2 => proptest::sample::select(other),
        ];
        proptest::collection::vec(token, 0..60).prop_map(|words| words.join(" "))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// The same on random posting-like texts longer than a block.
        #[test]
        fn long_random_postings_tag_in_blocks_as_from_every_hit(
            parts in proptest::collection::vec(posting_like_text(), 300..400),
        ) {
            let text = parts.join("\n");
            proptest::prop_assume!(text.len() > crate::engine::matcher::BLOCK);
            static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
            let e = ENGINE.get_or_init(engine);
            let x = e.explain_text(&text);
            let t = e.tag_text(&text, &mut Scratch::default());
            proptest::prop_assert_eq!(t.scores, x.tagged.scores);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Any text gets a score in [-1, 1] and a confidence in [0, 1], and adding
        /// CTO evidence never lowers the score (it may leave it unchanged, when
        /// the new words land in boilerplate).
        #[test]
        fn cto_evidence_never_lowers_the_score(text in posting_like_text(), extra in 1usize..4) {
            static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
            let e = ENGINE.get_or_init(|| {
                let lex = Lexicon::embedded().unwrap();
                let th = lex.thresholds;
                Engine::new(lex, th).unwrap()
            });
            let mut scratch = Scratch::default();
            let before = e.tag_text(&text, &mut scratch);
            let b = before.tagging;
            proptest::prop_assert!((-1.0..=1.0).contains(&b.score));
            proptest::prop_assert!((0.0..=1.0).contains(&b.confidence));
            let more = format!("{text}\n\n{}", "We ship product engineering work. ".repeat(extra));
            let after = e.tag_text(&more, &mut scratch);
            let ignored = |t: &Tagged| t.scores.ignored.iter().map(|i| i.2).sum::<u32>();
            proptest::prop_assert!(after.scores.total.cto > before.scores.total.cto
                || ignored(&after) > ignored(&before),
                "the added CTO terms neither counted nor were ignored");
            proptest::prop_assert!(after.tagging.score >= b.score - 1e-12,
                "{} -> {}", b.score, after.tagging.score);
        }
    }

    /// The strategy above does produce what the property is about.
    #[test]
    fn posting_like_texts_hold_terms_of_both_poles() {
        use proptest::strategy::{Strategy, ValueTree};
        let lex = Lexicon::embedded().unwrap();
        let th = lex.thresholds;
        let e = Engine::new(lex, th).unwrap();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut both, mut ignored) = (0, 0);
        for _ in 0..200 {
            let text = posting_like_text().new_tree(&mut runner).unwrap().current();
            let t = e.tag_text(&text, &mut Scratch::default());
            both += usize::from(t.scores.total.cio > 0.0 && t.scores.total.cto > 0.0);
            ignored += usize::from(!t.scores.ignored.is_empty());
        }
        assert!(
            both > 100,
            "{both} of 200 texts have evidence on both sides"
        );
        assert!(ignored > 50, "{ignored} of 200 texts have ignored hits");
    }
}
