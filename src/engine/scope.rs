//! Scope: which hits describe the role, and which only sit near it.
//!
//! Input is the raw text, its [`NormText`] and the matcher's [`Hit`]s; output is
//! each hit's [`Status`]. Two things make a hit not count:
//! * **negation**: a cue word (`no`, `not`, `without`, `never`...) at most
//!   [`NEGATION_WINDOW`] words before it in the same clause ("no ERP experience
//!   needed", "not a product role"), or a cue right after it ("ERP is not
//!   required");
//! * **boilerplate**: lines in a section whose heading is company or legal copy
//!   ("About us", "About Acme", "Benefits", "What we offer", "Equal opportunity")
//!   until the next heading, and any *sentence* carrying an equal-opportunity, pay
//!   or benefits formula. Such copy describes the employer, not the role. Formulas
//!   work per sentence, not per line, so a posting whose line breaks were flattened
//!   away (most CSV and JSON exports) loses only the sentence, not every hit.
//!
//! Ignored hits stay in the report (`ignored`), so the evidence stays honest.
//! No I/O, no scoring here.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

pub use crate::engine::formulas::formula_markers;
use crate::engine::matcher::Hit;
pub use crate::engine::matcher::Status;
use crate::engine::normalize::NormText;
use crate::input::heading_text;

/// How many words before a hit a negation cue reaches.
pub const NEGATION_WINDOW: usize = 4;

/// Which scopes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeOptions {
    /// Ignore negated hits.
    pub negation: bool,
    /// Ignore hits in boilerplate.
    pub boilerplate: bool,
}

impl Default for ScopeOptions {
    fn default() -> ScopeOptions {
        ScopeOptions {
            negation: true,
            boilerplate: true,
        }
    }
}

/// Words that negate what follows them within the window.
const NEGATORS: [&str; 14] = [
    "no", "not", "without", "never", "nor", "neither", "non", "isn't", "aren't", "won't", "don't",
    "doesn't", "cannot", "can't",
];

/// Phrases that negate what precedes them ("ERP experience is not required").
const AFTER_NEGATORS: [&str; 7] = [
    "not required",
    "not needed",
    "not necessary",
    "not essential",
    "not expected",
    "not part of",
    "is not",
];

/// Heading starts that open a boilerplate section (lower case, matched as prefixes).
const BOILER_HEADINGS: [&str; 32] = [
    "about us",
    "about the company",
    "about our company",
    "who we are",
    "our company",
    "company overview",
    "our story",
    "our mission",
    "our values",
    "our culture",
    "culture",
    "life at",
    "why join",
    "why work",
    "why you'll love",
    "benefits",
    "our benefits",
    "perks",
    "what we offer",
    "what's in it for you",
    "we offer",
    "in return",
    "total rewards",
    "compensation",
    "salary",
    "pay range",
    "equal opportunity",
    "equal employment",
    "eeo",
    "diversity",
    "accommodation",
    "privacy",
];

/// "About X" headings that describe the role, not the company.
const ABOUT_THE_ROLE: [&str; 9] = [
    "about the role",
    "about this role",
    "about you",
    "about the team",
    "about the job",
    "about the position",
    "about the opportunity",
    "about your role",
    "about this position",
];

/// Buffers for [`apply_with`], reused from posting to posting (one per worker).
#[derive(Clone, Debug, Default)]
pub(crate) struct ScopeScratch {
    /// One flag per raw line: inside a boilerplate section or not.
    boiler: Vec<bool>,
    /// Normalised offsets where a formula marker starts, sorted.
    markers: Vec<usize>,
    /// A heading line in lower case.
    lower: String,
}

/// Sets the status of every hit. `raw` is the text that was normalised into `norm`.
pub fn apply(raw: &str, norm: &NormText, hits: &mut [Hit], opts: ScopeOptions) {
    apply_with(raw, norm, hits, opts, &mut ScopeScratch::default(), None);
}

