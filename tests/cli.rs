//! Integration tests: run the real `roletag` binary on fixture folders built in temp dirs.
//!
//! The JSON contract is checked by parsing with `deny_unknown_fields`, so a
//! renamed or added field fails here first.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::Deserialize;

const MINI: &str = "tests/fixtures/lexicons/mini.toml";

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

/// Starts roletag with its standard input, output and error piped.
fn spawn_piped(args: &[&str]) -> std::process::Child {
    spawn_with(args, Stdio::piped())
}

/// Starts roletag with `stdin`, its output and error piped.
fn spawn_with(args: &[&str], stdin: Stdio) -> std::process::Child {
    roletag()
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs roletag with `input` on its standard input.
fn run_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = spawn_piped(args);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
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
    schema_version: u32,
    path: String,
    #[serde(default)]
    path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    record: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    fields: Option<serde_json::Map<String, serde_json::Value>>,
    label: String,
    score: f64,
    confidence: f64,
    cio: f64,
    cto: f64,
    core_evidence: f64,
    axes: BTreeMap<String, PoleWeights>,
    evidence: Vec<Evidence>,
    words: u64,
    coverage: f64,
    ignored: Vec<IgnoredTerm>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoredTerm {
    term: String,
    axis: String,
    pole: String,
    count: u32,
    reason: String,
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
    context: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Failed {
    schema_version: u32,
    path: String,
    #[serde(default)]
    path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    record: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    fields: Option<serde_json::Map<String, serde_json::Value>>,
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
    fn schema_version(&self) -> u32 {
        match self {
            Line::Tagged(t) => t.schema_version,
            Line::Failed(f) => f.schema_version,
        }
    }

    fn path(&self) -> &str {
        match self {
            Line::Tagged(t) => &t.path,
            Line::Failed(f) => &f.path,
        }
    }

    fn path_bytes(&self) -> Option<&[u8]> {
        match self {
            Line::Tagged(t) => t.path_bytes.as_deref(),
            Line::Failed(f) => f.path_bytes.as_deref(),
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

/// `--label-field` carries each record's expected label into the report.
#[test]
fn label_field_is_carried_as_expected() {
    let d = Dir::new();
    let p = d.write(
        "gold.jsonl",
        "{\"text\": \"run the erp\", \"gold\": \"cio-like\"}\n{\"text\": \"nothing\"}\n",
    );
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "--label-field",
        "gold",
        &p.display().to_string(),
    ]);
    let lines = jsonl(&o);
    assert_eq!(lines[0].tagged().expected.as_deref(), Some("cio-like"));
    assert_eq!(lines[1].tagged().expected, None);
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

/// Every record of a record file is one line of the report, in file order,
/// tagged or with its own error; the rest of the file is still tagged.
#[test]
fn scan_record_files_report_every_record() {
    let d = Dir::new();
    let cio = CIO_POSTING.replace('\n', " ");
    let cto = CTO_POSTING.replace('\n', " ");
    d.write(
        "a.jsonl",
        format!(
            "{{\"id\": \"j1\", \"description\": \"{cio}\"}}\n{{broken\n\n{{\"id\": 9, \"text\": \"{cto}\"}}\n{{\"id\": \"j4\"}}\n"
        ),
    );
    d.write(
        "b.csv",
        format!("job_id,title,description\nc1,IT,\"{cio}\nmore\"\nc2,too,many,fields\nc3,Dev,\"{cto}\"\n"),
    );
    d.write("c.json", format!("[{{\"body\": \"{cto}\"}}, 42]"));
    d.write("d.json", "\"a string\"");
    let o = run(&["--lexicon", MINI, "scan", "--format", "jsonl", &d.s()]);
    assert_code(&o, 1);
    let lines = jsonl(&o);
    let got: Vec<(String, Option<u64>, Option<String>, String)> = lines
        .iter()
        .map(|l| {
            let name = Path::new(l.path())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            match l {
                Line::Tagged(t) => (name, t.record, t.id.clone(), t.label.clone()),
                Line::Failed(f) => (name, f.record, f.id.clone(), "error".to_string()),
            }
        })
        .collect();
    let want: Vec<(&str, Option<u64>, Option<&str>, &str)> = vec![
        ("a.jsonl", Some(0), Some("j1"), "cio-like"),
        ("a.jsonl", Some(1), None, "error"),
        ("a.jsonl", Some(2), Some("9"), "cto-like"),
        ("a.jsonl", Some(3), Some("j4"), "error"),
        ("b.csv", Some(0), Some("c1"), "cio-like"),
        ("b.csv", Some(1), None, "error"),
        ("b.csv", Some(2), Some("c3"), "cto-like"),
        ("c.json", Some(0), None, "cto-like"),
        ("c.json", Some(1), None, "error"),
        ("d.json", Some(0), None, "error"),
    ];
    let want: Vec<(String, Option<u64>, Option<String>, String)> = want
        .into_iter()
        .map(|(a, b, c, e)| (a.to_string(), b, c.map(str::to_string), e.to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(lines[1].failed().error.starts_with("line 2: invalid JSON"));
    assert!(lines[3].failed().error.contains("no text"));
    assert!(lines[5].failed().error.contains("line 4: malformed row"));
    assert!(lines[9]
        .failed()
        .error
        .contains("neither an object nor an array"));
    assert!(stderr(&o)
        .contains("10 inputs: 2 cio-like, 3 cto-like, 0 blended, 0 unclassified; 5 failed"));
}

/// `scan -` reads JSON Lines from stdin and writes one result per record.
#[test]
fn scan_stdin_streams_jsonl() {
    let cio = CIO_POSTING.replace('\n', " ");
    let input = format!("{{\"id\": 1, \"text\": \"{cio}\"}}\nnot json\n");
    let o = run_with_stdin(
        &["--lexicon", MINI, "scan", "-", "--format", "jsonl"],
        &input,
    );
    assert_code(&o, 1);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].path(), "<stdin>");
    assert_eq!(lines[0].tagged().label, "cio-like");
    assert_eq!(lines[0].tagged().id.as_deref(), Some("1"));
    assert_eq!(lines[1].failed().record, Some(1));
}

/// `--input-format` says what standard input holds, for `scan`, `tag` and `explain`
/// alike: CSV rows are records, not one JSON Lines failure each or one text posting.
#[test]
fn stdin_records_follow_input_format() {
    let cio = CIO_POSTING.replace('\n', " ");
    let cto = CTO_POSTING.replace('\n', " ");
    let csv = format!("id,description\nc1,\"{cio}\"\nc2,\"{cto}\"\n");
    for args in [
        &["scan", "--input-format", "csv", "--format", "jsonl", "-"][..],
        &["tag", "--input-format", "csv", "--format", "json", "-"][..],
    ] {
        let mut all = vec!["--lexicon", MINI];
        all.extend_from_slice(args);
        let o = run_with_stdin(&all, &csv);
        assert_code(&o, 0);
        let got: Vec<(Option<String>, String)> = jsonl(&o)
            .iter()
            .map(|l| (l.tagged().id.clone(), l.tagged().label.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("c1".to_string()), "cio-like".to_string()),
                (Some("c2".to_string()), "cto-like".to_string())
            ],
            "{args:?}"
        );
    }
    let o = run_with_stdin(
        &[
            "--lexicon",
            MINI,
            "explain",
            "--input-format",
            "csv",
            "--id",
            "c2",
            "--format",
            "json",
            "-",
        ],
        &csv,
    );
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        (v["id"].as_str(), v["record"].as_u64()),
        (Some("c2"), Some(1))
    );
    assert_eq!(v["label"], "cto-like");
    // Without --input-format, `tag -` and `explain -` read one text posting.
    let o = run_with_stdin(&["--lexicon", MINI, "tag", "--format", "json", "-"], &csv);
    assert_code(&o, 0);
    assert_eq!(jsonl(&o).len(), 1);
    // `scan -` reads records only: a document format there is a usage error.
    let o = run_with_stdin(&["scan", "--input-format", "text", "-"], &csv);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("roletag tag -"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

/// `scan -` is a streaming mapper: each record's result is written while the input is
/// still open, before the next record arrives (read on a thread, with a deadline).
#[test]
fn scan_stdin_writes_each_result_before_the_input_ends() {
    use std::io::BufRead;
    let mut child = spawn_piped(&["--lexicon", MINI, "scan", "-", "--format", "jsonl", "-q"]);
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let cio = CIO_POSTING.replace('\n', " ");
    for id in 0..3 {
        writeln!(stdin, "{{\"id\": {id}, \"text\": \"{cio}\"}}").unwrap();
        stdin.flush().unwrap();
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no result for record {id} while the input stays open"));
        assert!(line.contains(&format!("\"record\":{id}")), "{line}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert!(rx.recv().is_err(), "one result per record");
}

/// An empty stdin is no postings and exit 0, not a failed "empty file": Hadoop
/// Streaming and Spark's `RDD.pipe` start the mapper on empty input splits too.
#[test]
fn scan_stdin_empty_stream_is_no_postings() {
    for input in ["", "\n\n"] {
        let o = run_with_stdin(
            &["--lexicon", MINI, "scan", "-", "--format", "jsonl"],
            input,
        );
        assert_code(&o, 0);
        assert_eq!(stdout(&o), "", "input {input:?}");
        assert!(stderr(&o).contains("0 inputs"), "{}", stderr(&o));
    }
    // A record file with no records is still reported, so every input appears once.
    let dir = Dir::new();
    let empty = dir.write("empty.jsonl", "");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        &empty.display().to_string(),
        "--format",
        "jsonl",
    ]);
    assert_code(&o, 1);
    assert!(jsonl(&o)[0].failed().error.contains("the file is empty"));
}

/// Why the Spark example cannot run here: python3 without pyspark, or no java.
fn spark_missing() -> Option<String> {
    let runs = |c: &mut Command| {
        c.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !runs(Command::new("python3").args(["-c", "import pyspark"])) {
        return Some(
            "pyspark not importable by python3; run \
             `python3 -m pip install -r examples/spark/requirements.txt`"
                .to_string(),
        );
    }
    // pyspark starts $JAVA_HOME/bin/java when JAVA_HOME is set, else java on PATH.
    let java = std::env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin").join("java"))
        .unwrap_or_else(|| PathBuf::from("java"));
    if !runs(Command::new(&java).arg("-version")) {
        return Some(format!(
            "{} does not run; Spark needs Java 17",
            java.display()
        ));
    }
    None
}

/// The labelled corpus as JSON Lines, one record per posting with `id` = `<label>/<name>`,
/// then one record with no text (a failed posting).
fn labeled_corpus_jsonl() -> String {
    let mut files: Vec<PathBuf> = fs::read_dir("corpora/labeled")
        .unwrap()
        .flat_map(|label| fs::read_dir(label.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .collect();
    files.sort();
    let mut out = String::new();
    for f in &files {
        let label = f.parent().unwrap().file_name().unwrap().to_string_lossy();
        let name = f.file_stem().unwrap().to_string_lossy();
        let text = fs::read_to_string(f).unwrap();
        let record = serde_json::json!({"id": format!("{label}/{name}"), "text": text});
        out.push_str(&format!("{record}\n"));
    }
    out.push_str("{\"id\": \"no-text\"}\n");
    out
}

/// JSONL results keyed by `id`, without `path` and `record`, which differ between a
/// file and stdin split into partitions; so does the line number in an error message.
fn results_by_id(jsonl: &str) -> BTreeMap<String, serde_json::Value> {
    let mut by_id = BTreeMap::new();
    for line in jsonl.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let o = v.as_object_mut().unwrap();
        assert!(o.remove("path").is_some(), "no path: {line}");
        o.remove("record");
        if let Some(serde_json::Value::String(e)) = o.get_mut("error") {
            if let Some((_, rest)) = e.split_once(": ").filter(|(l, _)| l.starts_with("line ")) {
                *e = rest.to_string();
            }
        }
        let id = o["id"].as_str().unwrap().to_string();
        assert!(by_id.insert(id, v).is_none(), "duplicate id: {line}");
    }
    by_id
}

/// Issue 4: roletag as the mapper of a Spark job (examples/spark, local mode, four
/// partitions) gives every posting of the labelled corpus exactly the result of a direct
/// `roletag scan`, and loses or duplicates none. Skipped, saying why, without pyspark
/// or java; CI sets ROLETAG_REQUIRE_SPARK so that there it cannot be skipped.
#[test]
fn spark_mapper_matches_a_direct_scan() {
    if let Some(why) = spark_missing() {
        assert!(
            std::env::var_os("ROLETAG_REQUIRE_SPARK").is_none(),
            "ROLETAG_REQUIRE_SPARK is set, but {why}"
        );
        // Straight to stderr, past the harness's capture, so the skip shows in every run.
        writeln!(
            std::io::stderr(),
            "spark_mapper_matches_a_direct_scan skipped: {why}"
        )
        .unwrap();
        return;
    }
    let dir = Dir::new();
    let postings = labeled_corpus_jsonl();
    let input = dir.write("postings.jsonl", &postings);
    let output = dir.path().join("spark.jsonl");
    let spark = Command::new("python3")
        .arg("examples/spark/roletag_spark.py")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args([
            "--partitions",
            "4",
            "--roletag",
            env!("CARGO_BIN_EXE_roletag"),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_code(&spark, 1); // the record with no text failed; the rest were tagged
    let direct = run(&[
        "scan",
        &input.display().to_string(),
        "--format",
        "jsonl",
        "-q",
    ]);
    assert_code(&direct, 1);

    let spark_out = fs::read_to_string(&output).unwrap();
    let (via_spark, direct) = (results_by_id(&spark_out), results_by_id(&stdout(&direct)));
    assert_eq!(
        direct.len(),
        postings.lines().count(),
        "one result a posting"
    );
    assert_eq!(
        via_spark.keys().collect::<Vec<_>>(),
        direct.keys().collect::<Vec<_>>(),
        "the same postings, each once"
    );
    for (id, want) in &direct {
        assert_eq!(&via_spark[id], want, "posting {id}");
    }
    let labels: std::collections::BTreeSet<_> = direct
        .values()
        .filter_map(|v| v.get("label")?.as_str())
        .collect();
    assert_eq!(labels.len(), 4, "every label occurs: {labels:?}");
    assert!(direct["no-text"]["error"]
        .as_str()
        .unwrap()
        .contains("no text"));
    // Each partition was a separate roletag, whose `record` count starts again at 0.
    let partitions = spark_out
        .lines()
        .filter(|l| l.contains("\"record\":0,"))
        .count();
    assert!(partitions >= 2, "one partition only:\n{}", stderr(&spark));
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
    // Record files, with broken records among good ones: `-j 1` expands and
    // tags them on one thread, more threads on a reader and a pool.
    let cio = CIO_POSTING.replace('\n', " ");
    let cto = CTO_POSTING.replace('\n', " ");
    let mut jsonl = String::new();
    for i in 0..1200 {
        match i % 5 {
            0 => jsonl.push_str("{broken\n"),
            1 | 2 => jsonl.push_str(&format!("{{\"id\": {i}, \"text\": \"{cio}\"}}\n")),
            _ => jsonl.push_str(&format!("{{\"id\": {i}, \"text\": \"{cto}\"}}\n")),
        }
    }
    d.write("dir2/records.jsonl", &jsonl);
    d.write(
        "dir5/records.csv",
        format!("id,description\nc1,\"{cio}\"\nc2,too,many\nc3,\"{cto}\"\n"),
    );
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
    schema_version: u32,
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
    length_exponent: f64,
    min_terms: u32,
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
        "--length-exponent",
        "0.25",
        "scan",
        "--format",
        "json",
        &d.s(),
    ]);
    assert_code(&o, 1);
    let r: JsonReport = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert!(close(r.roletag.thresholds.length_exponent, 0.25));
    assert_eq!(r.roletag.thresholds.min_terms, 1, "the built-in default");
    assert_eq!(r.roletag.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(r.roletag.schema_version, 1);
    assert!(r.postings.iter().all(|p| p.schema_version() == 1));
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
            "error",
            "record",
            "id",
            "path_bytes"
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

/// Issue 16: `-o` naming an input would replace the input with the report.
#[test]
fn scan_refuses_an_output_that_is_an_input() {
    let d = Dir::new();
    let input = d.write("in.jsonl", "{\"text\": \"IT Manager\"}\n");
    let link = d.path().join("link.jsonl");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, &link).unwrap();
    #[cfg(not(unix))]
    fs::copy(&input, &link).unwrap();
    let dotted = d.path().join(".").join("in.jsonl");
    let cases: &[(&Path, &Path)] = &[(&input, &input), (&link, &input), (&dotted, &link)];
    for (root, output) in cases.iter().take(if cfg!(unix) { 3 } else { 1 }) {
        let o = run(&[
            "scan",
            root.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_code(&o, 2);
        assert!(stderr(&o).contains("is also an input"), "{}", stderr(&o));
    }
    assert_eq!(
        fs::read_to_string(&input).unwrap(),
        "{\"text\": \"IT Manager\"}\n"
    );
}

/// Issue 16: a second run into a folder it scans does not tag the first run's
/// report, nor its own temporary file (hidden, so only with `--hidden`).
#[test]
fn scan_leaves_its_own_report_out_of_the_walk() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    d.write("b.txt", CTO_POSTING);
    let report = d.path().join("report.jsonl");
    for _ in 0..2 {
        let o = run(&[
            "--lexicon",
            MINI,
            "scan",
            "--hidden",
            "--format",
            "jsonl",
            "-o",
            report.to_str().unwrap(),
            &d.s(),
        ]);
        assert_code(&o, 0);
        let text = fs::read_to_string(&report).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains("report.jsonl") && !text.contains(".roletag-"));
    }
    // `--files` lists what the scan reads, into `-o`: not that file itself.
    let args = ["scan", "--files", "-o", report.to_str().unwrap(), &d.s()];
    let o = run(&args);
    assert_code(&o, 0);
    let list = fs::read_to_string(&report).unwrap();
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(!list.contains("report.jsonl"), "{list}");
}

/// Issue 16: 200,000 nested `<div>`s took 68 s in the HTML parser; such a
/// document is that posting's error, at once, and the others are tagged.
#[test]
fn scan_refuses_deeply_nested_html_alone() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    let deep = format!(
        "{}IT budget{}",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    d.write("b.html", deep);
    let start = std::time::Instant::now();
    let o = run(&["--lexicon", MINI, "scan", "--format", "jsonl", &d.s()]);
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    assert_code(&o, 1);
    let lines = jsonl(&o);
    assert_eq!(lines[0].tagged().label, "cio-like");
    let err = &lines[1].failed().error;
    assert!(
        err.contains("HTML nested more than 4096 elements deep"),
        "{err}"
    );
}

/// A one-page PDF whose Form XObject draws itself: pdf-extract recurses until
/// the stack overflows (issue 16).
fn self_drawing_pdf() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let form_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = || {
        dictionary! {
            "Font" => dictionary! { "F1" => font_id },
            "XObject" => dictionary! { "X0" => form_id },
        }
    };
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Resources" => resources(),
        },
        b"BT /F1 12 Tf (IT budget) Tj ET /X0 Do".to_vec(),
    );
    doc.objects.insert(form_id, Object::Stream(form));
    let content_id = doc.add_object(Stream::new(dictionary! {}, b"/X0 Do".to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => resources(),
    });
    let pages = dictionary! {
        "Type" => "Pages",
        "Kids" => vec![page_id.into()],
        "Count" => 1,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Issue 16: a PDF that overflows the parser's stack aborted the whole scan
/// (exit 134, no report); the parser runs in a child process, and its crash is
/// that posting's error.
#[test]
fn a_pdf_that_crashes_the_parser_fails_alone() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    d.write("b.pdf", self_drawing_pdf());
    d.write("c.txt", CTO_POSTING);
    let out = Dir::new();
    let report = out.path().join("r.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        &d.s(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_code(&o, 1);
    let text = fs::read_to_string(&report).unwrap();
    let lines: Vec<Line> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0].tagged().label, "cio-like");
    let err = &lines[1].failed().error;
    assert_eq!(
        err,
        "cannot extract PDF text: the extractor crashed (signal 6): stack overflow"
    );
    assert_eq!(lines[2].tagged().label, "cto-like");
    assert_eq!(
        fs::read_dir(out.path()).unwrap().count(),
        1,
        "no temporary file"
    );
}

/// The hidden child mode's protocol: the PDF on standard input, at most
/// MAX + 1 bytes of text out (one over says "cut"), or exit 3 with the error.
#[test]
fn pdf_child_writes_at_most_one_byte_over_its_cap() {
    let pdf = fs::read("tests/fixtures/formats/posting.pdf").unwrap();
    let mut child = spawn_piped(&["__extract-pdf", "10"]);
    child.stdin.take().unwrap().write_all(&pdf).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_code(&o, 0);
    assert_eq!(o.stdout.len(), 11, "{}", stdout(&o));
    let o = run_with_stdin(&["__extract-pdf", "10"], "not a pdf");
    assert_code(&o, 3);
    assert!(
        stderr(&o).starts_with("cannot extract PDF text:"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
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

/// Runs roletag twice with its standard output a pipe closed early: once after
/// reading a little of the output, once closed before it starts (so even short
/// output hits the closed pipe). Both must end quietly: no message at all, and
/// exit 0 (or `normal`, the code had all of a short output fitted in the pipe).
/// See: issue 16 (the test used to check the exit code but not stderr).
fn assert_quiet_on_a_closed_pipe(args: &[&str], normal: i32) {
    let mut child = roletag()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    let _ = child.stdout.as_mut().unwrap().read(&mut first);
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(
        o.stderr.is_empty(),
        "{args:?} after reading a little: {}",
        stderr(&o)
    );
    let code = o.status.code();
    assert!(
        code == Some(0) || code == Some(normal),
        "{args:?}: {code:?}"
    );

    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = roletag()
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .output()
        .unwrap();
    assert!(o.stderr.is_empty(), "{args:?} closed: {}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{args:?} closed");
}

/// Issue 16: `scan --format csv | head -1` said "cannot write the report: Broken
/// pipe" and exited 2; every format ends quietly.
#[test]
fn scan_into_closed_pipe_exits_quietly() {
    let d = Dir::new();
    for i in 0..3000 {
        d.write(&format!("p{i:05}.txt"), CIO_POSTING);
    }
    for format in ["jsonl", "json", "csv", "table", "html"] {
        assert_quiet_on_a_closed_pipe(&["--lexicon", MINI, "scan", "--format", format, &d.s()], 0);
    }
    assert_quiet_on_a_closed_pipe(&["--lexicon", MINI, "scan", "--files", &d.s()], 0);
    #[cfg(unix)]
    for format in ["csv", "jsonl"] {
        // Written straight to the device, and named in errors: still quiet.
        let args = [
            "--lexicon",
            MINI,
            "scan",
            "--format",
            format,
            "-o",
            "/dev/stdout",
        ];
        assert_quiet_on_a_closed_pipe(&[&args[..], &[d.s().as_str()]].concat(), 0);
    }
    let files: Vec<String> = (0..400)
        .map(|i| d.path().join(format!("p{i:05}.txt")).display().to_string())
        .collect();
    for format in ["long", "json", "table", "csv"] {
        let mut args = vec!["--lexicon", MINI, "tag", "--format", format];
        args.extend(files.iter().map(String::as_str));
        assert_quiet_on_a_closed_pipe(&args, 0);
    }
}

/// Issue 16: the other commands with long output end quietly on a closed pipe too.
#[test]
fn every_command_exits_quietly_into_a_closed_pipe() {
    let d = Dir::new();
    let input = d.path().join("in.jsonl");
    let (before, after) = (d.path().join("before.jsonl"), d.path().join("after.jsonl"));
    for (text, report) in [(CIO_POSTING, &before), (CTO_POSTING, &after)] {
        let line = serde_json::json!({ "text": text }).to_string();
        let records: String = (0..3000)
            .map(|i| format!("{},\"id\":\"{i}\"}}\n", &line[..line.len() - 1]))
            .collect();
        fs::write(&input, records).unwrap();
        let o = run(&[
            "--lexicon",
            MINI,
            "scan",
            "-q",
            "--format",
            "jsonl",
            input.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ]);
        assert_code(&o, 0);
    }
    let (b, a) = (before.to_str().unwrap(), after.to_str().unwrap());
    let explained: Vec<PathBuf> = fs::read_dir("corpora/labeled/cio-like")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut explain = vec!["explain", "--color", "never"];
    explain.extend(explained.iter().map(|p| p.to_str().unwrap()));
    let mut explain_json = explain.clone();
    explain_json.extend(["--format", "json"]);
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["diff", b, a], 1),
        (vec!["diff", b, a, "--format", "json"], 1),
        (vec!["summarize", b, "--by", "field:id"], 0),
        (
            vec!["summarize", b, "--by", "field:id", "--format", "json"],
            0,
        ),
        (
            vec!["summarize", b, "--by", "field:id", "--format", "csv"],
            0,
        ),
        (vec!["lexicon", "terms"], 0),
        (vec!["lexicon", "show"], 0),
        (
            vec!["--lexicon", MINI, "eval", "corpora/labeled", "--misses"],
            0,
        ),
        (
            vec!["eval", "corpora/labeled", "--misses", "--format", "json"],
            0,
        ),
        (
            vec![
                "--lexicon",
                MINI,
                "calibrate",
                "corpora/labeled",
                "--folds",
                "2",
            ],
            0,
        ),
        (
            vec![
                "--lexicon",
                MINI,
                "calibrate",
                "corpora/labeled",
                "--folds",
                "2",
                "--format",
                "json",
            ],
            0,
        ),
        (explain, 0),
        (explain_json, 0),
    ];
    for (args, normal) in &cases {
        assert_quiet_on_a_closed_pipe(args, *normal);
    }
}

/// Waits until `dir` holds roletag's temporary report, i.e. the scan has
/// installed its signal handlers and started writing.
#[cfg(unix)]
fn wait_for_temp_report(dir: &Path) {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        let found = fs::read_dir(dir).unwrap().any(|e| {
            let name = e.unwrap().file_name();
            name.to_string_lossy().starts_with(".roletag-")
        });
        if found {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("no temporary report appeared in {}", dir.display());
}

#[cfg(unix)]
fn send_signal(child: &std::process::Child, signal: &str) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Issue 16: SIGTERM and SIGHUP (what `timeout`, Docker and Kubernetes send)
/// stop a scan like Ctrl-C: no report, no temporary file, 128 + the signal.
#[cfg(unix)]
#[test]
fn a_stop_signal_ends_a_scan_and_removes_its_temporary_report() {
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let out = Dir::new();
        let report = out.path().join("r.jsonl");
        let mut child = spawn_piped(&["scan", "-", "-q", "-o", report.to_str().unwrap()]);
        // Standard input stays open until the exit: at its end the scan would
        // finish, and race the signal.
        let stdin = child.stdin.take();
        wait_for_temp_report(out.path());
        send_signal(&child, signal);
        let status = child.wait().unwrap();
        drop(stdin);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(code), "{signal}: {err}");
        assert!(err.contains("interrupted"), "{err}");
        let left: Vec<_> = fs::read_dir(out.path()).unwrap().collect();
        assert!(left.is_empty(), "{signal}: {left:?}");
    }
}

/// Issue 16: a second signal during a slow posting ends the scan at once (it
/// used to need SIGKILL), and still removes the temporary report.
#[cfg(unix)]
#[test]
fn a_second_signal_ends_a_slow_scan_at_once() {
    let d = Dir::new();
    // 16 MiB of hits: seconds of tagging in one posting, with no place to stop.
    let slow = d.write("slow.txt", "erp ".repeat(4 << 20));
    let out = Dir::new();
    let report = out.path().join("r.jsonl");
    let child = spawn_with(
        &[
            "scan",
            "-q",
            slow.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ],
        Stdio::null(),
    );
    wait_for_temp_report(out.path());
    send_signal(&child, "TERM");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let second = std::time::Instant::now();
    send_signal(&child, "TERM");
    let o = child.wait_with_output().unwrap();
    assert!(second.elapsed() < std::time::Duration::from_secs(3));
    assert_code(&o, 143);
    let left: Vec<_> = fs::read_dir(out.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Issue 16: `ulimit -f` used to kill roletag without a word (SIGXFSZ); now the
/// write fails with EFBIG, reported as an output error, and no file is left.
#[cfg(unix)]
#[test]
fn a_file_size_limit_is_a_write_error() {
    let out = Dir::new();
    let report = out.path().join("r.jsonl");
    let script = format!(
        "ulimit -f 8 && exec \"$0\" scan -q corpora/labeled --format jsonl -o '{}'",
        report.display()
    );
    let o = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_roletag")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_code(&o, 2);
    // Said once, of the file asked for (not of the temporary file, twice).
    assert_eq!(
        stderr(&o),
        format!(
            "roletag: cannot write the report to {}: File too large (os error 27)\n",
            report.display()
        )
    );
    let left: Vec<_> = fs::read_dir(out.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
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

/// `-o` to a device or FIFO writes through it; it is never replaced by a rename.
#[cfg(unix)]
#[test]
fn output_to_a_special_file_writes_through_it() {
    let d = Dir::new();
    d.write("p/a.txt", CIO_POSTING);
    let fifo = d.path().join("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "-o",
        fifo.to_str().unwrap(),
        &d.path().join("p").display().to_string(),
    ]);
    assert_code(&o, 0);
    let got = reader.join().unwrap();
    assert!(got.contains("\"label\":\"cio-like\""), "{got}");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
    let leftovers: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// `--input-format` overrides the extension: a `.txt` of JSON lines is read as
/// records, an HTML page saved as `.txt` as HTML, and a `.jsonl` as one document.
#[test]
fn input_format_overrides_the_extension() {
    let d = Dir::new();
    let lines = d.write(
        "export.txt",
        "{\"text\": \"Run the ERP and the service desk\"}\n{\"text\": \"Ship features for mobile apps\"}\n",
    );
    let page = d.write(
        "page.txt",
        "<html><head><script>var erp = 1;</script></head><body><p>Own the product roadmap &amp; ship features</p></body></html>",
    );
    let as_records = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "--input-format",
        "jsonl",
        &lines.display().to_string(),
    ]);
    let got = jsonl(&as_records);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].tagged().record, Some(1));
    let as_html = run(&[
        "--lexicon",
        MINI,
        "tag",
        "--format",
        "json",
        "--input-format",
        "html",
        &page.display().to_string(),
    ]);
    let t = jsonl(&as_html).remove(0);
    let t = t.tagged();
    assert_eq!(t.label, "cto-like");
    assert!(
        t.evidence.iter().all(|e| e.term != "erp"),
        "script text was read: {t:?}"
    );
    let jl = d.write("one.jsonl", "{\"text\": \"erp\"}\n{\"text\": \"erp\"}\n");
    let as_text = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "--input-format",
        "text",
        &jl.display().to_string(),
    ]);
    assert_eq!(jsonl(&as_text).len(), 1);
    let bad = run(&["scan", "--input-format", "xls", "."]);
    assert_code(&bad, 2);
    assert!(stderr(&bad).contains("unknown format"));
}

/// The JSON Schema in `schema/` describes real output: every kind of posting line
/// (tagged with ids, expected labels, warnings and ignored terms; failed; skipped)
/// and the `--format json` document. A field added to the report without the
/// schema fails here.
#[test]
fn json_schema_matches_real_output() {
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string("schema/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let check = |v: &serde_json::Value| {
        let errors: Vec<String> = validator
            .iter_errors(v)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{v}");
    };

    let d = mixed_folder();
    let r = Dir::new();
    r.write(
        "records.jsonl",
        "{\"id\":\"r1\",\"role\":\"cio-like\",\"description\":\"Own the ERP and the service desk. \
         No product experience needed.\\n\\nBenefits\\nWe build great software products.\"}\n\
         not json\n{\"id\":\"r3\",\"title\":\"x\"}\n",
    );
    let lines = |o: &Output| -> Vec<serde_json::Value> {
        stdout(o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let truncated = run(&["scan", "--format", "jsonl", "--max-bytes", "60", &d.s()]);
    let mut all = lines(&truncated);
    let records = run(&[
        "scan",
        "--format",
        "jsonl",
        "--label-field",
        "role",
        "--keep-field",
        "role",
        "--keep-field",
        "nowhere",
        &r.s(),
        "corpora/sample",
    ]);
    all.extend(lines(&records));
    let tagged = run(&[
        "tag",
        "--format",
        "json",
        "corpora/sample/01-lumenfold-vp-engineering.txt",
    ]);
    all.extend(lines(&tagged));
    // A file name that is not UTF-8 gets `path_bytes` (Unix only).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let n = Dir::new();
        let name = std::ffi::OsStr::from_bytes(b"bad\xff.txt");
        fs::write(n.path().join(name), CIO_POSTING).unwrap();
        all.extend(lines(&run(&["scan", "--format", "jsonl", &n.s()])));
        assert!(all.iter().any(|v| v.get("path_bytes").is_some()));
    }
    let has = |key: &str| all.iter().filter(|v| v.get(key).is_some()).count();
    for key in [
        "label", "error", "skipped", "record", "id", "expected", "warnings", "fields",
    ] {
        assert!(has(key) > 0, "the sample output has no `{key}` to check");
    }
    assert!(all
        .iter()
        .any(|v| v["ignored"].as_array().is_some_and(|a| !a.is_empty())));
    for v in &all {
        assert_eq!(v["schema_version"], 1);
        check(v);
    }

    let document = run(&["scan", "--format", "json", &d.s()]);
    check(&serde_json::from_slice(&document.stdout).unwrap());

    // And it is strict: a renamed field or an unknown label does not validate.
    let mut renamed = all
        .iter()
        .find(|v| v.get("label").is_some())
        .unwrap()
        .clone();
    let label = renamed.as_object_mut().unwrap().remove("label").unwrap();
    renamed["class"] = label;
    assert!(!validator.is_valid(&renamed));
    let mut unknown = all[0].clone();
    unknown["label"] = "cfo-like".into();
    assert!(!validator.is_valid(&unknown));
}

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

/// Clicks a column twice, a row, a point, picks an axis and types a filter, as a
/// person would, then writes what it saw into `<pre id="probe">` as JSON.
const PROBE: &str = r#"<script>
(function () {
  const out = {};
  const rows = () => Array.from(document.querySelectorAll('#postings-table tr.row')).map((r) => +r.dataset.i);
  const th = document.querySelector('#postings-table th[data-key="score"]');
  th.click();
  out.desc = rows();
  th.click();
  out.asc = rows();
  document.querySelector('#postings-table tr.row').click();
  out.details = document.querySelectorAll('#postings-table tr.detail').length;
  const x = document.getElementById('x-axis');
  x.value = 'score';
  x.dispatchEvent(new Event('change'));
  out.title = document.getElementById('sx-title').textContent;
  out.band = document.getElementById('scatter-band').getAttribute('points');
  const filter = document.getElementById('filter');
  filter.value = 'NURSE';
  filter.dispatchEvent(new Event('input'));
  setTimeout(() => {
    out.filtered = rows();
    out.hash = location.hash;
    const c = document.querySelector('#scatter-points circle:not(.hidden)');
    c.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    out.opened = +document.querySelector('#postings-table tr.row.open').dataset.i === +c.dataset.i;
    const pre = document.createElement('pre');
    pre.id = 'probe';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }, 400);
})();
</script>"#;

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
    let Some(browser) = find_chromium() else {
        let why = "chromium not on PATH (apt-get install chromium)";
        assert!(
            std::env::var_os("ROLETAG_REQUIRE_CHROMIUM").is_none(),
            "ROLETAG_REQUIRE_CHROMIUM is set, but {why}"
        );
        // Straight to stderr, past the harness's capture, so the skip shows in every run.
        writeln!(
            std::io::stderr(),
            "html_report_renders_in_a_browser skipped: {why}"
        )
        .unwrap();
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

/// `-o FILE` is written through a temporary file, but ends up with the mode a plain
/// `File::create` would give (0666 less the umask), not the temporary file's 0600.
#[cfg(unix)]
#[test]
fn output_file_gets_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new();
    let report = d.path().join("report.jsonl");
    let plain = d.write("plain.txt", "x");
    let o = run(&[
        "-q",
        "scan",
        "corpora/sample",
        "-o",
        &report.display().to_string(),
    ]);
    assert_code(&o, 0);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&report), mode(&plain));
}

// ---- issue #5: `roletag diff` and `roletag summarize` on reports ----

/// `roletag diff --format json`, parsed strictly: the documented structure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffJson {
    key: String,
    old: DiffSide,
    new: DiffSide,
    paired: u64,
    changed: BTreeMap<String, u64>,
    score_only: u64,
    matrix: BTreeMap<String, BTreeMap<String, u64>>,
    changes: Vec<DiffChange>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffSide {
    postings: u64,
    duplicates: u64,
    malformed: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffChange {
    path: String,
    #[serde(default)]
    path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    record: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    change: String,
    old: Option<DiffVersion>,
    new: Option<DiffVersion>,
    evidence: Vec<TermDeltaJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, untagged)]
enum DiffVersion {
    Tagged {
        label: String,
        score: f64,
        confidence: f64,
    },
    Failed {
        error: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermDeltaJson {
    term: String,
    axis: String,
    pole: String,
    old_count: u32,
    new_count: u32,
    old_weight: f64,
    new_weight: f64,
    old_contribution: f64,
    new_contribution: f64,
    delta: f64,
    status: String,
}

/// Each posting's label (or `failed`) and score, by path (with `#record` for records).
fn states(report: &Path) -> BTreeMap<String, (String, Option<f64>)> {
    fs::read_to_string(report)
        .unwrap()
        .lines()
        .map(|l| match serde_json::from_str::<Line>(l).unwrap() {
            Line::Tagged(t) => (key_of(&t.path, t.record), (t.label, Some(t.score))),
            Line::Failed(f) => (key_of(&f.path, f.record), ("failed".to_string(), None)),
        })
        .collect()
}

fn key_of(path: &str, record: Option<u64>) -> String {
    match record {
        Some(n) => format!("{path}#{n}"),
        None => path.to_string(),
    }
}

/// Scans `roots` into a JSONL report at `out`, with extra global flags first.
fn scan_report(flags: &[&str], roots: &[&str], out: &Path) {
    let mut args: Vec<&str> = flags.to_vec();
    let out_s = out.display().to_string();
    args.extend(["-q", "scan", "--format", "jsonl", "-o", &out_s]);
    args.extend(roots);
    let o = run(&args);
    assert!(o.status.code().unwrap() <= 1, "{}", stderr(&o));
}

/// A lexicon edit changes some labels: `diff` reports exactly the postings whose
/// label (or failure) differs between the two reports, computed here from the
/// reports themselves, plus the added and removed ones, and exits 1.
#[test]
fn diff_finds_exactly_the_postings_whose_label_differs() {
    let d = mixed_folder();
    let out = Dir::new();
    let (old, new) = (out.path().join("old.jsonl"), out.path().join("new.jsonl"));
    d.write("y-emptied.txt", CTO_POSTING);
    scan_report(&[], &["corpora/sample", &d.s()], &old);
    fs::remove_file(d.path().join("a-cio.txt")).unwrap();
    d.write("y-emptied.txt", "");
    d.write("z-new.txt", CTO_POSTING);
    scan_report(&["--lexicon", MINI], &["corpora/sample", &d.s()], &new);
    let (before, after) = (states(&old), states(&new));
    let differs: Vec<&String> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|w| w.0 != v.0))
        .map(|(k, _)| k)
        .collect();
    let score_only = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|w| w.0 == v.0 && w.1 != v.1))
        .count();
    assert!(
        differs.len() > 5,
        "the lexicons should disagree: {differs:?}"
    );

    let o = run(&[
        "diff",
        "--format",
        "json",
        &old.display().to_string(),
        &new.display().to_string(),
    ]);
    assert_code(&o, 1);
    let j: DiffJson = serde_json::from_slice(&o.stdout).expect("diff JSON");
    let of_kind = |kinds: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = j
            .changes
            .iter()
            .filter(|c| kinds.contains(&c.change.as_str()))
            .map(|c| key_of(&c.path, c.record))
            .collect();
        v.sort();
        v
    };
    let expected: Vec<String> = differs.iter().map(|s| s.to_string()).collect();
    assert_eq!(of_kind(&["label", "failed", "recovered"]), expected);
    let gone = d.path().join("a-cio.txt").display().to_string();
    let added = d.path().join("z-new.txt").display().to_string();
    assert_eq!(of_kind(&["removed"]), [gone]);
    assert_eq!(of_kind(&["added"]), [added]);
    assert_eq!(
        (j.key.as_str(), j.old.postings, j.new.postings),
        ("path", 44, 44)
    );
    assert_eq!((j.old.malformed, j.new.duplicates), (0, 0));
    assert_eq!((j.paired, j.score_only), (43, score_only as u64));
    let emptied = j.changes.iter().find(|c| c.path.ends_with("y-emptied.txt"));
    match emptied.map(|c| (c.change.as_str(), &c.new)) {
        Some(("failed", Some(DiffVersion::Failed { error }))) => {
            assert!(error.contains("empty"), "{error}")
        }
        other => panic!("the emptied posting failed: {other:?}"),
    }
    assert_eq!(
        j.changed["label"] + j.changed["failed"] + j.changed["recovered"],
        expected.len() as u64
    );
    // Every cell of the matrix is a count of postings computed from the reports.
    let mut cells: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (k, v) in &before {
        let now = after.get(k).map_or("removed", |w| w.0.as_str());
        *cells.entry((v.0.as_str(), now)).or_default() += 1;
    }
    for (_, v) in after.iter().filter(|(k, _)| !before.contains_key(*k)) {
        *cells.entry(("added", v.0.as_str())).or_default() += 1;
    }
    let mut total = 0;
    for (old_state, row) in &j.matrix {
        for (new_state, n) in row {
            let want = cells
                .get(&(old_state.as_str(), new_state.as_str()))
                .copied();
            assert_eq!(*n, want.unwrap_or(0), "matrix[{old_state}][{new_state}]");
            total += n;
        }
    }
    assert_eq!(
        total,
        cells.values().sum::<u64>(),
        "every posting is in one cell"
    );
    // The evidence of a label change accounts for the score's move.
    for c in j.changes.iter().filter(|c| c.change == "label") {
        let (
            Some(DiffVersion::Tagged { score: s0, .. }),
            Some(DiffVersion::Tagged { score: s1, .. }),
        ) = (&c.old, &c.new)
        else {
            panic!("a label change has two tagged versions: {c:?}");
        };
        let moved: f64 = c.evidence.iter().map(|t| t.delta).sum();
        assert!((moved - (s1 - s0)).abs() < 0.01, "{c:?}");
        for t in &c.evidence {
            assert!(
                close(t.delta, t.new_contribution - t.old_contribution),
                "{t:?}"
            );
            assert!(t.delta != 0.0 && !t.axis.is_empty(), "{t:?}");
            assert!(["cio", "cto"].contains(&t.pole.as_str()), "{t:?}");
            match t.status.as_str() {
                "appeared" => assert!(t.old_count == 0 && t.old_weight == 0.0),
                "disappeared" => assert!(t.new_count == 0 && t.new_weight == 0.0),
                "rescaled" => assert!((t.old_weight - t.new_weight).abs() < 0.01, "{t:?}"),
                "reweighted" => {
                    assert!(t.old_count != t.new_count || !close(t.old_weight, t.new_weight))
                }
                other => panic!("unknown status {other}"),
            }
        }
    }
    for c in &j.changes {
        for v in [&c.old, &c.new].into_iter().flatten() {
            if let DiffVersion::Tagged { confidence, .. } = v {
                assert!((0.0..=1.0).contains(confidence), "{c:?}");
            }
        }
    }

    // The same report twice: nothing changed, exit 0; the table says so.
    let same = run(&[
        "diff",
        &old.display().to_string(),
        &old.display().to_string(),
    ]);
    assert_code(&same, 0);
    let table = stdout(&same);
    assert!(
        table.contains("44 postings paired by path; 0 changed"),
        "{table}"
    );
    assert!(
        table.contains("label changes (rows: old report, columns: new report)"),
        "{table}"
    );
}

