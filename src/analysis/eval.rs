//! Evaluation: how often roletag's labels agree with labelled postings.
//!
//! Input is a list of [`Example`]s (expected label, and the [`Record`] roletag
//! produced); output is an [`Evaluation`]: accuracy, per-class precision,
//! recall and F1, macro-F1, the confusion matrix, and the share of postings
//! where CIO-like and CTO-like were mistaken for each other. Expected labels
//! are read with [`parse_expected`] (`none` means `unclassified`), from the
//! name of a posting's top folder ([`expected_from_path`]) or a record field.
//! [`collect_examples`] runs the ordinary scan pipeline to gather them; the
//! metrics themselves are pure.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::engine::label::Label;
use crate::engine::tagger::Engine;
use crate::report::{Outcome, Record, Reporter, Summary};
use crate::scan::{scan, ScanError, ScanOptions};

/// Labelled examples gathered from folders or record files.
#[derive(Clone, Debug, Default)]
pub struct Collected {
    /// Postings with an expected label, in scan order.
    pub examples: Vec<Example>,
    /// Postings with no expected label (not under a label folder, or no label field), by path.
    pub unlabelled: Vec<String>,
    /// True when a root did not exist.
    pub missing_root: bool,
}

/// How labelled postings are grouped: by a record field, cut by a regex.
#[derive(Clone, Debug)]
pub struct Grouping {
    /// The record field naming the group (such as `source`).
    pub field: String,
    /// The group is the first match of this regex in the field's value (the whole
    /// value when it does not match).
    pub key: regex::Regex,
}

impl Grouping {
    /// The group of a posting: its group field cut by the key, else `root`.
    pub fn group_of(&self, value: Option<&str>, root: &Path) -> String {
        match value {
            Some(v) => self
                .key
                .find(v)
                .map_or(v, |m| m.as_str())
                .trim()
                .to_string(),
            None => root.display().to_string(),
        }
    }
}

/// Tags everything under `roots` and pairs each posting with its expected label:
/// the `--label-field` of a record, else the label folder it sits in below its root.
/// Each example's group is its group field (see [`Grouping`]), else its root.
///
/// # Errors
/// As [`scan`].
pub fn collect_examples(
    engine: &Engine,
    roots: &[PathBuf],
    opts: &ScanOptions,
    grouping: &Grouping,
) -> Result<Collected, ScanError> {
    let mut out = Collected::default();
    let never = AtomicBool::new(false);
    for root in roots {
        let mut sink = Collect::default();
        let outcome = scan(engine, std::slice::from_ref(root), opts, &mut sink, &never)?;
        out.missing_root |= outcome.missing_root;
        for record in sink.0 {
            let expected = match &record.expected {
                Some(s) => parse_expected(s),
                None => expected_from_path(root, Path::new(&record.path)),
            };
            match expected {
                Some(expected) => {
                    let group = grouping.group_of(record.group.as_deref(), root);
                    out.examples.push(Example {
                        expected,
                        record,
                        group,
                    });
                }
                None => out.unlabelled.push(record.display_path()),
            }
        }
    }
    Ok(out)
}

/// A reporter that keeps every record.
#[derive(Default)]
struct Collect(Vec<Record>);