/// [`apply`], reusing `scratch` so that a posting allocates nothing here.
///
/// `formula_starts` are the normalised offsets where the matcher saw a formula
/// marker ([`crate::engine::matcher::MatchScratch::formula_starts`]); `None` searches the
/// normalised text for them here. The statuses are the same either way.
pub(crate) fn apply_with(
    raw: &str,
    norm: &NormText,
    hits: &mut [Hit],
    opts: ScopeOptions,
    scratch: &mut ScopeScratch,
    formula_starts: Option<&[usize]>,
) {
    if hits.is_empty() {
        return;
    }
    prepare(raw, norm, opts, scratch, formula_starts);
    apply_prepared(norm, hits, opts, scratch);
}

/// The first half of [`apply_with`]: finds the boilerplate lines and formula
/// markers of a whole posting, so that [`apply_prepared`] can then set the status
/// of its hits a block at a time (see [`crate::engine::matcher::HitBlocks`]).
pub(crate) fn prepare(
    raw: &str,
    norm: &NormText,
    opts: ScopeOptions,
    scratch: &mut ScopeScratch,
    formula_starts: Option<&[usize]>,
) {
    let boiler = &mut scratch.boiler;
    boiler.clear();
    let markers = &mut scratch.markers;
    markers.clear();
    if opts.boilerplate {
        boilerplate_lines_into(raw, boiler, &mut scratch.lower);
        match formula_starts {
            Some(starts) => markers.extend_from_slice(starts),
            None => markers.extend(
                marker_automaton()
                    .find_iter(norm.as_str())
                    .map(|m| m.start()),
            ),
        }
        markers.sort_unstable();
    }
}

/// The second half of [`apply_with`]: sets the status of `hits` from what
/// [`prepare`] found for their posting (`norm`, with the same `opts`).
pub(crate) fn apply_prepared(
    norm: &NormText,
    hits: &mut [Hit],
    opts: ScopeOptions,
    scratch: &ScopeScratch,
) {
    let text = norm.as_str();
    let (boiler, markers) = (&scratch.boiler, &scratch.markers);
    for hit in hits.iter_mut() {
        let line = norm.line_of(hit.start);
        hit.status = if boiler.get(line) == Some(&true)
            || (!markers.is_empty() && formula_in_sentence(text, norm, line, hit, markers))
        {
            Status::Boilerplate
        } else if opts.negation && is_negated(text, norm, hit) {
            Status::Negated
        } else {
            Status::Counted
        };
    }
}

/// The normalised formula markers in one automaton, built once (for [`apply`]).
fn marker_automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::new(formula_markers())
            .unwrap_or_else(|_| AhoCorasick::new::<_, &str>([]).expect("empty automaton"))
    })
}

/// How many words a formula reaches on either side, within its sentence. A
/// list whose line breaks were flattened away reads as one long sentence with
/// no punctuation; the reach keeps a pay line from taking the list with it.
pub(crate) const FORMULA_REACH: usize = 8;

/// True when a formula marker (`markers`, sorted) starts in the sentence of
/// `hit`, at most [`FORMULA_REACH`] words from it (`sentence_around` in the
/// tests is the oracle): in the hit itself, or after (before) it on its raw line
/// with no sentence end and at most the reach of spaces in between. Only the
/// nearest marker on each side can qualify, and the scan between stops after the
/// reach, so a hit costs a few dozen bytes at most.
fn formula_in_sentence(
    text: &str,
    norm: &NormText,
    line: usize,
    hit: &Hit,
    markers: &[usize],
) -> bool {
    let bytes = text.as_bytes();
    let i = markers.partition_point(|&m| m < hit.start);
    if let Some(&m) = markers.get(i) {
        if m < hit.end || (m < norm.line_end(line) && reaches(bytes, hit.end, m)) {
            return true;
        }
    }
    match i.checked_sub(1).map(|k| markers[k]) {
        Some(m) => m >= norm.line_start(line) && reaches(bytes, m, hit.start),
        None => false,
    }
}

