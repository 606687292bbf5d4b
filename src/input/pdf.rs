//! PDF to text: the text layer, through `pdf-extract` (built on `lopdf`).
//!
//! Input is a `.pdf` file's bytes; output is the text of every page. PDF
//! parsers panic on some malformed files, so extraction runs under
//! `catch_unwind` and a panic becomes `cannot extract PDF text: ...`, like a
//! parse error; its message is kept off stderr by a panic hook that is silent
//! only on a thread that is extracting. A PDF without text (a scan) is `PDF has
//! no text layer`. A stack overflow, an out-of-memory abort or an endless loop
//! cannot be caught in-process: with `ReadOptions::pdf_in_child` the parser
//! runs in a child process (the `roletag` binary re-run with [`CHILD_ARG`],
//! which sets its own memory and CPU limits), and its death is that posting's
//! error. The child gets the PDF on standard input and writes the text on
//! standard output, at most the caller's `--max-bytes` of it.

#[cfg(feature = "pdf")]
use std::any::Any;
#[cfg(feature = "pdf")]
use std::cell::Cell;
use std::io::{Read, Write};
#[cfg(feature = "pdf")]
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, Stdio};
#[cfg(feature = "pdf")]
use std::sync::Once;

use super::ReadError;

#[cfg(feature = "pdf")]
thread_local! {
    /// True while this thread extracts a PDF: its panics are expected and reported as errors.
    static EXTRACTING: Cell<bool> = const { Cell::new(false) };
}

/// A build without the `pdf` feature reads no PDF.
#[cfg(not(feature = "pdf"))]
pub(super) fn text(_bytes: &[u8]) -> Result<String, ReadError> {
    Err(super::not_built("PDF", "pdf"))
}

/// Extracts the text layer of a PDF.
#[cfg(feature = "pdf")]
pub(super) fn text(bytes: &[u8]) -> Result<String, ReadError> {
    let fail = |message: String| ReadError::Format(format!("cannot extract PDF text: {message}"));
    let result = {
        let _quiet = Quiet::start();
        panic::catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::extract_text_from_mem(bytes)
        }))
    };
    let text = match result {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => return Err(fail(e.to_string())),
        Err(payload) => {
            return Err(fail(format!(
                "parser panicked: {}",
                panic_message(&*payload)
            )))
        }
    };
    if text.trim().is_empty() {
        return Err(ReadError::Format("PDF has no text layer".to_string()));
    }
    Ok(text)
}

/// The first argument that makes the `roletag` binary a PDF extraction child.
pub const CHILD_ARG: &str = "__extract-pdf";

/// Child exit code: the PDF could not be extracted; standard error says why.
const CHILD_FAILED: i32 = 3;

