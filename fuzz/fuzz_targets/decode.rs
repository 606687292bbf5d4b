//! Text decoding (BOM, binary sniff with UTF-16/UTF-32 recognised without a BOM, UTF-8,
//! windows-1252 fallback): never a panic, no blank text, and valid UTF-8 comes back unchanged.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use roletag::input::{decode, ReadError};

const BOMS: [&[u8]; 4] = [b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\x00\x00\xFE\xFF"];

fuzz_target!(|data: &[u8]| {
    let has_bom = BOMS.iter().any(|b| data.starts_with(b));
    let sniffed_nul = data.iter().take(8 * 1024).position(|&b| b == 0);
    match decode(data) {
        Ok(posting) => {
            assert!(!roletag::engine::normalize::is_blank(&posting.text));
            if let (false, None, Ok(s)) = (has_bom, sniffed_nul, std::str::from_utf8(data)) {
                assert!(
                    matches!(posting.text, Cow::Borrowed(_)),
                    "valid UTF-8 is borrowed"
                );
                assert_eq!(posting.text, s);
                assert!(posting.warnings.is_empty());
            }
        }
        Err(ReadError::Binary(at)) => {
            assert!(!has_bom, "a BOM is checked before the NUL sniff");
            assert_eq!(Some(at), sniffed_nul);
        }
        Err(ReadError::Empty) => {}
        Err(e) => panic!("text can only be binary or empty, got {e:?}"),
    }
});
