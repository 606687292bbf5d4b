//! The lexicon: axes, terms and default thresholds, loaded from TOML and validated.
//!
//! Input is a TOML document (a file, or the default embedded at build time);
//! output is a validated [`Lexicon`] whose terms carry normalised patterns ready
//! for the matcher. Every problem in a file is collected and reported at once
//! ([`LexiconError`]), each with its line and entry. This module does not match
//! text and does not lint legal-but-suspicious entries (see `lint`).

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::engine::label::Thresholds;
use crate::engine::normalize::normalize_term;

/// The default lexicon shipped in `lexicon/default.toml`, embedded at build time.
pub const DEFAULT_LEXICON: &str = include_str!("../../lexicon/default.toml");

/// Index of a term in [`Lexicon::terms`].
pub type TermId = usize;

/// Which role a term is evidence for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pole {
    /// Inward-facing technology leadership (Chief Information Officer).
    Cio,
    /// Outward-facing technology leadership (Chief Technology Officer).
    Cto,
}

impl Pole {
    /// The pole's name as written in lexicons and reports: `cio` or `cto`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pole::Cio => "cio",
            Pole::Cto => "cto",
        }
    }
}

/// One dimension on which the two roles differ, such as inward vs outward focus.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Short snake_case name used in reports (`focus`).
    pub name: String,
    /// Name of the CIO pole (`inward`).
    pub cio: String,
    /// Name of the CTO pole (`outward`).
    pub cto: String,
    /// Multiplier applied to every term of this axis.
    pub weight: f64,
    /// One-line explanation for people.
    pub description: String,
}

/// How a term is matched against normalised text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    /// A whole-word literal (one word or a phrase), already normalised.
    Literal(String),
    /// A literal whose last word is a prefix (`manag*` is stored as `manag`).
    Prefix(String),
    /// A regular expression run on normalised text.
    Regex(String),
}

impl Pattern {
    /// The pattern as a user writes it in a lexicon (`manag*`, `re:...`).
    pub fn display(&self) -> String {
        match self {
            Pattern::Literal(s) => s.clone(),
            Pattern::Prefix(s) => format!("{s}*"),
            Pattern::Regex(s) => format!("re:{s}"),
        }
    }
}

/// One lexicon entry: a pattern (and its variants) that is evidence for a pole on an axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The name shown in reports: the entry's `name`, else the `term` as
    /// written, else `re:` and the regex.
    pub name: String,
    /// Index into [`Lexicon::axes`].
    pub axis: usize,
    /// Which role this term is evidence for.
    pub pole: Pole,
    /// Weight of one occurrence before the axis weight and repetition damping.
    pub weight: f64,
    /// The hand-set weight that `roletag calibrate` fitted `weight` from, and
    /// starts every fit from (`None`: `weight` was set by hand).
    pub prior: Option<f64>,
    /// Seed documents the term was drawn from (empty: everyday posting vocabulary).
    pub seeds: Vec<String>,
    /// The main pattern first, then the variants.
    pub patterns: Vec<Pattern>,
    /// 1-based line of the entry in its file.
    pub line: usize,
    /// A context term (customers, revenue, cost): it moves the score but is not
    /// evidence that the role does technology work, so it does not count toward
    /// `min_evidence`.
    pub context: bool,
}

/// A validated lexicon.
#[derive(Clone, Debug)]
pub struct Lexicon {
    /// Lexicon name (`roletag-default`).
    pub name: String,
    /// Lexicon version string, as written by its author.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Where it came from: a path, or `<embedded>`.
    pub source: String,
    /// `sha256:` and the hex digest of the file's bytes.
    pub hash: String,
    /// The axes, in file order.
    pub axes: Vec<Axis>,
    /// The terms, in file order; a [`TermId`] indexes this.
    pub terms: Vec<Term>,
    /// Default thresholds (overridable on the command line).
    pub thresholds: Thresholds,
}

