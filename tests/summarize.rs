//! Integration tests: `roletag summarize`: counts, shares and means per group of a report.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;

use common::*;

/// `summarize` counts what the scan counted, whichever report format it reads, and
/// `scan --summary` prints the same table from the records in memory.
#[test]
fn summarize_counts_equal_the_scan_summary() {
    let d = mixed_folder();
    let out = Dir::new();
    let (jl, doc) = (out.path().join("r.jsonl"), out.path().join("r.json"));
    let roots = ["corpora/sample", &d.s()];
    scan_report(&["--lexicon", MINI], &roots, &jl);
    let o = run(&[
        "--lexicon",
        MINI,
        "-q",
        "scan",
        "--format",
        "json",
        "-o",
        &doc.display().to_string(),
        roots[0],
        roots[1],
    ]);
    assert_code(&o, 1);
    let report: JsonReport = serde_json::from_slice(&fs::read(&doc).unwrap()).unwrap();

    let s = run(&[
        "summarize",
        "--by",
        "none",
        "--format",
        "json",
        &jl.display().to_string(),
    ]);
    assert_code(&s, 0);
    let v: serde_json::Value = serde_json::from_slice(&s.stdout).unwrap();
    let all = &v["all"];
    assert_eq!(all["postings"], report.summary.inputs);
    assert_eq!(all["tagged"], report.summary.tagged);
    assert_eq!(all["failed"], report.summary.failed);
    assert_eq!(all["skipped"], report.summary.skipped);
    for (label, n) in &report.summary.labels {
        assert_eq!(all["labels"][label]["count"], *n, "{label}");
    }
    assert_eq!(v["malformed"], 0);
    let from_doc = run(&[
        "summarize",
        "--by",
        "none",
        "--format",
        "json",
        &doc.display().to_string(),
    ]);
    assert_eq!(
        stdout(&from_doc),
        stdout(&s),
        "the JSON document reads like JSONL"
    );

    // `--by label`: one group per label with the scan's counts, plus `failed`.
    let csv = run(&[
        "summarize",
        "--by",
        "label",
        "--format",
        "csv",
        &jl.display().to_string(),
    ]);
    let rows: Vec<Vec<String>> = stdout(&csv)
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(
        &rows[0][..5],
        ["group", "postings", "tagged", "failed", "skipped"]
    );
    let groups: Vec<(&str, u64)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].parse().unwrap()))
        .collect();
    let labels = &report.summary.labels;
    assert_eq!(
        groups,
        [
            ("cio-like", labels["cio-like"]),
            ("cto-like", labels["cto-like"]),
            ("blended", labels["blended"]),
            ("unclassified", labels["unclassified"]),
            ("failed", report.summary.failed + report.summary.skipped),
            ("(all)", report.summary.inputs),
        ]
    );

    // `scan --summary` with -o: the table on stdout, equal to `summarize` of the report.
    let tapped = out.path().join("t.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "-q",
        "scan",
        "--format",
        "jsonl",
        "--summary=label",
        "-o",
        &tapped.display().to_string(),
        roots[0],
        roots[1],
    ]);
    assert_code(&o, 1);
    let table = run(&["summarize", "--by", "label", &tapped.display().to_string()]);
    assert_eq!(stdout(&o), stdout(&table));
    assert!(stdout(&o).contains("GROUP"), "{}", stdout(&o));
    // Without -o the report keeps stdout to itself and the table goes to stderr.
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "--summary",
        roots[0],
        roots[1],
    ]);
    assert_eq!(jsonl(&o).len() as u64, report.summary.inputs);
    assert!(stderr(&o).contains("grouped by folder"), "{}", stderr(&o));
}

/// Folders group below the folder all postings share, at `--depth`; a field of
/// the source records groups by its value; a bad report line is shown with file
/// and line, counted, and makes the exit code 1 while the rest is summarized.
#[test]
fn summarize_groups_by_folder_and_field_and_survives_bad_lines() {
    let d = mixed_folder();
    let out = Dir::new();
    let jl = out.path().join("r.jsonl");
    scan_report(&["--lexicon", MINI], &[&d.s()], &jl);
    let jl_s = jl.display().to_string();
    let groups = |args: &[&str]| -> Vec<(String, u64)> {
        let mut a = vec!["summarize", "--format", "csv"];
        a.extend(args);
        let o = run(&a);
        stdout(&o)
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[1].parse().unwrap())
            })
            .collect()
    };
    let nested = d.path().join("nested").display().to_string();
    assert_eq!(
        groups(&[&jl_s]),
        [(d.s(), 5), (nested.clone(), 2), ("(all)".to_string(), 7)]
    );
    let deeper = d.path().join("nested/deeper").display().to_string();
    assert_eq!(
        groups(&["--depth", "2", &jl_s]),
        [
            (d.s(), 5),
            (nested, 1),
            (deeper, 1),
            ("(all)".to_string(), 7)
        ]
    );

    let src = d.write(
        "export/postings.jsonl",
        "{\"company\":\"Acme\",\"text\":\"Run the ERP and the service desk\"}\n\
         {\"company\":\"Beta\",\"text\":\"Ship features for mobile apps\"}\n\
         {\"company\":\"Acme\",\"text\":\"Own the product roadmap and ship features\"}\n\
         {\"text\":\"Own the IT budget\"}\n",
    );
    let rj = out.path().join("records.jsonl");
    scan_report(&["--lexicon", MINI], &[&src.display().to_string()], &rj);
    let by_company = groups(&["--by", "field:company", &rj.display().to_string()]);
    let want: Vec<(String, u64)> = [("(none)", 1), ("Acme", 2), ("Beta", 1), ("(all)", 4)]
        .iter()
        .map(|(g, n)| (g.to_string(), *n))
        .collect();
    assert_eq!(by_company, want);

    let mut text = fs::read_to_string(&jl).unwrap();
    text.insert_str(text.find('\n').unwrap() + 1, "not json\n{\"path\":\"x\"}\n");
    let bad = out.path().join("bad.jsonl");
    fs::write(&bad, text).unwrap();
    let o = run(&["summarize", "--by", "none", &bad.display().to_string()]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:2: invalid JSON", bad.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:3: not a posting: neither `label` nor `error`",
            bad.display()
        )),
        "{err}"
    );
    assert!(
        stdout(&o).starts_with("7 postings: 5 tagged, 1 failed, 1 skipped; 2 malformed lines"),
        "{}",
        stdout(&o)
    );
    let o = run(&["summarize", "--by", "company", &jl_s]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("field:NAME"));
}

/// `summarize --by field:NAME` where no posting has the field warns; the exit
/// code stays 0 (a warning, not a malformed line).
#[test]
fn issue16_summarize_by_a_missing_field_warns() {
    let d = Dir::new();
    let records = d.write(
        "p.jsonl",
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "a", "company": "Acme", "description": CIO_POSTING}),
            serde_json::json!({"id": "b", "description": CTO_POSTING}),
        ),
    );
    let report = d.path().join("r.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "-q",
        "--format",
        "jsonl",
        records.to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let r = report.to_str().unwrap();
    let o = run(&["summarize", r, "--by", "field:compnay"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("warning: no posting has the field \"compnay\""),
        "{}",
        stderr(&o)
    );
    let o = run(&["summarize", r, "--by", "field:company"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("warning: 1 of 2 postings have no field \"company\""),
        "{}",
        stderr(&o)
    );
    let o = run(&["summarize", r, "--by", "field:id"]);
    assert_code(&o, 0);
    assert_eq!(stderr(&o), "");
}
