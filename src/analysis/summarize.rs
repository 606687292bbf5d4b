//! Summaries of a report: counts, shares and mean scores per group, and the top evidence per label.
//!
//! Input is a stream of [`ReportPosting`]s (read back by [`crate::report::file`], or
//! converted from a scan's in-memory records); output is a [`Breakdown`]: per group
//! (folder, file, label, expected label, or a field's value, see [`GroupBy`]) the
//! postings per label with shares, the mean score, confidence and per-axis weights
//! with each axis's orientation, and per label the terms that matched most often and
//! moved scores most. Memory grows with the number of groups and terms, not postings.
//! [`SourceFields`] is the only part that reads files: a field of the source records.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

use crate::analysis::eval::parse_expected;
use crate::engine::label::Label;
use crate::engine::score::PoleWeights;
use crate::report::file::{PostingState, ReportPosting};

mod render;
mod source;

pub use self::source::SourceFields;

/// What postings are grouped by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// The posting's folder, cut to [`SummaryOptions::depth`] folders below the
    /// folder all postings share.
    #[default]
    Folder,
    /// The posting's file (a record file is one group).
    File,
    /// The label (`failed` for postings that were not tagged).
    Label,
    /// The `expected` label (`(none)` without one).
    Expected,
    /// One group of every posting.
    None,
    /// The value of a field: the report's own field when it has one, else the field
    /// of the posting's source record (its `path` at `record`).
    Field(String),
}

impl FromStr for GroupBy {
    type Err = String;

    fn from_str(s: &str) -> Result<GroupBy, String> {
        Ok(match s {
            "folder" => GroupBy::Folder,
            "file" => GroupBy::File,
            "label" => GroupBy::Label,
            "expected" => GroupBy::Expected,
            "none" => GroupBy::None,
            _ => match s.strip_prefix("field:") {
                Some(f) if !f.is_empty() => GroupBy::Field(f.to_string()),
                _ => {
                    return Err(format!(
                        "unknown grouping {s:?} (folder, file, label, expected, none, field:NAME)"
                    ))
                }
            },
        })
    }
}

impl std::fmt::Display for GroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupBy::Folder => f.write_str("folder"),
            GroupBy::File => f.write_str("file"),
            GroupBy::Label => f.write_str("label"),
            GroupBy::Expected => f.write_str("expected"),
            GroupBy::None => f.write_str("none"),
            GroupBy::Field(name) => write!(f, "field:{name}"),
        }
    }
}

/// How to summarize.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryOptions {
    /// The grouping.
    pub by: GroupBy,
    /// For [`GroupBy::Folder`]: how many folders below the shared one make a group.
    pub depth: usize,
}

impl Default for SummaryOptions {
    fn default() -> SummaryOptions {
        SummaryOptions {
            by: GroupBy::Folder,
            depth: 1,
        }
    }
}

/// The name of the group of postings without a value (no `expected`, no field).
pub(crate) const NO_VALUE: &str = "(none)";
/// The name of the group of every posting.
pub const ALL: &str = "(all)";

/// Counts and sums over one group of postings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupStats {
    /// The group's name (`\u{fffd}` for bytes of a path that are not UTF-8).
    pub name: String,
    /// The raw bytes of a folder or file group whose path is not valid UTF-8
    /// (from the postings' `path_bytes`), so that two such folders stay two groups.
    pub name_bytes: Option<Vec<u8>>,
    /// Postings per label, in [`Label::ALL`] order.
    pub labels: [u64; 4],
    /// Postings that failed.
    pub failed: u64,
    /// Postings skipped on purpose.
    pub skipped: u64,
    sum_score: f64,
    sum_confidence: f64,
    sum: PoleWeights,
    sum_core: f64,
    /// Per axis (indexed like [`Breakdown::axes`]): summed weights.
    sum_axes: Vec<PoleWeights>,
}

impl GroupStats {
    fn named(key: Vec<u8>) -> GroupStats {
        let (name, name_bytes) = match String::from_utf8(key) {
            Ok(name) => (name, None),
            Err(e) => (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(e.into_bytes()),
            ),
        };
        GroupStats {
            name,
            name_bytes,
            ..GroupStats::default()
        }
    }

