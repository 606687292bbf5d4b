use std::io::Write as _;
use std::path::PathBuf;

use super::*;
use crate::report::{Context, JsonLines, Summary};
use crate::scan::{scan, ScanOptions};
use crate::{Lexicon, Thresholds};

fn engine() -> Engine {
    Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap()
}

fn context(e: &Engine) -> Context<'_> {
    Context {
        lexicon: e.lexicon(),
        thresholds: e.thresholds(),
        color: false,
        top: 5,
        keep_fields: &[],
    }
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// The JSON Lines report of a whole scan of `path` on one thread: the
/// chunked scan's reading of a record file, which a shared file must match.
fn scan_on_one_thread(e: &Engine, path: &Path, opts: &ScanOptions) -> (String, Summary) {
    let mut buf = Vec::new();
    let mut rep = JsonLines::new(&mut buf, context(e));
    let opts = ScanOptions {
        threads: 1,
        ..opts.clone()
    };
    let never = AtomicBool::new(false);
    let out = scan(e, &[path.to_path_buf()], &opts, &mut rep, &never).unwrap();
    drop(rep);
    (String::from_utf8(buf).unwrap(), out.summary)
}

/// A block scan.
fn unformatted<'a>(e: &'a Engine, opts: &'a ScanOptions, cancel: &'a AtomicBool) -> Blocks<'a> {
    Blocks {
        engine: e,
        opts,
        cancel,
    }
}

/// The work of a walk that found `path` and handed it to the workers.
fn walk_of(path: &Path) -> mpsc::Receiver<Vec<Work>> {
    let (tx, rx) = mpsc::sync_channel(1);
    let file = SharedFile {
        path: path.to_path_buf(),
        shown: Arc::new(ShownPath::of(path)),
    };
    tx.send(vec![Work::Shared(file)]).unwrap();
    rx
}

