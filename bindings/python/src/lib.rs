//! `roletag._roletag`: the Rust side of the `roletag` Python package (PyO3).
//!
//! One class, [`PyEngine`] (`Engine` in Python), wraps a [`roletag::Engine`]. It takes
//! texts (one column, or several joined as `roletag scan` joins a record's fields),
//! tags them on a rayon pool with the GIL released, and hands back either the JSON
//! objects of the report (written by the library's own JSON record writer, so every
//! number is the CLI's byte for byte) or flat columns for Arrow and pandas. The flat
//! columns are read back from those same JSON objects, never computed twice. The
//! Python package (`python/roletag/`) wraps it in `Tagger`, `tag_arrow` and pandas
//! helpers. Bad input is a per-row error, never an exception that loses the batch.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rayon::prelude::*;
use roletag::{
    Context, Engine, EngineOptions, FieldOptions, Item, JsonLines, Lexicon, LexiconError, Position,
    Posting, Reporter as _, ScopeOptions, Scratch, Thresholds,
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
        flat_columns(py, &self.axes(), &flats)
    }

    /// The flat columns' names and kinds, in order (for a schema made before any data).
    fn flat_schema(&self) -> Vec<(String, &'static str)> {
        flat_names(&self.axes())
    }
}

impl PyEngine {
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

/// Tags a piece of rows and writes each one's JSON object, one per line, with the
/// library's JSON Lines reporter: byte for byte what `roletag scan --format jsonl`
/// writes for a record with that text, without `path` and `record`.
fn json_lines(engine: &Engine, piece: Vec<Row>) -> Vec<u8> {
    let cx = Context {
        lexicon: engine.lexicon(),
        thresholds: engine.thresholds(),
        color: false,
        top: 0,
        keep_fields: &[],
    };
    let fields = FieldOptions::default();
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut writer = JsonLines::new(&mut out, cx);
    for (i, row) in piece.into_iter().enumerate() {
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
        // Writing to a Vec cannot fail; a record is never lost to it either way.
        if let Err(e) = writer.record(&record) {
            drop(e);
        }
    }
    drop(writer);
    out
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

/// The fields of a posting's JSON object that the flat columns show.
#[derive(Debug, Default, serde::Deserialize)]
struct Flat {
    label: Option<String>,
    score: Option<f64>,
    confidence: Option<f64>,
    cio: Option<f64>,
    cto: Option<f64>,
    core_evidence: Option<f64>,
    #[serde(default)]
    axes: std::collections::HashMap<String, PoleWeights>,
    #[serde(default)]
    evidence: Vec<Evidence>,
    words: Option<i64>,
    coverage: Option<f64>,
    error: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct PoleWeights {
    cio: f64,
    cto: f64,
}

#[derive(Debug, serde::Deserialize)]
struct Evidence {
    term: String,
}

/// Tags a piece and reads each JSON object back into its flat fields (the evidence
/// cut to `top` terms), so the columns hold exactly the numbers of the JSON.
fn flat_rows(engine: &Engine, piece: Vec<Row>, top: usize) -> Vec<Flat> {
    json_objects(engine, piece)
        .iter()
        .map(|object| {
            let mut flat = serde_json::from_slice::<Flat>(object).unwrap_or_else(|e| Flat {
                error: Some(format!("internal: unreadable JSON record: {e}")),
                ..Flat::default()
            });
            flat.evidence.truncate(top);
            flat
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

/// A column of numbers: little-endian bytes, 0 where the row failed (the validity
/// bitmap, the first item of the result, marks those rows null).
fn f64_column<'py>(
    py: Python<'py>,
    flats: &[Flat],
    get: impl Fn(&Flat) -> f64,
) -> Bound<'py, PyBytes> {
    let bytes: Vec<u8> = flats.iter().flat_map(|f| get(f).to_le_bytes()).collect();
    PyBytes::new(py, &bytes)
}

/// `[(validity bitmap, tagged count), (name, kind, data)...]`: strings and lists as
/// Python lists (`None` where null), numbers as bytes (see [`f64_column`]).
fn flat_columns<'py>(
    py: Python<'py>,
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
    let zero = |x: Option<f64>| x.unwrap_or(0.0);
    let push = |name: &str, kind: &str, data: Bound<'py, PyAny>| {
        out.append(PyTuple::new(
            py,
            [
                name.into_pyobject(py)?.into_any(),
                kind.into_pyobject(py)?.into_any(),
                data,
            ],
        )?)
    };
    push(
        "label",
        "string",
        strings(py, flats, |f| f.label.as_deref())?,
    )?;
    push(
        "score",
        "float64",
        f64_column(py, flats, |f| zero(f.score)).into_any(),
    )?;
    push(
        "confidence",
        "float64",
        f64_column(py, flats, |f| zero(f.confidence)).into_any(),
    )?;
    push(
        "cio",
        "float64",
        f64_column(py, flats, |f| zero(f.cio)).into_any(),
    )?;
    push(
        "cto",
        "float64",
        f64_column(py, flats, |f| zero(f.cto)).into_any(),
    )?;
    push(
        "core_evidence",
        "float64",
        f64_column(py, flats, |f| zero(f.core_evidence)).into_any(),
    )?;
    for a in axes {
        let pole = |f: &Flat, cto: bool| {
            f.axes
                .get(a)
                .map_or(0.0, |w| if cto { w.cto } else { w.cio })
        };
        push(
            &format!("{a}_cio"),
            "float64",
            f64_column(py, flats, |f| pole(f, false)).into_any(),
        )?;
        push(
            &format!("{a}_cto"),
            "float64",
            f64_column(py, flats, |f| pole(f, true)).into_any(),
        )?;
    }
    let words: Vec<u8> = flats
        .iter()
        .flat_map(|f| f.words.unwrap_or(0).to_le_bytes())
        .collect();
    push("words", "int64", PyBytes::new(py, &words).into_any())?;
    push(
        "coverage",
        "float64",
        f64_column(py, flats, |f| zero(f.coverage)).into_any(),
    )?;
    let top_terms = PyList::empty(py);
    for f in flats {
        if f.label.is_some() {
            let terms: Vec<&str> = f.evidence.iter().map(|e| e.term.as_str()).collect();
            top_terms.append(terms)?;
        } else {
            top_terms.append(py.None())?;
        }
    }
    push("top_terms", "list<string>", top_terms.into_any())?;
    push(
        "error",
        "string",
        strings(py, flats, |f| f.error.as_deref())?,
    )?;
    Ok(out)
}

fn strings<'py>(
    py: Python<'py>,
    flats: &[Flat],
    get: impl Fn(&Flat) -> Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyList::new(py, flats.iter().map(get))?.into_any())
}

/// The extension module.
#[pymodule]
fn _roletag(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
