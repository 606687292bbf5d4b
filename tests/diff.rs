//! Integration tests: `roletag diff`: two reports compared, and reports read back.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;

/// Each posting's label (or `failed`) and score, by path (with `#record` for records).
fn states(report: &Path) -> BTreeMap<String, (String, Option<f64>)> {
    fs::read_to_string(report)
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str::<Line>(l).unwrap() {
            Line::Tagged(t) => (key_of(&t.path, t.record), (t.label, Some(t.score))),
            Line::Failed(f) => (key_of(&f.path, f.record), ("failed".to_string(), None)),
        })
        .collect()
}

fn key_of(path: &str, record: Option<u64>) -> String {
    match record {
        Some(n) => format!("{path}#{n}"),
        None => path.to_string(),
    }
}

/// A lexicon edit changes some labels: `diff` reports exactly the postings whose
/// label (or failure) differs between the two reports, computed here from the
/// reports themselves, plus the added and removed ones, and exits 1.
#[test]
fn diff_finds_exactly_the_postings_whose_label_differs() {
    let d = mixed_folder();
    let out = Dir::new();
    let (old, new) = (out.path().join("old.jsonl"), out.path().join("new.jsonl"));
    d.write("y-emptied.txt", CTO_POSTING);
    scan_report(&[], &["corpora/sample", &d.s()], &old);
    fs::remove_file(d.path().join("a-cio.txt")).unwrap();
    d.write("y-emptied.txt", "");
    d.write("z-new.txt", CTO_POSTING);
    scan_report(&["--lexicon", MINI], &["corpora/sample", &d.s()], &new);
    let (before, after) = (states(&old), states(&new));
    let differs: Vec<&String> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|w| w.0 != v.0))
        .map(|(k, _)| k)
        .collect();
    let score_only = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|w| w.0 == v.0 && w.1 != v.1))
        .count();
    assert!(
        differs.len() > 5,
        "the lexicons should disagree: {differs:?}"
    );

    let o = run(&[
        "diff",
        "--format",
        "json",
        &old.display().to_string(),
        &new.display().to_string(),
    ]);
    assert_code(&o, 1);
    let j: DiffJson = serde_json::from_slice(&o.stdout).expect("diff JSON");
    let of_kind = |kinds: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = j
            .changes
            .iter()
            .filter(|c| kinds.contains(&c.change.as_str()))
            .map(|c| key_of(&c.path, c.record))
            .collect();
        v.sort();
        v
    };
    let expected: Vec<String> = differs.iter().map(|s| s.to_string()).collect();
    assert_eq!(of_kind(&["label", "failed", "recovered"]), expected);
    let gone = d.path().join("a-cio.txt").display().to_string();
    let added = d.path().join("z-new.txt").display().to_string();
    assert_eq!(of_kind(&["removed"]), [gone]);
    assert_eq!(of_kind(&["added"]), [added]);
    assert_eq!(
        (j.key.as_str(), j.old.postings, j.new.postings),
        ("path", 44, 44)
    );
    assert_eq!((j.old.malformed, j.new.duplicates), (0, 0));
    assert_eq!((j.paired, j.score_only), (43, score_only as u64));
    let emptied = j.changes.iter().find(|c| c.path.ends_with("y-emptied.txt"));
    match emptied.map(|c| (c.change.as_str(), &c.new)) {
        Some(("failed", Some(DiffVersion::Failed { error }))) => {
            assert!(error.contains("empty"), "{error}")
        }
        other => panic!("the emptied posting failed: {other:?}"),
    }
    assert_eq!(
        j.changed["label"] + j.changed["failed"] + j.changed["recovered"],
        expected.len() as u64
    );
    // Every cell of the matrix is a count of postings computed from the reports.
    let mut cells: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (k, v) in &before {
        let now = after.get(k).map_or("removed", |w| w.0.as_str());
        *cells.entry((v.0.as_str(), now)).or_default() += 1;
    }
    for (_, v) in after.iter().filter(|(k, _)| !before.contains_key(*k)) {
        *cells.entry(("added", v.0.as_str())).or_default() += 1;
    }
    let mut total = 0;
    for (old_state, row) in &j.matrix {
        for (new_state, n) in row {
            let want = cells
                .get(&(old_state.as_str(), new_state.as_str()))
                .copied();
            assert_eq!(*n, want.unwrap_or(0), "matrix[{old_state}][{new_state}]");
            total += n;
        }
    }
    assert_eq!(
        total,
        cells.values().sum::<u64>(),
        "every posting is in one cell"
    );
    // The evidence of a label change accounts for the score's move.
    for c in j.changes.iter().filter(|c| c.change == "label") {
        let (
            Some(DiffVersion::Tagged { score: s0, .. }),
            Some(DiffVersion::Tagged { score: s1, .. }),
        ) = (&c.old, &c.new)
        else {
            panic!("a label change has two tagged versions: {c:?}");
        };
        let moved: f64 = c.evidence.iter().map(|t| t.delta).sum();
        assert!((moved - (s1 - s0)).abs() < 0.01, "{c:?}");
        for t in &c.evidence {
            assert!(
                close(t.delta, t.new_contribution - t.old_contribution),
                "{t:?}"
            );
            assert!(t.delta != 0.0 && !t.axis.is_empty(), "{t:?}");
            assert!(["cio", "cto"].contains(&t.pole.as_str()), "{t:?}");
            match t.status.as_str() {
                "appeared" => assert!(t.old_count == 0 && t.old_weight == 0.0),
                "disappeared" => assert!(t.new_count == 0 && t.new_weight == 0.0),
                "rescaled" => assert!((t.old_weight - t.new_weight).abs() < 0.01, "{t:?}"),
                "reweighted" => {
                    assert!(t.old_count != t.new_count || !close(t.old_weight, t.new_weight))
                }
                other => panic!("unknown status {other}"),
            }
        }
    }
    for c in &j.changes {
        for v in [&c.old, &c.new].into_iter().flatten() {
            if let DiffVersion::Tagged { confidence, .. } = v {
                assert!((0.0..=1.0).contains(confidence), "{c:?}");
            }
        }
    }

    // The same report twice: nothing changed, exit 0; the table says so.
    let same = run(&[
        "diff",
        &old.display().to_string(),
        &old.display().to_string(),
    ]);
    assert_code(&same, 0);
    let table = stdout(&same);
    assert!(
        table.contains("44 postings paired by path; 0 changed"),
        "{table}"
    );
    assert!(
        table.contains("label changes (rows: old report, columns: new report)"),
        "{table}"
    );
}