impl Reporter for Collect {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        self.0.push(r.clone());
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// One labelled posting and what roletag made of it.
#[derive(Clone, Debug)]
pub struct Example {
    /// The label a person gave it.
    pub expected: Label,
    /// roletag's record (tagged, or failed).
    pub record: Record,
    /// Its group: where it came from (see [`Grouping`]).
    pub group: String,
}

impl Example {
    /// roletag's label, or `None` when the posting could not be tagged.
    pub fn predicted(&self) -> Option<Label> {
        self.record.label()
    }
}

/// One evaluation per group, sorted by group name, from `(group, expected,
/// predicted)` triples (`None`: not tagged).
pub fn by_group<'a>(
    labels: impl IntoIterator<Item = (&'a str, Label, Option<Label>)>,
) -> Vec<(String, Evaluation)> {
    let mut groups: std::collections::BTreeMap<&str, Vec<(Label, Option<Label>)>> =
        std::collections::BTreeMap::new();
    for (group, expected, predicted) in labels {
        groups.entry(group).or_default().push((expected, predicted));
    }
    groups
        .into_iter()
        .map(|(g, pairs)| (g.to_string(), Evaluation::from_pairs(pairs)))
        .collect()
}

/// The per-group table for people: per group, how many postings, accuracy,
/// macro-F1, each expected class's recall (the share given its own label; `-`
/// without support) and the CIO/CTO mix-ups as a share of the CIO-like and
/// CTO-like postings.
pub fn write_group_table(groups: &[(String, Evaluation)], out: &mut impl Write) -> io::Result<()> {
    let width = groups
        .iter()
        .map(|(g, _)| g.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 48);
    writeln!(
        out,
        "{:<width$}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}  {:>8}  {:>9}",
        "GROUP",
        "POSTINGS",
        "ACCURACY",
        "MACRO-F1",
        "CIO-LIKE",
        "CTO-LIKE",
        "BLENDED",
        "NONE",
        "CIO<->CTO"
    )?;
    for (group, e) in groups {
        let shown: String = group.chars().take(width).collect();
        let recall = |l: Label| {
            let c = e.class(l);
            if c.support == 0 {
                "-".to_string()
            } else {
                format!("{:.3}", c.recall)
            }
        };
        let sides = e.class(Label::CioLike).support + e.class(Label::CtoLike).support;
        let mixed = if sides == 0 {
            "-".to_string()
        } else {
            format!("{:.1}%", 100.0 * ratio(e.cio_cto_confusions(), sides))
        };
        writeln!(
            out,
            "{shown:<width$}  {:>8}  {:>8.3}  {:>8.3}  {:>8}  {:>8}  {:>8}  {:>8}  {:>9}",
            e.total(),
            e.accuracy(),
            e.macro_f1(),
            recall(Label::CioLike),
            recall(Label::CtoLike),
            recall(Label::Blended),
            recall(Label::Unclassified),
            mixed
        )?;
    }
    Ok(())
}

/// The per-group evaluations as one JSON object, by group name.
pub fn groups_json(groups: &[(String, Evaluation)]) -> serde_json::Value {
    groups
        .iter()
        .map(|(g, e)| (g.clone(), e.to_json()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Reads an expected label: `cio-like`/`cio`, `cto-like`/`cto`, `blended`,
/// `unclassified`/`none` (case-insensitive).
pub fn parse_expected(s: &str) -> Option<Label> {
    match s.trim().to_ascii_lowercase().as_str() {
        "cio-like" | "cio" | "cio_like" => Some(Label::CioLike),
        "cto-like" | "cto" | "cto_like" => Some(Label::CtoLike),
        "blended" | "blend" | "both" => Some(Label::Blended),
        "unclassified" | "none" | "neither" => Some(Label::Unclassified),
        _ => None,
    }
}

/// The expected label of a posting in a labelled folder: the name of its first
/// folder below `root` (`root/cio-like/x.txt` is `cio-like`).
pub fn expected_from_path(root: &Path, path: &Path) -> Option<Label> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components();
    let first = parts.next()?;
    parts.next()?; // the file itself must sit below the label folder
    parse_expected(first.as_os_str().to_str()?)
}

/// Precision, recall and F1 of one class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ClassScores {
    /// Of the postings given this label, the share that had it.
    pub precision: f64,
    /// Of the postings with this label, the share given it.
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Postings with this expected label.
    pub support: u64,
}

/// The result of an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// `matrix[expected][predicted]`, in [`Label::ALL`] order; a fifth column counts failures.
    pub matrix: [[u64; 5]; 4],
}

/// Index of a label in [`Label::ALL`].
fn index(l: Label) -> usize {
    Label::ALL.iter().position(|x| *x == l).unwrap_or(3)
}

impl Evaluation {
    /// Counts every example.
    pub fn new(examples: &[Example]) -> Evaluation {
        let mut matrix = [[0u64; 5]; 4];
        for e in examples {
            let col = e.predicted().map_or(4, index);
            matrix[index(e.expected)][col] += 1;
        }
        Evaluation { matrix }
    }

    /// From pairs of (expected, predicted); `None` predicted counts as a failure.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Label, Option<Label>)>) -> Evaluation {
        let mut matrix = [[0u64; 5]; 4];
        for (e, p) in pairs {
            matrix[index(e)][p.map_or(4, index)] += 1;
        }
        Evaluation { matrix }
    }

    /// Examples counted.
    pub fn total(&self) -> u64 {
        self.matrix.iter().flatten().sum()
    }

    /// Examples that could not be tagged (counted as wrong).
    pub fn failed(&self) -> u64 {
        self.matrix.iter().map(|row| row[4]).sum()
    }

