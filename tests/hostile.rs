//! Integration tests for hostile input (issue 16): postings and reports far
//! larger than usual, read back and compared by the real `roletag` binary.
//!
//! Memory is measured by hand (README, "Memory"); these tests check that the
//! results are exact, never how long anything takes.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use common::*;

fn json_lines(o: &Output) -> Vec<Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// See: issue 16 ("16 MB of erp takes 520 MB"). A posting of one term repeated a
/// million times is counted exactly, hit by hit, though a scan no longer keeps
/// its hits.
#[test]
fn a_term_repeated_a_million_times_is_counted_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erp.txt");
    let n = 1 << 20;
    std::fs::write(&path, "erp ".repeat(n)).unwrap();
    let out = run(&["scan", path_str(&path), "--format", "jsonl", "-q"]);
    assert_code(&out, 0);
    let records = json_lines(&out);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["words"], n);
    assert_eq!(r["coverage"], 1.0);
    assert_eq!(r["ignored"], Value::Array(vec![]));
    let evidence = r["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert_eq!(evidence[0]["term"], "erp");
    assert_eq!(evidence[0]["count"], n);
    // `tag` builds the other automaton; it counts the same.
    let tagged = run(&["tag", path_str(&path), "--format", "json"]);
    assert_code(&tagged, 0);
    assert_eq!(&json_lines(&tagged)[0], r);
}

/// A long posting (the sample corpus joined, with its headings, boilerplate and
/// negations) gets the same report from `scan`, which counts its hits a block at
/// a time, as from `explain`, which keeps every hit; and `explain`'s hits add up
/// to the report's counts.
#[test]
fn a_long_posting_scans_as_it_explains() {
    let mut names: Vec<_> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    names.sort();
    let mut text = String::new();
    for _ in 0..2 {
        for name in &names {
            text.push_str(&std::fs::read_to_string(name).unwrap());
            text.push('\n');
        }
    }
    assert!(text.len() > 128 * 1024, "{} bytes", text.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, &text).unwrap();
    let scanned = run(&["scan", path_str(&path), "--format", "jsonl", "-q"]);
    assert_code(&scanned, 0);
    let explained = run(&["explain", path_str(&path), "--format", "json"]);
    assert_code(&explained, 0);
    let mut x = json_lines(&explained).remove(0);
    let hits = x.as_object_mut().unwrap().remove("hits").unwrap();
    x.as_object_mut().unwrap().remove("text").unwrap();
    let r = json_lines(&scanned).remove(0);
    assert_eq!(x, r);
    let hits = hits.as_array().unwrap();
    let counted = hits.iter().filter(|h| h["status"] == "counted").count();
    let ignored = hits.len() - counted;
    let sum = |list: &Value| -> usize {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e["count"].as_u64().unwrap() as usize)
            .sum()
    };
    assert!(
        counted > 1000 && ignored > 10,
        "{counted} counted, {ignored} ignored"
    );
    assert_eq!(sum(&r["ignored"]), ignored);
    // The report lists only the strongest evidence terms; `tag --top` lists them all.
    let all = run(&[
        "tag",
        path_str(&path),
        "--format",
        "json",
        "--top",
        "100000",
    ]);
    assert_code(&all, 0);
    assert_eq!(sum(&json_lines(&all)[0]["evidence"]), counted);
}

/// See: issue 16 ("a `--format json` report with one 1 GiB posting takes 2 GB to
/// read back"). A document whose posting carries a 16 MiB field reads back whole:
/// `summarize` and `diff` skip the field, not the posting (memory measured by
/// hand: CHANGELOG).
#[test]
fn a_document_with_a_huge_posting_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let posting = dir.path().join("p.txt");
    std::fs::write(
        &posting,
        "We run the ERP and the service desk for internal users.\n",
    )
    .unwrap();
    let out = run(&["scan", path_str(&posting), "--format", "json", "-q"]);
    assert_code(&out, 0);
    let doc = String::from_utf8(out.stdout).unwrap();
    let at = doc.find("\"path\":").unwrap();
    let report = dir.path().join("report.json");
    let mut big = String::with_capacity(doc.len() + (16 << 20));
    big.push_str(&doc[..at]);
    big.push_str("\"fields\":{\"description\":\"");
    big.push_str(&"erp ".repeat(4 << 20));
    big.push_str("\"},");
    big.push_str(&doc[at..]);
    std::fs::write(&report, big).unwrap();
    let summary = run(&["summarize", path_str(&report)]);
    assert_code(&summary, 0);
    let text = String::from_utf8(summary.stdout).unwrap();
    assert!(
        text.starts_with("1 posting: 1 tagged, 0 failed, 0 skipped; 0 malformed lines"),
        "{text}"
    );
    let same = run(&[
        "diff",
        path_str(&report),
        path_str(&report),
        "--format",
        "json",
    ]);
    assert_code(&same, 0);
    let d: Value = serde_json::from_slice(&same.stdout).unwrap();
    assert_eq!(d["paired"], 1);
    assert_eq!(d["old"]["malformed"], 0);
}
