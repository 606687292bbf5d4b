//! Bytes to characters: byte-order marks, the binary sniff (which recognises UTF-16
//! and UTF-32 without a BOM), UTF-8 and the windows-1252 fallback.
//!
//! Input is a text or HTML posting's raw bytes, plus an optional charset hint
//! (from an HTML `<meta>`); output is a [`PostingText`] that borrows the bytes
//! when they are valid UTF-8. The rules, in order, are documented on
//! [`super::extract`]. No markup handling and no emptiness check here.

use std::borrow::Cow;

use encoding_rs::{Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::{PostingText, ReadError};

/// How many leading bytes are inspected for a NUL byte, as ripgrep does.
const BINARY_SNIFF: usize = 8 * 1024;

/// The warning for UTF-8 with a few invalid bytes.
const REPLACED_UTF8: &str = "invalid UTF-8 replaced with U+FFFD";

/// Decodes `bytes`: BOM, then NUL sniff (UTF-16 or UTF-32 by their NULs, else
/// binary), then UTF-8, then `hint`, then the UTF-8 / windows-1252 count.
pub(super) fn decode<'a>(
    bytes: &'a [u8],
    hint: Option<&'static Encoding>,
) -> Result<PostingText<'a>, ReadError> {
    if let Some((wide, bom_len)) = wide_bom(bytes) {
        return Ok(decode_wide(&bytes[bom_len..], wide));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(&bytes[bom_len..], encoding));
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if let Some(at) = sniff.iter().position(|&b| b == 0) {
        let Some(wide) = sniff_wide(sniff) else {
            return Err(ReadError::Binary(at));
        };
        let mut text = decode_wide(bytes, wide);
        let warning = format!("decoded as {} (no byte-order mark)", wide.name());
        text.warnings.insert(0, warning);
        return Ok(text);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(PostingText {
            text: Cow::Borrowed(text),
            warnings: Vec::new(),
        });
    }
    // A hint of UTF-16 without a BOM is wrong by definition (WHATWG treats it
    // as UTF-8), and the replacement encoding would throw the text away.
    let encoding = match hint {
        Some(e) if !is_utf16(e) && e != UTF_8 && e != REPLACEMENT => e,
        _ if is_damaged_utf8(bytes) => UTF_8,
        _ => WINDOWS_1252,
    };
    Ok(decode_with(bytes, encoding))
}

/// Decodes `bytes` (BOM already removed) as `encoding`, warning about what was guessed or lost.
fn decode_with<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> PostingText<'a> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let mut warnings = Vec::new();
    if encoding == UTF_8 {
        if had_errors {
            warnings.push(REPLACED_UTF8.to_string());
        }
    } else if is_utf16(encoding) {
        if had_errors {
            warnings.push(format!("invalid {} replaced with U+FFFD", encoding.name()));
        }
    } else {
        let name = encoding.name().to_ascii_lowercase();
        warnings.push(format!("decoded as {name} (not valid UTF-8)"));
    }
    PostingText { text, warnings }
}

/// UTF-16 or UTF-32, in either byte order: what a NUL byte may mean in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
        }
    }

    /// Bytes per code unit.
    fn unit(self) -> usize {
        match self {
            Wide::Utf16Le | Wide::Utf16Be => 2,
            Wide::Utf32Le | Wide::Utf32Be => 4,
        }
    }

    fn is_little_endian(self) -> bool {
        matches!(self, Wide::Utf16Le | Wide::Utf32Le)
    }
}

/// A UTF-16 or UTF-32 byte-order mark and its length. UTF-32LE's (`FF FE 00 00`)
/// starts like UTF-16LE's, so it is tried first (a UTF-16 text starting with
/// U+0000 is not a posting).
fn wide_bom(bytes: &[u8]) -> Option<(Wide, usize)> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => Some((Wide::Utf32Le, 4)),
        [0, 0, 0xFE, 0xFF, ..] => Some((Wide::Utf32Be, 4)),
        [0xFF, 0xFE, ..] => Some((Wide::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => Some((Wide::Utf16Be, 2)),
        _ => None,
    }
}

