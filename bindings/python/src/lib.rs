//! `roletag._roletag`: the Rust side of the `roletag` Python package (PyO3).
//!
//! One class, [`PyEngine`] (`Engine` in Python), wraps a [`roletag::Engine`]. It takes
//! texts (one column, or several joined as `roletag scan` joins a record's fields),
//! tags them on a rayon pool with the GIL released, and hands back the report's
//! posting objects as dicts, as JSON bytes (the library's own writer), or as flat
//! columns for Arrow and pandas. The dicts and columns are built from the tagged
//! records directly, with every number rounded by [`round4`] as the JSON writer
//! rounds it, so they equal the JSON read back (the package's tests check this, and
//! against `roletag scan`). The
//! Python package (`python/roletag/`) wraps it in `Tagger`, `tag_arrow` and pandas
//! helpers. Bad input is a per-row error, never an exception that loses the batch.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString};
use rayon::prelude::*;
use roletag::report::{evidence, round4, SCHEMA_VERSION};
use roletag::TermId;
use roletag::{
    Context, Engine, EngineOptions, FieldOptions, Item, JsonLines, Lexicon, LexiconError, Outcome,
    Position, Posting, Record, Reporter as _, ScopeOptions, Scratch, Tagged, Thresholds,
};

/// Rows tagged per parallel piece: enough to pay for a JSON writer, small enough
/// that two threads share a batch evenly.
const PIECE: usize = 64;

/// The text of one row, or why it has none.
type Row = Result<String, String>;

/// A compiled lexicon with its thresholds and options (`roletag._roletag.Engine`).
#[pyclass(frozen, module = "roletag._roletag", name = "Engine")]
struct PyEngine {
    engine: Engine,
    /// Thread pools made for `threads=N`, kept for the next call.
    pools: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>>,
    /// The lexicon's names and weights as Python objects, made on first use.
    names: GILOnceCell<Names>,
}

/// The scoring options of the constructor, as the CLI's flags name them.
struct Settings {
    mask_titles: bool,
    negation: bool,
    boilerplate: bool,
    blend_margin: Option<f64>,
    min_evidence: Option<f64>,
    length_exponent: Option<f64>,
    min_terms: Option<u32>,
    blend_floor: Option<f64>,
}