/// True when `bytes[from..to]` holds no sentence end and at most
/// [`FORMULA_REACH`] spaces.
fn reaches(bytes: &[u8], from: usize, to: usize) -> bool {
    let mut spaces = 0;
    for p in from..to {
        if ends_sentence(bytes, p) {
            return false;
        }
        if bytes[p] == b' ' {
            spaces += 1;
            if spaces > FORMULA_REACH {
                return false;
            }
        }
    }
    true
}

/// True when the byte at `i` ends a sentence: `.!?;` followed by a space or the
/// end, or the last byte of a bullet character.
fn ends_sentence(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'.' | b'!' | b'?' | b';' => bytes.get(i + 1).is_none_or(|&b| b == b' '),
        // • U+2022 (e2 80 a2), ▪ U+25AA (e2 96 aa), ● U+25CF (e2 97 8f), · U+00B7 (c2 b7)
        0xa2 => i >= 2 && bytes[i - 2] == 0xe2 && bytes[i - 1] == 0x80,
        0xaa => i >= 2 && bytes[i - 2] == 0xe2 && bytes[i - 1] == 0x96,
        0x8f => i >= 2 && bytes[i - 2] == 0xe2 && bytes[i - 1] == 0x97,
        0xb7 => i >= 1 && bytes[i - 1] == 0xc2,
        _ => false,
    }
}

/// Heading starts that describe the role itself: they end a boilerplate section.
const ROLE_HEADINGS: [&str; 30] = [
    "about the role",
    "about this role",
    "about you",
    "about the team",
    "the role",
    "your role",
    "role",
    "the opportunity",
    "the job",
    "job description",
    "position summary",
    "overview",
    "responsibilities",
    "key responsibilities",
    "duties",
    "what you'll",
    "what you will",
    "in this role",
    "you will",
    "you'll",
    "requirements",
    "qualifications",
    "minimum qualifications",
    "preferred qualifications",
    "skills",
    "experience",
    "who you are",
    "what we're looking for",
    "what we are looking for",
    "nice to have",
];

/// One flag per raw line: is it inside a boilerplate section?
///
/// A boilerplate heading opens a section; inside it only a strong heading (a
/// role heading, an ALL-CAPS line, or one ending in `:`) that is not itself
/// boilerplate closes it, so short benefit lines without bullets stay inside.
/// Formulas are not looked at here: they work per sentence ([`apply`]).
pub fn boilerplate_lines(raw: &str) -> Vec<bool> {
    let mut flags = Vec::new();
    boilerplate_lines_into(raw, &mut flags, &mut String::new());
    flags
}

/// [`boilerplate_lines`] into `flags` (cleared first); `lower` is a reusable buffer.
fn boilerplate_lines_into(raw: &str, flags: &mut Vec<bool>, lower: &mut String) {
    flags.clear();
    let mut in_section = false;
    for line in split_lines(raw) {
        let line = heading_text(line.trim());
        if !line.is_empty() && is_heading(line) {
            to_lower(line, lower);
            if is_boiler_heading(lower) {
                in_section = true;
            } else if !in_section || is_strong_heading(line, lower) {
                in_section = false;
            }
        }
        flags.push(in_section);
    }
}

/// `raw.split('\n')`, with `memchr` finding the line ends: `str::split` checks
/// each candidate with a `memcmp` call, a fair share of a scan's time on short lines.
fn split_lines(raw: &str) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr_iter(b'\n', raw.as_bytes()).chain(std::iter::once(raw.len()));
    let mut start = 0;
    ends.map(move |end| {
        // A `\n` byte is a whole character, so both cuts are on boundaries.
        let line = &raw[start..end];
        start = end + 1;
        line
    })
}

/// `line` in lower case into `out`, without allocating for ASCII text.
fn to_lower(line: &str, out: &mut String) {
    out.clear();
    if line.is_ascii() {
        out.push_str(line);
        out.make_ascii_lowercase();
    } else {
        // `str::to_lowercase` handles final sigma; keep its exact result.
        out.push_str(&line.to_lowercase());
    }
}

