//! Integration tests: The HTML report: one self-contained page, checked as text and in a headless browser.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use serde::Deserialize;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

// ---- the HTML report (issue 5) ----

/// Chromium or Chrome on PATH, for the HTML report's browser test.
fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// Chromium for a browser test, or `None` after saying on stderr that `test` is
/// skipped. CI sets ROLETAG_REQUIRE_CHROMIUM, which makes a missing Chromium a
/// failure (issue 16: the browser test passed in 0.00 s, its skip unseen).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let browser = find_chromium();
    if browser.is_none() {
        let why = "chromium not on PATH (apt-get install chromium)";
        assert!(
            std::env::var_os("ROLETAG_REQUIRE_CHROMIUM").is_none(),
            "ROLETAG_REQUIRE_CHROMIUM is set, but {why}"
        );
        // Straight to stderr, past the harness's capture (which `eprintln!` is not),
        // so the skip shows in every run.
        #[allow(clippy::explicit_write)]
        writeln!(std::io::stderr(), "{test} skipped: {why}").unwrap();
    }
    browser
}

/// Runs headless Chromium with a fresh profile on `url`; returns its stdout and stderr.
/// Without the networking flags Chromium hangs on an offline machine; a run
/// that still takes over two minutes is killed and fails the test.
fn chromium(
    browser: &Path,
    work: &Path,
    name: &str,
    extra: &[&str],
    url: &str,
) -> (String, String) {
    let (out, err) = (
        work.join(format!("{name}.out")),
        work.join(format!("{name}.err")),
    );
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--virtual-time-budget=5000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join(format!("{name}.profile")).display()
        ))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish {name} in 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let (out, err) = (
        fs::read_to_string(out).unwrap(),
        fs::read_to_string(err).unwrap(),
    );
    assert!(status.success(), "chromium {name} failed: {status}\n{err}");
    (out, err)
}

/// The attribute `name` of an element's start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Start tags of `element` in a document, e.g. every `<circle ...>`.
fn tags<'a>(doc: &'a str, element: &str) -> Vec<&'a str> {
    let open = format!("<{element} ");
    doc.match_indices(&open)
        .map(|(i, _)| &doc[i..i + doc[i..].find('>').unwrap_or(doc.len() - i)])
        .collect()
}

/// The SVG element with `id` in a document.
fn svg_by_id<'a>(doc: &'a str, id: &str) -> &'a str {
    let start = doc
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no svg #{id}"));
    &doc[start..start + doc[start..].find("</svg>").unwrap()]
}

/// Checks the page's own error log and Chromium's console for script errors.
fn assert_no_script_errors(dom: &str, log: &str) {
    let log_tag = r#"<pre id="errors">"#;
    let start = dom.find(log_tag).expect("the page has an error log") + log_tag.len();
    let logged: String = dom[start..].chars().take_while(|&c| c != '<').collect();
    assert!(logged.is_empty(), "the page logged errors:\n{logged}");
    let uncaught: Vec<&str> = log.lines().filter(|l| l.contains("Uncaught")).collect();
    assert!(
        uncaught.is_empty(),
        "console errors:\n{}",
        uncaught.join("\n")
    );
}

#[test]
fn scan_html_is_one_self_contained_page() {
    let d = mixed_folder();
    let o = run(&["--lexicon", MINI, "scan", "--format", "html", &d.s()]);
    assert_code(&o, 1);
    let page = stdout(&o);
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    for needle in ["http://", "https://", "src=", "<link"] {
        assert!(!page.contains(needle), "page loads something: {needle}");
    }
    // One point per tagged posting; failures and skips are in the data, not the plot.
    let lines = jsonl(&run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        &d.s(),
    ]));
    let tagged = lines
        .iter()
        .filter(|l| matches!(l, Line::Tagged(_)))
        .count();
    assert_eq!(
        tags(svg_by_id(&page, "scatter-plot"), "circle").len(),
        tagged
    );
    for l in &lines {
        assert!(
            page.contains(&format!("\"{}\"", l.path())),
            "{} not in the data",
            l.path()
        );
    }
    assert!(stderr(&o).contains("inputs"), "summary line on stderr");
}

/// The report of corpora/sample plus a failed input and a file named like markup,
/// with the same postings as JSON Lines to check the page against.
struct BrowserCase {
    work: Dir,
    report: PathBuf,
    lines: Vec<Line>,
}

