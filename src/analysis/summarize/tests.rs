//! Unit tests of summaries.

use super::*;
use crate::engine::lexicon::Pole;
use crate::report::file::{EvidenceTerm, TaggedPosting};

fn posting(
    path: &str,
    label: Label,
    score: f64,
    axes: &[(&str, f64, f64)],
    terms: &[(&str, Pole, f64)],
) -> ReportPosting {
    ReportPosting::tagged_for_test(
        path,
        TaggedPosting {
            label,
            score,
            confidence: 0.5,
            total: PoleWeights { cio: 1.0, cto: 2.0 },
            core_evidence: 3.0,
            axes: axes
                .iter()
                .map(|(n, cio, cto)| {
                    (
                        n.to_string(),
                        PoleWeights {
                            cio: *cio,
                            cto: *cto,
                        },
                    )
                })
                .collect(),
            evidence: terms
                .iter()
                .map(|(t, pole, c)| EvidenceTerm {
                    term: t.to_string(),
                    axis: "focus".to_string(),
                    pole: *pole,
                    count: 2,
                    weight: 1.0,
                    contribution: *c,
                    context: false,
                })
                .collect(),
        },
    )
}

fn failed(path: &str, skipped: bool) -> ReportPosting {
    ReportPosting::failed_for_test(path, "x", skipped)
}

fn summarize(by: GroupBy, depth: usize, postings: &[ReportPosting]) -> Breakdown {
    let mut s = Summarizer::new(SummaryOptions { by, depth });
    for p in postings {
        s.add(p);
    }
    s.finish()
}

