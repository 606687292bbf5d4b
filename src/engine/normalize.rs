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
#[derive(Clone, Debug, Default)]
pub struct NormText {
    text: String,
    words: usize,
    /// For every `\n` of the raw text, the length of the normalised text at that
    /// point: raw line `k + 1` starts at normalised offset `breaks[k]`.
    breaks: Vec<usize>,
    /// What the characters beyond ASCII seen so far fold to, kept from one
    /// [`NormText::refill`] to the next.
    folds: FoldCache,
}

/// Equal when the texts, word counts and line breaks are: what was remembered
/// along the way does not count.
impl PartialEq for NormText {
    fn eq(&self, other: &NormText) -> bool {
        (&self.text, self.words, &self.breaks) == (&other.text, other.words, &other.breaks)
    }
}

impl Eq for NormText {}

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
        self.words = into_string(&mut self.text, |bytes| {
            normalize_impl::<false>(
                raw,
                bytes,
                Some(&mut self.breaks),
                &mut self.folds,
                &mut Vec::new(),
            )
        });
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
    into_string(out, |bytes| {
        normalize_impl::<false>(raw, bytes, None, &mut FoldCache::default(), &mut Vec::new())
    })
}

/// Runs `write` on the bytes of `out` (its buffer, not a copy), which must leave
/// them UTF-8, as the normalisation loop does: it writes whole characters. They
/// are checked once at the end, so the loop needs no `unsafe`; were they not
/// UTF-8, the bad bytes would become U+FFFD, never a panic.
fn into_string<R>(out: &mut String, write: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut bytes = std::mem::take(out).into_bytes();
    let result = write(&mut bytes);
    *out = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    result
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
        let folds = &mut norm.folds;
        norm.words = into_string(&mut norm.text, |bytes| {
            normalize_impl::<true>(raw, bytes, Some(breaks), folds, &mut origin)
        });
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
/// Runs of ASCII are written at once, lower-cased, a single separator between two
/// other bytes folded to its space in place, and words counted through
/// [`ASCII_CLASS`]: in a run, every output byte comes from one input byte. Runs of
/// separators and characters beyond ASCII go one character at a time.
/// With `MAP`, `origin` gets one raw offset per output byte.
#[inline]
fn normalize_impl<const MAP: bool>(
    raw: &str,
    out: &mut Vec<u8>,
    mut breaks: Option<&mut Vec<usize>>,
    folds: &mut FoldCache,
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
            // A run of ASCII that starts with a byte other than a separator.
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
                let step = plain16(sixteen, in_word);
                if step.taken > 0 {
                    // All sixteen written, the bytes past the plain ones cut off.
                    let base = out.len();
                    out.extend_from_slice(&step.folded);
                    out.truncate(base + step.taken);
                    if let Some(br) = breaks.as_deref_mut() {
                        // A line break folded in place: the next line starts
                        // after its space.
                        let mut newlines = step.newlines;
                        while newlines != 0 {
                            br.push(base + newlines.trailing_zeros() as usize + 1);
                            newlines &= newlines - 1;
                        }
                    }
                    words += step.starts;
                    in_word = step.last_is_word;
                    i += step.taken;
                    // Past the plain bytes: the byte steps below take the next one
                    // if it is ASCII, else the run ends at the loop's test.
                    if step.taken == 16 || i == bytes.len() || bytes[i] >= 0x80 {
                        continue;
                    }
                }
                let byte = bytes[i];
                let class = ASCII_CLASS[usize::from(byte)];
                if class & SEP != 0 {
                    // One separator between two other bytes is its space in place:
                    // the run goes on through it.
                    let next = bytes.get(i + 1).copied().unwrap_or(0x80);
                    if next < 0x80 && ASCII_CLASS[usize::from(next)] & SEP == 0 {
                        if byte == b'\n' {
                            if let Some(br) = breaks.as_deref_mut() {
                                br.push(out.len() + 1);
                            }
                        }
                        out.push(b' ');
                        in_word = false;
                        i += 1;
                        continue;
                    }
                    break;
                }
                out.push(byte.to_ascii_lowercase());
                let word = class & WORD != 0;
                words += usize::from(word && !in_word);
                in_word = word;
                i += 1;
            }
            if MAP {
                origin.extend(at..i);
            }
            continue;
        }
        // A run of separators, or a character beyond ASCII.
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
        // One character of the text: a separator, or a character to write, as
        // `push_lower` says or as `known` (remembered from an earlier time).
        let mut emit = |d: char, known: Option<Fold>| {
            if known.is_none() && is_separator(d) {
                if MAP && !pending_space {
                    space_from = at;
                }
                pending_space = !at_start;
                in_word = false;
                return;
            }
            flush_space::<MAP>(&mut pending_space, space_from, out, origin);
            at_start = false;
            let word = match known {
                Some(Fold::Same { word }) => {
                    out.extend_from_slice(&bytes[at..at + d.len_utf8()]);
                    word
                }
                Some(Fold::Ascii { byte, word }) => {
                    out.push(byte);
                    word
                }
                _ => push_lower(d, out),
            };
            if MAP {
                origin.resize(out.len(), at);
            }
            if word && !in_word {
                words += 1;
            }
            in_word = word;
        };
        if c.is_ascii() || is_separator(c) {
            emit(c, None);
        } else {
            match folds.get(c) {
                Some(known) => emit(c, Some(known)),
                None if is_invisible(c) => {
                    // Dropped: `ER\u{200B}P` is `erp`, and a word goes on through it.
                }
                None => match nfkc_of(c, &mut nfkc_buf) {
                    Some(folded) => folded.iter().for_each(|&d| emit(d, None)),
                    None => {
                        folds.learn(c);
                        emit(c, None);
                    }
                },
            }
        }
    }
    words
}

