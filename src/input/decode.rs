//! Bytes to characters: byte-order marks, the binary sniff, UTF-8 and the windows-1252 fallback.
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

/// Decodes `bytes`: BOM, then NUL sniff, then UTF-8, then `hint`, then the UTF-8 / windows-1252 count.
pub(super) fn decode<'a>(
    bytes: &'a [u8],
    hint: Option<&'static Encoding>,
) -> Result<PostingText<'a>, ReadError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(&bytes[bom_len..], encoding));
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if let Some(at) = sniff.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary(at));
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
    match Encoding::for_bom(bytes) {
        Some((encoding, bom)) if is_utf16(encoding) => {
            let mut end = bom + (bytes.len() - bom) / 2 * 2;
            if end >= bom + 2 {
                let unit = [bytes[end - 2], bytes[end - 1]];
                let unit = if encoding == UTF_16LE {
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
        assert!(decode(b"\xFF\xFEE\x00R\x00P\x00", None).is_ok());
        assert!(matches!(
            decode(b"E\x00R\x00P\x00", None),
            Err(ReadError::Binary(1))
        ));
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
        ];
        for (name, bytes, want) in cases {
            assert_eq!(char_boundary(bytes), *want, "case {name}");
        }
    }
}