impl BrowserCase {
    fn new() -> BrowserCase {
        let work = Dir::new();
        work.write("extra/<img src=x onerror=alert(1)>.txt", CTO_POSTING);
        let report = work.path().join("report.html");
        let extra = work.path().join("extra");
        let roots = [
            "corpora/sample",
            "tests/fixtures/formats/corrupt.pdf",
            extra.to_str().unwrap(),
        ];
        let out = report.to_str().unwrap();
        let o = run(&[&["scan", "--format", "html", "-o", out], &roots[..]].concat());
        assert_code(&o, 1);
        let lines = jsonl(&run(&[&["scan", "--format", "jsonl"], &roots[..]].concat()));
        assert_eq!(
            lines.len(),
            fs::read_dir("corpora/sample").unwrap().count() + 2
        );
        BrowserCase {
            work,
            report,
            lines,
        }
    }

    fn url(&self, view: &str) -> String {
        format!("file://{}{view}", self.report.display())
    }

    /// Indexes of the postings with `label`, by score descending (ties in input order).
    fn by_score(&self, label: Option<&str>) -> Vec<usize> {
        let mut want: Vec<(usize, f64)> = self
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l {
                Line::Tagged(t) if label.is_none_or(|x| x == t.label) => Some((i, t.score)),
                _ => None,
            })
            .collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        want.into_iter().map(|w| w.0).collect()
    }
}

/// The `data-i` of the table's rows, in order.
fn row_order(dom: &str) -> Vec<usize> {
    tags(dom, "tr")
        .iter()
        .filter(|t| attr(t, "class").is_some_and(|c| c.starts_with("row")))
        .map(|t| attr(t, "data-i").unwrap().parse().unwrap())
        .collect()
}