/// One problem found in a lexicon file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line (0 when the problem has no position).
    pub line: usize,
    /// The entry concerned (`term "it budget"`, `axis "focus"`), or empty.
    pub entry: String,
    /// What is wrong.
    pub message: String,
}

/// A lexicon that could not be loaded, with every problem found in it.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file could not be read.
    #[error("{path}: cannot read lexicon")]
    Read {
        /// The lexicon path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_LEXICON_BYTES`] (`--lexicon /dev/zero`).
    #[error("{path}: cannot read lexicon: larger than {} MiB", MAX_LEXICON_BYTES >> 20)]
    TooLarge {
        /// The lexicon path.
        path: String,
    },
    /// The file was read but is invalid.
    #[error("{}", format_problems(path, problems))]
    Invalid {
        /// The lexicon path (or `<embedded>`).
        path: String,
        /// Every problem, in line order.
        problems: Vec<Problem>,
    },
}

fn format_problems(path: &str, problems: &[Problem]) -> String {
    let n = problems.len();
    let mut out = format!(
        "{path}: invalid lexicon ({n} problem{})",
        if n == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str(&format!("\n  {}", p.render(path)));
    }
    out
}

impl Problem {
    /// `path:line: entry: message`, leaving out what is unknown.
    pub fn render(&self, path: &str) -> String {
        let mut s = path.to_string();
        if self.line > 0 {
            s.push_str(&format!(":{}", self.line));
        }
        if !self.entry.is_empty() {
            s.push_str(&format!(": {}", self.entry));
        }
        format!("{s}: {}", self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    #[serde(default)]
    axes: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    terms: Vec<Spanned<toml::Value>>,
    thresholds: Option<RawThresholds>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    blend_margin: Option<f64>,
    min_evidence: Option<f64>,
    length_exponent: Option<f64>,
    min_terms: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxis {
    name: String,
    cio: String,
    cto: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    axis: String,
    pole: String,
    term: Option<String>,
    regex: Option<String>,
    #[serde(default = "one")]
    weight: f64,
    /// The hand-set weight a fitted `weight` came from (written by `calibrate`).
    prior: Option<f64>,
    #[serde(default)]
    seeds: Vec<String>,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    context: bool,
    /// The name shown in reports (default: the term, or `re:` and the regex).
    name: Option<String>,
    #[allow(dead_code)] // documentation for lexicon authors; not used in scoring
    note: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// Collects problems while a file is validated.
struct Check {
    /// Byte offset of every `\n` in the file, in order.
    newlines: Vec<usize>,
    problems: Vec<Problem>,
}

impl Check {
    fn new(text: &str) -> Check {
        Check {
            newlines: text.match_indices('\n').map(|(i, _)| i).collect(),
            problems: Vec::new(),
        }
    }

    /// The 1-based line of byte `offset`: a binary search, as every term asks for its line.
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }

    fn push(&mut self, offset: Option<usize>, entry: String, message: impl Into<String>) {
        let line = offset.map_or(0, |o| self.line_of(o));
        self.problems.push(Problem {
            line,
            entry,
            message: message.into(),
        });
    }
}

impl Lexicon {
    /// The default lexicon embedded in the binary.
    ///
    /// # Errors
    /// Only if the shipped file is invalid, which the test suite rules out.
    pub fn embedded() -> Result<Lexicon, LexiconError> {
        Lexicon::from_toml(DEFAULT_LEXICON, "<embedded>")
    }

    /// Reads and validates a lexicon file.
    ///
    /// # Errors
    /// [`LexiconError::Read`] if the file cannot be read as UTF-8,
    /// [`LexiconError::Invalid`] listing every problem otherwise.
    pub fn from_path(path: &Path) -> Result<Lexicon, LexiconError> {
        let text = Lexicon::read_text(path)?;
        Lexicon::from_toml(&text, &path.display().to_string())
    }

    /// Reads a lexicon file's text, at most [`MAX_LEXICON_BYTES`] of it.
    ///
    /// # Errors
    /// [`LexiconError::Read`] if it cannot be read as UTF-8,
    /// [`LexiconError::TooLarge`] past the cap (without reading further).
    pub fn read_text(path: &Path) -> Result<String, LexiconError> {
        use std::io::Read as _;
        let shown = || path.display().to_string();
        let read_error = |source| LexiconError::Read {
            path: shown(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_error)?;
        let mut text = String::new();
        file.take(MAX_LEXICON_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read_error)?;
        if text.len() as u64 > MAX_LEXICON_BYTES {
            return Err(LexiconError::TooLarge { path: shown() });
        }
        Ok(text)
    }

    /// Parses and validates lexicon TOML; `source` names it in messages.
    ///
    /// # Errors
    /// [`LexiconError::Invalid`] with every problem found, in line order.
    pub fn from_toml(text: &str, source: &str) -> Result<Lexicon, LexiconError> {
        let mut check = Check::new(text);
        let raw: RawFile = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let at = e.span().map(|s| s.start);
                check.push(at, String::new(), format!("TOML syntax: {}", e.message()));
                return Err(invalid(source, check.problems));
            }
        };
        let axes = validate_axes(&raw.axes, &mut check);
        let terms = validate_terms(&raw.terms, &axes, &mut check);
        let thresholds = validate_thresholds(raw.thresholds, &mut check);
        if !check.problems.is_empty() {
            return Err(invalid(source, check.problems));
        }
        Ok(Lexicon {
            name: raw.name.unwrap_or_else(|| "unnamed".to_string()),
            version: raw.version.unwrap_or_default(),
            description: raw.description.unwrap_or_default(),
            source: source.to_string(),
            hash: content_hash(text),
            axes,
            terms,
            thresholds,
        })
    }

    /// The index of the axis called `name`.
    pub fn axis_index(&self, name: &str) -> Option<usize> {
        self.axes.iter().position(|a| a.name == name)
    }

    /// Every literal string a plain substring search would need: literals,
    /// variants and wildcard stems, in lexicon order without repeats.
    pub fn literal_terms(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for p in self.terms.iter().flat_map(|t| &t.patterns) {
            if let Pattern::Literal(s) | Pattern::Prefix(s) = p {
                if seen.insert(s.clone()) {
                    out.push(s.clone());
                }
            }
        }
        out
    }
}

fn invalid(source: &str, mut problems: Vec<Problem>) -> LexiconError {
    problems.sort_by_key(|p| p.line);
    LexiconError::Invalid {
        path: source.to_string(),
        problems,
    }
}

fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn validate_axes(raw: &[Spanned<toml::Value>], check: &mut Check) -> Vec<Axis> {
    let mut axes: Vec<Axis> = Vec::new();
    if raw.is_empty() {
        check.push(None, String::new(), "no axes defined (`axes = [...]`)");
    }
    for item in raw {
        let at = Some(item.span().start);
        let a = match RawAxis::deserialize(item.get_ref().clone()) {
            Ok(a) => a,
            Err(e) => {
                check.push(at, "axis".into(), e.message().to_string());
                continue;
            }
        };
        let entry = format!("axis {:?}", a.name);
        if a.name.trim().is_empty() {
            check.push(at, entry.clone(), "empty axis name");
        } else if axes.iter().any(|x| x.name == a.name) {
            check.push(at, entry.clone(), "axis defined twice");
        }
        if let Err(msg) = check_weight(a.weight) {
            check.push(at, entry, msg);
        }
        axes.push(Axis {
            name: a.name,
            cio: a.cio,
            cto: a.cto,
            weight: a.weight,
            description: a.description,
        });
    }
    axes
}

fn validate_terms(raw: &[Spanned<toml::Value>], axes: &[Axis], check: &mut Check) -> Vec<Term> {
    if raw.is_empty() {
        check.push(None, String::new(), "no terms defined (`terms = [...]`)");
    }
    let mut terms = Vec::new();
    for item in raw {
        let at = item.span().start;
        match RawTerm::deserialize(item.get_ref().clone()) {
            Ok(t) => {
                if let Some(term) = validate_term(t, at, axes, check) {
                    terms.push(term);
                }
            }
            Err(e) => check.push(Some(at), "term".into(), e.message().to_string()),
        }
    }
    terms
}

fn validate_term(t: RawTerm, at: usize, axes: &[Axis], check: &mut Check) -> Option<Term> {
    let before = check.problems.len();
    let (name, main) = match (&t.term, &t.regex) {
        (Some(term), None) => (term.clone(), parse_literal(term)),
        (None, Some(re)) => (format!("re:{re}"), parse_regex(re)),
        (Some(_), Some(_)) => (
            String::new(),
            Err("give `term` or `regex`, not both".into()),
        ),
        (None, None) => (String::new(), Err("missing `term` (or `regex`)".into())),
    };
    let entry = if name.is_empty() {
        "term".to_string()
    } else {
        format!("term {:?}", shortened(&name))
    };
    let name = match &t.name {
        Some(shown) if shown.trim().is_empty() => {
            check.push(Some(at), entry.clone(), "empty `name`");
            name
        }
        Some(shown) => shown.trim().to_string(),
        None => name,
    };
    let mut patterns = Vec::new();
    match main {
        Ok(p) => patterns.push(p),
        Err(msg) => check.push(Some(at), entry.clone(), msg),
    }
    for v in &t.variants {
        match parse_literal(v) {
            Ok(p) => patterns.push(p),
            Err(msg) => check.push(Some(at), entry.clone(), format!("variant {v:?}: {msg}")),
        }
    }
    let axis = axes.iter().position(|a| a.name == t.axis);
    if axis.is_none() {
        let known: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
        let msg = format!("unknown axis {:?} (known: {})", t.axis, known.join(", "));
        check.push(Some(at), entry.clone(), msg);
    }
    let pole = match t.pole.as_str() {
        "cio" => Some(Pole::Cio),
        "cto" => Some(Pole::Cto),
        other => {
            let msg = format!("unknown pole {other:?} (expected \"cio\" or \"cto\")");
            check.push(Some(at), entry.clone(), msg);
            None
        }
    };
    if let Err(msg) = check_weight(t.weight) {
        check.push(Some(at), entry.clone(), msg);
    }
    if let Some(p) = t.prior {
        if let Err(msg) = check_weight(p) {
            check.push(Some(at), entry, format!("prior: {msg}"));
        }
    }
    if check.problems.len() > before {
        return None;
    }
    Some(Term {
        name,
        axis: axis?,
        pole: pole?,
        weight: t.weight,
        prior: t.prior,
        seeds: t.seeds,
        patterns,
        line: check.line_of(at),
        context: t.context,
    })
}

/// The largest term or axis weight. Far above any useful weight (the shipped
/// lexicon's are at most 3), and far enough below `f64::MAX` that no sum of
/// weighted hits overflows to infinity, which would leave a posting no score.
pub const MAX_WEIGHT: f64 = 1000.0;

/// `name` cut to 60 characters with `...`, so a runaway term does not flood the
/// message that names it.
fn shortened(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &name[..cut]).into(),
        None => name.into(),
    }
}

