//! Comparing two reports: which postings changed label, and the evidence that moved them.
//!
//! Input is the [`ReportPosting`]s of an old and a new report (from
//! [`crate::report::file`]), joined by a [`KeyBy`] key; output is a [`Diff`]: the
//! label-change matrix (old state rows, new state columns, with `failed`, `added`
//! and `removed`) and every changed posting with its old and new label and score
//! and, for a label change, the terms whose contribution changed, largest change
//! first. The old report is held in memory; the new one streams past it. No I/O here
//! beyond writing the rendered diff to a `Write`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::engine::label::Label;
use crate::engine::lexicon::Pole;
use crate::report::file::{PostingState, ReportPosting, TaggedPosting};
use crate::report::round4;

mod render;

/// How postings of the two reports are paired.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyBy {
    /// `path`, `record` and `id` all equal (each when present): the same posting of
    /// the same file. Paths are compared without `.` components and repeated `/`
    /// (`./a/b` is `a/b`). A record file edited between the runs shows as removed and added
    /// postings rather than as false label changes.
    #[default]
    Path,
    /// `id` alone, for postings that moved between files or rows; postings without an
    /// `id` fall back to the `path` key.
    Id,
}

impl KeyBy {
    /// `path` or `id`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyBy::Path => "path",
            KeyBy::Id => "id",
        }
    }
}

impl FromStr for KeyBy {
    type Err = String;

    fn from_str(s: &str) -> Result<KeyBy, String> {
        match s {
            "path" => Ok(KeyBy::Path),
            "id" => Ok(KeyBy::Id),
            _ => Err(format!("unknown key {s:?} (path, id)")),
        }
    }
}

/// The join key of a posting.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    path: Option<Vec<u8>>,
    record: Option<u64>,
    id: Option<String>,
}

impl Key {
    fn of(p: &ReportPosting, by: KeyBy) -> Key {
        match (by, &p.id) {
            (KeyBy::Id, Some(id)) => Key {
                path: None,
                record: None,
                id: Some(id.clone()),
            },
            _ => Key {
                path: Some(path_key(
                    p.path_bytes.as_deref().unwrap_or(p.path.as_bytes()),
                )),
                record: p.record,
                id: p.id.clone(),
            },
        }
    }
}

/// `path` without `.` components and repeated `/`, so that `./jobs//a.txt` (a scan of
/// `./jobs/`) and `jobs/a.txt` (a scan of `jobs`) pair. `..` is kept: resolving it
/// would need the file system, and a symbolic link could make it wrong.
///
/// Bytes, not text: a path that is not valid UTF-8 is keyed by its `path_bytes`,
/// so `bad\xff.txt` and `bad\xfe.txt` (both `bad\u{fffd}.txt` as text) stay two postings.
fn path_key(path: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.len());
    if path.starts_with(b"/") {
        key.push(b'/');
    }
    for part in path
        .split(|&b| b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
    {
        if !key.is_empty() && !key.ends_with(b"/") {
            key.push(b'/');
        }
        key.extend_from_slice(part);
    }
    if key.is_empty() {
        path.clone_into(&mut key);
    }
    key
}

/// A posting's state on one side of the diff: a label, or failed (skipped included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Tagged with this label.
    Label(Label),
    /// Failed or skipped.
    Failed,
    /// Not in this report.
    Absent,
}

impl Side {
    /// Every state in matrix order: the four labels, `failed`, then absent.
    pub const ALL: [Side; 6] = [
        Side::Label(Label::CioLike),
        Side::Label(Label::CtoLike),
        Side::Label(Label::Blended),
        Side::Label(Label::Unclassified),
        Side::Failed,
        Side::Absent,
    ];

    fn of(p: &ReportPosting) -> Side {
        p.label().map_or(Side::Failed, Side::Label)
    }

    fn index(self) -> usize {
        match self {
            Side::Label(l) => Label::ALL.iter().position(|x| *x == l).unwrap_or(3),
            Side::Failed => 4,
            Side::Absent => 5,
        }
    }

