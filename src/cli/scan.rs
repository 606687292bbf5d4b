//! `roletag scan`: a walk tagged in parallel into a report, with progress on stderr.
//!
//! In: a [`ScanJob`]. Out: the report (stdout, or `-o FILE` renamed into place when
//! complete), the summary line on stderr, and an exit code. `--files` lists instead.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use roletag::engine::matcher::Build;
use roletag::input::walk::{self, WalkItem};
use roletag::report::{self, escape_controls};
use roletag::scan::{ScanError, ScanOptions, ScanOutcome};
use roletag::{Engine, Record, Reporter, Summary};

use crate::cli::args::{Config, ScanJob};
use crate::cli::exit::{exit_code, FATAL, OK, SOME_FAILED};
use crate::cli::output::{
    is_special_file, output_error, refuse_output_as_input, report_temp_beside,
};
use crate::cli::report::ScanSummary;
use crate::cli::setup::{context, engine};
use crate::cli::signals::Cancel;

pub(crate) fn scan(config: &Config, job: &ScanJob) -> anyhow::Result<u8> {
    if job.implicit_root && !config.quiet {
        // A bare `roletag scan` reads everything below here; say so (issue 16).
        eprintln!("roletag: scanning . (no PATH given)");
    }
    if job.list_files {
        return list_files(job);
    }
    if let Some(output) = &job.output {
        refuse_output_as_input(output, &job.paths)?;
    }
    let cancel = Cancel::install();
    let engine = engine(config, build_for(&job.paths))?;
    let opts = job.scan.clone();
    let started = Instant::now();
    let bar = progress_bar(config.quiet);
    // The summary table goes where the report does not: stdout when the report is a file.
    let summary_to_stdout = job.output.as_deref().is_some_and(|p| !is_special_file(p));
    let mut tap = Tap {
        bar: &bar,
        summary: job
            .summary
            .clone()
            .map(|o| ScanSummary::new(o, &config.lexicon)),
    };
    let result = match &job.output {
        Some(path) => scan_to_file(config, job, &engine, &opts, &mut tap, &cancel, path),
        None => {
            let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            scan_into(config, job, &engine, &opts, &mut tap, cancel.flag(), out)
        }
    };
    bar.finish_and_clear();
    let outcome = match result {
        Ok(o) => o,
        Err(ScanError::Interrupted) => {
            eprintln!("roletag: interrupted; no report written");
            return Ok(cancel.exit_code());
        }
        Err(ScanError::Output(e)) => return Err(output_error(e, job.output.as_deref())),
        Err(e) => return Err(e.into()),
    };
    if let Some(summary) = tap.summary {
        if summary_to_stdout {
            summary.finish(&mut io::stdout().lock())?;
        } else {
            let mut err = io::stderr().lock();
            writeln!(err)?;
            summary.finish(&mut err)?;
        }
    }
    if !config.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!("roletag: {} ({secs:.2}s)", outcome.summary.line());
    }
    Ok(exit_code(&outcome.summary, outcome.missing_root))
}

fn scan_to_file(
    config: &Config,
    job: &ScanJob,
    engine: &Engine,
    opts: &ScanOptions,
    tap: &mut Tap<'_, '_>,
    cancel: &Cancel,
    path: &Path,
) -> Result<ScanOutcome, ScanError> {
    if is_special_file(path) {
        // A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`): write
        // straight to it. Renaming a temporary file over it would replace it.
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        let out = BufWriter::new(file);
        return scan_into(config, job, engine, opts, tap, cancel.flag(), out);
    }
    let tmp = cancel.create_temp(|| report_temp_beside(path))?;
    // The report and its temporary file are never read as postings, so a second
    // run into a folder it scans does not tag the first run's report.
    let mut opts = opts.clone();
    opts.walk.skip = [path, tmp.path()]
        .into_iter()
        .filter_map(walk::SkipFile::new)
        .collect();
    // Through the `File`, not the `NamedTempFile`, whose errors name the
    // temporary file; `output_error` names the file asked for instead.
    let out = BufWriter::new(tmp.as_file());
    let outcome = scan_into(config, job, engine, &opts, tap, cancel.flag(), out);
    // Renamed into place only if finished and no stop signal came first; the
    // race with a signal at this moment is closed in `signals` (issue 16).
    let renamed = cancel
        .finish_temp(tmp, path, outcome.is_ok())
        .map_err(ScanError::Output)?;
    match outcome {
        Ok(_) if !renamed => Err(ScanError::Interrupted),
        outcome => outcome,
    }
}

