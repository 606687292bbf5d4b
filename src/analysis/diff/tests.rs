//! Unit tests of report diffs.

use super::*;
use crate::engine::score::PoleWeights;
use crate::report::file::{EvidenceTerm, TaggedPosting};

fn ev(term: &str, pole: Pole, count: u32, contribution: f64) -> EvidenceTerm {
    EvidenceTerm {
        term: term.to_string(),
        axis: "focus".to_string(),
        pole,
        count,
        weight: 1.0,
        contribution,
        context: false,
    }
}

fn tagged(path: &str, label: Label, score: f64, evidence: Vec<EvidenceTerm>) -> ReportPosting {
    ReportPosting::tagged_for_test(
        path,
        TaggedPosting {
            label,
            score,
            confidence: 0.5,
            total: PoleWeights { cio: 1.0, cto: 1.0 },
            core_evidence: 0.0,
            axes: Vec::new(),
            evidence,
        },
    )
}

fn failed(path: &str) -> ReportPosting {
    ReportPosting::failed_for_test(path, "empty", false)
}

fn with_id(mut p: ReportPosting, record: u64, id: &str) -> ReportPosting {
    p.record = Some(record);
    p.id = Some(id.to_string());
    p
}

fn diff(by: KeyBy, old: Vec<ReportPosting>, new: Vec<ReportPosting>) -> Diff {
    let mut d = Differ::new(by);
    for p in old {
        d.add_old(p);
    }
    for p in new {
        d.add_new(p);
    }
    d.finish()
}

fn m(d: &Diff, old: Side, new: Side) -> u64 {
    d.matrix[old.index()][new.index()]
}

const CIO: Side = Side::Label(Label::CioLike);
const BLENDED: Side = Side::Label(Label::Blended);

#[test]
fn only_postings_whose_label_moved_are_changes() {
    let erp = ev("erp", Pole::Cio, 2, -0.6);
    let old = vec![
        tagged(
            "a",
            Label::CioLike,
            -0.6,
            vec![erp.clone(), ev("app", Pole::Cto, 1, 0.4)],
        ),
        tagged("b", Label::CioLike, -0.8, vec![erp.clone()]),
        tagged("c", Label::CioLike, -0.8, vec![erp.clone()]),
    ];
    let new = vec![
        tagged(
            "a",
            Label::Blended,
            0.1,
            vec![
                ev("erp", Pole::Cio, 2, -0.3),
                ev("app", Pole::Cto, 1, 0.2),
                ev("saas", Pole::Cto, 1, 0.2),
            ],
        ),
        tagged("b", Label::CioLike, -0.7, vec![erp.clone()]),
        tagged("c", Label::CioLike, -0.8, vec![erp]),
    ];
    let d = diff(KeyBy::Path, old, new);
    assert_eq!(d.changes.len(), 1);
    assert_eq!((m(&d, CIO, BLENDED), m(&d, CIO, CIO)), (1, 2));
    assert_eq!(d.score_only, 1, "b moved its score but kept its label");
    let c = &d.changes[0];
    assert_eq!((c.path.as_str(), c.change), ("a", "label"));
    assert_eq!(c.old.as_ref().unwrap().label(), "cio-like");
    assert_eq!(c.new.as_ref().unwrap().label(), "blended");
    let got: Vec<(&str, f64, &str)> = c
        .evidence
        .iter()
        .map(|t| (t.term.as_str(), t.delta, t.status))
        .collect();
    assert_eq!(
        got,
        [
            ("erp", 0.3, "reweighted"),
            ("app", -0.2, "reweighted"),
            ("saas", 0.2, "appeared")
        ]
    );
    assert!(d.has_changes());
}

#[test]
fn added_removed_failed_and_recovered_fill_the_matrix_edges() {
    let old = vec![
        tagged("gone", Label::CioLike, -1.0, Vec::new()),
        tagged("breaks", Label::Blended, 0.0, Vec::new()),
        failed("heals"),
        failed("still-broken"),
        tagged("gone-too", Label::Blended, 0.0, Vec::new()),
    ];
    let new = vec![
        tagged("new", Label::CtoLike, 1.0, Vec::new()),
        failed("breaks"),
        tagged("heals", Label::CioLike, -1.0, Vec::new()),
        failed("still-broken"),
    ];
    let d = diff(KeyBy::Path, old, new);
    let kinds: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.change))
        .collect();
    assert_eq!(
        kinds,
        [
            ("new", "added"),
            ("breaks", "failed"),
            ("heals", "recovered"),
            ("gone", "removed"),
            ("gone-too", "removed")
        ]
    );
    assert_eq!(m(&d, Side::Absent, Side::Label(Label::CtoLike)), 1);
    assert_eq!(m(&d, BLENDED, Side::Failed), 1);
    assert_eq!(m(&d, Side::Failed, CIO), 1);
    assert_eq!(m(&d, Side::Failed, Side::Failed), 1);
    assert_eq!(m(&d, CIO, Side::Absent), 1);
    assert_eq!(m(&d, BLENDED, Side::Absent), 1);
    assert_eq!(d.paired(), 3);
    let removed = &d.changes[3];
    assert!(removed.new.is_none());
    assert_eq!(removed.old.as_ref().unwrap().label(), "cio-like");
}

