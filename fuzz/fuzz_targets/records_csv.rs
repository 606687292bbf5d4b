//! The CSV/TSV reader: rows become records numbered in order, a bad or oversized row is
//! an error record, nothing panics, and without a size cap it reads exactly what the
//! `csv` crate reads. The control byte's low bit picks TSV.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use roletag::input::records::{Item, RecordFormat};

/// (line, Some(fields) or None for a malformed row), as the `csv` crate reads them.
fn reference(file: &[u8], delimiter: u8) -> Vec<(u64, Option<Vec<Vec<u8>>>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(file);
    rdr.byte_headers().expect("no I/O errors from a slice");
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => return out,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                out.push((line, Some(record.iter().map(<[u8]>::to_vec).collect())));
            }
            Err(e) => out.push((e.position().map_or(0, |p| p.line()), None)),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, file)) = data.split_first() else {
        return;
    };
    let (format, delimiter) = if control & 1 == 1 {
        (RecordFormat::Tsv, b'\t')
    } else {
        (RecordFormat::Csv, b',')
    };
    let capped = common::read_all(file, format, common::max_bytes(control));
    let newlines = file.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    assert!(capped.len() <= newlines + 1, "{capped:?}");

    let items = common::read_all(file, format, u64::MAX);
    let want = reference(file, delimiter);
    assert_eq!(items.len(), want.len(), "{items:?} vs {want:?}");
    for (item, (line, fields)) in items.iter().zip(&want) {
        match item {
            Item::Posting(p) => {
                assert_eq!(p.at.line, *line);
                assert!(fields.is_some(), "posting where csv finds a bad row: {p:?}");
            }
            Item::Failed { at, message, .. } => {
                assert_eq!(at.line, *line);
                if fields.is_some() {
                    // csv accepts the row; only a row without text may fail.
                    assert!(message.contains("no text"), "{message}");
                }
            }
            Item::Line { .. } => unreachable!(),
        }
    }
});
