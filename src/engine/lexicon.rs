//! The lexicon: axes, terms and default thresholds, loaded from TOML and validated.
//!
//! Input is a TOML document (a file, or the default embedded at build time);
//! output is a validated [`Lexicon`] whose terms carry normalised patterns ready
//! for the matcher. Every problem in a file is collected and reported at once
//! ([`LexiconError`]), each with its line and entry. This module does not match
//! text and does not lint legal-but-suspicious entries (see `lint`).

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::engine::normalize::normalize_term;
use crate::engine::thresholds::Thresholds;

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

/// A lexicon file as written: axes and terms as `A` and `T`, either typed
/// ([`RawAxis`], [`RawTerm`]: one pass, for a file without mistakes) or as TOML
/// values (each entry's mistakes found on its own, so all are reported).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile<A, T> {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    #[serde(default = "Vec::new")]
    axes: Vec<Spanned<A>>,
    #[serde(default = "Vec::new")]
    terms: Vec<Spanned<T>>,
    thresholds: Option<RawThresholds>,
}

/// How [`Lexicon::from_toml_read`] reads a file.
#[derive(Clone, Copy)]
enum Read {
    /// Typed in one pass (a fifth fewer instructions for the default lexicon),
    /// and entry by entry only if that fails, so that every mistake is found.
    TypedFirst,
    /// Entry by entry: each axis and term a TOML value first (the tests' oracle).
    #[cfg_attr(not(test), allow(dead_code))]
    Entrywise,
}

/// Entries of a lexicon file: where each starts (a byte offset), and the
/// entry or what is wrong with it.
type Entries<E> = Vec<(usize, Result<E, String>)>;

