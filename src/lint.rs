//! Lints for lexicons: what is legal but probably a mistake.
//!
//! Input is a validated [`Lexicon`] and its [`Matcher`]; output is a list of
//! [`Lint`]s, each naming the entry's line. Checks: the same pattern on both
//! poles, duplicates, entries that can never match because another entry
//! always wins on their own text, and wildcards that also cover other entries.
//! Lints never stop a lexicon from loading; `roletag lexicon check` shows them.

use std::collections::BTreeMap;

use crate::lexicon::{Lexicon, Pattern, TermId};
use crate::matcher::Matcher;
use crate::normalize::{is_word_char, NormText};

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
fn wildcards(lexicon: &Lexicon, out: &mut Vec<Lint>) {
    for (wid, w) in lexicon.terms.iter().enumerate() {
        for stem in w.patterns.iter().filter_map(|p| match p {
            Pattern::Prefix(s) => Some(s),
            _ => None,
        }) {
            for (oid, o) in lexicon.terms.iter().enumerate().filter(|(i, _)| *i != wid) {
                for p in &o.patterns {
                    let (Pattern::Literal(s) | Pattern::Prefix(s)) = p else {
                        continue;
                    };
                    let covered = p != &Pattern::Prefix(stem.clone())
                        && s.starts_with(stem.as_str())
                        && s[stem.len()..].chars().all(is_word_char);
                    if covered {
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
    }
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
}
