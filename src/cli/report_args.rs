//! Arguments of the commands that read reports back (`diff`, `summarize`) and
//! their resolution into jobs for `run_report`.
//!
//! Bin-only, split from `cli` (which owns the other commands and global flags).

use std::path::PathBuf;

use anyhow::bail;
use clap::ValueEnum;
use roletag::analysis::diff::KeyBy;
use roletag::analysis::summarize::{GroupBy, SummaryOptions, TermOrder};

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The report before the change (`-`: standard input).
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The report after the change (`-`: standard input).
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// How postings are paired: `path` (path, record and id all equal) or `id`
    /// (the id alone; postings without one are paired by path).
    #[arg(long, value_enum, default_value_t = DiffKey::Path)]
    key: DiffKey,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
    /// Evidence terms shown per changed posting in the table format.
    #[arg(long, default_value_t = 5, value_name = "N")]
    top: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SummarizeArgs {
    /// Reports to summarize together (`-`: standard input).
    #[arg(value_name = "REPORT", required = true)]
    reports: Vec<PathBuf>,
    /// Group postings by `folder`, `file`, `label`, `expected`, `none` (one group),
    /// or `field:NAME` (the report's field NAME, else the field NAME of the
    /// posting's source record, read from its `path`).
    #[arg(long, value_name = "BY", default_value = "folder", value_parser = parse_group_by)]
    by: GroupBy,
    /// With `--by folder`: folders below the one all postings share that make a group.
    #[arg(long, value_name = "N", default_value_t = 1)]
    depth: usize,
    /// Output format (`csv`: one row per group, then `(all)`).
    #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
    format: SummaryFormat,
    /// Evidence terms listed per label.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// How the table ranks a label's terms: by total `contribution` or by `postings`.
    #[arg(long, value_enum, default_value_t = TermRank::Contribution)]
    terms_by: TermRank,
}

pub(crate) fn parse_group_by(s: &str) -> Result<GroupBy, String> {
    s.parse()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffKey {
    Path,
    Id,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SummaryFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TermRank {
    Contribution,
    Postings,
}

/// `roletag diff`, resolved.
pub(crate) struct DiffJob {
    pub(crate) old: PathBuf,
    pub(crate) new: PathBuf,
    pub(crate) key: KeyBy,
    pub(crate) format: DiffFormat,
    pub(crate) top: usize,
}

/// `roletag summarize`, resolved.
pub(crate) struct SummarizeJob {
    pub(crate) reports: Vec<PathBuf>,
    pub(crate) options: SummaryOptions,
    pub(crate) format: SummaryFormat,
    pub(crate) top: usize,
    pub(crate) order: TermOrder,
}

impl DiffArgs {
    /// The job, once OLD and NEW are not both standard input.
    pub(crate) fn into_job(self) -> anyhow::Result<DiffJob> {
        if self.old.as_os_str() == "-" && self.new.as_os_str() == "-" {
            bail!("only one of OLD and NEW can be standard input");
        }
        Ok(DiffJob {
            old: self.old,
            new: self.new,
            key: match self.key {
                DiffKey::Path => KeyBy::Path,
                DiffKey::Id => KeyBy::Id,
            },
            format: self.format,
            top: self.top,
        })
    }
}

impl SummarizeArgs {
    /// The job, once standard input is named at most once.
    pub(crate) fn into_job(self) -> anyhow::Result<SummarizeJob> {
        if self.reports.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            bail!("standard input (`-`) can be read only once");
        }
        Ok(SummarizeJob {
            reports: self.reports,
            options: SummaryOptions {
                by: self.by,
                depth: self.depth,
            },
            format: self.format,
            top: self.top,
            order: match self.terms_by {
                TermRank::Contribution => TermOrder::Contribution,
                TermRank::Postings => TermOrder::Postings,
            },
        })
    }
}
