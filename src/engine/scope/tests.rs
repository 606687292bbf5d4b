use super::*;
use crate::engine::formulas::BOILER_LINES;
use crate::engine::lexicon::Lexicon;
use crate::engine::matcher::Matcher;

/// Status of each hit of a one-axis lexicon on `text`, as (matched text, status).
fn statuses(terms: &[&str], text: &str) -> Vec<(String, Status)> {
    let entries: Vec<String> = terms
        .iter()
        .map(|t| format!("{{ axis = \"a\", pole = \"cio\", term = \"{t}\" }},"))
        .collect();
    let lex = Lexicon::from_toml(
        &format!(
            "axes = [{{ name = \"a\", cio = \"x\", cto = \"y\" }}]\nterms = [\n{}\n]\n",
            entries.join("\n")
        ),
        "t",
    )
    .unwrap();
    let norm = NormText::new(text);
    let mut hits = Matcher::new(&lex).unwrap().find(&norm);
    apply(text, &norm, &mut hits, ScopeOptions::default());
    hits.iter()
        .map(|h| (norm.as_str()[h.start..h.end].to_string(), h.status))
        .collect()
}

use Status::*;

/// The negation check before it became two bounded byte scans, kept as the oracle.
fn is_negated_reference(text: &str, norm: &NormText, hit: &Hit) -> bool {
    let line = norm.line_of(hit.start);
    let before = &text[..hit.start];
    // The delimiters are ASCII, so a byte search finds the same offsets as a char search.
    let clause_start = before
        .bytes()
        .rposition(is_clause_delimiter)
        .map_or(0, |i| i + 1);
    let words = words_rev(before, clause_start)
        .take_while(|&(i, _)| norm.line_of(i) == line)
        .take(NEGATION_WINDOW);
    for (_, w) in words {
        if NEGATORS.contains(&w) {
            return true;
        }
    }
    let after = &text[hit.end..];
    let clause_end = after
        .bytes()
        .position(is_clause_delimiter)
        .unwrap_or(after.len());
    // Normalised text has single spaces, so the first five words are a slice.
    let clause = after[..clause_end].trim_start();
    let head = clause
        .match_indices(' ')
        .nth(4)
        .map_or(clause, |(i, _)| &clause[..i]);
    // Every phrase contains "not": one search rules most clauses out.
    head.contains("not") && AFTER_NEGATORS.iter().any(|p| head.contains(p))
}

/// The words of `s[from..]` from the last to the first, with their start offsets.
fn words_rev(s: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut end = s.len();
    s[from..].rsplit(' ').filter_map(move |w| {
        let start = end - w.len();
        end = start.saturating_sub(1);
        (!w.is_empty()).then_some((start, w))
    })
}

/// Words and the punctuation after them: mostly none, so that negators often
/// stand within the window, or just outside it.
fn negation_words() -> impl proptest::strategy::Strategy<Value = Vec<(&'static str, &'static str)>>
{
    use proptest::prelude::*;
    let word = proptest::sample::select(vec![
        "no", "not", "nor", "can't", "without", "required", "needed", "part", "of", "is", "erp",
        "it", "ops", "x", "y", "z",
    ]);
    let after = prop_oneof![
        12 => Just(""),
        1 => Just(","),
        1 => Just("."),
        1 => Just(" ("),
        1 => Just("\n"),
    ];
    proptest::collection::vec((word, after), 0..20)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    #[test]
    fn negation_scans_equal_the_reference(words in negation_words(), pick in 0usize..40, len in 1usize..12) {
        let raw: String = words.iter().map(|(w, a)| format!("{w}{a} ")).collect();
        let norm = NormText::new(&raw);
        let text = norm.as_str();
        // Hits start where words start, as real hits do.
        let starts: Vec<usize> = (0..text.len())
            .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b' ')
            .collect();
        proptest::prop_assume!(!starts.is_empty());
        let start = starts[pick % starts.len()];
        let end = (start + len).min(text.len());
        proptest::prop_assume!(start < end);
        let hit = Hit { start, end, term: 0, status: Status::Counted };
        proptest::prop_assert_eq!(
            is_negated(text, &norm, &hit),
            is_negated_reference(text, &norm, &hit),
            "{:?} at {}..{}", text, start, end
        );
    }
}