/// Pairing by id follows records that moved to another file or row; the JSON
/// document of `scan --format json` reads like JSONL; bad lines are reported with
/// file and line and make the comparison exit 2, as does a missing report.
#[test]
fn diff_keys_documents_and_trouble() {
    let d = Dir::new();
    let a = d.write(
        "a.jsonl",
        "{\"id\":\"j1\",\"text\":\"Run the ERP and the service desk for internal users\"}\n\
         {\"id\":\"j2\",\"text\":\"Ship features for our mobile app and own the product roadmap\"}\n",
    );
    let b = d.write(
        "b.jsonl",
        "{\"id\":\"j2\",\"text\":\"Ship features for our mobile app and own the product roadmap\"}\n\
         {\"id\":\"j1\",\"text\":\"Run the ERP and the service desk, ship features for the mobile app\"}\n",
    );
    let (old, new) = (d.path().join("old.jsonl"), d.path().join("new.json"));
    scan_report(&["--lexicon", MINI], &[&a.display().to_string()], &old);
    let o = run(&[
        "--lexicon",
        MINI,
        "-q",
        "scan",
        "--format",
        "json",
        "-o",
        &new.display().to_string(),
        &b.display().to_string(),
    ]);
    assert_code(&o, 0);
    let (old_s, new_s) = (old.display().to_string(), new.display().to_string());
    let by_id = run(&["diff", "--key", "id", "--format", "json", &old_s, &new_s]);
    assert_code(&by_id, 1);
    let j: DiffJson = serde_json::from_slice(&by_id.stdout).unwrap();
    assert_eq!((j.key.as_str(), j.paired, j.changes.len()), ("id", 2, 1));
    let c = &j.changes[0];
    assert_eq!(
        (c.id.as_deref(), c.change.as_str(), c.record),
        (Some("j1"), "label", Some(1))
    );
    assert!(matches!(&c.old, Some(DiffVersion::Tagged { label, .. }) if label == "cio-like"));
    assert!(matches!(&c.new, Some(DiffVersion::Tagged { label, .. }) if label == "blended"));
    let moved: Vec<(&str, &str, u32, u32)> = c
        .evidence
        .iter()
        .map(|t| (t.term.as_str(), t.status.as_str(), t.old_count, t.new_count))
        .collect();
    assert_eq!(
        moved,
        [
            ("internal users", "disappeared", 1, 0),
            ("mobile app*", "appeared", 0, 1),
            ("ship features", "appeared", 0, 1),
            ("erp", "rescaled", 1, 1),
            ("service desk", "rescaled", 1, 1),
        ]
    );
    let by_path = run(&["diff", "--format", "json", &old_s, &new_s]);
    let j: DiffJson = serde_json::from_slice(&by_path.stdout).unwrap();
    assert_eq!(
        (j.paired, j.changed["added"], j.changed["removed"]),
        (0, 2, 2)
    );

    let table = run(&["diff", "--key", "id", &old_s, &new_s]);
    let out = stdout(&table);
    assert!(out.contains("cio-like     -> blended"), "{out}");
    assert!(
        out.contains("appeared    mobile app* (systems, cto)"),
        "{out}"
    );

    let mut text = fs::read_to_string(&old).unwrap();
    text.insert_str(0, "{\"path\": oops\n");
    let broken = d.write("broken.jsonl", text);
    let o = run(&["diff", &broken.display().to_string(), &old_s]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:1: invalid JSON", broken.display())),
        "{err}"
    );
    assert!(
        stdout(&o).contains("old: 2 postings (0 duplicate keys left out, 1 line not a posting)")
    );
    let o = run(&["diff", "missing.jsonl", &old_s]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("missing.jsonl: cannot read"));
    let o = run(&["diff", "-", "-"]);
    assert_code(&o, 2);
}