    /// Share of examples labelled as expected.
    pub fn accuracy(&self) -> f64 {
        let right: u64 = (0..4).map(|i| self.matrix[i][i]).sum();
        ratio(right, self.total())
    }

    /// Precision, recall and F1 of `label`.
    pub fn class(&self, label: Label) -> ClassScores {
        let i = index(label);
        let tp = self.matrix[i][i];
        let predicted: u64 = (0..4).map(|r| self.matrix[r][i]).sum();
        let support: u64 = self.matrix[i].iter().sum();
        let (precision, recall) = (ratio(tp, predicted), ratio(tp, support));
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        ClassScores {
            precision,
            recall,
            f1,
            support,
        }
    }

    /// Mean F1 over the labels that occur among the expected labels.
    pub fn macro_f1(&self) -> f64 {
        let present: Vec<f64> = Label::ALL
            .iter()
            .map(|l| self.class(*l))
            .filter(|c| c.support > 0)
            .map(|c| c.f1)
            .collect();
        if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        }
    }

    /// CIO-like postings labelled CTO-like plus CTO-like labelled CIO-like.
    pub fn cio_cto_confusions(&self) -> u64 {
        let (cio, cto) = (index(Label::CioLike), index(Label::CtoLike));
        self.matrix[cio][cto] + self.matrix[cto][cio]
    }

    /// The machine-readable form (`roletag eval --format json`).
    pub fn to_json(&self) -> serde_json::Value {
        let classes: serde_json::Map<String, serde_json::Value> = Label::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), json(&self.class(*l))))
            .collect();
        let confusion: serde_json::Map<String, serde_json::Value> = Label::ALL
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut row = serde_json::Map::new();
                for (j, p) in Label::ALL.iter().enumerate() {
                    row.insert(p.as_str().to_string(), self.matrix[i][j].into());
                }
                row.insert("error".to_string(), self.matrix[i][4].into());
                (l.as_str().to_string(), row.into())
            })
            .collect();
        serde_json::json!({
            "postings": self.total(),
            "failed": self.failed(),
            "accuracy": round4(self.accuracy()),
            "macro_f1": round4(self.macro_f1()),
            "cio_cto_confusions": self.cio_cto_confusions(),
            "cio_cto_confusion_rate": round4(ratio(self.cio_cto_confusions(), self.total())),
            "classes": classes,
            "confusion": confusion,
        })
    }

    /// The table for people (`roletag eval`).
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write_table(&self, out: &mut impl Write) -> io::Result<()> {
        let n = self.total();
        let mixed = self.cio_cto_confusions();
        writeln!(
            out,
            "postings {n}   accuracy {:.3}   macro-F1 {:.3}   cio<->cto confused {mixed} ({:.1}%)   failed {}",
            self.accuracy(),
            self.macro_f1(),
            100.0 * ratio(mixed, n),
            self.failed()
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "{:<14} {:>9} {:>7} {:>6} {:>8}",
            "LABEL", "PRECISION", "RECALL", "F1", "SUPPORT"
        )?;
        for l in Label::ALL {
            let c = self.class(l);
            writeln!(
                out,
                "{:<14} {:>9.3} {:>7.3} {:>6.3} {:>8}",
                l.as_str(),
                c.precision,
                c.recall,
                c.f1,
                c.support
            )?;
        }
        writeln!(out)?;
        writeln!(out, "confusion (rows: expected, columns: roletag's label)")?;
        write!(out, "{:<14}", "")?;
        for l in Label::ALL {
            write!(out, " {:>12}", l.as_str())?;
        }
        writeln!(out, " {:>6}", "error")?;
        for (i, l) in Label::ALL.iter().enumerate() {
            write!(out, "{:<14}", l.as_str())?;
            for j in 0..4 {
                write!(out, " {:>12}", self.matrix[i][j])?;
            }
            writeln!(out, " {:>6}", self.matrix[i][4])?;
        }
        Ok(())
    }
}

/// The misclassified examples, in input order.
pub fn misses(examples: &[Example]) -> impl Iterator<Item = &Example> {
    examples
        .iter()
        .filter(|e| e.predicted() != Some(e.expected))
}

/// One line for a miss: expected, got, score, path and error if any.
pub fn miss_line(e: &Example) -> String {
    match &e.record.outcome {
        Outcome::Tagged(t) => format!(
            "{:<12} -> {:<12} {:>+6.3}  {}",
            e.expected.as_str(),
            t.tagging.label.as_str(),
            t.tagging.score,
            e.record.display_path()
        ),
        Outcome::Failed(m) | Outcome::Skipped(m) => format!(
            "{:<12} -> {:<12} {:>6}  {}  ({m})",
            e.expected.as_str(),
            "error",
            "-",
            e.record.display_path()
        ),
    }
}

