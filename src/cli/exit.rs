//! Exit codes, in one place: what the process returns for each outcome.
//!
//! In: a run's [`Summary`] (and whether a root was missing). Out: 0 all inputs
//! tagged, 1 some inputs failed, 2 usage, path or lexicon errors (clap's are 2 as well).

use roletag::Summary;

/// All inputs tagged.
pub(crate) const OK: u8 = 0;
/// Some inputs failed (each is in the report with its error).
pub(crate) const SOME_FAILED: u8 = 1;
/// Usage, path or lexicon error.
pub(crate) const FATAL: u8 = 2;

pub(crate) fn exit_code(summary: &Summary, missing_path: bool) -> u8 {
    if missing_path {
        FATAL
    } else if summary.failed > 0 {
        SOME_FAILED
    } else {
        OK
    }
}