/// The JSON Lines report of `path` read as a shared file by `threads` workers.
fn tag_shared(
    e: &Engine,
    path: &Path,
    opts: &ScanOptions,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<(String, Summary), ScanError> {
    let mut buf = Vec::new();
    let mut rep = JsonLines::new(&mut buf, context(e));
    let blocks = unformatted(e, opts, cancel);
    let outcome = blocks.scan(walk_of(path), &pool(threads), &mut rep)?;
    drop(rep);
    Ok((String::from_utf8(buf).unwrap(), outcome.summary))
}

/// A JSON Lines text of `n` records (several blocks' worth) with what real
/// exports hold besides good records: a byte order mark, blank and
/// whitespace-only lines, CRLF line ends, broken JSON, a record with no text,
/// a line over `--max-bytes` (2,000 below) and no line end after the last.
fn awkward_jsonl(n: usize) -> String {
    let texts = [
        "Own the ERP roadmap, the service desk and the IT budget for our plants.",
        "Lead the engineers who build our customer-facing product and its platform.",
        "Run infrastructure and security, and ship the features our customers pay for.",
        "Care for patients on a busy surgical ward.",
    ];
    let mut s = String::from("\u{feff}");
    for i in 0..n {
        match i % 23 {
            5 => s.push('\n'),
            9 => s.push_str("   \t \n"),
            11 => s.push_str("{\"id\": \"broken\", \"text\": \n"),
            13 => s.push_str(&format!(
                "{{\"id\": \"{i}\", \"text\": \"{}\"}}\n",
                "x ".repeat(1500)
            )),
            17 => s.push_str(&format!("{{\"id\": \"{i}\"}}\n")),
            19 => s.push_str(&format!(
                "{{\"id\": \"{i}\", \"text\": \"{}\"}}\r\n",
                texts[i % 4]
            )),
            _ => s.push_str(&format!(
                "{{\"id\": \"{i}\", \"text\": \"{}\"}}\n",
                texts[i % 4]
            )),
        }
    }
    s.push_str("{\"id\": \"last\", \"text\": \"Manage the help desk.\"}");
    s
}

fn small_max() -> ScanOptions {
    ScanOptions {
        max_bytes: 2000,
        ..ScanOptions::default()
    }
}

/// Plain, gzip and zstd files read as shared files, by one, two and eight
/// workers, give the one-thread scan's report byte for byte, and the same counts.
#[test]
fn a_shared_file_gives_the_report_of_a_scan_on_one_thread() {
    let e = engine();
    let d = tempfile::tempdir().unwrap();
    let text = awkward_jsonl(BLOCK * 9 + 5);
    let plain = d.path().join("p.jsonl");
    std::fs::write(&plain, &text).unwrap();
    let gz = d.path().join("p.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let zst = d.path().join("p.jsonl.zst");
    std::fs::write(&zst, zstd::encode_all(text.as_bytes(), 1).unwrap()).unwrap();
    let opts = small_max();
    let never = AtomicBool::new(false);
    let records = text.lines().filter(|l| !l.trim().is_empty()).count();
    for path in [&plain, &gz, &zst] {
        let (want, counts) = scan_on_one_thread(&e, path, &opts);
        assert_eq!(want.lines().count(), records, "{path:?}");
        assert!(want.contains("longer than --max-bytes (2000)"));
        assert!(want.contains("invalid JSON"));
        for threads in [1, 2, 8] {
            let got = tag_shared(&e, path, &opts, threads, &never).unwrap();
            assert_eq!(got.0, want, "{path:?}, {threads} threads");
            assert_eq!(got.1, counts);
        }
    }
}

/// Where a file ends early, the records before are reported and then its read
/// error; a file with no record is one error record; a file that cannot be
/// opened is one too. As the one-thread scan reports them.
#[test]
fn a_shared_file_that_ends_badly_is_reported_as_on_one_thread() {
    let e = engine();
    let d = tempfile::tempdir().unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(awkward_jsonl(BLOCK * 4).as_bytes()).unwrap();
    let mut gz = enc.finish().unwrap();
    gz.truncate(gz.len() * 2 / 3);
    let cut = d.path().join("cut.jsonl.gz");
    std::fs::write(&cut, gz).unwrap();
    let empty = d.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let blank = d.path().join("blank.jsonl");
    std::fs::write(&blank, "\n  \r\n\n").unwrap();
    let opts = small_max();
    let never = AtomicBool::new(false);
    for path in [&cut, &empty, &blank] {
        let (want, _) = scan_on_one_thread(&e, path, &opts);
        let last = want.lines().last().unwrap();
        assert!(
            last.contains("cannot read:") || last.contains("no records: the file is empty"),
            "{last}"
        );
        for threads in [1, 2, 8] {
            let (got, _) = tag_shared(&e, path, &opts, threads, &never).unwrap();
            assert_eq!(got, want, "{path:?}, {threads} threads");
        }
    }
    let (want, _) = scan_on_one_thread(&e, &cut, &opts);
    assert!(
        want.lines().count() > BLOCK,
        "the records before the cut are kept"
    );
    let gone = d.path().join("gone.jsonl");
    let (got, counts) = tag_shared(&e, &gone, &opts, 2, &never).unwrap();
    assert_eq!(got.lines().count(), 1);
    assert!(
        got.contains("gone.jsonl") && got.contains("cannot read:"),
        "{got}"
    );
    assert_eq!(counts.failed, 1);
}

/// Ctrl-C ends the reading of a shared file as an interruption.
#[test]
fn cancel_ends_a_shared_file() {
    let e = engine();
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("p.jsonl");
    std::fs::write(&path, awkward_jsonl(BLOCK * 4)).unwrap();
    let cancel = AtomicBool::new(true);
    let got = tag_shared(&e, &path, &ScanOptions::default(), 2, &cancel);
    assert!(matches!(got, Err(ScanError::Interrupted)), "{got:?}");
}

/// A report that cannot be written (a closed pipe) ends the workers and the
/// scan with the error, not a hang, however far ahead the workers are.
#[test]
fn a_failed_write_ends_a_shared_file() {
    struct Closed(usize);
    impl Reporter for Closed {
        fn record(&mut self, _: &crate::report::Record) -> io::Result<()> {
            self.0 += 1;
            match self.0 {
                1..=100 => Ok(()),
                _ => Err(io::Error::from(io::ErrorKind::BrokenPipe)),
            }
        }
        fn finish(&mut self, _: &Summary) -> io::Result<()> {
            Ok(())
        }
    }
    let e = engine();
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("p.jsonl");
    std::fs::write(&path, awkward_jsonl(BLOCK * AHEAD as usize * 3)).unwrap();
    let never = AtomicBool::new(false);
    let opts = ScanOptions::default();
    let blocks = unformatted(&e, &opts, &never);
    let mut rep = Closed(0);
    let got = blocks.scan(walk_of(&path), &pool(2), &mut rep);
    assert!(matches!(got, Err(ScanError::Output(_))), "{got:?}");
    assert_eq!(rep.0, 101, "nothing is written after the error");
}

/// Only JSON Lines files of at least [`SHARED_FILE`] bytes are shared; a
/// folder, a smaller file or another record format is not.
#[test]
fn which_files_are_shared() {
    let d = tempfile::tempdir().unwrap();
    let big = d.path().join("big.jsonl");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(SHARED_FILE).unwrap();
    let small = d.path().join("small.jsonl");
    std::fs::File::create(&small)
        .unwrap()
        .set_len(SHARED_FILE - 1)
        .unwrap();
    assert!(is_shared(&big, RecordFormat::JsonLines));
    assert!(!is_shared(&big, RecordFormat::Csv));
    assert!(!is_shared(&big, RecordFormat::Json));
    assert!(!is_shared(&small, RecordFormat::JsonLines));
    assert!(!is_shared(d.path(), RecordFormat::JsonLines));
    assert!(!is_shared(
        &PathBuf::from("/no/such/file.jsonl"),
        RecordFormat::JsonLines
    ));
}

/// The writer is woken for a run of [`WRITE`] blocks from the next one to
/// write, or when the workers are done, not for a block out of order.
#[test]
fn the_writer_waits_for_a_run_of_blocks() {
    let block = || Block {
        records: Vec::new(),
        missing_root: false,
    };
    let mut done = Done {
        blocks: BTreeMap::new(),
        next: 3,
        working: 2,
        stop: false,
    };
    for n in 4..3 + WRITE {
        done.blocks.insert(n, block());
    }
    assert!(!done.ready(), "block 3 is missing");
    done.blocks.insert(3 + WRITE, block());
    assert!(!done.ready(), "still missing");
    done.blocks.insert(3, block());
    assert!(done.ready());
    done.blocks.clear();
    assert!(!done.ready());
    done.working = 0;
    assert!(done.ready());
}

/// A walk that finds its files slowly (a network file system) gets them tagged
/// in part-filled blocks, every one reported, in walk order; and Ctrl-C while
/// the walk finds nothing ends the scan within a poll.
#[test]
fn a_slow_walk_is_reported_in_order_and_can_be_interrupted() {
    let e = engine();
    let (tx, rx) = mpsc::sync_channel(4);
    let walk = std::thread::spawn(move || {
        let mut batcher = Batcher::new(tx);
        for n in 0..300 {
            let job = Job::Error {
                path: ShownPath::of(Path::new(&format!("p{n}"))),
                message: "gone".into(),
                missing_root: n == 150,
            };
            assert!(batcher.push(Work::Job(job)));
            if n % 7 == 0 {
                std::thread::sleep(Duration::from_millis(4));
            }
        }
        batcher.send()
    });
    let never = AtomicBool::new(false);
    let opts = ScanOptions::default();
    let blocks = unformatted(&e, &opts, &never);
    let mut buf = Vec::new();
    let mut rep = JsonLines::new(&mut buf, context(&e));
    let outcome = blocks.scan(rx, &pool(3), &mut rep).unwrap();
    assert!(walk.join().unwrap());
    drop(rep);
    let paths: Vec<String> = String::from_utf8(buf)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["path"].to_string())
        .collect();
    let want: Vec<String> = (0..300).map(|n| format!("\"p{n}\"")).collect();
    assert_eq!(paths, want);
    assert_eq!(outcome.summary.failed, 300);
    assert!(outcome.missing_root);

    let (tx, rx) = mpsc::sync_channel::<Vec<Work>>(1);
    let cancel = AtomicBool::new(true);
    let blocks = Blocks {
        cancel: &cancel,
        ..blocks
    };
    let started = std::time::Instant::now();
    let got = blocks.scan(rx, &pool(2), &mut JsonLines::new(Vec::new(), context(&e)));
    assert!(matches!(got, Err(ScanError::Interrupted)), "{got:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(tx);
}