#[pymethods]
impl PyEngine {
    /// Builds the engine: the lexicon from `lexicon_path` or `lexicon_text` (TOML),
    /// else the embedded default, with the CLI's threshold overrides.
    #[new]
    #[pyo3(signature = (
        lexicon_text=None, lexicon_path=None, *, mask_titles=false, negation=true,
        boilerplate=true, blend_margin=None, min_evidence=None, length_exponent=None,
        min_terms=None, blend_floor=None,
    ))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments, one per CLI flag
    fn new(
        lexicon_text: Option<&str>,
        lexicon_path: Option<PathBuf>,
        mask_titles: bool,
        negation: bool,
        boilerplate: bool,
        blend_margin: Option<f64>,
        min_evidence: Option<f64>,
        length_exponent: Option<f64>,
        min_terms: Option<u32>,
        blend_floor: Option<f64>,
    ) -> PyResult<PyEngine> {
        let lexicon = match (lexicon_path, lexicon_text) {
            (Some(path), _) => Lexicon::from_path(&path),
            (None, Some(text)) => Lexicon::from_toml(text, "<text>"),
            (None, None) => Lexicon::embedded(),
        }
        .map_err(lexicon_error)?;
        let settings = Settings {
            mask_titles,
            negation,
            boilerplate,
            blend_margin,
            min_evidence,
            length_exponent,
            min_terms,
            blend_floor,
        };
        let thresholds = thresholds(&lexicon, &settings)?;
        let engine = Engine::new(lexicon, thresholds)
            .map_err(|e| PyValueError::new_err(e.to_string()))?
            .with_options(EngineOptions {
                mask_titles: settings.mask_titles,
                scope: ScopeOptions {
                    negation: settings.negation,
                    boilerplate: settings.boilerplate,
                },
            });
        Ok(PyEngine {
            engine,
            pools: Mutex::new(Vec::new()),
            names: GILOnceCell::new(),
        })
    }

    /// The axis names, in lexicon order.
    fn axes(&self) -> Vec<String> {
        let lexicon = self.engine.lexicon();
        lexicon.axes.iter().map(|a| a.name.clone()).collect()
    }

    /// `{name, version, source, hash}` of the lexicon and the thresholds in force,
    /// as the `roletag` header of `--format json` gives them.
    fn info(&self) -> Vec<(String, String)> {
        let lex = self.engine.lexicon();
        let th = self.engine.thresholds();
        vec![
            ("name".into(), lex.name.clone()),
            ("version".into(), lex.version.clone()),
            ("source".into(), lex.source.clone()),
            ("hash".into(), lex.hash.clone()),
            ("blend_margin".into(), th.blend_margin.to_string()),
            ("min_evidence".into(), th.min_evidence.to_string()),
            ("length_exponent".into(), th.length_exponent.to_string()),
            ("min_terms".into(), th.min_terms.to_string()),
            ("blend_floor".into(), th.blend_floor.to_string()),
        ]
    }

    /// Tags `texts` (a list: one posting per item) and returns the report's JSON
    /// objects as one JSON array (bytes), in order, without `path`.
    #[pyo3(signature = (texts, threads=None))]
    fn tag_json<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyList>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let rows = single_column(texts);
        let pool = self.pool(threads)?;
        let engine = &self.engine;
        let out = py.allow_threads(|| {
            pool.install(|| {
                let pieces: Vec<Vec<u8>> = rows
                    .into_par_iter()
                    .chunks(PIECE)
                    .map(|piece| json_array_items(engine, piece))
                    .collect();
                join_array(&pieces)
            })
        });
        Ok(PyBytes::new(py, &out))
    }

    /// Tags `texts` (a list: one posting per item) and returns the report's JSON
    /// objects as dicts, in order, without `path`: the values `json.loads` would give
    /// for [`PyEngine::tag_json`]'s array, built directly. Pieces are turned into
    /// dicts as they come while the pool tags the next ones, so the GIL is held only
    /// while dicts are made.
    #[pyo3(signature = (texts, threads=None))]
    fn tag_dicts<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyList>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let rows = single_column(texts);
        let n = rows.len();
        let pool = self.pool(threads)?;
        let engine = &self.engine;
        let names = self.names(py);
        let cx = report_context(engine);
        if n <= PIECE {
            // One piece (`Tagger.tag` is one row): no pool, no thread to start.
            let records = py.allow_threads(|| tag_rows(engine, rows));
            let dicts = records.iter().map(|r| record_dict(py, names, &cx, r));
            return PyList::new(py, dicts.collect::<PyResult<Vec<_>>>()?);
        }
        let none = py.None();
        let out = PyList::new(py, (0..n).map(|_| none.bind(py)))?;
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<Record>)>();
        std::thread::scope(|s| {
            s.spawn(move || {
                pool.install(|| {
                    rows.into_par_iter()
                        .enumerate()
                        .chunks(PIECE)
                        .for_each_with(tx, |tx, piece| {
                            let start = piece.first().map_or(0, |(i, _)| *i);
                            let rows = piece.into_iter().map(|(_, row)| row).collect();
                            // The receiver leaves only on an error of its own.
                            let _ = tx.send((start, tag_rows(engine, rows)));
                        });
                });
            });
            let mut rx = rx;
            loop {
                // A Receiver is Send but not Sync: it goes into the GIL-free wait and back.
                let (back, next) = py.allow_threads(move || {
                    let next = rx.recv();
                    (rx, next)
                });
                rx = back;
                let Ok((start, records)) = next else {
                    return Ok(out);
                };
                for (i, record) in records.iter().enumerate() {
                    out.set_item(start + i, record_dict(py, names, &cx, record)?)?;
                }
            }
        })
    }

    /// Tags rows whose text is the non-blank values of `columns` (lists of equal
    /// length, named by `names`) joined by a blank line, as `roletag scan` joins a
    /// record's text fields. Returns `(name, kind, data)` columns: see
    /// `roletag._arrow`.
    #[pyo3(signature = (columns, names, top=5, threads=None))]
    fn tag_flat<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<Bound<'py, PyList>>,
        names: Vec<String>,
        top: usize,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        if columns.len() != names.len() || columns.is_empty() {
            return Err(PyValueError::new_err(
                "one name per text column, and at least one column",
            ));
        }
        let n = columns[0].len();
        if columns.iter().any(|c| c.len() != n) {
            return Err(PyValueError::new_err("the text columns differ in length"));
        }
        let rows = joined_columns(&columns, &names, n);
        let pool = self.pool(threads)?;
        let engine = &self.engine;
        let flats: Vec<Flat> = py.allow_threads(|| {
            pool.install(|| {
                rows.into_par_iter()
                    .chunks(PIECE)
                    .flat_map_iter(|piece| flat_rows(engine, piece, top))
                    .collect()
            })
        });
        flat_columns(py, self.engine.lexicon(), &self.axes(), &flats)
    }

    /// The flat columns' names and kinds, in order (for a schema made before any data).
    fn flat_schema(&self) -> Vec<(String, &'static str)> {
        flat_names(&self.axes())
    }
}

