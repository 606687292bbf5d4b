//! Finding lexicon terms in normalised text.
//!
//! [`Matcher`] is built once from a [`Lexicon`]: every literal and wildcard stem
//! goes into one Aho-Corasick automaton. So do the *gates* of the regexes: the
//! literals every match of a regex must start with (from `regex_syntax`'s prefix
//! extraction). A regex runs on a posting only when one of its gates occurs there
//! at the start of a word, which is where any hit of it must start; a regex without
//! a finite set of gates goes into a `RegexSet` that runs on every posting. Its
//! [`Matcher::find`] turns a [`NormText`] into non-overlapping [`Hit`]s under
//! one rule, whatever engine found the candidate: (1) a candidate must sit on
//! word boundaries (a wildcard extends to the end of its word); (2) among
//! overlapping candidates the leftmost wins, then the longest, then the most
//! specific (literal before wildcard before regex), then the earliest entry.
//! So "product architecture" is one hit, never also "product". No I/O here.
//!
//! The automaton also holds [`crate::engine::scope`]'s boilerplate formulas, normalised,
//! as *markers*: they make no hit, but [`MatchScratch::formula_starts`] tells the
//! scope which lines can carry one, so it searches only those (see
//! `engine::scope::apply_with`).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};
use std::sync::OnceLock;

use regex::{Regex, RegexSet};

use crate::engine::lexicon::{is_embedded_regex, Lexicon, Pattern, TermId};
use crate::engine::normalize::{is_word_char, NormText};

/// One match of a term. `start..end` are byte offsets into the *normalised* text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Start byte offset in the normalised text.
    pub start: usize,
    /// End byte offset (exclusive) in the normalised text.
    pub end: usize,
    /// The term that matched.
    pub term: TermId,
    /// Whether it counts (set by [`crate::engine::scope`]; the matcher leaves it `Counted`).
    pub status: Status,
}

/// Whether a hit counts toward the score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Evidence about the role.
    #[default]
    Counted,
    /// Negated ("no ERP experience needed").
    Negated,
    /// In company, benefits or legal boilerplate.
    Boilerplate,
}

impl Status {
    /// `counted`, `negated` or `boilerplate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Negated => "negated",
            Status::Boilerplate => "boilerplate",
        }
    }
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
    search: Search,
    /// For each automaton pattern before `gates_from`: its term and whether it is a
    /// wildcard stem.
    ac_terms: Vec<(TermId, Kind)>,
    /// Automaton patterns from this index on are regex gates; `gate_regex[p - gates_from]`
    /// is the index in `regexes` of the regex that gate `p` opens.
    gates_from: usize,
    /// Automaton patterns from this index on (after the gates) are formula markers.
    markers_from: usize,
    gate_regex: Vec<usize>,
    /// The regexes without gates (indexes in `regexes`), checked on every text.
    ungated: Vec<usize>,
    ungated_set: RegexSet,
    regexes: Vec<(LazyRegex, TermId)>,
}

/// The automaton of the patterns (terms, wildcard stems, regex gates).
#[derive(Clone, Debug)]
enum Search {
    /// A DFA, walked by [`overlapping`] ([`Build::Throughput`]).
    Dfa(Box<DFA>),
    /// Each pattern on its own, then a contiguous NFA ([`Build::QuickStart`]).
    Quick(quick::Quick),
}

