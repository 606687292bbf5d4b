//! Helpers shared by the integration tests: running the binary, temp folders with
//! postings, and the JSON report contract (parsed with `deny_unknown_fields`, so a
//! renamed or added field fails here first).
#![allow(dead_code)] // each test binary uses some of these helpers, none uses all
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub(crate) const MINI: &str = "tests/fixtures/lexicons/mini.toml";

pub(crate) fn roletag() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_roletag"));
    c.env_remove("NO_COLOR")
        .env_remove("ROLETAG_LEXICON")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

pub(crate) fn run(args: &[&str]) -> Output {
    roletag().args(args).output().expect("run roletag")
}

/// Starts roletag with its standard input, output and error piped.
pub(crate) fn spawn_piped(args: &[&str]) -> std::process::Child {
    spawn_with(args, Stdio::piped())
}

/// Starts roletag with `stdin`, its output and error piped.
pub(crate) fn spawn_with(args: &[&str], stdin: Stdio) -> std::process::Child {
    roletag()
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs roletag with `input` on its standard input.
pub(crate) fn run_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = spawn_piped(args);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Asserts the exit code, printing both streams when it is wrong.
pub(crate) fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "\n--- stdout ---\n{}\n--- stderr ---\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A temp folder with files written on request.
pub(crate) struct Dir(tempfile::TempDir);

impl Dir {
    pub(crate) fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    pub(crate) fn s(&self) -> String {
        self.path().display().to_string()
    }

    pub(crate) fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        p
    }
}

pub(crate) const CIO_POSTING: &str =
    "IT Manager\n\nSupport 400 internal users, run the service desk \
    and the ERP (SAP S/4HANA), and own the IT budget.";

pub(crate) const CTO_POSTING: &str = "Engineering Lead\n\nOwn the product roadmap, ship features \
    to our customer-facing mobile apps every week.";

pub(crate) const BLENDED_POSTING: &str = "Head of Technology\n\nOwn the product roadmap and ship \
    features for our mobile app, and also run the help desk and the ERP for internal users.";

