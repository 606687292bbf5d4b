//! PDF to text: the text layer, through `pdf-extract` (built on `lopdf`).
//!
//! Input is a `.pdf` file's bytes; output is the text of every page. PDF
//! parsers panic on some malformed files, so extraction runs under
//! `catch_unwind` and a panic becomes `cannot extract PDF text: ...`, like a
//! parse error; its message is kept off stderr by a panic hook that is silent
//! only on a thread that is extracting. A PDF without text (a scan) is `PDF has
//! no text layer`. Not caught: a stack overflow or an endless loop in the parser.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use super::ReadError;

thread_local! {
    /// True while this thread extracts a PDF: its panics are expected and reported as errors.
    static EXTRACTING: Cell<bool> = const { Cell::new(false) };
}

/// Extracts the text layer of a PDF.
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
struct Quiet;

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
