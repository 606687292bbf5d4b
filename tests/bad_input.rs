//! Integration tests: Bad input: every input and every record is in the report exactly once; nothing panics, hangs or stops the batch.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

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
