//! Input: where postings come from, and one posting's text read from a file or bytes.
//!
//! The first layer; it uses nothing else of the crate. [`walk`] lists the files under
//! folders, [`records`] splits JSON, JSON Lines, CSV and TSV files into postings
//! ([`records::Item`]), [`mask`] hides job titles and [`invisible`] says what counts as
//! no text. This file reads one document: input is a path (or bytes already read) and a
//! [`DocFormat`], chosen by file
//! extension unless [`ReadOptions::format`] says otherwise; output is the
//! posting's text with any warnings, or a [`ReadError`] saying why there is none.
//! Text and HTML bytes go through one set of encoding rules (BOM, UTF-8, then a
//! windows-1252 fallback; see [`extract`]); HTML is reduced to its visible text,
//! DOCX to its paragraphs, PDF to its text layer. A file over
//! [`ReadOptions::max_bytes`] is read only that far, with a warning. One file is
//! one posting; no matching here, and nothing is printed.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;

mod decode;
mod entities;
pub use entities::decode_entities;
mod markdown;
pub use markdown::{heading_text, unescape_markdown};

/// `raw` as it reads: HTML markup in it (a record's `description` exported from a
/// job board's rich-text editor, `<p>...</p><ul><li>...`) made its visible text, one
/// line per block, as an `.html` file's is, and HTML character references decoded
/// ([`decode_entities`]), including markup escaped as references (`&lt;p&gt;`);
/// then Markdown's backslash escapes undone ([`unescape_markdown`]). Text with no
/// markup only has its references and escapes undone. Without the `html` feature,
/// markup is left as it is.
pub fn readable_text(raw: &str) -> Cow<'_, str> {
    let text = html_as_text(raw);
    match unescape_markdown(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(unescaped) => Cow::Owned(unescaped),
    }
}

/// [`readable_text`]'s first step: markup made text and references decoded.
fn html_as_text(raw: &str) -> Cow<'_, str> {
    #[cfg(feature = "html")]
    if let Some(text) = html::markup_text(raw) {
        return Cow::Owned(text);
    }
    let text = decode_entities(raw);
    #[cfg(feature = "html")]
    if let Cow::Owned(decoded) = &text {
        if let Some(unescaped) = html::markup_text(decoded) {
            return Cow::Owned(unescaped);
        }
    }
    text
}
#[cfg(feature = "docx")]
mod docx;
#[cfg(feature = "html")]
mod html;
pub mod invisible;
pub mod mask;
mod pdf;
pub mod records;
#[cfg(test)]
mod testdata;
pub mod walk;

/// The default [`ReadOptions::max_bytes`]: 16 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A document format: how one file's bytes become one posting's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocFormat {
    /// Plain text or Markdown (`.txt`, `.md`, `.markdown`, and any unknown extension).
    Text,
    /// HTML (`.html`, `.htm`, `.xhtml`): the visible text only.
    Html,
    /// Word (`.docx`): the paragraphs of `word/document.xml`.
    Docx,
    /// PDF (`.pdf`): the text layer.
    Pdf,
}

impl DocFormat {
    /// Every format, in a fixed order.
    pub const ALL: [DocFormat; 4] = [
        DocFormat::Text,
        DocFormat::Html,
        DocFormat::Docx,
        DocFormat::Pdf,
    ];

    /// The format for `path`'s extension (case-insensitive); unknown or none is [`DocFormat::Text`].
    pub fn from_path(path: &Path) -> DocFormat {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" | "xhtml" => DocFormat::Html,
            "docx" => DocFormat::Docx,
            "pdf" => DocFormat::Pdf,
            _ => DocFormat::Text,
        }
    }

    /// The format called `name` (`text`, `txt`, `md`, `markdown`, `html`, `htm`, `docx`, `pdf`).
    pub fn from_name(name: &str) -> Option<DocFormat> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" | "md" | "markdown" => Some(DocFormat::Text),
            "html" | "htm" => Some(DocFormat::Html),
            "docx" => Some(DocFormat::Docx),
            "pdf" => Some(DocFormat::Pdf),
            _ => None,
        }
    }

    /// The canonical name, as accepted by [`DocFormat::from_name`].
    pub fn name(self) -> &'static str {
        match self {
            DocFormat::Text => "text",
            DocFormat::Html => "html",
            DocFormat::Docx => "docx",
            DocFormat::Pdf => "pdf",
        }
    }

    /// True for formats whose bytes are characters (text, HTML), false for
    /// binary containers (DOCX, PDF), which are neither sniffed for NULs nor
    /// cut at a character boundary.
    pub fn is_characters(self) -> bool {
        matches!(self, DocFormat::Text | DocFormat::Html)
    }
}

