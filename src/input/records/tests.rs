use super::*;

#[test]
fn fields_starting_with_a_slash_are_json_pointers() {
    let fields = FieldOptions {
        text_fields: vec!["/job/title".into(), "/job/description".into()],
        id_field: Some("/meta/ids/1".into()),
        ..FieldOptions::default()
    };
    let line = r#"{"job": {"title": "IT Manager", "description": "Run the ERP."},
            "meta": {"ids": ["x", 42]}, "/job": "a key with a slash"}"#;
    let v: Value = serde_json::from_str(line).unwrap();
    let Item::Posting(p) = from_value(Position { index: 0, line: 1 }, &v, &fields) else {
        panic!("no posting");
    };
    assert_eq!(p.text, "IT Manager\n\nRun the ERP.");
    assert_eq!(p.id.as_deref(), Some("42"));
    // `~1` is a `/` inside a key; a plain name is still a top-level key.
    let fields = FieldOptions {
        text_fields: vec!["/~1job".into()],
        ..FieldOptions::default()
    };
    let Item::Posting(p) = from_value(Position { index: 0, line: 1 }, &v, &fields) else {
        panic!("no posting");
    };
    assert_eq!(p.text, "a key with a slash");
    let fields = FieldOptions {
        text_fields: vec!["/job/missing".into()],
        ..FieldOptions::default()
    };
    let got = from_value(Position { index: 0, line: 1 }, &v, &fields);
    assert!(matches!(got, Item::Failed { .. }), "{got:?}");
}

#[test]
fn json_records_are_told_from_a_posting() {
    let cases: &[(&str, bool)] = &[
        ("{\"id\": 1, \"description\": \"x\"}\n{\"id\": 2}\n", true),
        ("\n  {\"title\": \"CIO\"}", true),
        ("\u{feff}{\"a\": 1}\r\n", true),
        ("IT Manager\n\nRun the service desk.", false),
        ("{braces} in a posting's first line\n", false),
        ("{\"cut\": \"at the buffer", false),
        ("[{\"a\": 1}]", false),
        ("", false),
    ];
    for (head, want) in cases {
        assert_eq!(starts_with_json_record(head.as_bytes()), *want, "{head:?}");
    }
}

fn items(format: RecordFormat, input: &str, fields: &FieldOptions) -> Vec<Item> {
    let mut out = Vec::new();
    read(input.as_bytes(), format, fields, 1 << 20, |i| {
        out.push(match i {
            Item::Line { at, bytes } => parse_json_line(at, &bytes, fields),
            other => other,
        });
        true
    })
    .unwrap();
    out
}

/// Every item `read` yields for `input` under a `max` byte cap, JSON lines unparsed.
fn raw_items(input: &[u8], format: RecordFormat, max: u64) -> Vec<Item> {
    let mut got = Vec::new();
    read(input, format, &FieldOptions::default(), max, |i| {
        got.push(i);
        true
    })
    .unwrap();
    got
}

fn text(i: &Item) -> &str {
    match i {
        Item::Posting(p) => &p.text,
        other => panic!("expected a posting, got {other:?}"),
    }
}