/// How a character beyond ASCII that is its own NFKC, not a separator and not
/// invisible is written: as itself, or as one ASCII byte (a typographic
/// apostrophe or quote); `word` is [`is_word_char`] of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fold {
    Same { word: bool },
    Ascii { byte: u8, word: bool },
}

/// The [`Fold`] of the characters beyond ASCII met so far, in 64 slots picked
/// by the character's low bits: a posting holds few distinct ones (apostrophes,
/// dashes, bullets, accented letters), each found in the Unicode tables once
/// instead of every time (`nfkc_of` and `char::to_lowercase` cost hundreds of
/// instructions a character).
#[derive(Clone, Debug)]
struct FoldCache {
    slots: [(char, Option<Fold>); 64],
}

impl Default for FoldCache {
    fn default() -> FoldCache {
        FoldCache {
            slots: [('\0', None); 64],
        }
    }
}

impl FoldCache {
    fn slot(c: char) -> usize {
        c as usize % 64
    }

    /// The fold of `c` if it was learnt (and not pushed out since).
    #[inline]
    fn get(&self, c: char) -> Option<Fold> {
        match self.slots[Self::slot(c)] {
            (k, fold) if k == c => fold,
            _ => None,
        }
    }

    /// Remembers the fold of `c`, a character beyond ASCII that is its own NFKC
    /// and neither a separator nor invisible; one that lower-cases to something
    /// else is not remembered.
    fn learn(&mut self, c: char) {
        let word = is_word_char(c);
        let fold = match typographic_ascii(c) {
            Some(byte) => Some(Fold::Ascii { byte, word }),
            None => {
                let mut lower = c.to_lowercase();
                (lower.next() == Some(c) && lower.next().is_none()).then_some(Fold::Same { word })
            }
        };
        self.slots[Self::slot(c)] = (c, fold);
    }
}

/// What [`plain16`] found in sixteen bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plain {
    /// How many bytes, from the first, are plain.
    taken: usize,
    /// The sixteen bytes as the normalisation writes the plain ones: lower case,
    /// separators as spaces.
    folded: [u8; 16],
    /// Words that start among the plain bytes.
    starts: usize,
    /// Whether the last plain byte is a word character (`in_word` when none is).
    last_is_word: bool,
    /// Bit `k` set for a line feed at plain byte `k`.
    newlines: u32,
}