impl fmt::Display for DocFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read a posting's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// The format to extract; `None` chooses by file extension ([`DocFormat::from_path`]).
    pub format: Option<DocFormat>,
    /// Read at most this many bytes of a file; the rest is never loaded and a
    /// warning says the posting was truncated.
    pub max_bytes: u64,
    /// Extract PDFs in a child process: the current executable run with
    /// [`PDF_CHILD_ARG`], which must then call [`extract_pdf_child`]. A crash,
    /// a stack overflow or an out-of-memory abort in the PDF parser is then that
    /// posting's error instead of the end of the process. For the `roletag`
    /// binary; off by default.
    pub pdf_in_child: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            format: None,
            max_bytes: DEFAULT_MAX_BYTES,
            pdf_in_child: false,
        }
    }
}

/// Why a posting has no text to tag.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The path is a directory given where a file was expected.
    IsDirectory,
    /// The file holds nothing but whitespace (or markup without visible text).
    Empty,
    /// A NUL byte at this offset: the file is binary and is skipped.
    Binary(usize),
    /// Not a regular file (a FIFO, socket or device; see [`special_kind`]): skipped
    /// without being opened, since opening a FIFO blocks and a device never ends.
    Special(&'static str),
    /// A symbolic link met in a folder walk without `-L`: not followed, so not read.
    Symlink,
    /// The document could not be extracted: a corrupt DOCX or PDF, a PDF
    /// without a text layer. The message is complete (`cannot extract PDF text: ...`).
    Format(String),
}

impl ReadError {
    /// True when the input is skipped on purpose rather than failed.
    pub fn is_skip(&self) -> bool {
        matches!(
            self,
            ReadError::Binary(_) | ReadError::Special(_) | ReadError::Symlink
        )
    }
}

/// What kind of special file `file_type` is (`"FIFO"`, `"socket"`, `"block device"`,
/// `"character device"`), or `None` for regular files, folders and symlinks.
pub fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("FIFO");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
        if file_type.is_block_device() {
            return Some("block device");
        }
        if file_type.is_char_device() {
            return Some("character device");
        }
    }
    let _ = file_type;
    None
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
            ReadError::Special(kind) => write!(f, "not a regular file ({kind}); skipped unread"),
            ReadError::Symlink => f.write_str("symbolic link, not followed (use -L)"),
            ReadError::Format(message) => f.write_str(message),
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

/// Reads the file at `path` into `buf` (cleared first) and extracts its text.
///
/// The format is `opts.format`, or else the extension's. At most
/// `opts.max_bytes` bytes are read; a longer file is tagged on that prefix
/// (cut back to a character boundary for text and HTML) and gets a warning
/// `truncated to N bytes (file is M bytes)`.
///
/// A FIFO, socket or device is never opened: opening a FIFO blocks until a
/// writer appears, and `/dev/zero` never ends.
///
/// # Errors
/// See [`ReadError`]. A truncated DOCX or PDF usually fails to extract; its
/// error then says it was truncated.
pub fn read_path<'a>(
    path: &Path,
    opts: &ReadOptions,
    buf: &'a mut Vec<u8>,
) -> Result<PostingText<'a>, ReadError> {
    buf.clear();
    let kind = std::fs::metadata(path).map_err(ReadError::Io)?.file_type();
    if let Some(kind) = special_kind(kind) {
        return Err(ReadError::Special(kind));
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    let format = opts.format.unwrap_or_else(|| DocFormat::from_path(path));
    buf.reserve(usize::try_from(meta.len().min(opts.max_bytes)).unwrap_or(0));
    read_capped(file, opts, meta.len(), format, buf)
}

