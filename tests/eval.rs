//! Integration tests: `roletag eval` and `roletag calibrate` on labelled postings.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;
use std::process::Output;

use common::*;

/// `roletag eval` on a labelled folder and on a JSONL file with a label field:
/// the numbers match a hand count, and `--mask-titles` hides a giveaway title.
#[test]
fn eval_counts_a_labelled_folder_and_records() {
    let d = Dir::new();
    d.write("cio-like/a.txt", CIO_POSTING);
    d.write(
        "cio-like/b.txt",
        "Keep the help desk and ERP running for internal users.",
    );
    d.write("cto-like/c.txt", CTO_POSTING);
    d.write("blended/d.txt", BLENDED_POSTING);
    d.write("none/e.txt", NONE_POSTING);
    d.write(
        "none/f.txt",
        "Ship features for our mobile apps. Talk to customers.",
    );
    d.write("loose.txt", "no label folder");
    let o = run(&[
        "--lexicon",
        MINI,
        "eval",
        "--format",
        "json",
        "--misses",
        &d.s(),
    ]);
    assert_code(&o, 0);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["postings"], 6);
    // Five right; the `none` posting about mobile apps is labelled cto-like.
    assert!(close(j["accuracy"].as_f64().unwrap(), 5.0 / 6.0), "{j}");
    assert_eq!(j["confusion"]["unclassified"]["cto-like"], 1);
    assert_eq!(j["classes"]["cto-like"]["precision"], 0.5);
    assert_eq!(j["classes"]["cio-like"]["recall"], 1.0);
    assert_eq!(j["misses"].as_array().unwrap().len(), 1);
    assert_eq!(j["misses"][0]["expected"], "unclassified");
    assert_eq!(j["roletag"]["mask_titles"], false);
    assert!(stderr(&o).contains("1 postings without an expected label"));

    let gold = d.write(
        "gold.jsonl",
        "{\"t\": \"Service desk and ERP for internal users\", \"y\": \"cio\"}\n\
         {\"t\": \"Own the product roadmap and the mobile apps\", \"y\": \"cio-like\"}\n",
    );
    let o = run(&[
        "--lexicon",
        MINI,
        "eval",
        "--text-field",
        "t",
        "--label-field",
        "y",
        &gold.display().to_string(),
    ]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("postings 2   accuracy 0.500"), "{out}");
    assert!(out.contains("cio<->cto confused 1 (50.0%)"), "{out}");

    let titled = Dir::new();
    titled.write(
        "cio-like/t.txt",
        "IT Budget Service Desk ERP Manager\n\nWe are hiring.",
    );
    let plain = run(&["--lexicon", MINI, "eval", "--format", "json", &titled.s()]);
    let masked = run(&[
        "--lexicon",
        MINI,
        "--mask-titles",
        "eval",
        "--format",
        "json",
        &titled.s(),
    ]);
    let acc = |o: &Output| {
        serde_json::from_str::<serde_json::Value>(&stdout(o)).unwrap()["accuracy"].clone()
    };
    assert_eq!(acc(&plain), 1.0);
    assert_eq!(acc(&masked), 0.0, "the title line alone carried the label");
}

#[test]
fn eval_without_labels_is_a_usage_error() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    let o = run(&["--lexicon", MINI, "eval", &d.s()]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("no labelled postings found"));
}

/// `roletag calibrate` reports cross-validated scores and writes a lexicon that
/// loads, carries the fitted settings, and keeps every term of the original.
#[test]
fn calibrate_writes_a_loadable_tuned_lexicon() {
    let d = Dir::new();
    for i in 0..4 {
        d.write(
            &format!("cio-like/{i}.txt"),
            format!("Run the ERP and the service desk for internal users. {i}"),
        );
        d.write(
            &format!("cto-like/{i}.txt"),
            format!("Ship features for our mobile apps and own the product roadmap. {i}"),
        );
        d.write(
            &format!("none/{i}.txt"),
            format!("Care for patients on the ward. {i}"),
        );
    }
    let tuned = d.path().join("tuned.toml");
    let o = run(&[
        "--lexicon",
        MINI,
        "calibrate",
        "--folds",
        "2",
        "--format",
        "json",
        "-o",
        tuned.to_str().unwrap(),
        &d.s(),
    ]);
    assert_code(&o, 0);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["folds"], 2);
    assert_eq!(j["cross_validated"]["postings"], 12);
    assert_eq!(j["fold_macro_f1"].as_array().unwrap().len(), 2);
    for key in ["before", "training"] {
        assert!(j[key]["macro_f1"].is_number(), "{key}");
    }
    let margin = j["settings"]["blend_margin"].as_f64().unwrap();
    let evidence = j["settings"]["min_evidence"].as_f64().unwrap();
    assert_eq!(j["settings"]["axis_weights"].as_object().unwrap().len(), 2);
    let text = fs::read_to_string(&tuned).unwrap();
    assert!(
        text.starts_with("# A small lexicon for the integration tests"),
        "{text}"
    );
    let shown = run(&["--lexicon", tuned.to_str().unwrap(), "lexicon"]);
    assert_code(&shown, 0);
    let out = stdout(&shown);
    assert!(
        out.contains(&format!("blend_margin {margin}, min_evidence {evidence}")),
        "{out}"
    );
    assert!(out.contains("terms       10 "), "{out}");
    let table = run(&["--lexicon", MINI, "calibrate", "--folds", "2", &d.s()]);
    assert!(stdout(&table).contains("cross-validated (the result)"));
    let bad = run(&["--lexicon", MINI, "calibrate", "--folds", "1", &d.s()]);
    assert_code(&bad, 2);
    // More folds than postings: refused with the count, not run.
    let many = run(&["--lexicon", MINI, "calibrate", "--folds", "13", &d.s()]);
    assert_code(&many, 2);
    assert!(
        stderr(&many).contains("more than the 12 labelled postings"),
        "{}",
        stderr(&many)
    );
    // An -o that cannot be written names its path.
    let o = run(&[
        "--lexicon",
        MINI,
        "calibrate",
        "--folds",
        "2",
        "-o",
        &d.s(),
        &d.s(),
    ]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains(&format!("cannot write {}", d.s())),
        "{}",
        stderr(&o)
    );
}

