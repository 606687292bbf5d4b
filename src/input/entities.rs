//! HTML character references left in exported text (`&#39;`, `&amp;`,
//! `&#8226;`, `&nbsp;`): job-board exports and scraped CSVs often keep them
//! after the markup is gone, and `DOD&#39;s` or `&#8226;Customer Service` would
//! otherwise hide words and sentence breaks. Decoded before anything else reads
//! the text, with html-escape's table of HTML5 references; text without `&`
//! is returned as it is, without a copy.

use std::borrow::Cow;

/// `text` with its HTML character references decoded.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    html_escape::decode_html_entities(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_decoded_and_plain_text_is_not_copied() {
        let cases = [
            ("the DOD&#39;s networks", "the DOD's networks"),
            ("detail.&#8226; Customer", "detail.\u{2022} Customer"),
            ("R&amp;D &lt;team&gt;", "R&D <team>"),
            ("caf&eacute;&nbsp;ops", "caf\u{e9}\u{a0}ops"),
            ("AT&T and P&L stay", "AT&T and P&L stay"),
        ];
        for (raw, want) in cases {
            assert_eq!(decode_entities(raw), want, "{raw}");
        }
        assert!(matches!(decode_entities("no references"), Cow::Borrowed(_)));
    }
}
