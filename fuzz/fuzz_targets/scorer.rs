//! The scorer on any text with the embedded lexicon: score in [-1, 1], confidence in
//! [0, 1], contributions that sum to the score, the label the thresholds give, hits on
//! character boundaries, the same result when the scratch is reused, and the same
//! result from the quick-start search (`tag`, `explain`) as from the throughput automaton.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use roletag::engine::label::required_evidence;
use roletag::engine::matcher::Build;
use roletag::{Engine, EngineOptions, Label, Lexicon, NormText, Scratch, Thresholds};

fn engines() -> &'static [Engine; 2] {
    static ENGINES: OnceLock<[Engine; 2]> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let make = |mask_titles| {
            let lexicon = Lexicon::embedded().expect("embedded lexicon");
            Engine::build(lexicon, Thresholds::default(), Build::Throughput)
                .expect("matcher")
                .with_options(EngineOptions {
                    mask_titles,
                    ..EngineOptions::default()
                })
        };
        [make(false), make(true)]
    })
}

/// The engine `roletag tag` and `explain` use (`Build::QuickStart`): each pattern
/// looked for on its own until 16 KiB of text has been searched, then a contiguous
/// NFA. This one never searches: each input gets a fresh copy, so every input up
/// to 16 KiB is searched pattern by pattern and a larger one by the NFA.
fn quick_start() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let lexicon = Lexicon::embedded().expect("embedded lexicon");
        Engine::build(lexicon, Thresholds::default(), Build::QuickStart).expect("matcher")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut scratch = Scratch::default();
    let quick = quick_start().clone().tag_text(&text, &mut scratch);
    let slow = engines()[0].tag_text(&text, &mut scratch);
    assert_eq!(quick.scores, slow.scores, "the quick search and the automaton disagree");
    assert_eq!(quick.tagging, slow.tagging);
    for engine in engines() {
        let first = engine.tag_text(&text, &mut scratch);
        let t = first.tagging;
        assert!((-1.0..=1.0).contains(&t.score), "score {}", t.score);
        assert!(
            (0.0..=1.0).contains(&t.confidence),
            "confidence {}",
            t.confidence
        );
        let s = &first.scores;
        for w in [s.total.cio, s.total.cto, s.core.cio, s.core.cto] {
            assert!(w.is_finite() && w >= 0.0, "weight {w}");
        }
        assert!(
            (0.0..=1.0).contains(&s.coverage()),
            "coverage {}",
            s.coverage()
        );
        assert!(s.matched_words <= s.words);
        // The README's contract: the evidence contributions sum to the score, and
        // the per-axis weights add up to the totals.
        let lexicon = engine.lexicon();
        let sum: f64 = s.tallies.iter().map(|t| s.contribution(lexicon, t)).sum();
        assert!(
            (sum - t.score).abs() < 1e-9,
            "contributions {sum} vs score {}",
            t.score
        );
        let (axes_cio, axes_cto) = s
            .axes
            .iter()
            .fold((0.0, 0.0), |(a, b), w| (a + w.cio, b + w.cto));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
        assert!(
            close(axes_cio, s.total.cio) && close(axes_cto, s.total.cto),
            "{s:?}"
        );
        assert!(s.core.cio <= s.total.cio + 1e-9 && s.core.cto <= s.total.cto + 1e-9);
        // The label follows the thresholds, as README "How a score is made" says:
        // the evidence a posting of its length needs, the distinct core terms, and
        // a blend only when each side has `blend_floor` of that evidence.
        let th = engine.thresholds();
        let evidence = s.core.total();
        let needed = required_evidence(&th, s.words);
        let want = if evidence <= 0.0 || evidence < needed || s.core_terms < th.min_terms as usize
        {
            Label::Unclassified
        } else if t.score.abs() <= th.blend_margin
            && s.core.cio.min(s.core.cto) >= needed * th.blend_floor
        {
            Label::Blended
        } else if t.score < 0.0 {
            Label::CioLike
        } else {
            Label::CtoLike
        };
        assert_eq!(t.label, want, "{s:?}");
        let again = engine.tag_text(&text, &mut scratch);
        assert_eq!(
            first.scores, again.scores,
            "scratch reuse changed the result"
        );
        assert_eq!(first.tagging, again.tagging);

        let norm = NormText::new(&text);
        let n = norm.as_str();
        for hit in engine.matcher().find(&norm) {
            assert!(
                hit.start < hit.end && hit.end <= n.len(),
                "{hit:?} in {} bytes",
                n.len()
            );
            assert!(n.is_char_boundary(hit.start) && n.is_char_boundary(hit.end));
        }
    }
});
