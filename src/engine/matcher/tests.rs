use super::*;
use aho_corasick::AhoCorasick;

/// Gating is an optimisation only: a regex that runs where its gate opened finds
/// exactly what running every regex on every text finds.
#[test]
fn regex_gates_change_no_hit() {
    let lex = lexicon(&[
        "leadership",
        r"re:\b(ship|ships|shipped|shipping) (new )?(features?|code)\b",
        r"re:\b(reports?|reporting) (directly )?to the (cfo|coo)\b",
        r"re:\breact(\.?js\b| native\b|/|,| \+)",
        r"re:\b(sap )?s/4 ?hana\b",
        r"re:(x|y)*z\d",
        r"re:\w+ ops\b",
    ]);
    let gated = Matcher::build(&lex, Build::Throughput).unwrap();
    // Every match of `(x|y)*z\d` starts with x, y or z; `\w+ ops` has no finite
    // set of first literals, so it runs on every text.
    assert_eq!(gated.ungated, [5]);
    assert_eq!(gated.gate_regex.iter().filter(|&&r| r == 4).count(), 3);
    let all = Matcher::build_gated(&lex, Build::Throughput, false).unwrap();
    let texts = [
        "leadership relationships: we ship features and shipped new code",
        "Reports directly to the CFO; reporting to the COO. Ships code.",
        "react native, React.js, reactjs, react/redux, react + ts, reactive",
        "sap s/4hana and s/4 hana and sap s/4hanax",
        "xyz1 zz9 yxz3",
        "dev ops, devops",
        "microship features; ship featuresx; leadershipship code",
    ];
    let mut total = 0;
    for text in texts {
        let norm = NormText::new(text);
        let want = all.find(&norm);
        assert_eq!(gated.find(&norm), want, "{text}");
        total += want.len();
    }
    assert!(
        total >= 15,
        "the texts have hits of every kind, got {total}"
    );
}

/// Every regex of the default lexicon is gated, so a scan never runs the set.
#[test]
fn default_lexicon_regexes_are_all_gated() {
    let lex = Lexicon::embedded().unwrap();
    let m = Matcher::build(&lex, Build::Throughput).unwrap();
    assert!(!m.regexes.is_empty());
    assert_eq!(m.ungated, Vec::<usize>::new());
    let all = Matcher::build_gated(&lex, Build::Throughput, false).unwrap();
    for dir in [
        "corpora/sample",
        "corpora/labeled/cio-like",
        "corpora/labeled/cto-like",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let norm = NormText::new(&text);
            assert_eq!(m.find(&norm), all.find(&norm));
        }
    }
}

/// Every occurrence of `patterns` in `hay`, sorted: by `overlapping`, and by
/// the crate's own overlapping search.
fn both_searches(patterns: &[String], hay: &str) -> [Vec<(usize, usize, usize)>; 2] {
    let dfa = aho_corasick::dfa::Builder::new()
        .match_kind(MatchKind::Standard)
        .prefilter(false)
        .build(patterns)
        .unwrap();
    let mut ours = Vec::new();
    overlapping(&dfa, hay.as_bytes(), |p, s, e| ours.push((p, s, e)));
    ours.sort_unstable();
    let mut theirs: Vec<_> = AhoCorasick::new(patterns)
        .unwrap()
        .find_overlapping_iter(hay)
        .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
        .collect();
    theirs.sort_unstable();
    [ours, theirs]
}

#[test]
fn lockstep_walks_find_matches_across_every_cut() {
    let patterns: Vec<String> = ["abcab", "ab", "b", "cabca"]
        .iter()
        .map(|p| p.to_string())
        .collect();
    for len in 0..40 {
        let hay: String = "abc".chars().cycle().take(len).collect();
        let [ours, theirs] = both_searches(&patterns, &hay);
        assert_eq!(ours, theirs, "{hay:?}");
    }
}

proptest::proptest! {
    /// The lockstep walk finds exactly what the crate's overlapping search finds.
    #[test]
    fn lockstep_walks_equal_the_overlapping_search(
        patterns in proptest::collection::vec("[ab ]{1,7}", 1..10),
        hay in "[abc ]{0,80}",
    ) {
        let [ours, theirs] = both_searches(&patterns, &hay);
        proptest::prop_assert_eq!(ours, theirs);
    }
}

#[test]
fn quick_start_and_throughput_automata_find_the_same_hits() {
    let lex = Lexicon::embedded().unwrap();
    let fast = Matcher::build(&lex, Build::Throughput).unwrap();
    let quick = Matcher::build(&lex, Build::QuickStart).unwrap();
    let mut hits = 0;
    for entry in std::fs::read_dir("corpora/sample").unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let norm = NormText::new(&text);
        let a = fast.find(&norm);
        assert_eq!(a, quick.find(&norm));
        hits += a.len();
    }
    assert!(hits > 300, "the sample corpus has many hits, got {hits}");
}

