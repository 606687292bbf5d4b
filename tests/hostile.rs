//! Integration tests for hostile input (issue 16): postings and reports far
//! larger than usual, read back and compared by the real `roletag` binary.
//!
//! Memory is measured by hand (README, "Memory"); these tests check that the
//! results are exact, never how long anything takes.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn roletag() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_roletag"));
    c.env_remove("NO_COLOR")
        .env_remove("ROLETAG_LEXICON")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    roletag().args(args).output().expect("run roletag")
}

/// Asserts the exit code, printing stderr when it is wrong.
fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "\n--- stderr ---\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

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

/// Start tags of `element` inside the SVG with `id`, e.g. every `<circle ...>`.
fn svg_tags<'a>(doc: &'a str, id: &str, element: &str) -> Vec<&'a str> {
    let start = doc.find(&format!("<svg id=\"{id}\"")).unwrap();
    let svg = &doc[start..start + doc[start..].find("</svg>").unwrap()];
    let open = format!("<{element} ");
    svg.match_indices(&open)
        .map(|(i, _)| &svg[i..i + svg[i..].find('>').unwrap()])
        .collect()
}

/// The attribute `name` of an element's start tag.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

/// The scatter's points as (posting, cx, cy), sorted by posting.
fn scatter_points(doc: &str) -> Vec<(usize, String, String)> {
    let mut points: Vec<_> = svg_tags(doc, "scatter-plot", "circle")
        .iter()
        .map(|c| {
            let i = attr(c, "data-i").parse().unwrap();
            (i, attr(c, "cx").to_string(), attr(c, "cy").to_string())
        })
        .collect();
    points.sort();
    points
}

/// The scatter's pile labels as (x, y, count).
fn pile_labels(doc: &str) -> Vec<(String, String, String)> {
    let start = doc.find("<g id=\"scatter-piles\">").unwrap();
    let group = &doc[start..start + doc[start..].find("</g>").unwrap()];
    group
        .split("<text ")
        .skip(1)
        .map(|t| {
            let count = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            let tag = format!(" {t}");
            (attr(&tag, "x").into(), attr(&tag, "y").into(), count.into())
        })
        .collect()
}

/// A folder where 30 postings share one text, 12 another, and 3 are their own.
fn piled_report(dir: &Path) -> (std::path::PathBuf, String) {
    let cio = "Director of IT. You run the ERP, the service desk and IT operations \
               for internal users, and own the IT budget and cost savings.\n";
    let cto = "VP Engineering. You build customer facing products with software \
               engineering teams and grow revenue.\n";
    let postings = dir.join("postings");
    std::fs::create_dir(&postings).unwrap();
    for k in 0..30 {
        std::fs::write(postings.join(format!("a{k:02}.txt")), cio).unwrap();
    }
    for k in 0..12 {
        std::fs::write(postings.join(format!("b{k:02}.txt")), cto).unwrap();
    }
    let mixed = format!("{cio}{cto}");
    let own = [
        mixed.as_str(),
        "A nurse on the night shift.",
        cto.replace("revenue", "the ERP").leak(),
    ];
    for (k, text) in own.iter().enumerate() {
        std::fs::write(postings.join(format!("c{k}.txt")), text).unwrap();
    }
    let report = dir.join("report.html");
    let out = run(&[
        "scan",
        path_str(&postings),
        "--format",
        "html",
        "-q",
        "-o",
        path_str(&report),
    ]);
    assert_code(&out, 0);
    let page = std::fs::read_to_string(&report).unwrap();
    (report, page)
}

/// See: issue 16 ("the scatter piles up on nine points on real data"). Postings
/// at one place are spread around it, each at its own pixels, and a pile of ten
/// or more is labelled with its count.
#[test]
fn the_scatter_spreads_piles_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, page) = piled_report(dir.path());
    let points = scatter_points(&page);
    assert_eq!(points.len(), 45, "one point per posting");
    let mut places: Vec<_> = points.iter().map(|p| (&p.1, &p.2)).collect();
    places.sort();
    places.dedup();
    assert_eq!(places.len(), 45, "every posting at its own place");
    let counts: Vec<String> = pile_labels(&page).into_iter().map(|l| l.2).collect();
    assert_eq!(counts, ["30", "12"]);
}

/// The page's script, which redraws the scatter when other axes are picked,
/// spreads and labels the piles at the server's pixels (the default axes named
/// in the address make it redraw), and on other axes too. Run in headless
/// Chromium; skipped, saying why, without it, unless ROLETAG_REQUIRE_CHROMIUM is set.
#[test]
fn the_page_redraws_piles_as_the_server_drew_them() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file());
    let Some(browser) = browser else {
        let why = "chromium not on PATH";
        assert!(
            std::env::var_os("ROLETAG_REQUIRE_CHROMIUM").is_none(),
            "ROLETAG_REQUIRE_CHROMIUM is set, but {why}"
        );
        use std::io::Write as _;
        writeln!(
            std::io::stderr(),
            "the_page_redraws_piles_as_the_server_drew_them skipped: {why}"
        )
        .unwrap();
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (report, page) = piled_report(dir.path());
    let dom = |name: &str, view: &str| -> String {
        let out = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=5000",
                "--dump-dom",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join(name).display()
            ))
            .arg(format!("file://{}{view}", report.display()))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dom = String::from_utf8(out.stdout).unwrap();
        assert!(
            dom.contains("data-ready=\"1\""),
            "the script did not finish"
        );
        dom
    };
    let same = dom("same", "#x=focus&y=financial");
    assert_eq!(scatter_points(&same), scatter_points(&page));
    assert_eq!(pile_labels(&same), pile_labels(&page));
    let other = dom("other", "#x=domain&y=systems");
    let points = scatter_points(&other);
    assert_ne!(points, scatter_points(&page), "the points moved");
    let mut places: Vec<_> = points.iter().map(|p| (&p.1, &p.2)).collect();
    places.sort();
    places.dedup();
    assert_eq!(places.len(), 45, "every posting at its own place");
    // Here some of the other postings share a pile's place: count the places
    // from the report's axes.
    let postings = report.parent().unwrap().join("postings");
    let scan = run(&["scan", path_str(&postings), "--format", "jsonl", "-q"]);
    let mut piles = std::collections::BTreeMap::<String, usize>::new();
    for r in json_lines(&scan) {
        let o = |axis: &str| {
            let (cio, cto) = (
                r["axes"][axis]["cio"].as_f64().unwrap(),
                r["axes"][axis]["cto"].as_f64().unwrap(),
            );
            if cio + cto > 0.0 {
                (cto - cio) / (cto + cio)
            } else {
                0.0
            }
        };
        *piles
            .entry(format!("{:.3} {:.3}", o("domain"), o("systems")))
            .or_default() += 1;
    }
    let mut want: Vec<usize> = piles.into_values().filter(|&n| n >= 10).collect();
    want.sort_unstable();
    let mut counts: Vec<usize> = pile_labels(&other)
        .iter()
        .map(|l| l.2.parse().unwrap())
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, want);
    assert!(
        counts.len() == 2 && counts[0] >= 12 && counts[1] >= 30,
        "{counts:?}"
    );
}