/// A heading that certainly starts a new section.
fn is_strong_heading(line: &str, lower: &str) -> bool {
    let h = lower.trim_end_matches([':', ' ']);
    let caps = line.chars().any(char::is_alphabetic) && !line.chars().any(char::is_lowercase);
    line.ends_with(':') || caps || starts_with_any(h, &ROLE_HEADINGS)
}

/// A short line that is not a list item and does not end a sentence.
fn is_heading(line: &str) -> bool {
    let first = line.chars().next().unwrap_or(' ');
    let bullet = matches!(first, '-' | '*' | '•' | '·' | '▪' | '–' | '—' | '>' | '+')
        || first.is_ascii_digit();
    // Cheapest tests first: most lines are bullets or end a sentence.
    !bullet && !line.ends_with(['.', ',', ';']) && line.split_whitespace().nth(8).is_none()
}

/// True when `h` starts with one of `prefixes`. Their first bytes are compared
/// before the rest: most headings share it with none or one of them.
fn starts_with_any(h: &str, prefixes: &[&str]) -> bool {
    let Some(&first) = h.as_bytes().first() else {
        return prefixes.iter().any(|p| p.is_empty());
    };
    prefixes
        .iter()
        .any(|p| p.as_bytes().first() == Some(&first) && h.starts_with(p))
}

fn is_boiler_heading(lower: &str) -> bool {
    let h = lower.trim_end_matches([':', '!', '?', ' ']);
    if h.contains(':') {
        // "Salary range: $90k-$120k" is a line of its own, not a section heading.
        return false;
    }
    if starts_with_any(h, &ABOUT_THE_ROLE) {
        return false;
    }
    // "About Acme", "About Acme Health": the company's own pitch.
    (h.starts_with("about ") && h.split_whitespace().count() <= 4)
        || starts_with_any(h, &BOILER_HEADINGS)
}

/// True when a negator stands within the window before `hit` in its clause and
/// raw line, or a negating phrase follows it in its clause.
///
/// Both sides are short byte scans from the hit: back over at most
/// [`NEGATION_WINDOW`] space-separated words, stopping at a clause delimiter or
/// the start of the raw line; forward over the first five words, stopping at a
/// delimiter. The delimiters and the space are ASCII, so the words are `&str`s.
fn is_negated(text: &str, norm: &NormText, hit: &Hit) -> bool {
    let bytes = text.as_bytes();
    let line_start = norm.line_start(norm.line_of(hit.start));
    let mut i = hit.start;
    let mut seen = 0;
    while seen < NEGATION_WINDOW {
        while i > 0 && bytes[i - 1] == b' ' {
            i -= 1;
        }
        let end = i;
        while i > 0 && bytes[i - 1] != b' ' && !is_clause_delimiter(bytes[i - 1]) {
            i -= 1;
        }
        if i == end || i < line_start {
            break; // the clause or the line begins here
        }
        if NEGATORS.contains(&&text[i..end]) {
            return true;
        }
        seen += 1;
    }
    let after = &bytes[hit.end..];
    let from = after.iter().position(|&b| b != b' ').unwrap_or(after.len());
    let mut spaces = 0;
    let mut to = from;
    while to < after.len() && !is_clause_delimiter(after[to]) {
        if after[to] == b' ' {
            spaces += 1;
            if spaces == 5 {
                break;
            }
        }
        to += 1;
    }
    let head = &text[hit.end + from..hit.end + to];
    // Every phrase contains "not": one search rules most clauses out.
    head.contains("not") && AFTER_NEGATORS.iter().any(|p| head.contains(p))
}

/// Punctuation that ends a clause for the negation window.
fn is_clause_delimiter(b: u8) -> bool {
    matches!(b, b'.' | b';' | b':' | b'!' | b'?' | b'(' | b')' | b',')
}

#[cfg(test)]
mod tests;
