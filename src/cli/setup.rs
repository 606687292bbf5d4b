//! What every tagging command sets up first: the engine, the report context, standard input.
//!
//! In: the resolved [`Config`]. Out: an [`Engine`], a report [`Context`], and standard
//! input as one posting's reader. No output is written here.

use std::io::{self, BufRead as _, Read as _};

use roletag::engine::matcher::Build;
use roletag::report::Context;
use roletag::Engine;

use crate::cli::args::Config;

/// The engine for `config`: its lexicon, thresholds and options. `build` is
/// [`Build::QuickStart`] for the commands that tag a few postings (`tag`,
/// `explain`), where building the automaton costs more than running it.
pub(crate) fn engine(config: &Config, build: Build) -> anyhow::Result<Engine> {
    Ok(
        Engine::build(config.lexicon.clone(), config.thresholds, build)?
            .with_options(config.options)
            .with_read_options(config.read),
    )
}

pub(crate) fn context<'a>(config: &'a Config, top: usize) -> Context<'a> {
    Context {
        lexicon: &config.lexicon,
        thresholds: config.thresholds,
        color: config.color,
        top,
        keep_fields: &config.keep_fields,
    }
}

/// Standard input as one posting. Unless `--input-format` named a document
/// format, its first line is looked at: JSON records there get a warning that
/// they are tagged as one posting, and how to tag each (issue 16).
pub(crate) fn stdin_posting(format_forced: bool) -> impl io::Read {
    let mut stdin = io::BufReader::new(io::stdin().lock());
    let mut head = Vec::new();
    if !format_forced {
        // The first non-blank line, at most 1 MiB of it. A read error is left
        // for the posting's own read to report.
        while head.trim_ascii().is_empty() {
            match (&mut stdin).take(1 << 20).read_until(b'\n', &mut head) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if roletag::input::records::starts_with_json_record(&head) {
            eprintln!(
                "roletag: warning: standard input looks like JSON records, tagged here as one \
                 posting; to tag each record, use `--input-format jsonl` (or `roletag scan -`)"
            );
        }
    }
    io::Cursor::new(head).chain(stdin)
}
