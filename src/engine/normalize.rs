//! Text normalisation shared by postings and lexicon terms.
//!
//! Input is raw text (`&str`); output is [`NormText`]: lower case, every run of
//! whitespace or dashes (`-`, en and em dashes, non-breaking space...) folded
//! into one ASCII space, typographic apostrophes made ASCII, every character beyond
//! ASCII in NFKC (full-width `ＥＲＰ` is `erp`, `ﬁ` is `fi`), and invisible
//! characters (zero-width spaces and joiners, soft hyphens) dropped. Postings and terms
//! go through the same function, so `Customer-Facing` in a posting matches the
//! term `customer facing`. Offsets elsewhere are byte offsets into this text.
//! This module does no matching and no I/O.

pub use crate::input::invisible::{is_blank, is_invisible};

/// A posting's normalised text and its word count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormText {
    text: String,
    words: usize,
    /// For every `\n` of the raw text, the length of the normalised text at that
    /// point: raw line `k + 1` starts at normalised offset `breaks[k]`.
    breaks: Vec<usize>,
}

impl NormText {
    /// Normalises `raw`.
    pub fn new(raw: &str) -> NormText {
        let mut n = NormText::default();
        n.refill(raw);
        n
    }

    /// Normalises `raw` into this value, reusing its buffer.
    pub fn refill(&mut self, raw: &str) {
        self.text.clear();
        self.breaks.clear();
        self.words = normalize_with_breaks(raw, &mut self.text, Some(&mut self.breaks));
    }

    /// The raw line (0-based) that normalised offset `at` came from.
    pub fn line_of(&self, at: usize) -> usize {
        self.breaks.partition_point(|&b| b <= at)
    }

    /// The normalised offset where raw line `line` (0-based) starts: every offset
    /// `at` with `line_of(at) == line` is at least this.
    pub fn line_start(&self, line: usize) -> usize {
        line.checked_sub(1)
            .and_then(|k| self.breaks.get(k))
            .copied()
            .unwrap_or(0)
    }

    /// The normalised offset where raw line `line` ends: where the next line
    /// starts, or the end of the text for the last line.
    pub fn line_end(&self, line: usize) -> usize {
        self.breaks.get(line).copied().unwrap_or(self.text.len())
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of words (maximal runs of alphanumeric characters).
    pub fn words(&self) -> usize {
        self.words
    }
}

/// True for the characters that make up words; term boundaries are checked against these.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True for characters folded into a single space.
#[inline]
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The NFKC form of one character beyond ASCII, written into `buf`, when it differs
/// from the character (a full-width letter, a ligature, a superscript); `None` for the
/// many that are their own NFKC. Per character: a base letter and a combining mark
/// written separately are not composed (a text and a term that differ that way still
/// differ), which keeps every output character tied to one input character.
#[inline]
fn nfkc_of(c: char, buf: &mut [char; 18]) -> Option<&[char]> {
    use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization as _};
    if c < '\u{A0}' || is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        return None;
    }
    let mut n = 0;
    // The longest NFKC of one character is 18 characters (U+FDFA).
    for d in std::iter::once(c).nfkc().take(buf.len()) {
        buf[n] = d;
        n += 1;
    }
    (n != 1 || buf[0] != c).then_some(&buf[..n])
}

/// Normalises `raw` onto the end of `out` and returns the number of words.
pub(crate) fn normalize_into(raw: &str, out: &mut String) -> usize {
    normalize_with_breaks(raw, out, None)
}

fn normalize_with_breaks(raw: &str, out: &mut String, breaks: Option<&mut Vec<usize>>) -> usize {
    normalize_impl::<false>(raw, out, breaks, &mut Vec::new())
}

/// A normalised text with, for every byte of it, the raw byte offset it came from.
///
/// Built only where offsets into the original text are wanted (`roletag explain`);
/// the scan path never pays for the map.
#[derive(Clone, Debug, Default)]
pub(crate) struct MappedText {
    norm: NormText,
    /// `origin[i]`: the raw byte offset of the character that produced normalised byte `i`
    /// (for a folded space, the first separator of its run).
    origin: Vec<usize>,
}