/// Reads at most `max_bytes + 1` bytes of `reader` into `buf` and extracts them
/// as `format`, cutting back to `max_bytes` with a warning when there was more.
/// `len` is the input's size when known (0 otherwise), for the warning.
fn read_capped<'a>(
    reader: impl Read,
    opts: &ReadOptions,
    len: u64,
    format: DocFormat,
    buf: &'a mut Vec<u8>,
) -> Result<PostingText<'a>, ReadError> {
    let (max, in_child) = (opts.max_bytes, opts.pdf_in_child);
    // One byte past the limit tells a truncated input from one of exactly max
    // bytes, even where metadata has no size (pipes, /proc).
    reader
        .take(max.saturating_add(1))
        .read_to_end(buf)
        .map_err(ReadError::Io)?;
    let max_text = usize::try_from(max).unwrap_or(usize::MAX);
    let Some(note) = truncate(buf, max, len, format) else {
        return extract_at_most(buf, format, max_text, in_child);
    };
    match extract_at_most(buf, format, max_text, in_child) {
        Ok(mut posting) => {
            posting.warnings.insert(0, note);
            Ok(posting)
        }
        Err(ReadError::Format(message)) => Err(ReadError::Format(format!("{message} ({note})"))),
        Err(e) => Err(e),
    }
}

/// Cuts `buf` to `max` bytes (then to a character boundary for text formats)
/// and returns the warning, or `None` when it fits.
fn truncate(buf: &mut Vec<u8>, max: u64, file_len: u64, format: DocFormat) -> Option<String> {
    if buf.len() as u64 <= max {
        return None;
    }
    // max < buf.len() here, so it fits in usize.
    buf.truncate(usize::try_from(max).unwrap_or(buf.len()));
    if format.is_characters() {
        buf.truncate(decode::char_boundary(buf));
    }
    let kept = buf.len();
    Some(if file_len > max {
        format!("truncated to {kept} bytes (file is {file_len} bytes)")
    } else {
        format!("truncated to {kept} bytes (file is larger)")
    })
}

/// Reads `reader` (standard input, say) into `buf` (cleared first) and extracts
/// its text as `opts.format` (default: plain text).
///
/// At most `opts.max_bytes` bytes are kept, as for [`read_path`]: a longer
/// stream is tagged on that prefix with the warning `truncated to N bytes
/// (file is larger)`, and the rest is never read.
///
/// # Errors
/// See [`ReadError`].
pub fn read_from<'a>(
    reader: impl Read,
    opts: &ReadOptions,
    buf: &'a mut Vec<u8>,
) -> Result<PostingText<'a>, ReadError> {
    buf.clear();
    let format = opts.format.unwrap_or(DocFormat::Text);
    read_capped(reader, opts, 0, format, buf)
}

/// Decodes a plain-text posting's bytes: the same as [`extract`] with [`DocFormat::Text`].
///
/// # Errors
/// See [`extract`].
pub fn decode(bytes: &[u8]) -> Result<PostingText<'_>, ReadError> {
    extract(bytes, DocFormat::Text)
}

/// Extracts one posting's text from the bytes of a document in `format`; pure, no I/O.
///
/// Text and HTML are decoded by these rules, first match wins:
/// 1. A byte-order mark decides: UTF-8, UTF-16 LE or UTF-16 BE. It is checked
///    before the binary sniff, since UTF-16 text is full of NUL bytes.
/// 2. A NUL byte in the first 8 KiB: binary, skipped ([`ReadError::Binary`]).
/// 3. Valid UTF-8 is taken as it is (and borrowed, not copied).
/// 4. HTML only: a `<meta charset>` other than UTF-8/UTF-16 in the first 1 KiB.
/// 5. Otherwise the bytes are counted: when valid multi-byte UTF-8 sequences
///    outnumber the invalid ones, the file is UTF-8 with a few bad bytes, which
///    become U+FFFD with the warning `invalid UTF-8 replaced with U+FFFD`.
///    Else it is a single-byte legacy encoding (Latin-1 text is almost never
///    valid UTF-8 by chance, and its accented letters are lone high bytes),
///    decoded as windows-1252, a superset of Latin-1's printable range, with
///    the warning `decoded as windows-1252 (not valid UTF-8)`.
///
/// DOCX and PDF are binary containers: no sniff, their own text encodings.
///
/// # Errors
/// [`ReadError::Binary`] (skipped), [`ReadError::Empty`] when no visible text
/// remains, [`ReadError::Format`] for a DOCX or PDF that cannot be extracted.
pub fn extract(bytes: &[u8], format: DocFormat) -> Result<PostingText<'_>, ReadError> {
    extract_at_most(bytes, format, usize::MAX, false)
}

