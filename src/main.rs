//! The `roletag` binary: parse arguments, run, map the outcome to an exit code.
//!
//! All logic lives in the library; `cli` turns arguments into a `Config` and
//! `run` executes it. Exit codes: 0 all inputs tagged, 1 some inputs failed,
//! 2 usage, path or lexicon errors (clap's usage errors are 2 as well).

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a scan allocates per posting on one
/// thread and frees on another (reader -> worker -> writer), which glibc's malloc
/// does slowly. -10% on one thread, -15% on two (issue #6); transparent huge pages
/// are off (`no_thp`) so that peak memory stays near the system allocator's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut argv = std::env::args_os().skip(1);
    if argv
        .next()
        .is_some_and(|a| a == roletag::input::PDF_CHILD_ARG)
    {
        return cli::pdf_child::run(argv);
    }
    cli::signals::ignore_file_size_limit();
    let args = cli::args::Args::parse();
    let result = match args.write_generated() {
        Some(written) => written.map(|()| ExitCode::SUCCESS),
        None => args.into_config().and_then(cli::run::run),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::from(cli::exit::OK),
        Err(err) => {
            eprintln!("roletag: {err:#}");
            ExitCode::from(cli::exit::FATAL)
        }
    }
}

/// A closed stdout (`roletag scan | head`) is a normal, quiet end, as in ripgrep.
/// The closed pipe may hide inside another error: the CSV or JSON writer's, or
/// an `io::Error` wrapping one.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(is_broken_pipe_cause)
}

fn is_broken_pipe_cause(cause: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(e) = cause.downcast_ref::<std::io::Error>() {
        return e.kind() == std::io::ErrorKind::BrokenPipe
            || e.get_ref().is_some_and(|inner| is_broken_pipe_cause(inner));
    }
    if let Some(csv::ErrorKind::Io(e)) = cause.downcast_ref::<csv::Error>().map(|e| e.kind()) {
        return e.kind() == std::io::ErrorKind::BrokenPipe;
    }
    cause
        .downcast_ref::<serde_json::Error>()
        .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
}
