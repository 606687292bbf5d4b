//! The JSON reader: one record per element of an array, one for an object, one error for
//! anything else (or a file over --max-bytes), and nothing panics.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use roletag::input::records::RecordFormat;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&control, file)) = data.split_first() else {
        return;
    };
    let max = common::max_bytes(control);
    let items = common::read_all(file, RecordFormat::Json, max);
    let trimmed = file.strip_suffix(b"\n").unwrap_or(file);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    let trimmed = trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed);
    let want = match serde_json::from_slice::<Value>(trimmed) {
        _ if file.len() as u64 > max => 1,
        Ok(Value::Array(a)) => a.len(),
        _ => 1,
    };
    assert_eq!(items.len(), want, "{items:?}");
});