fn check_weight(w: f64) -> Result<(), String> {
    if w.is_finite() && w > 0.0 && w <= MAX_WEIGHT {
        Ok(())
    } else {
        Err(format!(
            "weight must be > 0 and at most {MAX_WEIGHT}, got {w:?}"
        ))
    }
}

/// The largest lexicon file read, in bytes. The default lexicon is about 200 KB;
/// without a cap `--lexicon /dev/zero` would read until memory runs out.
pub const MAX_LEXICON_BYTES: u64 = 16 << 20;

/// The most words a term (or variant) may have. The shipped lexicon's longest has
/// five; a term of 10,000 repeated words took minutes to check and build.
pub const MAX_TERM_WORDS: usize = 32;

/// The most bytes a term (or variant) may have, once normalised.
pub const MAX_TERM_BYTES: usize = 256;

/// Turns a written term (`"Data Cent*"`) into a normalised pattern.
pub(crate) fn parse_literal(written: &str) -> Result<Pattern, String> {
    let (body, prefix) = match written.trim_end().strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (written, false),
    };
    if body.contains('*') {
        return Err("`*` is only allowed at the end of a term".into());
    }
    let norm = normalize_term(body);
    if norm.is_empty() {
        return Err("empty term".into());
    }
    // Word boundaries are checked against letters and digits, so a term without
    // any (`&`, `++`) would match inside words: "r&d" would hit `&`.
    if !norm.chars().any(crate::engine::normalize::is_word_char) {
        return Err(
            "a term needs a letter or digit (one of only punctuation matches inside words)".into(),
        );
    }
    let words = norm.split(' ').count();
    if words > MAX_TERM_WORDS || norm.len() > MAX_TERM_BYTES {
        return Err(format!(
            "term too long ({words} words, {} bytes): at most {MAX_TERM_WORDS} words \
             and {MAX_TERM_BYTES} bytes",
            norm.len()
        ));
    }
    if prefix && norm.ends_with(' ') {
        return Err("`*` must follow a word".into());
    }
    Ok(if prefix {
        Pattern::Prefix(norm)
    } else {
        Pattern::Literal(norm)
    })
}

