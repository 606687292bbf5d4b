//! Runs `roletag diff` and `roletag summarize` on reports, and `scan --summary`.
//!
//! Bin-only glue: opens the reports (`-` is standard input), streams their
//! postings into the library's `diff::Differ` or `summarize::Summarizer`, prints
//! each line that is not a posting as `FILE:LINE: message` on stderr (the first
//! few per file, then a count), and renders the result on stdout. Exit codes:
//! `diff` 0 no posting changed, 1 some changed, 2 trouble (a report unreadable, a
//! line not a posting, a key taken twice); `summarize` 0, 1 when some lines were
//! not postings, 2 when a report cannot be read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use anyhow::Context as _;
use roletag::analysis::diff::Differ;
use roletag::analysis::summarize::{Breakdown, GroupBy, SourceFields, Summarizer, TermOrder};
use roletag::report::file::{read_report, ReadIssue, ReportPosting};
use roletag::scan::DEFAULT_MAX_BYTES;
use roletag::{Lexicon, Record};

use crate::cli::exit::{FATAL, OK, SOME_FAILED};
use crate::cli::report_args::{DiffFormat, DiffJob, SummarizeJob, SummaryFormat};

/// Issues printed per report before only counting them.
const SHOWN_ISSUES: u64 = 10;

/// `diff` exit code: no posting changed.
const SAME: u8 = 0;
/// `diff` exit code: some posting changed.
const CHANGED: u8 = 1;

/// Reads every posting of one report into `sink`, and `None` for each line that is
/// not a posting (shown on stderr); returns the number of those lines.
fn read_one(
    path: &Path,
    field: Option<&str>,
    mut sink: impl FnMut(Option<ReportPosting>),
) -> anyhow::Result<u64> {
    // Only for messages: a report's name cannot break stderr's lines either.
    let shown = roletag::report::escape_controls(&path.display().to_string()).into_owned();
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = File::open(path).with_context(|| format!("{shown}: cannot read"))?;
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let mut issues = 0u64;
    read_report(reader, field, |r| match r {
        Ok(p) => sink(Some(p)),
        Err(issue) => {
            issues += 1;
            show_issue(&shown, issues, &issue);
            sink(None);
        }
    })
    .with_context(|| format!("{shown}: cannot read"))?;
    if issues > SHOWN_ISSUES {
        eprintln!("roletag: {shown}: {issues} lines in all are not postings");
    }
    Ok(issues)
}

fn show_issue(file: &str, n: u64, issue: &ReadIssue) {
    if n <= SHOWN_ISSUES {
        eprintln!("roletag: {file}:{issue}");
    }
}

pub(crate) fn diff(job: &DiffJob) -> anyhow::Result<u8> {
    let mut differ = Differ::new(job.key);
    for (path, old) in [(&job.old, true), (&job.new, false)] {
        read_one(path, None, |p| match p {
            Some(p) if old => _ = differ.add_old(p),
            Some(p) => _ = differ.add_new(p),
            None => differ.add_malformed(old),
        })?;
    }
    let d = differ.finish();
    let mut out = io::stdout().lock();
    match job.format {
        DiffFormat::Table => d.write_table(&mut out, job.top)?,
        DiffFormat::Json => d.write_json(&mut out)?,
    }
    out.flush()?;
    for (path, counts) in [(&job.old, d.old), (&job.new, d.new)] {
        if counts.duplicates > 0 {
            eprintln!(
                "roletag: {}: {} with the key of an earlier posting left out (try --key path)",
                path.display(),
                roletag::report::counted(counts.duplicates, "posting")
            );
        }
    }
    Ok(if d.old.is_incomplete() || d.new.is_incomplete() {
        eprintln!("roletag: the comparison is incomplete (see above)");
        FATAL
    } else if d.has_changes() {
        CHANGED
    } else {
        SAME
    })
}

