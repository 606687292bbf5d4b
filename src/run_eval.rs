//! Runs `roletag eval` and `roletag calibrate` on labelled postings.
//!
//! Bin-only glue: gathers examples with the library's `eval::collect_examples`,
//! prints the provenance (lexicon, thresholds, whether titles were masked), the
//! evaluation as a table or JSON, and with `--misses` every misclassified posting
//! with its strongest evidence. Exit codes as everywhere: 2 when nothing labelled
//! was found or a path is missing, 1 when some postings failed, else 0.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use roletag::calibrate::{self, Calibration, Features, Settings};
use roletag::eval::{self, Collected, Evaluation, Example};
use roletag::report::{Outcome, VERSION};
use roletag::ScanOptions;

use crate::cli::{Config, EvalFormat};
use crate::run::{engine, FATAL, OK, SOME_FAILED};
use roletag::matcher::Build;

/// Gathers labelled examples, or says why there are none (`Err(exit code)`).
fn collect(
    config: &Config,
    paths: &[PathBuf],
    scan: &ScanOptions,
) -> anyhow::Result<Result<Collected, u8>> {
    let engine = engine(config, Build::Throughput)?;
    let collected = eval::collect_examples(&engine, paths, scan)?;
    if collected.examples.is_empty() {
        eprintln!(
            "roletag: no labelled postings found: use a folder with subfolders cio-like, \
             cto-like, blended and none, or record files with --label-field"
        );
        return Ok(Err(FATAL));
    }
    if !collected.unlabelled.is_empty() && !config.quiet {
        eprintln!(
            "roletag: {} postings without an expected label were left out (first: {})",
            collected.unlabelled.len(),
            collected.unlabelled[0]
        );
    }
    Ok(Ok(collected))
}