#[test]
fn keys_pair_by_path_record_and_id_or_by_id_alone() {
    let old = vec![
        with_id(tagged("x.jsonl", Label::CioLike, -1.0, Vec::new()), 0, "j1"),
        with_id(tagged("x.jsonl", Label::CtoLike, 1.0, Vec::new()), 1, "j2"),
    ];
    // The export was re-sorted and renamed: same ids, other rows and file.
    let new = vec![
        with_id(tagged("y.jsonl", Label::CtoLike, 1.0, Vec::new()), 0, "j2"),
        with_id(tagged("y.jsonl", Label::Blended, 0.0, Vec::new()), 1, "j1"),
    ];
    let by_id = diff(KeyBy::Id, old.clone(), new.clone());
    assert_eq!(by_id.paired(), 2);
    assert_eq!(by_id.changes.len(), 1);
    assert_eq!(by_id.changes[0].id.as_deref(), Some("j1"));
    let by_path = diff(KeyBy::Path, old, new);
    assert_eq!((by_path.paired(), by_path.count(ChangeKind::Added)), (0, 2));
    // A row whose id changed in place is not the same posting.
    let old = vec![with_id(
        tagged("x.jsonl", Label::CioLike, -1.0, Vec::new()),
        0,
        "a",
    )];
    let new = vec![with_id(
        tagged("x.jsonl", Label::CioLike, -1.0, Vec::new()),
        0,
        "b",
    )];
    let d = diff(KeyBy::Path, old, new);
    assert_eq!(
        (d.count(ChangeKind::Added), d.count(ChangeKind::Removed)),
        (1, 1)
    );
}

#[test]
fn path_keys_ignore_dot_components_and_repeated_slashes() {
    for (a, b) in [
        ("./jobs/a.txt", "jobs/a.txt"),
        ("jobs//a.txt", "jobs/./a.txt"),
        ("/data/./jobs/a.txt", "/data/jobs/a.txt"),
    ] {
        assert_eq!(path_key(a.as_bytes()), path_key(b.as_bytes()), "{a} vs {b}");
        let d = diff(
            KeyBy::Path,
            vec![tagged(a, Label::CioLike, -1.0, Vec::new())],
            vec![tagged(b, Label::CtoLike, 1.0, Vec::new())],
        );
        assert_eq!((d.paired(), d.changes.len()), (1, 1), "{a} vs {b}");
        // The report still shows each side's own path.
        assert_eq!(d.changes[0].path, b);
    }
    for (a, b) in [
        ("/jobs/a.txt", "jobs/a.txt"),
        ("jobs/../a.txt", "a.txt"),
        ("jobs/a.txt", "jobs/b.txt"),
    ] {
        assert_ne!(path_key(a.as_bytes()), path_key(b.as_bytes()), "{a} vs {b}");
    }
    assert_eq!(path_key(b"<stdin>"), b"<stdin>");
    assert_eq!(path_key(b"."), b".");
    assert_eq!(path_key(b"/"), b"/");
}

/// See: issue 16. Two names that are one text once made lossy stay two postings.
#[test]
fn paths_that_are_not_utf8_are_keyed_by_their_bytes() {
    let at = |bytes: &[u8]| ReportPosting {
        path_bytes: Some(bytes.to_vec()),
        ..tagged("bad\u{fffd}.txt", Label::CioLike, -1.0, Vec::new())
    };
    let both = || vec![at(b"bad\xff.txt"), at(b"bad\xfe.txt")];
    let d = diff(KeyBy::Path, both(), both());
    assert_eq!((d.paired(), d.old.duplicates, d.new.duplicates), (2, 0, 0));
    assert!(!d.has_changes());
    // Not the key of a UTF-8 path that reads the same.
    let d = diff(
        KeyBy::Path,
        both(),
        vec![tagged("bad\u{fffd}.txt", Label::CioLike, -1.0, Vec::new())],
    );
    assert_eq!(d.paired(), 0);
}