/// `summarize` counts what the scan counted, whichever report format it reads, and
/// `scan --summary` prints the same table from the records in memory.
#[test]
fn summarize_counts_equal_the_scan_summary() {
    let d = mixed_folder();
    let out = Dir::new();
    let (jl, doc) = (out.path().join("r.jsonl"), out.path().join("r.json"));
    let roots = ["corpora/sample", &d.s()];
    scan_report(&["--lexicon", MINI], &roots, &jl);
    let o = run(&[
        "--lexicon",
        MINI,
        "-q",
        "scan",
        "--format",
        "json",
        "-o",
        &doc.display().to_string(),
        roots[0],
        roots[1],
    ]);
    assert_code(&o, 1);
    let report: JsonReport = serde_json::from_slice(&fs::read(&doc).unwrap()).unwrap();

    let s = run(&[
        "summarize",
        "--by",
        "none",
        "--format",
        "json",
        &jl.display().to_string(),
    ]);
    assert_code(&s, 0);
    let v: serde_json::Value = serde_json::from_slice(&s.stdout).unwrap();
    let all = &v["all"];
    assert_eq!(all["postings"], report.summary.inputs);
    assert_eq!(all["tagged"], report.summary.tagged);
    assert_eq!(all["failed"], report.summary.failed);
    assert_eq!(all["skipped"], report.summary.skipped);
    for (label, n) in &report.summary.labels {
        assert_eq!(all["labels"][label]["count"], *n, "{label}");
    }
    assert_eq!(v["malformed"], 0);
    let from_doc = run(&[
        "summarize",
        "--by",
        "none",
        "--format",
        "json",
        &doc.display().to_string(),
    ]);
    assert_eq!(
        stdout(&from_doc),
        stdout(&s),
        "the JSON document reads like JSONL"
    );

    // `--by label`: one group per label with the scan's counts, plus `failed`.
    let csv = run(&[
        "summarize",
        "--by",
        "label",
        "--format",
        "csv",
        &jl.display().to_string(),
    ]);
    let rows: Vec<Vec<String>> = stdout(&csv)
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(
        &rows[0][..5],
        ["group", "postings", "tagged", "failed", "skipped"]
    );
    let groups: Vec<(&str, u64)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].parse().unwrap()))
        .collect();
    let labels = &report.summary.labels;
    assert_eq!(
        groups,
        [
            ("cio-like", labels["cio-like"]),
            ("cto-like", labels["cto-like"]),
            ("blended", labels["blended"]),
            ("unclassified", labels["unclassified"]),
            ("failed", report.summary.failed + report.summary.skipped),
            ("(all)", report.summary.inputs),
        ]
    );

    // `scan --summary` with -o: the table on stdout, equal to `summarize` of the report.
    let tapped = out.path().join("t.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "-q",
        "scan",
        "--format",
        "jsonl",
        "--summary=label",
        "-o",
        &tapped.display().to_string(),
        roots[0],
        roots[1],
    ]);
    assert_code(&o, 1);
    let table = run(&["summarize", "--by", "label", &tapped.display().to_string()]);
    assert_eq!(stdout(&o), stdout(&table));
    assert!(stdout(&o).contains("GROUP"), "{}", stdout(&o));
    // Without -o the report keeps stdout to itself and the table goes to stderr.
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "--summary",
        roots[0],
        roots[1],
    ]);
    assert_eq!(jsonl(&o).len() as u64, report.summary.inputs);
    assert!(stderr(&o).contains("grouped by folder"), "{}", stderr(&o));
}

