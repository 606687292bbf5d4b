//! The JSON Lines reader: every non-blank line is exactly one record (a posting or an
//! error), lines over --max-bytes are errors, and nothing panics.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use roletag::input::records::{Item, RecordFormat};

/// Records a model of the reader expects: one per line that is over the cap or not blank.
fn expected_records(file: &[u8], max: u64) -> Vec<bool> {
    let mut lines: Vec<&[u8]> = file.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop(); // a final newline ends the last line; it does not start another
    }
    lines
        .into_iter()
        .filter_map(|line| {
            if line.len() as u64 > max {
                return Some(true);
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            (!line.iter().all(u8::is_ascii_whitespace)).then_some(false)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, file)) = data.split_first() else {
        return;
    };
    let max = common::max_bytes(control);
    let items = common::read_all(file, RecordFormat::JsonLines, max);
    let want = expected_records(file, max);
    assert_eq!(
        items.len(),
        want.len(),
        "one record per non-blank line: {items:?}"
    );
    let mut last_line = 0;
    for (item, over) in items.iter().zip(want) {
        let (line, message) = match item {
            Item::Posting(p) => (p.at.line, None),
            Item::Failed { at, message, .. } => (at.line, Some(message.as_str())),
            Item::Line { .. } => unreachable!(),
        };
        assert!(line > last_line, "line numbers go forward");
        last_line = line;
        if over {
            assert!(message.is_some_and(|m| m.contains("longer than --max-bytes")));
        }
    }
});