impl<A, T> RawFile<A, T> {
    /// The file with its entries turned into `A2` and `T2` by `axis` and `term`.
    fn entries<A2, T2>(
        self,
        axis: impl Fn(A) -> Result<A2, String>,
        term: impl Fn(T) -> Result<T2, String>,
    ) -> (RawFile<(), ()>, Entries<A2>, Entries<T2>) {
        let axes = self
            .axes
            .into_iter()
            .map(|e| (e.span().start, axis(e.into_inner())))
            .collect();
        let terms = self
            .terms
            .into_iter()
            .map(|e| (e.span().start, term(e.into_inner())))
            .collect();
        let header = RawFile {
            name: self.name,
            version: self.version,
            description: self.description,
            axes: Vec::new(),
            terms: Vec::new(),
            thresholds: self.thresholds,
        };
        (header, axes, terms)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    blend_margin: Option<f64>,
    min_evidence: Option<f64>,
    length_exponent: Option<f64>,
    min_terms: Option<u32>,
    blend_floor: Option<f64>,
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

/// The regex patterns of the embedded lexicon, once [`Lexicon::embedded`] has
/// loaded it. Each compiles within the regex crate's limits (the test
/// `embedded_regexes_compile` checks), so a matcher need not compile them up
/// front to find out: `roletag tag` then compiles only those a posting needs.
static EMBEDDED_REGEXES: OnceLock<HashSet<String>> = OnceLock::new();

/// True when `pattern` is a regex of the embedded lexicon, known to compile.
pub(crate) fn is_embedded_regex(pattern: &str) -> bool {
    EMBEDDED_REGEXES
        .get()
        .is_some_and(|known| known.contains(pattern))
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
        let lexicon = Lexicon::from_toml(DEFAULT_LEXICON, "<embedded>")?;
        EMBEDDED_REGEXES.get_or_init(|| lexicon.regexes().map(str::to_string).collect());
        Ok(lexicon)
    }

    /// The patterns of the regex terms, in lexicon order.
    pub(crate) fn regexes(&self) -> impl Iterator<Item = &str> {
        self.terms
            .iter()
            .flat_map(|t| &t.patterns)
            .filter_map(|p| match p {
                Pattern::Regex(re) => Some(re.as_str()),
                _ => None,
            })
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
    ///
    /// ```
    /// use roletag::{Lexicon, LexiconError};
    ///
    /// let shipped = Lexicon::from_toml(roletag::engine::lexicon::DEFAULT_LEXICON, "default.toml")?;
    /// assert_eq!(shipped.name, "roletag-default");
    ///
    /// // Every problem is reported with its line, not just the first one.
    /// let text = "name = \"mine\"\nversion = \"1\"\naxes = []\nterms = [\n  { axis = \"nowhere\", pole = \"cio\", term = \"erp\", weight = 2.0 },\n]\n";
    /// match Lexicon::from_toml(text, "mine.toml") {
    ///     Err(LexiconError::Invalid { problems, .. }) => {
    ///         assert!(problems.iter().any(|p| p.line == 5 && p.message.contains("nowhere")));
    ///     }
    ///     other => panic!("expected an invalid lexicon, got {other:?}"),
    /// }
    /// # Ok::<(), LexiconError>(())
    /// ```
    pub fn from_toml(text: &str, source: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::from_toml_read(text, source, Read::TypedFirst)
    }

    /// [`Lexicon::from_toml`], reading the file as `read` says; the lexicon or
    /// the problems are the same either way.
    fn from_toml_read(text: &str, source: &str, read: Read) -> Result<Lexicon, LexiconError> {
        let mut check = Check::new(text);
        let message = |e: toml::de::Error| e.message().to_string();
        let entrywise = || {
            toml::from_str::<RawFile<toml::Value, toml::Value>>(text).map(|raw| {
                raw.entries(
                    |v| RawAxis::deserialize(v).map_err(message),
                    |v| RawTerm::deserialize(v).map_err(message),
                )
            })
        };
        let read = match read {
            Read::TypedFirst => toml::from_str::<RawFile<RawAxis, RawTerm>>(text)
                .map(|raw| raw.entries(Ok, Ok))
                .or_else(|_| entrywise()),
            Read::Entrywise => entrywise(),
        };
        let (raw, axes, terms) = match read {
            Ok(raw) => raw,
            Err(e) => {
                let at = e.span().map(|s| s.start);
                check.push(at, String::new(), format!("TOML syntax: {}", e.message()));
                return Err(invalid(source, check.problems));
            }
        };
        let axes = validate_axes(axes, &mut check);
        let terms = validate_terms(terms, &axes, &mut check);
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

fn validate_axes(raw: Entries<RawAxis>, check: &mut Check) -> Vec<Axis> {
    let mut axes: Vec<Axis> = Vec::new();
    if raw.is_empty() {
        check.push(None, String::new(), "no axes defined (`axes = [...]`)");
    }
    for (at, item) in raw {
        let at = Some(at);
        let a = match item {
            Ok(a) => a,
            Err(message) => {
                check.push(at, "axis".into(), message);
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

fn validate_terms(raw: Entries<RawTerm>, axes: &[Axis], check: &mut Check) -> Vec<Term> {
    if raw.is_empty() {
        check.push(None, String::new(), "no terms defined (`terms = [...]`)");
    }
    let mut terms = Vec::new();
    for (at, item) in raw {
        match item {
            Ok(t) => {
                if let Some(term) = validate_term(t, at, axes, check) {
                    terms.push(term);
                }
            }
            Err(message) => check.push(Some(at), "term".into(), message),
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
pub(crate) const MAX_TERM_WORDS: usize = 32;

/// The most bytes a term (or variant) may have, once normalised.
pub(crate) const MAX_TERM_BYTES: usize = 256;

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
    if let Some(f) = raw.blend_floor {
        if let Err(msg) = Thresholds::check_blend_floor(f) {
            check.push(None, "thresholds.blend_floor".into(), msg);
        }
        th.blend_floor = f;
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
pub(crate) fn short_hash(hash: &str) -> &str {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests;
