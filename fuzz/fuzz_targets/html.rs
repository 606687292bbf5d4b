//! HTML extraction: any bytes in, visible text or a clean error out, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roletag::input::{extract, ReadError};
use roletag::DocFormat;

fuzz_target!(|data: &[u8]| {
    match extract(data, DocFormat::Html) {
        Ok(posting) => {
            let text = &posting.text;
            assert!(
                !text.trim().is_empty(),
                "an empty posting must be ReadError::Empty"
            );
            // Documented shape of the output: trimmed lines, at most one blank line in a row.
            assert!(!text.contains("\n\n\n"), "blank lines repeat: {text:?}");
            for line in text.lines() {
                assert_eq!(line, line.trim(), "untrimmed line in {text:?}");
            }
        }
        Err(ReadError::Binary(at)) => assert_eq!(data[at], 0),
        Err(ReadError::Empty) => {}
        // Refused before parsing (issue 16); only possible past 4096 open tags.
        Err(ReadError::Format(m)) if m.contains("nested more than") => {
            assert!(data.iter().filter(|&&b| b == b'<').count() > 4096);
        }
        Err(e) => panic!("HTML can only be binary, empty or too deep, got {e:?}"),
    }
});
