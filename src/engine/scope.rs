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

use crate::engine::matcher::Hit;
use crate::engine::normalize::NormText;

/// How many words before a hit a negation cue reaches.
pub const NEGATION_WINDOW: usize = 4;

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

/// Formulas that make a single line boilerplate wherever it stands (lower case).
const BOILER_LINES: [&str; 14] = [
    "equal opportunity employer",
    "equal employment opportunity",
    "without regard to",
    "reasonable accommodation",
    "e-verify",
    "pay transparency",
    "salary range",
    "base salary",
    "401(k)",
    "medical, dental",
    "paid time off",
    "parental leave",
    "protected veteran",
    "gender identity",
];

/// Buffers for [`apply_with`], reused from posting to posting (one per worker).
#[derive(Clone, Debug, Default)]
pub struct ScopeScratch {
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

/// The boilerplate formulas as they read once normalised, lower case and with
/// dashes as spaces. The matcher finds them with the terms; a sentence holding one
/// is boilerplate.
pub fn formula_markers() -> Vec<String> {
    BOILER_LINES
        .iter()
        .map(|f| NormText::new(f).as_str().to_string())
        .collect()
}

/// [`apply`], reusing `scratch` so that a posting allocates nothing here.
///
/// `formula_starts` are the normalised offsets where the matcher saw a formula
/// marker ([`crate::engine::matcher::MatchScratch::formula_starts`]); `None` searches the
/// normalised text for them here. The statuses are the same either way.
pub fn apply_with(
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
    let text = norm.as_str();
    let boiler = &mut scratch.boiler;
    boiler.clear();
    let markers = &mut scratch.markers;
    markers.clear();
    if opts.boilerplate {
        boilerplate_lines_into(raw, boiler, &mut scratch.lower);
        match formula_starts {
            Some(starts) => markers.extend_from_slice(starts),
            None => markers.extend(marker_automaton().find_iter(text).map(|m| m.start())),
        }
        markers.sort_unstable();
    }
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
pub const FORMULA_REACH: usize = 8;

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
        let line = line.trim();
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
    line.ends_with(':') || caps || ROLE_HEADINGS.iter().any(|p| h.starts_with(p))
}

/// A short line that is not a list item and does not end a sentence.
fn is_heading(line: &str) -> bool {
    let first = line.chars().next().unwrap_or(' ');
    let bullet = matches!(first, '-' | '*' | '•' | '·' | '▪' | '–' | '—' | '>' | '+')
        || first.is_ascii_digit();
    // Cheapest tests first: most lines are bullets or end a sentence.
    !bullet && !line.ends_with(['.', ',', ';']) && line.split_whitespace().nth(8).is_none()
}

fn is_boiler_heading(lower: &str) -> bool {
    let h = lower.trim_end_matches([':', '!', '?', ' ']);
    if h.contains(':') {
        // "Salary range: $90k-$120k" is a line of its own, not a section heading.
        return false;
    }
    if ABOUT_THE_ROLE.iter().any(|p| h.starts_with(p)) {
        return false;
    }
    // "About Acme", "About Acme Health": the company's own pitch.
    (h.starts_with("about ") && h.split_whitespace().count() <= 4)
        || BOILER_HEADINGS.iter().any(|p| h.starts_with(p))
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
mod tests {
    use super::*;
    use crate::engine::lexicon::Lexicon;
    use crate::engine::matcher::Matcher;

    /// Status of each hit of a one-axis lexicon on `text`, as (matched text, status).
    fn statuses(terms: &[&str], text: &str) -> Vec<(String, Status)> {
        let entries: Vec<String> = terms
            .iter()
            .map(|t| format!("{{ axis = \"a\", pole = \"cio\", term = \"{t}\" }},"))
            .collect();
        let lex = Lexicon::from_toml(
            &format!(
                "axes = [{{ name = \"a\", cio = \"x\", cto = \"y\" }}]\nterms = [\n{}\n]\n",
                entries.join("\n")
            ),
            "t",
        )
        .unwrap();
        let norm = NormText::new(text);
        let mut hits = Matcher::new(&lex).unwrap().find(&norm);
        apply(text, &norm, &mut hits, ScopeOptions::default());
        hits.iter()
            .map(|h| (norm.as_str()[h.start..h.end].to_string(), h.status))
            .collect()
    }

    use Status::*;

    /// The negation check before it became two bounded byte scans, kept as the oracle.
    fn is_negated_reference(text: &str, norm: &NormText, hit: &Hit) -> bool {
        let line = norm.line_of(hit.start);
        let before = &text[..hit.start];
        // The delimiters are ASCII, so a byte search finds the same offsets as a char search.
        let clause_start = before
            .bytes()
            .rposition(is_clause_delimiter)
            .map_or(0, |i| i + 1);
        let words = words_rev(before, clause_start)
            .take_while(|&(i, _)| norm.line_of(i) == line)
            .take(NEGATION_WINDOW);
        for (_, w) in words {
            if NEGATORS.contains(&w) {
                return true;
            }
        }
        let after = &text[hit.end..];
        let clause_end = after
            .bytes()
            .position(is_clause_delimiter)
            .unwrap_or(after.len());
        // Normalised text has single spaces, so the first five words are a slice.
        let clause = after[..clause_end].trim_start();
        let head = clause
            .match_indices(' ')
            .nth(4)
            .map_or(clause, |(i, _)| &clause[..i]);
        // Every phrase contains "not": one search rules most clauses out.
        head.contains("not") && AFTER_NEGATORS.iter().any(|p| head.contains(p))
    }

    /// The words of `s[from..]` from the last to the first, with their start offsets.
    fn words_rev(s: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
        let mut end = s.len();
        s[from..].rsplit(' ').filter_map(move |w| {
            let start = end - w.len();
            end = start.saturating_sub(1);
            (!w.is_empty()).then_some((start, w))
        })
    }

    /// Words and the punctuation after them: mostly none, so that negators often
    /// stand within the window, or just outside it.
    fn negation_words(
    ) -> impl proptest::strategy::Strategy<Value = Vec<(&'static str, &'static str)>> {
        use proptest::prelude::*;
        let word = proptest::sample::select(vec![
            "no", "not", "nor", "can't", "without", "required", "needed", "part", "of", "is",
            "erp", "it", "ops", "x", "y", "z",
        ]);
        let after = prop_oneof![
            12 => Just(""),
            1 => Just(","),
            1 => Just("."),
            1 => Just(" ("),
            1 => Just("\n"),
        ];
        proptest::collection::vec((word, after), 0..20)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn negation_scans_equal_the_reference(words in negation_words(), pick in 0usize..40, len in 1usize..12) {
            let raw: String = words.iter().map(|(w, a)| format!("{w}{a} ")).collect();
            let norm = NormText::new(&raw);
            let text = norm.as_str();
            // Hits start where words start, as real hits do.
            let starts: Vec<usize> = (0..text.len())
                .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b' ')
                .collect();
            proptest::prop_assume!(!starts.is_empty());
            let start = starts[pick % starts.len()];
            let end = (start + len).min(text.len());
            proptest::prop_assume!(start < end);
            let hit = Hit { start, end, term: 0, status: Status::Counted };
            proptest::prop_assert_eq!(
                is_negated(text, &norm, &hit),
                is_negated_reference(text, &norm, &hit),
                "{:?} at {}..{}", text, start, end
            );
        }
    }

    #[test]
    fn negation_table() {
        let cases: &[(&str, &str, Status)] = &[
            ("plain", "You will run the ERP.", Counted),
            ("no_before", "No ERP experience needed.", Negated),
            ("not_a_role", "This is not an ERP role.", Negated),
            ("without", "Without any ERP background, you", Negated),
            (
                "outside_window",
                "No travel is needed for this busy ERP role",
                Counted,
            ),
            ("other_clause", "No travel; you will run the ERP", Counted),
            ("after_phrase", "ERP experience is not required", Negated),
            (
                "after_other_clause",
                "ERP daily, travel is not required",
                Counted,
            ),
            ("previous_line", "Not remote\nERP owner", Counted),
            ("contraction", "You won't touch the ERP", Negated),
        ];
        for (name, text, want) in cases {
            let got = statuses(&["erp"], text);
            assert_eq!(got.len(), 1, "case {name}: {got:?}");
            assert_eq!(got[0].1, *want, "case {name}");
        }
    }

    /// The matcher's formula markers and the scope's own search for them give
    /// every hit the same status.
    #[test]
    fn matcher_markers_and_own_search_agree() {
        let lex = Lexicon::embedded().unwrap();
        let m = Matcher::new(&lex).unwrap();
        let mut scratch = ScopeScratch::default();
        let mut matching = crate::engine::matcher::MatchScratch::default();
        let mut boiler = 0;
        for dir in [
            "corpora/sample",
            "corpora/labeled/none",
            "corpora/labeled/blended",
        ] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let norm = NormText::new(&raw);
                let mut hits = Vec::new();
                m.find_into(norm.as_str(), &mut matching, &mut hits);
                let opts = ScopeOptions::default();
                apply_with(&raw, &norm, &mut hits, opts, &mut scratch, None);
                let own = hits.clone();
                let starts = Some(matching.formula_starts());
                apply_with(&raw, &norm, &mut hits, opts, &mut scratch, starts);
                assert_eq!(own, hits);
                boiler += hits
                    .iter()
                    .filter(|h| h.status == Status::Boilerplate)
                    .count();
            }
        }
        assert!(
            boiler > 40,
            "the corpora have boilerplate hits, got {boiler}"
        );
    }

    /// Lines whose trimmed raw text holds a formula, in any ASCII case.
    fn formula_lines(raw: &str) -> Vec<usize> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(BOILER_LINES)
            .unwrap();
        (raw.split('\n').enumerate())
            .filter(|(_, l)| ac.is_match(l.trim()))
            .map(|(k, _)| k)
            .collect()
    }

    /// Lines on which the matcher saw a formula marker.
    fn marker_lines(raw: &str) -> Vec<usize> {
        static MATCHER: OnceLock<Matcher> = OnceLock::new();
        let m = MATCHER.get_or_init(|| Matcher::new(&Lexicon::embedded().unwrap()).unwrap());
        let norm = NormText::new(raw);
        let mut matching = crate::engine::matcher::MatchScratch::default();
        m.find_into(norm.as_str(), &mut matching, &mut Vec::new());
        let mut lines: Vec<usize> = (matching.formula_starts().iter())
            .map(|&at| norm.line_of(at))
            .collect();
        lines.sort_unstable();
        lines.dedup();
        lines
    }

    #[test]
    fn every_formula_line_has_a_marker() {
        let raw = "Paid Time Off\n- E-Verify\n  x401(K)y\nMEDICAL, DENTAL and\u{a0}more\n\
                   pay  transparency\nE\u{2013}verify\nnothing here\nWithout regard to";
        assert_eq!(formula_lines(raw), [0, 1, 2, 3, 7]);
        // Normalised, a double space or an en dash reads as the formula too.
        assert_eq!(marker_lines(raw), [0, 1, 2, 3, 4, 5, 7]);
    }

    #[test]
    fn boilerplate_sections_and_lines() {
        let text = "About Acme\n\
                    Acme runs the ERP for 500 stores.\n\
                    \n\
                    About the role\n\
                    - Own the ERP upgrade\n\
                    \n\
                    Benefits:\n\
                    - ERP training budget\n\
                    - Dental\n\
                    Requirements\n\
                    - ERP experience\n\
                    We are an equal opportunity employer and use the ERP.";
        let got: Vec<Status> = statuses(&["erp"], text)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(
            got,
            [Boilerplate, Counted, Boilerplate, Counted, Boilerplate],
            "{text}"
        );
    }

    proptest::proptest! {
        #[test]
        fn split_lines_equals_str_split(text in "(?s)[a\n\u{e9}\u{2028}\r]{0,30}") {
            let ours: Vec<&str> = split_lines(&text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            proptest::prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn shortcuts_rely_on_the_phrase_lists() {
        // `is_negated` rules a clause out when it lacks "not".
        assert!(AFTER_NEGATORS.iter().all(|p| p.contains("not")));
        // A formula must sit inside one sentence, or no sentence could hold it.
        for f in formula_markers() {
            let b = f.as_bytes();
            assert!((0..b.len()).all(|i| !ends_sentence(b, i)), "{f:?}");
        }
    }

    /// The sentence holding `start..end` in normalised `text`, as a byte range, cut
    /// to at most `reach` words on either side: it stops at sentence punctuation
    /// followed by a space (`.`, `!`, `?`, `;`), at a bullet (`•`, `·`, `▪`, `●`)
    /// and at the raw line's ends.
    fn sentence_around(
        text: &str,
        norm: &NormText,
        line: usize,
        start: usize,
        end: usize,
        reach: usize,
    ) -> (usize, usize) {
        let bytes = text.as_bytes();
        let line_start = norm.line_start(line);
        let line_end = norm.line_end(line).min(bytes.len());
        let (mut from, mut spaces) = (start, 0);
        while from > line_start && !ends_sentence(bytes, from - 1) {
            if bytes[from - 1] == b' ' {
                spaces += 1;
                if spaces > reach {
                    break;
                }
            }
            from -= 1;
        }
        let (mut to, mut spaces) = (end, 0);
        while to < line_end && !ends_sentence(bytes, to) {
            if bytes[to] == b' ' {
                spaces += 1;
                if spaces > reach {
                    break;
                }
            }
            to += 1;
        }
        (from, to)
    }

    /// The sentence-window search the scan replaced, kept as the oracle.
    fn formula_in_sentence_reference(
        text: &str,
        norm: &NormText,
        line: usize,
        hit: &Hit,
        markers: &[usize],
    ) -> bool {
        let (from, to) = sentence_around(text, norm, line, hit.start, hit.end, FORMULA_REACH);
        let first = markers.partition_point(|&m| m < from);
        markers.get(first).is_some_and(|&m| m < to)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The bounded scans decide exactly as the sentence window does.
        #[test]
        fn formula_scans_equal_the_sentence_window(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "erp", "crm", "x", "y", "salary range", "paid time off", ".", ";", "!",
                    "\u{2022}", "\n", "e.g.", "a;b",
                ]),
                0..40,
            ),
        ) {
            let text = words.join(" ");
            let norm = NormText::new(&text);
            let lex = Lexicon::from_toml(
                "axes = [{ name = \"a\", cio = \"x\", cto = \"y\" }]\nterms = [\n\
                 { axis = \"a\", pole = \"cio\", term = \"erp\" },\n\
                 { axis = \"a\", pole = \"cio\", term = \"crm\" },\n]\n",
                "t",
            )
            .unwrap();
            let hits = Matcher::new(&lex).unwrap().find(&norm);
            let mut markers: Vec<usize> =
                marker_automaton().find_iter(norm.as_str()).map(|m| m.start()).collect();
            markers.sort_unstable();
            proptest::prop_assume!(!markers.is_empty() && !hits.is_empty());
            for hit in &hits {
                let line = norm.line_of(hit.start);
                proptest::prop_assert_eq!(
                    formula_in_sentence(norm.as_str(), &norm, line, hit, &markers),
                    formula_in_sentence_reference(norm.as_str(), &norm, line, hit, &markers),
                    "{:?} at {}", text, hit.start
                );
            }
        }
    }

    #[test]
    fn formulas_work_per_sentence_not_per_line() {
        // One flattened line: only the sentences with a formula are boilerplate.
        let text = "You will run the ERP and the CRM. We offer paid time off; the ERP \
                    budget is yours. Acme is an Equal Opportunity Employer \u{2022} ERP \
                    migrations are the job! Salary range: fair, and the CRM";
        let got: Vec<(String, Status)> = statuses(&["erp", "crm"], text);
        let want = [
            ("erp", Counted),
            ("crm", Counted),
            ("erp", Counted),
            ("erp", Counted),
            ("crm", Boilerplate),
        ];
        let want: Vec<(String, Status)> = want.iter().map(|(t, s)| (t.to_string(), *s)).collect();
        assert_eq!(got, want);
        // The same text with a line break before the last sentence: same statuses.
        let broken = text.replace("! ", "!\n");
        assert_eq!(statuses(&["erp", "crm"], &broken), want);
        // A formula in a sentence of its own leaves the line's other hits alone.
        let text = "Run the ERP. We are an equal opportunity employer. Own the CRM.";
        assert_eq!(
            statuses(&["erp", "crm"], text),
            [("erp".to_string(), Counted), ("crm".to_string(), Counted)]
        );
        let text = "Run the ERP, as an equal opportunity employer would.";
        assert_eq!(statuses(&["erp"], text), [("erp".to_string(), Boilerplate)]);
    }

    /// The line-by-line implementation of the sections, kept as the oracle.
    fn boilerplate_lines_reference(raw: &str) -> Vec<bool> {
        let mut in_section = false;
        raw.split('\n')
            .map(|line| {
                let line = line.trim();
                if !line.is_empty() && is_heading(line) {
                    let lower = line.to_lowercase();
                    if is_boiler_heading(&lower) {
                        in_section = true;
                    } else if !in_section || is_strong_heading(line, &lower) {
                        in_section = false;
                    }
                }
                in_section
            })
            .collect()
    }

    const LINES: [&str; 16] = [
        "About us",
        "About Acme Health",
        "Benefits:",
        "RESPONSIBILITIES",
        "The role",
        "- Paid Time Off and medical, dental",
        "We are an Equal Opportunity Employer.",
        "Run the ERP, the CRM and the service desk.",
        "  ",
        "",
        "Salary range: $90k to $120k, with a base salary review.",
        "ΣΥΝΟΨΗ",
        "Über uns",
        "- 401(k) plan",
        "Requirements",
        "We never ask about gender identity or protected veteran status, ever.",
    ];

    proptest::proptest! {
        #[test]
        fn boilerplate_lines_equal_the_line_by_line_reference(
            picks in proptest::collection::vec(0..LINES.len(), 0..24),
            noise in "(?s).{0,120}",
        ) {
            let mut text: Vec<&str> = picks.iter().map(|&i| LINES[i]).collect();
            text.push(&noise);
            let text = text.join("\n");
            proptest::prop_assert_eq!(boilerplate_lines(&text), boilerplate_lines_reference(&text));
        }

        /// The markers miss no line the per-line search finds a formula on,
        /// whatever the case, the surroundings and the text around them.
        #[test]
        fn formula_lines_all_have_markers(
            parts in proptest::collection::vec(
                (0..BOILER_LINES.len(), proptest::collection::vec(proptest::bool::ANY, 30), "(?s).{0,12}"),
                0..6,
            ),
            noise in "(?s)[ \\-\u{2013}\u{a0}\u{ad}\n\t.,a-zA-Z0-9\u{130}\u{212a}\u{3a3}]{0,40}",
        ) {
            let mut text = noise.clone();
            for (i, upper, around) in &parts {
                let formula: String = BOILER_LINES[*i]
                    .chars()
                    .zip(upper.iter().cycle())
                    .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                    .collect();
                text.push_str(around);
                text.push_str(&formula);
                text.push_str(&noise);
            }
            let marked = marker_lines(&text);
            for line in formula_lines(&text) {
                proptest::prop_assert!(marked.contains(&line), "line {line} of {text:?}");
            }
        }
    }

    #[test]
    fn lower_casing_matches_str_to_lowercase() {
        let mut out = String::from("stale");
        for line in ["About Us", "ÜBER UNS", "ΟΔΟΣ", "İstanbul Office", ""] {
            to_lower(line, &mut out);
            assert_eq!(out, line.to_lowercase(), "{line:?}");
        }
    }

    #[test]
    fn apply_with_reuses_scratch_across_postings() {
        let lex = Lexicon::from_toml(
            "axes = [{ name = \"a\", cio = \"x\", cto = \"y\" }]\nterms = [{ axis = \"a\", pole = \"cio\", term = \"erp\" }]\n",
            "t",
        )
        .unwrap();
        let matcher = Matcher::new(&lex).unwrap();
        let mut scratch = ScopeScratch::default();
        let texts = [
            "Benefits\n- ERP training\n- Dental\nRequirements\n- ERP",
            "ERP owner",
            "About Acme\nAcme sells ERP.\n\nThe role\nNo ERP needed.\nRun the ERP.",
        ];
        for text in texts {
            let norm = NormText::new(text);
            let mut fresh = matcher.find(&norm);
            let mut reused = fresh.clone();
            apply(text, &norm, &mut fresh, ScopeOptions::default());
            apply_with(
                text,
                &norm,
                &mut reused,
                ScopeOptions::default(),
                &mut scratch,
                None,
            );
            assert_eq!(fresh, reused, "{text}");
        }
    }

    #[test]
    fn headings_are_short_unbulleted_lines() {
        assert!(is_heading("What we offer"));
        assert!(is_heading("ABOUT RAMP"));
        assert!(!is_heading("- Benefits"));
        assert!(!is_heading(
            "We offer great benefits to everyone who joins us here today."
        ));
        assert!(is_boiler_heading("about ramp"));
        assert!(!is_boiler_heading("about the role:"));
        assert!(!is_boiler_heading("responsibilities"));
        assert!(is_boiler_heading("salary range:"));
        assert!(!is_boiler_heading("salary range: $195,000 - $235,000"));
    }

    #[test]
    fn options_turn_scopes_off() {
        let text = "Benefits\nNo ERP needed";
        let norm = NormText::new(text);
        let mut hits = vec![Hit {
            start: norm.as_str().find("erp").unwrap(),
            end: norm.as_str().find("erp").unwrap() + 3,
            term: 0,
            status: Status::Counted,
        }];
        let off = ScopeOptions {
            negation: false,
            boilerplate: false,
        };
        apply(text, &norm, &mut hits, off);
        assert_eq!(hits[0].status, Counted);
        apply(text, &norm, &mut hits, ScopeOptions::default());
        assert_eq!(hits[0].status, Boilerplate);
        let negation_only = ScopeOptions {
            negation: true,
            boilerplate: false,
        };
        apply(text, &norm, &mut hits, negation_only);
        assert_eq!(hits[0].status, Negated);
    }
}
