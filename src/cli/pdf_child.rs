//! The hidden PDF extraction mode: `roletag __extract-pdf MAX_BYTES`.
//!
//! Bin-only. A scan re-runs its own executable in this mode for each PDF (see
//! `roletag::input::extract_pdf_child`), so that a stack overflow, an
//! out-of-memory abort or an endless loop in the PDF parser ends this child,
//! not the scan. The limits are set here, before any parsing: address space
//! (so a PDF that inflates to gigabytes fails an allocation and aborts) and CPU
//! time (SIGXCPU ends a parser stuck in a loop).

use std::process::ExitCode;

/// Address space of the child: far more than any real posting's PDF needs.
const MEMORY_LIMIT: u64 = 2 << 30;

/// CPU seconds of the child.
const CPU_LIMIT: u64 = 60;

/// Runs the child: `args` are the arguments after the mode's name.
pub(crate) fn run(mut args: impl Iterator<Item = std::ffi::OsString>) -> ExitCode {
    let max_text = args
        .next()
        .and_then(|a| a.to_str().and_then(|s| s.parse().ok()))
        .unwrap_or(usize::MAX);
    #[cfg(unix)]
    {
        use rlimit::Resource;
        // Failing to lower a limit leaves the child as safe as the old in-process
        // extraction, so it is not an error.
        let _ = Resource::AS.set(MEMORY_LIMIT, MEMORY_LIMIT);
        let _ = Resource::CPU.set(CPU_LIMIT, CPU_LIMIT + 5);
    }
    let code = roletag::input::extract_pdf_child(max_text);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