pub(crate) const NONE_POSTING: &str = "Registered Nurse\n\nProvide patient care on a busy ward.";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Tagged {
    pub(crate) schema_version: u32,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    pub(crate) record: Option<u64>,
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) expected: Option<String>,
    #[serde(default)]
    pub(crate) fields: Option<serde_json::Map<String, serde_json::Value>>,
    pub(crate) label: String,
    pub(crate) score: f64,
    pub(crate) confidence: f64,
    pub(crate) cio: f64,
    pub(crate) cto: f64,
    pub(crate) core_evidence: f64,
    pub(crate) axes: BTreeMap<String, PoleWeights>,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) words: u64,
    pub(crate) coverage: f64,
    pub(crate) ignored: Vec<IgnoredTerm>,
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IgnoredTerm {
    pub(crate) term: String,
    pub(crate) axis: String,
    pub(crate) pole: String,
    pub(crate) count: u32,
    pub(crate) reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PoleWeights {
    pub(crate) cio: f64,
    pub(crate) cto: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Evidence {
    pub(crate) term: String,
    pub(crate) axis: String,
    pub(crate) pole: String,
    pub(crate) count: u32,
    pub(crate) weight: f64,
    pub(crate) contribution: f64,
    pub(crate) context: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Failed {
    pub(crate) schema_version: u32,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    pub(crate) record: Option<u64>,
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) fields: Option<serde_json::Map<String, serde_json::Value>>,
    pub(crate) error: String,
    #[serde(default)]
    pub(crate) skipped: bool,
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Line {
    Tagged(Tagged),
    Failed(Failed),
}

impl Line {
    pub(crate) fn schema_version(&self) -> u32 {
        match self {
            Line::Tagged(t) => t.schema_version,
            Line::Failed(f) => f.schema_version,
        }
    }

    pub(crate) fn path(&self) -> &str {
        match self {
            Line::Tagged(t) => &t.path,
            Line::Failed(f) => &f.path,
        }
    }

    pub(crate) fn path_bytes(&self) -> Option<&[u8]> {
        match self {
            Line::Tagged(t) => t.path_bytes.as_deref(),
            Line::Failed(f) => f.path_bytes.as_deref(),
        }
    }

    pub(crate) fn tagged(&self) -> &Tagged {
        match self {
            Line::Tagged(t) => t,
            Line::Failed(f) => panic!("expected a tagged posting, got {f:?}"),
        }
    }

    pub(crate) fn failed(&self) -> &Failed {
        match self {
            Line::Failed(f) => f,
            Line::Tagged(t) => panic!("expected a failure, got {t:?}"),
        }
    }
}

pub(crate) fn jsonl(o: &Output) -> Vec<Line> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

/// A folder with good postings of every label, an empty file, a binary file,
/// invalid UTF-8, a hidden file and a nested folder.
pub(crate) fn mixed_folder() -> Dir {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct JsonReport {
    pub(crate) roletag: Header,
    pub(crate) postings: Vec<Line>,
    pub(crate) summary: SummaryJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Header {
    pub(crate) schema_version: u32,
    pub(crate) version: String,
    pub(crate) lexicon: LexiconJson,
    pub(crate) thresholds: ThresholdsJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LexiconJson {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) source: String,
    pub(crate) hash: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThresholdsJson {
    pub(crate) blend_margin: f64,
    pub(crate) min_evidence: f64,
    pub(crate) length_exponent: f64,
    pub(crate) min_terms: u32,
    pub(crate) blend_floor: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SummaryJson {
    pub(crate) inputs: u64,
    pub(crate) tagged: u64,
    pub(crate) failed: u64,
    pub(crate) skipped: u64,
    pub(crate) labels: BTreeMap<String, u64>,
}

/// Clicks a column twice, a row, a point, picks an axis and types a filter, as a
/// person would, then writes what it saw into `<pre id="probe">` as JSON.
pub(crate) const PROBE: &str = r#"<script>
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

// ---- issue #5: `roletag diff` and `roletag summarize` on reports ----

/// `roletag diff --format json`, parsed strictly: the documented structure.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffJson {
    pub(crate) key: String,
    pub(crate) old: DiffSide,
    pub(crate) new: DiffSide,
    pub(crate) paired: u64,
    pub(crate) changed: BTreeMap<String, u64>,
    pub(crate) score_only: u64,
    pub(crate) matrix: BTreeMap<String, BTreeMap<String, u64>>,
    pub(crate) changes: Vec<DiffChange>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffSide {
    pub(crate) postings: u64,
    pub(crate) duplicates: u64,
    pub(crate) malformed: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffChange {
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) path_bytes: Option<Vec<u8>>,
    #[serde(default)]
    pub(crate) record: Option<u64>,
    #[serde(default)]
    pub(crate) id: Option<String>,
    pub(crate) change: String,
    pub(crate) old: Option<DiffVersion>,
    pub(crate) new: Option<DiffVersion>,
    pub(crate) evidence: Vec<TermDeltaJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, untagged)]
pub(crate) enum DiffVersion {
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
pub(crate) struct TermDeltaJson {
    pub(crate) term: String,
    pub(crate) axis: String,
    pub(crate) pole: String,
    pub(crate) old_count: u32,
    pub(crate) new_count: u32,
    pub(crate) old_weight: f64,
    pub(crate) new_weight: f64,
    pub(crate) old_contribution: f64,
    pub(crate) new_contribution: f64,
    pub(crate) delta: f64,
    pub(crate) status: String,
}

/// Scans `roots` into a JSONL report at `out`, with extra global flags first.
pub(crate) fn scan_report(flags: &[&str], roots: &[&str], out: &Path) {
    let mut args: Vec<&str> = flags.to_vec();
    let out_s = out.display().to_string();
    args.extend(["-q", "scan", "--format", "jsonl", "-o", &out_s]);
    args.extend(roots);
    let o = run(&args);
    assert!(o.status.code().unwrap() <= 1, "{}", stderr(&o));
}

/// Waits for `child`, reading its output, and fails (after killing it) when it
/// takes longer than `limit`: a hang must fail the test, not stall the suite.
pub(crate) fn output_within(mut child: std::process::Child, limit: std::time::Duration) -> Output {
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

pub(crate) const LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

pub(crate) fn spawn(args: &[&str]) -> std::process::Child {
    spawn_with(args, Stdio::null())
}
