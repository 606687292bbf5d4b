//! Lints for lexicons: what is legal but probably a mistake.
//!
//! Input is a validated [`Lexicon`] and its [`Matcher`]; output is a list of
//! [`Lint`]s, each naming the entry's line. Checks: the same pattern on both
//! poles, duplicates, entries that can never match because another entry
//! always wins on their own text, and wildcards that also cover other entries.
//! Lints never stop a lexicon from loading; `roletag lexicon check` shows them.

use std::collections::BTreeMap;

use crate::engine::lexicon::{Lexicon, Pattern, TermId};
use crate::engine::matcher::Matcher;
use crate::engine::normalize::{is_word_char, NormText};

/// One suspicious entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lint {
    /// 1-based line of the entry.
    pub line: usize,
    /// The entry's name.
    pub term: String,
    /// What looks wrong.
    pub message: String,
}

/// Every lint for `lexicon`, in line order.
pub fn lint(lexicon: &Lexicon, matcher: &Matcher) -> Vec<Lint> {
    let mut out = Vec::new();
    duplicates(lexicon, &mut out);
    never_matches(lexicon, matcher, &mut out);
    wildcards(lexicon, &mut out);
    out.sort();
    out.dedup();
    out
}

fn describe(lexicon: &Lexicon, id: TermId) -> String {
    let t = &lexicon.terms[id];
    format!(
        "line {} ({}, {})",
        t.line,
        lexicon.axes[t.axis].name,
        t.pole.as_str()
    )
}

fn push(out: &mut Vec<Lint>, lexicon: &Lexicon, id: TermId, message: String) {
    let t = &lexicon.terms[id];
    out.push(Lint {
        line: t.line,
        term: t.name.clone(),
        message,
    });
}