impl PyEngine {
    /// The lexicon's Python objects, made on the first call.
    fn names(&self, py: Python<'_>) -> &Names {
        self.names
            .get_or_init(py, || Names::new(py, self.engine.lexicon()))
    }

    /// The pool for `threads`: rayon's global pool (every core) for `None`.
    fn pool(&self, threads: Option<usize>) -> PyResult<Arc<rayon::ThreadPool>> {
        let n = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) if n > 512 => return Err(PyValueError::new_err("threads: at most 512")),
            Some(n) => n,
            None => rayon::current_num_threads(),
        };
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, p)) = pools.iter().find(|(k, _)| *k == n) {
            return Ok(Arc::clone(p));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("roletag-{i}"))
            .build()
            .map_err(|e| PyOSError::new_err(format!("cannot start {n} threads: {e}")))?;
        let pool = Arc::new(pool);
        pools.push((n, Arc::clone(&pool)));
        Ok(pool)
    }
}

fn lexicon_error(e: LexiconError) -> PyErr {
    match e {
        LexiconError::Read { .. } | LexiconError::TooLarge { .. } => {
            PyOSError::new_err(format!("{e:#}: {}", source_of(&e)))
        }
        other => PyValueError::new_err(other.to_string()),
    }
}

/// The cause of a read error, which `Display` leaves to the chain.
fn source_of(e: &LexiconError) -> String {
    std::error::Error::source(e).map_or_else(|| "too large".to_string(), ToString::to_string)
}

/// The lexicon's thresholds with the overrides applied, checked as the CLI checks them.
fn thresholds(lexicon: &Lexicon, s: &Settings) -> PyResult<Thresholds> {
    let bad = |flag: &str, e: String| PyValueError::new_err(format!("{flag}: {e}"));
    let mut th = lexicon.thresholds;
    if let Some(m) = s.blend_margin {
        Thresholds::check_blend_margin(m).map_err(|e| bad("blend_margin", e))?;
        th.blend_margin = m;
    }
    if let Some(e) = s.min_evidence {
        Thresholds::check_min_evidence(e).map_err(|m| bad("min_evidence", m))?;
        th.min_evidence = e;
    }
    if let Some(g) = s.length_exponent {
        Thresholds::check_length_exponent(g).map_err(|m| bad("length_exponent", m))?;
        th.length_exponent = g;
    }
    if let Some(n) = s.min_terms {
        th.min_terms = n;
    }
    if let Some(f) = s.blend_floor {
        Thresholds::check_blend_floor(f).map_err(|m| bad("blend_floor", m))?;
        th.blend_floor = f;
    }
    Ok(th)
}