/// Folders group below the folder all postings share, at `--depth`; a field of
/// the source records groups by its value; a bad report line is shown with file
/// and line, counted, and makes the exit code 1 while the rest is summarized.
#[test]
fn summarize_groups_by_folder_and_field_and_survives_bad_lines() {
    let d = mixed_folder();
    let out = Dir::new();
    let jl = out.path().join("r.jsonl");
    scan_report(&["--lexicon", MINI], &[&d.s()], &jl);
    let jl_s = jl.display().to_string();
    let groups = |args: &[&str]| -> Vec<(String, u64)> {
        let mut a = vec!["summarize", "--format", "csv"];
        a.extend(args);
        let o = run(&a);
        stdout(&o)
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[1].parse().unwrap())
            })
            .collect()
    };
    let nested = d.path().join("nested").display().to_string();
    assert_eq!(
        groups(&[&jl_s]),
        [(d.s(), 5), (nested.clone(), 2), ("(all)".to_string(), 7)]
    );
    let deeper = d.path().join("nested/deeper").display().to_string();
    assert_eq!(
        groups(&["--depth", "2", &jl_s]),
        [
            (d.s(), 5),
            (nested, 1),
            (deeper, 1),
            ("(all)".to_string(), 7)
        ]
    );

    let src = d.write(
        "export/postings.jsonl",
        "{\"company\":\"Acme\",\"text\":\"Run the ERP and the service desk\"}\n\
         {\"company\":\"Beta\",\"text\":\"Ship features for mobile apps\"}\n\
         {\"company\":\"Acme\",\"text\":\"Own the product roadmap and ship features\"}\n\
         {\"text\":\"Own the IT budget\"}\n",
    );
    let rj = out.path().join("records.jsonl");
    scan_report(&["--lexicon", MINI], &[&src.display().to_string()], &rj);
    let by_company = groups(&["--by", "field:company", &rj.display().to_string()]);
    let want: Vec<(String, u64)> = [("(none)", 1), ("Acme", 2), ("Beta", 1), ("(all)", 4)]
        .iter()
        .map(|(g, n)| (g.to_string(), *n))
        .collect();
    assert_eq!(by_company, want);

    let mut text = fs::read_to_string(&jl).unwrap();
    text.insert_str(text.find('\n').unwrap() + 1, "not json\n{\"path\":\"x\"}\n");
    let bad = out.path().join("bad.jsonl");
    fs::write(&bad, text).unwrap();
    let o = run(&["summarize", "--by", "none", &bad.display().to_string()]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:2: invalid JSON", bad.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:3: not a posting: neither `label` nor `error`",
            bad.display()
        )),
        "{err}"
    );
    assert!(
        stdout(&o).starts_with("7 postings: 5 tagged, 1 failed, 1 skipped; 2 malformed lines"),
        "{}",
        stdout(&o)
    );
    let o = run(&["summarize", "--by", "company", &jl_s]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("field:NAME"));
}