#[test]
fn negation_table() {
    let cases: &[(&str, &str, Status)] = &[
        ("plain", "You will run the ERP.", Counted),
        ("no_before", "No ERP experience needed.", Negated),
        ("not_a_role", "This is not an ERP role.", Negated),
        ("without", "Without any ERP background, you", Negated),
        (
            "outside_window",
            "No travel is needed for this busy ERP role",
            Counted,
        ),
        ("other_clause", "No travel; you will run the ERP", Counted),
        ("after_phrase", "ERP experience is not required", Negated),
        (
            "after_other_clause",
            "ERP daily, travel is not required",
            Counted,
        ),
        ("previous_line", "Not remote\nERP owner", Counted),
        ("contraction", "You won't touch the ERP", Negated),
    ];
    for (name, text, want) in cases {
        let got = statuses(&["erp"], text);
        assert_eq!(got.len(), 1, "case {name}: {got:?}");
        assert_eq!(got[0].1, *want, "case {name}");
    }
}

/// The matcher's formula markers and the scope's own search for them give
/// every hit the same status.
#[test]
fn matcher_markers_and_own_search_agree() {
    let lex = Lexicon::embedded().unwrap();
    let m = Matcher::new(&lex).unwrap();
    let mut scratch = ScopeScratch::default();
    let mut matching = crate::engine::matcher::MatchScratch::default();
    let mut boiler = 0;
    for dir in [
        "corpora/sample",
        "corpora/labeled/none",
        "corpora/labeled/blended",
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let norm = NormText::new(&raw);
            let mut hits = Vec::new();
            m.find_into(norm.as_str(), &mut matching, &mut hits);
            let opts = ScopeOptions::default();
            apply_with(&raw, &norm, &mut hits, opts, &mut scratch, None);
            let own = hits.clone();
            let starts = Some(matching.formula_starts());
            apply_with(&raw, &norm, &mut hits, opts, &mut scratch, starts);
            assert_eq!(own, hits);
            boiler += hits
                .iter()
                .filter(|h| h.status == Status::Boilerplate)
                .count();
        }
    }
    assert!(
        boiler > 40,
        "the corpora have boilerplate hits, got {boiler}"
    );
}

/// Lines whose trimmed raw text holds a formula, in any ASCII case.
fn formula_lines(raw: &str) -> Vec<usize> {
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(BOILER_LINES)
        .unwrap();
    (raw.split('\n').enumerate())
        .filter(|(_, l)| ac.is_match(l.trim()))
        .map(|(k, _)| k)
        .collect()
}

/// Lines on which the matcher saw a formula marker.
fn marker_lines(raw: &str) -> Vec<usize> {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    let m = MATCHER.get_or_init(|| Matcher::new(&Lexicon::embedded().unwrap()).unwrap());
    let norm = NormText::new(raw);
    let mut matching = crate::engine::matcher::MatchScratch::default();
    m.find_into(norm.as_str(), &mut matching, &mut Vec::new());
    let mut lines: Vec<usize> = (matching.formula_starts().iter())
        .map(|&at| norm.line_of(at))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[test]
fn every_formula_line_has_a_marker() {
    let raw = "Paid Time Off\n- E-Verify\n  x401(K)y\nMEDICAL, DENTAL and\u{a0}more\n\
                   pay  transparency\nE\u{2013}verify\nnothing here\nWithout regard to";
    assert_eq!(formula_lines(raw), [0, 1, 2, 3, 7]);
    // Normalised, a double space or an en dash reads as the formula too.
    assert_eq!(marker_lines(raw), [0, 1, 2, 3, 4, 5, 7]);
}

#[test]
fn boilerplate_sections_and_lines() {
    let text = "About Acme\n\
                    Acme runs the ERP for 500 stores.\n\
                    \n\
                    About the role\n\
                    - Own the ERP upgrade\n\
                    \n\
                    Benefits:\n\
                    - ERP training budget\n\
                    - Dental\n\
                    Requirements\n\
                    - ERP experience\n\
                    We are an equal opportunity employer and use the ERP.";
    let got: Vec<Status> = statuses(&["erp"], text)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        got,
        [Boilerplate, Counted, Boilerplate, Counted, Boilerplate],
        "{text}"
    );
}

