//! Integration tests: `roletag scan` over folders: order, formats of the report, `-o`, the JSON contract.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

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
    // And a JSON Lines file large enough (over 4 MiB) that the workers read it
    // themselves, between other inputs of the walk.
    let pad = "p".repeat(4000);
    let mut big = String::new();
    for i in 0..1400 {
        match i % 9 {
            0 => big.push_str("{broken\n"),
            1 => big.push('\n'),
            2 | 3 => big.push_str(&format!(
                "{{\"id\": {i}, \"pad\": \"{pad}\", \"text\": \"{cio}\"}}\r\n"
            )),
            _ => big.push_str(&format!(
                "{{\"id\": {i}, \"pad\": \"{pad}\", \"text\": \"{cto}\"}}\n"
            )),
        }
    }
    assert!(big.len() > 4 << 20);
    d.write("dir4/a.txt", CIO_POSTING);
    d.write("dir4/big.jsonl", &big);
    d.write("dir4/c.txt", CTO_POSTING);
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

#[test]
fn blend_floor_flag_is_checked_and_reported() {
    let bad = run(&["--blend-floor", "2.5", "tag", "corpora/sample"]);
    assert_code(&bad, 2);
    assert!(
        stderr(&bad).contains("--blend-floor: blend floor must be in [0, 2], got 2.5"),
        "{}",
        stderr(&bad)
    );
    // mini needs 3 core evidence; ERP, service desk and internal users give the CIO
    // side 6, the product roadmap gives the CTO side 2 (score -0.5, inside a 0.6
    // margin): blended when each side needs half the bar, cio-like when it needs all.
    let posting = "Run the ERP and the service desk for internal users; \
                   join the product roadmap reviews.";
    let label = |floor: &str| {
        let o = run_with_stdin(
            &[
                "--lexicon",
                MINI,
                "--blend-margin",
                "0.6",
                "--blend-floor",
                floor,
                "tag",
                "--format",
                "json",
            ],
            posting,
        );
        assert_code(&o, 0);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        v["label"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(label("0.5"), "blended");
    assert_eq!(label("1"), "cio-like");
    let o = run(&[
        "--blend-floor",
        "0.75",
        "scan",
        "--format",
        "json",
        "corpora/sample",
    ]);
    let r: JsonReport = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert!(close(r.roletag.thresholds.blend_floor, 0.75));
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
    assert!(
        close(r.roletag.thresholds.blend_floor, 0.5),
        "the built-in default"
    );
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

/// Without `--format`, `-o` picks the report's format from its extension: an
/// analyst's `-o report.jsonl` is JSON Lines (not a table `pandas` cannot read),
/// `--format` still wins, and another extension keeps the table.
#[test]
fn output_extension_sets_the_format_unless_format_is_given() {
    let d = mixed_folder();
    let out_dir = Dir::new();
    let write = |name: &str, format: Option<&str>| {
        let report = out_dir.path().join(name);
        let mut args = vec!["--lexicon", MINI, "scan", "-q"];
        if let Some(f) = format {
            args.extend(["--format", f]);
        }
        let path = report.to_str().unwrap().to_string();
        let dir = d.s();
        args.extend(["-o", &path, &dir]);
        assert_code(&run(&args), 1);
        fs::read_to_string(&report).unwrap()
    };
    let jsonl = write("r.jsonl", None);
    assert_eq!(jsonl, write("same.txt", Some("jsonl")));
    assert_eq!(jsonl.lines().count(), 7);
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v.get("path").is_some(), "{line}");
    }
    assert_eq!(write("r.ndjson", None), jsonl);
    let doc: serde_json::Value = serde_json::from_str(&write("r.JSON", None)).unwrap();
    assert_eq!(doc["postings"].as_array().unwrap().len(), 7);
    assert!(write("r.csv", None).starts_with("path,label,score,"));
    assert!(write("r.html", None).starts_with("<!DOCTYPE html>"));
    assert!(write("r.txt", None).starts_with("LABEL"));
    assert!(write("r.jsonl.txt", None).starts_with("LABEL"));
    assert!(write("forced.jsonl", Some("table")).starts_with("LABEL"));
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

/// Named files of a few kilobytes are tagged without building the DFA (the
/// quick search), a folder with it: the records are the same, byte for byte.
#[test]
fn small_named_files_and_their_folder_give_the_same_records() {
    let d = Dir::new();
    let cio = CIO_POSTING.replace('\n', " ");
    let mut records = String::new();
    for i in 0..40 {
        let text = [CIO_POSTING, CTO_POSTING, BLENDED_POSTING, NONE_POSTING][i % 4];
        d.write(&format!("p{i:02}.txt"), text);
        records.push_str(&format!("{{\"id\": {i}, \"text\": \"{cio} {i}\"}}\n"));
    }
    d.write("q.jsonl", &records);
    let mut names: Vec<String> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    names.sort();
    let mut named = vec!["scan", "--format", "jsonl"];
    named.extend(names.iter().map(String::as_str));
    let by_name = run(&named);
    let by_folder = run(&["scan", "--format", "jsonl", &d.s()]);
    assert_code(&by_name, 0);
    assert_eq!(jsonl(&by_name).len(), 80);
    assert_eq!(by_name.stdout, by_folder.stdout);
}
