//! Finding lexicon terms in normalised text.
//!
//! [`Matcher`] is built once from a [`Lexicon`]: every literal and wildcard stem
//! goes into one Aho-Corasick automaton, every regex into a `RegexSet`. Its
//! [`Matcher::find`] turns a [`NormText`] into non-overlapping [`Hit`]s under
//! one rule, whatever engine found the candidate: (1) a candidate must sit on
//! word boundaries (a wildcard extends to the end of its word); (2) among
//! overlapping candidates the leftmost wins, then the longest, then the most
//! specific (literal before wildcard before regex), then the earliest entry.
//! So "product architecture" is one hit, never also "product". No I/O here.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

use regex::{Regex, RegexSet};

use crate::lexicon::{Lexicon, Pattern, TermId};
use crate::normalize::{is_word_char, NormText};
use crate::scope::Status;

/// One match of a term. `start..end` are byte offsets into the *normalised* text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Start byte offset in the normalised text.
    pub start: usize,
    /// End byte offset (exclusive) in the normalised text.
    pub end: usize,
    /// The term that matched.
    pub term: TermId,
    /// Whether it counts (set by [`crate::scope`]; the matcher leaves it `Counted`).
    pub status: Status,
}

/// Tie-break rank of a pattern kind: lower is more specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Literal = 0,
    Prefix = 1,
    Regex = 2,
}

#[derive(Clone, Copy, Debug)]
struct Candidate {
    hit: Hit,
    kind: Kind,
}

/// A compiled lexicon, shared read-only by every worker.
#[derive(Clone, Debug)]
pub struct Matcher {
    ac: AhoCorasick,
    /// For each automaton pattern: its term and whether it is a wildcard stem.
    ac_terms: Vec<(TermId, Kind)>,
    regex_set: RegexSet,
    regexes: Vec<(LazyRegex, TermId)>,
}

/// Reusable buffers for [`Matcher::find_into`], one per worker thread.
#[derive(Debug, Default)]
pub struct MatchScratch {
    candidates: Vec<Candidate>,
}

/// The matcher could not be built (an automaton or regex over the size limits).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the matcher: {0}")]
pub struct BuildError(String);

/// What the compiled automaton is tuned for. Both find exactly the same hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Build {
    /// A DFA: the fastest matching, built once for a scan of many postings.
    #[default]
    Throughput,
    /// A contiguous NFA: about twice as cheap to build, slower to run. For
    /// tagging a handful of postings, where building dominates (`roletag tag`).
    QuickStart,
}

impl Matcher {
    /// Compiles every pattern of `lexicon` for throughput ([`Build::Throughput`]).
    ///
    /// # Errors
    /// Only when a regex or the automaton exceeds the engines' size limits.
    pub fn new(lexicon: &Lexicon) -> Result<Matcher, BuildError> {
        Matcher::build(lexicon, Build::Throughput)
    }