impl MappedText {
    /// Normalises `raw`, keeping the offset map.
    pub(crate) fn new(raw: &str) -> MappedText {
        let mut norm = NormText::default();
        let mut origin = Vec::with_capacity(raw.len());
        let breaks = &mut norm.breaks;
        norm.words = normalize_impl::<true>(raw, &mut norm.text, Some(breaks), &mut origin);
        MappedText { norm, origin }
    }

    /// The normalised text, exactly as [`NormText::new`] makes it.
    pub(crate) fn norm(&self) -> &NormText {
        &self.norm
    }

    /// The raw byte range that the normalised range `start..end` came from: from the
    /// first byte of the character behind `start` to the end of the character behind
    /// `end - 1`. `raw` must be the text given to [`MappedText::new`].
    pub(crate) fn raw_range(&self, raw: &str, start: usize, end: usize) -> std::ops::Range<usize> {
        let (Some(&from), Some(&last)) =
            (self.origin.get(start), self.origin.get(end.wrapping_sub(1)))
        else {
            return raw.len()..raw.len();
        };
        let to = last + raw[last..].chars().next().map_or(0, char::len_utf8);
        from..to.max(from)
    }
}

/// How the normalisation loop treats an ASCII byte.
const SEP: u8 = 1;
const WORD: u8 = 2;
const UPPER: u8 = 4;