    /// The name for people: bytes that are not UTF-8 as `\xff`, control
    /// characters escaped (`\n`), so that every group reads apart.
    pub fn shown_name(&self) -> String {
        match &self.name_bytes {
            Some(bytes) => crate::report::escape_bytes(bytes),
            None => crate::report::escape_controls(&self.name).into_owned(),
        }
    }

    /// Every posting of the group: tagged, failed and skipped.
    pub fn postings(&self) -> u64 {
        self.tagged() + self.failed + self.skipped
    }

    /// Postings tagged.
    pub fn tagged(&self) -> u64 {
        self.labels.iter().sum()
    }

    /// Postings with `label`.
    pub fn count(&self, label: Label) -> u64 {
        self.labels[label_index(label)]
    }

    /// Share of the tagged postings that have `label` (0 when none is tagged).
    pub fn share(&self, label: Label) -> f64 {
        self.mean(self.count(label) as f64)
    }

    fn mean(&self, sum: f64) -> f64 {
        match self.tagged() {
            0 => 0.0,
            n => sum / n as f64,
        }
    }

    /// Mean score of the tagged postings.
    pub fn mean_score(&self) -> f64 {
        self.mean(self.sum_score)
    }

    /// Mean confidence of the tagged postings.
    pub fn mean_confidence(&self) -> f64 {
        self.mean(self.sum_confidence)
    }

    /// Mean total CIO and CTO weight per tagged posting.
    pub fn mean_weights(&self) -> PoleWeights {
        PoleWeights {
            cio: self.mean(self.sum.cio),
            cto: self.mean(self.sum.cto),
        }
    }

    /// Mean core evidence per tagged posting.
    pub fn mean_core_evidence(&self) -> f64 {
        self.mean(self.sum_core)
    }

    /// Mean CIO and CTO weight on axis `i`; its `orientation()` is the axis's pooled orientation.
    pub fn axis_mean(&self, i: usize) -> PoleWeights {
        let w = self.sum_axes.get(i).copied().unwrap_or_default();
        PoleWeights {
            cio: self.mean(w.cio),
            cto: self.mean(w.cto),
        }
    }

    fn merge(&mut self, other: &GroupStats) {
        for (a, b) in self.labels.iter_mut().zip(other.labels) {
            *a += b;
        }
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.sum_score += other.sum_score;
        self.sum_confidence += other.sum_confidence;
        self.sum.cio += other.sum.cio;
        self.sum.cto += other.sum.cto;
        self.sum_core += other.sum_core;
        if self.sum_axes.len() < other.sum_axes.len() {
            self.sum_axes
                .resize(other.sum_axes.len(), PoleWeights::default());
        }
        for (a, b) in self.sum_axes.iter_mut().zip(&other.sum_axes) {
            a.cio += b.cio;
            a.cto += b.cto;
        }
    }
}

fn label_index(label: Label) -> usize {
    Label::ALL.iter().position(|l| *l == label).unwrap_or(3)
}

/// How often one term matched the postings of one label, and how much it moved them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermStats {
    /// The term.
    pub term: String,
    /// Its axis.
    pub axis: String,
    /// Its pole.
    pub pole: &'static str,
    /// Postings of the label it matched.
    pub postings: u64,
    /// Hits over those postings.
    pub hits: u64,
    /// Its contributions to their scores, summed (negative: toward CIO).
    pub contribution: f64,
}

/// Which ranking of terms to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TermOrder {
    /// Largest `|total contribution|` first.
    #[default]
    Contribution,
    /// Most postings first.
    Postings,
}

