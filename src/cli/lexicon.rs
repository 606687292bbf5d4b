//! `roletag lexicon show|check`: what a lexicon holds, and whether a file is a valid one.
//!
//! In: the loaded lexicon, or a file to check. Out: text on stdout, lints as warnings,
//! and an exit code.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;
use roletag::analysis::lint::lint;
use roletag::report;
use roletag::{Engine, Lexicon};

use crate::cli::args::Config;
use crate::cli::exit::{FATAL, OK, SOME_FAILED};

pub(crate) fn show_lexicon(config: &Config) -> anyhow::Result<u8> {
    let lex = &config.lexicon;
    let th = config.thresholds;
    let mut out = io::stdout().lock();
    writeln!(out, "lexicon     {} {}", lex.name, lex.version)?;
    writeln!(out, "source      {}", lex.source)?;
    writeln!(out, "hash        {}", lex.hash)?;
    writeln!(out, "roletag     {}", report::VERSION)?;
    writeln!(
        out,
        "thresholds  blend_margin {}, min_evidence {} (at 250 words), length_exponent {}, \
         min_terms {}, blend_floor {}",
        th.blend_margin, th.min_evidence, th.length_exponent, th.min_terms, th.blend_floor
    )?;
    let (mut lit, mut wild, mut re, mut var) = (0, 0, 0, 0);
    let context = lex.terms.iter().filter(|t| t.context).count();
    for t in &lex.terms {
        match &t.patterns[0] {
            roletag::engine::lexicon::Pattern::Literal(_) => lit += 1,
            roletag::engine::lexicon::Pattern::Prefix(_) => wild += 1,
            roletag::engine::lexicon::Pattern::Regex(_) => re += 1,
        }
        var += t.patterns.len() - 1;
    }
    writeln!(
        out,
        "terms       {} ({lit} literal, {wild} wildcard, {re} regex; {var} variants; {context} context)\n",
        lex.terms.len()
    )?;
    write_axes(&mut out, lex)?;
    Ok(OK)
}

fn write_axes(out: &mut impl Write, lex: &Lexicon) -> io::Result<()> {
    let width = |f: fn(&roletag::engine::lexicon::Axis) -> &str, min: usize| {
        lex.axes
            .iter()
            .map(|a| f(a).len())
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let (wn, wc, wt) = (
        width(|a| &a.name, 4),
        width(|a| &a.cio, 8),
        width(|a| &a.cto, 8),
    );
    writeln!(
        out,
        "{:<wn$}  {:<wc$}  {:<wt$}  {:>6} {:>5} {:>5}",
        "AXIS", "CIO POLE", "CTO POLE", "WEIGHT", "CIO", "CTO"
    )?;
    for (i, a) in lex.axes.iter().enumerate() {
        let count = |pole| {
            lex.terms
                .iter()
                .filter(|t| t.axis == i && t.pole == pole)
                .count()
        };
        writeln!(
            out,
            "{:<wn$}  {:<wc$}  {:<wt$}  {:>6.2} {:>5} {:>5}",
            a.name,
            a.cio,
            a.cto,
            a.weight,
            count(roletag::Pole::Cio),
            count(roletag::Pole::Cto)
        )?;
    }
    Ok(())
}

pub(crate) fn check_lexicon(file: &Path, deny_warnings: bool) -> anyhow::Result<u8> {
    let lex = match Lexicon::from_path(file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("roletag: {:#}", anyhow::Error::from(e));
            return Ok(FATAL);
        }
    };
    let engine = Engine::new(lex, Default::default())
        .with_context(|| format!("{}: cannot compile", file.display()))?;
    let lints = lint(engine.lexicon(), engine.matcher());
    let mut out = io::stdout().lock();
    let shown = file.display();
    for l in &lints {
        writeln!(
            out,
            "{shown}:{}: warning: {}: {}",
            l.line, l.term, l.message
        )?;
    }
    writeln!(
        out,
        "{shown}: valid: {} terms on {} axes, {} warning{}",
        engine.lexicon().terms.len(),
        engine.lexicon().axes.len(),
        lints.len(),
        if lints.len() == 1 { "" } else { "s" }
    )?;
    Ok(if deny_warnings && !lints.is_empty() {
        SOME_FAILED
    } else {
        OK
    })
}
