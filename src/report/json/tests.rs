//! The hand-written JSON ([`RecordWriter`]) against serde's ([`write_record`]), the
//! oracle: byte for byte the same on corpora, on every optional field and on any text.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::engine::label::Thresholds;
use crate::engine::lexicon::Lexicon;
use crate::engine::tagger::{Engine, Scratch};
use proptest::prelude::*;

fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap())
}

fn cx(engine: &Engine) -> Context<'_> {
    Context {
        lexicon: engine.lexicon(),
        thresholds: engine.thresholds(),
        color: false,
        top: 3,
        keep_fields: &[],
    }
}

/// The record by hand and by serde.
fn both(writer: &mut RecordWriter, cx: &Context<'_>, r: &Record) -> (String, String) {
    let (mut fast, mut slow) = (Vec::new(), Vec::new());
    writer.write(&mut fast, cx, r).unwrap();
    write_record(&mut slow, cx, r).unwrap();
    (
        String::from_utf8(fast).unwrap(),
        String::from_utf8(slow).unwrap(),
    )
}

fn tagged(engine: &Engine, text: &str) -> Record {
    let t = engine.tag_text(text, &mut Scratch::default());
    Record::new("p.txt".into(), Outcome::Tagged(Box::new(t)), Vec::new())
}

#[test]
fn corpus_postings_are_written_as_serde_writes_them() {
    let engine = engine();
    let cx = cx(engine);
    let mut writer = RecordWriter::new(engine.lexicon());
    let mut seen = 0;
    for dir in [
        "corpora/sample",
        "corpora/labeled/blended",
        "corpora/labeled/cio-like",
        "corpora/labeled/cto-like",
        "corpora/labeled/none",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut r = tagged(engine, &text);
            r.path = path.display().to_string();
            let (fast, slow) = both(&mut writer, &cx, &r);
            assert_eq!(fast, slow, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen > 50, "only {seen} postings read");
}

#[test]
fn every_optional_field_and_outcome_is_written_as_serde_writes_it() {
    let engine = engine();
    let cx = cx(engine);
    let mut writer = RecordWriter::new(engine.lexicon());
    let text = "IT Manager. No ERP experience needed. Run the service desk for \
            internal users; grow revenue with customers.\n\nBenefits\nHealth insurance, \
            401(k), laptops, cloud budget.";
    let mut outcomes = vec![
        Outcome::Failed("cannot read: \"x\"\n\u{7}".into()),
        Outcome::Skipped("binary file".into()),
    ];
    outcomes.push(tagged(engine, text).outcome);
    outcomes.push(tagged(engine, "").outcome);
    let keep = [
        "company".to_string(),
        "/a/\"b\"".to_string(),
        "gone".to_string(),
    ];
    let keeping = Context {
        keep_fields: &keep,
        ..cx
    };
    for outcome in outcomes {
        for extras in 0..64u32 {
            let mut r = Record::new("dir/é \"q\"\t.jsonl".into(), outcome.clone(), Vec::new());
            if extras & 1 != 0 {
                r.record = Some(u64::MAX);
                // A file name that is not UTF-8 (the bytes of `bad\xff.txt`).
                r.path_bytes = Some(b"bad\xff.txt".to_vec());
            }
            if extras & 2 != 0 {
                r.id = Some("id\u{0}\\/\u{2028}".into());
            }
            if extras & 4 != 0 {
                r.expected = Some("cio-like".into());
            }
            if extras & 8 != 0 {
                r.warnings = vec!["w1".into(), "<\u{1f}>".into()];
            }
            // `--keep-field`: every name, with a value, `null`, or no value
            // at all (a document's record has none).
            if extras & 16 != 0 {
                r.fields = vec![Some("Acme \"Ltd\"\n".into()), None];
            }
            let cx = if extras & 32 != 0 { &keeping } else { &cx };
            let (fast, slow) = both(&mut writer, cx, &r);
            assert_eq!(fast, slow);
        }
    }
}

proptest! {
    #[test]
    fn any_text_is_written_as_serde_writes_it(
        text in "(?s)(IT |erp |customers |product |revenue |no |budget |\n|Benefits\n|.){0,80}"
    ) {
        let engine = engine();
        let cx = cx(engine);
        let mut writer = RecordWriter::new(engine.lexicon());
        let (fast, slow) = both(&mut writer, &cx, &tagged(engine, &text));
        prop_assert_eq!(fast, slow);
    }
}