proptest::proptest! {
    #[test]
    fn split_lines_equals_str_split(text in "(?s)[a\n\u{e9}\u{2028}\r]{0,30}") {
        let ours: Vec<&str> = split_lines(&text).collect();
        let std: Vec<&str> = text.split('\n').collect();
        proptest::prop_assert_eq!(ours, std);
    }
}

#[test]
fn shortcuts_rely_on_the_phrase_lists() {
    // `is_negated` rules a clause out when it lacks "not".
    assert!(AFTER_NEGATORS.iter().all(|p| p.contains("not")));
    // A formula must sit inside one sentence, or no sentence could hold it.
    for f in formula_markers() {
        let b = f.as_bytes();
        assert!((0..b.len()).all(|i| !ends_sentence(b, i)), "{f:?}");
    }
}

/// The sentence holding `start..end` in normalised `text`, as a byte range, cut
/// to at most `reach` words on either side: it stops at sentence punctuation
/// followed by a space (`.`, `!`, `?`, `;`), at a bullet (`•`, `·`, `▪`, `●`)
/// and at the raw line's ends.
fn sentence_around(
    text: &str,
    norm: &NormText,
    line: usize,
    start: usize,
    end: usize,
    reach: usize,
) -> (usize, usize) {
    let bytes = text.as_bytes();
    let line_start = norm.line_start(line);
    let line_end = norm.line_end(line).min(bytes.len());
    let (mut from, mut spaces) = (start, 0);
    while from > line_start && !ends_sentence(bytes, from - 1) {
        if bytes[from - 1] == b' ' {
            spaces += 1;
            if spaces > reach {
                break;
            }
        }
        from -= 1;
    }
    let (mut to, mut spaces) = (end, 0);
    while to < line_end && !ends_sentence(bytes, to) {
        if bytes[to] == b' ' {
            spaces += 1;
            if spaces > reach {
                break;
            }
        }
        to += 1;
    }
    (from, to)
}

/// The sentence-window search the scan replaced, kept as the oracle.
fn formula_in_sentence_reference(
    text: &str,
    norm: &NormText,
    line: usize,
    hit: &Hit,
    markers: &[usize],
) -> bool {
    let (from, to) = sentence_around(text, norm, line, hit.start, hit.end, FORMULA_REACH);
    let first = markers.partition_point(|&m| m < from);
    markers.get(first).is_some_and(|&m| m < to)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    /// The bounded scans decide exactly as the sentence window does.
    #[test]
    fn formula_scans_equal_the_sentence_window(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "erp", "crm", "x", "y", "salary range", "paid time off", ".", ";", "!",
                "\u{2022}", "\n", "e.g.", "a;b",
            ]),
            0..40,
        ),
    ) {
        let text = words.join(" ");
        let norm = NormText::new(&text);
        let lex = Lexicon::from_toml(
            "axes = [{ name = \"a\", cio = \"x\", cto = \"y\" }]\nterms = [\n\
             { axis = \"a\", pole = \"cio\", term = \"erp\" },\n\
             { axis = \"a\", pole = \"cio\", term = \"crm\" },\n]\n",
            "t",
        )
        .unwrap();
        let hits = Matcher::new(&lex).unwrap().find(&norm);
        let mut markers: Vec<usize> =
            marker_automaton().find_iter(norm.as_str()).map(|m| m.start()).collect();
        markers.sort_unstable();
        proptest::prop_assume!(!markers.is_empty() && !hits.is_empty());
        for hit in &hits {
            let line = norm.line_of(hit.start);
            proptest::prop_assert_eq!(
                formula_in_sentence(norm.as_str(), &norm, line, hit, &markers),
                formula_in_sentence_reference(norm.as_str(), &norm, line, hit, &markers),
                "{:?} at {}", text, hit.start
            );
        }
    }
}