/// Regression guard on the shipped lexicon: with titles masked, the labelled
/// corpus keeps macro-F1 >= 0.9 (the calibrated fit scores 0.96 in-sample and
/// 0.93 cross-validated) and never mistakes CIO-like for CTO-like.
#[test]
fn shipped_lexicon_keeps_its_accuracy_on_the_labelled_corpus() {
    let o = run(&[
        "--mask-titles",
        "eval",
        "--format",
        "json",
        "corpora/labeled",
    ]);
    assert_code(&o, 0);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["postings"], 248);
    let f1 = j["macro_f1"].as_f64().unwrap();
    assert!(f1 >= 0.9, "macro-F1 fell to {f1}: {j}");
    assert_eq!(j["cio_cto_confusions"], 0, "{j}");
}

/// Labelled records from two sources: `eval` reports each source apart,
/// `calibrate --leave-group-out` labels each source with settings fitted on the
/// other alone, writes the held-out labels, and writes fitted weights with priors.
#[test]
fn eval_and_calibrate_by_source() {
    let d = Dir::new();
    let mut lines = Vec::new();
    for (i, source) in ["acme/jobs@1:a.csv", "beta/board@2:b.csv"]
        .iter()
        .enumerate()
    {
        for k in 0..4 {
            let id = format!("{i}-{k}");
            let rows = [
                (
                    "cio-like",
                    "Support internal users, run the service desk and the ERP.",
                ),
                (
                    "cto-like",
                    "Ship features in the mobile app, own the product roadmap.",
                ),
                ("none", "Call on customers and grow the book."),
            ];
            for (class, text) in rows {
                lines.push(serde_json::json!({
                    "id": format!("{id}-{class}"), "source": source,
                    "title_class": class, "description": text,
                }));
            }
        }
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let file = d.write("postings.jsonl", text);
    let file = file.to_str().unwrap();
    let labelled = [
        "--label-field",
        "title_class",
        "--text-field",
        "description",
    ];

    let mut args = vec!["--lexicon", MINI, "eval", file, "--format", "json"];
    args.extend(labelled);
    let o = run(&args);
    assert_code(&o, 0);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["group_field"], "source");
    let groups = j["groups"].as_object().unwrap();
    assert_eq!(
        groups.keys().collect::<Vec<_>>(),
        ["acme/jobs", "beta/board"]
    );
    assert_eq!(groups["acme/jobs"]["postings"], 12);
    let mut args = vec!["--lexicon", MINI, "eval", file];
    args.extend(labelled);
    let table = stdout(&run(&args));
    assert!(table.contains("by group (--group-field source)"), "{table}");
    assert!(table.contains("beta/board"), "{table}");

    let tuned = d.path().join("tuned.toml");
    let predictions = d.path().join("held-out.jsonl");
    let mut args = vec!["--lexicon", MINI, "calibrate", file, "--leave-group-out"];
    args.extend(labelled);
    args.extend(["--format", "json", "-o", tuned.to_str().unwrap()]);
    args.extend(["--predictions", predictions.to_str().unwrap()]);
    let o = run(&args);
    assert_code(&o, 0);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["folds"], "leave-group-out");
    assert_eq!(j["cross_validated"]["postings"], 24);
    assert_eq!(j["fold_macro_f1"].as_array().unwrap().len(), 2);
    assert_eq!(j["groups"].as_object().unwrap().len(), 2);
    assert!(j["settings"]["term_weights"]["erp"].as_f64().unwrap() > 0.0);
    let held: Vec<serde_json::Value> = fs::read_to_string(&predictions)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(held.len(), 24);
    assert!(held
        .iter()
        .all(|r| r["label"].is_string() && r["group"].is_string()));
    let text = fs::read_to_string(&tuned).unwrap();
    assert!(text.contains("prior = 2.0"), "{text}");
    assert!(text.contains("length_exponent"), "{text}");
    // The tuned lexicon loads and keeps its priors.
    assert_code(&run(&["lexicon", "check", tuned.to_str().unwrap()]), 0);
    let shown = run(&["--lexicon", tuned.to_str().unwrap(), "lexicon"]);
    assert_code(&shown, 0);
    assert!(stdout(&shown).contains("min_terms 1"), "{}", stdout(&shown));

    // One group only: leave-group-out is refused with a reason.
    let one = d.write("one.jsonl", lines[0].to_string() + "\n");
    let mut args = vec![
        "--lexicon",
        MINI,
        "calibrate",
        one.to_str().unwrap(),
        "--leave-group-out",
    ];
    args.extend(labelled);
    let o = run(&args);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("at least two groups"), "{}", stderr(&o));
}