// ---------------------------------------------------------------------------
// Bad input: every input and every record is in the report exactly once, and
// nothing panics, hangs or stops the batch. See tests/fixtures/bad/README.md.
// ---------------------------------------------------------------------------

const BAD: &str = "tests/fixtures/bad";

/// The whole-fixture scan: `-L` so the symlink cases are inputs, a small
/// `--max-bytes` so the oversize cases trip it, and the READMEs left out.
const FIXTURE_SCAN: &[&str] = &[
    "scan",
    "-L",
    "--max-bytes",
    "2048",
    "-g",
    "!README.md",
    "tests/fixtures/bad",
    "tests/fixtures/formats",
];

/// Every input of the fixture scan in report order: path under tests/fixtures,
/// record, label (or `error`, `skipped`), and a substring of the error or of the
/// warnings ("" for none expected).
#[rustfmt::skip] // one input a line
const FIXTURE_EXPECTED: &[(&str, Option<u64>, &str, &str)] = &[
    ("bad/binary.bin", None, "skipped", "binary file skipped (NUL byte at offset 7)"),
    ("bad/blank.jsonl", None, "error", "no records: the file is empty"),
    ("bad/broken.json", Some(0), "error", "invalid JSON: EOF while parsing"),
    ("bad/dangling.txt", None, "error", "No such file or directory"),
    ("bad/dev-null", None, "skipped", "not a regular file (character device); skipped unread"),
    ("bad/empty-array.json", None, "error", "no records: the file is empty"),
    ("bad/empty.txt", None, "error", "empty posting: no text to tag"),
    ("bad/invalid-utf8.txt", None, "cio-like", "decoded as windows-1252 (not valid UTF-8)"),
    ("bad/loop", None, "error", "File system loop found"),
    ("bad/nested/1/2/3/4/5/6/7/8/9/10/11/12/deep.txt", None, "cio-like", ""),
    ("bad/no-text.json", Some(0), "error", "record has no text in any of the fields"),
    ("bad/non-objects.json", Some(0), "error", "element 0 is not a JSON object"),
    ("bad/non-objects.json", Some(1), "error", "element 1 is not a JSON object"),
    ("bad/non-objects.json", Some(2), "error", "element 2 is not a JSON object"),
    ("bad/oversize.json", Some(0), "error", "JSON file larger than --max-bytes (2048)"),
    ("bad/oversize.txt", None, "cio-like", "truncated to 2048 bytes (file is 3781 bytes)"),
    ("bad/posting-folder.txt/inside.txt", None, "cto-like", ""),
    ("bad/posting.json", Some(0), "cio-like", ""),
    ("bad/postings.json", Some(0), "cto-like", ""),
    ("bad/postings.json", Some(1), "blended", ""),
    ("bad/records.csv", Some(0), "cio-like", ""),
    ("bad/records.csv", Some(1), "error", "line 3: malformed row: 5 fields where the header has 3"),
    ("bad/records.csv", Some(2), "error", "line 4: record has no text"),
    ("bad/records.csv", Some(3), "cto-like", ""),
    ("bad/records.csv", Some(4), "error", "line 7: row longer than --max-bytes (2048); skipped"),
    ("bad/records.jsonl", Some(0), "cio-like", ""),
    ("bad/records.jsonl", Some(1), "error", "line 2: invalid JSON"),
    ("bad/records.jsonl", Some(2), "error", "line 4: record has no text"),
    ("bad/records.jsonl", Some(3), "error", "line 5: not a JSON object"),
    ("bad/records.jsonl", Some(4), "cto-like", ""),
    ("bad/records.jsonl", Some(5), "error", "line 7: longer than --max-bytes (2048); skipped"),
    ("bad/records.ndjson", Some(0), "unclassified", ""),
    ("bad/records.ndjson", Some(1), "blended", ""),
    ("bad/records.tsv", Some(0), "blended", ""),
    ("bad/records.tsv", Some(1), "unclassified", ""),
    ("bad/scalar.json", Some(0), "error", "neither an object nor an array of objects"),
    ("bad/whitespace.txt", None, "error", "empty posting: no text to tag"),
    ("formats/bad-utf8.txt", None, "cio-like", "invalid UTF-8 replaced with U+FFFD"),
    ("formats/corrupt.docx", None, "error", "cannot read DOCX: "),
    ("formats/corrupt.pdf", None, "error", "cannot extract PDF text: "),
    ("formats/latin1.txt", None, "cio-like", "decoded as windows-1252 (not valid UTF-8)"),
    ("formats/posting.docx", None, "cto-like", ""),
    ("formats/posting.html", None, "cto-like", ""),
    ("formats/posting.md", None, "cio-like", ""),
    ("formats/posting.pdf", None, "cto-like", ""),
    ("formats/posting.txt", None, "cio-like", ""),
    ("formats/utf16be.txt", None, "cio-like", ""),
    ("formats/utf16le.txt", None, "cio-like", ""),
    ("formats/utf8-bom.txt", None, "cio-like", ""),
];

/// (path under tests/fixtures, record, label or error/skipped, error or warnings) of one report line.
fn outcome(line: &Line) -> (String, Option<u64>, String, String) {
    let path = line
        .path()
        .strip_prefix("tests/fixtures/")
        .unwrap_or_else(|| panic!("outside the fixtures: {line:?}"))
        .to_string();
    match line {
        Line::Tagged(t) => (path, t.record, t.label.clone(), t.warnings.join("; ")),
        Line::Failed(f) if f.skipped => (path, f.record, "skipped".into(), f.error.clone()),
        Line::Failed(f) => (path, f.record, "error".into(), f.error.clone()),
    }
}

