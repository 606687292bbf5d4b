//! Runs a resolved [`Config`]: opens outputs, shows progress, maps outcomes to exit codes.
//!
//! Bin-only glue between the terminal and the library: everything here is
//! I/O (stdout, stderr, the output file, the progress bar, Ctrl-C). Exit
//! codes: 0 all inputs tagged, 1 some inputs failed, 2 usage, path or lexicon errors.

use std::io::{self, BufRead as _, BufWriter, IsTerminal, Read as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use roletag::analysis::lint::lint;
use roletag::engine::matcher::Build;
use roletag::input::records::RecordFormat;
use roletag::input::walk::{self, WalkItem};
use roletag::report::{self, escape_controls, Context, Format};
use roletag::scan::{ScanError, ScanOptions, ScanOutcome, STDIN_NAME};
use roletag::{Engine, Lexicon, Record, Reporter, Scratch, Summary};

use crate::cli::args::{Config, Job, ScanJob};
use crate::cli::report::ScanSummary;
use crate::cli::signals::Cancel;

/// All inputs tagged.
pub(crate) const OK: u8 = 0;
/// Some inputs failed (each is in the report with its error).
pub(crate) const SOME_FAILED: u8 = 1;
/// Usage, path or lexicon error.
pub(crate) const FATAL: u8 = 2;

pub(crate) fn run(config: Config) -> anyhow::Result<ExitCode> {
    let code = match config.job {
        Job::Explain(ref job) => crate::cli::explain::explain(&config, job)?,
        Job::Tag {
            ref files,
            format,
            top,
            ref scan,
        } => tag(&config, files, format, top, scan)?,
        Job::Scan(ref job) => scan(&config, job)?,
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
        Job::LexiconShow => show_lexicon(&config)?,
        Job::LexiconCheck {
            ref file,
            deny_warnings,
        } => check_lexicon(file, deny_warnings)?,
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

/// The engine for `config`: its lexicon, thresholds and options. `build` is
/// [`Build::QuickStart`] for the commands that tag a few postings (`tag`,
/// `explain`), where building the automaton costs more than running it.
pub(crate) fn engine(config: &Config, build: Build) -> anyhow::Result<Engine> {
    Ok(
        Engine::build(config.lexicon.clone(), config.thresholds, build)?
            .with_options(config.options)
            .with_read_options(config.read),
    )
}

pub(crate) fn context<'a>(config: &'a Config, top: usize) -> Context<'a> {
    Context {
        lexicon: &config.lexicon,
        thresholds: config.thresholds,
        color: config.color,
        top,
        keep_fields: &config.keep_fields,
    }
}

fn tag(
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

/// Standard input as one posting. Unless `--input-format` named a document
/// format, its first line is looked at: JSON records there get a warning that
/// they are tagged as one posting, and how to tag each (issue 16).
pub(crate) fn stdin_posting(format_forced: bool) -> impl io::Read {
    let mut stdin = io::BufReader::new(io::stdin().lock());
    let mut head = Vec::new();
    if !format_forced {
        // The first non-blank line, at most 1 MiB of it. A read error is left
        // for the posting's own read to report.
        while head.trim_ascii().is_empty() {
            match (&mut stdin).take(1 << 20).read_until(b'\n', &mut head) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if roletag::input::records::starts_with_json_record(&head) {
            eprintln!(
                "roletag: warning: standard input looks like JSON records, tagged here as one \
                 posting; to tag each record, use `--input-format jsonl` (or `roletag scan -`)"
            );
        }
    }
    io::Cursor::new(head).chain(stdin)
}

pub(crate) fn exit_code(summary: &Summary, missing_path: bool) -> u8 {
    if missing_path {
        FATAL
    } else if summary.failed > 0 {
        SOME_FAILED
    } else {
        OK
    }
}

fn scan(config: &Config, job: &ScanJob) -> anyhow::Result<u8> {
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
    let engine = engine(config, Build::Throughput)?;
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
    let tmp = report_temp_beside(path)?;
    // The report and its temporary file are never read as postings, so a second
    // run into a folder it scans does not tag the first run's report.
    let mut opts = opts.clone();
    opts.walk.skip = [path, tmp.path()]
        .into_iter()
        .filter_map(walk::SkipFile::new)
        .collect();
    cancel.set_temp(Some(tmp.path().to_path_buf()));
    // Through the `File`, not the `NamedTempFile`, whose errors name the
    // temporary file; `named` names the file asked for instead.
    let out = BufWriter::new(tmp.as_file());
    let outcome = scan_into(config, job, engine, &opts, tap, cancel.flag(), out);
    let outcome = outcome.and_then(|o| {
        tmp.persist(path).map_err(|e| ScanError::Output(e.error))?;
        Ok(o)
    });
    cancel.set_temp(None);
    outcome
}

/// Refuses `-o FILE` when FILE is one of the inputs named on the command line
/// (the same file, through whatever path or symlink): renaming the report over
/// it would destroy the input.
fn refuse_output_as_input(output: &Path, roots: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(out) = walk::FileId::of(output) else {
        return Ok(()); // a new file cannot be an input
    };
    if is_special_file(output) {
        return Ok(()); // `-o /dev/stdout` is written, never renamed over
    }
    for root in roots.iter().filter(|r| r.as_os_str() != "-") {
        if walk::FileId::of(root).is_ok_and(|id| id == out) {
            anyhow::bail!(
                "-o {} is also an input ({}): the report would replace it; write it elsewhere",
                output.display(),
                root.display()
            );
        }
    }
    Ok(())
}

/// A temporary file in `path`'s folder, renamed over `path` once it is complete;
/// an error names `path` (`cannot write PATH: ...`), for callers that add no context.
pub(crate) fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    report_temp_beside(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

/// A temporary file in `path`'s folder, renamed over `path` once the report is
/// complete. It is created with mode 0666 less the umask, as `File::create` would
/// (tempfile's own default, 0600, would leave reports unreadable to the group).
/// An error is the cause alone: the caller names `path`.
fn report_temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".roletag-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(without_temp_path)
}

/// `e` without the ` at path "…/.roletag-XXXX.tmp"` that tempfile appends: the
/// user asked for the report's path, which the caller names, and has never heard of
/// the temporary file.
fn without_temp_path(e: io::Error) -> io::Error {
    let message = e.to_string();
    match message.rfind(" at path ") {
        Some(at) if e.get_ref().is_some() => io::Error::new(e.kind(), &message[..at]),
        _ => e,
    }
}

/// A failed write of the report: its cause once, and the path the user asked for.
fn output_error(e: io::Error, path: Option<&Path>) -> anyhow::Error {
    let what = match path {
        Some(p) => format!("cannot write the report to {}", p.display()),
        None => "cannot write the report".to_string(),
    };
    anyhow::Error::new(e).context(what)
}

/// True when `path` exists and is neither a regular file nor a folder.
pub(crate) fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
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
    let inner = report::reporter(job.format, out, context(config, job.top))?;
    let mut reporter = Progress { inner, tap };
    let outcome = roletag::scan(engine, &job.paths, opts, &mut reporter, cancel)?;
    reporter.finish(&outcome.summary)?;
    Ok(outcome)
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

fn show_lexicon(config: &Config) -> anyhow::Result<u8> {
    let lex = &config.lexicon;
    let th = config.thresholds;
    let mut out = io::stdout().lock();
    writeln!(out, "lexicon     {} {}", lex.name, lex.version)?;
    writeln!(out, "source      {}", lex.source)?;
    writeln!(out, "hash        {}", lex.hash)?;
    writeln!(out, "roletag     {}", report::VERSION)?;
    writeln!(
        out,
        "thresholds  blend_margin {}, min_evidence {} (at 250 words), length_exponent {}, min_terms {}",
        th.blend_margin, th.min_evidence, th.length_exponent, th.min_terms
    )?;
    let (mut lit, mut wild, mut re, mut var) = (0, 0, 0, 0);
    let context = lex.terms.iter().filter(|t| t.context).count();
    for t in &lex.terms {
        match &t.patterns[0] {
            roletag::engine::lexicon::Pattern::Literal(_) => lit += 1,
            roletag::engine::lexicon::Pattern::Prefix(_) => wild += 1,
            roletag::engine::lexicon::Pattern::Regex(_) => re += 1,
        }
        var += t.patterns.len() - 1;
    }
    writeln!(
        out,
        "terms       {} ({lit} literal, {wild} wildcard, {re} regex; {var} variants; {context} context)\n",
        lex.terms.len()
    )?;
    write_axes(&mut out, lex)?;
    Ok(OK)
}

fn write_axes(out: &mut impl Write, lex: &Lexicon) -> io::Result<()> {
    let width = |f: fn(&roletag::engine::lexicon::Axis) -> &str, min: usize| {
        lex.axes
            .iter()
            .map(|a| f(a).len())
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let (wn, wc, wt) = (
        width(|a| &a.name, 4),
        width(|a| &a.cio, 8),
        width(|a| &a.cto, 8),
    );
    writeln!(
        out,
        "{:<wn$}  {:<wc$}  {:<wt$}  {:>6} {:>5} {:>5}",
        "AXIS", "CIO POLE", "CTO POLE", "WEIGHT", "CIO", "CTO"
    )?;
    for (i, a) in lex.axes.iter().enumerate() {
        let count = |pole| {
            lex.terms
                .iter()
                .filter(|t| t.axis == i && t.pole == pole)
                .count()
        };
        writeln!(
            out,
            "{:<wn$}  {:<wc$}  {:<wt$}  {:>6.2} {:>5} {:>5}",
            a.name,
            a.cio,
            a.cto,
            a.weight,
            count(roletag::Pole::Cio),
            count(roletag::Pole::Cto)
        )?;
    }
    Ok(())
}

fn check_lexicon(file: &Path, deny_warnings: bool) -> anyhow::Result<u8> {
    let lex = match Lexicon::from_path(file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("roletag: {:#}", anyhow::Error::from(e));
            return Ok(FATAL);
        }
    };
    let engine = Engine::new(lex, Default::default())
        .with_context(|| format!("{}: cannot compile", file.display()))?;
    let lints = lint(engine.lexicon(), engine.matcher());
    let mut out = io::stdout().lock();
    let shown = file.display();
    for l in &lints {
        writeln!(
            out,
            "{shown}:{}: warning: {}: {}",
            l.line, l.term, l.message
        )?;
    }
    writeln!(
        out,
        "{shown}: valid: {} terms on {} axes, {} warning{}",
        engine.lexicon().terms.len(),
        engine.lexicon().axes.len(),
        lints.len(),
        if lints.len() == 1 { "" } else { "s" }
    )?;
    Ok(if deny_warnings && !lints.is_empty() {
        SOME_FAILED
    } else {
        OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_rate_is_rounded_to_whole_postings() {
        assert_eq!(rate(50_226.503), "50,227/s");
        assert_eq!(rate(0.4), "0/s");
        assert_eq!(rate(999.5), "1,000/s");
        assert_eq!(rate(f64::NAN), "0/s");
    }
}