fn json(c: &ClassScores) -> serde_json::Value {
    serde_json::json!({
        "precision": round4(c.precision),
        "recall": round4(c.recall),
        "f1": round4(c.f1),
        "support": c.support,
    })
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// A hand-checked set of 10 postings:
    ///
    /// | expected     | predicted                                   |
    /// |--------------|---------------------------------------------|
    /// | cio-like x4  | cio, cio, cio, cto                          |
    /// | cto-like x3  | cto, cto, blended                           |
    /// | blended x2   | blended, error                              |
    /// | unclassified | cto                                         |
    fn hand_checked() -> Evaluation {
        Evaluation::from_pairs([
            (CioLike, Some(CioLike)),
            (CioLike, Some(CioLike)),
            (CioLike, Some(CioLike)),
            (CioLike, Some(CtoLike)),
            (CtoLike, Some(CtoLike)),
            (CtoLike, Some(CtoLike)),
            (CtoLike, Some(Blended)),
            (Blended, Some(Blended)),
            (Blended, None),
            (Unclassified, Some(CtoLike)),
        ])
    }

    #[test]
    fn arithmetic_on_a_hand_checked_set() {
        let e = hand_checked();
        assert_eq!(e.total(), 10);
        assert_eq!(e.failed(), 1);
        // 3 + 2 + 1 + 0 right out of 10.
        assert!(close(e.accuracy(), 0.6));
        // cio-like: tp 3, predicted 3, support 4.
        let cio = e.class(CioLike);
        assert!(close(cio.precision, 1.0) && close(cio.recall, 0.75));
        assert!(close(cio.f1, 2.0 * 0.75 / 1.75));
        // cto-like: tp 2, predicted 4 (2 + the cio miss + the unclassified miss), support 3.
        let cto = e.class(CtoLike);
        assert!(close(cto.precision, 0.5) && close(cto.recall, 2.0 / 3.0));
        // blended: tp 1, predicted 2, support 2.
        let bl = e.class(Blended);
        assert!(close(bl.precision, 0.5) && close(bl.recall, 0.5) && close(bl.f1, 0.5));
        // unclassified: nothing predicted, support 1: F1 0.
        assert!(close(e.class(Unclassified).f1, 0.0));
        let cto_f1 = 2.0 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0);
        let want = (2.0 * 0.75 / 1.75 + cto_f1 + 0.5 + 0.0) / 4.0;
        assert!(close(e.macro_f1(), want), "{} vs {want}", e.macro_f1());
        assert_eq!(e.cio_cto_confusions(), 1);
    }

    #[test]
    fn json_and_table_agree_with_the_numbers() {
        let e = hand_checked();
        let j = e.to_json();
        assert_eq!(j["postings"], 10);
        assert_eq!(j["accuracy"], 0.6);
        assert_eq!(j["confusion"]["cio-like"]["cto-like"], 1);
        assert_eq!(j["confusion"]["blended"]["error"], 1);
        assert_eq!(j["classes"]["blended"]["f1"], 0.5);
        let mut out = Vec::new();
        e.write_table(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("accuracy 0.600"), "{text}");
        assert!(text.contains("cio<->cto confused 1 (10.0%)"), "{text}");
    }

    #[test]
    fn absent_classes_do_not_drag_macro_f1() {
        let e = Evaluation::from_pairs([(CioLike, Some(CioLike)), (CtoLike, Some(CtoLike))]);
        assert!(close(e.macro_f1(), 1.0));
    }

    #[test]
    fn expected_labels_from_names_and_folders() {
        assert_eq!(parse_expected("none"), Some(Unclassified));
        assert_eq!(parse_expected(" CTO-like "), Some(CtoLike));
        assert_eq!(parse_expected("manager"), None);
        let root = Path::new("/c");
        assert_eq!(
            expected_from_path(root, Path::new("/c/cio-like/a.txt")),
            Some(CioLike)
        );
        assert_eq!(
            expected_from_path(root, Path::new("/c/blended/x/y.txt")),
            Some(Blended)
        );
        assert_eq!(expected_from_path(root, Path::new("/c/a.txt")), None);
        assert_eq!(expected_from_path(root, Path::new("/c/misc/a.txt")), None);
    }
}
