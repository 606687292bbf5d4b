//! Runs `roletag eval`: tags labelled postings and prints how often the labels agree.
//!
//! Bin-only glue: gathers examples with the library's `eval::collect_examples`,
//! prints the provenance (lexicon, thresholds, whether titles were masked), the
//! evaluation as a table or JSON, and with `--misses` every misclassified posting
//! with its strongest evidence. Exit codes as everywhere: 2 when nothing labelled
//! was found or a path is missing, 1 when some postings failed, else 0.

use std::io::{self, Write};
use std::path::PathBuf;

use roletag::eval::{self, Collected, Evaluation, Example};
use roletag::report::{Outcome, VERSION};
use roletag::ScanOptions;

use crate::cli::{Config, EvalFormat};
use crate::run::{engine, FATAL, OK, SOME_FAILED};

pub(crate) fn eval(
    config: &Config,
    paths: &[PathBuf],
    format: EvalFormat,
    show_misses: bool,
    scan: &ScanOptions,
) -> anyhow::Result<u8> {
    let engine = engine(config)?;
    let collected = eval::collect_examples(&engine, paths, scan)?;
    if collected.examples.is_empty() {
        eprintln!(
            "roletag: no labelled postings found: use a folder with subfolders cio-like, \
             cto-like, blended and none, or record files with --label-field"
        );
        return Ok(FATAL);
    }
    if !collected.unlabelled.is_empty() && !config.quiet {
        eprintln!(
            "roletag: {} postings without an expected label were left out (first: {})",
            collected.unlabelled.len(),
            collected.unlabelled[0]
        );
    }
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
