//! The command line (binary only): arguments in, a command run, an exit code out.
//!
//! [`args`] parses (clap) and resolves a `Config`; [`run`] dispatches it to one file a
//! command ([`scan`], [`tag`], [`explain`], [`eval`] for eval and calibrate, [`report`]
//! for diff and summarize, [`lexicon`]), which build on [`setup`] and [`output`]; every
//! exit code is in [`exit`]. Only `main` ends the process.

pub(crate) mod args;
mod eval;
pub(crate) mod exit;
mod explain;
mod lexicon;
mod output;
pub(crate) mod pdf_child;
mod report;
mod report_args;
pub(crate) mod run;
mod scan;
mod setup;
pub(crate) mod signals;
mod tag;