/// A Python value's text: `Ok(None)` when it is `None` (a missing value).
fn text_of(value: &Bound<'_, PyAny>) -> Result<Option<String>, String> {
    if value.is_none() {
        return Ok(None);
    }
    match value.downcast::<PyString>() {
        // A lone surrogate ('\ud800') has no UTF-8: Python's own message says where.
        Ok(s) => s
            .to_cow()
            .map(|t| Some(t.into_owned()))
            .map_err(|e| format!("text is not valid Unicode: {e}")),
        Err(_) => Err(format!("expected a str, got {}", type_name(value))),
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "an unknown type".to_string(), |n| n.to_string())
}

/// One posting per item; `None`, a non-string and a blank text are row errors.
fn single_column(texts: &Bound<'_, PyList>) -> Vec<Row> {
    texts
        .iter()
        .map(|v| match text_of(&v) {
            Ok(Some(t)) if roletag::is_blank(&t) => Err(EMPTY.to_string()),
            Ok(Some(t)) => Ok(t),
            Ok(None) => Err("expected a str, got None".to_string()),
            Err(e) => Err(e),
        })
        .collect()
}

/// The message of a text with nothing to tag: the CLI's for an empty file.
const EMPTY: &str = "empty posting: no text to tag";

/// Row `i`'s text: the non-blank values of `columns`, joined by a blank line, as
/// `roletag scan` joins a record's `--text-field`s. `None` (a missing value) is
/// left out; a value of another type or with a lone surrogate fails the row.
fn joined_columns(columns: &[Bound<'_, PyList>], names: &[String], n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            let mut parts = Vec::with_capacity(columns.len());
            for (column, name) in columns.iter().zip(names) {
                let value = column.get_item(i).map_err(|e| e.to_string())?;
                match text_of(&value) {
                    Ok(Some(t)) if !roletag::is_blank(&t) => parts.push(t),
                    Ok(_) => {}
                    Err(e) => return Err(format!("column {name}: {e}")),
                }
            }
            if parts.is_empty() {
                return Err(format!(
                    "no text in any of the columns {}",
                    names.join(", ")
                ));
            }
            Ok(parts.join("\n\n"))
        })
        .collect()
}

/// Tags a piece of rows as `roletag scan` tags records with that text: one
/// record each, in order, with an empty `path` and no `record` number.
fn tag_rows(engine: &Engine, piece: Vec<Row>) -> Vec<Record> {
    let fields = FieldOptions::default();
    let mut scratch = Scratch::default();
    piece
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let at = Position {
                index: i as u64,
                line: i as u64 + 1,
            };
            let item = match row {
                Ok(text) => Item::Posting(Posting {
                    at,
                    id: None,
                    text,
                    expected: None,
                    group: None,
                    kept: Vec::new(),
                    title: None,
                }),
                Err(message) => Item::Failed {
                    at,
                    id: None,
                    message,
                },
            };
            let mut record = engine.tag_item("", &item, &fields, &mut scratch);
            record.record = None;
            record
        })
        .collect()
}

/// What the library's report code needs to know of the engine: its lexicon and
/// thresholds (no colour, no `--top` cut, no kept fields).
fn report_context(engine: &Engine) -> Context<'_> {
    Context {
        lexicon: engine.lexicon(),
        thresholds: engine.thresholds(),
        color: false,
        top: 0,
        keep_fields: &[],
    }
}

