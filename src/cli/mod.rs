//! The command line (binary only): arguments in, a command run, an exit code out.

pub(crate) mod args;
mod eval;
mod explain;
pub(crate) mod pdf_child;
mod report;
mod report_args;
pub(crate) mod run;
pub(crate) mod signals;