#[test]
fn formulas_work_per_sentence_not_per_line() {
    // One flattened line: only the sentences with a formula are boilerplate.
    let text = "You will run the ERP and the CRM. We offer paid time off; the ERP \
                    budget is yours. Acme is an Equal Opportunity Employer \u{2022} ERP \
                    migrations are the job! Salary range: fair, and the CRM";
    let got: Vec<(String, Status)> = statuses(&["erp", "crm"], text);
    let want = [
        ("erp", Counted),
        ("crm", Counted),
        ("erp", Counted),
        ("erp", Counted),
        ("crm", Boilerplate),
    ];
    let want: Vec<(String, Status)> = want.iter().map(|(t, s)| (t.to_string(), *s)).collect();
    assert_eq!(got, want);
    // The same text with a line break before the last sentence: same statuses.
    let broken = text.replace("! ", "!\n");
    assert_eq!(statuses(&["erp", "crm"], &broken), want);
    // A formula in a sentence of its own leaves the line's other hits alone.
    let text = "Run the ERP. We are an equal opportunity employer. Own the CRM.";
    assert_eq!(
        statuses(&["erp", "crm"], text),
        [("erp".to_string(), Counted), ("crm".to_string(), Counted)]
    );
    let text = "Run the ERP, as an equal opportunity employer would.";
    assert_eq!(statuses(&["erp"], text), [("erp".to_string(), Boilerplate)]);
}

/// The line-by-line implementation of the sections, kept as the oracle.
fn boilerplate_lines_reference(raw: &str) -> Vec<bool> {
    let mut in_section = false;
    raw.split('\n')
        .map(|line| {
            let line = heading_text(line.trim());
            if !line.is_empty() && is_heading(line) {
                let lower = line.to_lowercase();
                if is_boiler_heading(&lower) {
                    in_section = true;
                } else if !in_section || is_strong_heading(line, &lower) {
                    in_section = false;
                }
            }
            in_section
        })
        .collect()
}

const LINES: [&str; 22] = [
    "## About Acme",
    "**Benefits**",
    "__What you'll do:__",
    "### **Perks**:",
    "**Run the ERP** and more",
    "#1 priority",
    "About us",
    "About Acme Health",
    "Benefits:",
    "RESPONSIBILITIES",
    "The role",
    "- Paid Time Off and medical, dental",
    "We are an Equal Opportunity Employer.",
    "Run the ERP, the CRM and the service desk.",
    "  ",
    "",
    "Salary range: $90k to $120k, with a base salary review.",
    "ΣΥΝΟΨΗ",
    "Über uns",
    "- 401(k) plan",
    "Requirements",
    "We never ask about gender identity or protected veteran status, ever.",
];

proptest::proptest! {
    #[test]
    fn boilerplate_lines_equal_the_line_by_line_reference(
        picks in proptest::collection::vec(0..LINES.len(), 0..24),
        noise in "(?s).{0,120}",
    ) {
        let mut text: Vec<&str> = picks.iter().map(|&i| LINES[i]).collect();
        text.push(&noise);
        let text = text.join("\n");
        proptest::prop_assert_eq!(boilerplate_lines(&text), boilerplate_lines_reference(&text));
    }

    /// The markers miss no line the per-line search finds a formula on,
    /// whatever the case, the surroundings and the text around them.
    #[test]
    fn formula_lines_all_have_markers(
        parts in proptest::collection::vec(
            (0..BOILER_LINES.len(), proptest::collection::vec(proptest::bool::ANY, 30), "(?s).{0,12}"),
            0..6,
        ),
        noise in "(?s)[ \\-\u{2013}\u{a0}\u{ad}\n\t.,a-zA-Z0-9\u{130}\u{212a}\u{3a3}]{0,40}",
    ) {
        let mut text = noise.clone();
        for (i, upper, around) in &parts {
            let formula: String = BOILER_LINES[*i]
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            text.push_str(around);
            text.push_str(&formula);
            text.push_str(&noise);
        }
        let marked = marker_lines(&text);
        for line in formula_lines(&text) {
            proptest::prop_assert!(marked.contains(&line), "line {line} of {text:?}");
        }
    }
}

#[test]
fn lower_casing_matches_str_to_lowercase() {
    let mut out = String::from("stale");
    for line in ["About Us", "ÜBER UNS", "ΟΔΟΣ", "İstanbul Office", ""] {
        to_lower(line, &mut out);
        assert_eq!(out, line.to_lowercase(), "{line:?}");
    }
}