/// [`SEP`], [`WORD`] and [`UPPER`] for every ASCII byte, the same as
/// [`is_separator`] and [`is_word_char`] say for the character.
const ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            WORD | UPPER
        } else if c.is_ascii_alphanumeric() {
            WORD
        } else if matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | b'-') {
            SEP
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The one normalisation loop, appending to `out` (whole UTF-8 characters only).
/// Runs of ASCII other than separators (but for single spaces between them) are
/// copied whole and lower-cased in place, words counted through [`ASCII_CLASS`];
/// other separators and characters go one character at a time.
/// With `MAP`, `origin` gets one raw offset per output byte.
#[inline]
fn normalize_impl<const MAP: bool>(
    raw: &str,
    out: &mut String,
    mut breaks: Option<&mut Vec<usize>>,
    origin: &mut Vec<usize>,
) -> usize {
    let bytes = raw.as_bytes();
    out.reserve(bytes.len());
    let mut words = 0;
    let mut in_word = false;
    // Start as if after a space so leading separators are dropped.
    let mut pending_space = false;
    let mut at_start = true;
    // Where the current run of separators began (for the map).
    let mut space_from = 0;
    let mut nfkc_buf = ['\0'; 18];
    let mut i = 0;
    while i < bytes.len() {
        let at = i;
        let b = bytes[i];
        if b < 0x80 && ASCII_CLASS[usize::from(b)] & SEP == 0 {
            // A run of ASCII that is not a separator: copied at once, then lower-cased.
            flush_space::<MAP>(&mut pending_space, space_from, out, origin);
            at_start = false;
            while i < bytes.len() && bytes[i] < 0x80 {
                // Sixteen bytes at a time, as many of them as are plain (see
                // `plain16`); the text's last few are padded with bytes beyond ASCII.
                let sixteen = match bytes.get(i..i + 16) {
                    Some(chunk) => chunk.try_into().unwrap_or([0x80; 16]),
                    None => {
                        let mut padded = [0x80; 16];
                        padded[..bytes.len() - i].copy_from_slice(&bytes[i..]);
                        padded
                    }
                };
                let (taken, starts, last_is_word) = plain16(sixteen, in_word);
                if taken > 0 {
                    words += starts;
                    in_word = last_is_word;
                    i += taken;
                    // Past the plain bytes: the byte steps below take the next one
                    // if it is ASCII, else the run ends at the loop's test.
                    if taken == 16 || i == bytes.len() || bytes[i] >= 0x80 {
                        continue;
                    }
                }
                let class = ASCII_CLASS[usize::from(bytes[i])];
                if class & SEP != 0 {
                    // One space between two non-separators is already its own
                    // normal form: the run goes on through it.
                    let next = bytes.get(i + 1).copied().unwrap_or(0x80);
                    if bytes[i] == b' ' && next < 0x80 && ASCII_CLASS[usize::from(next)] & SEP == 0
                    {
                        in_word = false;
                        i += 1;
                        continue;
                    }
                    break;
                }
                let word = class & WORD != 0;
                words += usize::from(word && !in_word);
                in_word = word;
                i += 1;
            }
            let from = out.len();
            // All ASCII, so both ends are character boundaries: pushed as `str`,
            // the text never needs checking as UTF-8 again.
            out.push_str(raw.get(at..i).unwrap_or_default());
            out[from..].make_ascii_lowercase();
            if MAP {
                origin.extend(at..i);
            }
            continue;
        }
        // An ASCII separator, or a character beyond ASCII.
        let c = if b < 0x80 {
            char::from(b)
        } else {
            raw[at..]
                .chars()
                .next()
                .unwrap_or(char::REPLACEMENT_CHARACTER)
        };
        i += c.len_utf8();
        if c == '\n' {
            if let Some(br) = breaks.as_deref_mut() {
                // The pending space (if any) belongs to the new line.
                br.push(out.len() + usize::from(pending_space || !at_start));
            }
        }
        // One character of the text: a separator, or a character to copy.
        let mut emit = |d: char| {
            if is_separator(d) {
                if MAP && !pending_space {
                    space_from = at;
                }
                pending_space = !at_start;
                in_word = false;
                return;
            }
            flush_space::<MAP>(&mut pending_space, space_from, out, origin);
            at_start = false;
            let word = push_lower(d, out);
            if MAP {
                origin.resize(out.len(), at);
            }
            if word && !in_word {
                words += 1;
            }
            in_word = word;
        };
        if c.is_ascii() || is_separator(c) {
            emit(c);
        } else if is_invisible(c) {
            // Dropped: `ER\u{200B}P` is `erp`, and a word goes on through it.
        } else if let Some(folded) = nfkc_of(c, &mut nfkc_buf) {
            folded.iter().copied().for_each(&mut emit);
        } else {
            emit(c);
        }
    }
    words
}

/// How many of sixteen bytes, from the first, the normalisation loop would copy
/// unchanged but for case, and the words that start among them (`in_word`: the
/// byte before was a word character) and whether the last of them is a word
/// character. Plain bytes are ASCII, neither control bytes (a few are separators;
/// the byte loop takes them all) nor dashes; a space is plain when the byte after
/// it is plain and not a space, within the sixteen. One SSE2 compare per class
/// where the target has it (`wide` picks the instructions, without `unsafe` here).
#[inline]
fn plain16(bytes: [u8; 16], in_word: bool) -> (usize, usize, bool) {
    use wide::i8x16;
    let v = i8x16::new(bytes.map(|b| b as i8));
    let splat = |b: u8| i8x16::splat(b as i8);
    // Signed: a byte beyond ASCII is negative, so below the space too.
    let not_plain = (v.simd_lt(splat(b' ')) | v.simd_eq(splat(b'-'))).to_bitmask();
    let spaces = v.simd_eq(splat(b' ')).to_bitmask();
    let stops = not_plain | (spaces & ((spaces >> 1) | (not_plain >> 1) | 0x8000));
    let taken = (stops | 0x1_0000).trailing_zeros();
    let folded = v | splat(0x20); // ASCII upper case to lower, digits unchanged
    let letter = folded.simd_gt(splat(b'a' - 1)) & folded.simd_lt(splat(b'z' + 1));
    let digit = v.simd_gt(splat(b'0' - 1)) & v.simd_lt(splat(b'9' + 1));
    let word = (letter | digit).to_bitmask() & ((1 << taken) - 1);
    let starts = word & !((word << 1) | u32::from(in_word));
    let last_is_word = match taken.checked_sub(1) {
        Some(last) => word >> last & 1 != 0,
        None => in_word,
    };
    (taken as usize, ones16(starts), last_is_word)
}

/// The set bits of a 16-bit mask, by two lookups: the x86-64 baseline has no
/// popcount instruction, and `count_ones` without it is a dozen bit operations.
#[inline]
fn ones16(mask: u32) -> usize {
    const ONES: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = (i as u8).count_ones() as u8;
            i += 1;
        }
        t
    };
    usize::from(ONES[(mask & 0xff) as usize]) + usize::from(ONES[(mask >> 8 & 0xff) as usize])
}