/// The same pattern in two entries: on both poles, or a plain duplicate.
fn duplicates(lexicon: &Lexicon, out: &mut Vec<Lint>) {
    let mut by_pattern: BTreeMap<&Pattern, Vec<TermId>> = BTreeMap::new();
    for (id, t) in lexicon.terms.iter().enumerate() {
        for p in &t.patterns {
            let ids = by_pattern.entry(p).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    for (pattern, ids) in by_pattern.iter().filter(|(_, ids)| ids.len() > 1) {
        let first = ids[0];
        for &other in &ids[1..] {
            let shown = pattern.display();
            let msg = if lexicon.terms[first].pole != lexicon.terms[other].pole {
                format!(
                    "`{shown}` is on both poles: also {}; only the first entry ever counts",
                    describe(lexicon, first)
                )
            } else {
                format!(
                    "duplicate `{shown}`: already at {}; this entry never counts",
                    describe(lexicon, first)
                )
            };
            push(out, lexicon, other, msg);
        }
    }
}

/// An entry whose own text is always won by another entry can never match.
fn never_matches(lexicon: &Lexicon, matcher: &Matcher, out: &mut Vec<Lint>) {
    for (id, t) in lexicon.terms.iter().enumerate() {
        for p in &t.patterns {
            // A wildcard is tested on one of its longer forms too: a literal
            // equal to its stem wins on the stem alone but not on the rest.
            let text = match p {
                Pattern::Literal(s) => s.clone(),
                Pattern::Prefix(s) => format!("{s}x"),
                Pattern::Regex(_) => continue,
            };
            let hits = matcher.find(&NormText::new(&text));
            let Some(first) = hits.first() else { continue };
            if first.term != id && first.start == 0 && first.end >= text.len() {
                let same = lexicon.terms[first.term].patterns.contains(p);
                if !same {
                    let msg = format!(
                        "`{}` can never match: `{}` at {} always wins on the same text",
                        p.display(),
                        lexicon.terms[first.term].name,
                        describe(lexicon, first.term)
                    );
                    push(out, lexicon, id, msg);
                }
            }
        }
    }
}

/// A wildcard whose stem also starts another entry's last word covers that entry too.
///
/// Near-linear: every literal and wildcard pattern is keyed by (its text before the
/// last word, its last word) and sorted once; a stem `H w` covers exactly the keys
/// `(H, w...)`, a contiguous run found by binary search. So the cost is
/// O((P + W) log P) plus one step per lint, for P patterns and W wildcards, where
/// comparing every wildcard with every pattern was O(P x W).
fn wildcards(lexicon: &Lexicon, out: &mut Vec<Lint>) {
    // (head, last word, is a wildcard, term, pattern); literals before wildcards.
    let mut keys: Vec<(&str, &str, bool, TermId, &Pattern)> = Vec::new();
    for (id, t) in lexicon.terms.iter().enumerate() {
        for p in &t.patterns {
            let (s, wild) = match p {
                Pattern::Literal(s) => (s, false),
                Pattern::Prefix(s) => (s, true),
                Pattern::Regex(_) => continue,
            };
            let (head, last) = split_last_word(s);
            keys.push((head, last, wild, id, p));
        }
    }
    keys.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
    for (wid, w) in lexicon.terms.iter().enumerate() {
        for stem in w.patterns.iter().filter_map(|p| match p {
            Pattern::Prefix(s) => Some(s),
            _ => None,
        }) {
            let (head, last) = split_last_word(stem);
            let mut i = keys.partition_point(|k| (k.0, k.1) < (head, last));
            while let Some(&(h, l, wild, oid, p)) = keys.get(i) {
                if h != head || !l.starts_with(last) {
                    break;
                }
                if wild && l == last {
                    // The same wildcard again (the duplicates lint names it): skip
                    // the whole run at once, so many copies stay linear.
                    i = keys.partition_point(|k| (k.0, k.1, k.2) <= (head, last, true));
                    continue;
                }
                i += 1;
                if oid == wid {
                    continue;
                }
                let o = &lexicon.terms[oid];
                let side = if o.pole == w.pole {
                    ""
                } else {
                    " on the other pole"
                };
                let msg = format!(
                    "wildcard `{stem}*` also matches `{}`{side}, {}; that entry wins where it matches, the wildcard takes its other forms",
                    p.display(),
                    describe(lexicon, oid)
                );
                push(out, lexicon, wid, msg);
            }
        }
    }
}

/// `s` split before its last word (the trailing run of word characters).
fn split_last_word(s: &str) -> (&str, &str) {
    let cut = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(s.len(), |(i, _)| i);
    s.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lints(terms: &str) -> Vec<Lint> {
        let text = format!(
            "axes = [{{ name = \"a\", cio = \"in\", cto = \"out\" }}, {{ name = \"b\", cio = \"x\", cto = \"y\" }}]\nterms = [\n{terms}\n]\n"
        );
        let lex = Lexicon::from_toml(&text, "t").unwrap();
        lint(&lex, &Matcher::new(&lex).unwrap())
    }

    #[test]
    fn clean_lexicon_has_no_lints() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "erp" },
{ axis = "a", pole = "cto", term = "product roadmap" },"#,
        );
        assert_eq!(got, vec![]);
    }

    #[test]
    fn same_term_on_both_poles() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "platform" },
{ axis = "b", pole = "cto", term = "Platform" },"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].line, 4);
        assert!(got[0].message.contains("both poles"), "{}", got[0].message);
    }

    #[test]
    fn duplicate_on_same_pole() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "erp" },
{ axis = "a", pole = "cio", term = "crm", variants = ["erp"] },"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].message.starts_with("duplicate `erp`"));
    }

    #[test]
    fn regex_that_always_wins_shadows_a_literal() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "it budgets" },
{ axis = "a", pole = "cio", regex = 'it budgets?( planning)?' },"#,
        );
        // The regex wins on length only when it is longer; on the bare text they tie and the literal wins.
        assert_eq!(got, vec![]);
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "it budget" },
{ axis = "a", pole = "cio", term = "it budget*" },"#,
        );
        // The literal wins ties, so the wildcard still matches its other forms: a wildcard lint, no shadow.
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0]
            .message
            .contains("wildcard `it budget*` also matches `it budget`"));
    }

    #[test]
    fn earlier_wildcard_on_same_text_shadows_later_one() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "vendor*" },
{ axis = "a", pole = "cto", term = "vendor*" },"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].message.contains("both poles"));
    }

    #[test]
    fn wildcard_swallowing_other_pole() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "manag*" },
{ axis = "a", pole = "cto", term = "management consulting" },
{ axis = "a", pole = "cto", term = "managers" },"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].line, 3);
        assert!(got[0].message.contains("`managers` on the other pole"));
    }

    #[test]
    fn wildcard_behind_an_earlier_shorter_wildcard_never_matches() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", term = "hel*" },
{ axis = "b", pole = "cio", term = "help*" },"#,
        );
        let never: Vec<&Lint> = got
            .iter()
            .filter(|l| l.message.contains("never match"))
            .collect();
        assert_eq!(never.len(), 1, "{got:?}");
        assert_eq!(never[0].line, 4);
        assert!(
            never[0].message.contains("`hel*` at line 3"),
            "{}",
            never[0].message
        );
    }

    #[test]
    fn literal_tied_with_regex_still_matches() {
        let got = lints(
            r#"{ axis = "a", pole = "cio", regex = 'help des\w*' },
{ axis = "b", pole = "cto", term = "help desk" },"#,
        );
        assert_eq!(got, vec![], "ties go to the literal");
    }

    /// The wildcard lint against the definition it replaced (every wildcard against
    /// every pattern), on a small lexicon with every kind of near miss.
    #[test]
    fn wildcard_lint_equals_the_pairwise_definition() {
        let terms = [
            "data cent*",
            "data centre",
            "data centres",
            "data  center",
            "big data cent*",
            "data cent*",
            "cent*",
            "centre",
            "c++*",
            "c++",
            "c++x",
            "c++ x",
            "d\u{e9}v*",
            "d\u{e9}velopment",
            "data",
            "data c*",
            "data cat",
        ];
        let text: String = terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(
                    "{{ axis = \"a\", pole = \"{}\", term = \"{t}\" }},\n",
                    ["cio", "cto"][i % 2]
                )
            })
            .collect();
        let lex = Lexicon::from_toml(
            &format!(
                "axes = [{{ name = \"a\", cio = \"in\", cto = \"out\" }}]\nterms = [\n{text}]\n"
            ),
            "t",
        )
        .unwrap();
        let mut got = Vec::new();
        wildcards(&lex, &mut got);
        let mut want = Vec::new();
        for (wid, w) in lex.terms.iter().enumerate() {
            let Pattern::Prefix(stem) = &w.patterns[0] else {
                continue;
            };
            for (_, o) in lex.terms.iter().enumerate().filter(|(i, _)| *i != wid) {
                let (Pattern::Literal(s) | Pattern::Prefix(s)) = &o.patterns[0] else {
                    continue;
                };
                if o.patterns[0] != Pattern::Prefix(stem.clone())
                    && s.starts_with(stem.as_str())
                    && s[stem.len()..].chars().all(is_word_char)
                {
                    want.push((w.line, o.line));
                }
            }
        }
        let mut got: Vec<(usize, usize)> = got
            .iter()
            .map(|l| {
                let at = l.message.find("line ").unwrap() + 5;
                let line: String = l.message[at..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                (l.line, line.parse().unwrap())
            })
            .collect();
        got.sort();
        want.sort();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }

    /// Issue 16: the lint compared every wildcard with every pattern. 20,000
    /// wildcards and 20,000 literals were 400 million comparisons; now each
    /// wildcard is one binary search, so this runs at once. Behaviour asserted:
    /// each wildcard is reported for its one literal, nothing else.
    #[test]
    fn wildcard_lint_on_a_large_lexicon() {
        let n = 20_000;
        let mut text =
            String::from("axes = [{ name = \"a\", cio = \"in\", cto = \"out\" }]\nterms = [\n");
        for i in 0..n {
            text.push_str(&format!(
                "{{ axis = \"a\", pole = \"cio\", term = \"w{i}x*\" }},\n"
            ));
            text.push_str(&format!(
                "{{ axis = \"a\", pole = \"cto\", term = \"w{i}xyz\" }},\n"
            ));
        }
        // Many copies of one wildcard: the duplicates lint's business, and no
        // quadratic run here either.
        for _ in 0..2_000 {
            text.push_str("{ axis = \"a\", pole = \"cio\", term = \"same*\" },\n");
        }
        text.push_str("]\n");
        let lex = Lexicon::from_toml(&text, "t").unwrap();
        let mut got = Vec::new();
        wildcards(&lex, &mut got);
        assert_eq!(got.len(), n);
        assert!(got.iter().all(|l| l.message.contains("on the other pole")));
        assert!(got[7]
            .message
            .starts_with("wildcard `w7x*` also matches `w7xyz`"));
    }

    /// Lexicon hygiene (with `shipped_lexicons_are_canonical` in the lexicon's tests):
    /// no shipped lexicon has a duplicate or a term on both poles.
    #[test]
    fn shipped_lexicons_have_no_duplicates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicon");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lex = Lexicon::from_toml(&text, &path.display().to_string()).unwrap();
            let matcher = Matcher::new(&lex).unwrap();
            let dups: Vec<_> = lint(&lex, &matcher)
                .into_iter()
                .filter(|l| l.message.contains("duplicate") || l.message.contains("both poles"))
                .collect();
            assert!(dups.is_empty(), "{}: {dups:#?}", path.display());
            checked += 1;
        }
        assert!(checked > 0, "no lexicon in {}", dir.display());
    }
}