pub use pdf::{extract_child as extract_pdf_child, CHILD_ARG as PDF_CHILD_ARG};

/// [`extract`], with a DOCX's or PDF's text cut at `max_text` bytes (a warning
/// says so: a small DOCX can inflate to gigabytes of text), and PDFs extracted
/// in a child process when `pdf_in_child`.
fn extract_at_most(
    bytes: &[u8],
    format: DocFormat,
    max_text: usize,
    pdf_in_child: bool,
) -> Result<PostingText<'_>, ReadError> {
    let posting = match format {
        DocFormat::Text => decode::decode(bytes, None)?,
        #[cfg(feature = "html")]
        DocFormat::Html => html::extract(bytes)?,
        #[cfg(not(feature = "html"))]
        DocFormat::Html => return Err(not_built("HTML", "html")),
        #[cfg(not(feature = "docx"))]
        DocFormat::Docx => return Err(not_built("DOCX", "docx")),
        #[cfg(feature = "docx")]
        DocFormat::Docx => {
            let (text, warnings) = docx::text(bytes, max_text)?;
            PostingText {
                text: Cow::Owned(text),
                warnings,
            }
        }
        DocFormat::Pdf if pdf_in_child => {
            let (text, warnings) = pdf::text_in_child(bytes, max_text)?;
            PostingText {
                text: Cow::Owned(text),
                warnings,
            }
        }
        DocFormat::Pdf => owned(pdf::text(bytes)?),
    };
    if invisible::is_blank(&posting.text) {
        return Err(ReadError::Empty);
    }
    Ok(posting)
}

/// The error for a document format this build of the library leaves out.
#[cfg(not(all(feature = "html", feature = "docx", feature = "pdf")))]
fn not_built(format: &str, feature: &str) -> ReadError {
    ReadError::Format(format!(
        "cannot read {format}: roletag was built without its `{feature}` feature"
    ))
}

