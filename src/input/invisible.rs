//! Invisible characters, and text that holds nothing else: what reading calls blank.
//!
//! Input is a character or a text; output is a yes or no. Reading refuses a blank
//! posting or record ([`is_blank`]); the normaliser drops the invisible characters
//! that web pages and PDFs leave inside words ([`is_invisible`]). Kept here, below
//! both, so that the two agree on what counts as nothing.

/// True for invisible characters that the normaliser drops: a soft hyphen, zero-width
/// spaces, joiners and the word joiner, a BOM inside text, direction marks and
/// embeddings. Text copied from web pages and PDFs carries them inside words
/// (`ER\u{200B}P`), where they would hide terms.
#[inline]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// True when `text` has nothing to tag: only whitespace (Unicode's: no-break and
/// ideographic spaces, line separators...) and invisible characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: text of only Unicode whitespace and invisible characters is blank.
    #[test]
    fn blank_table() {
        let cases: &[(&str, bool)] = &[
            ("", true),
            (" \t\r\n", true),
            ("\u{A0}\u{2028}\u{2029}\u{3000}\u{202F}", true),
            (
                "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{00AD}\u{180E}",
                true,
            ),
            ("\u{A0}x", false),
            ("-", false),
        ];
        for (text, blank) in cases {
            assert_eq!(is_blank(text), *blank, "{text:?}");
        }
    }
}