/// Which of sixteen bytes, from the first, the normalisation loop would write one
/// for one: plain bytes are ASCII other than control bytes and separators, and a
/// separator (one of `\t\n\x0b\x0c\r -`) just before such a byte, within the
/// sixteen (a run of separators, or one before a control byte or a byte beyond
/// ASCII, goes through the byte loop). `in_word`: the byte before was a word
/// character. One SSE2 compare per class where the target has it (`wide` picks
/// the instructions, without `unsafe` here).
#[inline]
fn plain16(bytes: [u8; 16], in_word: bool) -> Plain {
    use wide::i8x16;
    let v = i8x16::new(bytes.map(|b| b as i8));
    let splat = |b: u8| i8x16::splat(b as i8);
    // Signed: a byte beyond ASCII is negative, so below the space too.
    let below_space = v.simd_lt(splat(b' '));
    let separator = v.simd_eq(splat(b' '))
        | v.simd_eq(splat(b'-'))
        | (v.simd_gt(splat(b'\t' - 1)) & v.simd_lt(splat(b'\r' + 1)));
    let seps = separator.to_bitmask();
    let solid = !(below_space.to_bitmask() | seps) & 0xffff;
    // A separator is plain when the byte after it is solid; bit 15 has none after it.
    let stops = (!solid & !seps) | (seps & !(solid >> 1));
    let taken = ((stops & 0xffff) | 0x1_0000).trailing_zeros();
    let mask = (1u32 << taken) - 1;
    let folded = v | splat(0x20); // ASCII upper case to lower, digits unchanged
    let letter = folded.simd_gt(splat(b'a' - 1)) & folded.simd_lt(splat(b'z' + 1));
    let digit = v.simd_gt(splat(b'0' - 1)) & v.simd_lt(splat(b'9' + 1));
    let word = (letter | digit).to_bitmask() & mask;
    let starts = word & !((word << 1) | u32::from(in_word));
    let last_is_word = match taken.checked_sub(1) {
        Some(last) => word >> last & 1 != 0,
        None => in_word,
    };
    let lower = letter.select(folded, v);
    let written = separator.select(splat(b' '), lower);
    Plain {
        taken: taken as usize,
        folded: written.to_array().map(|b| b as u8),
        starts: ones16(starts),
        last_is_word,
        newlines: v.simd_eq(splat(b'\n')).to_bitmask() & mask,
    }
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
    out: &mut Vec<u8>,
    origin: &mut Vec<usize>,
) {
    if *pending {
        out.push(b' ');
        if MAP {
            origin.push(space_from);
        }
        *pending = false;
    }
}

/// The ASCII byte a typographic apostrophe or quote folds to.
#[inline]
fn typographic_ascii(c: char) -> Option<u8> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => Some(b'\''),
        '\u{201C}' | '\u{201D}' => Some(b'"'),
        _ => None,
    }
}

