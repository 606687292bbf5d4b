//! Integration tests: `roletag explain`: the posting with every hit marked, as text and as JSON offsets.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;
use std::process::Command;

use common::*;

#[test]
fn explain_marks_every_counted_and_ignored_hit_and_agrees_with_tag() {
    let d = Dir::new();
    let p = d.write(
        "p.txt",
        "Café group — Head of IT\n\nRun the service desk, the ERP and internal users' laptops.\n\
         No product management experience needed.\n\nBenefits\nWe build software products.\n",
    );
    let o = run(&["explain", &p.display().to_string()]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        !out.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    for mark in [
        "[service desk](cio)",
        "[ERP](cio)",
        "[product management](cto, negated)",
        "(cto, boilerplate)",
    ] {
        assert!(out.contains(mark), "{mark} missing in\n{out}");
    }
    let focus = out.lines().find(|l| l.starts_with("focus")).unwrap();
    assert!(
        focus.contains("inward") && focus.contains("outward"),
        "{focus}"
    );
    let tag = jsonl(&run(&["tag", "--format", "json", &p.display().to_string()]));
    let Line::Tagged(t) = &tag[0] else {
        panic!("tagged")
    };
    assert!(
        out.contains(&format!("{}  score {:+.2}", t.label, t.score)),
        "{out}"
    );

    // JSON: offsets index the file's own bytes (after a multi-byte é and an em dash),
    // and the counted hits add up to the tag report's evidence counts.
    let o = run(&["explain", "--format", "json", &p.display().to_string()]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim_end()).unwrap();
    let raw = fs::read_to_string(&p).unwrap();
    assert_eq!(v["text"], raw.as_str());
    let hits = v["hits"].as_array().unwrap();
    for h in hits {
        let (s, e) = (
            h["start"].as_u64().unwrap() as usize,
            h["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&raw[s..e], h["text"].as_str().unwrap());
    }
    let counted = hits.iter().filter(|h| h["status"] == "counted").count() as u32;
    assert_eq!(counted, t.evidence.iter().map(|e| e.count).sum::<u32>());
    assert_eq!(v["label"], t.label.as_str());
}

#[test]
fn explain_colours_on_a_terminal_unless_no_color() {
    let p = "corpora/sample/01-lumenfold-vp-engineering.txt";
    let always = run(&["explain", "--color", "always", p]);
    assert!(stdout(&always).contains("\x1b[1m\x1b[35mengineering organization\x1b[0m"));
    assert!(
        stdout(&always).contains("\x1b[35mSaaS\x1b[0m"),
        "context terms not bold"
    );
    // A real pseudo-terminal through script(1), when the machine has it.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped the terminal part: script(1) not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_roletag");
    let on_tty = |no_color: bool| {
        let mut c = Command::new("script");
        c.args(["-qec", &format!("{bin} explain {p}"), "/dev/null"]);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
    };
    assert!(
        on_tty(false).contains("\x1b[35mSaaS"),
        "auto colours a terminal"
    );
    let plain = on_tty(true);
    assert!(plain.contains("[SaaS](cto)"), "{plain}");
    assert!(!plain.contains("\x1b["), "NO_COLOR is honoured");
}

#[test]
fn explain_picks_records_by_id_or_position_and_reports_problems() {
    let d = Dir::new();
    let f = d.write(
        "r.jsonl",
        "{\"id\":\"a\",\"description\":\"Run the ERP and the service desk.\"}\n\
         {\"id\":\"b\",\"description\":\"Ship the SaaS product roadmap.\"}\n",
    );
    let f = f.display().to_string();
    let by_id = run(&["explain", "--format", "json", "--id", "b", &f]);
    assert_code(&by_id, 0);
    let v: Vec<serde_json::Value> = stdout(&by_id)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0]["id"].as_str(), v[0]["record"].as_u64()),
        (Some("b"), Some(1))
    );
    let by_pos = run(&["explain", "--record", "0", &f]);
    assert!(stdout(&by_pos).contains("[ERP](cio)"));
    assert!(!stdout(&by_pos).contains("SaaS"));
    assert_code(&run(&["explain", "--id", "zzz", &f]), 2);
    let missing = run(&["explain", "no/such/posting.txt"]);
    assert_code(&missing, 2);
    assert!(stderr(&missing).contains("no/such/posting.txt"));
    let stdin = run_with_stdin(&["explain"], "Own the IT budget and the ERP.");
    assert_code(&stdin, 0);
    assert!(stdout(&stdin).starts_with("<stdin>"));
}

/// `explain` after a UTF-8 BOM: `text` is the file without its BOM, and every
/// hit's `start..end` indexes `text` (the file at `start + 3`).
#[test]
fn issue16_explain_offsets_after_a_bom_index_the_text() {
    let d = Dir::new();
    let body = "We run the ERP and the service desk for internal users.\n";
    let f = d.write(
        "bom.txt",
        [b"\xEF\xBB\xBF".as_slice(), body.as_bytes()].concat(),
    );
    let o = run(&[
        "--lexicon",
        MINI,
        "explain",
        "--format",
        "json",
        f.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let text = v["text"].as_str().unwrap();
    assert_eq!(text, body);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3, "{v}");
    let file = fs::read(&f).unwrap();
    for h in hits {
        let (start, end) = (
            h["start"].as_u64().unwrap() as usize,
            h["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[start..end], h["text"].as_str().unwrap());
        assert_eq!(
            &file[start + 3..end + 3],
            h["text"].as_str().unwrap().as_bytes()
        );
    }
}