/// Extracts the text layer of a PDF in a child process; see the module docs.
pub(super) fn text_in_child(
    bytes: &[u8],
    max_text: usize,
) -> Result<(String, Vec<String>), ReadError> {
    let fail = |message: String| ReadError::Format(format!("cannot extract PDF text: {message}"));
    let exe = std::env::current_exe().map_err(|e| fail(format!("cannot find roletag: {e}")))?;
    let mut child = Command::new(exe)
        .args([CHILD_ARG, &max_text.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot start the extractor: {e}")))?;
    // The child reads all of its input before it writes a byte, so this cannot
    // deadlock; if it died early, the write fails and its status says why.
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(bytes);
    }
    let mut out = Vec::new();
    let read = child.stdout.take().map(|o| {
        o.take(
            u64::try_from(max_text)
                .unwrap_or(u64::MAX)
                .saturating_add(1),
        )
        .read_to_end(&mut out)
    });
    // The child writes one byte over the cap when the text was longer; a child
    // that wrote more is stopped, not waited for.
    let cut = out.len() > max_text;
    if cut {
        let _ = child.kill();
        out.truncate(max_text);
        let valid = std::str::from_utf8(&out).map_or_else(|e| e.valid_up_to(), str::len);
        out.truncate(valid);
    }
    let mut err = Vec::new();
    if let Some(e) = child.stderr.take() {
        let _ = e.take(4096).read_to_end(&mut err);
    }
    let status = child.wait().map_err(|e| fail(e.to_string()))?;
    let message = String::from_utf8_lossy(&err).trim().to_string();
    match status.code() {
        Some(0) if !cut => {}
        Some(0) | None if cut => {}
        Some(CHILD_FAILED) => return Err(ReadError::Format(message)),
        _ => return Err(fail(died(status, &message))),
    }
    if let Some(Err(e)) = read {
        return Err(fail(format!("reading the extractor's output: {e}")));
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let mut warnings = Vec::new();
    if cut {
        warnings.push(format!(
            "text truncated to {} bytes (--max-bytes; the document holds more)",
            text.len()
        ));
    }
    Ok((text, warnings))
}

/// Why the extraction child ended without a result, for the posting's error.
fn died(status: std::process::ExitStatus, stderr: &str) -> String {
    #[cfg(unix)]
    let how = {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            Some(24) => "exceeded its CPU time limit".to_string(),
            Some(sig) => format!("crashed (signal {sig})"),
            None => format!("failed ({status})"),
        }
    };
    #[cfg(not(unix))]
    let how = format!("failed ({status})");
    // Rust's own messages name the thread and its id, which would make the
    // report differ from run to run: say what they mean instead.
    let cause = if stderr.contains("has overflowed its stack") {
        Some("stack overflow".to_string())
    } else if stderr.contains("memory allocation of") {
        Some("out of memory (the extractor's limit)".to_string())
    } else {
        stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(str::to_string)
    };
    match cause {
        Some(cause) => format!("the extractor {how}: {cause}"),
        None => format!("the extractor {how}"),
    }
}

/// The child's side: reads a PDF from standard input, extracts its text in this
/// process and writes at most `max_text` bytes of it to standard output. Returns
/// the exit code: 0 with the text (one byte more when it was longer), or 3 with
/// the error on standard error. The
/// caller (the binary) sets the process's memory and CPU limits first.
pub fn extract_child(max_text: usize) -> i32 {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        return child_error(&format!("cannot extract PDF text: reading input: {e}"));
    }
    let text = match text(&bytes) {
        Ok(t) => t,
        Err(e) => return child_error(&e.to_string()),
    };
    // One byte over the cap tells the parent the text was cut. A closed pipe
    // means the parent stopped reading; nothing to report.
    let end = text.len().min(max_text.saturating_add(1));
    let _ = std::io::stdout().lock().write_all(&text.as_bytes()[..end]);
    0
}

fn child_error(message: &str) -> i32 {
    let _ = std::io::stderr().lock().write_all(message.as_bytes());
    CHILD_FAILED
}

#[cfg(feature = "pdf")]
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic"
    }
}

/// Marks this thread as extracting until dropped (also when unwinding).
#[cfg(feature = "pdf")]
struct Quiet;

#[cfg(feature = "pdf")]
impl Quiet {
    fn start() -> Quiet {
        static HOOK: Once = Once::new();
        // Installed once and chained: other threads, and this one after
        // extraction, still reach whatever hook was there before. Swapping the
        // hook around each call instead would race between worker threads.
        HOOK.call_once(|| {
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if !EXTRACTING.with(Cell::get) {
                    previous(info);
                }
            }));
        });
        EXTRACTING.with(|e| e.set(true));
        Quiet
    }
}

#[cfg(feature = "pdf")]
impl Drop for Quiet {
    fn drop(&mut self) {
        EXTRACTING.with(|e| e.set(false));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testdata;
    use super::*;

    #[test]
    fn text_layer_is_extracted() {
        let bytes = testdata::pdf(&["Head of Product Engineering", "Ship the product roadmap."]);
        let got = text(&bytes).unwrap();
        assert!(got.contains("Head of Product Engineering"), "{got:?}");
        assert!(got.contains("Ship the product roadmap."), "{got:?}");
    }

    #[test]
    fn bad_pdf_is_an_error_table() {
        let mut cut = testdata::pdf(&["Own the ERP."]);
        cut.truncate(cut.len() / 2);
        let scanned = testdata::pdf(&[]);
        let cases: &[(&str, &[u8], &str)] = &[
            ("not_a_pdf", b"hello", "cannot extract PDF text: "),
            ("empty", b"", "cannot extract PDF text: "),
            (
                "header_only",
                b"%PDF-1.4\n%%EOF",
                "cannot extract PDF text: ",
            ),
            ("truncated", &cut, "cannot extract PDF text: "),
            ("no_text_layer", &scanned, "PDF has no text layer"),
        ];
        for (name, bytes, want) in cases {
            let err = text(bytes).unwrap_err().to_string();
            assert!(err.starts_with(want), "case {name}: {err}");
        }
    }

    #[test]
    fn a_panic_becomes_an_error_and_the_hook_is_restored() {
        let result = {
            let _quiet = Quiet::start();
            panic::catch_unwind(|| panic!("boom"))
        };
        assert_eq!(panic_message(&*result.unwrap_err()), "boom");
        assert!(!EXTRACTING.with(Cell::get));
    }
}