/// Tags a piece of rows and writes each one's JSON object, one per line, with the
/// library's JSON Lines reporter: byte for byte what `roletag scan --format jsonl`
/// writes for a record with that text, without `path` and `record`.
fn json_lines(engine: &Engine, piece: Vec<Row>) -> Vec<u8> {
    let cx = report_context(engine);
    let mut out = Vec::new();
    let mut writer = JsonLines::new(&mut out, cx);
    for record in tag_rows(engine, piece) {
        // Writing to a Vec cannot fail; a record is never lost to it either way.
        if let Err(e) = writer.record(&record) {
            drop(e);
        }
    }
    drop(writer);
    out
}

/// The lexicon as Python objects, shared by every dict [`record_dict`] makes: each
/// term's name, axis name, pole and rounded weight, and each axis's name.
struct Names {
    terms: Vec<Py<PyString>>,
    term_axes: Vec<Py<PyString>>,
    poles: Vec<Py<PyString>>,
    weights: Vec<Py<PyFloat>>,
    axes: Vec<Py<PyString>>,
}

impl Names {
    fn new(py: Python<'_>, lexicon: &Lexicon) -> Names {
        let axes: Vec<Py<PyString>> = lexicon
            .axes
            .iter()
            .map(|a| PyString::new(py, &a.name).unbind())
            .collect();
        let terms = &lexicon.terms;
        Names {
            terms: terms
                .iter()
                .map(|t| PyString::new(py, &t.name).unbind())
                .collect(),
            term_axes: terms.iter().map(|t| axes[t.axis].clone_ref(py)).collect(),
            poles: terms
                .iter()
                .map(|t| PyString::intern(py, t.pole.as_str()).unbind())
                .collect(),
            weights: terms
                .iter()
                .map(|t| PyFloat::new(py, round4(t.weight)).unbind())
                .collect(),
            axes,
        }
    }
}

/// A record as the dict `json.loads` gives for its JSON object (see
/// `roletag::report`'s writer): the same keys in the same order, every number
/// rounded by [`round4`] as the JSON prints it. Only what a row can have: no
/// `path`, `record`, `id`, `expected` or `fields`.
fn record_dict<'py>(
    py: Python<'py>,
    names: &Names,
    cx: &Context<'_>,
    r: &Record,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "schema_version"), SCHEMA_VERSION)?;
    match &r.outcome {
        Outcome::Tagged(t) => tagged_items(py, &d, names, cx, t)?,
        Outcome::Failed(msg) => d.set_item(intern!(py, "error"), msg)?,
        Outcome::Skipped(msg) => {
            d.set_item(intern!(py, "error"), msg)?;
            d.set_item(intern!(py, "skipped"), true)?;
        }
    }
    if !r.warnings.is_empty() {
        d.set_item(intern!(py, "warnings"), &r.warnings)?;
    }
    Ok(d)
}

/// The items of a tagged record's dict, after `schema_version`.
fn tagged_items<'py>(
    py: Python<'py>,
    d: &Bound<'py, PyDict>,
    names: &Names,
    cx: &Context<'_>,
    t: &Tagged,
) -> PyResult<()> {
    let (cio, cto) = (intern!(py, "cio"), intern!(py, "cto"));
    let scores = &t.scores;
    d.set_item(
        intern!(py, "label"),
        PyString::intern(py, t.tagging.label.as_str()),
    )?;
    d.set_item(intern!(py, "score"), round4(t.tagging.score))?;
    d.set_item(intern!(py, "confidence"), round4(t.tagging.confidence))?;
    d.set_item(cio, round4(scores.total.cio))?;
    d.set_item(cto, round4(scores.total.cto))?;
    d.set_item(intern!(py, "core_evidence"), round4(scores.core.total()))?;
    let axes = PyDict::new(py);
    for (name, w) in names.axes.iter().zip(&scores.axes) {
        let poles = PyDict::new(py);
        poles.set_item(cio, round4(w.cio))?;
        poles.set_item(cto, round4(w.cto))?;
        axes.set_item(name.bind(py), poles)?;
    }
    d.set_item(intern!(py, "axes"), axes)?;
    let lexicon = cx.lexicon;
    let ranked = evidence(cx, scores);
    let list = PyList::empty(py);
    for (tally, contribution) in ranked {
        let e = term_dict(py, names, tally.term, tally.count)?;
        e.set_item(intern!(py, "weight"), names.weights[tally.term].bind(py))?;
        e.set_item(intern!(py, "contribution"), round4(contribution))?;
        e.set_item(intern!(py, "context"), lexicon.terms[tally.term].context)?;
        list.append(e)?;
    }
    d.set_item(intern!(py, "evidence"), list)?;
    d.set_item(intern!(py, "words"), scores.words)?;
    d.set_item(intern!(py, "coverage"), round4(scores.coverage()))?;
    let ignored = PyList::empty(py);
    for &(term, status, count) in &scores.ignored {
        let e = term_dict(py, names, term, count)?;
        e.set_item(intern!(py, "reason"), PyString::intern(py, status.as_str()))?;
        ignored.append(e)?;
    }
    d.set_item(intern!(py, "ignored"), ignored)
}

