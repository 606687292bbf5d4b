//! Markdown's backslash escapes left in exported text: job boards that store a
//! posting as Markdown export `customer\-facing`, `P\&L` and `\*\*`, and the
//! backslash would otherwise part `customer` from `facing` for the matcher. A
//! backslash before ASCII punctuation (CommonMark's escapable characters) is
//! dropped; any other backslash (`C:\Users`) stays. And the marks that make a
//! line a heading (`## About Acme`, `**Benefits**`), for the scope's sections and
//! the title mask.

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

/// A trimmed line without the Markdown that marks it a heading: `## About Acme`,
/// `**About Acme**`, `__Benefits:__` and `### **Perks**` read as the lines `About
/// Acme`, `Benefits:` and `Perks`, so that a posting exported from Markdown has the
/// sections its plain text has (`**About` would otherwise read as a bullet). Any
/// other line is returned as it is: `#1 priority`, `**Bold** and more`. The
/// scope reads section headings through it, and the title mask keeps them.
pub fn heading_text(line: &str) -> &str {
    let mut text = line;
    let hashes = text.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && text[hashes..].starts_with([' ', '\t']) {
        text = text[hashes..].trim().trim_end_matches('#').trim_end();
    }
    // Bold (or bold italic, `***`, or doubled, `****`) around the whole line.
    for (mark, wrap) in [('*', "**"), ('_', "__")] {
        let body = text.strip_suffix(':').unwrap_or(text);
        let lead = body.len() - body.trim_start_matches(mark).len();
        let trail = body.len() - body.trim_end_matches(mark).len();
        if lead >= 2 && lead == trail && lead + trail < body.len() {
            let inner = &body[lead..body.len() - trail];
            if !inner.contains(wrap) && !inner.trim().is_empty() {
                text = inner.trim();
            }
        }
    }
    text
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