#[test]
fn duplicate_keys_are_counted_and_left_out() {
    let p = || tagged("a", Label::CioLike, -1.0, Vec::new());
    let mut d = Differ::new(KeyBy::Path);
    assert!(d.add_old(p()));
    assert!(!d.add_old(tagged("a", Label::CtoLike, 1.0, Vec::new())));
    assert!(d.add_new(p()));
    assert!(!d.add_new(p()));
    let d = d.finish();
    assert_eq!((d.old.postings, d.old.duplicates), (2, 1));
    assert_eq!((d.new.postings, d.new.duplicates), (2, 1));
    assert!(!d.has_changes(), "the first of each key is compared");
}

#[test]
fn term_deltas_put_causes_before_rescaled_terms_and_drop_unmoved_ones() {
    let version = |cio: f64, cto: f64, evidence: Vec<EvidenceTerm>| TaggedPosting {
        label: Label::Blended,
        score: 0.0,
        confidence: 0.5,
        total: PoleWeights { cio, cto },
        core_evidence: 0.0,
        axes: Vec::new(),
        evidence,
    };
    let mut moved = ev("erp", Pole::Cio, 1, -0.25);
    moved.axis = "systems".to_string();
    // Old total 4, new total 8: a term keeping its weight halves its contribution.
    let old = version(
        3.0,
        1.0,
        vec![
            ev("erp", Pole::Cio, 1, -0.5),
            ev("same", Pole::Cto, 1, 0.25),
            ev("x", Pole::Cio, 1, -0.1),
            ev("app", Pole::Cto, 1, 0.25),
            ev("flat", Pole::Cto, 1, 0.1),
        ],
    );
    let new = version(
        4.0,
        4.0,
        vec![
            moved,
            ev("same", Pole::Cto, 1, 0.125),
            ev("x", Pole::Cto, 1, 0.1),
            ev("app", Pole::Cto, 1, 0.5),
            ev("flat", Pole::Cto, 1, 0.1),
        ],
    );
    let d = term_deltas(&old, &new);
    let got: Vec<(&str, &str, &str, f64, &str)> = d
        .iter()
        .map(|t| (t.term.as_str(), t.axis.as_str(), t.pole, t.delta, t.status))
        .collect();
    assert_eq!(
        got,
        [
            ("app", "focus", "cto", 0.25, "reweighted"),
            ("x", "focus", "cio", 0.1, "disappeared"),
            ("x", "focus", "cto", 0.1, "appeared"),
            ("erp", "systems", "cio", 0.25, "rescaled"),
            ("same", "focus", "cto", -0.125, "rescaled"),
        ]
    );
    assert!((d[0].old_weight - 1.0).abs() < 1e-9 && (d[0].new_weight - 4.0).abs() < 1e-9);
}

#[test]
fn json_has_ordered_matrix_without_the_added_removed_cell() {
    let d = diff(
        KeyBy::Path,
        vec![tagged(
            "a",
            Label::CioLike,
            -1.0,
            vec![ev("erp", Pole::Cio, 1, -1.0)],
        )],
        vec![tagged("a", Label::Blended, 0.0, Vec::new())],
    );
    let mut out = Vec::new();
    d.write_json(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["key"], "path");
    assert_eq!(v["changed"]["label"], 1);
    assert_eq!(v["matrix"]["cio-like"]["blended"], 1);
    assert!(v["matrix"]["added"].get("removed").is_none());
    assert_eq!(v["changes"][0]["old"]["label"], "cio-like");
    assert_eq!(v["changes"][0]["evidence"][0]["status"], "disappeared");
    let rows: Vec<usize> = [
        "\"cio-like\": {",
        "\"unclassified\": {",
        "\"failed\": {",
        "\"added\": {",
    ]
    .iter()
    .map(|r| text.find(r).unwrap())
    .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows in label order");
    let mut table = Vec::new();
    d.write_table(&mut table, 5).unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.contains("cio-like     -> blended       -1.000 -> +0.000  a"),
        "{table}"
    );
    assert!(
        table.contains("    +1.000  disappeared erp (focus, cio): -1.000 -> +0.000, weight 2.00 -> 0.00, hits 1 -> 0"),
        "{table}"
    );
}