#[test]
fn apply_with_reuses_scratch_across_postings() {
    let lex = Lexicon::from_toml(
            "axes = [{ name = \"a\", cio = \"x\", cto = \"y\" }]\nterms = [{ axis = \"a\", pole = \"cio\", term = \"erp\" }]\n",
            "t",
        )
        .unwrap();
    let matcher = Matcher::new(&lex).unwrap();
    let mut scratch = ScopeScratch::default();
    let texts = [
        "Benefits\n- ERP training\n- Dental\nRequirements\n- ERP",
        "ERP owner",
        "About Acme\nAcme sells ERP.\n\nThe role\nNo ERP needed.\nRun the ERP.",
    ];
    for text in texts {
        let norm = NormText::new(text);
        let mut fresh = matcher.find(&norm);
        let mut reused = fresh.clone();
        apply(text, &norm, &mut fresh, ScopeOptions::default());
        apply_with(
            text,
            &norm,
            &mut reused,
            ScopeOptions::default(),
            &mut scratch,
            None,
        );
        assert_eq!(fresh, reused, "{text}");
    }
}

#[test]
fn headings_are_short_unbulleted_lines() {
    assert!(is_heading("What we offer"));
    assert!(is_heading("ABOUT RAMP"));
    assert!(!is_heading("- Benefits"));
    assert!(!is_heading(
        "We offer great benefits to everyone who joins us here today."
    ));
    assert!(is_boiler_heading("about ramp"));
    assert!(!is_boiler_heading("about the role:"));
    assert!(!is_boiler_heading("responsibilities"));
    assert!(is_boiler_heading("salary range:"));
    assert!(!is_boiler_heading("salary range: $195,000 - $235,000"));
}

#[test]
fn options_turn_scopes_off() {
    let text = "Benefits\nNo ERP needed";
    let norm = NormText::new(text);
    let mut hits = vec![Hit {
        start: norm.as_str().find("erp").unwrap(),
        end: norm.as_str().find("erp").unwrap() + 3,
        term: 0,
        status: Status::Counted,
    }];
    let off = ScopeOptions {
        negation: false,
        boilerplate: false,
    };
    apply(text, &norm, &mut hits, off);
    assert_eq!(hits[0].status, Counted);
    apply(text, &norm, &mut hits, ScopeOptions::default());
    assert_eq!(hits[0].status, Boilerplate);
    let negation_only = ScopeOptions {
        negation: true,
        boilerplate: false,
    };
    apply(text, &norm, &mut hits, negation_only);
    assert_eq!(hits[0].status, Negated);
}

/// Markdown headings read as the plain lines they mark, and give the sections
/// the plain text gives.
#[test]
fn markdown_marks_headings() {
    let cases = [
        ("## About Acme", "About Acme"),
        ("# Benefits ##", "Benefits"),
        ("**About Acme**", "About Acme"),
        ("**About Acme:**", "About Acme:"),
        ("**About Acme**:", "About Acme"),
        ("__Perks__", "Perks"),
        ("### **What we offer**", "What we offer"),
        ("#1 priority is uptime", "#1 priority is uptime"),
        ("#######  Seven", "#######  Seven"),
        ("**Run the ERP** and the CRM", "**Run the ERP** and the CRM"),
        ("**a** and **b**", "**a** and **b**"),
        ("****", "****"),
        ("****About NCR****", "About NCR"),
        ("***Perks***:", "Perks"),
        ("**Bold*", "**Bold*"),
        ("About Acme", "About Acme"),
    ];
    for (line, want) in cases {
        assert_eq!(heading_text(line), want, "{line}");
    }
    let plain =
        "Run the ERP\nAbout Acme\nWe ship apps\nOur values\nGrit\nWhat you'll do\nOwn the CRM";
    let marked = "Run the ERP\n## About Acme\nWe ship apps\n**Our values**\nGrit\n### What you'll do\nOwn the CRM";
    let want = [false, true, true, true, true, false, false];
    assert_eq!(boilerplate_lines(plain), want);
    assert_eq!(boilerplate_lines(marked), want);
}
