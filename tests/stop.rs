//! Integration tests: Stopping: a closed pipe, a stop signal, Ctrl-C and a file size limit end a run cleanly.
//!
//! They run the real `roletag` binary; helpers are in `common/`.
#![allow(clippy::unwrap_used)] // test helpers panic on setup failure by design

mod common;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

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
/// Runs `script` with `sh -c` in the repository, `$0` being the roletag binary (so a
/// script can set a limit such as `ulimit -f` and then `exec "$0" ...`).
#[cfg(unix)]
fn sh_with_roletag(script: &str) -> std::process::Output {
    Command::new("sh")
        .args(["-c", script, env!("CARGO_BIN_EXE_roletag")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

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
    let o = sh_with_roletag(&script);
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

/// Issue 16: a write error in calibrate's `-o` or `--predictions` named the
/// temporary file (`... at path ".roletag-XXXX.tmp"`) and said "cannot write" twice.
/// Under `ulimit -f 0` every write fails with EFBIG: the message names the path
/// asked for, once, and no file is left.
#[cfg(unix)]
#[test]
fn issue16_calibrate_write_errors_name_the_path_asked() {
    let d = Dir::new();
    for i in 0..2 {
        d.write(&format!("labelled/cio-like/{i}.txt"), CIO_POSTING);
        d.write(&format!("labelled/cto-like/{i}.txt"), CTO_POSTING);
    }
    let out = d.path().join("out");
    fs::create_dir(&out).unwrap();
    for flag in ["-o", "--predictions"] {
        let target = out.join("written");
        let script = format!(
            "ulimit -f 0 && exec \"$0\" --lexicon {MINI} calibrate -q --folds 2 {flag} '{}' '{}'",
            target.display(),
            d.path().join("labelled").display()
        );
        let o = sh_with_roletag(&script);
        assert_code(&o, 2);
        assert_eq!(
            stderr(&o),
            format!(
                "roletag: cannot write {}: File too large (os error 27)\n",
                target.display()
            ),
            "{flag}"
        );
        let left: Vec<_> = fs::read_dir(&out).unwrap().collect();
        assert!(left.is_empty(), "{flag}: {left:?}");
    }
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
