//! A field of the source records of a report, for `--by field:NAME`: the only I/O of summaries.

use std::collections::HashMap;
use std::path::Path;

use crate::input::records::{self, FieldOptions, Item, RecordFormat};
use crate::report::file::ReportPosting;

/// One field of the source records of a report, read on demand: the only I/O here.
///
/// A posting's source record is its `path` (a JSON, JSONL, CSV or TSV file) at
/// position `record`. The field's value is read as `--id-field` reads ids.
#[derive(Debug)]
pub struct SourceFields {
    field: String,
    max_bytes: u64,
    files: HashMap<String, Result<HashMap<u64, String>, String>>,
}

impl SourceFields {
    /// Reads `field`, with lines longer than `max_bytes` left out.
    pub fn new(field: &str, max_bytes: u64) -> SourceFields {
        SourceFields {
            field: field.to_string(),
            max_bytes,
            files: HashMap::new(),
        }
    }

    /// The field's value in the source record of `p`, if it has one; the file is
    /// read the first time one of its postings asks.
    pub fn value(&mut self, p: &ReportPosting) -> Option<String> {
        let record = p.record?;
        let format = RecordFormat::from_path(Path::new(&p.path))?;
        if !self.files.contains_key(&p.path) {
            let values = self.read(&p.path, format);
            self.files.insert(p.path.clone(), values);
        }
        match self.files.get(&p.path)? {
            Ok(values) => values.get(&record).cloned(),
            Err(_) => None,
        }
    }

    fn read(&self, path: &str, format: RecordFormat) -> Result<HashMap<u64, String>, String> {
        let fields = FieldOptions {
            text_fields: vec![self.field.clone()],
            id_field: Some(self.field.clone()),
            label_field: None,
            group_field: None,
            keep_fields: Vec::new(),
        };
        let file = records::open(Path::new(path)).map_err(|e| format!("cannot read: {e}"))?;
        let mut values = HashMap::new();
        records::read(file, format, &fields, self.max_bytes, |item| {
            let (index, value) = match item {
                Item::Posting(p) => (p.at.index, p.id),
                Item::Failed { at, id, .. } => (at.index, id),
                Item::Line { at, bytes } => match records::parse_json_line(at, &bytes, &fields) {
                    Item::Posting(p) => (at.index, p.id),
                    Item::Failed { id, .. } => (at.index, id),
                    Item::Line { .. } => (at.index, None),
                },
            };
            if let Some(v) = value {
                values.insert(index, v);
            }
            true
        })
        .map_err(|e| format!("cannot read: {e}"))?;
        Ok(values)
    }

    /// Source files that could not be read, with why.
    pub fn problems(&self) -> Vec<(&str, &str)> {
        let mut p: Vec<(&str, &str)> = self
            .files
            .iter()
            .filter_map(|(path, r)| r.as_ref().err().map(|e| (path.as_str(), e.as_str())))
            .collect();
        p.sort_unstable();
        p
    }
}
