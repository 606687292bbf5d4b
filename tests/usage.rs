//! Integration tests: `--help`, usage errors and messages: what a user reads before any posting is tagged.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;
use std::path::Path;

use common::*;

#[test]
fn help_lists_the_commands() {
    let o = run(&["--help"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    for cmd in ["tag", "scan", "lexicon", "diff", "summarize", "explain"] {
        assert!(out.contains(cmd), "{out}");
    }
    let o = run(&["scan", "--help"]);
    assert!(stdout(&o).contains("--threads"));
}

/// Issue 16: `-j`'s help states its bound, as the README does.
#[test]
fn threads_help_states_the_bound() {
    for cmd in ["scan", "eval", "calibrate"] {
        let help = stdout(&run(&[cmd, "--help"]));
        assert!(help.contains("1 to 512"), "{cmd}: {help}");
    }
}

/// The README states what the code does: every default text and id field, and the
/// exit codes of a stopped scan. See issue 16 ("descriptionPlain is a
/// default text field the docs omit").
#[test]
fn readme_lists_the_default_fields_and_exit_codes() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let fields = roletag::input::records::DEFAULT_BODY_FIELDS
        .iter()
        .chain(&roletag::input::records::DEFAULT_ID_FIELDS)
        .chain(&[roletag::input::records::DEFAULT_TITLE_FIELD]);
    for f in fields {
        assert!(
            readme.contains(&format!("`{f}`")),
            "README omits the field {f}"
        );
    }
    let codes = &readme[readme.find("**Exit codes:**").unwrap()..];
    for code in ["`0`", "`1`", "`2`", "`130`", "`143`", "`129`"] {
        assert!(codes.contains(code), "README's exit codes omit {code}");
    }
}

/// Issue 16: `-j 5000` could panic in the standard library; it is refused.
#[test]
fn thread_counts_are_bounded() {
    for args in [
        &["scan", "-j", "5000", "corpora/sample"][..],
        &["eval", "-j", "513", "corpora/labeled"],
        &["calibrate", "-j", "100000", "corpora/labeled"],
    ] {
        let o = run(args);
        assert_code(&o, 2);
        assert!(
            stderr(&o).contains("--threads must be at most 512"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn invalid_thresholds_are_usage_errors() {
    for args in [["--blend-margin", "1.5"], ["--min-evidence", "-1"]] {
        let o = run(&[args[0], args[1], "lexicon"]);
        assert_code(&o, 2);
        assert!(stderr(&o).contains(&args[0][2..]), "{}", stderr(&o));
    }
    let o = run(&["scan", "--threads", "0", "."]);
    assert_code(&o, 2);
}

/// `--max-bytes 0` said "empty posting" for everything, and `calibrate --folds
/// 1000000` ran: both are usage errors now.
#[test]
fn issue16_zero_max_bytes_and_absurd_folds_are_usage_errors() {
    let o = run(&["scan", "--max-bytes", "0", "corpora/sample"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("'--max-bytes <BYTES>': must be at least 1"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    let o = run(&["calibrate", "--folds", "1000000", "corpora/labeled"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("must be between 2 and 10000, got 1000000"),
        "{}",
        stderr(&o)
    );
    let o = run(&["calibrate", "--folds", "1", "corpora/labeled"]);
    assert_code(&o, 2);
}

/// Messages said their cause twice and named the temporary file, not `-o`'s path;
/// `--lexicon /dev/zero` read without end.
#[test]
fn issue16_errors_say_their_cause_once_and_name_the_path_asked() {
    let d = Dir::new();
    let posting = d.write("p.txt", CIO_POSTING);
    let posting = posting.to_str().unwrap();
    let missing = d.path().join("no/such/dir/report.jsonl");
    let folder = d.path().join("folder.jsonl");
    fs::create_dir(&folder).unwrap();
    for i in 0..2 {
        d.write(&format!("labelled/cio-like/{i}.txt"), CIO_POSTING);
        d.write(&format!("labelled/cto-like/{i}.txt"), CTO_POSTING);
    }
    let labelled = d.path().join("labelled");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec![
                "--lexicon",
                MINI,
                "calibrate",
                labelled.to_str().unwrap(),
                "--folds",
                "2",
                "-o",
                missing.to_str().unwrap(),
            ],
            format!("cannot write {}: ", missing.display()),
        ),
        (
            vec!["scan", posting, "-o", missing.to_str().unwrap()],
            format!("cannot write the report to {}: ", missing.display()),
        ),
        (
            vec!["scan", posting, "-o", folder.to_str().unwrap()],
            format!("cannot write the report to {}: ", folder.display()),
        ),
        (
            vec!["--lexicon", missing.to_str().unwrap(), "scan", posting],
            format!("{}: cannot read lexicon: ", missing.display()),
        ),
        (
            vec!["lexicon", "check", missing.to_str().unwrap()],
            format!("{}: cannot read lexicon: ", missing.display()),
        ),
    ];
    for (args, want) in cases {
        let o = run(&args);
        assert_code(&o, 2);
        let err = stderr(&o);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("roletag: {want}")),
            "{args:?}: {err}"
        );
        let cause = &first[format!("roletag: {want}").len()..];
        assert_eq!(
            first.matches(cause).count(),
            1,
            "{args:?}: cause repeated: {err}"
        );
        assert!(
            !err.contains(".roletag-"),
            "{args:?}: names the temporary file: {err}"
        );
    }
    #[cfg(unix)]
    {
        let o = run(&["--lexicon", "/dev/zero", "tag", posting]);
        assert_code(&o, 2);
        assert_eq!(
            stderr(&o),
            "roletag: /dev/zero: cannot read lexicon: larger than 16 MiB\n"
        );
    }
}

// Issue 16, "a newcomer's first hour". See: `issues show 16`.

/// Counts printed for people agree with their number: "1 input", not "1 inputs".
#[test]
fn issue16_counts_of_one_are_singular() {
    let d = Dir::new();
    let p = d.write("one.txt", CIO_POSTING);
    let o = run(&["--lexicon", MINI, "scan", p.to_str().unwrap()]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("roletag: 1 input: 1 cio-like"),
        "{}",
        stderr(&o)
    );
    let report = d.path().join("r.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "-q",
        "--format",
        "jsonl",
        p.to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let o = run(&["summarize", report.to_str().unwrap()]);
    assert!(
        stdout(&o).starts_with("1 posting: 1 tagged, 0 failed, 0 skipped; 0 malformed lines"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("top terms of cio-like (1 posting)"));
}

/// Shell completions and the man page, generated from the clap definitions; they
/// need no lexicon, so a bad `ROLETAG_LEXICON` does not stop them.
#[test]
fn issue16_completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = roletag()
            .env("ROLETAG_LEXICON", "missing.toml")
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_code(&o, 0);
        let script = stdout(&o);
        assert!(
            script.contains("roletag") && script.contains("summarize"),
            "{shell}"
        );
    }
    let o = run(&["man"]);
    assert_code(&o, 0);
    let page = stdout(&o);
    assert!(page.contains(".TH roletag"), "{page}");
    assert!(page.contains("ROLETAG_LEXICON"), "{page}");
    assert_code(&run(&["completions", "tcsh"]), 2);
}

/// `--help` groups options under headings, `scan`'s starting with `--format` and
/// `-o`, and ends with examples.
#[test]
fn issue16_help_has_headings_and_examples() {
    let help = stdout(&run(&["scan", "--help"]));
    let output = help.find("\nOutput:\n").expect("an Output heading");
    let input = help.find("\nInput:\n").expect("an Input heading");
    let scoring = help.find("\nScoring (").expect("a Scoring heading");
    assert!(output < input && input < scoring, "{help}");
    let first: Vec<&str> = help[output + 1..]
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .take(2)
        .collect();
    assert!(first[0].trim_start().starts_with("--format"), "{help}");
    assert!(first[1].trim_start().starts_with("-o, --output"), "{help}");
    assert!(
        help.contains("Examples:\n  roletag scan postings/"),
        "{help}"
    );
    assert!(stdout(&run(&["--help"])).contains("Examples:\n"));
}

/// Scoring flags on `diff` and `summarize`, which read finished reports, are
/// refused (exit 2) instead of being silently ignored.
#[test]
fn issue16_scoring_flags_are_refused_where_they_do_nothing() {
    for (cmd, flag) in [
        (["summarize", "r.jsonl"], vec!["--min-evidence", "9"]),
        (["diff", "a.jsonl"], vec!["--lexicon", MINI]),
        (["summarize", "r.jsonl"], vec!["--mask-titles"]),
    ] {
        let mut args: Vec<&str> = cmd.to_vec();
        if cmd[0] == "diff" {
            args.push("b.jsonl");
        }
        args.extend(&flag);
        let o = run(&args);
        assert_code(&o, 2);
        assert!(
            stderr(&o).contains(&format!(
                "{} has no effect on `roletag {}`",
                flag[0], cmd[0]
            )),
            "{}",
            stderr(&o)
        );
    }
}