pub(crate) fn calibrate(
    config: &Config,
    paths: &[PathBuf],
    folds: usize,
    output: Option<&Path>,
    format: EvalFormat,
    scan: &ScanOptions,
) -> anyhow::Result<u8> {
    let collected = match collect(config, paths, scan)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let lex = &config.lexicon;
    let data: Vec<Features> = collected
        .examples
        .iter()
        .map(|e| Features::from_example(lex, e))
        .collect();
    let start = Settings::of(lex, config.thresholds);
    let c = calibrate::calibrate(&data, &start, folds);
    if let Some(path) = output {
        let text = calibrate::write_lexicon(&config.lexicon_text, &c.settings)
            .map_err(|e| anyhow::anyhow!("cannot write the tuned lexicon: {e}"))?;
        write_atomically(path, &text)?;
    }
    let mut out = io::stdout().lock();
    match format {
        EvalFormat::Json => {
            let axes: serde_json::Map<String, serde_json::Value> = lex
                .axes
                .iter()
                .zip(&c.settings.axis_weights)
                .map(|(a, w)| (a.name.clone(), (*w).into()))
                .collect();
            let doc = serde_json::json!({
                "roletag": provenance(config),
                "folds": folds,
                "cross_validated": c.cross_validated.to_json(),
                "fold_macro_f1": c.fold_macro_f1,
                "before": c.before.to_json(),
                "training": c.training.to_json(),
                "settings": {
                    "blend_margin": c.settings.thresholds.blend_margin,
                    "min_evidence": c.settings.thresholds.min_evidence,
                    "axis_weights": axes,
                },
                "output": output.map(|p| p.display().to_string()),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        EvalFormat::Table => write_calibration(&mut out, config, &c, folds, output)?,
    }
    Ok(OK)
}

fn write_calibration(
    out: &mut impl Write,
    config: &Config,
    c: &Calibration,
    folds: usize,
    output: Option<&Path>,
) -> io::Result<()> {
    let n = c.cross_validated.total();
    writeln!(
        out,
        "calibrated {} on {n} postings, titles {}, {folds}-fold cross-validation",
        config.lexicon,
        if config.options.mask_titles {
            "masked"
        } else {
            "not masked"
        }
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<34} {:>8} {:>8} {:>12}",
        "", "macro-F1", "accuracy", "cio<->cto"
    )?;
    let row = |out: &mut dyn Write, name: &str, e: &Evaluation| {
        writeln!(
            out,
            "{name:<34} {:>8.3} {:>8.3} {:>5} ({:.1}%)",
            e.macro_f1(),
            e.accuracy(),
            e.cio_cto_confusions(),
            100.0 * e.cio_cto_confusions() as f64 / n.max(1) as f64
        )
    };
    row(out, "before (settings as given)", &c.before)?;
    row(out, "cross-validated (the result)", &c.cross_validated)?;
    row(out, "training fit (optimistic)", &c.training)?;
    let per_fold: Vec<String> = c.fold_macro_f1.iter().map(|f| format!("{f:.3}")).collect();
    writeln!(out, "macro-F1 per fold: {}", per_fold.join(" "))?;
    writeln!(out)?;
    let th = &c.settings.thresholds;
    writeln!(
        out,
        "fitted on all postings: blend_margin {} (was {}), min_evidence {} (was {})",
        th.blend_margin,
        config.thresholds.blend_margin,
        th.min_evidence,
        config.thresholds.min_evidence
    )?;
    for (a, w) in config.lexicon.axes.iter().zip(&c.settings.axis_weights) {
        writeln!(
            out,
            "  axis {:<14} weight {:>5} (was {})",
            a.name, w, a.weight
        )?;
    }
    writeln!(out, "\ncross-validated detail:")?;
    c.cross_validated.write_table(out)?;
    if let Some(p) = output {
        writeln!(
            out,
            "\nwrote {}: use it with `roletag --lexicon {} ...`",
            p.display(),
            p.display()
        )?;
    }
    Ok(())
}

/// Writes `text` to `path` through a temporary file in the same folder.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    if crate::run::is_special_file(path) {
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(text.as_bytes())?;
        return Ok(());
    }
    let mut tmp = crate::run::temp_beside(path)?;
    tmp.write_all(text.as_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

pub(crate) fn eval(
    config: &Config,
    paths: &[PathBuf],
    format: EvalFormat,
    show_misses: bool,
    scan: &ScanOptions,
) -> anyhow::Result<u8> {
    let collected = match collect(config, paths, scan)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let evaluation = Evaluation::new(&collected.examples);
    let mut out = io::stdout().lock();
    match format {
        EvalFormat::Table => write_table(&mut out, config, &collected, &evaluation, show_misses)?,
        EvalFormat::Json => {
            let mut doc = evaluation.to_json();
            doc["roletag"] = provenance(config);
            if show_misses {
                doc["misses"] = eval::misses(&collected.examples)
                    .map(|e| miss_json(config, e))
                    .collect();
            }
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(if collected.missing_root {
        FATAL
    } else if evaluation.failed() > 0 {
        SOME_FAILED
    } else {
        OK
    })
}

fn provenance(config: &Config) -> serde_json::Value {
    let lex = &config.lexicon;
    serde_json::json!({
        "version": VERSION,
        "lexicon": {"name": lex.name, "version": lex.version, "source": lex.source, "hash": lex.hash},
        "thresholds": {
            "blend_margin": config.thresholds.blend_margin,
            "min_evidence": config.thresholds.min_evidence,
        },
        "mask_titles": config.options.mask_titles,
    })
}

fn write_table(
    out: &mut impl Write,
    config: &Config,
    collected: &Collected,
    evaluation: &Evaluation,
    show_misses: bool,
) -> io::Result<()> {
    writeln!(
        out,
        "lexicon {} (blend_margin {}, min_evidence {}); titles {}",
        config.lexicon,
        config.thresholds.blend_margin,
        config.thresholds.min_evidence,
        if config.options.mask_titles {
            "masked"
        } else {
            "not masked"
        }
    )?;
    evaluation.write_table(out)?;
    if show_misses {
        writeln!(
            out,
            "\nmisses (expected -> roletag's label, score, posting, strongest evidence)"
        )?;
        for e in eval::misses(&collected.examples) {
            writeln!(out, "{}", eval::miss_line(e))?;
            let terms = top_terms(config, e, 6);
            if !terms.is_empty() {
                writeln!(out, "      {}", terms.join(", "))?;
            }
        }
    }
    Ok(())
}

/// The strongest evidence of a posting as `term (+0.123)`, strongest first.
fn top_terms(config: &Config, e: &Example, n: usize) -> Vec<String> {
    let Outcome::Tagged(t) = &e.record.outcome else {
        return Vec::new();
    };
    let mut ev: Vec<(f64, &str)> = t
        .scores
        .tallies
        .iter()
        .map(|tally| {
            let c = t.scores.contribution(&config.lexicon, tally);
            (c, config.lexicon.terms[tally.term].name.as_str())
        })
        .collect();
    ev.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(b.1)));
    ev.iter()
        .take(n)
        .map(|(c, name)| format!("{name} ({c:+.3})"))
        .collect()
}

fn miss_json(config: &Config, e: &Example) -> serde_json::Value {
    let (label, score) = match &e.record.outcome {
        Outcome::Tagged(t) => (t.tagging.label.as_str(), Some(t.tagging.score)),
        _ => ("error", None),
    };
    serde_json::json!({
        "path": e.record.path,
        "record": e.record.record,
        "id": e.record.id,
        "expected": e.expected.as_str(),
        "label": label,
        "score": score,
        "evidence": top_terms(config, e, 6),
    })
}