/// Accumulates postings into groups. Feed postings, then [`Summarizer::finish`].
#[derive(Debug, Default)]
pub struct Summarizer {
    opts: SummaryOptions,
    axes: Vec<String>,
    /// Keyed by the group's name as bytes (a path's raw bytes when it has them).
    groups: HashMap<Vec<u8>, GroupStats>,
    all: GroupStats,
    terms: [HashMap<(String, &'static str), TermStats>; 4],
    malformed: u64,
}

impl Summarizer {
    /// A summarizer grouping as `opts` says.
    pub fn new(opts: SummaryOptions) -> Summarizer {
        Summarizer {
            opts,
            all: GroupStats::named(ALL.into()),
            ..Summarizer::default()
        }
    }

    /// Counts a line of a report that was not a posting.
    pub fn add_malformed(&mut self) {
        self.malformed += 1;
    }

    /// Adds one posting.
    pub fn add(&mut self, p: &ReportPosting) {
        let key = self.group_key(p);
        let mut one = GroupStats::default();
        match &p.state {
            PostingState::Failed { skipped: true, .. } => one.skipped = 1,
            PostingState::Failed { .. } => one.failed = 1,
            PostingState::Tagged(t) => {
                one.labels[label_index(t.label)] = 1;
                one.sum_score = t.score;
                one.sum_confidence = t.confidence;
                one.sum = t.total;
                one.sum_core = t.core_evidence;
                for (name, w) in &t.axes {
                    let i = self.axis_index(name);
                    if one.sum_axes.len() <= i {
                        one.sum_axes.resize(i + 1, PoleWeights::default());
                    }
                    one.sum_axes[i].cio += w.cio;
                    one.sum_axes[i].cto += w.cto;
                }
                self.add_terms(t.label, p);
            }
        }
        self.all.merge(&one);
        self.groups
            .entry(key)
            .or_insert_with_key(|k| GroupStats::named(k.clone()))
            .merge(&one);
    }

    fn axis_index(&mut self, name: &str) -> usize {
        match self.axes.iter().position(|a| a == name) {
            Some(i) => i,
            None => {
                self.axes.push(name.to_string());
                self.axes.len() - 1
            }
        }
    }

    fn add_terms(&mut self, label: Label, p: &ReportPosting) {
        let PostingState::Tagged(t) = &p.state else {
            return;
        };
        let terms = &mut self.terms[label_index(label)];
        for e in &t.evidence {
            let pole = e.pole.as_str();
            let s = terms
                .entry((e.term.clone(), pole))
                .or_insert_with(|| TermStats {
                    term: e.term.clone(),
                    axis: e.axis.clone(),
                    pole,
                    postings: 0,
                    hits: 0,
                    contribution: 0.0,
                });
            s.postings += 1;
            s.hits += u64::from(e.count);
            s.contribution += e.contribution;
        }
    }

    fn group_key(&self, p: &ReportPosting) -> Vec<u8> {
        let path = || p.path_bytes.as_deref().unwrap_or(p.path.as_bytes());
        let text = match &self.opts.by {
            GroupBy::Folder => return folder_of(path()),
            GroupBy::File => return path().to_vec(),
            GroupBy::Label => p.label().map_or("failed", Label::as_str).to_string(),
            GroupBy::Expected => match &p.expected {
                Some(e) => parse_expected(e).map_or_else(|| e.clone(), |l| l.as_str().to_string()),
                None => NO_VALUE.to_string(),
            },
            GroupBy::None => ALL.to_string(),
            GroupBy::Field(_) => p.field.clone().unwrap_or_else(|| NO_VALUE.to_string()),
        };
        text.into_bytes()
    }

    /// The summary: groups in order (labels in label order, others by name).
    pub fn finish(self) -> Breakdown {
        let mut root = None;
        let mut groups: Vec<GroupStats> = match self.opts.by {
            GroupBy::Folder => {
                let (r, g) = collapse_folders(self.groups, self.opts.depth);
                root = Some(r);
                g
            }
            _ => self.groups.into_values().collect(),
        };
        let rank = |g: &GroupStats| match self.opts.by {
            GroupBy::Label => Label::ALL
                .iter()
                .position(|l| l.as_str() == g.name)
                .unwrap_or(4),
            _ => 0,
        };
        groups.sort_by(|a, b| {
            (rank(a), &a.name, &a.name_bytes).cmp(&(rank(b), &b.name, &b.name_bytes))
        });
        let terms = self.terms.map(|m| m.into_values().collect());
        Breakdown {
            by: self.opts.by,
            depth: self.opts.depth,
            root,
            axes: self.axes,
            groups,
            all: self.all,
            terms,
            malformed: self.malformed,
        }
    }
}

/// A path from its bytes: raw on Unix, where a name need not be UTF-8; as text
/// elsewhere, where `path_bytes` never occurs.
fn bytes_path(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// The bytes of a path ([`bytes_path`] reversed).
fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

/// The folder of a posting's path (as bytes): `.` for a bare file name, `<stdin>` as is.
fn folder_of(path: &[u8]) -> Vec<u8> {
    let whole = bytes_path(path);
    match whole.parent() {
        Some(p) if !p.as_os_str().is_empty() => path_bytes(p),
        Some(_) => b".".to_vec(),
        None => path.to_vec(),
    }
}

/// Merges folder groups into the first `depth` folders below the folder they all
/// share; returns that folder and the merged groups.
fn collapse_folders(
    groups: HashMap<Vec<u8>, GroupStats>,
    depth: usize,
) -> (String, Vec<GroupStats>) {
    let split = |name: &[u8]| -> Vec<PathBuf> {
        bytes_path(name)
            .components()
            .map(|c| PathBuf::from(c.as_os_str()))
            .collect()
    };
    let mut common: Option<Vec<PathBuf>> = None;
    for name in groups.keys() {
        let parts = split(name);
        common = Some(match common {
            None => parts,
            Some(c) => c
                .into_iter()
                .zip(parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    let common = common.unwrap_or_default();
    let shown = |parts: &[PathBuf]| -> Vec<u8> {
        if parts.is_empty() {
            b".".to_vec()
        } else {
            path_bytes(&parts.iter().collect::<PathBuf>())
        }
    };
    let mut merged: BTreeMap<Vec<u8>, GroupStats> = BTreeMap::new();
    for (name, stats) in groups {
        let parts = split(&name);
        let keep = (common.len() + depth).min(parts.len());
        let key = shown(&parts[..keep]);
        merged
            .entry(key)
            .or_insert_with_key(|k| GroupStats::named(k.clone()))
            .merge(&stats);
    }
    let root = String::from_utf8_lossy(&shown(&common)).into_owned();
    (root, merged.into_values().collect())
}

/// A summary of a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    /// The grouping.
    pub by: GroupBy,
    /// The folder depth (used by [`GroupBy::Folder`]).
    pub depth: usize,
    /// For [`GroupBy::Folder`]: the folder all postings share.
    pub root: Option<String>,
    /// Axis names, in the order the report first gave them.
    pub axes: Vec<String>,
    /// The groups.
    pub groups: Vec<GroupStats>,
    /// Every posting.
    pub all: GroupStats,
    /// Per label (in [`Label::ALL`] order): every term that matched its postings.
    pub terms: [Vec<TermStats>; 4],
    /// Report lines that were not postings.
    pub malformed: u64,
}

impl Breakdown {
    /// The `n` top terms of `label` in `order` (ties by term name, then pole).
    pub fn top_terms(&self, label: Label, n: usize, order: TermOrder) -> Vec<&TermStats> {
        let mut terms: Vec<&TermStats> = self.terms[label_index(label)].iter().collect();
        terms.sort_by(|a, b| {
            let by_contribution = b.contribution.abs().total_cmp(&a.contribution.abs());
            match order {
                TermOrder::Contribution => by_contribution.then(b.postings.cmp(&a.postings)),
                TermOrder::Postings => b.postings.cmp(&a.postings).then(by_contribution),
            }
            .then_with(|| a.term.cmp(&b.term))
            .then_with(|| a.pole.cmp(b.pole))
        });
        terms.truncate(n);
        terms
    }

    /// The grouping as people read it: `folder (depth 1 below corpora)`, `label`, ...
    pub fn grouping(&self) -> String {
        match (&self.by, &self.root) {
            (GroupBy::Folder, Some(root)) => {
                format!("folder (depth {} below {root})", self.depth)
            }
            (by, _) => by.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
