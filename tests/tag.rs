//! Integration tests: `roletag tag`: one posting at a time, its label and the evidence.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn tag_labels_one_file_per_pole() {
    let d = Dir::new();
    let cases = [
        ("cio.txt", CIO_POSTING, "cio-like"),
        ("cto.txt", CTO_POSTING, "cto-like"),
        ("blend.txt", BLENDED_POSTING, "blended"),
        ("nurse.txt", NONE_POSTING, "unclassified"),
    ];
    for (name, text, want) in cases {
        let p = d.write(name, text);
        let o = run(&[
            "--lexicon",
            MINI,
            "tag",
            "--format",
            "json",
            p.to_str().unwrap(),
        ]);
        assert_code(&o, 0);
        let lines = jsonl(&o);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].tagged().label, want, "case {name}");
    }
}

#[test]
fn tag_json_follows_the_contract() {
    let d = Dir::new();
    let p = d.write("cio.txt", CIO_POSTING);
    let o = run(&[
        "--lexicon",
        MINI,
        "tag",
        "--format",
        "json",
        p.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let t = jsonl(&o).remove(0);
    let t = t.tagged();
    assert_eq!(t.path, p.display().to_string());
    assert!(t.score < -0.2 && t.score >= -1.0);
    assert!((0.0..=1.0).contains(&t.confidence));
    assert_eq!(t.axes.keys().collect::<Vec<_>>(), ["focus", "systems"]);
    let axis_cio: f64 = t.axes.values().map(|a| a.cio).sum();
    let axis_cto: f64 = t.axes.values().map(|a| a.cto).sum();
    assert!(close(axis_cio, t.cio) && close(axis_cto, t.cto));
    let sum: f64 = t.evidence.iter().map(|e| e.contribution).sum();
    assert!(
        close(sum, t.score),
        "contributions {sum} vs score {}",
        t.score
    );
    let terms: Vec<&str> = t.evidence.iter().map(|e| e.term.as_str()).collect();
    for want in [
        "internal users",
        "service desk",
        "erp",
        "it budget*",
        "re:sap s/?4 ?hana",
    ] {
        assert!(terms.contains(&want), "{terms:?}");
    }
    assert!(t
        .evidence
        .iter()
        .all(|e| e.pole == "cio" && e.count == 1 && e.weight > 0.0));
    assert!(t.evidence.iter().any(|e| e.axis == "systems"));
    assert!(t.evidence.iter().all(|e| !e.context));
    assert!(close(t.core_evidence, t.cio + t.cto));
    assert!(t.words > 10 && t.coverage > 0.0 && t.coverage < 1.0);
    assert!(t.warnings.is_empty());
    assert_eq!(
        (t.record, t.id.as_deref(), t.expected.as_deref()),
        (None, None, None)
    );
}

/// Context terms (customers, revenue) move the score but cannot label a posting alone:
/// a sales posting that says "customers" ten times stays unclassified.
#[test]
fn context_terms_alone_leave_a_posting_unclassified() {
    let d = Dir::new();
    let sales = d.write("sales.txt", "Delight customers. ".repeat(10));
    let mixed = d.write(
        "mixed.txt",
        "Own the product roadmap and talk to customers about the mobile apps.",
    );
    let o = run(&[
        "--lexicon",
        MINI,
        "tag",
        "--format",
        "json",
        &sales.display().to_string(),
        &mixed.display().to_string(),
    ]);
    assert_code(&o, 0);
    let lines = jsonl(&o);
    let sales = lines[0].tagged();
    assert_eq!(sales.label, "unclassified");
    assert!(
        sales.cto > 3.0 && close(sales.core_evidence, 0.0),
        "{sales:?}"
    );
    assert!(sales.evidence[0].context);
    let mixed = lines[1].tagged();
    assert_eq!(mixed.label, "cto-like");
    assert!(mixed.cto > mixed.core_evidence);
}

#[test]
fn tag_long_shows_label_axes_and_evidence() {
    let d = Dir::new();
    let p = d.write("cto.txt", CTO_POSTING);
    let o = run(&["--lexicon", MINI, "tag", p.to_str().unwrap()]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("label       cto-like (confidence"), "{out}");
    assert!(out.contains("focus"), "{out}");
    assert!(out.contains("product roadmap  (focus, cto, x1)"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped");
}

/// The per-axis lines of a human report: from the `CIO <-|-> CTO` header to the
/// last axis, without indent.
fn axis_picture(out: &str, axes: usize) -> Vec<String> {
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_end().ends_with("CIO <-|-> CTO"))
        .unwrap_or_else(|| panic!("no axis picture in\n{out}"));
    lines[at..=at + axes]
        .iter()
        .map(|l| l.trim_start().to_string())
        .collect()
}

// See: issue 16, "`tag`'s axis bars show only the net lean, `explain`'s show each side".
#[test]
fn issue16_tag_and_explain_draw_the_same_axis_picture() {
    let p = "corpora/sample/22-copperleaf-hotels-director-of-technology.txt";
    let axes = 10; // the embedded lexicon's
    for color in ["never", "always"] {
        let tag = run(&["tag", "--color", color, p]);
        let explain = run(&["explain", "--color", color, p]);
        assert_code(&tag, 0);
        assert_code(&explain, 0);
        let (t, x) = (
            axis_picture(&stdout(&tag), axes),
            axis_picture(&stdout(&explain), axes),
        );
        assert_eq!(t, x, "--color {color}");
        let focus = t.iter().find(|l| l.starts_with("focus ")).unwrap();
        // Both sides are drawn: this posting has CIO and CTO weight on `focus`.
        let (left, right) = focus.split_once(" | ").unwrap();
        assert!(
            left.contains('\u{2588}') && right.contains('\u{2588}'),
            "{focus}"
        );
        assert_eq!(
            t.iter().any(|l| l.contains('\x1b')),
            color == "always",
            "{t:#?}"
        );
    }
    // On a terminal (script(1), when the machine has it) both colour the bars
    // alike, and NO_COLOR leaves both plain.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped the terminal part: script(1) not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_roletag");
    let on_tty = |cmd: &str, no_color: bool| {
        let mut c = Command::new("script");
        c.args(["-qec", &format!("{bin} {cmd} {p}"), "/dev/null"]);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let out = String::from_utf8_lossy(&c.output().unwrap().stdout).replace("\r\n", "\n");
        axis_picture(&out, axes)
    };
    for no_color in [false, true] {
        let t = on_tty("tag", no_color);
        assert_eq!(t, on_tty("explain", no_color), "NO_COLOR {no_color}");
        assert_eq!(t.iter().any(|l| l.contains('\x1b')), !no_color, "{t:#?}");
    }
}

#[test]
fn tag_reads_stdin() {
    let o = run_with_stdin(
        &["--lexicon", MINI, "tag", "--format", "json", "-"],
        CIO_POSTING,
    );
    assert_code(&o, 0);
    let lines = jsonl(&o);
    assert_eq!(lines[0].path(), "<stdin>");
    assert_eq!(lines[0].tagged().label, "cio-like");
}

#[test]
fn tag_missing_file_is_a_path_error_but_others_are_tagged() {
    let d = Dir::new();
    let good = d.write("good.txt", CIO_POSTING);
    let missing = d.path().join("missing.txt");
    let o = run(&[
        "--lexicon",
        MINI,
        "tag",
        "--format",
        "json",
        missing.to_str().unwrap(),
        good.to_str().unwrap(),
    ]);
    assert_code(&o, 2);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].failed().error.contains("cannot read"));
    assert_eq!(lines[1].tagged().label, "cio-like");
}

#[test]
fn embedded_lexicon_tags_the_obvious_cases() {
    let d = Dir::new();
    let cio = d.write(
        "cio.txt",
        "Director of IT Operations\n\nLead the service desk, ITIL change management, patching \
         and backup and disaster recovery for our data centre. Administer Active Directory, \
         own the IT budget and vendor contracts, and support internal users in finance and HR \
         on the ERP.",
    );
    let cto = d.write(
        "cto.txt",
        "VP Engineering\n\nLead product engineering: own the technical roadmap for our SaaS \
         platform, ship customer-facing features, grow the engineering team, run A/B tests, \
         pay down technical debt and take new machine learning prototypes from R&D to launch.",
    );
    let nurse = d.write("nurse.txt", NONE_POSTING);
    let o = run(&[
        "tag",
        "--format",
        "json",
        cio.to_str().unwrap(),
        cto.to_str().unwrap(),
        nurse.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let labels: Vec<String> = jsonl(&o).iter().map(|l| l.tagged().label.clone()).collect();
    assert_eq!(labels, ["cio-like", "cto-like", "unclassified"]);
}

/// Negated terms and boilerplate sections are reported under `ignored` and do
/// not move the score; `--no-negation` / `--no-boilerplate` count them again.
#[test]
fn negated_and_boilerplate_terms_are_ignored_but_reported() {
    let d = Dir::new();
    let p = d.write(
        "p.txt",
        "Mobile Lead\n\nShip features for our mobile apps and own the product roadmap.\n\
         No ERP experience needed.\n\nBenefits:\n- service desk support for every laptop\n",
    );
    let path = p.display().to_string();
    let o = run(&["--lexicon", MINI, "tag", "--format", "json", &path]);
    let t = jsonl(&o).remove(0);
    let t = t.tagged();
    assert_eq!(t.label, "cto-like");
    assert!(close(t.score, 1.0), "{t:?}");
    let ignored: Vec<(&str, &str, &str, u32)> = t
        .ignored
        .iter()
        .map(|i| (i.term.as_str(), i.reason.as_str(), i.axis.as_str(), i.count))
        .collect();
    assert_eq!(
        ignored,
        [
            ("erp", "negated", "systems", 1),
            ("service desk", "boilerplate", "systems", 1)
        ]
    );
    assert!(t.ignored.iter().all(|i| i.pole == "cio"));
    let o = run(&[
        "--lexicon",
        MINI,
        "--no-negation",
        "--no-boilerplate",
        "tag",
        "--format",
        "json",
        &path,
    ]);
    let t = jsonl(&o).remove(0);
    let t = t.tagged();
    assert!(t.ignored.is_empty());
    assert!(t.score < 1.0 && t.cio > 0.0);
}

/// The bundled sample agrees with the labels a person gave it in docs/sample-labels.md.
#[test]
fn sample_corpus_matches_its_documented_labels() {
    let doc = fs::read_to_string("docs/sample-labels.md").unwrap();
    let expected: BTreeMap<String, String> = doc
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() > 3 && cells[1].ends_with(".txt"))
                .then(|| (cells[1].to_string(), cells[2].to_string()))
        })
        .collect();
    assert_eq!(expected.len(), 36);
    let o = run(&["scan", "--format", "jsonl", "corpora/sample"]);
    assert_code(&o, 0);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 36);
    let agree = lines
        .iter()
        .filter(|l| {
            let name = Path::new(l.path())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            expected[&name] == l.tagged().label
        })
        .count();
    assert!(
        agree >= 32,
        "only {agree} of 36 sample postings match docs/sample-labels.md"
    );
}

/// JSON Lines piped into `tag` without `--input-format` is tagged as one posting,
/// as documented, with a warning that says how to tag each record.
#[test]
fn issue16_json_records_on_tags_stdin_get_a_hint() {
    let lines = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "a", "description": CIO_POSTING}),
        serde_json::json!({"id": "b", "description": CTO_POSTING}),
    );
    for cmd in ["tag", "explain"] {
        let o = run_with_stdin(&["--lexicon", MINI, cmd], &lines);
        assert_code(&o, 0);
        assert!(
            stderr(&o).contains("use `--input-format jsonl` (or `roletag scan -`)"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
    let o = run_with_stdin(
        &["--lexicon", MINI, "tag", "--input-format", "jsonl", "-"],
        &lines,
    );
    assert_code(&o, 0);
    assert_eq!(stderr(&o), "");
    assert_eq!(stdout(&o).matches("cio-like").count(), 1, "{}", stdout(&o));
    let o = run_with_stdin(&["--lexicon", MINI, "tag"], CIO_POSTING);
    assert_eq!(stderr(&o), "");
}