/// Every file, link and record of the fixture folders is in the report exactly
/// once, as expected, and the summary line, JSON summary and exit code agree.
#[test]
fn scan_accounts_for_every_fixture_input() {
    let mut keys: Vec<(&str, Option<u64>)> = FIXTURE_EXPECTED.iter().map(|e| (e.0, e.1)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        FIXTURE_EXPECTED.len(),
        "an input is expected twice"
    );

    let o = run(&[FIXTURE_SCAN, &["--format", "jsonl"]].concat());
    assert_code(&o, 1); // failures, and every root exists
    let got: Vec<_> = jsonl(&o).iter().map(outcome).collect();
    let want_keys: Vec<_> = FIXTURE_EXPECTED.iter().map(|e| (e.0, e.1, e.2)).collect();
    let got_keys: Vec<_> = got
        .iter()
        .map(|(p, r, l, _)| (p.as_str(), *r, l.as_str()))
        .collect();
    assert_eq!(got_keys, want_keys);
    for ((path, record, _, detail), (_, _, _, want)) in got.iter().zip(FIXTURE_EXPECTED) {
        assert!(
            detail.contains(want) && (!want.is_empty() || detail.is_empty()),
            "{path} {record:?}: want {want:?}, got {detail:?}"
        );
    }

    let count = |label: &str| FIXTURE_EXPECTED.iter().filter(|e| e.2 == label).count();
    let (failed, skipped) = (count("error"), count("skipped"));
    let summary = format!(
        "{} inputs: {} cio-like, {} cto-like, {} blended, {} unclassified; {failed} failed, {skipped} skipped",
        FIXTURE_EXPECTED.len(),
        count("cio-like"),
        count("cto-like"),
        count("blended"),
        count("unclassified"),
    );
    assert!(
        stderr(&o).contains(&summary),
        "want {summary:?} in\n{}",
        stderr(&o)
    );

    let j = run(&[FIXTURE_SCAN, &["--format", "json"]].concat());
    assert_code(&j, 1);
    let r: JsonReport = serde_json::from_slice(&j.stdout).expect("one JSON document");
    let json_keys: Vec<_> = r.postings.iter().map(outcome).collect();
    assert_eq!(json_keys, got, "the JSON postings are the JSONL lines");
    let s = &r.summary;
    assert_eq!(
        (s.inputs, s.tagged, s.failed, s.skipped),
        (
            FIXTURE_EXPECTED.len() as u64,
            (FIXTURE_EXPECTED.len() - failed - skipped) as u64,
            failed as u64,
            skipped as u64
        )
    );
    for label in ["cio-like", "cto-like", "blended", "unclassified"] {
        assert_eq!(s.labels[label], count(label) as u64, "{label}");
    }

    // A root that does not exist is one more line, and exit code 2.
    let missing = run(&[FIXTURE_SCAN, &["tests/fixtures/nope", "--format", "jsonl"]].concat());
    assert_code(&missing, 2);
    let lines = jsonl(&missing);
    assert_eq!(lines.len(), FIXTURE_EXPECTED.len() + 1);
    assert!(lines[FIXTURE_EXPECTED.len()]
        .failed()
        .error
        .contains("no such file"));
}

/// Without `-L` the fixture's symlinks are not followed, and each is reported as
/// skipped (issue 16: they used to be left out without a word); with a large
/// `--max-bytes` nothing is oversize, and the oversize posting reads whole.
#[test]
fn fixture_symlinks_and_size_cap_are_opt_in() {
    let o = run(&["scan", "--format", "jsonl", "-g", "!README.md", BAD]);
    assert_code(&o, 1);
    let got: Vec<_> = jsonl(&o).iter().map(outcome).collect();
    for link in ["bad/dangling.txt", "bad/dev-null", "bad/loop"] {
        let found: Vec<_> = got.iter().filter(|g| g.0 == link).collect();
        assert_eq!(found.len(), 1, "{link}: {found:?}");
        assert_eq!(
            (found[0].2.as_str(), found[0].3.as_str()),
            ("skipped", "symbolic link, not followed (use -L)"),
            "{link}"
        );
    }
    let summary = String::from_utf8_lossy(&o.stderr);
    // binary.bin and the three links (only binary.bin before issue 16).
    assert!(summary.contains("4 skipped"), "{summary}");
    let oversize = got.iter().find(|g| g.0 == "bad/oversize.txt").unwrap();
    assert_eq!((oversize.2.as_str(), oversize.3.as_str()), ("blended", ""));
    assert!(got
        .iter()
        .all(|g| !g.3.contains("--max-bytes") && !g.3.contains("truncated")));
    assert_eq!(
        got.len(),
        FIXTURE_EXPECTED
            .iter()
            .filter(|e| e.0.starts_with("bad/"))
            .count()
    );

    // `tag` on a folder named like a posting, and on a device.
    let dir = run(&[
        "tag",
        "--format",
        "json",
        "tests/fixtures/bad/posting-folder.txt",
    ]);
    assert_code(&dir, 1);
    assert!(jsonl(&dir)[0].failed().error.contains("is a directory"));
    let dev = run(&["tag", "--format", "json", "tests/fixtures/bad/dev-null"]);
    assert_code(&dev, 0);
    assert!(jsonl(&dev)[0].failed().skipped);
}

/// tests/fixtures/bad/README.md has one table row per file, link and folder
/// there, and the fixture scan expects every one of them.
#[test]
fn fixture_readme_lists_every_bad_input() {
    let readme = fs::read_to_string(Path::new(BAD).join("README.md")).unwrap();
    let mut listed: Vec<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l.split('`').next().unwrap().to_string())
        .collect();
    listed.sort();
    let mut on_disk = Vec::new();
    let mut stack = vec![PathBuf::from(BAD)];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let is_dir = fs::symlink_metadata(&path).unwrap().is_dir();
            if is_dir {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(BAD).unwrap().display().to_string();
                if rel != "README.md" {
                    on_disk.push(rel);
                }
            }
        }
    }
    on_disk.sort();
    assert_eq!(listed, on_disk, "README.md table vs files in {BAD}");
    let mut expected: Vec<String> = FIXTURE_EXPECTED
        .iter()
        .filter_map(|e| e.0.strip_prefix("bad/").map(str::to_string))
        .collect();
    expected.dedup();
    assert_eq!(expected, on_disk, "FIXTURE_EXPECTED vs files in {BAD}");
}

/// Waits for `child`, reading its output, and fails (after killing it) when it
/// takes longer than `limit`: a hang must fail the test, not stall the suite.
fn output_within(mut child: std::process::Child, limit: std::time::Duration) -> Output {
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                r.read_to_end(&mut buf).unwrap();
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("roletag still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

const LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

fn spawn(args: &[&str]) -> std::process::Child {
    spawn_with(args, Stdio::null())
}

/// Peak resident memory of a running process in KiB (`VmHWM`), where /proc has it.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// FIFOs, sockets and devices, in a folder or named as roots, are reported as
/// skipped without being opened (opening a FIFO would block; /dev/zero never ends).
#[cfg(unix)]
#[test]
fn scan_skips_fifos_sockets_and_devices_unread() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    for fifo in ["b.txt", "c.jsonl"] {
        let made = Command::new("mkfifo")
            .arg(d.path().join(fifo))
            .status()
            .unwrap();
        assert!(made.success());
    }
    let _socket = std::os::unix::net::UnixListener::bind(d.path().join("d.sock")).unwrap();
    d.write("e.txt", CTO_POSTING);
    let child = spawn(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        &d.s(),
        "/dev/zero",
    ]);
    let o = output_within(child, LIMIT);
    assert_code(&o, 0); // skipped is not failed
    let got: Vec<(String, String)> = jsonl(&o)
        .iter()
        .map(|l| {
            let name = Path::new(l.path()).file_name().unwrap();
            let what = match l {
                Line::Tagged(t) => t.label.clone(),
                Line::Failed(f) => {
                    assert!(f.skipped, "{f:?}");
                    f.error.clone()
                }
            };
            (name.to_string_lossy().into_owned(), what)
        })
        .collect();
    let skip = |kind: &str| format!("not a regular file ({kind}); skipped unread");
    let want = [
        ("a.txt", "cio-like".to_string()),
        ("b.txt", skip("FIFO")),
        ("c.jsonl", skip("FIFO")),
        ("d.sock", skip("socket")),
        ("e.txt", "cto-like".to_string()),
        ("zero", skip("character device")),
    ];
    let want: Vec<(String, String)> = want.into_iter().map(|(a, b)| (a.into(), b)).collect();
    assert_eq!(got, want);
    assert!(stderr(&o).contains(
        "6 inputs: 1 cio-like, 1 cto-like, 0 blended, 0 unclassified; 0 failed, 4 skipped"
    ));

    // `tag` and `--files` never open them either.
    let fifo = d.path().join("b.txt");
    let tag = output_within(
        spawn(&[
            "--lexicon",
            MINI,
            "tag",
            "--format",
            "json",
            fifo.to_str().unwrap(),
            "/dev/zero",
        ]),
        LIMIT,
    );
    assert_code(&tag, 0);
    let lines = jsonl(&tag);
    assert_eq!(lines[0].failed().error, skip("FIFO"));
    assert_eq!(lines[1].failed().error, skip("character device"));
    let files = output_within(spawn(&["scan", "--files", &d.s()]), LIMIT);
    assert_code(&files, 0);
    assert_eq!(stdout(&files).lines().count(), 2, "{}", stdout(&files));
}

/// Files deleted while a scan runs are each reported once (tagged if read in
/// time, else with the read error); the others are tagged and the run goes on.
#[test]
fn scan_survives_files_vanishing_mid_scan() {
    const N: usize = 3000;
    let d = Dir::new();
    for i in 0..N {
        d.write(&format!("p{i:05}.txt"), CIO_POSTING);
    }
    let mut child = spawn(&[
        "--lexicon",
        MINI,
        "scan",
        "-j",
        "1",
        "--format",
        "jsonl",
        &d.s(),
    ]);
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    // The scan is now blocked writing its first chunk into the pipe: delete
    // every odd file, last first, so the end of the walk certainly vanished.
    for i in (1..N).step_by(2).rev() {
        fs::remove_file(d.path().join(format!("p{i:05}.txt"))).unwrap();
    }
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let o = output_within(child, LIMIT);
    assert_code(&o, 1);
    let mut seen = vec![0u32; N];
    let mut vanished = 0;
    for l in first.lines().chain(rest.lines()) {
        let line: Line = serde_json::from_str(l).unwrap();
        let name = Path::new(line.path())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let i: usize = name[1..6].parse().unwrap();
        seen[i] += 1;
        match &line {
            Line::Tagged(t) => assert_eq!(t.label, "cio-like"),
            Line::Failed(f) => {
                assert!(i % 2 == 1, "an undeleted file failed: {f:?}");
                assert!(f.error.contains("No such file"), "{f:?}");
                vanished += 1;
            }
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "every file exactly once");
    assert!(vanished > 0);
    assert!(!stderr(&o).contains("panicked"));
    let summary = format!(
        "{N} inputs: {} cio-like, 0 cto-like, 0 blended, 0 unclassified; {vanished} failed",
        N - vanished
    );
    assert!(stderr(&o).contains(&summary), "{}", stderr(&o));
}

/// A folder tree 1,000 levels deep is walked like any other.
#[test]
fn scan_walks_a_very_deep_tree() {
    let d = Dir::new();
    let mut rel = PathBuf::new();
    for level in 0..1000 {
        rel.push("d");
        if level == 499 {
            d.write(&rel.join("middle.txt").display().to_string(), CTO_POSTING);
        }
    }
    d.write(&rel.join("bottom.txt").display().to_string(), CIO_POSTING);
    let o = output_within(
        spawn(&["--lexicon", MINI, "scan", "--format", "jsonl", &d.s()]),
        LIMIT,
    );
    assert_code(&o, 0);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].path().ends_with("/d/bottom.txt"));
    assert_eq!(lines[0].tagged().label, "cio-like");
    assert!(lines[1].path().ends_with("/middle.txt"));
    assert_eq!(lines[1].tagged().label, "cto-like");
}

/// A 1 GiB file that is one line is tagged on its first `--max-bytes` bytes and
/// flagged as truncated; the rest is never read. The file is sparse: text first,
/// then a hole, so it costs no disk.
#[test]
fn scan_tags_a_1gib_single_line_on_its_first_bytes() {
    let d = Dir::new();
    let head = format!("{} ", CIO_POSTING.replace('\n', " ")).repeat(1000); // ~140 KB, no newline
    let path = d.write("huge.txt", &head);
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    for (cmd, format) in [("scan", "jsonl"), ("tag", "json")] {
        let path = path.to_str().unwrap();
        let args = [
            "--lexicon",
            MINI,
            cmd,
            "--format",
            format,
            "--max-bytes",
            "65536",
            path,
        ];
        let o = output_within(spawn(&args), LIMIT);
        assert_code(&o, 0);
        let lines = jsonl(&o);
        let t = lines[0].tagged();
        assert_eq!(t.label, "cio-like");
        assert_eq!(
            t.warnings,
            ["truncated to 65536 bytes (file is 1073741824 bytes)"]
        );
    }
}

