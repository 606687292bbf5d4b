//! Runs a resolved [`Config`]: the command it names, and the exit code it returns.
//!
//! Bin-only glue between the terminal and the library: one file a command
//! ([`crate::cli::scan`], [`crate::cli::tag`], [`crate::cli::explain`], ...);
//! exit codes live in [`crate::cli::exit`].

use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::args::{Config, Job};
use crate::cli::exit::OK;

pub(crate) fn run(config: Config) -> anyhow::Result<ExitCode> {
    let code = match config.job {
        Job::Explain(ref job) => crate::cli::explain::explain(&config, job)?,
        Job::Tag {
            ref files,
            format,
            top,
            ref scan,
        } => crate::cli::tag::tag(&config, files, format, top, scan)?,
        Job::Scan(ref job) => crate::cli::scan::scan(&config, job)?,
        Job::Eval {
            ref paths,
            format,
            misses,
            ref scan,
            ref grouping,
        } => crate::cli::eval::eval(&config, paths, format, misses, scan, grouping)?,
        Job::Calibrate {
            ref paths,
            folds,
            fit,
            ref grouping,
            ref predictions,
            ref output,
            format,
            ref scan,
        } => crate::cli::eval::calibrate(
            &config,
            &crate::cli::eval::CalibrateRun {
                paths,
                folds,
                fit,
                output: output.as_deref(),
                predictions: predictions.as_deref(),
                format,
                scan,
                grouping,
            },
        )?,
        Job::Diff(ref job) => crate::cli::report::diff(job)?,
        Job::Summarize(ref job) => crate::cli::report::summarize(job)?,
        Job::LexiconShow => crate::cli::lexicon::show_lexicon(&config)?,
        Job::LexiconCheck {
            ref file,
            deny_warnings,
        } => crate::cli::lexicon::check_lexicon(file, deny_warnings)?,
        Job::LexiconDump => {
            let mut out = io::stdout().lock();
            out.write_all(config.lexicon_text.as_bytes())?;
            out.flush()?;
            OK
        }
        Job::LexiconTerms => {
            let mut out = io::stdout().lock();
            for t in config.lexicon.literal_terms() {
                writeln!(out, "{t}")?;
            }
            OK
        }
    };
    Ok(ExitCode::from(code))
}