fn lexicon(entries: &[&str]) -> Lexicon {
    let terms: Vec<String> = entries
        .iter()
        .map(|e| {
            let (key, val) = match e.strip_prefix("re:") {
                Some(r) => ("regex", r),
                None => ("term", *e),
            };
            format!("{{ axis = \"a\", pole = \"cio\", {key} = '{val}' }},")
        })
        .collect();
    let text = format!(
        "axes = [{{ name = \"a\", cio = \"in\", cto = \"out\" }}]\nterms = [\n{}\n]\n",
        terms.join("\n")
    );
    Lexicon::from_toml(&text, "test").unwrap()
}

/// Issue 16: a regex over the size limit failed the build without naming its entry.
#[test]
fn an_oversize_regex_is_named_with_its_line() {
    // Loaded first: its regexes are left uncompiled, and no others may be.
    Lexicon::embedded().unwrap();
    let big = r"\w{500}\w{500}";
    for (entries, line) in [
        (vec!["erp".to_string(), format!("re:{big}")], 4),
        (vec!["erp".to_string(), format!("re:it budget {big}")], 4),
    ] {
        let entries: Vec<&str> = entries.iter().map(String::as_str).collect();
        // `tag`'s quick build too: a gated regex was compiled lazily there, and
        // one over the limit silently never matched.
        for build in [Build::Throughput, Build::QuickStart] {
            let err = Matcher::build(&lexicon(&entries), build)
                .unwrap_err()
                .to_string();
            let want = format!("cannot build the matcher: test:{line}: term \"re:");
            assert!(err.starts_with(&want), "{build:?}: {err}");
            assert!(err.contains("exceeds size limit"), "{err}");
        }
    }
}

/// Matched substrings of the normalised text, with the entry that matched.
fn hits(entries: &[&str], text: &str) -> Vec<(String, String)> {
    let lex = lexicon(entries);
    let m = Matcher::new(&lex).unwrap();
    let norm = NormText::new(text);
    m.find(&norm)
        .into_iter()
        .map(|h| {
            let s = norm.as_str()[h.start..h.end].to_string();
            (s, lex.terms[h.term].name.clone())
        })
        .collect()
}

