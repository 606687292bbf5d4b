//! Shared by the record targets: the first input byte sets the knobs, the rest is the file.

use roletag::input::records::{self, FieldOptions, Item, RecordFormat};

/// `--max-bytes` from the control byte: 16 to 1036, so both short and capped lines occur.
pub fn max_bytes(control: u8) -> u64 {
    16 + 4 * u64::from(control)
}

/// Reads `data` as `format`, parses raw JSON lines as a worker would, and checks the
/// invariants every format shares: records numbered 0, 1, 2, ... and every posting has text.
pub fn read_all(data: &[u8], format: RecordFormat, max_bytes: u64) -> Vec<Item> {
    let fields = FieldOptions::default();
    let mut items = Vec::new();
    records::read(data, format, &fields, max_bytes, |item| {
        items.push(match item {
            Item::Line { at, bytes } => {
                assert!(
                    bytes.len() as u64 <= max_bytes,
                    "a line over --max-bytes was kept"
                );
                records::parse_json_line(at, &bytes, &fields)
            }
            other => other,
        });
        true
    })
    .expect("reading from a byte slice cannot fail with I/O");
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Posting(p) => {
                assert_eq!(p.at.index, i as u64);
                assert!(!p.text.trim().is_empty(), "posting without text: {p:?}");
            }
            Item::Failed { at, message, .. } => {
                assert_eq!(at.index, i as u64);
                assert!(!message.is_empty());
            }
            Item::Line { .. } => unreachable!("parsed above"),
        }
    }
    items
}