fn parse_regex(re: &str) -> Result<Pattern, String> {
    if re.trim().is_empty() {
        return Err("empty regex".into());
    }
    // Parsing is enough to check it (the matcher compiles it later), and much
    // cheaper than compiling: `roletag tag` pays for this at every start.
    match regex_syntax::Parser::new().parse(re) {
        Ok(hir) if hir.properties().minimum_len() == Some(0) => {
            Err("regex matches the empty string".into())
        }
        Ok(_) => Ok(Pattern::Regex(re.to_string())),
        Err(e) => Err(format!("invalid regex: {}", one_line(&e.to_string()))),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn validate_thresholds(raw: Option<RawThresholds>, check: &mut Check) -> Thresholds {
    let mut th = Thresholds::default();
    let Some(raw) = raw else { return th };
    if let Some(m) = raw.blend_margin {
        if let Err(msg) = Thresholds::check_blend_margin(m) {
            check.push(None, "thresholds.blend_margin".into(), msg);
        }
        th.blend_margin = m;
    }
    if let Some(e) = raw.min_evidence {
        if let Err(msg) = Thresholds::check_min_evidence(e) {
            check.push(None, "thresholds.min_evidence".into(), msg);
        }
        th.min_evidence = e;
    }
    if let Some(g) = raw.length_exponent {
        if let Err(msg) = Thresholds::check_length_exponent(g) {
            check.push(None, "thresholds.length_exponent".into(), msg);
        }
        th.length_exponent = g;
    }
    if let Some(n) = raw.min_terms {
        th.min_terms = n;
    }
    th
}

impl fmt::Display for Lexicon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.name,
            self.version,
            short_hash(&self.hash)
        )
    }
}

/// The first 12 hex digits of a `sha256:` hash, for people.
pub fn short_hash(hash: &str) -> &str {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
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
        let named =
            load(r#"{ axis = "focus", pole = "cto", regex = 'b2[bc]', name = "b2b or b2c" },"#)
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
             [thresholds]\nblend_margin = 1.5\nmin_evidence = -2\n"
        );
        match Lexicon::from_toml(&text, "t") {
            Err(LexiconError::Invalid { problems, .. }) => assert_eq!(problems.len(), 2),
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
    /// sorted by axis, pole and term), cites only real seeds and has no duplicates.
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
            let matcher = crate::engine::matcher::Matcher::new(&lex).unwrap();
            let dups: Vec<_> = crate::analysis::lint::lint(&lex, &matcher)
                .into_iter()
                .filter(|l| l.message.contains("duplicate") || l.message.contains("both poles"))
                .collect();
            assert!(dups.is_empty(), "{}: {dups:#?}", path.display());
        }
    }
}
