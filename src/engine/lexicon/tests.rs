use super::*;

const AXES: &str = r#"
axes = [
  { name = "focus", cio = "inward", cto = "outward" },
]
"#;

fn load(terms: &str) -> Result<Lexicon, LexiconError> {
    Lexicon::from_toml(&format!("{AXES}terms = [\n{terms}\n]\n"), "t.toml")
}

fn problems(terms: &str) -> Vec<Problem> {
    match load(terms) {
        Err(LexiconError::Invalid { problems, .. }) => problems,
        other => panic!("expected invalid lexicon, got {other:?}"),
    }
}

#[test]
fn embedded_default_is_valid() {
    let lex = Lexicon::embedded().unwrap();
    assert!(
        lex.terms.len() >= 150,
        "only {} terms in the default lexicon",
        lex.terms.len()
    );
    let want = [
        ("focus", "inward", "outward"),
        ("financial", "bottom_line", "top_line"),
        ("domain", "infrastructure", "product"),
        ("stakeholders", "internal", "external"),
        ("horizon", "operations", "innovation"),
        ("metrics", "reliability_cost", "growth_speed"),
        ("background", "it_management", "engineering"),
        ("leadership", "steward", "builder"),
        ("systems", "enterprise", "product_tech"),
        ("challenges", "integration_compliance", "market_tech_debt"),
    ];
    let got: Vec<(&str, &str, &str)> = lex
        .axes
        .iter()
        .map(|a| (a.name.as_str(), a.cio.as_str(), a.cto.as_str()))
        .collect();
    assert_eq!(got, want, "the default lexicon's axes");
    for (i, axis) in lex.axes.iter().enumerate() {
        for pole in [Pole::Cio, Pole::Cto] {
            assert!(
                lex.terms.iter().any(|t| t.axis == i && t.pole == pole),
                "axis {} has no {} entry",
                axis.name,
                pole.as_str()
            );
        }
    }
    for t in &lex.terms {
        for seed in &t.seeds {
            assert!(
                SEEDS.contains(&seed.as_str()),
                "line {}: {} cites unknown seed {seed}",
                t.line,
                t.name
            );
        }
    }
}

#[test]
fn parses_literals_wildcards_variants_and_regex() {
    let lex = load(
            r#"{ axis = "focus", pole = "cio", term = "Internal  Systems", variants = ["in-house systems"] },
{ axis = "focus", pole = "cto", term = "manag*", weight = 2 },
{ axis = "focus", pole = "cto", regex = 'b2[bc]' },"#,
        )
        .unwrap();
    assert_eq!(
        lex.terms[0].patterns,
        vec![
            Pattern::Literal("internal systems".into()),
            Pattern::Literal("in house systems".into())
        ]
    );
    assert_eq!(lex.terms[1].patterns, vec![Pattern::Prefix("manag".into())]);
    assert_eq!(lex.terms[2].name, "re:b2[bc]");
    let named = load(r#"{ axis = "focus", pole = "cto", regex = 'b2[bc]', name = "b2b or b2c" },"#)
        .unwrap();
    assert_eq!(named.terms[0].name, "b2b or b2c");
    assert!(load(r#"{ axis = "focus", pole = "cto", term = "x", name = " " },"#).is_err());
    assert_eq!(lex.terms[1].line, 7);
}

#[test]
fn reports_every_problem_with_its_line() {
    let got = problems(
        r#"{ axis = "focus", pole = "cio", term = "" },
{ axis = "nope", pole = "cio", term = "erp" },
{ axis = "focus", pole = "ceo", term = "crm" },
{ axis = "focus", pole = "cto", regex = "(unclosed" },
{ axis = "focus", pole = "cto", term = "x", weight = -1 },
{ axis = "focus", pole = "cto", term = "y", colour = "red" },
{ axis = "focus", pole = "cto", term = "a*b" },"#,
    );
    let lines: Vec<usize> = got.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![6, 7, 8, 9, 10, 11, 12], "{got:#?}");
    assert!(got[0].message.contains("empty term"));
    assert!(got[1].message.contains("unknown axis \"nope\""));
    assert!(got[2].message.contains("unknown pole \"ceo\""));
    assert!(got[3].message.contains("invalid regex"));
    assert!(got[4].message.contains("weight must be > 0"));
    assert!(got[5].message.contains("unknown field `colour`"));
    assert!(got[6].message.contains("only allowed at the end"));
}

/// Issue 16: a term of 10,000 words took minutes to build.
#[test]
fn terms_are_bounded_in_words_and_bytes() {
    let words = vec!["it"; MAX_TERM_WORDS + 1].join(" ");
    let bytes = "x".repeat(MAX_TERM_BYTES + 1);
    let got = problems(&format!(
        r#"{{ axis = "focus", pole = "cio", term = "{words}" }},
{{ axis = "focus", pole = "cio", term = "ok", variants = ["{bytes}"] }},"#
    ));
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].message.contains("term too long (33 words"),
        "{got:?}"
    );
    assert!(got[1].message.contains("variant"), "{got:?}");
    assert!(got[1].message.contains("at most 32 words and 256 bytes"));
    let longest = vec!["it"; MAX_TERM_WORDS].join(" ");
    assert!(load(&format!(
        r#"{{ axis = "focus", pole = "cio", term = "{longest}" }},"#
    ))
    .is_ok());
}