/// Calls `found(pattern, start, end)` for every occurrence of every pattern of
/// `dfa` in `hay`, overlapping ones included, in no particular order.
///
/// Each step of a DFA waits for a table lookup that depends on the step before,
/// and with this many patterns the table is far larger than the first-level
/// cache. So the text is cut into [`STREAMS`] parts walked in lockstep, whose
/// lookups the processor can overlap. Each part keeps the matches that end in
/// it, and its walk starts `max_pattern_len - 1` bytes before it, so that it sees
/// each of them whole.
fn overlapping(dfa: &DFA, hay: &[u8], mut found: impl FnMut(usize, usize, usize)) {
    const N: usize = STREAMS;
    let Ok(start) = dfa.start_state(Anchored::No) else {
        return;
    };
    let overlap = dfa.max_pattern_len().saturating_sub(1);
    // Stream j keeps the matches ending in (cut[j], to[j]] and starts at from[j],
    // early enough to see each of them whole.
    let cut: [usize; N] = std::array::from_fn(|j| hay.len() * j / N);
    let from: [usize; N] = std::array::from_fn(|j| cut[j].saturating_sub(overlap));
    let to: [usize; N] = std::array::from_fn(|j| if j + 1 < N { cut[j + 1] } else { hay.len() });
    let mut sid = [start; N];
    let mut emit = |sid, end: usize| emit_matches(dfa, sid, end, &mut found);
    let together = (0..N).map(|j| to[j] - from[j]).min().unwrap_or(0);
    for k in 0..together {
        for j in 0..N {
            sid[j] = dfa.next_state(Anchored::No, sid[j], hay[from[j] + k]);
        }
        for j in 0..N {
            let end = from[j] + k + 1;
            if dfa.is_special(sid[j]) && dfa.is_match(sid[j]) && (j == 0 || end > cut[j]) {
                emit(sid[j], end);
            }
        }
    }
    for j in 0..N {
        let mut s = sid[j];
        let rest = from[j] + together;
        for (at, &byte) in (rest..).zip(&hay[rest..to[j]]) {
            s = dfa.next_state(Anchored::No, s, byte);
            if dfa.is_special(s) && dfa.is_match(s) && (j == 0 || at + 1 > cut[j]) {
                emit(s, at + 1);
            }
        }
    }
}

/// Reports the patterns that match in state `sid`, ending at `end`. Kept out of
/// line: matches are rare next to the bytes walked, and inlined into
/// [`overlapping`]'s lockstep loop this grew the loop (12% more instructions a scan).
#[inline(never)]
fn emit_matches(dfa: &DFA, sid: StateID, end: usize, found: &mut impl FnMut(usize, usize, usize)) {
    for i in 0..dfa.match_len(sid) {
        let pattern = dfa.match_pattern(sid, i);
        found(pattern.as_usize(), end - dfa.pattern_len(pattern), end);
    }
}

/// Walks run in lockstep by [`overlapping`]: 2 took 9% off a one-thread scan,
/// 4 another 4%, and 8 were slower again (their overlaps are walked twice).
const STREAMS: usize = 4;

/// Reusable buffers for [`Matcher::find_into`], one per worker thread.
#[derive(Debug, Default)]
pub struct MatchScratch {
    candidates: Vec<Candidate>,
    /// Regexes (indexes in `regexes`) whose gate opened in the current text.
    open: Vec<usize>,
    /// Where a formula marker starts in the current text.
    formulas: Vec<usize>,
}

impl MatchScratch {
    /// After [`Matcher::find_into`]: the normalised offsets, in no particular
    /// order, where a boilerplate formula ([`crate::engine::formulas::formula_markers`])
    /// occurs. Any line whose raw text holds a formula has one of them.
    pub fn formula_starts(&self) -> &[usize] {
        &self.formulas
    }
}

/// The most gates one regex may have; a regex with more runs on every text.
const MAX_GATES: usize = 256;

/// The literals every match of `pattern` starts with, or `None` when there is no
/// small finite set of them (or one is empty, so anything could start a match).
fn gates(pattern: &str) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::Extractor;
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let seq = Extractor::new().extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > MAX_GATES {
        return None;
    }
    let gates: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    (!gates.iter().any(Vec::is_empty)).then_some(gates)
}

/// The matcher could not be built (an automaton or regex over the size limits).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the matcher: {0}")]
pub struct BuildError(String);

/// A regex that did not compile (over the size limit: the lexicon check only
/// parses), named as a lexicon problem is: `file:line: term "re:...": why`.
fn regex_error(lexicon: &Lexicon, id: usize, e: &regex::Error) -> BuildError {
    let term = &lexicon.terms[id];
    let name: String = term.name.chars().take(60).collect();
    let why = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    BuildError(format!(
        "{}:{}: term {name:?}: {why}",
        lexicon.source, term.line
    ))
}

