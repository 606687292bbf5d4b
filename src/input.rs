//! Reading one posting's text from a file or from bytes.
//!
//! Input is a path (or bytes already read); output is the posting's text with
//! any warnings, or a [`ReadError`] saying why there is none: unreadable,
//! empty, or binary (binary files are skipped, not failed). Invalid UTF-8 is
//! replaced and reported as a warning, never an error. No matching here.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// How many leading bytes are inspected for a NUL byte, as ripgrep does.
const BINARY_SNIFF: usize = 8 * 1024;

/// Why a posting has no text to tag.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The path is a directory given where a file was expected.
    IsDirectory,
    /// The file holds nothing but whitespace.
    Empty,
    /// A NUL byte at this offset: the file is binary and is skipped.
    Binary(usize),
}

impl ReadError {
    /// True when the input is skipped on purpose rather than failed.
    pub fn is_skip(&self) -> bool {
        matches!(self, ReadError::Binary(_))
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::IsDirectory => {
                f.write_str("is a directory (use `roletag scan` for folders)")
            }
            ReadError::Empty => f.write_str("empty posting: no text to tag"),
            ReadError::Binary(at) => write!(f, "binary file skipped (NUL byte at offset {at})"),
        }
    }
}

/// A posting's text, borrowed from the read buffer when it is valid UTF-8.
#[derive(Debug)]
pub struct PostingText<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Problems that did not stop tagging (such as replaced invalid bytes).
    pub warnings: Vec<String>,
}

/// Reads the file at `path` into `buf` (cleared first) and decodes it.
///
/// # Errors
/// See [`ReadError`].
pub fn read_path<'a>(path: &Path, buf: &'a mut Vec<u8>) -> Result<PostingText<'a>, ReadError> {
    buf.clear();
    let mut file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    file.read_to_end(buf).map_err(ReadError::Io)?;
    decode(buf)
}

/// Reads all of `reader` into `buf` (cleared first) and decodes it.
///
/// # Errors
/// See [`ReadError`].
pub fn read_from<'a>(
    mut reader: impl Read,
    buf: &'a mut Vec<u8>,
) -> Result<PostingText<'a>, ReadError> {
    buf.clear();
    reader.read_to_end(buf).map_err(ReadError::Io)?;
    decode(buf)
}

/// Decodes a posting's bytes: UTF-8 (BOM dropped), invalid sequences replaced with a warning.
///
/// # Errors
/// [`ReadError::Binary`] for a NUL byte in the first 8 KiB, [`ReadError::Empty`]
/// when only whitespace remains.
pub fn decode(bytes: &[u8]) -> Result<PostingText<'_>, ReadError> {
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF)];
    if let Some(at) = sniff.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary(at));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut warnings = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    if let Cow::Owned(_) = text {
        warnings.push("invalid UTF-8 replaced with U+FFFD".to_string());
    }
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(PostingText { text, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_table() {
        let cases: &[(&str, &[u8], Result<&str, &str>)] = &[
            ("plain_utf8", b"IT director", Ok("IT director")),
            ("bom_dropped", b"\xEF\xBB\xBFERP lead", Ok("ERP lead")),
            ("empty", b"", Err("empty")),
            ("whitespace_only", b" \n\t \r\n", Err("empty")),
            (
                "nul_is_binary",
                b"PK\x03\x04\x00\x00",
                Err("binary file skipped (NUL byte at offset 4)"),
            ),
        ];
        for (name, bytes, want) in cases {
            let got = decode(bytes);
            match (got, want) {
                (Ok(t), Ok(w)) => assert_eq!(t.text, *w, "case {name}"),
                (Err(e), Err(w)) => assert!(e.to_string().contains(w), "case {name}: {e}"),
                (got, want) => panic!("case {name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning() {
        let t = decode(b"caf\xe9 manager").unwrap();
        assert_eq!(t.text, "caf\u{FFFD} manager");
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn binary_is_a_skip_not_a_failure() {
        assert!(ReadError::Binary(0).is_skip());
        assert!(!ReadError::Empty.is_skip());
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let mut buf = Vec::new();
        let err = read_path(Path::new("/nonexistent/posting.txt"), &mut buf).unwrap_err();
        assert!(matches!(err, ReadError::Io(_)));
    }
}
