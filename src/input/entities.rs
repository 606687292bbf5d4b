//! HTML character references left in exported text (`&#39;`, `&amp;`,
//! `&#8226;`, `&nbsp;`): job-board exports and scraped CSVs often keep them
//! after the markup is gone, and `DOD&#39;s` or `&#8226;Customer Service` would
//! otherwise hide words and sentence breaks. Decoded before anything else reads
//! the text. Numeric references and the common named ones are decoded here;
//! any other name goes to html-escape's table of HTML5 references. Text without
//! `&` is returned as it is, without a copy; a `&` that starts no reference
//! ("R&D", "AT&T") stays.

use std::borrow::Cow;

/// The longest reference name looked up (HTML5's longest is 31 bytes).
const MAX_NAME: usize = 32;

/// `text` with its HTML character references decoded.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already in `out`
    for at in memchr::memchr_iter(b'&', bytes) {
        if at < copied {
            continue; // inside a reference already decoded
        }
        let Some((decoded, len)) = reference_at(&text[at..]) else {
            continue;
        };
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[copied..at]);
        o.push_str(&decoded);
        copied = at + len;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

/// The reference at the start of `s` (which starts with `&`): its text and length.
fn reference_at(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let (digits, radix, from) = match b.get(2) {
            Some(b'x' | b'X') => (&b[3..], 16, 3),
            _ => (&b[2..], 10, 2),
        };
        let n = digits
            .iter()
            .take(8)
            .take_while(|c| c.is_ascii_hexdigit() && (radix == 16 || c.is_ascii_digit()))
            .count();
        if n == 0 || digits.get(n) != Some(&b';') {
            return None;
        }
        let code = u32::from_str_radix(&s[from..from + n], radix).ok()?;
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}');
        return Some((Cow::Owned(c.to_string()), from + n + 1));
    }
    let n = b[1..]
        .iter()
        .take(MAX_NAME)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if n == 0 || b.get(1 + n) != Some(&b';') {
        return None;
    }
    let name = &s[1..1 + n];
    let len = n + 2;
    let common = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "\u{2013}",
        "mdash" => "\u{2014}",
        "lsquo" => "\u{2018}",
        "rsquo" => "\u{2019}",
        "ldquo" => "\u{201c}",
        "rdquo" => "\u{201d}",
        "bull" => "\u{2022}",
        "middot" => "\u{b7}",
        "hellip" => "\u{2026}",
        _ => {
            let whole = &s[..len];
            return match html_escape::decode_html_entities(whole) {
                Cow::Owned(d) if d != whole => Some((Cow::Owned(d), len)),
                _ => None,
            };
        }
    };
    Some((Cow::Borrowed(common), len))
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
            (
                "AT&T and P&L stay; &unknownname; too",
                "AT&T and P&L stay; &unknownname; too",
            ),
            (
                "hex &#x2019; and &#X41; and &#0; and &#99999999;",
                "hex \u{2019} and A and \u{fffd} and \u{fffd}",
            ),
            ("&amp;amp; once", "&amp; once"),
            ("ends with &", "ends with &"),
            ("&#; &#x; &; &", "&#; &#x; &; &"),
        ];
        for (raw, want) in cases {
            assert_eq!(decode_entities(raw), want, "{raw}");
        }
        assert!(matches!(decode_entities("no references"), Cow::Borrowed(_)));
        assert!(matches!(decode_entities("R&D, AT&T"), Cow::Borrowed(_)));
    }

    proptest::proptest! {
        /// Any text decodes without a panic; a text without a reference is
        /// returned unchanged; a known reference surrounded by anything decodes.
        #[test]
        fn decoding_is_total_and_local(
            before in "[^&]{0,8}",
            after in "\\PC{0,12}",
            pick in 0usize..6,
        ) {
            let refs = [("&amp;", "&"), ("&#39;", "'"), ("&#x2022;", "\u{2022}"),
                        ("&eacute;", "\u{e9}"), ("&nbsp;", "\u{a0}"), ("&hellip;", "\u{2026}")];
            let (r, want) = refs[pick];
            let text = format!("{before}{r}{after}");
            let got = decode_entities(&text);
            let rest = decode_entities(&after);
            proptest::prop_assert_eq!(got.as_ref(), format!("{before}{want}{rest}"));
            let plain = before.replace('&', "");
            proptest::prop_assert!(matches!(decode_entities(&plain), Cow::Borrowed(_)));
        }
    }
}