/// What the compiled automaton is tuned for. Both find exactly the same hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Build {
    /// A DFA: the fastest matching, built once for a scan of many postings.
    #[default]
    Throughput,
    /// No automaton up front: each pattern is looked for on its own until the
    /// texts searched add up to 16 KiB, then a contiguous NFA is built (see
    /// `quick.rs`). For tagging a handful of postings, where building an
    /// automaton would cost more than searching (`roletag tag`).
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
        Matcher::build_gated(lexicon, build, true)
    }

    /// [`Matcher::build`], with regex gates or (`gated` false, for tests) without:
    /// then every regex is in the set and checked on every text.
    fn build_gated(lexicon: &Lexicon, build: Build, gated: bool) -> Result<Matcher, BuildError> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut ac_terms = Vec::new();
        let mut regexes = Vec::new();
        for (id, term) in lexicon.terms.iter().enumerate() {
            for p in &term.patterns {
                match p {
                    Pattern::Literal(s) => {
                        literals.push(s.clone().into_bytes());
                        ac_terms.push((id, Kind::Literal));
                    }
                    Pattern::Prefix(s) => {
                        literals.push(s.clone().into_bytes());
                        ac_terms.push((id, Kind::Prefix));
                    }
                    Pattern::Regex(r) => regexes.push((r.clone(), id)),
                }
            }
        }
        let gates_from = literals.len();
        let mut gate_regex = Vec::new();
        let mut ungated = Vec::new();
        for (i, (pattern, _)) in regexes.iter().enumerate() {
            match gates(pattern).filter(|_| gated) {
                Some(gates) => {
                    gate_regex.extend(std::iter::repeat_n(i, gates.len()));
                    literals.extend(gates);
                }
                None => ungated.push(i),
            }
        }
        let markers_from = literals.len();
        literals.extend(
            crate::engine::formulas::formula_markers()
                .into_iter()
                .map(String::into_bytes),
        );
        let search = match build {
            Build::Throughput => Search::Dfa(Box::new(
                aho_corasick::dfa::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(&literals)
                    .map_err(|e| BuildError(e.to_string()))?,
            )),
            Build::QuickStart => Search::Quick(quick::Quick::new(literals)),
        };
        // Every pattern was checked when the lexicon loaded (`regex_syntax`), but
        // only compiling finds one over the size limit: each regex is compiled here,
        // whatever the build, so that `tag` refuses the lexicon as `scan` does
        // instead of never matching the entry. Those of the embedded lexicon are
        // known to compile and are left until a posting needs them (they were a
        // ninth of `roletag tag`'s instructions). The set holds only the ungated ones.
        let ungated_set =
            RegexSet::new(ungated.iter().map(|&i| regexes[i].0.as_str())).map_err(|e| {
                // The set's error names no pattern: find the entry that fails alone.
                let culprit = ungated.iter().map(|&i| &regexes[i]).find_map(|(re, id)| {
                    Regex::new(re).err().map(|e| regex_error(lexicon, *id, &e))
                });
                culprit.unwrap_or_else(|| BuildError(e.to_string()))
            })?;
        let regexes = regexes
            .into_iter()
            .map(|(pattern, id)| {
                let lazy = LazyRegex {
                    pattern,
                    re: OnceLock::new(),
                };
                if !is_embedded_regex(&lazy.pattern) && lazy.get().is_none() {
                    let err = Regex::new(&lazy.pattern).err();
                    return Err(match err {
                        Some(e) => regex_error(lexicon, id, &e),
                        None => BuildError(format!("cannot compile regex {:?}", lazy.pattern)),
                    });
                }
                Ok((lazy, id))
            })
            .collect::<Result<_, _>>()?;
        Ok(Matcher {
            search,
            ac_terms,
            gates_from,
            markers_from,
            gate_regex,
            ungated,
            ungated_set,
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
        let open = &mut scratch.open;
        open.clear();
        let formulas = &mut scratch.formulas;
        formulas.clear();
        self.walk(text, 0, text.len(), |p, start, end| match self.pattern(p) {
            Found::Marker => formulas.push(start),
            // A regex hit must start on a word boundary, so only such a gate opens.
            Found::Gate(i) => {
                if is_boundary_before(text, start) {
                    open.push(i);
                }
            }
            Found::Term(term, kind) => push_term(text, start, end, term, kind, cands),
        });
        let open = &mut scratch.open;
        self.open_ungated(text, open);
        for &i in open.iter() {
            let (lazy, term) = &self.regexes[i];
            let Some(re) = lazy.get() else { continue };
            for m in re.find_iter(text) {
                push_if_bounded(text, m.start(), m.end(), *term, Kind::Regex, cands);
            }
        }
        resolve(cands, out, &mut 0);
    }

    /// The hits of `text` block by block, so that a long text never holds them all
    /// (see [`HitBlocks`]). Their concatenation is [`Matcher::find_into`]'s hits.
    pub fn blocks<'a>(&'a self, text: &'a str, scratch: &'a mut MatchScratch) -> HitBlocks<'a> {
        HitBlocks::new(self, text, scratch, BLOCK)
    }

    /// What automaton pattern `p` is.
    fn pattern(&self, p: usize) -> Found {
        if p >= self.markers_from {
            Found::Marker
        } else if p >= self.gates_from {
            Found::Gate(self.gate_regex[p - self.gates_from])
        } else {
            let (term, kind) = self.ac_terms[p];
            Found::Term(term, kind)
        }
    }

    /// Calls `found(pattern, start, end)` for every pattern occurrence that starts
    /// and ends in `text[from..to]`, overlapping ones included, with offsets in `text`.
    fn walk(&self, text: &str, from: usize, to: usize, mut found: impl FnMut(usize, usize, usize)) {
        match &self.search {
            Search::Dfa(dfa) => overlapping(dfa, &text.as_bytes()[from..to], |p, s, e| {
                found(p, from + s, from + e);
            }),
            Search::Quick(quick) => quick.walk(&text.as_bytes()[from..to], |p, s, e| {
                found(p, from + s, from + e);
            }),
        }
    }

    /// The longest automaton pattern, in bytes.
    fn max_pattern_len(&self) -> usize {
        match &self.search {
            Search::Dfa(dfa) => dfa.max_pattern_len(),
            Search::Quick(quick) => quick.max_pattern_len(),
        }
    }

    /// Adds the ungated regexes that match `text` to `open` (the gated ones a gate
    /// opened), then sorts them into lexicon order, as the set reports them, so
    /// that ties resolve the same.
    fn open_ungated(&self, text: &str, open: &mut Vec<usize>) {
        if !self.ungated.is_empty() {
            open.extend(
                self.ungated_set
                    .matches(text)
                    .iter()
                    .map(|i| self.ungated[i]),
            );
        }
        open.sort_unstable();
        open.dedup();
    }
}

