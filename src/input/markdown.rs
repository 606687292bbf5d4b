//! Markdown's backslash escapes left in exported text: job boards that store a
//! posting as Markdown export `customer\-facing`, `P\&L` and `\*\*`, and the
//! backslash would otherwise part `customer` from `facing` for the matcher. A
//! backslash before ASCII punctuation (CommonMark's escapable characters) is
//! dropped; any other backslash (`C:\Users`) stays. No other Markdown is read
//! here (headings are the scope's: `engine::scope`).

use std::borrow::Cow;

/// `text` with its Markdown backslash escapes undone: `\-` is `-`, `\\` is `\`.
/// Text without one is returned as it is, without a copy.
pub fn unescape_markdown(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let escaped = |at: usize| bytes.get(at + 1).is_some_and(u8::is_ascii_punctuation);
    let Some(first) = memchr::memchr_iter(b'\\', bytes).find(|&at| escaped(at)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut at = first;
    // Invariant: `at` is a backslash that escapes the ASCII byte after it.
    loop {
        let next = at + 1; // the escaped character, kept
        let rest = &bytes[next + 1..];
        let end = memchr::memchr_iter(b'\\', rest)
            .map(|p| next + 1 + p)
            .find(|&p| escaped(p))
            .unwrap_or(bytes.len());
        // Both cuts sit next to ASCII bytes, so on character boundaries.
        out.push_str(&text[next..end]);
        if end == bytes.len() {
            return Cow::Owned(out);
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_undone_and_other_backslashes_kept() {
        let cases = [
            ("customer\\-facing", "customer-facing"),
            ("P\\&L and \\*\\*bold\\*\\*", "P&L and **bold**"),
            ("a \\\\ b", "a \\ b"),
            ("\\\\-", "\\-"),
            ("C:\\Users\\dev", "C:\\Users\\dev"),
            ("ends with \\", "ends with \\"),
            ("é\\-ü\\", "é-ü\\"),
            ("\\-", "-"),
            ("plain", "plain"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(unescape_markdown(raw), want, "{raw:?}");
        }
        assert!(matches!(unescape_markdown("C:\\Users"), Cow::Borrowed(_)));
    }
}