#[allow(clippy::too_many_arguments)]
fn scan_into<W: Write>(
    config: &Config,
    job: &ScanJob,
    engine: &Engine,
    opts: &ScanOptions,
    tap: &mut Tap<'_, '_>,
    cancel: &AtomicBool,
    out: W,
) -> Result<ScanOutcome, ScanError> {
    let cx = context(config, job.top);
    let render = report::renderer(job.format, cx);
    let inner = report::reporter(job.format, out, cx)?;
    let mut reporter = Progress { inner, tap };
    let outcome = roletag::scan::scan_rendered(
        engine,
        &job.paths,
        opts,
        &mut reporter,
        render.as_deref(),
        cancel,
    )?;
    reporter.finish(&outcome.summary)?;
    Ok(outcome)
}

/// Input up to which a scan of named files builds no DFA: building it (about
/// 110 M instructions for the default lexicon) takes about as long as tagging
/// this much text with [`Build::QuickStart`]'s search instead. Measured with
/// `hyperfine`: one posting 20.0 ms -> 7.7 ms, 1 MB of JSON Lines 28.1 ms ->
/// 19.7 ms; past the bound, 1.5 MB took 7% less time for 10% more CPU time, and
/// 2 MB the same time for a quarter more.
const SMALL_SCAN: u64 = 1 << 20;

/// The matcher a scan builds: the quick one ([`Build::QuickStart`]) when every
/// root is an uncompressed file and they add up to at most [`SMALL_SCAN`]
/// bytes, so `roletag scan posting.txt` starts as fast as `roletag tag`; the
/// DFA for folders, standard input and anything larger. Both find the same hits.
fn build_for(paths: &[std::path::PathBuf]) -> Build {
    let mut total = 0u64;
    for path in paths {
        let compressed = roletag::input::records::Compression::from_path(path).is_some();
        let len = match std::fs::metadata(path) {
            Ok(m) if m.is_file() && !compressed && path.as_os_str() != "-" => m.len(),
            _ => return Build::Throughput,
        };
        total = total.saturating_add(len);
        if total > SMALL_SCAN {
            return Build::Throughput;
        }
    }
    Build::QuickStart
}

/// A spinner with a count and rate on stderr, only for a person watching.
fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{spinner} {human_pos} postings tagged ({rate}) {elapsed}")
            .map(|s| {
                s.with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&rate(s.per_sec()));
                })
            })
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A rate for people: whole postings a second with thousands separators
/// (`50,227/s`), not indicatif's `{per_sec}` with three decimals (issue 16).
fn rate(per_sec: f64) -> String {
    // `as` saturates: NaN is 0, infinity the largest u64.
    format!("{}/s", HumanCount(per_sec.round() as u64))
}

/// What watches records on their way to the report: the progress bar, and the
/// `--summary` summarizer.
struct Tap<'b, 'l> {
    bar: &'b ProgressBar,
    summary: Option<ScanSummary<'l>>,
}

/// Passes records through the tap to the real reporter.
struct Progress<'a, 't, 'b, 'l> {
    inner: Box<dyn Reporter + 'a>,
    tap: &'t mut Tap<'b, 'l>,
}