/// Normalised texts longer than this are matched in blocks of this many bytes
/// by [`Matcher::blocks`]: a 16 MiB posting of "erp " repeated made 4 million
/// hits, 0.3 GB kept at once before.
pub const BLOCK: usize = 1 << 16;

/// What an automaton pattern is.
enum Found {
    /// A term's literal or wildcard stem.
    Term(TermId, Kind),
    /// A gate of the regex at this index in `regexes`.
    Gate(usize),
    /// A boilerplate formula marker.
    Marker,
}

/// The hits of one text, a block at a time ([`HitBlocks::next_into`]), in text order.
///
/// A text of at most [`BLOCK`] bytes is one block, matched as
/// [`Matcher::find_into`] does. A longer one is walked twice: once whole for the
/// formula markers and the regex gates, then block by block for the hits that
/// *start* in each block (the walk reads on past the block's end by the longest
/// pattern, so it sees each whole). Regex matches come from one search of the
/// whole text per opened regex, taken in start order as the blocks advance, and
/// overlaps resolve across blocks because the leftmost-longest rule only needs
/// where the last hit taken ended. So memory holds one block's hits, and the
/// blocks' hits are exactly the hits of the whole text.
pub struct HitBlocks<'a> {
    matcher: &'a Matcher,
    text: &'a str,
    scratch: &'a mut MatchScratch,
    block: usize,
    /// Start of the next block; `None` once every block was returned.
    at: Option<usize>,
    /// End of the last hit taken.
    taken_to: usize,
    /// The opened regexes' matches in the whole text, each with its term.
    regexes: Vec<(TermId, std::iter::Peekable<regex::Matches<'a, 'a>>)>,
}