fn error(i: &Item) -> &str {
    match i {
        Item::Failed { message, .. } => message,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn format_by_extension() {
    let cases = [
        ("a.jsonl", Some(RecordFormat::JsonLines)),
        ("a.NDJSON", Some(RecordFormat::JsonLines)),
        ("a.json", Some(RecordFormat::Json)),
        ("a.csv", Some(RecordFormat::Csv)),
        ("a.tsv", Some(RecordFormat::Tsv)),
        ("a.txt", None),
        ("jsonl", None),
        ("d/a.jsonl.gz", Some(RecordFormat::JsonLines)),
        ("a.csv.GZ", Some(RecordFormat::Csv)),
        ("a.jsonl.zst", Some(RecordFormat::JsonLines)),
        ("a.gz", None),
        ("a.txt.gz", None),
        ("jsonl.gz", None),
    ];
    for (p, want) in cases {
        assert_eq!(RecordFormat::from_path(Path::new(p)), want, "{p}");
    }
}

#[test]
fn jsonl_default_fields_and_errors_per_line() {
    let input = "{\"id\": 7, \"title\": \"IT Lead\", \"description\": \"Run the ERP\"}\n\
                     \n\
                     {not json}\n\
                     {\"id\": \"x\", \"salary\": 3}\n\
                     [1, 2]\n\
                     {\"text\": \"Ship the app\"}";
    let got = items(RecordFormat::JsonLines, input, &FieldOptions::default());
    assert_eq!(got.len(), 5, "blank lines are not records: {got:?}");
    assert_eq!(text(&got[0]), "IT Lead\n\nRun the ERP");
    let Item::Posting(p) = &got[0] else { panic!() };
    assert_eq!((p.id.as_deref(), p.at.index, p.at.line), (Some("7"), 0, 1));
    assert!(
        error(&got[1]).starts_with("line 3: invalid JSON"),
        "{got:?}"
    );
    assert!(error(&got[2]).contains("no text in any of the fields title, description"));
    let Item::Failed { id, at, .. } = &got[2] else {
        panic!()
    };
    assert_eq!((id.as_deref(), at.index, at.line), (Some("x"), 2, 4));
    assert!(error(&got[3]).contains("not a JSON object"));
    assert_eq!(text(&got[4]), "Ship the app");
}

#[test]
fn chosen_fields_and_expected_label() {
    let fields = FieldOptions {
        text_fields: vec!["summary".into(), "duties".into()],
        id_field: Some("ref".into()),
        label_field: Some("gold".into()),
        group_field: Some("source".into()),
        keep_fields: vec!["gold".into(), "/duties/1".into(), "missing".into()],
    };
    let input = r#"{"ref": "r1", "summary": "S", "duties": ["a", "b"], "gold": "cio-like", "source": "a/b@c:d", "description": "ignored"}"#;
    let got = items(RecordFormat::JsonLines, input, &fields);
    let Item::Posting(p) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(p.text, "S\n\na\nb");
    assert_eq!(p.id.as_deref(), Some("r1"));
    assert_eq!(p.expected.as_deref(), Some("cio-like"));
    assert_eq!(p.group.as_deref(), Some("a/b@c:d"));
    assert_eq!(p.kept, [Some("cio-like".into()), Some("b".into()), None]);
}

#[test]
fn json_object_array_and_other() {
    let one = items(
        RecordFormat::Json,
        r#"{"description": "d"}"#,
        &FieldOptions::default(),
    );
    assert_eq!(text(&one[0]), "d");
    let arr = items(
        RecordFormat::Json,
        r#"[{"body": "a"}, 3, {"body": "c"}]"#,
        &FieldOptions::default(),
    );
    assert_eq!(arr.len(), 3);
    assert_eq!(text(&arr[2]), "c");
    assert!(error(&arr[1]).contains("element 1 is not a JSON object"));
    let bad = items(
        RecordFormat::Json,
        "\"just a string\"",
        &FieldOptions::default(),
    );
    assert!(error(&bad[0]).contains("neither an object nor an array"));
    let broken = items(RecordFormat::Json, "{\n\"a\": ", &FieldOptions::default());
    assert!(error(&broken[0]).starts_with("invalid JSON"));
}

#[test]
fn csv_quoted_newlines_and_bad_rows() {
    let input = "id,title,description\n\
                     1,IT Manager,\"Run the\nservice desk\"\n\
                     2,too,many,fields\n\
                     3,,\n\
                     4,Dev,\"Ship, \"\"fast\"\"\"\n";
    let got = items(RecordFormat::Csv, input, &FieldOptions::default());
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(text(&got[0]), "IT Manager\n\nRun the\nservice desk");
    assert!(error(&got[1]).contains("malformed row: 4 fields where the header has 3"));
    assert!(error(&got[2]).contains("no text"));
    assert_eq!(text(&got[3]), "Dev\n\nShip, \"fast\"");
    let Item::Posting(p) = &got[3] else { panic!() };
    assert_eq!((p.at.index, p.at.line, p.id.as_deref()), (3, 6, Some("4")));
}

#[test]
fn csv_row_over_the_cap_is_skipped_alone() {
    let long = "x".repeat(5000);
    let commas = ",".repeat(300);
    let input = format!(
        "id,description\n\
             1,Run the ERP\n\
             2,\"{long}\nstill the same field\"\n\
             3,Ship the app\n\
             4{commas}\n\
             5,{}\n\
             6,\"never closed {long}\n7,lost in the open quote\n",
        "y".repeat(99)
    );
    let got = raw_items(input.as_bytes(), RecordFormat::Csv, 100);
    assert_eq!(got.len(), 6, "{got:?}");
    assert_eq!(text(&got[0]), "Run the ERP");
    assert_eq!(
        error(&got[1]),
        "line 3: row longer than --max-bytes (100); skipped"
    );
    assert_eq!(text(&got[2]), "Ship the app");
    let Item::Posting(p) = &got[2] else { panic!() };
    assert_eq!((p.at.index, p.at.line), (2, 5));
    assert!(
        error(&got[3]).contains("row longer than --max-bytes"),
        "{got:?}"
    );
    // 1 + 1 + 99 = 101 bytes with the separator: one over.
    assert!(
        error(&got[4]).contains("row longer than --max-bytes"),
        "{got:?}"
    );
    assert!(error(&got[5]).starts_with("line 8: row longer"), "{got:?}");
    let exact = read_items_capped("id,text\n5,yyyyyy\n6,yyyyyyy\n", 8);
    assert_eq!(text(&exact[0]), "yyyyyy", "exactly --max-bytes fits");
    assert!(error(&exact[1]).contains("row longer"), "{exact:?}");
    let header = read_items_capped(&format!("id,{long}\n1,2\n"), 100);
    assert_eq!(header.len(), 1);
    assert!(error(&header[0]).starts_with("cannot read the header row: longer than"));
}

fn read_items_capped(input: &str, max: u64) -> Vec<Item> {
    let got = raw_items(input.as_bytes(), RecordFormat::Csv, max);
    got
}

proptest::proptest! {
    /// Without a size cap, rows, lines and bad rows are exactly what the `csv`
    /// crate (which this reader replaced) finds, in CSV and TSV.
    #[test]
    fn csv_rows_match_the_csv_crate(
        cells in proptest::collection::vec("[a-c,\t\"\r\n ]{0,6}", 0..24),
        tsv: bool,
    ) {
        let input = cells.concat();
        let (format, delimiter) = if tsv { (RecordFormat::Tsv, b'\t') } else { (RecordFormat::Csv, b',') };
        let mut ours = Vec::new();
        read(input.as_bytes(), format, &FieldOptions::default(), u64::MAX, |i| {
            ours.push(match i {
                Item::Posting(p) => (p.at.line, true),
                Item::Failed { at, message, .. } => (at.line, message.contains("no text")),
                Item::Line { .. } => unreachable!(),
            });
            true
        }).unwrap();
        let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(input.as_bytes());
        rdr.byte_headers().unwrap();
        let theirs: Vec<(u64, bool)> = rdr
            .byte_records()
            .map(|r| match r {
                Ok(r) => (r.position().unwrap().line(), true),
                Err(e) => (e.position().unwrap().line(), false),
            })
            .collect();
        proptest::prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn tsv_uses_tabs() {
    let got = items(
        RecordFormat::Tsv,
        "job_id\tbody\nA1\tRun the ERP, daily\n",
        &FieldOptions::default(),
    );
    let Item::Posting(p) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(
        (p.text.as_str(), p.id.as_deref()),
        ("Run the ERP, daily", Some("A1"))
    );
}

#[test]
fn overlong_line_is_skipped_without_reading_it_whole() {
    let long = format!(
        "{{\"text\": \"{}\"}}\n{{\"text\": \"ok\"}}\n",
        "x".repeat(5000)
    );
    let got = raw_items(long.as_bytes(), RecordFormat::JsonLines, 100);
    assert_eq!(got.len(), 2);
    assert!(error(&got[0]).contains("longer than --max-bytes (100)"));
    assert!(matches!(&got[1], Item::Line { at, .. } if at.index == 1 && at.line == 2));
}

/// Regression for a crash input of the `records_jsonl` fuzz target (docs/fuzzing.md):
/// a last line with no line end, one byte over the cap, was kept.
#[test]
fn last_line_one_byte_over_the_cap_is_capped() {
    let crash: &[u8] = b"{\"te\x00\x02\x02\x02\x02\x02\x02\x02x}\"\"\x02";
    for (input, max, over) in [
        (crash, 16, true),
        (crash, 17, false),
        (b"0123456789\n".as_slice(), 10, false),
        (b"0123456789", 10, false),
        (b"0123456789", 9, true),
    ] {
        let got = raw_items(input, RecordFormat::JsonLines, max);
        assert_eq!(got.len(), 1, "{input:?} at {max}");
        let capped = matches!(&got[0], Item::Failed { message, .. } if message.contains("longer than --max-bytes"));
        assert_eq!(capped, over, "{input:?} at {max}: {got:?}");
    }
}

#[test]
fn crlf_and_bom_are_tolerated() {
    let got = items(
        RecordFormat::JsonLines,
        "\u{feff}{\"text\": \"a\"}\r\n{\"text\": \"b\"}\r\n",
        &FieldOptions::default(),
    );
    assert_eq!((text(&got[0]), text(&got[1])), ("a", "b"));
}

/// A record with no text where it was looked for names the fields that do have
/// text, so a `--text-field` typo shows what to choose (JSON and CSV alike).
#[test]
fn no_text_error_names_the_fields_with_text() {
    let typo = FieldOptions {
        text_fields: vec!["descripton".into()],
        ..FieldOptions::default()
    };
    let json = "{\"id\": 1, \"title\": \"IT Lead\", \"description\": \"Run it\", \"blank\": \" \", \"none\": null, \"n\": 3}";
    let got = items(RecordFormat::JsonLines, json, &typo);
    assert_eq!(
        error(&got[0]),
        "line 1: record has no text in any of the fields descripton (choose with \
         --text-field; fields with text here: description, id, n, title)"
    );
    let csv = "title,descr,empty\nIT Lead,Run the ERP,\n";
    let got = items(RecordFormat::Csv, csv, &typo);
    assert!(
        error(&got[0]).ends_with("(choose with --text-field; fields with text here: title, descr)"),
        "{got:?}"
    );
    let got = items(RecordFormat::JsonLines, "{\"a\": null, \"b\": \"\"}", &typo);
    assert!(
        error(&got[0]).ends_with("; no field here has text)"),
        "{got:?}"
    );
    let many: Vec<String> = (0..15).map(|i| format!("\"f{i:02}\": \"x\"")).collect();
    let got = items(
        RecordFormat::JsonLines,
        &format!("{{{}}}", many.join(", ")),
        &typo,
    );
    assert!(
        error(&got[0])
            .ends_with("f00, f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, f11 and 3 more)"),
        "{got:?}"
    );
}