macro_rules! t {
    ($name:ident, $entries:expr, $text:expr, $want:expr) => {
        #[test]
        fn $name() {
            let want: Vec<(String, String)> = $want
                .iter()
                .map(|(a, b): &(&str, &str)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(hits(&$entries, $text), want);
        }
    };
}

// Boundaries.
t!(
    whole_word_only,
    ["erp"],
    "ERP, enterprise, erps, terp",
    [("erp", "erp")]
);
t!(boundary_at_text_edges, ["it"], "it", [("it", "it")]);
t!(
    no_match_inside_word,
    ["product"],
    "productivity reproduction",
    []
);
t!(
    punctuation_is_a_boundary,
    ["crm"],
    "(CRM/ERP)",
    [("crm", "crm")]
);
t!(
    non_word_edges_need_no_boundary,
    ["c++"],
    "c++11 and C++",
    [("c++", "c++"), ("c++", "c++")]
);
// Phrases, case and whitespace.
t!(
    phrase_across_newline,
    ["service desk"],
    "Service\n\n  DESK team",
    [("service desk", "service desk")]
);
t!(
    hyphen_and_space_are_equal,
    ["customer facing"],
    "customer-facing apps",
    [("customer facing", "customer facing")]
);
t!(
    case_insensitive_unicode,
    ["équipe"],
    "ÉQUIPE",
    [("équipe", "équipe")]
);
// Overlaps: leftmost-longest.
t!(
    longest_wins,
    ["product", "product architecture"],
    "own the product architecture",
    [("product architecture", "product architecture")]
);
t!(
    leftmost_wins_over_longer_later,
    ["cloud infrastructure", "infrastructure management"],
    "cloud infrastructure management",
    [("cloud infrastructure", "cloud infrastructure")]
);
t!(
    shorter_used_when_longer_breaks_boundary,
    ["data", "data center"],
    "data centers",
    [("data", "data")]
);
t!(
    adjacent_hits_both_count,
    ["erp", "crm"],
    "erp crm",
    [("erp", "erp"), ("crm", "crm")]
);
// Wildcards.
t!(
    wildcard_extends_to_word_end,
    ["manag*"],
    "managing managers manage",
    [
        ("managing", "manag*"),
        ("managers", "manag*"),
        ("manage", "manag*")
    ]
);
t!(wildcard_needs_left_boundary, ["manag*"], "mismanaged", []);
t!(
    wildcard_on_last_word_of_phrase,
    ["data cent*"],
    "data centre and data centers",
    [
        ("data centre", "data cent*"),
        ("data centers", "data cent*")
    ]
);
t!(
    literal_beats_wildcard_on_tie,
    ["manag*", "management"],
    "management",
    [("management", "management")]
);
t!(
    earlier_entry_wins_exact_tie,
    ["erp", "erp"],
    "erp",
    [("erp", "erp")]
);
// Regex entries follow the same rule.
t!(
    regex_entry,
    ["re:sap s/?4 ?hana"],
    "SAP S/4HANA rollout",
    [("sap s/4hana", "re:sap s/?4 ?hana")]
);
t!(regex_respects_boundaries, ["re:b2b"], "b2b2c", []);
t!(
    literal_beats_regex_on_tie,
    ["re:erp", "erp"],
    "erp",
    [("erp", "erp")]
);
t!(
    longer_regex_beats_literal,
    ["erp", "re:erp systems?"],
    "erp systems",
    [("erp systems", "re:erp systems?")]
);

#[test]
fn hits_are_ordered_and_disjoint() {
    let lex = lexicon(&["a b", "b c", "c", "a"]);
    let m = Matcher::new(&lex).unwrap();
    let got = m.find(&NormText::new("a b c a b c"));
    for w in got.windows(2) {
        assert!(w[0].end <= w[1].start, "{got:?}");
    }
    assert_eq!(got.len(), 4);
}

/// The hits and formula starts of `text` from blocks of `block` bytes.
fn in_blocks(m: &Matcher, text: &str, block: usize) -> (Vec<Hit>, Vec<usize>, usize) {
    let mut scratch = MatchScratch::default();
    let mut blocks = HitBlocks::new(m, text, &mut scratch, block);
    let (mut all, mut out, mut n) = (Vec::new(), Vec::new(), 0);
    while blocks.next_into(&mut out) {
        all.extend_from_slice(&out);
        n += 1;
    }
    let mut formulas = blocks.formula_starts().to_vec();
    formulas.sort_unstable();
    (all, formulas, n)
}

/// Literals that overlap and share words, a wildcard, regexes with and without
/// gates (one long and one running past its gate's word), and a formula marker.
fn block_lexicon() -> Lexicon {
    lexicon(&[
        "ab",
        "ab cd",
        "cd ab cd",
        "é ab",
        "ab*",
        "re:cd( ab)+",
        r"re:\w+ é",
        "re:ab cd ab cd ab",
    ])
}

/// Issue 16: the blocks of a text hold exactly the text's hits, in order,
/// whatever the block size (down to one byte, cutting every hit and every
/// character) and whichever automaton, and the same formula markers.
#[test]
fn blocks_find_exactly_the_hits_of_the_whole_text() {
    let lex = block_lexicon();
    let text = "ab cd ab cd ab é ab abc cdab cd ab ab. equal opportunity employer; ab cd";
    let norm = NormText::new(text);
    for build in [Build::Throughput, Build::QuickStart] {
        let m = Matcher::build(&lex, build).unwrap();
        let mut scratch = MatchScratch::default();
        let mut want = Vec::new();
        m.find_into(norm.as_str(), &mut scratch, &mut want);
        let mut formulas = scratch.formula_starts().to_vec();
        formulas.sort_unstable();
        assert!(want.len() >= 5 && !formulas.is_empty(), "{want:?}");
        for block in 1..=text.len() + 1 {
            let (got, got_formulas, n) = in_blocks(&m, norm.as_str(), block);
            assert_eq!(got, want, "{build:?}, blocks of {block}");
            assert_eq!(got_formulas, formulas, "{build:?}, blocks of {block}");
            // A block ends on a character boundary, so `é` can make one longer.
            let len = norm.as_str().len();
            assert!(n >= 1 && n <= len.div_ceil(block), "{n} blocks of {block}");
            assert_eq!(n == 1, block >= len, "{n} blocks of {block}");
        }
    }
}

proptest::proptest! {
    /// The same on random texts of the lexicon's words.
    #[test]
    fn blocks_equal_the_whole_text_search(
        text in "(ab|cd|é|abc|x|equal opportunity employer|[ .\n]){0,60}",
        block in 1usize..40,
    ) {
        let m = Matcher::new(&block_lexicon()).unwrap();
        let norm = NormText::new(&text);
        let (got, _, _) = in_blocks(&m, norm.as_str(), block);
        proptest::prop_assert_eq!(got, m.find(&norm));
    }
}

/// An empty text is one block without hits; the blocks then end.
#[test]
fn an_empty_text_is_one_empty_block() {
    let m = Matcher::new(&block_lexicon()).unwrap();
    let mut scratch = MatchScratch::default();
    let mut blocks = m.blocks("", &mut scratch);
    let mut out = vec![];
    assert!(blocks.next_into(&mut out) && out.is_empty());
    assert!(!blocks.next_into(&mut out));
}