/// UTF-32 or UTF-16 without a BOM, recognised in `sniff` (which has a NUL byte):
/// UTF-32 when every whole 4-byte unit is a character other than a control
/// character (random or binary bytes almost never are); UTF-16 when no 2-byte unit
/// is U+0000 and most are ASCII characters, whose zero byte is the high one (odd
/// offsets for little-endian, even for big-endian), none of them a control
/// character. Anything else is binary.
fn sniff_wide(sniff: &[u8]) -> Option<Wide> {
    let unit32 = |u: &[u8], le: bool| {
        let b = [u[0], u[1], u[2], u[3]];
        let v = if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        };
        char::from_u32(v).is_some_and(is_text_char)
    };
    let units32 = sniff.chunks_exact(4);
    if units32.len() > 0 {
        for (le, wide) in [(true, Wide::Utf32Le), (false, Wide::Utf32Be)] {
            if units32.clone().all(|u| unit32(u, le)) {
                return Some(wide);
            }
        }
    }
    let units16 = sniff.chunks_exact(2);
    if units16.len() == 0 || units16.clone().any(|u| u == [0, 0]) {
        return None;
    }
    // The ASCII units of each byte order (zero high byte), if all are text.
    let ascii = |high: usize| {
        let units = units16.clone().filter(|u| u[high] == 0);
        let low = 1 - high;
        let all_text = units.clone().all(|u| is_text_char(char::from(u[low])));
        if all_text {
            units.count()
        } else {
            0
        }
    };
    let most = units16.len() / 2 + 1;
    if ascii(1) >= most {
        Some(Wide::Utf16Le)
    } else if ascii(0) >= most {
        Some(Wide::Utf16Be)
    } else {
        None
    }
}

/// A character text is made of: not U+0000 or another control character, but
/// for whitespace (tabs, line ends).
fn is_text_char(c: char) -> bool {
    !c.is_control() || c.is_whitespace()
}

/// Decodes UTF-16 or UTF-32 `bytes` (BOM already removed), warning when
/// something was replaced.
fn decode_wide(bytes: &[u8], wide: Wide) -> PostingText<'_> {
    match wide {
        Wide::Utf16Le => decode_with(bytes, UTF_16LE),
        Wide::Utf16Be => decode_with(bytes, UTF_16BE),
        Wide::Utf32Le | Wide::Utf32Be => {
            // encoding_rs has no UTF-32 (WHATWG dropped it): four bytes a character.
            let units = bytes.chunks_exact(4);
            let partial = !units.remainder().is_empty();
            let mut text = String::with_capacity(bytes.len() / 4);
            let mut bad = partial;
            for u in units {
                let b = [u[0], u[1], u[2], u[3]];
                let v = if wide.is_little_endian() {
                    u32::from_le_bytes(b)
                } else {
                    u32::from_be_bytes(b)
                };
                let c = char::from_u32(v);
                bad |= c.is_none();
                text.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            if partial {
                text.push(char::REPLACEMENT_CHARACTER);
            }
            let warnings = if bad {
                vec![format!("invalid {} replaced with U+FFFD", wide.name())]
            } else {
                Vec::new()
            };
            PostingText {
                text: Cow::Owned(text),
                warnings,
            }
        }
    }
}

fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == UTF_16LE || encoding == UTF_16BE
}

/// True when valid multi-byte UTF-8 characters outnumber invalid sequences.
///
/// Legacy single-byte text has no valid multi-byte sequences by chance (an
/// accented letter is a lone high byte followed by ASCII), so one valid `é`,
/// `—` or `’` is strong evidence that the file was meant as UTF-8.
fn is_damaged_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    valid > invalid
}