/// The scatter's points as (posting, cx, cy).
fn points(doc: &str) -> Vec<(String, String, String)> {
    tags(svg_by_id(doc, "scatter-plot"), "circle")
        .iter()
        .map(|c| {
            let a = |name| attr(c, name).unwrap().to_string();
            (a("data-i"), a("cx"), a("cy"))
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Probe {
    desc: Vec<usize>,
    asc: Vec<usize>,
    details: usize,
    title: String,
    band: String,
    filtered: Vec<usize>,
    hash: String,
    opened: bool,
}

/// See: issue 5. Loads the report in headless Chromium: the charts, one row per
/// posting, no script errors, the address's sort and filter, clicks, the scatter
/// redrawn to the server's pixels, and a screenshot in target/test-artifacts.
/// Skipped, saying why, without Chromium; CI sets ROLETAG_REQUIRE_CHROMIUM so that
/// there it cannot be skipped (issue 16: it passed in 0.00 s, its skip unseen).
#[test]
fn html_report_renders_in_a_browser() {
    let Some(browser) = chromium_or_skip("html_report_renders_in_a_browser") else {
        return;
    };
    let case = BrowserCase::new();
    let n = case.lines.len();
    let (dom, log) = chromium(
        &browser,
        case.work.path(),
        "plain",
        &["--dump-dom"],
        &case.url(""),
    );
    assert_no_script_errors(&dom, &log);
    assert!(
        dom.contains(&format!(r#"data-rows="{n}" data-ready="1""#)),
        "the script did not finish"
    );
    assert_eq!(
        row_order(&dom),
        (0..n).collect::<Vec<_>>(),
        "one row per posting, in input order"
    );
    assert_eq!(points(&dom).len(), n - 1, "one point per tagged posting");
    let bars = tags(svg_by_id(&dom, "label-chart"), "rect").len();
    assert_eq!(bars, 5, "four labels and failed");
    assert!(!tags(svg_by_id(&dom, "histogram"), "rect").is_empty());
    assert!(
        dom.contains("tests/fixtures/formats/corrupt.pdf</td>"),
        "the failed input has a row"
    );
    assert!(!dom.contains("<img"), "a file name became markup");
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;.txt</td>"));
    html_report_follows_its_address(&browser, &case);
    html_report_answers_clicks(&browser, &case);
    html_report_screenshot(&browser, &case);
}

/// Sorted by score, CTO-like only, one row open, and the default axes picked
/// explicitly, which makes the script redraw the scatter.
fn html_report_follows_its_address(browser: &Path, case: &BrowserCase) {
    let want = case.by_score(Some("cto-like"));
    let open = want[want.len() / 2];
    let view = format!("#sort=score&dir=desc&label=cto-like&open={open}&x=focus&y=financial");
    let (dom, log) = chromium(
        browser,
        case.work.path(),
        "view",
        &["--dump-dom"],
        &case.url(&view),
    );
    assert_no_script_errors(&dom, &log);
    assert_eq!(row_order(&dom), want, "rows in score order, cto-like only");
    let rows = tags(&dom, "tr");
    let at = rows
        .iter()
        .position(|t| attr(t, "data-i") == Some(&open.to_string()))
        .unwrap();
    assert_eq!(attr(rows[at], "class"), Some("row open"));
    assert_eq!(
        attr(rows[at + 1], "class"),
        Some("detail"),
        "the evidence follows its row"
    );
    assert!(dom.contains("Evidence (strongest first)"));
    let page = fs::read_to_string(&case.report).unwrap();
    assert_eq!(
        points(&dom),
        points(&page),
        "the script places points where the server did"
    );
    let shown = tags(svg_by_id(&dom, "scatter-plot"), "circle")
        .iter()
        .filter(|c| !attr(c, "class").unwrap_or("").contains("hidden"))
        .count();
    assert_eq!(shown, want.len(), "the filter applies to the scatter too");
}

/// Runs [`PROBE`] in a copy of the page.
fn html_report_answers_clicks(browser: &Path, case: &BrowserCase) {
    let page = fs::read_to_string(&case.report).unwrap();
    let probed = case.work.write(
        "probe.html",
        page.replace("</body>", &format!("{PROBE}</body>")),
    );
    let url = format!("file://{}", probed.display());
    let (dom, log) = chromium(browser, case.work.path(), "probe", &["--dump-dom"], &url);
    assert_no_script_errors(&dom, &log);
    let tag = r#"<pre id="probe">"#;
    let start = dom.find(tag).expect("the probe ran") + tag.len();
    let json = dom[start..start + dom[start..].find("</pre>").unwrap()].replace("&amp;", "&");
    let probe: Probe = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let failed = case
        .lines
        .iter()
        .position(|l| matches!(l, Line::Failed(_)))
        .unwrap();
    let mut desc = case.by_score(None);
    desc.push(failed);
    assert_eq!(
        probe.desc, desc,
        "first click: highest score first, failures last"
    );
    assert_eq!(
        probe.asc.last(),
        Some(&failed),
        "second click: failures still last"
    );
    let scores: Vec<f64> = probe.asc[..probe.asc.len() - 1]
        .iter()
        .map(|&i| match &case.lines[i] {
            Line::Tagged(t) => t.score,
            Line::Failed(_) => unreachable!(),
        })
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] <= w[1]),
        "second click: lowest score first"
    );
    assert_eq!(probe.details, 1, "a row click opens its evidence");
    assert_eq!(probe.title, "score (all axes)");
    let xs: Vec<f64> = probe
        .band
        .split(' ')
        .map(|p| p.split(',').next().unwrap().parse().unwrap())
        .collect();
    // The plot's x = 0 is at 78 + 400 / 2 px (svg.rs LEFT and SIZE).
    let stripe =
        xs.len() == 4 && close(xs[0], xs[1]) && close(xs[2], xs[3]) && close(xs[0] + xs[2], 556.0);
    assert!(
        stripe,
        "the band on the score axis is a stripe about 0: {xs:?}"
    );
    let nurses: Vec<usize> = (0..case.lines.len())
        .filter(|&i| case.lines[i].path().to_lowercase().contains("nurse"))
        .collect();
    assert!(!nurses.is_empty());
    assert_eq!(probe.filtered, nurses, "the filter ignores case");
    assert!(
        probe.hash.contains("sort=score") && probe.hash.contains("filter=NURSE"),
        "{}",
        probe.hash
    );
    assert!(probe.opened, "a point click opens its posting");
}

fn html_report_screenshot(browser: &Path, case: &BrowserCase) {
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    fs::create_dir_all(&shots).unwrap();
    let png = shots.join("report.png");
    let _ = fs::remove_file(&png);
    let shot = format!("--screenshot={}", png.display());
    let args = [shot.as_str(), "--window-size=1280,2400"];
    chromium(
        browser,
        case.work.path(),
        "shot",
        &args,
        &case.url("#open=3"),
    );
    fs::copy(&case.report, shots.join("report.html")).unwrap();
    let bytes = fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let size = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1280, 2400), "screenshot size");
    assert!(
        bytes.len() > 100_000,
        "a near-empty screenshot: {} bytes",
        bytes.len()
    );
}