    /// The matrix heading: a label, `failed`; absent is `added` as a row, `removed` as a column.
    pub fn name(self, as_row: bool) -> &'static str {
        match self {
            Side::Label(l) => l.as_str(),
            Side::Failed => "failed",
            Side::Absent if as_row => "added",
            Side::Absent => "removed",
        }
    }
}

/// What kind of change a posting went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Tagged in both, with different labels.
    Label,
    /// Only in the new report.
    Added,
    /// Only in the old report.
    Removed,
    /// Tagged before, failed now.
    Failed,
    /// Failed before, tagged now.
    Recovered,
}

impl ChangeKind {
    /// Every kind, in report order.
    pub const ALL: [ChangeKind; 5] = [
        ChangeKind::Label,
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::Failed,
        ChangeKind::Recovered,
    ];

    /// `label`, `added`, `removed`, `failed` or `recovered`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Label => "label",
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Failed => "failed",
            ChangeKind::Recovered => "recovered",
        }
    }
}

/// One side of a changed posting, as the report gave it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Version {
    /// Tagged.
    Tagged {
        /// The label.
        label: &'static str,
        /// The score.
        score: f64,
        /// The confidence.
        confidence: f64,
    },
    /// Failed or skipped.
    Failed {
        /// The error message.
        error: String,
    },
}

impl Version {
    fn of(p: &ReportPosting) -> Version {
        match &p.state {
            PostingState::Tagged(t) => Version::Tagged {
                label: t.label.as_str(),
                score: t.score,
                confidence: t.confidence,
            },
            PostingState::Failed { error, .. } => Version::Failed {
                error: error.clone(),
            },
        }
    }

    /// The label, or `failed`.
    pub fn label(&self) -> &str {
        match self {
            Version::Tagged { label, .. } => label,
            Version::Failed { .. } => "failed",
        }
    }
}

/// One term's part in a label change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermDelta {
    /// The term.
    pub term: String,
    /// Its axis (in the new report when it is there).
    pub axis: String,
    /// Its pole.
    pub pole: &'static str,
    /// Hits before; 0 when the term did not match.
    pub old_count: u32,
    /// Hits after.
    pub new_count: u32,
    /// Weight the term added to its pole before (term weight x axis weight x
    /// damped hits; recovered from the report as `|contribution| x (cio + cto)`).
    pub old_weight: f64,
    /// Weight it added after.
    pub new_weight: f64,
    /// Contribution to the score before; 0 when the term did not match.
    pub old_contribution: f64,
    /// Contribution after.
    pub new_contribution: f64,
    /// `new_contribution - old_contribution`: positive moved the posting toward CTO.
    pub delta: f64,
    /// `appeared`, `disappeared`, `reweighted` (its weight changed: lexicon or axis
    /// weight, or hits) or `rescaled` (same weight; its share moved because other
    /// evidence changed).
    pub status: &'static str,
}

/// A posting that changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Its path.
    pub path: String,
    /// The raw bytes of a path that is not valid UTF-8, as in the reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<Vec<u8>>,
    /// Its record number, for a record of a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// Its id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What changed.
    pub change: &'static str,
    /// The old report's posting; `null` when added.
    pub old: Option<Version>,
    /// The new report's posting; `null` when removed.
    pub new: Option<Version>,
    /// For a label change: terms whose contribution changed, largest `|delta|` first.
    pub evidence: Vec<TermDelta>,
}

impl Change {
    /// The path, and `#N` for a record of a file; control characters escaped.
    pub fn display_path(&self) -> String {
        let path = crate::report::escape_controls(&self.path);
        match self.record {
            Some(n) => format!("{path}#{n}"),
            None => path.into_owned(),
        }
    }
}

/// Counts of one report's side of the join.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SideCounts {
    /// Postings read.
    pub postings: u64,
    /// Postings whose key was already taken by an earlier posting of the same
    /// report; they are left out of the comparison.
    pub duplicates: u64,
    /// Lines (or elements) of the report that were not postings.
    pub malformed: u64,
}

impl SideCounts {
    /// True when part of this report could not be compared.
    pub fn is_incomplete(&self) -> bool {
        self.duplicates + self.malformed > 0
    }

