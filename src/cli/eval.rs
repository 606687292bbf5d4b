//! Runs `roletag eval` and `roletag calibrate` on labelled postings.
//!
//! Bin-only glue: gathers examples with the library's `eval::collect_examples`,
//! prints the provenance (lexicon, thresholds, whether titles were masked), the
//! evaluation as a table or JSON, and with `--misses` every misclassified posting
//! with its strongest evidence. Exit codes as everywhere: 2 when nothing labelled
//! was found or a path is missing, 1 when some postings failed, else 0.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use roletag::analysis::calibrate::{self, Calibration, Features, FitOptions, Folds, Settings};
use roletag::analysis::eval::{self, Collected, Evaluation, Example, Grouping};
use roletag::report::{Outcome, VERSION};
use roletag::ScanOptions;

use crate::cli::args::{Config, EvalFormat};
use crate::cli::exit::{FATAL, OK, SOME_FAILED};
use crate::cli::setup::engine;
use roletag::engine::matcher::Build;

/// Gathers labelled examples, or says why there are none (`Err(exit code)`).
fn collect(
    config: &Config,
    paths: &[PathBuf],
    scan: &ScanOptions,
    grouping: &Grouping,
) -> anyhow::Result<Result<Collected, u8>> {
    let engine = engine(config, Build::Throughput)?;
    let collected = eval::collect_examples(&engine, paths, scan, grouping)?;
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

/// What `roletag calibrate` was asked to do.
pub(crate) struct CalibrateRun<'a> {
    pub(crate) paths: &'a [PathBuf],
    pub(crate) folds: Folds,
    pub(crate) fit: FitOptions,
    pub(crate) output: Option<&'a Path>,
    pub(crate) predictions: Option<&'a Path>,
    pub(crate) format: EvalFormat,
    pub(crate) scan: &'a ScanOptions,
    pub(crate) grouping: &'a Grouping,
}