/// The HTML report of a record file has `id` and `title` columns (every row
/// showed the same `postings.jsonl#N` path), and its detail panel names both; a
/// report of documents has neither column.
#[test]
fn issue16_html_report_of_records_shows_id_and_title() {
    let d = Dir::new();
    let p = d.write(
        "p.jsonl",
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "a-1", "title": "IT Manager <Ops>", "description": CIO_POSTING}),
            serde_json::json!({"id": "b-2", "title": "Engineering Lead", "description": CTO_POSTING}),
        ),
    );
    let report = d.path().join("r.html");
    let scan = |input: &str| {
        let o = run(&[
            "--lexicon",
            MINI,
            "scan",
            "-q",
            "--format",
            "html",
            input,
            "-o",
            report.to_str().unwrap(),
        ]);
        assert_code(&o, 0);
        fs::read_to_string(&report).unwrap()
    };
    let page = scan(p.to_str().unwrap());
    assert!(page.contains(r#"<th data-key="id">id</th><th data-key="title">title</th>"#));
    // In the data blob, escaped so that no `<` can end the script early.
    assert!(page.contains(r#""t":"IT Manager \u003cOps>""#), "{page}");
    let plain = scan(d.write("one.txt", CIO_POSTING).to_str().unwrap());
    assert!(!plain.contains(r#"data-key="id""#));
    let Some(browser) = find_chromium() else {
        return; // html_report_renders_in_a_browser says why, and fails under CI
    };
    let page = scan(p.to_str().unwrap());
    fs::write(&report, page).unwrap();
    let url = format!("file://{}#open=0", report.display());
    let (dom, log) = chromium(&browser, d.path(), "records", &["--dump-dom"], &url);
    assert_no_script_errors(&dom, &log);
    assert!(
        dom.contains(r#"<td class="id">a-1</td><td class="title">IT Manager &lt;Ops&gt;</td>"#),
        "{dom}"
    );
    assert!(dom.contains(r#"<td class="id">b-2</td><td class="title">Engineering Lead</td>"#));
    assert!(
        dom.contains(r#"<span class="dim"> · IT Manager &lt;Ops&gt;</span>"#),
        "the detail panel"
    );
    assert!(
        dom.contains(r#"<td colspan="7">"#),
        "the detail spans every column"
    );
}

// ---- piles in the scatter (issue 16) ----

/// The scatter's points as (posting, cx, cy), sorted by posting.
fn scatter_points(doc: &str) -> Vec<(usize, String, String)> {
    let mut points: Vec<_> = points(doc)
        .into_iter()
        .map(|(i, x, y)| (i.parse().unwrap(), x, y))
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
            let a = |name| attr(&tag, name).unwrap().to_string();
            (a("x"), a("y"), count.into())
        })
        .collect()
}

/// A folder where 30 postings share one text, 12 another, and 3 are their own.
fn piled_report(dir: &Path) -> (PathBuf, String) {
    let cio = "Director of IT. You run the ERP, the service desk and IT operations \
               for internal users, and own the IT budget and cost savings.\n";
    let cto = "VP Engineering. You build customer facing products with software \
               engineering teams and grow revenue.\n";
    let postings = dir.join("postings");
    fs::create_dir(&postings).unwrap();
    for k in 0..30 {
        fs::write(postings.join(format!("a{k:02}.txt")), cio).unwrap();
    }
    for k in 0..12 {
        fs::write(postings.join(format!("b{k:02}.txt")), cto).unwrap();
    }
    let mixed = format!("{cio}{cto}");
    let own = [
        mixed.as_str(),
        "A nurse on the night shift.",
        cto.replace("revenue", "the ERP").leak(),
    ];
    for (k, text) in own.iter().enumerate() {
        fs::write(postings.join(format!("c{k}.txt")), text).unwrap();
    }
    let report = dir.join("report.html");
    let out = run(&[
        "scan",
        postings.to_str().unwrap(),
        "--format",
        "html",
        "-q",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_code(&out, 0);
    let page = fs::read_to_string(&report).unwrap();
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
    let Some(browser) = chromium_or_skip("the_page_redraws_piles_as_the_server_drew_them") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (report, page) = piled_report(dir.path());
    let dom = |name: &str, view: &str| -> String {
        let url = format!("file://{}{view}", report.display());
        let (dom, _log) = chromium(&browser, dir.path(), name, &["--dump-dom"], &url);
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
    let scan = run(&[
        "scan",
        postings.to_str().unwrap(),
        "--format",
        "jsonl",
        "-q",
    ]);
    let mut piles = std::collections::BTreeMap::<String, usize>::new();
    for line in jsonl(&scan) {
        let axes = &line.tagged().axes;
        let o = |axis: &str| {
            let w = &axes[axis];
            if w.cio + w.cto > 0.0 {
                (w.cto - w.cio) / (w.cto + w.cio)
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
