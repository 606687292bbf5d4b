//! Criterion benches for the hot path: lexicon load + automaton build, then
//! normalise, match, scope, score + label and the whole `Engine::tag_text` on a
//! short (~300 B), a typical (~3 KB) and a long (~30 KB) posting cut from the
//! bundled sample corpus. Inputs are loaded outside the timed closures; every
//! group reports bytes/s. Run with `cargo bench`, or `cargo bench -- match/` for one group.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use roletag::engine::label;
use roletag::engine::matcher::MatchScratch;
use roletag::engine::scope::{self, ScopeOptions};
use roletag::engine::score;
use roletag::{Engine, Lexicon, Matcher, NormText, Scratch, Thresholds};

/// Target sizes of the three postings, in bytes.
const SIZES: [(&str, usize); 3] = [("short", 300), ("typical", 3_000), ("long", 30_000)];

/// The bundled sample postings in name order.
fn samples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpora/sample")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("sample posting"))
        .collect()
}

/// `text` cut to at most `max` bytes, at a line break or space when one is near the end.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    // Prefer a line break, then a space, in the second half of the cut.
    let at = [head.rfind('\n'), head.rfind(' ')]
        .into_iter()
        .flatten()
        .find(|&i| i >= max / 2);
    at.map_or(head, |i| &text[..i])
}

/// Short, typical and long postings: the sample nearest 3 KB, its head, and
/// consecutive samples joined up to 30 KB.
fn postings() -> Vec<(&'static str, String)> {
    let all = samples();
    let typical = all
        .iter()
        .min_by_key(|t| t.len().abs_diff(SIZES[1].1))
        .expect("a sample posting")
        .clone();
    let short = cut(&typical, SIZES[0].1).to_string();
    let long = cut(&all.join("\n\n"), SIZES[2].1).to_string();
    for (text, (name, want)) in [&short, &typical, &long].into_iter().zip(SIZES) {
        // A corpus change must not silently shrink what the names promise.
        assert!(text.len() >= want * 2 / 3, "{name}: {} bytes", text.len());
    }
    vec![
        (SIZES[0].0, short),
        (SIZES[1].0, typical),
        (SIZES[2].0, long),
    ]
}

fn lexicon_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("lexicon");
    group.bench_function("parse+validate", |b| {
        b.iter(|| Lexicon::embedded().expect("lexicon"))
    });
    let lex = Lexicon::embedded().expect("lexicon");
    group.bench_function("build matcher", |b| {
        b.iter(|| Matcher::new(&lex).expect("matcher"))
    });
    group.bench_function("load+build engine", |b| {
        b.iter(|| {
            let lex = Lexicon::embedded().expect("lexicon");
            let th = lex.thresholds;
            Engine::new(lex, th).expect("engine")
        })
    });
    group.finish();
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
    let th = lex.thresholds;
    let mut group = c.benchmark_group("score");
    for (name, text) in postings() {
        let norm = NormText::new(&text);
        let mut hits = matcher.find(&norm);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::new("scope", name), |b| {
            b.iter(|| scope::apply(&text, &norm, &mut hits, ScopeOptions::default()))
        });
        group.bench_function(BenchmarkId::new("score+label", name), |b| {
            b.iter(|| {
                let s = score::score(&lex, &hits, norm.as_str(), norm.words());
                label::tag(&s, &th)
            })
        });
    }
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let lex = Lexicon::embedded().expect("lexicon");
    let th: Thresholds = lex.thresholds;
    let engine = Engine::new(lex, th).expect("engine");
    let mut group = c.benchmark_group("tag_text");
    for (name, text) in postings() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| {
            let mut scratch = Scratch::default();
            b.iter(|| engine.tag_text(t, &mut scratch))
        });
    }
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, lexicon_build, matching, scoring, end_to_end);
}
criterion_main!(group::benches);