fn owned(text: String) -> PostingText<'static> {
    PostingText {
        text: Cow::Owned(text),
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Markup in a record's text reads as its visible text, whether the tags are
    /// real or escaped as references; text that only mentions a tag, or has only
    /// references, keeps its lines.
    #[cfg(feature = "html")]
    #[test]
    fn readable_text_of_markup_escaped_markup_and_plain_text() {
        let plain = "About Acme\nWe make apps & more.";
        for raw in [
            "<h3>About Acme</h3><p>We make apps &amp; more.</p>",
            "&lt;h3&gt;About Acme&lt;/h3&gt;&lt;p&gt;We make apps &amp;amp; more.&lt;/p&gt;",
            "About Acme\nWe make apps &amp; more.",
        ] {
            assert_eq!(readable_text(raw), plain, "{raw}");
        }
        let mention = "Build UIs\nwith <div> and <span>, R&amp;D";
        assert_eq!(
            readable_text(mention),
            "Build UIs\nwith <div> and <span>, R&D"
        );
        assert!(matches!(readable_text("no markup\nhere"), Cow::Borrowed(_)));
        assert_eq!(
            readable_text("<p>customer\\-facing &amp; P\\&amp;L</p><br>"),
            "customer-facing & P&L"
        );
    }

    #[test]
    fn decode_table() {
        let cases: &[(&str, &[u8], Result<&str, &str>)] = &[
            ("plain_utf8", b"IT director", Ok("IT director")),
            ("bom_dropped", b"\xEF\xBB\xBFERP lead", Ok("ERP lead")),
            ("empty", b"", Err("empty")),
            ("whitespace_only", b" \n\t \r\n", Err("empty")),
            // Issue 16: Unicode whitespace and invisible characters are blank too.
            (
                "unicode_blank",
                "\u{A0}\u{2028}\u{3000}\u{200B}\u{2060}\u{FEFF}\u{AD}\n".as_bytes(),
                Err("empty"),
            ),
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
    fn binary_is_a_skip_not_a_failure() {
        assert!(ReadError::Binary(0).is_skip());
        assert!(!ReadError::Empty.is_skip());
        assert!(!ReadError::Format("cannot extract PDF text: x".into()).is_skip());
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let mut buf = Vec::new();
        let path = Path::new("/nonexistent/posting.txt");
        let err = read_path(path, &ReadOptions::default(), &mut buf).unwrap_err();
        assert!(matches!(err, ReadError::Io(_)));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_skipped_without_being_read() {
        let mut buf = Vec::new();
        for path in ["/dev/null", "/dev/zero"] {
            let err = read_path(Path::new(path), &ReadOptions::default(), &mut buf).unwrap_err();
            assert!(
                matches!(err, ReadError::Special("character device")),
                "{path}: {err}"
            );
            assert!(err.is_skip());
        }
        assert!(buf.is_empty());
    }

    /// A FIFO is refused from its metadata: opening it would block until a writer
    /// came, so the read runs on a thread and must answer within seconds.
    #[cfg(unix)]
    #[test]
    fn fifos_and_sockets_are_skipped_without_being_opened() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("posting.txt");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let sock = d.path().join("posting.md");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        for (path, kind) in [(fifo, "FIFO"), (sock, "socket")] {
            let (tx, rx) = std::sync::mpsc::channel();
            let reader = path.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let result = read_path(&reader, &ReadOptions::default(), &mut buf)
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                let _ = tx.send((result, buf.len()));
            });
            let (result, read) = rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .unwrap_or_else(|_| panic!("{kind}: read_path opened it and blocked"));
            assert_eq!(
                result,
                Err(format!("not a regular file ({kind}); skipped unread")),
                "{}",
                path.display()
            );
            assert_eq!(read, 0);
        }
    }

    #[test]
    fn format_by_extension_and_name() {
        let cases = [
            ("a.txt", DocFormat::Text),
            ("a.MD", DocFormat::Text),
            ("a.markdown", DocFormat::Text),
            ("a.csv", DocFormat::Text),
            ("noext", DocFormat::Text),
            ("a.html", DocFormat::Html),
            ("a.HTM", DocFormat::Html),
            ("a.Docx", DocFormat::Docx),
            ("a.pdf", DocFormat::Pdf),
        ];
        for (path, want) in cases {
            assert_eq!(DocFormat::from_path(Path::new(path)), want, "case {path}");
        }
        for f in DocFormat::ALL {
            assert_eq!(DocFormat::from_name(f.name()), Some(f));
        }
        assert_eq!(DocFormat::from_name("MD"), Some(DocFormat::Text));
        assert_eq!(DocFormat::from_name("rtf"), None);
    }

    #[test]
    fn format_option_overrides_the_extension() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("posting.txt");
        std::fs::write(&p, "<p>ERP &amp; help desk</p><script>x()</script>").unwrap();
        let opts = ReadOptions {
            format: Some(DocFormat::Html),
            ..ReadOptions::default()
        };
        let mut buf = Vec::new();
        assert_eq!(
            read_path(&p, &opts, &mut buf).unwrap().text,
            "ERP & help desk"
        );
    }

    fn read_truncated(name: &str, bytes: &[u8], max: u64) -> Result<(String, Vec<String>), String> {
        let d = tempfile::tempdir().unwrap();
        let p: PathBuf = d.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let opts = ReadOptions {
            max_bytes: max,
            ..ReadOptions::default()
        };
        let mut buf = Vec::new();
        read_path(&p, &opts, &mut buf)
            .map(|t| (t.text.into_owned(), t.warnings))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn truncation_table() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ERP".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        /// (name, file, bytes, max_bytes, text, warning or "")
        type Case<'a> = (&'a str, &'a str, &'a [u8], u64, &'a str, &'a str);
        let cases: &[Case<'_>] = &[
            ("fits", "a.txt", b"ERP lead", 8, "ERP lead", ""),
            (
                "cut_ascii",
                "a.txt",
                b"ERP lead",
                3,
                "ERP",
                "truncated to 3 bytes (file is 8 bytes)",
            ),
            (
                "cut_inside_a_char_backs_off",
                "a.txt",
                "café".as_bytes(),
                4,
                "caf",
                "truncated to 3 bytes (file is 5 bytes)",
            ),
            (
                "utf16_cut_to_whole_units",
                "a.txt",
                &utf16,
                5,
                "E",
                "truncated to 4 bytes (file is 8 bytes)",
            ),
            (
                "html_cut_mid_tag",
                "a.html",
                b"<p>ERP</p><p>budget</p>",
                12,
                "ERP",
                "truncated to 12 bytes (file is 23 bytes)",
            ),
        ];
        for (name, file, bytes, max, text, warning) in cases {
            let (got, warnings) = read_truncated(file, bytes, *max).unwrap();
            assert_eq!(got, *text, "case {name}");
            let want: Vec<&str> = [*warning].into_iter().filter(|w| !w.is_empty()).collect();
            assert_eq!(warnings, want, "case {name}");
        }
    }

    #[test]
    fn a_stream_is_read_only_to_max_bytes() {
        let opts = ReadOptions {
            max_bytes: 9,
            ..ReadOptions::default()
        };
        let mut stream = "ERP lead, internal users".as_bytes();
        let mut buf = Vec::new();
        let got = read_from(&mut stream, &opts, &mut buf).unwrap();
        assert_eq!(got.text, "ERP lead,");
        assert_eq!(got.warnings, ["truncated to 9 bytes (file is larger)"]);
        assert_eq!(stream, b"internal users", "read max_bytes + 1, no more");
        let html = ReadOptions {
            format: Some(DocFormat::Html),
            max_bytes: 100,
            ..ReadOptions::default()
        };
        let got = read_from(&b"<p>ERP</p><script>x</script>"[..], &html, &mut buf).unwrap();
        assert_eq!((got.text.as_ref(), got.warnings.len()), ("ERP", 0));
    }

    #[test]
    fn truncated_docx_error_says_so() {
        let docx = testdata::docx(&["Own the ERP."]);
        let err = read_truncated("a.docx", &docx, 40).unwrap_err();
        assert!(err.starts_with("cannot read DOCX"), "{err}");
        let note = format!("(truncated to 40 bytes (file is {} bytes))", docx.len());
        assert!(err.ends_with(&note), "{err}");
    }

    mod never_panics {
        use super::super::*;
        use proptest::prelude::*;

        fn check_all_formats(bytes: &[u8]) {
            for format in DocFormat::ALL {
                // Ok or Err are both fine; a panic fails the property.
                let _ = extract(bytes, format);
            }
        }

        /// A valid document of `format` with up to 8 bytes overwritten.
        fn damaged(format: DocFormat) -> impl Strategy<Value = Vec<u8>> {
            let valid = match format {
                DocFormat::Docx => testdata::docx(testdata::CIO_LINES),
                DocFormat::Pdf => testdata::pdf(testdata::CTO_LINES),
                _ => b"<p>ERP &amp; budget</p>".to_vec(),
            };
            let len = valid.len();
            proptest::collection::vec((0..len, any::<u8>()), 0..8).prop_map(move |edits| {
                let mut bytes = valid.clone();
                for (at, b) in edits {
                    bytes[at] = b;
                }
                bytes
            })
        }

        proptest! {
            #[test]
            fn on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
                check_all_formats(&bytes);
            }

            #[test]
            fn on_damaged_docx(bytes in damaged(DocFormat::Docx)) {
                // Containers are never sniffed as binary, whatever their bytes.
                let got = extract(&bytes, DocFormat::Docx);
                prop_assert!(!matches!(got, Err(ReadError::Binary(_))));
            }

            #[test]
            fn on_damaged_pdf(bytes in damaged(DocFormat::Pdf)) {
                let got = extract(&bytes, DocFormat::Pdf);
                prop_assert!(!matches!(got, Err(ReadError::Binary(_))));
            }

            #[test]
            fn on_damaged_html(bytes in damaged(DocFormat::Html)) {
                check_all_formats(&bytes);
            }
        }
    }
}