fn names(b: &Breakdown) -> Vec<&str> {
    b.groups.iter().map(|g| g.name.as_str()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn corpus() -> Vec<ReportPosting> {
    vec![
        posting(
            "c/labeled/cio/a.txt",
            Label::CioLike,
            -0.8,
            &[("focus", 4.0, 1.0)],
            &[("erp", Pole::Cio, -0.6)],
        ),
        posting(
            "c/labeled/cto/b.txt",
            Label::CtoLike,
            0.6,
            &[("focus", 1.0, 3.0), ("domain", 0.0, 2.0)],
            &[("app", Pole::Cto, 0.5)],
        ),
        posting(
            "c/labeled/cio/d.txt",
            Label::CioLike,
            -0.4,
            &[("focus", 2.0, 0.0)],
            &[("erp", Pole::Cio, -0.2), ("app", Pole::Cto, 0.1)],
        ),
        posting(
            "c/sample/e.txt",
            Label::Blended,
            0.0,
            &[("focus", 1.0, 1.0)],
            &[],
        ),
        failed("c/sample/f.bin", true),
        failed("c/sample/deep/g.txt", false),
    ]
}

#[test]
fn folders_group_below_the_shared_folder_at_a_depth() {
    let b = summarize(GroupBy::Folder, 1, &corpus());
    assert_eq!(b.root.as_deref(), Some("c"));
    assert_eq!(names(&b), ["c/labeled", "c/sample"]);
    assert_eq!(b.groups[0].labels, [2, 1, 0, 0]);
    assert_eq!((b.groups[1].failed, b.groups[1].skipped), (1, 1));
    let b = summarize(GroupBy::Folder, 2, &corpus());
    assert_eq!(
        names(&b),
        [
            "c/labeled/cio",
            "c/labeled/cto",
            "c/sample",
            "c/sample/deep"
        ]
    );
    let b = summarize(GroupBy::Folder, 0, &corpus());
    assert_eq!(names(&b), ["c"]);
    let one = summarize(GroupBy::Folder, 1, &corpus()[..1]);
    assert_eq!(
        names(&one),
        ["c/labeled/cio"],
        "one folder is its own group"
    );
    let bare = summarize(
        GroupBy::Folder,
        1,
        &[posting("x.jsonl", Label::Blended, 0.0, &[], &[])],
    );
    assert_eq!(names(&bare), ["."]);
}

#[test]
fn counts_shares_and_means_are_over_tagged_postings() {
    let b = summarize(GroupBy::None, 1, &corpus());
    assert_eq!(names(&b), [ALL]);
    let a = &b.all;
    assert_eq!(
        (a.postings(), a.tagged(), a.failed, a.skipped),
        (6, 4, 1, 1)
    );
    assert!(close(a.share(Label::CioLike), 0.5));
    assert!(close(a.mean_score(), (-0.8 + 0.6 - 0.4 + 0.0) / 4.0));
    assert_eq!(b.axes, ["focus", "domain"]);
    let focus = a.axis_mean(0);
    assert!(close(focus.cio, 2.0) && close(focus.cto, 1.25));
    assert!(close(a.axis_mean(1).cto, 0.5), "a missing axis counts as 0");
    assert!(close(a.mean_weights().cto, 2.0));
    let empty = summarize(GroupBy::None, 1, &[failed("x", false)]);
    assert!(close(empty.all.mean_score(), 0.0) && close(empty.all.share(Label::Blended), 0.0));
}

#[test]
fn label_expected_file_and_field_groupings() {
    let mut ps = corpus();
    ps[0].expected = Some("CIO".to_string());
    ps[1].expected = Some("cto-like".to_string());
    ps[2].expected = Some("odd".to_string());
    ps[0].field = Some("Acme".to_string());
    let b = summarize(GroupBy::Label, 1, &ps);
    assert_eq!(names(&b), ["cio-like", "cto-like", "blended", "failed"]);
    let b = summarize(GroupBy::Expected, 1, &ps);
    assert_eq!(names(&b), [NO_VALUE, "cio-like", "cto-like", "odd"]);
    assert_eq!(b.groups[0].postings(), 3);
    let b = summarize(GroupBy::File, 1, &ps[..2]);
    assert_eq!(names(&b), ["c/labeled/cio/a.txt", "c/labeled/cto/b.txt"]);
    let b = summarize(GroupBy::Field("company".into()), 1, &ps);
    assert_eq!(names(&b), [NO_VALUE, "Acme"]);
    for (s, by) in [
        ("folder", GroupBy::Folder),
        ("none", GroupBy::None),
        ("field:x", GroupBy::Field("x".into())),
    ] {
        assert_eq!(s.parse::<GroupBy>().unwrap(), by);
        assert_eq!(by.to_string(), s);
    }
    assert!("field:".parse::<GroupBy>().is_err());
    assert!("company".parse::<GroupBy>().is_err());
}

#[test]
fn top_terms_rank_by_contribution_or_postings_per_label() {
    let mut ps = corpus();
    ps.push(posting(
        "c/x.txt",
        Label::CioLike,
        -1.0,
        &[],
        &[("sap", Pole::Cio, -0.9)],
    ));
    let b = summarize(GroupBy::None, 1, &ps);
    let rank = |order| -> Vec<(String, u64)> {
        b.top_terms(Label::CioLike, 10, order)
            .iter()
            .map(|t| (t.term.clone(), t.postings))
            .collect()
    };
    let by_c = rank(TermOrder::Contribution);
    assert_eq!(
        by_c,
        [("sap".into(), 1), ("erp".into(), 2), ("app".into(), 1)]
    );
    let by_p = rank(TermOrder::Postings);
    assert_eq!(by_p[0], ("erp".to_string(), 2));
    let erp = b.top_terms(Label::CioLike, 1, TermOrder::Postings)[0];
    assert!(close(erp.contribution, -0.8));
    assert_eq!(erp.hits, 4);
    assert_eq!(b.top_terms(Label::CtoLike, 5, TermOrder::Postings).len(), 1);
    assert_eq!(
        b.top_terms(Label::CioLike, 1, TermOrder::Contribution)
            .len(),
        1
    );
}

#[test]
fn renders_table_json_and_csv_from_the_same_numbers() {
    let b = summarize(GroupBy::Folder, 1, &corpus());
    let mut table = Vec::new();
    b.write_table(&mut table, 5, TermOrder::Contribution)
        .unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(table.starts_with("6 postings: 4 tagged, 1 failed, 1 skipped; 0 malformed lines; grouped by folder (depth 1 below c)"), "{table}");
    assert!(
        table.contains("c/labeled         3       2  66.7%"),
        "{table}"
    );
    assert!(
        table.contains("(all)             6       2  50.0%"),
        "{table}"
    );
    assert!(
        table.contains("top terms of cio-like (2 postings), by total contribution"),
        "{table}"
    );
    let mut json = Vec::new();
    b.write_json(&mut json, 5).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["by"], "folder");
    assert_eq!(v["root"], "c");
    assert_eq!(v["groups"][0]["group"], "c/labeled");
    assert_eq!(v["groups"][0]["labels"]["cio-like"]["count"], 2);
    assert_eq!(v["all"]["axes"]["focus"]["cio"], 2.0);
    assert_eq!(v["terms"]["cio-like"]["by_postings"][0]["term"], "erp");
    assert_eq!(v["terms"]["cio-like"]["by_postings"][0]["share"], 1.0);
    let text = String::from_utf8(json).unwrap();
    assert!(
        text.find("\"focus\"").unwrap() < text.find("\"domain\"").unwrap(),
        "axes keep report order"
    );
    let mut csv = Vec::new();
    b.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0]
            .starts_with("group,postings,tagged,failed,skipped,cio_like,cio_like_share,cto_like,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with(",domain_cio,domain_cto,domain_orientation"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4, "header, two groups, (all)");
    assert!(
        lines[3].starts_with("(all),6,4,1,1,2,0.5,1,0.25,"),
        "{}",
        lines[3]
    );
}

#[test]
fn source_fields_read_a_field_of_the_source_record() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("p.jsonl");
    std::fs::write(&jsonl, "{\"company\":\"Acme\",\"description\":\"x\"}\n\n{\"company\":7}\nnot json\n{\"description\":\"y\"}\n").unwrap();
    let csv = dir.path().join("p.csv");
    std::fs::write(&csv, "company,text\nBeta,hello\n").unwrap();
    let mut src = SourceFields::new("company", 1 << 20);
    let at = |path: &Path, record| ReportPosting {
        record: Some(record),
        ..failed(&path.display().to_string(), false)
    };
    assert_eq!(src.value(&at(&jsonl, 0)).as_deref(), Some("Acme"));
    assert_eq!(
        src.value(&at(&jsonl, 1)).as_deref(),
        Some("7"),
        "blank lines are not records"
    );
    assert_eq!(src.value(&at(&jsonl, 2)), None);
    assert_eq!(src.value(&at(&jsonl, 3)), None);
    assert_eq!(src.value(&at(&csv, 0)).as_deref(), Some("Beta"));
    let gone = dir.path().join("gone.jsonl");
    assert_eq!(src.value(&at(&gone, 0)), None);
    let problems = src.problems();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].0.ends_with("gone.jsonl") && problems[0].1.starts_with("cannot read"));
    assert_eq!(
        src.value(&failed("doc.txt", false)),
        None,
        "a document has no fields"
    );
}

