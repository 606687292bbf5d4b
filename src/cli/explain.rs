//! `roletag explain`: reads each posting (a document, stdin, or the records of a
//! record file), explains it with the library, and writes text or JSON.
//!
//! Bin-only I/O glue. Exit codes as for `tag`: 0 every posting explained, 1 some
//! could not be read (each says why on stderr), 2 a path does not exist, or
//! `--record`/`--id` matched nothing.

use std::io::{self, Write};
use std::path::Path;

use roletag::input::records::{self, Item, RecordFormat};
use roletag::report::explain::{self, Source};
use roletag::scan::STDIN_NAME;
use roletag::{input, Engine, Explanation};

use crate::cli::args::{Config, ExplainFormat, ExplainJob};
use crate::cli::exit::{FATAL, OK, SOME_FAILED};
use crate::cli::setup::{context, engine};
use roletag::engine::matcher::Build;

struct Explainer<'a, W> {
    config: &'a Config,
    job: &'a ExplainJob,
    engine: Engine,
    out: W,
    failed: bool,
    shown: u64,
    /// The raw bytes of the file being explained, when its name is not UTF-8.
    path_bytes: Option<std::sync::Arc<[u8]>>,
}

pub(crate) fn explain(config: &Config, job: &ExplainJob) -> anyhow::Result<u8> {
    let mut x = Explainer {
        config,
        job,
        engine: engine(config, Build::QuickStart)?,
        out: io::stdout().lock(),
        failed: false,
        shown: 0,
        path_bytes: None,
    };
    let stdin_only = [std::path::PathBuf::from("-")];
    let files = if job.files.is_empty() {
        &stdin_only[..]
    } else {
        &job.files[..]
    };
    let mut missing = false;
    for path in files {
        // Set for every path, `-` included, so no name keeps an earlier file's bytes.
        x.path_bytes = roletag::report::ShownPath::of(path).bytes;
        if path.as_os_str() == "-" {
            if let Some(format) = job.scan.record_format {
                x.records(STDIN_NAME, io::stdin().lock(), format)?;
                continue;
            }
            let mut buf = Vec::new();
            let stdin = crate::cli::setup::stdin_posting(job.scan.document_format_forced);
            match input::read_from(stdin, &config.read, &mut buf) {
                Ok(p) => x.show(STDIN_NAME, None, None, &p.text, &p.warnings)?,
                Err(e) => x.fail(STDIN_NAME, &e.to_string()),
            }
            continue;
        }
        if !path.exists() {
            eprintln!("roletag: {}: no such file or directory", path.display());
            missing = true;
            continue;
        }
        let records = job.scan.record_format.or_else(|| {
            (!job.scan.document_format_forced)
                .then(|| RecordFormat::from_path(path))
                .flatten()
        });
        match records {
            Some(format) => {
                let name = path.display().to_string();
                match records::open(path) {
                    Ok(file) => x.records(&name, file, format)?,
                    Err(e) => x.fail(&name, &e.to_string()),
                }
            }
            None => x.document(path)?,
        }
    }
    x.out.flush()?;
    let filtered = job.record.is_some() || job.id.is_some();
    Ok(if missing || (filtered && x.shown == 0) {
        if filtered && x.shown == 0 {
            eprintln!("roletag: no record matched --record/--id");
        }
        FATAL
    } else if x.failed {
        SOME_FAILED
    } else {
        OK
    })
}

impl<W: Write> Explainer<'_, W> {
    fn document(&mut self, path: &Path) -> anyhow::Result<()> {
        let mut buf = Vec::new();
        let name = path.display().to_string();
        match input::read_path(path, self.engine.read_options(), &mut buf) {
            Ok(p) => self.show(&name, None, None, &p.text, &p.warnings)?,
            Err(e) => self.fail(&name, &e.to_string()),
        }
        Ok(())
    }

    /// Explains the records of `file`, shown as `name`, that `--record`/`--id` select.
    fn records(
        &mut self,
        name: &str,
        file: impl io::Read,
        format: RecordFormat,
    ) -> anyhow::Result<()> {
        let fields = &self.job.scan.fields;
        let mut result = Ok(());
        let read = records::read(file, format, fields, self.job.scan.max_bytes, |item| {
            let item = match item {
                Item::Line { at, bytes } => records::parse_json_line(at, &bytes, fields),
                other => other,
            };
            let (at, id) = match &item {
                Item::Posting(p) => (p.at, p.id.as_deref()),
                Item::Failed { at, id, .. } => (*at, id.as_deref()),
                Item::Line { at, .. } => (*at, None),
            };
            if self.job.record.is_some_and(|n| n != at.index)
                || self.job.id.as_deref().is_some_and(|want| id != Some(want))
            {
                return true;
            }
            match &item {
                Item::Posting(p) => {
                    result = self.show(name, Some(at.index), id, &p.text, &[]);
                    result.is_ok()
                }
                Item::Failed { message, .. } => {
                    self.fail(&format!("{name}#{}", at.index), message);
                    true
                }
                Item::Line { .. } => true,
            }
        });
        result?;
        if let Err(e) = read {
            self.fail(name, &e.to_string());
        }
        Ok(())
    }

    fn show(
        &mut self,
        path: &str,
        record: Option<u64>,
        id: Option<&str>,
        text: &str,
        warnings: &[String],
    ) -> anyhow::Result<()> {
        let x: Explanation = self.engine.explain_text(text);
        let cx = context(self.config, 8);
        let src = Source {
            path,
            record,
            id,
            path_bytes: self.path_bytes.as_deref(),
        };
        match self.job.format {
            ExplainFormat::Json => explain::write_json(&mut self.out, &cx, src, &x, warnings)?,
            ExplainFormat::Text => {
                if self.shown > 0 {
                    writeln!(self.out)?;
                }
                explain::write_text(&mut self.out, &cx, src, &x, warnings)?;
            }
        }
        self.shown += 1;
        Ok(())
    }

    fn fail(&mut self, what: &str, message: &str) {
        eprintln!("roletag: {what}: {message}");
        self.failed = true;
    }
}