/// Pairing by id follows records that moved to another file or row; the JSON
/// document of `scan --format json` reads like JSONL; bad lines are reported with
/// file and line and make the comparison exit 2, as does a missing report.
#[test]
fn diff_keys_documents_and_trouble() {
    let d = Dir::new();
    let a = d.write(
        "a.jsonl",
        "{\"id\":\"j1\",\"text\":\"Run the ERP and the service desk for internal users\"}\n\
         {\"id\":\"j2\",\"text\":\"Ship features for our mobile app and own the product roadmap\"}\n",
    );
    let b = d.write(
        "b.jsonl",
        "{\"id\":\"j2\",\"text\":\"Ship features for our mobile app and own the product roadmap\"}\n\
         {\"id\":\"j1\",\"text\":\"Run the ERP and the service desk, ship features for the mobile app\"}\n",
    );
    let (old, new) = (d.path().join("old.jsonl"), d.path().join("new.json"));
    scan_report(&["--lexicon", MINI], &[&a.display().to_string()], &old);
    let o = run(&[
        "--lexicon",
        MINI,
        "-q",
        "scan",
        "--format",
        "json",
        "-o",
        &new.display().to_string(),
        &b.display().to_string(),
    ]);
    assert_code(&o, 0);
    let (old_s, new_s) = (old.display().to_string(), new.display().to_string());
    let by_id = run(&["diff", "--key", "id", "--format", "json", &old_s, &new_s]);
    assert_code(&by_id, 1);
    let j: DiffJson = serde_json::from_slice(&by_id.stdout).unwrap();
    assert_eq!((j.key.as_str(), j.paired, j.changes.len()), ("id", 2, 1));
    let c = &j.changes[0];
    assert_eq!(
        (c.id.as_deref(), c.change.as_str(), c.record),
        (Some("j1"), "label", Some(1))
    );
    assert!(matches!(&c.old, Some(DiffVersion::Tagged { label, .. }) if label == "cio-like"));
    assert!(matches!(&c.new, Some(DiffVersion::Tagged { label, .. }) if label == "blended"));
    let moved: Vec<(&str, &str, u32, u32)> = c
        .evidence
        .iter()
        .map(|t| (t.term.as_str(), t.status.as_str(), t.old_count, t.new_count))
        .collect();
    assert_eq!(
        moved,
        [
            ("internal users", "disappeared", 1, 0),
            ("mobile app*", "appeared", 0, 1),
            ("ship features", "appeared", 0, 1),
            ("erp", "rescaled", 1, 1),
            ("service desk", "rescaled", 1, 1),
        ]
    );
    let by_path = run(&["diff", "--format", "json", &old_s, &new_s]);
    let j: DiffJson = serde_json::from_slice(&by_path.stdout).unwrap();
    assert_eq!(
        (j.paired, j.changed["added"], j.changed["removed"]),
        (0, 2, 2)
    );

    let table = run(&["diff", "--key", "id", &old_s, &new_s]);
    let out = stdout(&table);
    assert!(out.contains("cio-like     -> blended"), "{out}");
    assert!(
        out.contains("appeared    mobile app* (systems, cto)"),
        "{out}"
    );

    let mut text = fs::read_to_string(&old).unwrap();
    text.insert_str(0, "{\"path\": oops\n");
    let broken = d.write("broken.jsonl", text);
    let o = run(&["diff", &broken.display().to_string(), &old_s]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:1: invalid JSON", broken.display())),
        "{err}"
    );
    assert!(
        stdout(&o).contains("old: 2 postings (0 duplicate keys left out, 1 line not a posting)")
    );
    let o = run(&["diff", "missing.jsonl", &old_s]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("missing.jsonl: cannot read"));
    let o = run(&["diff", "-", "-"]);
    assert_code(&o, 2);
}

/// A report of a newer `schema_version` was read as if it were ours.
#[test]
fn issue16_newer_schema_versions_are_refused() {
    let d = Dir::new();
    let posting = d.write("p.txt", CIO_POSTING);
    let o = run(&["scan", "--format", "jsonl", posting.to_str().unwrap()]);
    let ours = d.write("ours.jsonl", &o.stdout);
    let newer = stdout(&o).replace(r#""schema_version":1"#, r#""schema_version":99"#);
    let newer = d.write("newer.jsonl", newer);
    let o = run(&["summarize", newer.to_str().unwrap()]);
    assert_code(&o, 1);
    let why = "newer.jsonl:1: schema_version 99 is newer than this roletag reads (1)";
    assert!(stderr(&o).contains(why), "{}", stderr(&o));
    let o = run(&["diff", ours.to_str().unwrap(), newer.to_str().unwrap()]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains(why), "{}", stderr(&o));
}