/// Issue 16: folders whose names are not UTF-8 (`bad\xff`, `bad\xfe`) read back
/// as the same lossy `bad\u{fffd}`; grouped by their `path_bytes`, they stay two
/// groups, shown apart in the table and with their bytes in JSON.
#[test]
fn folders_that_are_not_utf8_stay_apart() {
    let lossy = |bytes: &[u8], label| {
        let mut p = posting(
            &String::from_utf8_lossy(bytes),
            label,
            0.0,
            &[("focus", 1.0, 1.0)],
            &[],
        );
        p.path_bytes = Some(bytes.to_vec());
        p
    };
    let postings = [
        lossy(b"c/bad\xff/a.txt", Label::CioLike),
        lossy(b"c/bad\xfe/b.txt", Label::CtoLike),
        lossy(b"c/bad\xfe/c.txt", Label::CtoLike),
        posting("c/good/d.txt", Label::Blended, 0.0, &[], &[]),
    ];
    for (by, depth) in [
        (GroupBy::Folder, 1),
        (GroupBy::Folder, 3),
        (GroupBy::File, 0),
    ] {
        let b = summarize(by.clone(), depth, &postings);
        let want = if by == GroupBy::File { 4 } else { 3 };
        assert_eq!(b.groups.len(), want, "{by:?} {depth}");
    }
    let b = summarize(GroupBy::Folder, 1, &postings);
    let bytes: Vec<Option<&[u8]>> = b.groups.iter().map(|g| g.name_bytes.as_deref()).collect();
    assert_eq!(
        bytes,
        [Some(&b"c/bad\xfe"[..]), Some(&b"c/bad\xff"[..]), None]
    );
    assert_eq!(b.groups[0].labels, [0, 2, 0, 0]);
    let mut table = Vec::new();
    b.write_table(&mut table, 5, TermOrder::Contribution)
        .unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.contains("c/bad\\xfe ") && table.contains("c/bad\\xff "),
        "{table}"
    );
    let mut json = Vec::new();
    b.write_json(&mut json, 5).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["groups"][1]["group"], "c/bad\u{fffd}");
    assert_eq!(
        v["groups"][1]["group_bytes"],
        serde_json::json!([99, 47, 98, 97, 100, 255])
    );
    assert!(v["groups"][2].get("group_bytes").is_none());
}