pub(crate) fn calibrate(config: &Config, run: &CalibrateRun<'_>) -> anyhow::Result<u8> {
    let collected = match collect(config, run.paths, run.scan, run.grouping)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let lex = &config.lexicon;
    let mut names: Vec<&str> = collected
        .examples
        .iter()
        .map(|e| e.group.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    if run.folds == Folds::LeaveGroupOut && names.len() < 2 {
        eprintln!(
            "roletag: --leave-group-out needs postings of at least two groups (--group-field {}), found {}",
            run.grouping.field,
            names.len()
        );
        return Ok(FATAL);
    }
    if let Folds::Stratified(k) = run.folds {
        if k > collected.examples.len() {
            eprintln!(
                "roletag: --folds {k} is more than the {} labelled postings",
                collected.examples.len()
            );
            return Ok(FATAL);
        }
    }
    let data: Vec<Features> = (collected.examples.iter())
        .map(|e| {
            let group = names.binary_search(&e.group.as_str()).unwrap_or(0);
            Features::from_example(e, group)
        })
        .collect();
    let given = Settings::of(lex, config.thresholds);
    let priors = Settings::priors(lex, config.thresholds);
    let c = calibrate::calibrate(lex, &data, &given, &priors, run.folds, run.fit);
    if let Some(path) = run.output {
        let text = calibrate::write_lexicon(&config.lexicon_text, lex, &c.settings)
            .map_err(|e| anyhow::anyhow!("cannot write the tuned lexicon: {e}"))?;
        write_atomically(path, &text)?;
    }
    if let Some(path) = run.predictions {
        let mut text = String::new();
        for (e, label) in collected.examples.iter().zip(&c.held_out) {
            let line = serde_json::json!({
                "path": e.record.path,
                "record": e.record.record,
                "id": e.record.id,
                "group": e.group,
                "expected": e.expected.as_str(),
                "label": label.map_or("error", |l| l.as_str()),
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        write_atomically(path, &text)?;
    }
    let groups = eval::by_group(
        (collected.examples.iter().zip(&c.held_out))
            .map(|(e, label)| (e.group.as_str(), e.expected, *label)),
    );
    let mut out = io::stdout().lock();
    match run.format {
        EvalFormat::Json => {
            let axes: serde_json::Map<String, serde_json::Value> = (lex.axes.iter())
                .map(|a| (a.name.clone(), a.weight.into()))
                .collect();
            let terms: serde_json::Map<String, serde_json::Value> = (lex.terms.iter())
                .zip(&c.settings.weights)
                .map(|(t, w)| (t.name.clone(), (w / lex.axes[t.axis].weight).into()))
                .collect();
            let th = &c.settings.thresholds;
            let doc = serde_json::json!({
                "roletag": provenance(config),
                "folds": match run.folds {
                    Folds::Stratified(k) => serde_json::Value::from(k),
                    Folds::LeaveGroupOut => "leave-group-out".into(),
                },
                "group_field": run.grouping.field,
                "cross_validated": c.cross_validated.to_json(),
                "groups": eval::groups_json(&groups),
                "fold_macro_f1": c.fold_macro_f1,
                "before": c.before.to_json(),
                "training": c.training.to_json(),
                "settings": {
                    "blend_margin": th.blend_margin,
                    "min_evidence": th.min_evidence,
                    "length_exponent": th.length_exponent,
                    "min_terms": th.min_terms,
                    "blend_floor": th.blend_floor,
                    "axis_weights": axes,
                    "term_weights": terms,
                },
                "output": run.output.map(|p| p.display().to_string()),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        EvalFormat::Table => write_calibration(&mut out, config, &c, run, &groups)?,
    }
    Ok(OK)
}

fn write_calibration(
    out: &mut impl Write,
    config: &Config,
    c: &Calibration,
    run: &CalibrateRun<'_>,
    groups: &[(String, Evaluation)],
) -> io::Result<()> {
    let n = c.cross_validated.total();
    let how = match run.folds {
        Folds::Stratified(k) => format!("{k}-fold cross-validation"),
        Folds::LeaveGroupOut => format!(
            "leave-one-group-out cross-validation over {} groups (--group-field {})",
            groups.len(),
            run.grouping.field
        ),
    };
    writeln!(
        out,
        "calibrated {} on {n} postings, titles {}, {how}",
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
    if groups.len() > 1 {
        writeln!(out, "\ncross-validated, by group:")?;
        eval::write_group_table(groups, out)?;
    }
    writeln!(out)?;
    let th = &c.settings.thresholds;
    let was = &config.thresholds;
    writeln!(
        out,
        "fitted on all postings: blend_margin {} (was {}), min_evidence {} (was {}), \
         length_exponent {} (was {}), min_terms {}, blend_floor {}",
        th.blend_margin,
        was.blend_margin,
        th.min_evidence,
        was.min_evidence,
        th.length_exponent,
        was.length_exponent,
        th.min_terms,
        th.blend_floor
    )?;
    let lex = &config.lexicon;
    let mut changes: Vec<(f64, f64, &roletag::engine::lexicon::Term)> = (lex.terms.iter())
        .zip(&c.settings.weights)
        .map(|(t, w)| (t.prior.unwrap_or(t.weight), w / lex.axes[t.axis].weight, t))
        .filter(|(p, w, _)| (p - w).abs() > 1e-9)
        .collect();
    changes.sort_by(|a, b| (b.1 - b.0).abs().total_cmp(&(a.1 - a.0).abs()));
    writeln!(
        out,
        "term weights: {} of {} moved from their priors; the largest moves:",
        changes.len(),
        lex.terms.len()
    )?;
    for (prior, w, t) in changes.iter().take(12) {
        writeln!(
            out,
            "  {:<40} {:<12} {:<4} {prior:>6.3} -> {w:.3}",
            t.name,
            lex.axes[t.axis].name,
            t.pole.as_str()
        )?;
    }
    writeln!(out, "\ncross-validated detail:")?;
    c.cross_validated.write_table(out)?;
    if let Some(p) = run.output {
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
    use anyhow::Context as _;
    let write = || -> anyhow::Result<()> {
        if crate::cli::output::is_special_file(path) {
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)?
                .write_all(text.as_bytes())?;
            return Ok(());
        }
        // Errors are causes alone, named once by the context below (issue 16:
        // `cannot write X: cannot write X: ...`, and a write error that named
        // the temporary file).
        let tmp = crate::cli::output::report_temp_beside(path)?;
        tmp.as_file().write_all(text.as_bytes())?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    write().with_context(|| format!("cannot write {}", path.display()))
}

pub(crate) fn eval(
    config: &Config,
    paths: &[PathBuf],
    format: EvalFormat,
    show_misses: bool,
    scan: &ScanOptions,
    grouping: &Grouping,
) -> anyhow::Result<u8> {
    let collected = match collect(config, paths, scan, grouping)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let evaluation = Evaluation::new(&collected.examples);
    let groups = eval::by_group(
        (collected.examples.iter()).map(|e| (e.group.as_str(), e.expected, e.predicted())),
    );
    let mut out = io::stdout().lock();
    match format {
        EvalFormat::Table => {
            write_table(&mut out, config, &evaluation)?;
            if groups.len() > 1 {
                writeln!(out, "\nby group (--group-field {})", grouping.field)?;
                eval::write_group_table(&groups, &mut out)?;
            }
            if show_misses {
                write_misses(&mut out, config, &collected)?;
            }
        }
        EvalFormat::Json => {
            let mut doc = evaluation.to_json();
            doc["roletag"] = provenance(config);
            doc["group_field"] = grouping.field.clone().into();
            doc["groups"] = eval::groups_json(&groups);
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
            "length_exponent": config.thresholds.length_exponent,
            "min_terms": config.thresholds.min_terms,
            "blend_floor": config.thresholds.blend_floor,
        },
        "mask_titles": config.options.mask_titles,
    })
}

fn write_table(out: &mut impl Write, config: &Config, evaluation: &Evaluation) -> io::Result<()> {
    writeln!(
        out,
        "lexicon {} (blend_margin {}, min_evidence {}, length_exponent {}, min_terms {}, \
         blend_floor {}); titles {}",
        config.lexicon,
        config.thresholds.blend_margin,
        config.thresholds.min_evidence,
        config.thresholds.length_exponent,
        config.thresholds.min_terms,
        config.thresholds.blend_floor,
        if config.options.mask_titles {
            "masked"
        } else {
            "not masked"
        }
    )?;
    evaluation.write_table(out)
}

fn write_misses(out: &mut impl Write, config: &Config, collected: &Collected) -> io::Result<()> {
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
