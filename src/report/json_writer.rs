//! The JSON of a posting, written by hand: byte for byte what serde writes for
//! [`super::json::JsonTagged`] and `JsonFailed`, in a third of the time.
//!
//! A scan's report is about as large as its input, so writing it is a fair share
//! of the work. Here every term's and axis's constant JSON (name, axis, pole,
//! weight, context flag) is escaped once per report, numbers are printed without
//! going through a formatter, and the object is built in a reused buffer. Strings
//! that vary per posting (path, id, warnings) still go through serde's escaping.
//! The tests check the output against serde's on corpora and random records.

use std::io::{self, Write};

use super::{evidence, round4, Context, Outcome, Record, Tagged, SCHEMA_VERSION};
use crate::engine::lexicon::Lexicon;

/// Writes records as JSON objects; built once per report for its lexicon.
#[derive(Debug)]
pub(crate) struct RecordWriter {
    /// Per term: `{"term":…,"axis":…,"pole":…,"count":`.
    head: Vec<Box<[u8]>>,
    /// Per term: `,"weight":…,"contribution":`.
    weight: Vec<Box<[u8]>>,
    /// Per axis: `"name":{"cio":`, with a leading comma after the first.
    axis_key: Vec<Box<[u8]>>,
    buf: Vec<u8>,
}

impl RecordWriter {
    pub(crate) fn new(lexicon: &Lexicon) -> RecordWriter {
        let (head, weight) = lexicon
            .terms
            .iter()
            .map(|t| {
                let mut h = b"{\"term\":".to_vec();
                push_str(&mut h, &t.name);
                h.extend_from_slice(b",\"axis\":");
                push_str(&mut h, &lexicon.axes[t.axis].name);
                h.extend_from_slice(b",\"pole\":\"");
                h.extend_from_slice(t.pole.as_str().as_bytes());
                h.extend_from_slice(b"\",\"count\":");
                let mut w = b",\"weight\":".to_vec();
                push_f64(&mut w, round4(t.weight));
                w.extend_from_slice(b",\"contribution\":");
                (h.into_boxed_slice(), w.into_boxed_slice())
            })
            .unzip();
        let axis_key = lexicon
            .axes
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut k = if i == 0 { Vec::new() } else { b",".to_vec() };
                push_str(&mut k, &a.name);
                k.extend_from_slice(b":{\"cio\":");
                k.into_boxed_slice()
            })
            .collect();
        RecordWriter {
            head,
            weight,
            axis_key,
            buf: Vec::new(),
        }
    }

    /// Writes `r` as one JSON object (no newline).
    pub(crate) fn write<W: Write>(
        &mut self,
        out: &mut W,
        cx: &Context<'_>,
        r: &Record,
    ) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        self.render(&mut buf, cx, r);
        let written = out.write_all(&buf);
        self.buf = buf;
        written
    }

    /// Appends `r` as one JSON object (no newline) to `b`.
    pub(crate) fn render(&self, b: &mut Vec<u8>, cx: &Context<'_>, r: &Record) {
        b.extend_from_slice(b"{\"schema_version\":");
        push_u64(b, u64::from(SCHEMA_VERSION));
        b.extend_from_slice(b",\"path\":");
        push_str(b, &r.path);
        if let Some(bytes) = &r.path_bytes {
            b.extend_from_slice(b",\"path_bytes\":[");
            push_joined(b, bytes, |b, &byte| push_u64(b, u64::from(byte)));
            b.push(b']');
        }
        if let Some(n) = r.record {
            b.extend_from_slice(b",\"record\":");
            push_u64(b, n);
        }
        if let Some(id) = &r.id {
            b.extend_from_slice(b",\"id\":");
            push_str(b, id);
        }
        if let Some(e) = &r.expected {
            b.extend_from_slice(b",\"expected\":");
            push_str(b, e);
        }
        if !cx.keep_fields.is_empty() {
            b.extend_from_slice(b",\"fields\":{");
            push_joined(b, cx.keep_fields.iter().enumerate(), |b, (i, name)| {
                push_str(b, name);
                b.push(b':');
                match r.fields.get(i).and_then(Option::as_deref) {
                    Some(v) => push_str(b, v),
                    None => b.extend_from_slice(b"null"),
                }
            });
            b.push(b'}');
        }
        match &r.outcome {
            Outcome::Tagged(t) => self.tagged(b, cx, t),
            Outcome::Failed(msg) | Outcome::Skipped(msg) => {
                b.extend_from_slice(b",\"error\":");
                push_str(b, msg);
                if matches!(r.outcome, Outcome::Skipped(_)) {
                    b.extend_from_slice(b",\"skipped\":true");
                }
            }
        }
        if !r.warnings.is_empty() {
            b.extend_from_slice(b",\"warnings\":[");
            push_joined(b, &r.warnings, |b, w| push_str(b, w));
            b.push(b']');
        }
        b.push(b'}');
    }

    fn tagged(&self, b: &mut Vec<u8>, cx: &Context<'_>, t: &Tagged) {
        let lex = cx.lexicon;
        b.extend_from_slice(b",\"label\":\"");
        b.extend_from_slice(t.tagging.label.as_str().as_bytes());
        b.extend_from_slice(b"\",\"score\":");
        push_round4(b, t.tagging.score);
        b.extend_from_slice(b",\"confidence\":");
        push_round4(b, t.tagging.confidence);
        b.extend_from_slice(b",\"cio\":");
        push_round4(b, t.scores.total.cio);
        b.extend_from_slice(b",\"cto\":");
        push_round4(b, t.scores.total.cto);
        b.extend_from_slice(b",\"core_evidence\":");
        push_round4(b, t.scores.core.total());
        b.extend_from_slice(b",\"axes\":{");
        for (key, w) in self.axis_key.iter().zip(&t.scores.axes) {
            b.extend_from_slice(key);
            push_round4(b, w.cio);
            b.extend_from_slice(b",\"cto\":");
            push_round4(b, w.cto);
            b.push(b'}');
        }
        b.extend_from_slice(b"},\"evidence\":[");
        for (i, (tally, contribution)) in evidence(cx, &t.scores).into_iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(&self.head[tally.term]);
            push_u64(b, u64::from(tally.count));
            b.extend_from_slice(&self.weight[tally.term]);
            push_round4(b, contribution);
            b.extend_from_slice(if lex.terms[tally.term].context {
                b",\"context\":true}"
            } else {
                b",\"context\":false}"
            });
        }
        b.extend_from_slice(b"],\"words\":");
        push_u64(b, t.scores.words as u64);
        b.extend_from_slice(b",\"coverage\":");
        push_round4(b, t.scores.coverage());
        b.extend_from_slice(b",\"ignored\":[");
        for (i, &(term, status, count)) in t.scores.ignored.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(&self.head[term]);
            push_u64(b, u64::from(count));
            b.extend_from_slice(b",\"reason\":\"");
            b.extend_from_slice(status.as_str().as_bytes());
            b.extend_from_slice(b"\"}");
        }
        b.push(b']');
    }
}

