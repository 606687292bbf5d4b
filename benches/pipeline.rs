//! Criterion benches for the hot path: lexicon load + automaton build, matching
//! throughput on short, typical and long postings, score + label, and the whole
//! tag path on the bundled sample corpus. Inputs are loaded outside the timed closures.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use roletag::label;
use roletag::matcher::MatchScratch;
use roletag::{score, Engine, Lexicon, Matcher, NormText, Scratch, Thresholds};

/// The bundled sample postings, concatenated and split into three sizes.
fn postings() -> Vec<(&'static str, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpora/sample")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).expect("sample posting"))
        .collect();
    texts.sort();
    let all = texts.join("\n\n");
    let short = all.chars().take(600).collect();
    let typical = all.chars().take(4_000).collect();
    vec![("short", short), ("typical", typical), ("long", all)]
}

fn lexicon_build(c: &mut Criterion) {
    c.bench_function("lexicon/parse+validate", |b| {
        b.iter(|| Lexicon::embedded().expect("lexicon"))
    });
    let lex = Lexicon::embedded().expect("lexicon");
    c.bench_function("lexicon/build matcher", |b| {
        b.iter(|| Matcher::new(&lex).expect("matcher"))
    });
}

fn matching(c: &mut Criterion) {
    let lex = Lexicon::embedded().expect("lexicon");
    let matcher = Matcher::new(&lex).expect("matcher");
    let mut group = c.benchmark_group("match");
    for (name, text) in postings() {
        let norm = NormText::new(&text);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("normalize", name), &text, |b, t| {
            let mut n = NormText::default();
            b.iter(|| n.refill(t))
        });
        group.bench_with_input(BenchmarkId::new("find", name), &norm, |b, n| {
            let (mut scratch, mut hits) = (MatchScratch::default(), Vec::new());
            b.iter(|| matcher.find_into(n.as_str(), &mut scratch, &mut hits))
        });
    }
    group.finish();
}

fn scoring(c: &mut Criterion) {
    let lex = Lexicon::embedded().expect("lexicon");
    let matcher = Matcher::new(&lex).expect("matcher");
    let th = Thresholds::default();
    let mut group = c.benchmark_group("score+label");
    for (name, text) in postings() {
        let norm = NormText::new(&text);
        let hits = matcher.find(&norm);
        group.bench_function(name, |b| {
            b.iter(|| {
                let s = score::score(&lex, &hits, norm.as_str(), norm.words());
                label::tag(&s, &th)
            })
        });
    }
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let engine =
        Engine::new(Lexicon::embedded().expect("lexicon"), Thresholds::default()).expect("engine");
    let texts = postings();
    let (_, typical) = &texts[1];
    let mut group = c.benchmark_group("tag_text");
    group.throughput(Throughput::Bytes(typical.len() as u64));
    group.bench_function("typical", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| engine.tag_text(typical, &mut scratch))
    });
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, lexicon_build, matching, scoring, end_to_end);
}
criterion_main!(group::benches);