/// The length of the longest prefix of a cut-off `bytes` that ends on a character boundary.
///
/// UTF-16 (by BOM) is cut to whole code units and never after a lone high
/// surrogate; anything else is treated as UTF-8 and loses a trailing incomplete
/// sequence (at worst one legacy byte that looked like a lead byte).
pub(super) fn char_boundary(bytes: &[u8]) -> usize {
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    let wide = wide_bom(bytes).or_else(|| {
        let without_bom = Encoding::for_bom(bytes).is_none() && sniff.contains(&0);
        without_bom
            .then(|| sniff_wide(sniff))
            .flatten()
            .map(|w| (w, 0))
    });
    match wide {
        Some((wide, bom)) => {
            let unit_len = wide.unit();
            let mut end = bom + (bytes.len() - bom) / unit_len * unit_len;
            if unit_len == 2 && end >= bom + 2 {
                let unit = [bytes[end - 2], bytes[end - 1]];
                let unit = if wide.is_little_endian() {
                    u16::from_le_bytes(unit)
                } else {
                    u16::from_be_bytes(unit)
                };
                if (0xD800..0xDC00).contains(&unit) {
                    end -= 2;
                }
            }
            end
        }
        _ => utf8_boundary(bytes),
    }
}

fn utf8_boundary(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for i in (len.saturating_sub(4)..len).rev() {
        let needed = match bytes[i] {
            0x80..=0xBF => continue, // a continuation byte: look further back
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if len - i < needed { i } else { len };
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAMAGED: &[u8] = b"Caf\xc3\xa9 \xe2\x80\x94 ERP lead \xff here";
    const LATIN1: &[u8] = b"Caf\xe9 manager, \x93ERP\x94 budget \xa3200k";

    /// (name, bytes, expected text, expected warnings)
    #[test]
    fn encoding_table() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Café ERP".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Café ERP".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bad_utf16: &[u8] = b"\xFF\xFEE\x00\x00\xD8"; // a lone high surrogate
        let cases: &[(&str, &[u8], &str, &[&str])] = &[
            ("utf8", "Café ERP".as_bytes(), "Café ERP", &[]),
            ("utf8_bom", b"\xEF\xBB\xBFCaf\xc3\xa9 ERP", "Café ERP", &[]),
            ("utf16le_bom", &utf16le, "Café ERP", &[]),
            ("utf16be_bom", &utf16be, "Café ERP", &[]),
            (
                "bad_utf16",
                bad_utf16,
                "E\u{FFFD}",
                &["invalid UTF-16LE replaced with U+FFFD"],
            ),
            (
                "windows_1252",
                LATIN1,
                "Café manager, \u{201C}ERP\u{201D} budget £200k",
                &["decoded as windows-1252 (not valid UTF-8)"],
            ),
            (
                "latin1_word_is_not_damaged_utf8",
                b"caf\xe9 manager",
                "café manager",
                &["decoded as windows-1252 (not valid UTF-8)"],
            ),
            (
                "mostly_utf8_one_bad_byte",
                DAMAGED,
                "Café — ERP lead \u{FFFD} here",
                &["invalid UTF-8 replaced with U+FFFD"],
            ),
        ];
        for (name, bytes, text, warnings) in cases {
            let got = decode(bytes, None).unwrap_or_else(|e| panic!("case {name}: {e}"));
            assert_eq!(got.text, *text, "case {name}");
            assert_eq!(got.warnings, *warnings, "case {name}");
        }
    }

    #[test]
    fn valid_utf8_is_borrowed() {
        assert!(matches!(
            decode(b"ERP", None).unwrap().text,
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bom_is_checked_before_the_nul_sniff() {
        let got = decode(b"\xFF\xFEE\x00R\x00P\x00", None).unwrap();
        assert_eq!((got.text.as_ref(), got.warnings.len()), ("ERP", 0));
    }

    fn utf32(text: &str, le: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let v = u32::from(c);
                if le {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                }
            })
            .collect()
    }

    /// Issue 16: UTF-16 without a BOM was called binary, and UTF-32 was read as
    /// UTF-16. (name, bytes, text, warnings); `None` for binary.
    #[test]
    fn utf16_without_bom_and_utf32_table() {
        let text = "Caf\u{e9} ERP \u{1F600} lead";
        let le16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = |bom: &[u8], body: &[u8]| [bom, body].concat();
        let (le32, be32) = (utf32(text, true), utf32(text, false));
        let mut cut32 = utf32("ERP", true);
        cut32.extend_from_slice(&[0x00, 0xD8, 0x00, 0x00, b'x']); // a surrogate, a cut unit
        type Case<'a> = (&'a str, Vec<u8>, Option<&'a str>, &'a [&'a str]);
        let cases: Vec<Case> = vec![
            (
                "utf16le_no_bom",
                le16.clone(),
                Some(text),
                &["decoded as UTF-16LE (no byte-order mark)"],
            ),
            (
                "utf16be_no_bom",
                be16.clone(),
                Some(text),
                &["decoded as UTF-16BE (no byte-order mark)"],
            ),
            (
                "utf32le_bom",
                with_bom(b"\xFF\xFE\x00\x00", &le32),
                Some(text),
                &[],
            ),
            (
                "utf32be_bom",
                with_bom(b"\x00\x00\xFE\xFF", &be32),
                Some(text),
                &[],
            ),
            (
                "utf32le_no_bom",
                le32.clone(),
                Some(text),
                &["decoded as UTF-32LE (no byte-order mark)"],
            ),
            (
                "utf32be_no_bom",
                be32.clone(),
                Some(text),
                &["decoded as UTF-32BE (no byte-order mark)"],
            ),
            (
                "utf32_bad_units",
                with_bom(b"\xFF\xFE\x00\x00", &cut32),
                Some("ERP\u{FFFD}\u{FFFD}"),
                &["invalid UTF-32LE replaced with U+FFFD"],
            ),
            (
                "gif_header",
                b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00".to_vec(),
                None,
                &[],
            ),
            (
                "nul_units",
                b"E\x00\x00\x00\x00\x00R\x00".to_vec(),
                None,
                &[],
            ),
            (
                "mostly_high_bytes",
                b"\x01\x02\x03\x04\x05\x00\x07\x08".to_vec(),
                None,
                &[],
            ),
            ("control_units", b"\x00\x01".to_vec(), None, &[]),
            (
                "control_utf32",
                b"\x01\x00\x00\x00A\x00\x00\x00".to_vec(),
                None,
                &[],
            ),
        ];
        for (name, bytes, want, warnings) in cases {
            match (decode(&bytes, None), want) {
                (Ok(got), Some(want)) => {
                    assert_eq!(got.text, want, "case {name}");
                    assert_eq!(got.warnings, warnings, "case {name}");
                }
                (Err(ReadError::Binary(_)), None) => {}
                (got, _) => panic!("case {name}: {got:?}"),
            }
        }
        // A cut at --max-bytes keeps whole units, also without a BOM.
        assert_eq!(char_boundary(&le32[..7]), 4);
        assert_eq!(char_boundary(&le16[..7]), 6);
    }

    #[test]
    fn hint_beats_the_guess_but_not_valid_utf8() {
        let latin2 = Encoding::for_label(b"iso-8859-2");
        let got = decode(b"Mened\xbeer", latin2).unwrap();
        assert_eq!(got.text, "Menedžer");
        assert_eq!(got.warnings, ["decoded as iso-8859-2 (not valid UTF-8)"]);
        assert_eq!(decode("Café".as_bytes(), latin2).unwrap().text, "Café");
        assert_eq!(decode(LATIN1, Some(UTF_16LE)).unwrap().warnings.len(), 1);
    }

    #[test]
    fn char_boundary_table() {
        let cases: &[(&str, &[u8], usize)] = &[
            ("ascii", b"abc", 3),
            ("empty", b"", 0),
            ("whole_two_byte", b"caf\xc3\xa9", 5),
            ("half_two_byte", b"caf\xc3", 3),
            ("two_thirds_of_three", b"a\xe2\x80", 1),
            ("three_of_four", b"a\xf0\x9f\x98", 1),
            ("whole_four", b"a\xf0\x9f\x98\x80", 5),
            ("utf16_odd", b"\xFF\xFEE\x00R", 4),
            ("utf16_lone_high_surrogate", b"\xFF\xFEE\x00\x3D\xD8", 4),
            ("utf16be_lone_high_surrogate", b"\xFE\xFF\x00E\xD8\x3D", 4),
            ("utf32le_bom_cut", b"\xFF\xFE\x00\x00E\x00\x00\x00R\x00", 8),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(char_boundary(bytes), *want, "case {name}");
        }
    }
}
