//! Integration tests: run the real `roletag` binary on fixture folders built in temp dirs.
//!
//! The JSON contract is checked by parsing with `deny_unknown_fields`, so a
//! renamed or added field fails here first.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::Deserialize;

const MINI: &str = "tests/fixtures/lexicons/mini.toml";

fn roletag() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_roletag"));
    c.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    roletag().args(args).output().expect("run roletag")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Asserts the exit code, printing both streams when it is wrong.
fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "\n--- stdout ---\n{}\n--- stderr ---\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A temp folder with files written on request.
struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn s(&self) -> String {
        self.path().display().to_string()
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        p
    }
}

const CIO_POSTING: &str = "IT Manager\n\nSupport 400 internal users, run the service desk \
    and the ERP (SAP S/4HANA), and own the IT budget.";
const CTO_POSTING: &str = "Engineering Lead\n\nOwn the product roadmap, ship features \
    to our customer-facing mobile apps every week.";
const BLENDED_POSTING: &str = "Head of Technology\n\nOwn the product roadmap and ship \
    features for our mobile app, and also run the help desk and the ERP for internal users.";
const NONE_POSTING: &str = "Registered Nurse\n\nProvide patient care on a busy ward.";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tagged {
    path: String,
    label: String,
    score: f64,
    confidence: f64,
    cio: f64,
    cto: f64,
    axes: BTreeMap<String, PoleWeights>,
    evidence: Vec<Evidence>,
    words: u64,
    coverage: f64,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoleWeights {
    cio: f64,
    cto: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evidence {
    term: String,
    axis: String,
    pole: String,
    count: u32,
    weight: f64,
    contribution: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Failed {
    path: String,
    error: String,
    #[serde(default)]
    skipped: bool,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Line {
    Tagged(Tagged),
    Failed(Failed),
}

impl Line {
    fn path(&self) -> &str {
        match self {
            Line::Tagged(t) => &t.path,
            Line::Failed(f) => &f.path,
        }
    }

    fn tagged(&self) -> &Tagged {
        match self {
            Line::Tagged(t) => t,
            Line::Failed(f) => panic!("expected a tagged posting, got {f:?}"),
        }
    }

    fn failed(&self) -> &Failed {
        match self {
            Line::Failed(f) => f,
            Line::Tagged(t) => panic!("expected a failure, got {t:?}"),
        }
    }
}

fn jsonl(o: &Output) -> Vec<Line> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

#[test]
fn help_lists_the_commands() {
    let o = run(&["--help"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    for cmd in ["tag", "scan", "lexicon"] {
        assert!(out.contains(cmd), "{out}");
    }
    let o = run(&["scan", "--help"]);
    assert!(stdout(&o).contains("--threads"));
}

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
    assert!(t.words > 10 && t.coverage > 0.0 && t.coverage < 1.0);
    assert!(t.warnings.is_empty());
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

#[test]
fn tag_reads_stdin() {
    let mut child = roletag()
        .args(["--lexicon", MINI, "tag", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(CIO_POSTING.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
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

/// A folder with good postings of every label, an empty file, a binary file,
/// invalid UTF-8, a hidden file and a nested folder.
fn mixed_folder() -> Dir {
    let d = Dir::new();
    d.write("a-cio.txt", CIO_POSTING);
    d.write("b-cto.md", CTO_POSTING);
    d.write("c-empty.txt", "  \n");
    d.write("d-binary.bin", b"%PDF\x00\x01\x02");
    d.write(
        "e-latin1.txt",
        b"Caf\xe9 chain: run the service desk and ERP for internal users.",
    );
    d.write(".hidden.txt", CTO_POSTING);
    d.write("nested/deeper/f-blend.txt", BLENDED_POSTING);
    d.write("nested/g-nurse.txt", NONE_POSTING);
    d
}

#[test]
fn scan_reports_every_input_in_path_order() {
    let d = mixed_folder();
    let o = run(&["--lexicon", MINI, "scan", "--format", "jsonl", &d.s()]);
    assert_code(&o, 1); // the empty file failed
    let lines = jsonl(&o);
    let names: Vec<String> = lines
        .iter()
        .map(|l| {
            Path::new(l.path())
                .strip_prefix(d.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "a-cio.txt",
            "b-cto.md",
            "c-empty.txt",
            "d-binary.bin",
            "e-latin1.txt",
            "nested/deeper/f-blend.txt",
            "nested/g-nurse.txt"
        ]
    );
    assert_eq!(lines[0].tagged().label, "cio-like");
    assert_eq!(lines[1].tagged().label, "cto-like");
    assert!(lines[2].failed().error.contains("empty"));
    assert!(!lines[2].failed().skipped);
    assert!(lines[2].failed().warnings.is_empty());
    assert!(lines[3].failed().skipped);
    assert!(lines[3].failed().error.contains("binary"));
    assert_eq!(lines[4].tagged().label, "cio-like");
    assert_eq!(lines[4].tagged().warnings.len(), 1);
    assert_eq!(lines[5].tagged().label, "blended");
    assert_eq!(lines[6].tagged().label, "unclassified");
    let err = stderr(&o);
    assert!(
        err.contains(
            "7 inputs: 2 cio-like, 1 cto-like, 1 blended, 1 unclassified; 1 failed, 1 skipped"
        ),
        "{err}"
    );
}

/// One posting per document format and encoding; see tests/fixtures/formats/README.md.
#[test]
fn scan_reads_every_document_format() {
    let o = run(&["scan", "tests/fixtures/formats", "--format", "jsonl"]);
    assert_code(&o, 1); // the two corrupt files failed
    let lines = jsonl(&o);
    let by_name: BTreeMap<String, &Line> = lines
        .iter()
        .map(|l| {
            let name = Path::new(l.path()).file_name().unwrap();
            (name.to_string_lossy().into_owned(), l)
        })
        .collect();
    assert_eq!(by_name.len(), lines.len(), "one line per file");
    let tagged = [
        ("posting.txt", "cio-like", None),
        ("posting.md", "cio-like", None),
        ("posting.html", "cto-like", None),
        ("posting.docx", "cto-like", None),
        ("posting.pdf", "cto-like", None),
        ("utf8-bom.txt", "cio-like", None),
        ("utf16le.txt", "cio-like", None),
        ("utf16be.txt", "cio-like", None),
        (
            "latin1.txt",
            "cio-like",
            Some("decoded as windows-1252 (not valid UTF-8)"),
        ),
        (
            "bad-utf8.txt",
            "cio-like",
            Some("invalid UTF-8 replaced with U+FFFD"),
        ),
    ];
    for (name, label, warning) in tagged {
        let line = by_name
            .get(name)
            .unwrap_or_else(|| panic!("no line for {name}"));
        let t = line.tagged();
        assert_eq!(t.label, label, "{name}");
        let want: Vec<String> = warning.into_iter().map(String::from).collect();
        assert_eq!(t.warnings, want, "{name}");
    }
    // The HTML's script mentions the ERP and a help desk; it must not count.
    let html = by_name["posting.html"].tagged();
    assert!(html.evidence.iter().all(|e| e.pole == "cto"), "{html:?}");
    let failed = [
        ("corrupt.docx", "cannot read DOCX: "),
        ("corrupt.pdf", "cannot extract PDF text: "),
    ];
    for (name, error) in failed {
        let f = by_name[name].failed();
        assert!(f.error.starts_with(error), "{name}: {}", f.error);
        assert!(!f.skipped, "{name}");
    }
    // The folder's README.md is a file like the others: it gets its line too.
    assert!(by_name.contains_key("README.md"));
    assert_eq!(lines.len(), tagged.len() + failed.len() + 1);
}

#[test]
fn scan_hidden_and_globs() {
    let d = mixed_folder();
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--hidden",
        "-g",
        "*.txt",
        "-g",
        "!nested/**",
        "--files",
        &d.s(),
    ]);
    assert_code(&o, 0);
    let files: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            Path::new(l)
                .strip_prefix(d.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        files,
        [".hidden.txt", "a-cio.txt", "c-empty.txt", "e-latin1.txt"]
    );
    let o = run(&["scan", "-g", "a[", &d.s()]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("invalid --glob"));
}

#[test]
fn scan_is_byte_identical_across_thread_counts() {
    let d = Dir::new();
    for i in 0..700 {
        let text = [CIO_POSTING, CTO_POSTING, BLENDED_POSTING, NONE_POSTING][i % 4];
        d.write(&format!("dir{}/p{i:04}.txt", i % 7), text);
    }
    d.write("dir3/empty.txt", "");
    for format in ["jsonl", "json", "csv", "table"] {
        let outs: Vec<Vec<u8>> = ["1", "2", "4"]
            .iter()
            .map(|j| {
                let o = run(&[
                    "--lexicon",
                    MINI,
                    "scan",
                    "-q",
                    "--format",
                    format,
                    "-j",
                    j,
                    &d.s(),
                ]);
                assert_code(&o, 1);
                o.stdout
            })
            .collect();
        assert_eq!(outs[0], outs[1], "format {format}: 1 vs 2 threads");
        assert_eq!(outs[0], outs[2], "format {format}: 1 vs 4 threads");
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonReport {
    roletag: Header,
    postings: Vec<Line>,
    summary: SummaryJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    version: String,
    lexicon: LexiconJson,
    thresholds: ThresholdsJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconJson {
    name: String,
    version: String,
    source: String,
    hash: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsJson {
    blend_margin: f64,
    min_evidence: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryJson {
    inputs: u64,
    tagged: u64,
    failed: u64,
    skipped: u64,
    labels: BTreeMap<String, u64>,
}

#[test]
fn scan_json_has_provenance_and_summary() {
    let d = mixed_folder();
    let o = run(&[
        "--lexicon",
        MINI,
        "--blend-margin",
        "0.3",
        "scan",
        "--format",
        "json",
        &d.s(),
    ]);
    assert_code(&o, 1);
    let r: JsonReport = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(r.roletag.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(r.roletag.lexicon.name, "mini");
    assert_eq!(r.roletag.lexicon.version, "1");
    assert_eq!(r.roletag.lexicon.source, MINI);
    assert!(r.roletag.lexicon.hash.starts_with("sha256:"));
    assert!(
        close(r.roletag.thresholds.blend_margin, 0.3),
        "flag overrides the lexicon"
    );
    assert!(
        close(r.roletag.thresholds.min_evidence, 3.0),
        "lexicon overrides the default"
    );
    assert_eq!(r.postings.len(), 7);
    assert_eq!(
        (
            r.summary.inputs,
            r.summary.tagged,
            r.summary.failed,
            r.summary.skipped
        ),
        (7, 5, 1, 1)
    );
    assert_eq!(r.summary.labels["cio-like"], 2);
    assert_eq!(r.summary.labels["unclassified"], 1);
}

#[test]
fn scan_csv_has_flat_axis_columns() {
    let d = mixed_folder();
    let o = run(&["--lexicon", MINI, "scan", "--format", "csv", &d.s()]);
    let mut rdr = csv::Reader::from_reader(o.stdout.as_slice());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "path",
            "label",
            "score",
            "confidence",
            "cio",
            "cto",
            "words",
            "coverage",
            "focus_cio",
            "focus_cto",
            "systems_cio",
            "systems_cto",
            "evidence",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert_eq!(&rows[0][1], "cio-like");
    assert!(rows[2][13].contains("empty"));
}

#[test]
fn scan_table_is_one_line_per_posting() {
    let d = mixed_folder();
    let o = run(&["--lexicon", MINI, "scan", &d.s()]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + 7, "{out}");
    assert!(lines[0].starts_with("LABEL"));
    assert!(
        lines[1].starts_with("cio-like      -") && lines[1].contains("a-cio.txt"),
        "label column padded: {out}"
    );
    assert!(lines[3].starts_with("error") && lines[3].contains("c-empty.txt"));
    assert!(lines[4].starts_with("skipped"));
}

#[test]
fn scan_output_file_is_written_whole() {
    let d = mixed_folder();
    let out_dir = Dir::new();
    let report = out_dir.path().join("report.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "-o",
        report.to_str().unwrap(),
        &d.s(),
    ]);
    assert_code(&o, 1);
    assert!(o.stdout.is_empty());
    let text = fs::read_to_string(&report).unwrap();
    assert_eq!(text.lines().count(), 7);
    let leftovers: Vec<_> = fs::read_dir(out_dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn scan_missing_root_is_exit_2_after_the_rest() {
    let d = mixed_folder();
    let missing = d.path().join("nope");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        missing.to_str().unwrap(),
        &d.s(),
    ]);
    assert_code(&o, 2);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 8);
    assert!(lines[0].failed().error.contains("no such file"));
}

#[cfg(unix)]
#[test]
fn scan_unreadable_link_fails_alone() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    d.write("c.txt", CTO_POSTING);
    std::os::unix::fs::symlink(d.path().join("gone.txt"), d.path().join("b.txt")).unwrap();
    let o = run(&["--lexicon", MINI, "scan", "-L", "--format", "jsonl", &d.s()]);
    assert_code(&o, 1);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 3, "{}", stdout(&o));
    assert_eq!(lines[0].tagged().label, "cio-like");
    assert!(lines[1].path().ends_with("b.txt"));
    assert!(!lines[1].failed().error.is_empty());
    assert_eq!(lines[2].tagged().label, "cto-like");
}

#[test]
fn scan_into_closed_pipe_exits_quietly() {
    let d = Dir::new();
    for i in 0..3000 {
        d.write(&format!("p{i:05}.txt"), CIO_POSTING);
    }
    let mut child = roletag()
        .args(["--lexicon", MINI, "scan", "--format", "jsonl", &d.s()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

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
        out.contains("terms       9 (6 literal, 2 wildcard, 1 regex; 1 variants)"),
        "{out}"
    );
    let o = run(&["--lexicon", MINI, "lexicon", "terms"]);
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [
            "internal users",
            "it budget",
            "customer facing",
            "product roadmap",
            "erp",
            "service desk",
            "help desk",
            "mobile app",
            "ship features"
        ]
    );
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