    /// Compiles every pattern of `lexicon` with the automaton `build` asks for.
    ///
    /// # Errors
    /// Only when a regex or the automaton exceeds the engines' size limits.
    pub fn build(lexicon: &Lexicon, build: Build) -> Result<Matcher, BuildError> {
        let mut literals = Vec::new();
        let mut ac_terms = Vec::new();
        let mut regexes = Vec::new();
        for (id, term) in lexicon.terms.iter().enumerate() {
            for p in &term.patterns {
                match p {
                    Pattern::Literal(s) => {
                        literals.push(s.clone());
                        ac_terms.push((id, Kind::Literal));
                    }
                    Pattern::Prefix(s) => {
                        literals.push(s.clone());
                        ac_terms.push((id, Kind::Prefix));
                    }
                    Pattern::Regex(r) => regexes.push((r.clone(), id)),
                }
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(match build {
                Build::Throughput => AhoCorasickKind::DFA,
                Build::QuickStart => AhoCorasickKind::ContiguousNFA,
            }))
            .build(&literals)
            .map_err(|e| BuildError(e.to_string()))?;
        let regex_set = RegexSet::new(regexes.iter().map(|(r, _)| r.as_str()))
            .map_err(|e| BuildError(e.to_string()))?;
        // The set has checked every pattern; each one's own regex is compiled the
        // first time the set says it matches (most postings need few or none).
        let regexes = regexes
            .into_iter()
            .map(|(pattern, id)| {
                let lazy = LazyRegex {
                    pattern,
                    re: OnceLock::new(),
                };
                if build == Build::Throughput {
                    lazy.get();
                }
                (lazy, id)
            })
            .collect();
        Ok(Matcher {
            ac,
            ac_terms,
            regex_set,
            regexes,
        })
    }

    /// All hits in `text`, ordered by start offset.
    pub fn find(&self, text: &NormText) -> Vec<Hit> {
        let mut out = Vec::new();
        self.find_into(text.as_str(), &mut MatchScratch::default(), &mut out);
        out
    }

    /// Appends the hits in normalised `text` to `out` (cleared first), reusing `scratch`.
    pub fn find_into(&self, text: &str, scratch: &mut MatchScratch, out: &mut Vec<Hit>) {
        out.clear();
        let cands = &mut scratch.candidates;
        cands.clear();
        for m in self.ac.find_overlapping_iter(text) {
            let (term, kind) = self.ac_terms[m.pattern().as_usize()];
            let end = if kind == Kind::Prefix {
                word_end(text, m.end())
            } else {
                m.end()
            };
            push_if_bounded(text, m.start(), end, term, kind, cands);
        }
        if !self.regexes.is_empty() {
            for i in self.regex_set.matches(text).iter() {
                let (lazy, term) = &self.regexes[i];
                let Some(re) = lazy.get() else { continue };
                for m in re.find_iter(text) {
                    push_if_bounded(text, m.start(), m.end(), *term, Kind::Regex, cands);
                }
            }
        }
        resolve(cands, out);
    }
}

/// A regex compiled on first use (its pattern is already checked by the `RegexSet`).
#[derive(Clone, Debug)]
struct LazyRegex {
    pattern: String,
    re: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    fn get(&self) -> Option<&Regex> {
        self.re
            .get_or_init(|| Regex::new(&self.pattern).ok())
            .as_ref()
    }
}

/// Keeps a candidate only if it starts and ends on word boundaries.
fn push_if_bounded(
    text: &str,
    start: usize,
    end: usize,
    term: TermId,
    kind: Kind,
    out: &mut Vec<Candidate>,
) {
    if start < end && is_boundary_before(text, start) && is_boundary_after(text, end) {
        let hit = Hit {
            start,
            end,
            term,
            status: Status::Counted,
        };
        out.push(Candidate { hit, kind });
    }
}

/// A match may start at `i` unless a word character on each side would join it to a word.
fn is_boundary_before(text: &str, i: usize) -> bool {
    let before = text[..i].chars().next_back();
    let first = text[i..].chars().next();
    !matches!((before, first), (Some(b), Some(f)) if is_word_char(b) && is_word_char(f))
}

fn is_boundary_after(text: &str, i: usize) -> bool {
    let last = text[..i].chars().next_back();
    let after = text[i..].chars().next();
    !matches!((last, after), (Some(l), Some(a)) if is_word_char(l) && is_word_char(a))
}

/// The end of the word containing byte `i` (or `i` if it is not inside one).
fn word_end(text: &str, i: usize) -> usize {
    text[i..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(j, _)| i + j)
}

/// Leftmost, then longest, then most specific, then earliest entry; no overlaps.
fn resolve(cands: &mut [Candidate], out: &mut Vec<Hit>) {
    cands.sort_unstable_by(|a, b| {
        (
            a.hit.start,
            std::cmp::Reverse(a.hit.end),
            a.kind,
            a.hit.term,
        )
            .cmp(&(
                b.hit.start,
                std::cmp::Reverse(b.hit.end),
                b.kind,
                b.hit.term,
            ))
    });
    let mut taken_to = 0;
    for c in cands.iter() {
        if c.hit.start >= taken_to {
            out.push(c.hit);
            taken_to = c.hit.end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_start_and_throughput_automata_find_the_same_hits() {
        let lex = Lexicon::embedded().unwrap();
        let fast = Matcher::build(&lex, Build::Throughput).unwrap();
        let quick = Matcher::build(&lex, Build::QuickStart).unwrap();
        let mut hits = 0;
        for entry in std::fs::read_dir("corpora/sample").unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let norm = NormText::new(&text);
            let a = fast.find(&norm);
            assert_eq!(a, quick.find(&norm));
            hits += a.len();
        }
        assert!(hits > 300, "the sample corpus has many hits, got {hits}");
    }

    fn lexicon(entries: &[&str]) -> Lexicon {
        let terms: Vec<String> = entries
            .iter()
            .map(|e| {
                let (key, val) = match e.strip_prefix("re:") {
                    Some(r) => ("regex", r),
                    None => ("term", *e),
                };
                format!("{{ axis = \"a\", pole = \"cio\", {key} = '{val}' }},")
            })
            .collect();
        let text = format!(
            "axes = [{{ name = \"a\", cio = \"in\", cto = \"out\" }}]\nterms = [\n{}\n]\n",
            terms.join("\n")
        );
        Lexicon::from_toml(&text, "test").unwrap()
    }

    /// Matched substrings of the normalised text, with the entry that matched.
    fn hits(entries: &[&str], text: &str) -> Vec<(String, String)> {
        let lex = lexicon(entries);
        let m = Matcher::new(&lex).unwrap();
        let norm = NormText::new(text);
        m.find(&norm)
            .into_iter()
            .map(|h| {
                let s = norm.as_str()[h.start..h.end].to_string();
                (s, lex.terms[h.term].name.clone())
            })
            .collect()
    }

    macro_rules! t {
        ($name:ident, $entries:expr, $text:expr, $want:expr) => {
            #[test]
            fn $name() {
                let want: Vec<(String, String)> = $want
                    .iter()
                    .map(|(a, b): &(&str, &str)| (a.to_string(), b.to_string()))
                    .collect();
                assert_eq!(hits(&$entries, $text), want);
            }
        };
    }

    // Boundaries.
    t!(
        whole_word_only,
        ["erp"],
        "ERP, enterprise, erps, terp",
        [("erp", "erp")]
    );
    t!(boundary_at_text_edges, ["it"], "it", [("it", "it")]);
    t!(
        no_match_inside_word,
        ["product"],
        "productivity reproduction",
        []
    );
    t!(
        punctuation_is_a_boundary,
        ["crm"],
        "(CRM/ERP)",
        [("crm", "crm")]
    );
    t!(
        non_word_edges_need_no_boundary,
        ["c++"],
        "c++11 and C++",
        [("c++", "c++"), ("c++", "c++")]
    );
    // Phrases, case and whitespace.
    t!(
        phrase_across_newline,
        ["service desk"],
        "Service\n\n  DESK team",
        [("service desk", "service desk")]
    );
    t!(
        hyphen_and_space_are_equal,
        ["customer facing"],
        "customer-facing apps",
        [("customer facing", "customer facing")]
    );
    t!(
        case_insensitive_unicode,
        ["équipe"],
        "ÉQUIPE",
        [("équipe", "équipe")]
    );
    // Overlaps: leftmost-longest.
    t!(
        longest_wins,
        ["product", "product architecture"],
        "own the product architecture",
        [("product architecture", "product architecture")]
    );
    t!(
        leftmost_wins_over_longer_later,
        ["cloud infrastructure", "infrastructure management"],
        "cloud infrastructure management",
        [("cloud infrastructure", "cloud infrastructure")]
    );
    t!(
        shorter_used_when_longer_breaks_boundary,
        ["data", "data center"],
        "data centers",
        [("data", "data")]
    );
    t!(
        adjacent_hits_both_count,
        ["erp", "crm"],
        "erp crm",
        [("erp", "erp"), ("crm", "crm")]
    );
    // Wildcards.
    t!(
        wildcard_extends_to_word_end,
        ["manag*"],
        "managing managers manage",
        [
            ("managing", "manag*"),
            ("managers", "manag*"),
            ("manage", "manag*")
        ]
    );
    t!(wildcard_needs_left_boundary, ["manag*"], "mismanaged", []);
    t!(
        wildcard_on_last_word_of_phrase,
        ["data cent*"],
        "data centre and data centers",
        [
            ("data centre", "data cent*"),
            ("data centers", "data cent*")
        ]
    );
    t!(
        literal_beats_wildcard_on_tie,
        ["manag*", "management"],
        "management",
        [("management", "management")]
    );
    t!(
        earlier_entry_wins_exact_tie,
        ["erp", "erp"],
        "erp",
        [("erp", "erp")]
    );
    // Regex entries follow the same rule.
    t!(
        regex_entry,
        ["re:sap s/?4 ?hana"],
        "SAP S/4HANA rollout",
        [("sap s/4hana", "re:sap s/?4 ?hana")]
    );
    t!(regex_respects_boundaries, ["re:b2b"], "b2b2c", []);
    t!(
        literal_beats_regex_on_tie,
        ["re:erp", "erp"],
        "erp",
        [("erp", "erp")]
    );
    t!(
        longer_regex_beats_literal,
        ["erp", "re:erp systems?"],
        "erp systems",
        [("erp systems", "re:erp systems?")]
    );

    #[test]
    fn hits_are_ordered_and_disjoint() {
        let lex = lexicon(&["a b", "b c", "c", "a"]);
        let m = Matcher::new(&lex).unwrap();
        let got = m.find(&NormText::new("a b c a b c"));
        for w in got.windows(2) {
            assert!(w[0].end <= w[1].start, "{got:?}");
        }
        assert_eq!(got.len(), 4);
    }
}