impl Reporter for Progress<'_, '_, '_, '_> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        self.tap.bar.inc(1);
        if let Some(s) = self.tap.summary.as_mut() {
            s.add(r);
        }
        self.inner.record(r)
    }

    fn record_rendered(&mut self, r: &Record, rendered: &[u8]) -> io::Result<()> {
        self.tap.bar.inc(1);
        if let Some(s) = self.tap.summary.as_mut() {
            s.add(r);
        }
        self.inner.record_rendered(r, rendered)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.inner.finish(summary)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `--files`: the files a scan would read, one a line, to stdout or `-o FILE`
/// (written directly: a file list is not a report, and has no half to lose).
fn list_files(job: &ScanJob) -> anyhow::Result<u8> {
    match &job.output {
        Some(path) => {
            refuse_output_as_input(path, &job.paths)?;
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write the file list to {}", path.display()))?;
            let mut scan = job.scan.walk.clone();
            scan.skip = walk::SkipFile::new(path).into_iter().collect();
            write_file_list(job, &scan, BufWriter::new(file))
                .with_context(|| format!("cannot write the file list to {}", path.display()))
        }
        None => write_file_list(job, &job.scan.walk, BufWriter::new(io::stdout().lock())),
    }
}

fn write_file_list(
    job: &ScanJob,
    walk_options: &walk::WalkOptions,
    mut out: impl Write,
) -> anyhow::Result<u8> {
    let mut code = OK;
    let mut write_err = None;
    walk::walk(&job.paths, walk_options, |item| {
        match item {
            // A report found in a folder is skipped by the scan: not listed.
            WalkItem::File(p)
                if !job.paths.contains(&p)
                    && roletag::scan::found_report(&p, &job.scan).is_some() => {}
            WalkItem::File(p) => {
                // One a line even for a name holding a newline (issue 16).
                let shown = p.display().to_string();
                if let Err(e) = writeln!(out, "{}", escape_controls(&shown)) {
                    write_err = Some(e);
                    return false;
                }
            }
            WalkItem::Special { .. } | WalkItem::Symlink(_) => {} // never read, so not listed
            WalkItem::Error {
                path,
                message,
                missing_root,
            } => {
                let shown = path.display().to_string();
                eprintln!("roletag: {}: {message}", escape_controls(&shown));
                code = code.max(if missing_root { FATAL } else { SOME_FAILED });
            }
        }
        true
    })?;
    if let Some(e) = write_err {
        return Err(e.into());
    }
    out.flush()?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_few_small_named_files_skip_the_dfa() {
        let d = tempfile::tempdir().unwrap();
        let file = |name: &str, len: usize| {
            let path = d.path().join(name);
            std::fs::write(&path, "x".repeat(len)).unwrap();
            path
        };
        let (a, b) = (file("a.txt", 1000), file("b.jsonl", 2000));
        let big = file("big.jsonl", SMALL_SCAN as usize + 1);
        let gz = file("c.jsonl.gz", 100);
        let half = file("half.txt", SMALL_SCAN as usize / 2 + 1);
        assert_eq!(build_for(&[a.clone(), b.clone()]), Build::QuickStart);
        assert_eq!(build_for(&[a.clone(), big]), Build::Throughput);
        assert_eq!(build_for(&[half.clone(), half]), Build::Throughput);
        assert_eq!(build_for(&[a.clone(), gz]), Build::Throughput);
        assert_eq!(
            build_for(&[a.clone(), d.path().to_path_buf()]),
            Build::Throughput
        );
        assert_eq!(build_for(&[a.clone(), "-".into()]), Build::Throughput);
        assert_eq!(build_for(&[a, d.path().join("missing")]), Build::Throughput);
    }

    #[test]
    fn the_progress_rate_is_rounded_to_whole_postings() {
        assert_eq!(rate(50_226.503), "50,227/s");
        assert_eq!(rate(0.4), "0/s");
        assert_eq!(rate(999.5), "1,000/s");
        assert_eq!(rate(f64::NAN), "0/s");
    }
}