/// `{"term", "axis", "pole", "count"}`: how an evidence or ignored item starts.
fn term_dict<'py>(
    py: Python<'py>,
    names: &Names,
    term: usize,
    count: u32,
) -> PyResult<Bound<'py, PyDict>> {
    let e = PyDict::new(py);
    e.set_item(intern!(py, "term"), names.terms[term].bind(py))?;
    e.set_item(intern!(py, "axis"), names.term_axes[term].bind(py))?;
    e.set_item(intern!(py, "pole"), names.poles[term].bind(py))?;
    e.set_item(intern!(py, "count"), count)?;
    Ok(e)
}

/// The JSON objects of a piece, without the empty `path` each starts with.
fn json_objects(engine: &Engine, piece: Vec<Row>) -> Vec<Vec<u8>> {
    let lines = json_lines(engine, piece);
    lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(without_path)
        .collect()
}

/// `{"schema_version":1,"path":"",...}` -> `{"schema_version":1,...}`: texts have
/// no file. The first `,"path":` is the path's: `schema_version` is a number.
fn without_path(line: &[u8]) -> Vec<u8> {
    const EMPTY_PATH: &[u8] = b",\"path\":\"\"";
    match memchr::memmem::find(line, EMPTY_PATH) {
        Some(at) => [&line[..at], &line[at + EMPTY_PATH.len()..]].concat(),
        None => line.to_vec(),
    }
}

/// A piece's objects joined by commas (no brackets).
fn json_array_items(engine: &Engine, piece: Vec<Row>) -> Vec<u8> {
    json_objects(engine, piece).join(&b","[..])
}

/// Pieces of comma-joined objects as one JSON array.
fn join_array(pieces: &[Vec<u8>]) -> Vec<u8> {
    let len = pieces.iter().map(|p| p.len() + 1).sum::<usize>() + 2;
    let mut out = Vec::with_capacity(len);
    out.push(b'[');
    for (i, p) in pieces.iter().filter(|p| !p.is_empty()).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(p);
    }
    out.push(b']');
    out
}

/// A row's flat fields: every number rounded as the JSON report rounds it.
#[derive(Debug, Default)]
struct Flat {
    /// `None` for a row that failed.
    label: Option<&'static str>,
    /// The `float64` columns of [`flat_names`], in order; empty for a failed row.
    floats: Vec<f64>,
    words: i64,
    /// The strongest terms, strongest first (the report's `evidence` order).
    top_terms: Vec<TermId>,
    error: Option<String>,
}