    /// `284 postings`, with what was left out when anything was.
    fn describe(&self) -> String {
        let mut s = crate::report::counted(self.postings, "posting");
        if self.is_incomplete() {
            s += &format!(
                " ({} left out, {})",
                crate::report::counted(self.duplicates, "duplicate key"),
                if self.malformed == 1 {
                    "1 line not a posting".to_string()
                } else {
                    format!("{} lines not postings", self.malformed)
                }
            );
        }
        s
    }
}

/// Pairs the postings of two reports. Feed the old report, then the new one.
#[derive(Debug, Default)]
pub struct Differ {
    by: KeyBy,
    old: HashMap<Key, (u64, ReportPosting)>,
    seen_new: HashSet<Key>,
    diff: Diff,
}

/// The result of comparing two reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// How postings were paired.
    pub key: KeyBy,
    /// `matrix[old][new]`, indexed in [`Side::ALL`] order.
    pub matrix: [[u64; 6]; 6],
    /// Changed postings: the new report's order, then removed ones in the old report's order.
    pub changes: Vec<Change>,
    /// Postings in both reports with the same label but another score.
    pub score_only: u64,
    /// The old report's counts.
    pub old: SideCounts,
    /// The new report's counts.
    pub new: SideCounts,
}

impl Differ {
    /// A differ joining on `by`.
    pub fn new(by: KeyBy) -> Differ {
        Differ {
            by,
            diff: Diff {
                key: by,
                ..Diff::default()
            },
            ..Differ::default()
        }
    }

    /// Adds a posting of the old report. Returns false when its key was already
    /// taken (the posting is left out).
    pub fn add_old(&mut self, p: ReportPosting) -> bool {
        self.diff.old.postings += 1;
        let n = self.diff.old.postings;
        let key = Key::of(&p, self.by);
        if self.old.contains_key(&key) {
            self.diff.old.duplicates += 1;
            return false;
        }
        self.old.insert(key, (n, p));
        true
    }

    /// Compares a posting of the new report with its old version. Returns false
    /// when its key was already taken (the posting is left out).
    pub fn add_new(&mut self, p: ReportPosting) -> bool {
        self.diff.new.postings += 1;
        let key = Key::of(&p, self.by);
        if !self.seen_new.insert(key.clone()) {
            self.diff.new.duplicates += 1;
            return false;
        }
        let new_side = Side::of(&p);
        let Some((_, old)) = self.old.remove(&key) else {
            self.diff.matrix[Side::Absent.index()][new_side.index()] += 1;
            self.diff.changes.push(change(None, &p, ChangeKind::Added));
            return true;
        };
        let old_side = Side::of(&old);
        self.diff.matrix[old_side.index()][new_side.index()] += 1;
        let kind = match (old_side, new_side) {
            (Side::Label(a), Side::Label(b)) if a == b => {
                if score(&old) != score(&p) {
                    self.diff.score_only += 1;
                }
                return true;
            }
            (Side::Label(_), Side::Label(_)) => ChangeKind::Label,
            (Side::Label(_), _) => ChangeKind::Failed,
            (_, Side::Label(_)) => ChangeKind::Recovered,
            _ => return true, // failed in both
        };
        self.diff.changes.push(change(Some(&old), &p, kind));
        true
    }

    /// Counts a line of the old (`old == true`) or new report that was not a posting.
    pub fn add_malformed(&mut self, old: bool) {
        match old {
            true => self.diff.old.malformed += 1,
            false => self.diff.new.malformed += 1,
        }
    }

    /// The diff: postings of the old report never matched are `removed`.
    pub fn finish(mut self) -> Diff {
        let mut removed: Vec<(u64, ReportPosting)> = self.old.into_values().collect();
        removed.sort_by_key(|(n, _)| *n);
        for (_, p) in removed {
            self.diff.matrix[Side::of(&p).index()][Side::Absent.index()] += 1;
            let mut c = change(None, &p, ChangeKind::Removed);
            (c.old, c.new) = (c.new, None);
            self.diff.changes.push(c);
        }
        self.diff
    }
}