/// `scan -` streams past a 1 GiB JSON line without holding it: that record
/// fails alone, the next is tagged, and peak memory stays small.
#[cfg(target_os = "linux")]
#[test]
fn scan_stdin_skips_a_1gib_jsonl_line_in_flat_memory() {
    let mut child = spawn_piped(&[
        "--lexicon",
        MINI,
        "scan",
        "-",
        "--format",
        "jsonl",
        "--max-bytes",
        "65536",
    ]);
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let good = format!(
        "{{\"id\": \"after\", \"text\": \"{}\"}}\n",
        CIO_POSTING.replace('\n', " ")
    );
    let writer = std::thread::spawn(move || {
        let block: Vec<u8> = b"service desk "
            .iter()
            .cycle()
            .take(1 << 20)
            .copied()
            .collect();
        stdin.write_all(b"{\"id\": \"huge\", \"text\": \"").unwrap();
        for _ in 0..1024 {
            stdin.write_all(&block).unwrap();
        }
        stdin.write_all(b"\"}\n").unwrap();
        stdin.write_all(good.as_bytes()).unwrap();
        stdin // kept open until the peak memory is read
    });
    let mut peak = 0;
    while !writer.is_finished() {
        peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let stdin = writer.join().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200)); // let it read the last lines
    peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
    drop(stdin);
    let o = output_within(child, LIMIT);
    assert_code(&o, 1);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].failed().record, Some(0));
    assert_eq!(
        lines[0].failed().error,
        "line 1: longer than --max-bytes (65536); skipped"
    );
    assert_eq!(lines[1].tagged().id.as_deref(), Some("after"));
    assert_eq!(lines[1].tagged().label, "cio-like");
    assert!(peak > 0, "no VmHWM in /proc/{pid}/status");
    eprintln!("peak RSS {peak} KiB");
    assert!(peak < 128 * 1024, "peak RSS {peak} KiB for a 1 GiB line");
}

/// `tag -` reads at most `--max-bytes` of standard input: a 1 GiB stream is
/// tagged on its first bytes, and the writer sees the pipe close early.
#[test]
fn tag_stdin_reads_at_most_max_bytes() {
    let mut child = spawn_piped(&[
        "--lexicon",
        MINI,
        "tag",
        "-",
        "--format",
        "json",
        "--max-bytes",
        "4096",
    ]);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let block = format!("{} ", CIO_POSTING.replace('\n', " ")).repeat(8000);
        let mut written = 0u64;
        while written < 1 << 30 {
            match stdin.write_all(block.as_bytes()) {
                Ok(()) => written += block.len() as u64,
                Err(e) => {
                    assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
                    break;
                }
            }
        }
        written
    });
    let o = output_within(child, LIMIT);
    let written = writer.join().unwrap();
    assert_code(&o, 0);
    let lines = jsonl(&o);
    let t = lines[0].tagged();
    assert_eq!(t.label, "cio-like");
    assert_eq!(t.warnings, ["truncated to 4096 bytes (file is larger)"]);
    assert!(t.words < 4096 / 3, "{} words", t.words);
    assert!(written < 1 << 30, "all of stdin was read");

    let short = run_with_stdin(
        &[
            "--lexicon",
            MINI,
            "tag",
            "-",
            "--format",
            "json",
            "--max-bytes",
            "14",
        ],
        "Run the ERP and the service desk",
    );
    let t = jsonl(&short).remove(0);
    assert_eq!(t.tagged().words, 4, "only 'Run the ERP an' is read");
    assert_eq!(
        t.tagged().warnings,
        ["truncated to 14 bytes (file is larger)"]
    );
}