/// Pushes `c` lower-cased (typographic apostrophes and quotes folded to ASCII);
/// returns whether it is a word character.
#[inline]
fn push_lower(c: char, out: &mut Vec<u8>) -> bool {
    let mut utf8 = [0; 4];
    match typographic_ascii(c) {
        Some(byte) => out.push(byte),
        None => c
            .to_lowercase()
            .for_each(|l| out.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes())),
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
        // (sixteen bytes, in_word, (taken, word starts, last is a word byte))
        let cases: &[(&str, bool, (usize, usize, bool))] = &[
            ("Erp and CRM, 2 x", false, (16, 5, true)),
            // The bytes next to the letter and digit ranges.
            ("@[`{ /:.,'~\x7f zab", false, (16, 1, true)),
            // A space last has no byte after it within the sixteen.
            ("fifteen bytes.. ", false, (15, 2, false)),
            ("two  spaces here", false, (3, 1, true)),
            ("a dash-in here..", false, (16, 4, false)),
            ("a tab\there......", false, (16, 3, false)),
            // A space before a tab, a run of separators, a character beyond
            // ASCII, a space before a control byte.
            ("a tab \there.....", false, (5, 2, true)),
            ("a -- b..........", false, (1, 1, true)),
            ("caf\u{e9} is fine...", false, (3, 1, true)),
            ("x \x01 control.....", false, (1, 1, true)),
            // A word going on from the step before, and a line feed first.
            ("word continues..", true, (16, 1, false)),
            ("\nword continues.", true, (16, 2, false)),
            ("ends with a tab\t", false, (15, 4, true)),
        ];
        for &(s, in_word, want) in cases {
            assert_eq!(s.len(), 16, "{s:?}");
            let p = plain16(s.as_bytes().try_into().unwrap_or([0; 16]), in_word);
            assert_eq!((p.taken, p.starts, p.last_is_word), want, "{s:?}");
        }
    }

    #[test]
    fn plain16_writes_the_plain_bytes_folded_and_finds_their_line_feeds() {
        let p = plain16(*b"IT\nOps-Lead\tX Y.", false);
        assert_eq!(&p.folded, b"it ops lead x y.");
        assert_eq!((p.taken, p.newlines), (16, 1 << 2));
        // Bytes past the plain ones are not line feeds of the run.
        let p = plain16(*b"Ops\n\nLead.......", false);
        assert_eq!((p.taken, p.newlines), (3, 0));
        assert_eq!(&p.folded[..3], b"ops");
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

        /// One value refilled text after text, as a worker does: what it
        /// remembers of one text never changes the next.
        #[test]
        fn refilled_text_after_text_equals_the_reference(
            texts in proptest::collection::vec("[a-zA-Z \u{80}-\u{24f}\u{2010}-\u{2027}\u{fb00}-\u{fb06}\u{ff21}-\u{ff3a}]{0,40}", 1..6),
        ) {
            let mut n = NormText::default();
            for raw in &texts {
                n.refill(raw);
                let (text, words, breaks) = reference(raw);
                proptest::prop_assert_eq!((n.as_str(), n.words(), &n.breaks), (text.as_str(), words, &breaks));
            }
        }

        /// Long plain ASCII runs, where the loop goes sixteen bytes at a time, with
        /// every kind of byte that must stop it: double and trailing spaces, dashes,
        /// control bytes, non-ASCII, and the characters next to the word ranges.
        #[test]
        fn sixteen_byte_steps_equal_the_reference(
            raw in "([A-Za-z0-9@\\[`{/:.,'~\x7f]{1,14}( |  |-| - |\n|\n\n|\t|\r|\r\n|\x0b|\x0c|-\n| \x01|é|\u{2019}|\x01)?){0,24}",
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
                2 => proptest::sample::select(vec![b' ', b'-', b'\n', b'\t', b'\r', b'a', b'Z', b'0', b'9', b'@', b'[', b'`', b'{', b'/', b':']),
            ]),
            in_word: bool,
        ) {
            let class = |b: u8| ASCII_CLASS[usize::from(b & 0x7f)];
            // Control bytes other than separators are not plain, nor bytes beyond
            // ASCII; a separator (`\t`, `\n`, `\x0b`, `\x0c`, `\r`, space, dash)
            // only just before a solid byte within the sixteen.
            let sep = |b: u8| b < 0x80 && class(b) & SEP != 0;
            let solid = |b: u8| (0x20..0x80).contains(&b) && !sep(b);
            let plain = |k: usize| {
                let b = sixteen[k];
                solid(b) || (sep(b) && k < 15 && solid(sixteen[k + 1]))
            };
            let taken = (0..16).find(|&k| !plain(k)).unwrap_or(16);
            let mut prev = in_word;
            let mut starts = 0;
            let mut newlines = 0;
            for (k, &b) in sixteen[..taken].iter().enumerate() {
                let word = class(b) & WORD != 0;
                starts += usize::from(word && !prev);
                prev = word;
                newlines |= u32::from(b == b'\n') << k;
            }
            let folded: Vec<u8> = sixteen[..taken]
                .iter()
                .map(|&b| if sep(b) { b' ' } else { b.to_ascii_lowercase() })
                .collect();
            let p = plain16(sixteen, in_word);
            proptest::prop_assert_eq!(&p.folded[..taken], &folded[..]);
            proptest::prop_assert_eq!((p.taken, p.starts, p.last_is_word, p.newlines), (taken, starts, prev, newlines));
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

    /// The folds remembered from earlier texts give what the Unicode tables
    /// give, also for characters that share a slot (their code points differ by
    /// a multiple of 64) and for those that are not remembered.
    #[test]
    fn remembered_folds_equal_the_reference_from_text_to_text() {
        let texts = [
            "It\u{2019}s caf\u{e9} \u{b7} na\u{ef}ve \u{2022} r\u{e9}sum\u{e9}",
            // U+00E9 and U+00A9 share a slot; U+0119 and U+00D9 another.
            "\u{a9} \u{e9}\u{e9} \u{119} \u{d9}\u{119}\u{d9} \u{2019}\u{2018}\u{201c}\u{201d}",
            "\u{c9}COLE \u{e9}cole \u{130}stanbul \u{ff25}RP \u{2019}s \u{e9}",
            "caf\u{e9}\u{200b}s \u{b5}m \u{2126} \u{3a9}\u{3c9} \u{e9}",
        ];
        let mut n = NormText::default();
        for _ in 0..2 {
            for raw in texts {
                n.refill(raw);
                let (text, words, breaks) = reference(raw);
                assert_eq!(
                    (n.as_str(), n.words(), &n.breaks),
                    (text.as_str(), words, &breaks),
                    "{raw:?}"
                );
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