/// Tags a piece and flattens each record (the evidence cut to `top` terms).
fn flat_rows(engine: &Engine, piece: Vec<Row>, top: usize) -> Vec<Flat> {
    let cx = report_context(engine);
    tag_rows(engine, piece)
        .into_iter()
        .map(|record| match record.outcome {
            Outcome::Tagged(t) => {
                let s = &t.scores;
                let mut floats = vec![
                    t.tagging.score,
                    t.tagging.confidence,
                    s.total.cio,
                    s.total.cto,
                    s.core.total(),
                ];
                floats.extend(s.axes.iter().flat_map(|w| [w.cio, w.cto]));
                floats.push(s.coverage());
                floats.iter_mut().for_each(|x| *x = round4(*x));
                Flat {
                    label: Some(t.tagging.label.as_str()),
                    floats,
                    words: i64::try_from(s.words).unwrap_or(i64::MAX),
                    top_terms: evidence(&cx, s)
                        .into_iter()
                        .take(top)
                        .map(|(tally, _)| tally.term)
                        .collect(),
                    error: None,
                }
            }
            Outcome::Failed(message) | Outcome::Skipped(message) => Flat {
                error: Some(message),
                ..Flat::default()
            },
        })
        .collect()
}

/// The flat columns, in order: `label`, the numbers, one `<axis>_cio`/`<axis>_cto`
/// pair per axis, `words`, `coverage`, `top_terms` and `error`.
fn flat_names(axes: &[String]) -> Vec<(String, &'static str)> {
    let mut names: Vec<(String, &'static str)> = vec![("label".into(), "string")];
    for n in ["score", "confidence", "cio", "cto", "core_evidence"] {
        names.push((n.into(), "float64"));
    }
    for a in axes {
        names.push((format!("{a}_cio"), "float64"));
        names.push((format!("{a}_cto"), "float64"));
    }
    names.push(("words".into(), "int64"));
    names.push(("coverage".into(), "float64"));
    names.push(("top_terms".into(), "list<string>"));
    names.push(("error".into(), "string"));
    names
}

/// `[(validity bitmap, tagged count), (name, kind, data)...]` in the order of
/// [`flat_names`]: strings and lists as Python lists (`None` where null), numbers
/// as little-endian bytes, 0 where the row failed (the validity bitmap marks those
/// rows null).
fn flat_columns<'py>(
    py: Python<'py>,
    lexicon: &Lexicon,
    axes: &[String],
    flats: &[Flat],
) -> PyResult<Bound<'py, PyList>> {
    let mut bitmap = vec![0u8; flats.len().div_ceil(8)];
    for (i, f) in flats.iter().enumerate() {
        if f.label.is_some() {
            bitmap[i / 8] |= 1 << (i % 8);
        }
    }
    let tagged = flats.iter().filter(|f| f.label.is_some()).count();
    let out = PyList::empty(py);
    out.append((PyBytes::new(py, &bitmap), tagged))?;
    let mut float = 0;
    for (name, kind) in flat_names(axes) {
        let data = match (name.as_str(), kind) {
            ("label", _) => PyList::new(py, flats.iter().map(|f| f.label))?.into_any(),
            ("error", _) => PyList::new(py, flats.iter().map(|f| f.error.as_deref()))?.into_any(),
            ("words", _) => {
                let bytes: Vec<u8> = flats.iter().flat_map(|f| f.words.to_le_bytes()).collect();
                PyBytes::new(py, &bytes).into_any()
            }
            ("top_terms", _) => {
                let lists = flats.iter().map(|f| {
                    f.label.map(|_| {
                        f.top_terms
                            .iter()
                            .map(|&t| lexicon.terms[t].name.as_str())
                            .collect::<Vec<_>>()
                    })
                });
                PyList::new(py, lists)?.into_any()
            }
            (_, "float64") => {
                let k = float;
                float += 1;
                let bytes: Vec<u8> = flats
                    .iter()
                    .flat_map(|f| f.floats.get(k).copied().unwrap_or(0.0).to_le_bytes())
                    .collect();
                PyBytes::new(py, &bytes).into_any()
            }
            _ => unreachable!("flat_names gives no other column: {name} ({kind})"),
        };
        out.append((name, kind, data))?;
    }
    Ok(out)
}

/// The extension module.
#[pymodule]
fn _roletag(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