impl std::fmt::Debug for HitBlocks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HitBlocks")
            .field("block", &self.block)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

impl<'a> HitBlocks<'a> {
    fn new(
        matcher: &'a Matcher,
        text: &'a str,
        scratch: &'a mut MatchScratch,
        block: usize,
    ) -> HitBlocks<'a> {
        let mut blocks = HitBlocks {
            matcher,
            text,
            scratch,
            block: block.max(1),
            at: Some(0),
            taken_to: 0,
            regexes: Vec::new(),
        };
        if text.len() > blocks.block {
            blocks.find_markers_and_gates();
        }
        blocks
    }

    /// The first walk of a long text: formula markers and opened regexes.
    fn find_markers_and_gates(&mut self) {
        let (m, text) = (self.matcher, self.text);
        let formulas = &mut self.scratch.formulas;
        formulas.clear();
        let open = &mut self.scratch.open;
        open.clear();
        m.walk(text, 0, text.len(), |p, start, _| match m.pattern(p) {
            Found::Marker => formulas.push(start),
            Found::Gate(i) if is_boundary_before(text, start) => open.push(i),
            _ => {}
        });
        m.open_ungated(text, open);
        self.regexes = open
            .iter()
            .filter_map(|&i| {
                let (lazy, term) = &m.regexes[i];
                Some((*term, lazy.get()?.find_iter(text).peekable()))
            })
            .collect();
    }

    /// Where a boilerplate formula marker starts in the text, in no particular
    /// order (see [`MatchScratch::formula_starts`]); all of them once
    /// [`HitBlocks::next_into`] has returned `true`.
    pub fn formula_starts(&self) -> &[usize] {
        &self.scratch.formulas
    }

    /// Puts the next block's hits in `out` (cleared first), ordered by start;
    /// `false` when every block was returned (a text has at least one block).
    pub fn next_into(&mut self, out: &mut Vec<Hit>) -> bool {
        let Some(from) = self.at else {
            out.clear();
            return false;
        };
        let (m, text) = (self.matcher, self.text);
        if text.len() <= self.block {
            m.find_into(text, self.scratch, out);
            self.at = None;
            return true;
        }
        out.clear();
        let to = ceil_char_boundary(text, from + self.block);
        let walk_to = ceil_char_boundary(text, to + m.max_pattern_len());
        let cands = &mut self.scratch.candidates;
        cands.clear();
        m.walk(text, from, walk_to, |p, start, end| {
            if let (Found::Term(term, kind), true) = (m.pattern(p), start < to) {
                push_term(text, start, end, term, kind, cands);
            }
        });
        for (term, matches) in &mut self.regexes {
            while let Some(hit) = matches.next_if(|h| h.start() < to) {
                push_if_bounded(text, hit.start(), hit.end(), *term, Kind::Regex, cands);
            }
        }
        resolve(cands, out, &mut self.taken_to);
        self.at = (to < text.len()).then_some(to);
        true
    }
}

/// The first character boundary of `text` at or after `i` (its length past the end).
fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A term candidate found by the automaton: a wildcard stem extends to the end
/// of its word; it is kept when it sits on word boundaries.
fn push_term(
    text: &str,
    start: usize,
    end: usize,
    term: TermId,
    kind: Kind,
    cands: &mut Vec<Candidate>,
) {
    let end = if kind == Kind::Prefix {
        word_end(text, end)
    } else {
        end
    };
    push_if_bounded(text, start, end, term, kind, cands);
}

/// A regex, compiled when the matcher is built (see `build_gated`).
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

/// Leftmost, then longest, then most specific, then earliest entry; no overlaps,
/// none starting before `taken_to` (where the last hit taken ended), which it moves on.
fn resolve(cands: &mut [Candidate], out: &mut Vec<Hit>, taken_to: &mut usize) {
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
    for c in cands.iter() {
        if c.hit.start >= *taken_to {
            out.push(c.hit);
            *taken_to = c.hit.end;
        }
    }
}

mod quick;
#[cfg(test)]
mod tests;