fn score(p: &ReportPosting) -> Option<f64> {
    match &p.state {
        PostingState::Tagged(t) => Some(t.score),
        PostingState::Failed { .. } => None,
    }
}

/// The change of `new` (or of `old` alone) with its evidence for a label change.
fn change(old: Option<&ReportPosting>, new: &ReportPosting, kind: ChangeKind) -> Change {
    let evidence = match (kind, old.map(|o| &o.state), &new.state) {
        (ChangeKind::Label, Some(PostingState::Tagged(a)), PostingState::Tagged(b)) => {
            term_deltas(a, b)
        }
        _ => Vec::new(),
    };
    Change {
        path: new.path.clone(),
        path_bytes: new.path_bytes.clone(),
        record: new.record,
        id: new.id.clone(),
        change: kind.as_str(),
        old: old.map(Version::of),
        new: Some(Version::of(new)),
        evidence,
    }
}

/// Terms whose contribution changed between two versions of a posting, keyed by
/// term and pole (a term moved to another axis is one entry; one moved to the other
/// pole is two). The causes come first (appeared, disappeared, reweighted), then the
/// terms only rescaled, each by largest `|delta|`.
pub(crate) fn term_deltas(old: &TaggedPosting, new: &TaggedPosting) -> Vec<TermDelta> {
    // Per term: its axis, and (count, contribution) old and new; a name on two
    // axes of one pole is summed.
    type Sides<'a> = (&'a str, [(u32, f64); 2]);
    let mut terms: HashMap<(&str, Pole), Sides<'_>> = HashMap::new();
    for (side, p) in [old, new].into_iter().enumerate() {
        for e in &p.evidence {
            let entry = terms
                .entry((e.term.as_str(), e.pole))
                .or_insert((e.axis.as_str(), [(0, 0.0); 2]));
            if side == 1 {
                entry.0 = e.axis.as_str();
            }
            entry.1[side].0 += e.count;
            entry.1[side].1 += e.contribution;
        }
    }
    let (old_total, new_total) = (old.total.total(), new.total.total());
    // Contributions and totals are rounded to 4 decimals in reports: a weight
    // recovered from them is good to about this much.
    let tolerance = 2e-4 * old_total.max(new_total) + 1e-9;
    let mut deltas: Vec<TermDelta> = terms
        .into_iter()
        .filter_map(|((term, pole), (axis, [(oc, oc_w), (nc, nc_w)]))| {
            let delta = round4(nc_w - oc_w);
            let (ow, nw) = (oc_w.abs() * old_total, nc_w.abs() * new_total);
            (delta != 0.0).then(|| TermDelta {
                term: term.to_string(),
                axis: axis.to_string(),
                pole: pole.as_str(),
                old_count: oc,
                new_count: nc,
                old_weight: round4(ow),
                new_weight: round4(nw),
                old_contribution: round4(oc_w),
                new_contribution: round4(nc_w),
                delta,
                status: match (oc, nc) {
                    (0, _) => "appeared",
                    (_, 0) => "disappeared",
                    _ if oc != nc || (ow - nw).abs() > tolerance => "reweighted",
                    _ => "rescaled",
                },
            })
        })
        .collect();
    deltas.sort_by(|a, b| {
        (a.status == "rescaled")
            .cmp(&(b.status == "rescaled"))
            .then_with(|| b.delta.abs().total_cmp(&a.delta.abs()))
            .then_with(|| a.term.cmp(&b.term))
            .then_with(|| a.pole.cmp(b.pole))
    });
    deltas
}

impl Diff {
    /// Postings in both reports (by key).
    pub fn paired(&self) -> u64 {
        self.matrix[..5]
            .iter()
            .map(|row| row[..5].iter().sum::<u64>())
            .sum()
    }

    /// Changes of one kind.
    pub fn count(&self, kind: ChangeKind) -> u64 {
        self.changes
            .iter()
            .filter(|c| c.change == kind.as_str())
            .count() as u64
    }

    /// True when some posting changed: label, added, removed, failed or recovered.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

impl fmt::Display for KeyBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