/// Issue 16: a term of only punctuation matched inside words ("r&d" hit `&`).
#[test]
fn terms_of_only_punctuation_are_refused() {
    let got = problems(
        r#"{ axis = "focus", pole = "cio", term = "&" },
{ axis = "focus", pole = "cio", term = "r&d", variants = ["++", "c++"] },
{ axis = "focus", pole = "cio", term = "/*" },
{ axis = "focus", pole = "cio", term = "network+" },"#,
    );
    let got: Vec<(usize, &str)> = got.iter().map(|p| (p.line, p.message.as_str())).collect();
    let why = "a term needs a letter or digit (one of only punctuation matches inside words)";
    let variant = format!("variant \"++\": {why}");
    assert_eq!(got, [(6, why), (7, variant.as_str()), (8, why)]);
}

/// Issue 16: `--lexicon /dev/zero` was read until memory ran out.
#[cfg(unix)]
#[test]
fn lexicon_reads_are_capped() {
    let err = Lexicon::from_path(Path::new("/dev/zero")).unwrap_err();
    assert!(matches!(err, LexiconError::TooLarge { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "/dev/zero: cannot read lexicon: larger than 16 MiB"
    );
    // A read error's cause is its source, said once by whoever prints the chain.
    let err = Lexicon::from_path(Path::new("/nonexistent/lexicon.toml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/nonexistent/lexicon.toml: cannot read lexicon"
    );
    assert!(std::error::Error::source(&err).is_some());
}

/// Issue 16: a weight of 1e308 passed, then gave postings a `null` score.
#[test]
fn weights_are_bounded() {
    let got = problems(
        r#"{ axis = "focus", pole = "cto", term = "x", weight = 1e308 },
{ axis = "focus", pole = "cto", term = "y", weight = 1000.5 },
{ axis = "focus", pole = "cto", term = "z", weight = nan },"#,
    );
    assert_eq!(got.len(), 3, "{got:#?}");
    for p in &got {
        assert!(p.message.contains("at most 1000"), "{p:?}");
    }
    assert!(load(r#"{ axis = "focus", pole = "cto", term = "x", weight = 1000 },"#).is_ok());
    let axis = AXES.replace("cto = \"outward\"", "cto = \"outward\", weight = 1e300");
    let text =
        format!("{axis}terms = [\n{{ axis = \"focus\", pole = \"cto\", term = \"x\" }},\n]\n");
    match Lexicon::from_toml(&text, "t.toml") {
        Err(LexiconError::Invalid { problems, .. }) => {
            assert!(problems[0].message.contains("at most 1000"), "{problems:?}")
        }
        other => panic!("expected invalid lexicon, got {other:?}"),
    }
}

#[test]
fn a_regex_that_can_match_nothing_is_refused() {
    for re in ["a*", "(x|)", "\\b", "^$"] {
        let got = problems(&format!(
            "{{ axis = \"focus\", pole = \"cto\", regex = '{re}' }},"
        ));
        assert!(
            got.iter()
                .any(|p| p.message.contains("matches the empty string")),
            "{re}: {got:#?}"
        );
    }
    assert!(load(r#"{ axis = "focus", pole = "cto", regex = 'b2[bc]s?' },"#).is_ok());
}

#[test]
fn line_of_counts_the_newlines_before_an_offset() {
    let text = "a\nbb\n\nccc\n";
    let check = Check::new(text);
    for offset in 0..text.len() + 3 {
        let end = offset.min(text.len());
        let want = text[..end].matches('\n').count() + 1;
        assert_eq!(check.line_of(offset), want, "offset {offset}");
    }
    assert_eq!(Check::new("").line_of(5), 1);
}

#[test]
fn syntax_error_names_the_line() {
    let err = Lexicon::from_toml("name = \"x\"\naxes = [\n{ name = }\n]", "bad.toml");
    let msg = err.unwrap_err().to_string();
    assert!(
        msg.starts_with("bad.toml: invalid lexicon (1 problem)"),
        "{msg}"
    );
    assert!(msg.contains("bad.toml:3: TOML syntax"), "{msg}");
}

#[test]
fn bad_thresholds_are_refused() {
    let text = format!(
        "{AXES}terms = [{{ axis = \"focus\", pole = \"cio\", term = \"erp\" }}]\n\
             [thresholds]\nblend_margin = 1.5\nmin_evidence = -2\nblend_floor = 3\n"
    );
    match Lexicon::from_toml(&text, "t") {
        Err(LexiconError::Invalid { problems, .. }) => assert_eq!(problems.len(), 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hash_changes_with_content() {
    let a = load(r#"{ axis = "focus", pole = "cio", term = "erp" },"#).unwrap();
    let b = load(r#"{ axis = "focus", pole = "cio", term = "crm" },"#).unwrap();
    assert_ne!(a.hash, b.hash);
    assert!(a.hash.starts_with("sha256:") && a.hash.len() == 7 + 64);
}

/// The seed documents in `../shared/seeds/` that entries may cite.
const SEEDS: [&str; 5] = [
    "000_6f38f61e8d89252a.txt",
    "001_985250ed698d9cb9.txt",
    "002_715fd39752cf0b37.txt",
    "003_691745ea8a3de415.txt",
    "004_d1a61a36f8d2bee3.txt",
];

/// Sort key of one entry line: (axis, pole, term or regex).
fn entry_key(line: &str) -> (String, String, String) {
    let v: toml::Value = toml::from_str(&format!("e = {}", line.trim().trim_end_matches(',')))
        .unwrap_or_else(|e| panic!("entry is not one inline table on one line: {line}\n{e}"));
    let get = |k: &str| {
        v["e"]
            .get(k)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string()
    };
    let text = if v["e"].get("regex").is_some() {
        get("regex")
    } else {
        get("term")
    };
    (get("axis"), get("pole"), text)
}

/// The `terms = [...]` entry lines of a lexicon file, and the file with them sorted.
fn canonical(text: &str) -> (Vec<&str>, String) {
    let start = text.find("\nterms = [\n").expect("terms block") + "\nterms = [\n".len();
    let end = start + text[start..].find("\n]").expect("end of terms");
    let lines: Vec<&str> = text[start..end]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| entry_key(l));
    let rebuilt = format!("{}{}{}", &text[..start], sorted.join("\n"), &text[end..]);
    (lines, rebuilt)
}

/// Lexicon hygiene: every shipped lexicon is in canonical form (one entry a line,
/// sorted by axis, pole and term) and cites only real seeds; that it has no
/// duplicates is `shipped_lexicons_have_no_duplicates` in `analysis::lint`.
/// `ROLETAG_BLESS=1 cargo test` rewrites the files into canonical order.
#[test]
fn shipped_lexicons_are_canonical() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicon");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (lines, rebuilt) = canonical(&text);
        if rebuilt != text && std::env::var_os("ROLETAG_BLESS").is_some() {
            std::fs::write(&path, &rebuilt).unwrap();
            continue;
        }
        let lex = Lexicon::from_toml(&text, &path.display().to_string()).unwrap();
        assert_eq!(
            lines.len(),
            lex.terms.len(),
            "{}: one entry per line",
            path.display()
        );
        let want: Vec<&str> = rebuilt[text.find("\nterms = [\n").unwrap()..]
            .lines()
            .collect();
        let got: Vec<&str> = text[text.find("\nterms = [\n").unwrap()..]
            .lines()
            .collect();
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(
                g,
                w,
                "{}: entries out of order near entry {i} \
                    (run `ROLETAG_BLESS=1 cargo test shipped_lexicons` to sort)",
                path.display()
            );
        }
        for t in &lex.terms {
            for seed in &t.seeds {
                assert!(
                    SEEDS.contains(&seed.as_str()),
                    "line {}: unknown seed {seed}",
                    t.line
                );
            }
        }
    }
}

/// What loading `text` gives, as text: the lexicon, or every problem.
fn loaded(text: &str, read: Read) -> String {
    match Lexicon::from_toml_read(text, "t.toml", read) {
        Ok(lex) => format!("{lex:?}"),
        Err(e) => format!("{e:?}"),
    }
}

/// Reading a lexicon typed in one pass gives what reading it entry by entry
/// does, lexicon or problems, byte for byte: on the shipped lexicons, and on
/// every one-line change of the test lexicons (a line dropped or doubled, a
/// value of the wrong type, an unknown key, a number as an integer).
#[test]
fn typed_reading_matches_reading_entry_by_entry() {
    let fixtures = ["mini.toml", "conflicts.toml", "broken.toml", "syntax.toml"]
        .map(|f| std::fs::read_to_string(format!("tests/fixtures/lexicons/{f}")).unwrap());
    let mut texts = vec![DEFAULT_LEXICON.to_string()];
    for text in &fixtures {
        texts.push(text.clone());
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            let with = |line: String| {
                let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                changed[i] = line;
                changed.join("\n")
            };
            let line = lines[i];
            texts.push(with(String::new()));
            texts.push(with(format!("{line}\n{line}")));
            texts.push(with(line.replacen("weight = 2.0", "weight = \"2\"", 1)));
            texts.push(with(line.replacen("weight = 2.0", "weight = 2", 1)));
            texts.push(with(line.replacen("pole = \"cio\"", "pole = 1", 1)));
            texts.push(with(line.replacen("{ axis", "{ bogus = 1, axis", 1)));
            texts.push(with(line.replacen("{ name", "{ bogus = true, name", 1)));
            texts.push(with(line.replacen("term = \"erp\"", "term = [\"erp\"]", 1)));
            texts.push(with(line.replacen("blend_margin", "blend_margins", 1)));
        }
    }
    let mut typed_ok = 0;
    for text in &texts {
        let typed = loaded(text, Read::TypedFirst);
        assert_eq!(typed, loaded(text, Read::Entrywise), "{text}");
        typed_ok += usize::from(!typed.starts_with("Invalid"));
    }
    // Both kinds were compared: lexicons that load, and ones that do not.
    assert!(
        typed_ok > 20 && typed_ok + 20 < texts.len(),
        "{typed_ok} of {}",
        texts.len()
    );
}

/// The regexes of the embedded lexicon each compile within the regex crate's
/// limits, which is why a matcher may leave them until a posting needs them
/// ([`is_embedded_regex`]).
#[test]
fn embedded_regexes_compile() {
    let lex = Lexicon::embedded().unwrap();
    let regexes: Vec<&str> = lex.regexes().collect();
    assert!(regexes.len() >= 5, "{regexes:?}");
    for re in regexes {
        assert!(regex::Regex::new(re).is_ok(), "{re}");
        assert!(is_embedded_regex(re), "{re}");
    }
    assert!(!is_embedded_regex(r"\w{500}\w{500}"));
}