pub(crate) fn summarize(job: &SummarizeJob) -> anyhow::Result<u8> {
    let mut summarizer = Summarizer::new(job.options.clone());
    let field = match &job.options.by {
        GroupBy::Field(name) => Some(name.as_str()),
        _ => None,
    };
    let mut source = field.map(|f| SourceFields::new(f, DEFAULT_MAX_BYTES));
    let mut missing = MissingField::default();
    let mut issues = 0;
    for path in &job.reports {
        issues += read_one(path, field, |p| match p {
            Some(mut p) => {
                if let (None, Some(src)) = (&p.field, source.as_mut()) {
                    p.field = src.value(&p);
                }
                missing.count(&p);
                summarizer.add(&p);
            }
            None => summarizer.add_malformed(),
        })?;
    }
    let breakdown = summarizer.finish();
    let mut out = io::stdout().lock();
    match job.format {
        SummaryFormat::Table => breakdown.write_table(&mut out, job.top, job.order)?,
        SummaryFormat::Json => breakdown.write_json(&mut out, job.top)?,
        SummaryFormat::Csv => breakdown.write_csv(&mut out)?,
    }
    out.flush()?;
    if let Some(src) = &source {
        source_problems(src);
    }
    missing.warn(field);
    Ok(if issues > 0 { SOME_FAILED } else { OK })
}

/// Postings that `--by field:NAME` found no value for: all of them is almost
/// always a misspelt name, which would otherwise show as one `(none)` group and
/// exit 0 without a word (issue 16). A warning only: the exit code stays.
#[derive(Default)]
struct MissingField {
    missing: u64,
    postings: u64,
}

impl MissingField {
    fn count(&mut self, p: &ReportPosting) {
        self.postings += 1;
        self.missing += u64::from(p.field.is_none());
    }

    fn warn(&self, field: Option<&str>) {
        let Some(name) = field else { return };
        if self.missing == 0 {
            return;
        }
        if self.missing == self.postings {
            eprintln!(
                "roletag: warning: no posting has the field {name:?}, in the report or its \
                 source record: all are grouped as (none)"
            );
        } else {
            eprintln!(
                "roletag: warning: {} of {} have no field {name:?}: grouped as (none)",
                self.missing,
                roletag::report::counted(self.postings, "posting")
            );
        }
    }
}

fn source_problems(src: &SourceFields) {
    for (path, why) in src.problems() {
        eprintln!("roletag: {path}: {why}; its postings are grouped as (none)");
    }
}

/// `scan --summary`: the scan's records, summarized as they pass (the report is not re-read).
pub(crate) struct ScanSummary<'a> {
    lexicon: &'a Lexicon,
    summarizer: Summarizer,
    field: Option<String>,
    source: Option<SourceFields>,
    missing: MissingField,
}

impl<'a> ScanSummary<'a> {
    pub(crate) fn new(
        options: roletag::analysis::summarize::SummaryOptions,
        lexicon: &'a Lexicon,
    ) -> Self {
        let field = match &options.by {
            GroupBy::Field(name) => Some(name.clone()),
            _ => None,
        };
        ScanSummary {
            lexicon,
            source: field
                .as_deref()
                .map(|f| SourceFields::new(f, DEFAULT_MAX_BYTES)),
            field,
            summarizer: Summarizer::new(options),
            missing: MissingField::default(),
        }
    }

    pub(crate) fn add(&mut self, r: &Record) {
        let mut p = ReportPosting::from_record(r, self.lexicon);
        if let (Some(name), Some(src)) = (&self.field, self.source.as_mut()) {
            p.field = p.own_field(name).or_else(|| src.value(&p));
        }
        self.missing.count(&p);
        self.summarizer.add(&p);
    }

    /// Prints the summary table to `out`.
    pub(crate) fn finish(self, out: &mut impl Write) -> anyhow::Result<()> {
        let breakdown: Breakdown = self.summarizer.finish();
        breakdown.write_table(out, 10, TermOrder::Contribution)?;
        out.flush()?;
        if let Some(src) = &self.source {
            source_problems(src);
        }
        self.missing.warn(self.field.as_deref());
        Ok(())
    }
}