/// Writes the space a run of separators folded into, if one is pending; with `MAP`,
/// it maps to the run's first separator at `space_from`.
#[inline]
fn flush_space<const MAP: bool>(
    pending: &mut bool,
    space_from: usize,
    out: &mut String,
    origin: &mut Vec<usize>,
) {
    if *pending {
        out.push(' ');
        if MAP {
            origin.push(space_from);
        }
        *pending = false;
    }
}

/// Pushes `c` lower-cased (typographic apostrophes and quotes folded to ASCII);
/// returns whether it is a word character.
#[inline]
fn push_lower(c: char, out: &mut String) -> bool {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => out.push('\''),
        '\u{201C}' | '\u{201D}' => out.push('"'),
        _ => out.extend(c.to_lowercase()),
    }
    is_word_char(c)
}

/// Normalises a lexicon term: the same folding as postings, trimmed.
pub(crate) fn normalize_term(term: &str) -> String {
    let mut out = String::new();
    normalize_into(term, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain16_takes_the_plain_bytes_up_to_the_first_that_is_not() {
        let of = |s: &str| {
            assert_eq!(s.len(), 16, "{s:?}");
            plain16(s.as_bytes().try_into().unwrap_or([0; 16]), false)
        };
        assert_eq!(of("Erp and CRM, 2 x"), (16, 5, true));
        assert_eq!(of("@[`{ /:.,'~\x7f zab"), (16, 1, true));
        assert_eq!(of("fifteen bytes.. "), (15, 2, false), "a space last");
        assert_eq!(of("two  spaces here"), (3, 1, true));
        assert_eq!(of("a dash-in here.."), (6, 2, true));
        assert_eq!(of("a tab\there......"), (5, 2, true));
        assert_eq!(
            of("a tab \there....."),
            (5, 2, true),
            "a space before a tab"
        );
        assert_eq!(of("caf\u{e9} is fine..."), (3, 1, true), "beyond ASCII");
        assert_eq!(of("-starts the run."), (0, 0, false));
        assert_eq!(plain16(*b"word continues..", true), (16, 1, false));
        assert_eq!(plain16(*b"\nword continues.", true), (0, 0, true));
    }

    #[test]
    fn normalisation_table() {
        let cases: &[(&str, &str, &str, usize)] = &[
            ("lower_cases_ascii", "ERP and CRM", "erp and crm", 3),
            (
                "folds_whitespace_runs",
                "data \t\n  centre",
                "data centre",
                2,
            ),
            (
                "hyphen_becomes_space",
                "customer-facing",
                "customer facing",
                2,
            ),
            (
                "em_dash_and_nbsp",
                "top\u{2014}line\u{a0}growth",
                "top line growth",
                3,
            ),
            (
                "trims_leading_and_trailing",
                "  \n it budget -- ",
                "it budget",
                2,
            ),
            ("curly_apostrophe", "company\u{2019}s", "company's", 2),
            ("unicode_lowercase", "ÉQUIPE Über", "équipe über", 2),
            ("keeps_punctuation", "R&D / C++", "r&d / c++", 3),
            ("empty", "", "", 0),
            ("only_separators", " - \n ", "", 0),
            // Issue 16: these hid terms.
            (
                "full_width_letters",
                "\u{FF25}\u{FF32}\u{FF30} lead",
                "erp lead",
                2,
            ),
            (
                "full_width_space_and_hyphen",
                "service\u{3000}desk\u{FF0D}team",
                "service desk team",
                3,
            ),
            (
                "zero_width_inside_a_word",
                "E\u{200B}R\u{200C}P \u{200D}it\u{2060} bud\u{FEFF}get",
                "erp it budget",
                3,
            ),
            ("soft_hyphen_joins", "pay\u{00AD}roll", "payroll", 1),
            (
                "ligature_and_superscript",
                "\u{FB01}nance m\u{00B2}",
                "finance m2",
                2,
            ),
            ("only_invisible", "\u{200B}\u{00AD} \u{FEFF}", "", 0),
        ];
        for (name, raw, want, words) in cases {
            let n = NormText::new(raw);
            assert_eq!(n.as_str(), *want, "case {name}");
            assert_eq!(n.words(), *words, "case {name} word count");
        }
    }

    #[test]
    fn line_of_maps_offsets_back_to_raw_lines() {
        let n = NormText::new("Benefits\n\n- dental  plan\nERP and CRM");
        assert_eq!(n.as_str(), "benefits dental plan erp and crm");
        let line = |word: &str| n.line_of(n.as_str().find(word).unwrap());
        assert_eq!(line("benefits"), 0);
        assert_eq!(line("dental"), 2);
        assert_eq!(line("plan"), 2);
        assert_eq!(line("erp"), 3);
        assert_eq!(line("crm"), 3);
    }

    #[test]
    fn mapped_text_normalises_like_norm_text_and_maps_back() {
        let raw = "  IT Budget\u{2014}and the\tÉRP  \u{2019}s Customer-Facing\nAPIs ";
        let m = MappedText::new(raw);
        assert_eq!(m.norm(), &NormText::new(raw));
        let norm = m.norm().as_str();
        let back = |word: &str| {
            let at = norm.find(word).unwrap();
            &raw[m.raw_range(raw, at, at + word.len())]
        };
        assert_eq!(back("it budget"), "IT Budget");
        assert_eq!(back("budget and"), "Budget\u{2014}and");
        assert_eq!(back("érp"), "ÉRP");
        assert_eq!(back("customer facing"), "Customer-Facing");
        assert_eq!(back("apis"), "APIs");
        assert_eq!(
            m.raw_range(raw, norm.len(), norm.len() + 1),
            raw.len()..raw.len()
        );
    }

    /// The character-by-character definition the byte loop must equal: text, word
    /// count and line breaks.
    fn reference(raw: &str) -> (String, usize, Vec<usize>) {
        let (mut out, mut words, mut breaks) = (String::new(), 0, Vec::new());
        let (mut in_word, mut pending_space, mut at_start) = (false, false, true);
        // Every character in NFKC, invisible ones dropped (the loop does this per
        // character beyond ASCII; ASCII is its own NFKC).
        let chars = raw.chars().flat_map(|c| {
            let nl = c == '\n';
            let folded: Vec<char> = if is_invisible(c) {
                Vec::new()
            } else {
                unicode_normalization::UnicodeNormalization::nfkc(std::iter::once(c)).collect()
            };
            std::iter::once((nl, None)).chain(folded.into_iter().map(|d| (false, Some(d))))
        });
        for (nl, c) in chars {
            if nl {
                breaks.push(out.len() + usize::from(pending_space || !at_start));
            }
            let Some(c) = c else { continue };
            if is_separator(c) {
                pending_space = !at_start;
                in_word = false;
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            at_start = false;
            match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => out.push('\''),
                '\u{201C}' | '\u{201D}' => out.push('"'),
                _ => out.extend(c.to_lowercase()),
            }
            let word = is_word_char(c);
            if word && !in_word {
                words += 1;
            }
            in_word = word;
        }
        (out, words, breaks)
    }

    #[test]
    fn ascii_class_table_agrees_with_the_char_predicates() {
        for b in 0u8..128 {
            let c = char::from(b);
            let class = ASCII_CLASS[usize::from(b)];
            assert_eq!(class & SEP != 0, is_separator(c), "{b:#x}");
            assert_eq!(class & WORD != 0, is_word_char(c), "{b:#x}");
            assert_eq!(class & UPPER != 0, c.is_uppercase(), "{b:#x}");
        }
    }

    fn assert_like_reference(raw: &str) {
        let (text, words, breaks) = reference(raw);
        let n = NormText::new(raw);
        assert_eq!(
            (n.as_str(), n.words(), &n.breaks),
            (text.as_str(), words, &breaks)
        );
    }

    #[test]
    fn byte_loop_equals_the_reference_on_the_corpora() {
        assert_like_reference("Ünïcode ÉTÉ\u{2019}s \u{1F600} İstanbul ǅ \r\n\x0b-\u{2014}x\n");
        for dir in [
            "corpora/sample",
            "corpora/labeled/blended",
            "tests/fixtures/formats",
        ] {
            for entry in std::fs::read_dir(dir).unwrap() {
                if let Ok(text) = std::fs::read_to_string(entry.unwrap().path()) {
                    assert_like_reference(&text);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_loop_equals_the_reference(
            any in "(?s).{0,120}",
            mostly_ascii in "[ -~\t\n\r\x0b\x0cÀ-ÿ\u{2010}-\u{2015}\u{2019}\u{a0}\u{200B}-\u{200F}\u{2060}\u{FEFF}\u{FF01}-\u{FF5E}\u{3000}\u{FB00}-\u{FB06}\u{2460}-\u{2473}\u{0300}-\u{0310}]{0,120}",
        ) {
            assert_like_reference(&format!("{any}{mostly_ascii}"));
        }

        /// Long plain ASCII runs, where the loop goes sixteen bytes at a time, with
        /// every kind of byte that must stop it: double and trailing spaces, dashes,
        /// control bytes, non-ASCII, and the characters next to the word ranges.
        #[test]
        fn sixteen_byte_steps_equal_the_reference(
            raw in "([A-Za-z0-9@\\[`{/:.,'~\x7f]{1,14}( |  |-| - |\n|\t|\r\n|é|\u{2019}|\x01)?){0,24}",
        ) {
            assert_like_reference(&raw);
        }

        /// `plain16` against the byte classes, on any sixteen bytes: it takes the
        /// bytes up to the first that is not plain, as the byte loop would copy them.
        #[test]
        fn plain16_agrees_with_the_byte_classes(
            // Mostly printable ASCII, so that a fair share of the sixteen are plain.
            sixteen in proptest::array::uniform16(proptest::prop_oneof![
                8 => 0x20u8..0x7f,
                1 => 0u8..=0xff,
                2 => proptest::sample::select(vec![b' ', b'-', b'a', b'Z', b'0', b'9', b'@', b'[', b'`', b'{', b'/', b':']),
            ]),
            in_word: bool,
        ) {
            let class = |b: u8| ASCII_CLASS[usize::from(b & 0x7f)];
            // Control bytes are not plain (the separators among them are `\t`,
            // `\n`, `\x0b`, `\x0c` and `\r`: the byte loop takes them all), nor
            // bytes beyond ASCII, nor dashes; a space only before a plain byte
            // that is not a space.
            let solid = |b: u8| (0x20..0x80).contains(&b) && class(b) & SEP == 0;
            let plain = |k: usize| {
                let b = sixteen[k];
                solid(b) || (b == b' ' && k < 15 && solid(sixteen[k + 1]))
            };
            let taken = (0..16).find(|&k| !plain(k)).unwrap_or(16);
            let mut prev = in_word;
            let mut starts = 0;
            for &b in &sixteen[..taken] {
                let word = class(b) & WORD != 0;
                starts += usize::from(word && !prev);
                prev = word;
            }
            proptest::prop_assert_eq!(plain16(sixteen, in_word), (taken, starts, prev));
        }

        #[test]
        fn mapped_ranges_are_char_boundaries_that_renormalise(raw in "\\PC{0,80}") {
            let m = MappedText::new(&raw);
            proptest::prop_assert_eq!(m.norm(), &NormText::new(&raw));
            let norm = m.norm().as_str();
            // Every word of the normalised text maps back to raw text that normalises to it.
            let mut at = 0;
            for word in norm.split(' ') {
                if !word.is_empty() {
                    let r = m.raw_range(&raw, at, at + word.len());
                    proptest::prop_assert!(raw.is_char_boundary(r.start) && raw.is_char_boundary(r.end));
                    // One character may fold into several words (NFKC of U+FDFA is
                    // four; of U+00A8 a space and a mark): the word is then one of them.
                    let back = normalize_term(&raw[r]);
                    proptest::prop_assert!(back == word || back.split(' ').any(|w| w == word), "{back:?} {word:?}");
                }
                at += word.len() + 1;
            }
        }
    }

    #[test]
    fn refill_reuses_and_replaces() {
        let mut n = NormText::new("First Text");
        n.refill("Second");
        assert_eq!(n.as_str(), "second");
        assert_eq!(n.words(), 1);
    }
}
