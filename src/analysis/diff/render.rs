//! Renders a [`Diff`]: the table for people and the JSON document.
//!
//! Scores print with 3 decimals in the table; the JSON keeps the reports' 4 and
//! the matrix's row and column order.

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::{Change, ChangeKind, Diff, Side, SideCounts, Version};

impl Diff {
    /// Writes the machine-readable form (`roletag diff --format json`), documented
    /// in the README: `key`, `old` and `new` counts, `paired`, `changed` per kind,
    /// `score_only`, `matrix` (`{old: {new: n}}`) and `changes`.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let doc = DiffJson {
            key: self.key.as_str(),
            old: self.old,
            new: self.new,
            paired: self.paired(),
            changed: ChangedJson(self),
            score_only: self.score_only,
            matrix: MatrixJson(&self.matrix),
            changes: &self.changes,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }

    /// The table for people (`roletag diff`): counts, the matrix, then each change
    /// with at most `top` evidence terms.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write_table(&self, out: &mut impl Write, top: usize) -> io::Result<()> {
        writeln!(
            out,
            "old: {}; new: {}",
            self.old.describe(),
            self.new.describe()
        )?;
        writeln!(
            out,
            "{} paired by {}; {} changed: {} label, {} added, {} removed, {} failed, {} recovered; {} changed score only",
            crate::report::counted(self.paired(), "posting"),
            self.key.as_str(),
            self.changes.len(),
            self.count(ChangeKind::Label),
            self.count(ChangeKind::Added),
            self.count(ChangeKind::Removed),
            self.count(ChangeKind::Failed),
            self.count(ChangeKind::Recovered),
            self.score_only
        )?;
        writeln!(out)?;
        self.write_matrix(out)?;
        if self.changes.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        writeln!(
            out,
            "changes (old -> new label and score, posting), each label change with the terms that moved it"
        )?;
        for c in &self.changes {
            write_change(out, c, top)?;
        }
        Ok(())
    }

    fn write_matrix(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "label changes (rows: old report, columns: new report)")?;
        write!(out, "{:<13}", "")?;
        for s in Side::ALL {
            write!(out, " {:>12}", s.name(false))?;
        }
        writeln!(out)?;
        for (i, row) in Side::ALL.iter().enumerate() {
            write!(out, "{:<13}", row.name(true))?;
            for (j, n) in self.matrix[i].iter().enumerate() {
                // An added posting cannot also be removed: that cell does not exist.
                if !(i == 5 && j == 5) {
                    write!(out, " {n:>12}")?;
                }
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

fn write_change(out: &mut impl Write, c: &Change, top: usize) -> io::Result<()> {
    let side = |v: &Option<Version>| match v {
        None => ("absent".to_string(), "      ".to_string()),
        Some(Version::Tagged { label, score, .. }) => (label.to_string(), format!("{score:+.3}")),
        Some(Version::Failed { .. }) => ("failed".to_string(), "      ".to_string()),
    };
    let ((ol, os), (nl, ns)) = (side(&c.old), side(&c.new));
    writeln!(
        out,
        "{:<12} -> {:<12}  {os:>6} -> {ns:>6}  {}",
        ol,
        nl,
        c.display_path()
    )?;
    for v in [&c.old, &c.new].into_iter().flatten() {
        if let Version::Failed { error } = v {
            writeln!(out, "    error: {error}")?;
        }
    }
    for d in c.evidence.iter().take(top) {
        writeln!(
            out,
            "    {:+.3}  {:<11} {} ({}, {}): {:+.3} -> {:+.3}, weight {:.2} -> {:.2}, hits {} -> {}",
            d.delta,
            d.status,
            d.term,
            d.axis,
            d.pole,
            d.old_contribution,
            d.new_contribution,
            d.old_weight,
            d.new_weight,
            d.old_count,
            d.new_count,
        )?;
    }
    if c.evidence.len() > top {
        writeln!(out, "    ... and {} more", c.evidence.len() - top)?;
    }
    Ok(())
}

/// The JSON document, fields in this order.
#[derive(Serialize)]
struct DiffJson<'a> {
    key: &'static str,
    old: SideCounts,
    new: SideCounts,
    paired: u64,
    changed: ChangedJson<'a>,
    score_only: u64,
    matrix: MatrixJson<'a>,
    changes: &'a [Change],
}

/// `{label: n, added: n, removed: n, failed: n, recovered: n}`.
struct ChangedJson<'a>(&'a Diff);

impl Serialize for ChangedJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(ChangeKind::ALL.len()))?;
        for k in ChangeKind::ALL {
            map.serialize_entry(k.as_str(), &self.0.count(k))?;
        }
        map.end()
    }
}

/// The matrix as `{old: {new: n}}`, rows and columns in [`Side::ALL`] order.
struct MatrixJson<'a>(&'a [[u64; 6]; 6]);

impl Serialize for MatrixJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut rows = s.serialize_map(Some(6))?;
        for (i, row) in Side::ALL.iter().enumerate() {
            rows.serialize_entry(row.name(true), &MatrixRow(i, &self.0[i]))?;
        }
        rows.end()
    }
}

struct MatrixRow<'a>(usize, &'a [u64; 6]);

impl Serialize for MatrixRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut cols = s.serialize_map(None)?;
        for (j, col) in Side::ALL.iter().enumerate() {
            // An added posting cannot also be removed: that cell does not exist.
            if !(self.0 == 5 && j == 5) {
                cols.serialize_entry(col.name(false), &self.1[j])?;
            }
        }
        cols.end()
    }
}