/// A JSON string, escaped by serde.
/// Writes each item with `each`, commas between.
fn push_joined<T>(
    b: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        each(b, item);
    }
}

fn push_str(b: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail, and a &str always serialises.
    serde_json::to_writer(&mut *b, s).expect("a string serialises to a Vec");
}

fn push_u64(b: &mut Vec<u8>, n: u64) {
    b.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Any f64, as serde prints it.
fn push_f64(b: &mut Vec<u8>, x: f64) {
    serde_json::to_writer(&mut *b, &x).expect("an f64 serialises to a Vec");
}

/// `round4(x)` as serde prints it.
///
/// A rounded value is `n / 10_000` for an integer `n`, and serde prints the
/// shortest decimal that reads back as the same double. Below 10^11 that is
/// `n / 10_000` itself with its trailing zeros dropped: any other decimal with
/// at most four places is 10^-4 away, far more than the gap between doubles
/// there, and no decimal with fewer digits lies closer. So the digits of `n` are
/// printed directly; anything larger, or not finite, goes to serde.
fn push_round4(b: &mut Vec<u8>, x: f64) {
    let scaled = (x * 10_000.0).round();
    // NaN and infinities fail this test too.
    if scaled.abs().partial_cmp(&1e15) != Some(std::cmp::Ordering::Less) {
        push_f64(b, round4(x));
        return;
    }
    // Exact: |scaled| < 10^15 < 2^53, and it is a whole number.
    let n = scaled as i64;
    if n == 0 {
        b.extend_from_slice(b"0.0");
        return;
    }
    if n < 0 {
        b.push(b'-');
    }
    let a = n.unsigned_abs();
    b.extend_from_slice(itoa::Buffer::new().format(a / 10_000).as_bytes());
    b.push(b'.');
    let mut frac = a % 10_000;
    if frac == 0 {
        b.push(b'0');
        return;
    }
    let mut digits = 4;
    while frac.is_multiple_of(10) {
        frac /= 10;
        digits -= 1;
    }
    let start = b.len();
    b.resize(start + digits, b'0');
    for d in b[start..].iter_mut().rev() {
        *d = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    fn serde_round4(x: f64) -> String {
        serde_json::to_string(&round4(x)).unwrap()
    }

    fn fast_round4(x: f64) -> String {
        let mut b = Vec::new();
        push_round4(&mut b, x);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn rounded_numbers_print_as_serde_prints_them() {
        // Every four-decimal value in [-200, 200], and the edges of the fast path.
        for n in -2_000_000i64..=2_000_000 {
            let x = n as f64 / 10_000.0;
            assert_eq!(fast_round4(x), serde_round4(x), "{x}");
        }
        for x in [
            0.0,
            -0.0,
            0.00004,
            -0.00004,
            0.00005,
            -0.00005,
            1e10,
            99_999_999_999.999_9,
            1e11,
            -1e11,
            1e15,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(fast_round4(x), serde_round4(x), "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn any_number_prints_as_serde_prints_it(x in proptest::num::f64::ANY) {
            prop_assert_eq!(fast_round4(x), serde_round4(x));
        }

        #[test]
        fn numbers_of_report_size_print_as_serde_prints_them(x in -1e12f64..1e12) {
            prop_assert_eq!(fast_round4(x), serde_round4(x));
        }
    }
}
