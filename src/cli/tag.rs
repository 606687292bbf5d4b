//! `roletag tag`: each file (or standard input) tagged and reported, in order.
//!
//! In: files, a report format and the scan options (for record files). Out: one
//! report record per posting on stdout, and an exit code.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use roletag::engine::matcher::Build;
use roletag::input::records::RecordFormat;
use roletag::report::{self, Format};
use roletag::scan::{ScanOptions, STDIN_NAME};
use roletag::{Scratch, Summary};

use crate::cli::args::Config;
use crate::cli::exit::exit_code;
use crate::cli::setup::{context, engine, stdin_posting};

pub(crate) fn tag(
    config: &Config,
    files: &[PathBuf],
    format: Format,
    top: usize,
    opts: &ScanOptions,
) -> anyhow::Result<u8> {
    let engine = engine(config, Build::QuickStart)?;
    let stdout = io::stdout().lock();
    let mut reporter = report::reporter(format, stdout, context(config, top))?;
    let stdin_only = [PathBuf::from("-")];
    let files = if files.is_empty() {
        &stdin_only[..]
    } else {
        files
    };
    let (mut summary, mut missing) = (Summary::default(), false);
    let mut scratch = Scratch::default();
    for path in files {
        let stdin = path.as_os_str() == "-";
        let records = opts.record_format.is_some()
            || (!stdin && RecordFormat::from_path(path).is_some() && !opts.document_format_forced);
        // Standard input holds records only when `--input-format` says so.
        if records && (path.is_file() || stdin) {
            // A record file holds many postings: tag each, in order.
            let never = AtomicBool::new(false);
            let roots = [path.clone()];
            let outcome = roletag::scan(&engine, &roots, opts, &mut *reporter, &never)?;
            summary.merge(&outcome.summary);
            continue;
        }
        let record = if stdin {
            let input = stdin_posting(opts.document_format_forced);
            engine.tag_reader(STDIN_NAME, input, &mut scratch)
        } else {
            missing |= !path.exists();
            engine.tag_path(path, &mut scratch)
        };
        summary.add(&record);
        reporter.record(&record)?;
    }
    reporter.finish(&summary)?;
    Ok(exit_code(&summary, missing))
}