/// Ctrl-C while writing `-o FILE` leaves no report and no temporary file, and
/// an existing report is untouched; with standard input still open, or closed
/// (a shell's Ctrl-C also ends the process writing to it).
#[cfg(unix)]
#[test]
fn ctrl_c_during_output_file_leaves_no_report() {
    for close_stdin in [false, true] {
        let out_dir = Dir::new();
        let report = out_dir.write("report.jsonl", "the previous report\n");
        let mut child = spawn_piped(&[
            "--lexicon",
            MINI,
            "scan",
            "-",
            "--format",
            "jsonl",
            "-o",
            report.to_str().unwrap(),
        ]);
        let mut stdin = child.stdin.take().unwrap();
        let line = format!("{{\"text\": \"{}\"}}\n", CIO_POSTING.replace('\n', " "));
        stdin.write_all(line.repeat(100).as_bytes()).unwrap();
        // Wait until the first chunk is in the temporary report.
        let started = std::time::Instant::now();
        let tmp_len = || -> u64 {
            fs::read_dir(out_dir.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .map(|e| e.metadata().unwrap().len())
                .sum()
        };
        while tmp_len() == 0 {
            assert!(started.elapsed() < LIMIT, "no report written");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let sent = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        std::thread::sleep(std::time::Duration::from_millis(200));
        let stdin = if close_stdin {
            drop(stdin);
            None
        } else {
            Some(stdin)
        };
        let o = output_within(child, LIMIT);
        drop(stdin);
        assert_code(&o, 130);
        assert!(
            stderr(&o).contains("interrupted; no report written"),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"));
        assert_eq!(
            fs::read_to_string(&report).unwrap(),
            "the previous report\n"
        );
        assert_eq!(tmp_len(), 0);
        assert_eq!(
            fs::read_dir(out_dir.path()).unwrap().count(),
            1,
            "a temporary file is left"
        );
    }
}

/// A CSV row of 256 MiB (one quoted field, sparse on disk) fails alone, in flat
/// memory, and the row after it is tagged.
#[cfg(target_os = "linux")]
#[test]
fn scan_skips_a_huge_csv_row_in_flat_memory() {
    use std::io::{Seek, SeekFrom};
    let d = Dir::new();
    let path = d.write("big.csv", "id,text\nhuge,\"");
    let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.seek(SeekFrom::Start(256 << 20)).unwrap();
    let after = format!("\"\nafter,\"{}\"\n", CIO_POSTING.replace('\n', " "));
    f.write_all(after.as_bytes()).unwrap();
    drop(f);
    let child = spawn(&[
        "--lexicon",
        MINI,
        "scan",
        "--format",
        "jsonl",
        "--max-bytes",
        "65536",
        path.to_str().unwrap(),
    ]);
    let pid = child.id();
    let peak = std::thread::spawn(move || {
        let mut peak = 0;
        while let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        peak
    });
    let o = output_within(child, LIMIT);
    let peak = peak.join().unwrap();
    assert_code(&o, 1);
    let lines = jsonl(&o);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].failed().error,
        "line 2: row longer than --max-bytes (65536); skipped"
    );
    assert_eq!(lines[1].tagged().id.as_deref(), Some("after"));
    assert!(
        peak > 0 && peak < 128 * 1024,
        "peak RSS {peak} KiB for a 256 MiB row"
    );
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

// Issue 16, "Weak": each case as a user meets it.
// See: `issues show 16`.

/// UTF-16 without a BOM was "binary", UTF-32 was read as UTF-16, and text of only
/// Unicode whitespace or invisible characters was tagged instead of "empty";
/// full-width letters, zero-width characters and soft hyphens hid terms.
#[test]
fn issue16_wide_encodings_unicode_blanks_and_hidden_terms() {
    let d = Dir::new();
    let text = "IT Manager. Support internal users, run the service desk and the ERP.\n";
    let le16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf32 = |bom: bool, be: bool| -> Vec<u8> {
        let bom = bom.then_some('\u{FEFF}');
        bom.into_iter()
            .chain(text.chars())
            .flat_map(|c| {
                let v = u32::from(c);
                if be {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                }
            })
            .collect()
    };
    d.write("a-utf16le.txt", &le16);
    d.write("b-utf32le-bom.txt", utf32(true, false));
    d.write("c-utf32be.txt", utf32(false, true));
    d.write(
        "d-hidden.txt",
        "We run the \u{FF25}\u{FF32}\u{FF30}, the ser\u{AD}vice desk and the E\u{200B}RP \
         for internal us\u{200D}ers.\n",
    );
    d.write("e-blank.txt", "\u{A0}\u{2028}\u{200B}\u{FEFF}\u{3000}\n");
    let o = run(&["--lexicon", MINI, "scan", "--format", "jsonl", &d.s()]);
    assert_code(&o, 1);
    let got = jsonl(&o);
    assert_eq!(got.len(), 5);
    let terms = |l: &Line| -> Vec<String> {
        let mut t: Vec<String> = l.tagged().evidence.iter().map(|e| e.term.clone()).collect();
        t.sort();
        t
    };
    let want = ["erp", "internal users", "service desk"];
    for (line, warning) in got[..4].iter().zip([
        Some("decoded as UTF-16LE (no byte-order mark)"),
        None,
        Some("decoded as UTF-32BE (no byte-order mark)"),
        None,
    ]) {
        assert_eq!(terms(line), want, "{line:?}");
        assert_eq!(line.tagged().warnings.first().map(String::as_str), warning);
    }
    assert_eq!(
        got[3]
            .tagged()
            .evidence
            .iter()
            .find(|e| e.term == "erp")
            .unwrap()
            .count,
        2
    );
    assert_eq!(got[4].failed().error, "empty posting: no text to tag");

    // A term written in full-width letters folds the same way.
    let lexicon = fs::read_to_string(MINI)
        .unwrap()
        .replace(r#"term = "erp""#, "term = \"\u{FF25}\u{FF32}\u{FF30}\"");
    let lex = d.write("fw.toml", lexicon);
    let o = run_with_stdin(
        &[
            "--lexicon",
            lex.to_str().unwrap(),
            "tag",
            "--format",
            "json",
            "-",
        ],
        "ERP and erp",
    );
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["evidence"][0]["count"], 2, "{v}");
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

/// `scan --files -o FILE` printed the list and ignored `-o`.
#[test]
fn issue16_files_list_goes_to_the_output_file() {
    let d = Dir::new();
    d.write("a.txt", CIO_POSTING);
    d.write("b/c.txt", CTO_POSTING);
    let list = d.path().join("list.txt");
    let o = run(&["scan", "--files", &d.s(), "-o", list.to_str().unwrap()]);
    assert_code(&o, 0);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let want = format!("{0}/a.txt\n{0}/b/c.txt\n", d.s());
    assert_eq!(fs::read_to_string(&list).unwrap(), want);
    // Again: the list itself is not listed.
    assert_code(
        &run(&["scan", "--files", &d.s(), "-o", list.to_str().unwrap()]),
        0,
    );
    assert_eq!(fs::read_to_string(&list).unwrap(), want);
}

/// A report of a newer `schema_version` was read as if it were ours.
#[test]
fn issue16_newer_schema_versions_are_refused() {
    let d = Dir::new();
    let posting = d.write("p.txt", CIO_POSTING);
    let o = run(&["scan", "--format", "jsonl", posting.to_str().unwrap()]);
    let ours = d.write("ours.jsonl", &o.stdout);
    let newer = stdout(&o).replace(r#""schema_version":1"#, r#""schema_version":99"#);
    let newer = d.write("newer.jsonl", newer);
    let o = run(&["summarize", newer.to_str().unwrap()]);
    assert_code(&o, 1);
    let why = "newer.jsonl:1: schema_version 99 is newer than this roletag reads (1)";
    assert!(stderr(&o).contains(why), "{}", stderr(&o));
    let o = run(&["diff", ours.to_str().unwrap(), newer.to_str().unwrap()]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains(why), "{}", stderr(&o));
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

/// `summarize --by field:NAME` where no posting has the field warns; the exit
/// code stays 0 (a warning, not a malformed line).
#[test]
fn issue16_summarize_by_a_missing_field_warns() {
    let d = Dir::new();
    let records = d.write(
        "p.jsonl",
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "a", "company": "Acme", "description": CIO_POSTING}),
            serde_json::json!({"id": "b", "description": CTO_POSTING}),
        ),
    );
    let report = d.path().join("r.jsonl");
    let o = run(&[
        "--lexicon",
        MINI,
        "scan",
        "-q",
        "--format",
        "jsonl",
        records.to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    let r = report.to_str().unwrap();
    let o = run(&["summarize", r, "--by", "field:compnay"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("warning: no posting has the field \"compnay\""),
        "{}",
        stderr(&o)
    );
    let o = run(&["summarize", r, "--by", "field:company"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).contains("warning: 1 of 2 postings have no field \"company\""),
        "{}",
        stderr(&o)
    );
    let o = run(&["summarize", r, "--by", "field:id"]);
    assert_code(&o, 0);
    assert_eq!(stderr(&o), "");
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

/// A bare `roletag scan` says what it scans, and leaves out the reports of
/// earlier runs found in the folder (each listed as skipped); a report named on
/// the command line is still read.
#[test]
fn issue16_bare_scan_says_what_it_scans_and_skips_reports() {
    let d = Dir::new();
    d.write("jobs/cio.txt", CIO_POSTING);
    let mini = Path::new(env!("CARGO_MANIFEST_DIR")).join(MINI);
    let bare = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_roletag"))
            .arg("--lexicon")
            .arg(&mini)
            .args(args)
            .current_dir(d.path())
            .output()
            .unwrap()
    };
    for (format, name) in [
        ("jsonl", "r.jsonl"),
        ("json", "r.json"),
        ("csv", "r.csv"),
        ("html", "r.html"),
    ] {
        assert_code(&bare(&["scan", "-q", "--format", format, "-o", name]), 0);
    }
    let o = bare(&["scan", "--format", "jsonl"]);
    assert_code(&o, 0);
    assert!(
        stderr(&o).starts_with("roletag: scanning . (no PATH given)\n"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 5, "{out}");
    for name in ["r.jsonl", "r.json", "r.csv", "r.html"] {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("\"./{name}\"")))
            .unwrap();
        assert!(
            line.contains("\"skipped\":true") && line.contains("a roletag report"),
            "{line}"
        );
    }
    assert!(out.contains("\"label\":\"cio-like\""), "{out}");
    // Named, a report is read as asked (here: records without text).
    let o = bare(&["scan", "-q", "--format", "jsonl", "r.jsonl"]);
    assert!(!stdout(&o).contains("a roletag report"), "{}", stdout(&o));
    let o = bare(&["scan", "-q", "--format", "jsonl", "."]);
    assert!(!stderr(&o).contains("scanning"));
    // `--files` lists what the scan reads: not the reports.
    let o = bare(&["scan", "--files"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "./jobs/cio.txt\n");
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

/// `.jsonl.gz`, `.csv.gz` and `.jsonl.zst` record files are read transparently, by
/// scan, tag and explain (they used to be "binary, skipped" with exit 0); nested
/// fields are named by JSON Pointer.
#[test]
fn issue16_compressed_record_files_and_json_pointers() {
    use std::io::Write as _;
    let d = Dir::new();
    let lines = format!(
        "{}\n{}\n",
        serde_json::json!({"meta": {"id": "a"}, "job": {"description": CIO_POSTING}}),
        serde_json::json!({"meta": {"id": "b"}, "job": {"description": CTO_POSTING}}),
    );
    let gz = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    d.write("p.jsonl.gz", gz(lines.as_bytes()));
    d.write(
        "p.jsonl.zst",
        zstd::encode_all(lines.as_bytes(), 1).unwrap(),
    );
    let csv = format!("id,description\nc,\"{CIO_POSTING}\"\n");
    d.write("p.csv.gz", gz(csv.as_bytes()));
    let pointers = ["--text-field", "/job/description", "--id-field", "/meta/id"];
    let mut args = vec!["--lexicon", MINI, "scan", "-q", "--format", "jsonl"];
    args.extend(pointers);
    let root = d.s();
    args.push(&root);
    let o = run(&args);
    assert_code(&o, 1); // the CSV has no /job/description: its record fails alone
    let labels: Vec<(String, String)> = jsonl(&o)
        .iter()
        .filter_map(|l| match l {
            Line::Tagged(t) => Some((t.id.clone().unwrap(), t.label.clone())),
            Line::Failed(_) => None,
        })
        .collect();
    let want = [("a", "cio-like"), ("b", "cto-like")];
    let want: Vec<(String, String)> = want
        .iter()
        .chain(&want)
        .map(|(i, l)| (i.to_string(), l.to_string()))
        .collect();
    assert_eq!(labels, want, "{}", stdout(&o));
    let csv_gz = d.path().join("p.csv.gz");
    let o = run(&[
        "--lexicon",
        MINI,
        "tag",
        "--format",
        "json",
        csv_gz.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains("\"id\":\"c\",\"label\":\"cio-like\""),
        "{}",
        stdout(&o)
    );
    let zst = d.path().join("p.jsonl.zst");
    let mut args = vec!["--lexicon", MINI, "explain", "--id", "b"];
    args.extend(pointers);
    args.push(zst.to_str().unwrap());
    let o = run(&args);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("cto-like"), "{}", stdout(&o));
}

/// `--keep-field` carries record fields into the report: a `fields` object on
/// every JSON posting, in the order asked for (`null` where there is no value),
/// and `fields.NAME` columns at the end of a CSV row.
#[test]
fn issue16_keep_field_carries_record_fields_into_the_report() {
    let d = Dir::new();
    let p = d.write(
        "p.jsonl",
        format!(
            "{}\n{}\nnot json\n",
            serde_json::json!({"id": "a", "company": "Acme", "loc": {"city": "Oslo"}, "description": CIO_POSTING}),
            serde_json::json!({"id": "b", "company": 7, "description": CTO_POSTING}),
        ),
    );
    let p = p.to_str().unwrap();
    let keep = ["--keep-field", "company", "--keep-field", "/loc/city"];
    let mut args = vec!["--lexicon", MINI, "scan", "-q", "--format", "jsonl", p];
    args.extend(keep);
    let o = run(&args);
    assert_code(&o, 1);
    let lines = jsonl(&o); // parsed with deny_unknown_fields
    let company = |l: &Line| match l {
        Line::Tagged(t) => t.fields.as_ref().unwrap()["company"].clone(),
        Line::Failed(f) => f.fields.as_ref().unwrap()["company"].clone(),
    };
    let companies: Vec<_> = lines.iter().map(company).collect();
    assert_eq!(
        companies,
        ["Acme".into(), "7".into(), serde_json::Value::Null]
    );
    // In the order asked for (serde_json's map here would sort the keys).
    let fields: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            let start = l.find(",\"fields\":").unwrap() + 10;
            l[start..start + l[start..].find('}').unwrap() + 1].to_string()
        })
        .collect();
    assert_eq!(
        fields,
        [
            r#"{"company":"Acme","/loc/city":"Oslo"}"#,
            r#"{"company":"7","/loc/city":null}"#,
            r#"{"company":null,"/loc/city":null}"#,
        ]
    );
    let mut args = vec!["--lexicon", MINI, "scan", "-q", "--format", "json", p];
    args.extend(keep);
    let doc: serde_json::Value = serde_json::from_slice(&run(&args).stdout).unwrap();
    assert_eq!(doc["postings"][0]["fields"]["company"], "Acme");
    let mut args = vec!["--lexicon", MINI, "scan", "-q", "--format", "csv", p];
    args.extend(keep);
    let csv = stdout(&run(&args));
    let mut rows = csv.lines();
    assert!(rows
        .next()
        .unwrap()
        .ends_with(",record,id,fields.company,fields./loc/city,path_bytes"));
    assert!(rows.next().unwrap().ends_with(",0,a,Acme,Oslo,"), "{csv}");
    // Without --keep-field, no `fields` at all.
    let o = run(&["--lexicon", MINI, "scan", "-q", "--format", "jsonl", p]);
    assert!(!stdout(&o).contains("\"fields\""));
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

/// See: issue 16 ("Non-UTF-8 file names"). `bad\xff.txt` and `bad\xfe.txt` were both
/// `bad\u{fffd}.txt`, so `diff` of the report with itself found two postings with one
/// key; and a name holding a newline or an escape broke the table's lines.
#[cfg(unix)]
#[test]
fn issue16_file_names_that_are_not_utf8_stay_distinct_and_controls_are_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let d = Dir::new();
    let names: [&[u8]; 4] = [
        b"bad\xfe.txt",
        b"bad\xff.txt",
        b"new\nline.txt",
        b"red\x1b[31m.txt",
    ];
    for name in names {
        let path = d.path().join(std::ffi::OsStr::from_bytes(name));
        fs::write(path, CIO_POSTING).unwrap();
    }
    let o = run(&["scan", "-q", "--format", "jsonl", &d.s()]);
    assert_code(&o, 0);
    let lines: Vec<Line> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{}", stdout(&o));
    let dir = d.path().as_os_str().as_bytes();
    for (line, name) in lines.iter().zip(names) {
        let Line::Tagged(t) = line else {
            panic!("not tagged: {line:?}")
        };
        let full = [dir, b"/", name].concat();
        let lossy = String::from_utf8_lossy(&full);
        assert_eq!(t.path, lossy);
        if std::str::from_utf8(name).is_ok() {
            assert_eq!((line.path_bytes(), &t.warnings), (None, &Vec::new()));
        } else {
            assert_eq!(t.path_bytes.as_deref(), Some(&full[..]));
            assert_eq!(t.warnings, ["file name is not valid UTF-8"]);
        }
    }
    // The two lossy paths are one text, yet two postings with their own bytes.
    assert_eq!(lines[0].path(), lines[1].path());

    let r = Dir::new();
    let report = r.write("report.jsonl", &o.stdout);
    let report = report.to_str().unwrap();
    let o = run(&["diff", report, report]);
    assert_code(&o, 0);
    let o = run(&["diff", "--format", "json", report, report]);
    assert_code(&o, 0);

    let o = run(&["scan", "-q", "--format", "table", &d.s()]);
    assert_code(&o, 0);
    let table = stdout(&o);
    assert_eq!(
        table.lines().count(),
        5,
        "a header and one line per posting:\n{table}"
    );
    assert!(!table.contains('\x1b'), "{table}");
    assert!(table.contains("new\\nline.txt"), "{table}");
    assert!(table.contains("red\\u{1b}[31m.txt"), "{table}");

    // `explain` too: the bytes in JSON, the escaped name in its text.
    let xff = d.path().join(std::ffi::OsStr::from_bytes(names[1]));
    let o = roletag()
        .args(["explain", "--format", "json"])
        .arg(&xff)
        .output()
        .unwrap();
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let want: Vec<u64> = xff
        .as_os_str()
        .as_bytes()
        .iter()
        .map(|&b| b.into())
        .collect();
    assert_eq!(v["path_bytes"], serde_json::json!(want));
    assert_eq!(
        v["warnings"],
        serde_json::json!(["file name is not valid UTF-8"])
    );
    let red = d.path().join(std::ffi::OsStr::from_bytes(names[3]));
    let o = roletag().arg("explain").arg(&red).output().unwrap();
    assert_code(&o, 0);
    assert!(!stdout(&o).contains("\x1b[31m.txt"), "{}", stdout(&o));

    // A posting that changed is named by its bytes in `diff --format json` too.
    let xff = d.path().join(std::ffi::OsStr::from_bytes(names[1]));
    fs::write(&xff, CTO_POSTING).unwrap();
    fs::remove_file(d.path().join(std::ffi::OsStr::from_bytes(names[0]))).unwrap();
    let o = run(&["scan", "-q", "--format", "jsonl", &d.s()]);
    let newer = r.write("newer.jsonl", &o.stdout);
    let o = run(&["diff", "--format", "json", report, newer.to_str().unwrap()]);
    assert_code(&o, 1);
    let got: DiffJson = serde_json::from_slice(&o.stdout).unwrap();
    let bytes: Vec<_> = got
        .changes
        .iter()
        .map(|c| c.path_bytes.as_deref())
        .collect();
    let xff = xff.as_os_str().as_bytes();
    let xfe = [dir, b"/", names[0]].concat();
    assert_eq!(bytes, [Some(xff), Some(&xfe[..])], "{:?}", got.changes);
}
