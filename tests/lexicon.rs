//! Integration tests: Lexicons: loading, `lexicon check` and its lints, `lexicon show|terms|dump`.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;

use common::*;

#[test]
fn bad_lexicon_lists_every_problem_and_exits_2() {
    let o = run(&[
        "--lexicon",
        "tests/fixtures/lexicons/broken.toml",
        "scan",
        ".",
    ]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("invalid lexicon (4 problems)"), "{err}");
    for want in [
        "broken.toml:6: term: empty term",
        "broken.toml:7: term \"erp\": unknown axis \"nowhere\"",
        "broken.toml:8: term \"crm\": unknown pole \"chief\"",
        "broken.toml:9: term \"re:(unclosed\": invalid regex",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    let o = run(&["lexicon", "check", "tests/fixtures/lexicons/syntax.toml"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("syntax.toml:3: TOML syntax"),
        "{}",
        stderr(&o)
    );
}

/// Issue 16: a weight of 1e308 passed `lexicon check`, then gave `"score": null`.
#[test]
fn lexicon_check_refuses_huge_weights() {
    let d = Dir::new();
    let lex = d.write(
        "big.toml",
        "name = \"big\"\nversion = \"1\"\naxes = [\n  \
         { name = \"focus\", cio = \"in\", cto = \"out\", weight = 1e308 },\n]\nterms = [\n  \
         { axis = \"focus\", pole = \"cio\", term = \"service desk\", weight = 1e308 },\n]\n",
    );
    let o = run(&["lexicon", "check", lex.to_str().unwrap()]);
    assert_code(&o, 2);
    let err = stderr(&o);
    for want in [
        "big.toml:4: axis \"focus\": weight must be > 0 and at most 1000, got 1e308",
        "big.toml:7: term \"service desk\": weight must be > 0 and at most 1000, got 1e308",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn lexicon_check_lints_conflicts() {
    let o = run(&["lexicon", "check", "tests/fixtures/lexicons/conflicts.toml"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains(":10: warning: platform: `platform` is on both poles"),
        "{out}"
    );
    assert!(out.contains(":12: warning: erp: duplicate `erp`"), "{out}");
    assert!(
        out.contains(
            ":8: warning: vendor*: wildcard `vendor*` also matches `vendors` on the other pole"
        ),
        "{out}"
    );
    assert!(
        out.contains("valid: 7 terms on 2 axes, 3 warnings"),
        "{out}"
    );
    let o = run(&[
        "lexicon",
        "check",
        "--deny-warnings",
        "tests/fixtures/lexicons/conflicts.toml",
    ]);
    assert_code(&o, 1);
    let o = run(&["lexicon", "check", MINI]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("0 warnings"), "{}", stdout(&o));
}

#[test]
fn lexicon_show_and_terms() {
    let o = run(&["--lexicon", MINI, "lexicon"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("lexicon     mini 1"), "{out}");
    assert!(out.contains("hash        sha256:"), "{out}");
    assert!(out.contains("blend_margin 0.2, min_evidence 3"), "{out}");
    assert!(
        out.contains("terms       10 (7 literal, 2 wildcard, 1 regex; 1 variants; 1 context)"),
        "{out}"
    );
    let o = run(&["--lexicon", MINI, "lexicon", "terms"]);
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [
            "internal users",
            "it budget",
            "customer facing",
            "customers",
            "product roadmap",
            "erp",
            "service desk",
            "help desk",
            "mobile app",
            "ship features"
        ]
    );
}

/// Terms of only punctuation matched inside words, and a regex over the size limit
/// failed the build without naming its entry: both name `file:line`.
#[test]
fn issue16_punctuation_terms_and_oversize_regexes_name_their_line() {
    let d = Dir::new();
    let lexicon = fs::read_to_string(MINI).unwrap();
    let punct = lexicon.replace(r#"term = "erp""#, r#"term = "&""#);
    let punct = d.write("punct.toml", punct);
    let line = fs::read_to_string(&punct)
        .unwrap()
        .lines()
        .position(|l| l.contains(r#"term = "&""#))
        .unwrap()
        + 1;
    let o = run(&["lexicon", "check", punct.to_str().unwrap()]);
    assert_code(&o, 2);
    let want = format!(
        "{}:{line}: term \"&\": a term needs a letter or digit",
        punct.display()
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));

    // Gated by "it budget": `tag` compiled it lazily and it silently never matched.
    let big = lexicon.replace(
        r#"regex = 'sap s/?4 ?hana'"#,
        r#"regex = 'it budget \w{500}\w{500}'"#,
    );
    let big = d.write("big.toml", big);
    let line = fs::read_to_string(&big)
        .unwrap()
        .lines()
        .position(|l| l.contains(r"\w{500}"))
        .unwrap()
        + 1;
    for args in [
        vec!["--lexicon", big.to_str().unwrap(), "scan", "corpora/sample"],
        vec![
            "--lexicon",
            big.to_str().unwrap(),
            "tag",
            "corpora/sample/03-brackwater-logistics-it-infrastructure-manager.txt",
        ],
        vec!["lexicon", "check", big.to_str().unwrap()],
    ] {
        let o = run(&args);
        assert_code(&o, 2);
        let want = format!(
            "{}:{line}: term \"re:it budget \\\\w{{500}}\\\\w{{500}}\": ",
            big.display()
        );
        assert!(stderr(&o).contains(&want), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("exceeds size limit"), "{}", stderr(&o));
    }
}

/// `ROLETAG_LEXICON` names the lexicon when `--lexicon` is absent; the flag wins,
/// and an empty variable is no lexicon.
#[test]
fn issue16_roletag_lexicon_names_the_lexicon() {
    let show = |env: Option<&str>, args: &[&str]| {
        let mut c = roletag();
        if let Some(v) = env {
            c.env("ROLETAG_LEXICON", v);
        }
        let o = c.args(args).output().unwrap();
        assert_code(&o, 0);
        stdout(&o).lines().next().unwrap().to_string()
    };
    let default = show(None, &["lexicon"]);
    assert!(default.contains("roletag-default"), "{default}");
    let mini = show(Some(MINI), &["lexicon"]);
    assert!(!mini.contains("roletag-default"), "{mini}");
    assert_eq!(
        show(
            Some(MINI),
            &["lexicon", "--lexicon", "lexicon/default.toml"]
        ),
        default
    );
    assert_eq!(show(Some(""), &["lexicon"]), default);
    let o = roletag()
        .env("ROLETAG_LEXICON", "missing.toml")
        .args(["lexicon"])
        .output()
        .unwrap();
    assert_code(&o, 2);
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}

/// `lexicon dump` prints the lexicon's TOML byte for byte: the embedded one,
/// which is `lexicon/default.toml`, or the file of `--lexicon`.
#[test]
fn issue16_lexicon_dump_prints_the_toml() {
    let o = run(&["lexicon", "dump"]);
    assert_code(&o, 0);
    assert_eq!(o.stdout, fs::read("lexicon/default.toml").unwrap());
    let o = run(&["--lexicon", MINI, "lexicon", "dump"]);
    assert_eq!(o.stdout, fs::read(MINI).unwrap());
}
