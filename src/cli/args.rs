//! Command-line arguments (clap derive) and their resolution into a [`Config`].
//!
//! Bin-only: the library never sees these types. Parsing happens in two steps:
//! clap fills [`Args`], then [`Args::into_config`] loads the lexicon, checks
//! cross-flag rules and resolves defaults.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand, ValueEnum};
use roletag::analysis::summarize::{GroupBy, SummaryOptions};
use roletag::engine::scope::ScopeOptions;
use roletag::input::records::{FieldOptions, RecordFormat};
use roletag::input::{DocFormat, ReadOptions};
use roletag::report::Format;

use crate::cli::report_args::{parse_group_by, DiffArgs, DiffJob, SummarizeArgs, SummarizeJob};
use roletag::input::walk::WalkOptions;
use roletag::{EngineOptions, Lexicon, ScanOptions, Thresholds};

/// Help heading of the flags that change how postings are tagged.
const SCORING: &str = "Scoring (commands that tag postings; diff and summarize refuse them)";
/// Help heading of the flags that choose where postings come from.
const INPUT: &str = "Input";
/// Help heading of the flags that shape the output.
const OUTPUT: &str = "Output";

/// Examples at the end of `roletag --help`.
const EXAMPLES: &str = "Examples:
  roletag tag posting.txt                        why one posting got its label
  roletag explain posting.html                   the posting with every matched term marked
  roletag scan postings/ --format jsonl -o report.jsonl
  roletag summarize report.jsonl --by folder     labels and top terms per group
  roletag diff before.jsonl after.jsonl          what a lexicon edit changed
  roletag lexicon dump > my.toml                 the embedded lexicon, to edit";

/// Examples at the end of `roletag scan --help`.
const SCAN_EXAMPLES: &str = "Examples:
  roletag scan postings/ --format jsonl -o report.jsonl
  roletag scan export.csv --text-field description --keep-field company --format csv
  roletag scan postings.jsonl.gz --text-field /job/description --id-field /meta/id
  head -100 postings.jsonl | roletag scan - --format jsonl
  roletag scan postings/ --format html -o report.html";

/// Tag job postings as CIO-like (inward: internal IT, enterprise systems, cost)
/// or CTO-like (outward: products, engineering, customers, revenue), blended or
/// unclassified, and show the evidence.
#[derive(Debug, Parser)]
#[command(name = "roletag", version, max_term_width = 100, after_help = EXAMPLES)]
pub(crate) struct Args {
    /// Lexicon file (TOML) to use instead of the embedded default; without this
    /// flag, the file named by ROLETAG_LEXICON (if set and not empty).
    // Not clap's `env`, which refuses an empty variable instead of ignoring it.
    #[arg(long, global = true, value_name = "PATH", help_heading = SCORING)]
    lexicon: Option<PathBuf>,

    /// |score| at or below this is `blended` [default: the lexicon's, else 0.2].
    #[arg(long, global = true, value_name = "F", allow_negative_numbers = true, help_heading = SCORING)]
    blend_margin: Option<f64>,

    /// Core evidence a 250-word posting needs, less is `unclassified` [default: the
    /// lexicon's, else 4.0].
    #[arg(long, global = true, value_name = "F", allow_negative_numbers = true, help_heading = SCORING)]
    min_evidence: Option<f64>,

    /// How the evidence needed grows with length: (words / 250) ^ F, in [0, 1]
    /// [default: the lexicon's, else 0].
    #[arg(long, global = true, value_name = "F", allow_negative_numbers = true, help_heading = SCORING)]
    length_exponent: Option<f64>,

    /// Distinct core terms a posting needs to be labelled [default: the lexicon's, else 1].
    #[arg(long, global = true, value_name = "N", help_heading = SCORING)]
    min_terms: Option<u32>,

    /// For `blended`, each side's core evidence must reach F times the evidence the
    /// posting needs, in [0, 2] [default: the lexicon's, else 0.5].
    #[arg(long, global = true, value_name = "F", allow_negative_numbers = true, help_heading = SCORING)]
    blend_floor: Option<f64>,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = OUTPUT)]
    color: ColorChoice,

    /// No progress bar and no summary on stderr.
    #[arg(short, long, global = true, help_heading = OUTPUT)]
    quiet: bool,

    /// Replace job titles ("Chief Information Officer", "VP of Engineering", a
    /// title-like first line) with a neutral token before tagging.
    #[arg(long, global = true, help_heading = SCORING)]
    mask_titles: bool,

    /// Count negated terms too ("no ERP experience needed" counts ERP).
    #[arg(long, global = true, help_heading = SCORING)]
    no_negation: bool,

    /// Count terms in boilerplate too (About us, benefits, equal-opportunity text).
    #[arg(long, global = true, help_heading = SCORING)]
    no_boilerplate: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tag one or more posting files and show why (`-` reads standard input).
    Tag {
        /// Posting files; `-` (or none) reads one posting from standard input.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Output format (`json`: one JSON object per posting per line).
        #[arg(long, value_enum, default_value_t = TagFormat::Long)]
        format: TagFormat,
        /// Evidence terms shown per posting in human formats.
        #[arg(long, default_value_t = 8, value_name = "N")]
        top: usize,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Show a posting's text with every matched term highlighted by pole (dimmed
    /// when negated or in boilerplate), per-axis bars, and the label.
    Explain {
        /// Posting files (text, HTML, DOCX, PDF, or each record of a JSONL/JSON/CSV/TSV
        /// file); `-` (or none) reads one posting from standard input.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// `text` for people; `json`: one object per posting per line, the report's
        /// posting object plus `text` and `hits` with byte offsets (`start`, `end`) into it.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// In a record file, only the record at this 0-based position (the report's `record`).
        #[arg(long, value_name = "N")]
        record: Option<u64>,
        /// In a record file, only the record(s) with this id.
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Tag every posting under folders, in parallel, into one report.
    Scan(ScanArgs),
    /// Measure the labels against labelled postings: accuracy, per-label
    /// precision/recall/F1, macro-F1 and the confusion matrix.
    Eval(EvalArgs),
    /// Fit the thresholds and axis weights on labelled postings by k-fold
    /// cross-validation, report the cross-validated scores, and write the tuned
    /// settings into a lexicon file for `--lexicon`.
    Calibrate(CalibrateArgs),
    /// Compare two reports of `roletag scan --format jsonl` (or `json`): the
    /// label-change matrix and every posting that changed, with the evidence that
    /// moved it. Exit 0: no posting changed; 1: some changed; 2: trouble.
    Diff(DiffArgs),
    /// Summarize reports of `roletag scan --format jsonl` (or `json`): postings and
    /// shares per label for each group, mean scores and axis weights, and the top
    /// evidence terms of each label.
    Summarize(SummarizeArgs),
    /// Show, check, list or print a lexicon (the embedded default, or `--lexicon`).
    Lexicon {
        #[command(subcommand)]
        action: Option<LexiconAction>,
    },
    /// Print a shell completion script: `roletag completions bash >
    /// ~/.local/share/bash-completion/completions/roletag`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `roletag man > roletag.1; man ./roletag.1`.
    Man,
}

/// How postings are read from record files (JSON, JSONL, CSV, TSV).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = INPUT)]
pub(crate) struct InputArgs {
    /// Record field(s) holding the posting text, joined in order; repeatable; in
    /// JSON, `/a/b` is a JSON Pointer to a nested field [default: `title` if
    /// present, then the first of description, job_description, text, body,
    /// content, posting, summary, descriptionPlain].
    #[arg(long = "text-field", value_name = "FIELD")]
    text_fields: Vec<String>,
    /// Record field holding the posting's id [default: the first of id, job_id,
    /// posting_id, uuid, _id, req_id].
    #[arg(long, value_name = "FIELD")]
    id_field: Option<String>,
    /// Read at most this many bytes of a document (the posting is tagged on
    /// them and flagged as truncated); a longer JSON line fails alone.
    #[arg(long, value_name = "BYTES", default_value_t = roletag::scan::DEFAULT_MAX_BYTES,
          value_parser = parse_max_bytes)]
    max_bytes: u64,
    /// Read every file as this format instead of choosing by extension:
    /// text, html, docx, pdf (one posting a file) or jsonl, json, csv, tsv (records).
    #[arg(long, value_name = "FORMAT", value_parser = parse_input_format)]
    input_format: Option<InputFormat>,
    /// Record field holding an expected label, carried into the report as `expected`.
    #[arg(long, value_name = "FIELD")]
    label_field: Option<String>,
    /// Record field carried into the report as it is: `fields: {NAME: value}` in
    /// JSON, a `fields.NAME` column in CSV; repeatable.
    #[arg(long = "keep-field", value_name = "FIELD")]
    keep_fields: Vec<String>,
}

/// A format named on the command line.
#[derive(Clone, Copy, Debug)]
pub(crate) enum InputFormat {
    Document(DocFormat),
    Records(RecordFormat),
}

/// `--max-bytes`: a positive byte count (0 would read nothing and call every posting empty).
fn parse_max_bytes(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("must be at least 1: 0 bytes would leave every posting empty".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e}")),
    }
}

/// The most cross-validation folds `calibrate` accepts. Leave-one-out on our
/// largest labelled set is a few thousand folds; more is a typo, and each fold refits.
const MAX_FOLDS: usize = 10_000;

/// `--folds`: at least 2 and at most [`MAX_FOLDS`].
fn parse_folds(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(k) if (2..=MAX_FOLDS).contains(&k) => Ok(k),
        Ok(k) => Err(format!("must be between 2 and {MAX_FOLDS}, got {k}")),
        Err(e) => Err(format!("{e}")),
    }
}

fn parse_input_format(s: &str) -> Result<InputFormat, String> {
    DocFormat::from_name(s)
        .map(InputFormat::Document)
        .or_else(|| RecordFormat::from_name(s).map(InputFormat::Records))
        .ok_or_else(|| {
            format!("unknown format {s:?} (text, html, docx, pdf, jsonl, json, csv, tsv)")
        })
}

impl InputArgs {
    /// How documents are read.
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: match self.input_format {
                Some(InputFormat::Document(f)) => Some(f),
                _ => None,
            },
            max_bytes: self.max_bytes,
            // A crash or out-of-memory abort in the PDF parser would otherwise
            // end the whole batch (issue 16).
            pdf_in_child: true,
        }
    }

    /// Scan options for these input flags.
    fn scan_options(&self, threads: usize) -> ScanOptions {
        ScanOptions {
            threads,
            fields: self.fields(),
            max_bytes: self.max_bytes,
            record_format: match self.input_format {
                Some(InputFormat::Records(f)) => Some(f),
                _ => None,
            },
            document_format_forced: matches!(self.input_format, Some(InputFormat::Document(_))),
            ..ScanOptions::default()
        }
    }

    fn fields(&self) -> FieldOptions {
        FieldOptions {
            text_fields: self.text_fields.clone(),
            id_field: self.id_field.clone(),
            label_field: self.label_field.clone(),
            group_field: None,
            keep_fields: self.keep_fields.clone(),
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = SCAN_EXAMPLES)]
struct ScanArgs {
    /// Output format [default: from the extension of `-o FILE` (.jsonl or .ndjson,
    /// .json, .csv, .html or .htm), else table].
    #[arg(long, value_enum, help_heading = OUTPUT)]
    format: Option<ScanFormat>,
    /// Write the report here (via a temporary file renamed at the end) instead of stdout.
    #[arg(short, long, value_name = "FILE", help_heading = OUTPUT)]
    output: Option<PathBuf>,
    /// Evidence terms shown per posting in the table format.
    #[arg(long, default_value_t = 3, value_name = "N", help_heading = OUTPUT)]
    top: usize,
    /// After the scan, print the `roletag summarize` table of the postings, grouped
    /// by BY (as `summarize --by`): to stdout when the report goes to `-o FILE`,
    /// else to stderr.
    #[arg(long, value_name = "BY", num_args = 0..=1, require_equals = true,
          default_missing_value = "folder", value_parser = parse_group_by, help_heading = OUTPUT)]
    summary: Option<GroupBy>,
    /// Files and folders to scan (folders recursively) [default: `.`, said on
    /// stderr]; `-` reads JSON Lines records from standard input and streams
    /// results as they are tagged.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Read JSON Lines records from standard input (same as the path `-`).
    #[arg(long, help_heading = INPUT)]
    stdin: bool,
    /// Include or exclude files by glob (`*.txt`, `!drafts/**`); repeatable.
    #[arg(short, long = "glob", value_name = "GLOB", help_heading = INPUT)]
    globs: Vec<String>,
    /// Also scan hidden files and folders.
    #[arg(long, help_heading = INPUT)]
    hidden: bool,
    /// Follow symbolic links.
    #[arg(short = 'L', long, help_heading = INPUT)]
    follow: bool,
    /// Descend at most this many levels below each PATH.
    #[arg(long, value_name = "N", help_heading = INPUT)]
    max_depth: Option<usize>,
    /// Print the files that would be scanned, and stop.
    #[arg(long, help_heading = INPUT)]
    files: bool,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    threads: ThreadsArg,
}

/// `-j`/`--threads`, as `scan`, `eval` and `calibrate` take it.
#[derive(Debug, clap::Args)]
struct ThreadsArg {
    /// Worker threads, 1 to 512 [default: one per core]; with 1, the scan uses no other thread.
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
}

/// How labelled postings are grouped (eval's per-group table, calibrate's folds).
#[derive(Debug, clap::Args)]
struct GroupArgs {
    /// Record field naming each posting's group, such as where it came from;
    /// postings of folders are grouped by the PATH they were found under.
    #[arg(long, value_name = "FIELD", default_value = "source")]
    group_field: String,
    /// The group is the first match of this regex in the group field (the whole
    /// value when it does not match): by default a `owner/repo@commit:file`
    /// source is grouped by `owner/repo`.
    #[arg(long, value_name = "REGEX", default_value = "^[^@]+")]
    group_key: String,
}

impl GroupArgs {
    fn grouping(&self) -> anyhow::Result<roletag::analysis::eval::Grouping> {
        let key =
            regex::Regex::new(&self.group_key).map_err(|e| anyhow::anyhow!("--group-key: {e}"))?;
        Ok(roletag::analysis::eval::Grouping {
            field: self.group_field.clone(),
            key,
        })
    }
}

#[derive(Debug, clap::Args)]
struct EvalArgs {
    /// Labelled postings: a folder with one subfolder per label (`cio-like`,
    /// `cto-like`, `blended`, `none`), or JSON/JSONL/CSV files with `--label-field`.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    /// Also list every misclassified posting with its strongest evidence.
    #[arg(long)]
    misses: bool,
    #[command(flatten)]
    threads: ThreadsArg,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    group: GroupArgs,
}

#[derive(Debug, clap::Args)]
struct CalibrateArgs {
    /// Labelled postings, as for `roletag eval`.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Number of cross-validation folds (stratified by label), 2 to 10000; more
    /// folds than postings make one posting a fold.
    #[arg(
        long,
        default_value_t = 5,
        value_name = "K",
        conflicts_with = "leave_group_out",
        value_parser = parse_folds
    )]
    folds: usize,
    /// Cross-validate with one fold per group (`--group-field`): each group, such as
    /// a data source, is labelled by settings fitted on the others only.
    #[arg(long)]
    leave_group_out: bool,
    /// Fit only the thresholds, not the term weights.
    #[arg(long)]
    thresholds_only: bool,
    /// How strongly term weights are pulled toward their priors (the hand-set weights).
    #[arg(long, value_name = "F", default_value_t = roletag::analysis::calibrate::LAMBDA)]
    lambda: f64,
    /// Write the lexicon with the fitted weights and thresholds here.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write each posting's held-out label (the fold that did not see it) here, as
    /// JSON Lines: path, record, id, group, expected, label.
    #[arg(long, value_name = "FILE")]
    predictions: Option<PathBuf>,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    #[command(flatten)]
    threads: ThreadsArg,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    group: GroupArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum EvalFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
enum LexiconAction {
    /// Show the lexicon's name, hash, thresholds, axes and entry counts (the default).
    Show,
    /// Validate a lexicon file and lint it for conflicts; exit 2 if invalid.
    Check {
        /// The lexicon file to check.
        file: PathBuf,
        /// Exit 1 when there are lints.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print every literal term (wildcards as their stem), one a line.
    Terms,
    /// Print the lexicon's TOML (the embedded default unless `--lexicon`), to
    /// edit: `roletag lexicon dump > my.toml`.
    Dump,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TagFormat {
    Long,
    Json,
    Table,
    Csv,
}

/// Output of `roletag explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Table,
    Jsonl,
    Json,
    Csv,
    Html,
}

impl ScanFormat {
    /// The format a report file named `path` is written in when `--format` is not
    /// given: `-o report.jsonl` writes JSON Lines, as the name says, not a table
    /// that `pandas.read_json` would choke on. `None` for any other extension.
    fn from_extension(path: &std::path::Path) -> Option<ScanFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jsonl" | "ndjson" => ScanFormat::Jsonl,
            "json" => ScanFormat::Json,
            "csv" => ScanFormat::Csv,
            "html" | "htm" => ScanFormat::Html,
            _ => return None,
        })
    }
}

/// Everything a command needs, resolved.
pub(crate) struct Config {
    pub(crate) lexicon: Lexicon,
    /// The lexicon's TOML text, for commands that write a changed copy.
    pub(crate) lexicon_text: String,
    pub(crate) thresholds: Thresholds,
    pub(crate) color: bool,
    pub(crate) quiet: bool,
    pub(crate) options: EngineOptions,
    /// How documents are read (format override, size limit).
    pub(crate) read: ReadOptions,
    /// Record fields carried into the report (`--keep-field`).
    pub(crate) keep_fields: Vec<String>,
    pub(crate) job: Job,
}

/// The command to run.
pub(crate) enum Job {
    Explain(Box<ExplainJob>),
    Tag {
        files: Vec<PathBuf>,
        format: Format,
        top: usize,
        scan: ScanOptions,
    },
    Scan(Box<ScanJob>),
    Eval {
        paths: Vec<PathBuf>,
        format: EvalFormat,
        misses: bool,
        scan: ScanOptions,
        grouping: roletag::analysis::eval::Grouping,
    },
    Calibrate {
        paths: Vec<PathBuf>,
        folds: roletag::analysis::calibrate::Folds,
        fit: roletag::analysis::calibrate::FitOptions,
        grouping: roletag::analysis::eval::Grouping,
        predictions: Option<PathBuf>,
        output: Option<PathBuf>,
        format: EvalFormat,
        scan: ScanOptions,
    },
    Diff(DiffJob),
    Summarize(SummarizeJob),
    LexiconShow,
    LexiconCheck {
        file: PathBuf,
        deny_warnings: bool,
    },
    LexiconTerms,
    LexiconDump,
}

pub(crate) struct ExplainJob {
    pub(crate) files: Vec<PathBuf>,
    pub(crate) format: ExplainFormat,
    pub(crate) record: Option<u64>,
    pub(crate) id: Option<String>,
    pub(crate) scan: ScanOptions,
}

pub(crate) struct ScanJob {
    pub(crate) paths: Vec<PathBuf>,
    /// No PATH was given: `.` is scanned, and stderr says so.
    pub(crate) implicit_root: bool,
    pub(crate) format: Format,
    pub(crate) output: Option<PathBuf>,
    pub(crate) scan: ScanOptions,
    pub(crate) list_files: bool,
    pub(crate) top: usize,
    /// `--summary`: summarize the postings after the scan.
    pub(crate) summary: Option<SummaryOptions>,
}

impl Args {
    /// Writes what `completions` and `man` generate from these definitions to
    /// stdout; `None` for the other commands. Neither needs a lexicon, so a bad
    /// ROLETAG_LEXICON does not stop them.
    pub(crate) fn write_generated(&self) -> Option<anyhow::Result<()>> {
        use clap::CommandFactory as _;
        use std::io::Write as _;
        // Generated into memory first: clap_complete panics on a write error,
        // and a closed pipe must stay a quiet end.
        let mut page = Vec::new();
        match &self.command {
            Command::Completions { shell } => {
                clap_complete::generate(*shell, &mut Args::command(), "roletag", &mut page);
            }
            Command::Man => {
                if let Err(e) = clap_mangen::Man::new(Args::command()).render(&mut page) {
                    return Some(Err(e.into()));
                }
            }
            _ => return None,
        }
        let mut out = std::io::stdout().lock();
        Some(
            out.write_all(&page)
                .and_then(|()| out.flush())
                .map_err(Into::into),
        )
    }

    /// Refuses the scoring flags on `diff` and `summarize`, which read finished
    /// reports and would silently ignore them (`summarize --min-evidence 9`
    /// changes nothing: issue 16).
    fn refuse_ignored_flags(&self) -> anyhow::Result<()> {
        let name = match self.command {
            Command::Diff(_) => "diff",
            Command::Summarize(_) => "summarize",
            _ => return Ok(()),
        };
        let given = [
            ("--lexicon", self.lexicon.is_some()),
            ("--blend-margin", self.blend_margin.is_some()),
            ("--min-evidence", self.min_evidence.is_some()),
            ("--length-exponent", self.length_exponent.is_some()),
            ("--min-terms", self.min_terms.is_some()),
            ("--blend-floor", self.blend_floor.is_some()),
            ("--mask-titles", self.mask_titles),
            ("--no-negation", self.no_negation),
            ("--no-boilerplate", self.no_boilerplate),
        ];
        match given.iter().find(|(_, on)| *on) {
            Some((flag, _)) => bail!(
                "{flag} has no effect on `roletag {name}`, which reads finished reports: \
                 give it to the `scan` that writes them"
            ),
            None => Ok(()),
        }
    }

    /// Loads the lexicon and resolves every default.
    pub(crate) fn into_config(self) -> anyhow::Result<Config> {
        self.refuse_ignored_flags()?;
        let path = self.lexicon.clone().or_else(|| {
            std::env::var_os("ROLETAG_LEXICON")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let (lexicon, lexicon_text) = match &path {
            Some(p) => {
                // Read once: the text hashed and shown is the text validated.
                let text = Lexicon::read_text(p)?;
                (Lexicon::from_toml(&text, &p.display().to_string())?, text)
            }
            None => (
                Lexicon::embedded().context("the embedded lexicon is invalid")?,
                roletag::engine::lexicon::DEFAULT_LEXICON.to_string(),
            ),
        };
        let mut thresholds = lexicon.thresholds;
        if let Some(m) = self.blend_margin {
            Thresholds::check_blend_margin(m)
                .map_err(|e| anyhow::anyhow!("--blend-margin: {e}"))?;
            thresholds.blend_margin = m;
        }
        if let Some(e) = self.min_evidence {
            Thresholds::check_min_evidence(e)
                .map_err(|m| anyhow::anyhow!("--min-evidence: {m}"))?;
            thresholds.min_evidence = e;
        }
        if let Some(g) = self.length_exponent {
            Thresholds::check_length_exponent(g)
                .map_err(|m| anyhow::anyhow!("--length-exponent: {m}"))?;
            thresholds.length_exponent = g;
        }
        if let Some(n) = self.min_terms {
            thresholds.min_terms = n;
        }
        if let Some(f) = self.blend_floor {
            Thresholds::check_blend_floor(f).map_err(|m| anyhow::anyhow!("--blend-floor: {m}"))?;
            thresholds.blend_floor = f;
        }
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(Config {
            lexicon,
            lexicon_text,
            thresholds,
            color,
            quiet: self.quiet,
            options: EngineOptions {
                mask_titles: self.mask_titles,
                scope: ScopeOptions {
                    negation: !self.no_negation,
                    boilerplate: !self.no_boilerplate,
                },
            },
            read: self
                .command
                .input()
                .map_or_else(ReadOptions::default, InputArgs::read_options),
            keep_fields: self
                .command
                .input()
                .map(|i| i.keep_fields.clone())
                .unwrap_or_default(),
            job: self.command.into_job()?,
        })
    }
}

impl Command {
    /// The input flags of commands that read postings.
    fn input(&self) -> Option<&InputArgs> {
        match self {
            Command::Tag { input, .. } | Command::Explain { input, .. } => Some(input),
            Command::Scan(a) => Some(&a.input),
            Command::Eval(a) => Some(&a.input),
            Command::Calibrate(a) => Some(&a.input),
            Command::Diff(_)
            | Command::Summarize(_)
            | Command::Lexicon { .. }
            | Command::Completions { .. }
            | Command::Man => None,
        }
    }

    fn into_job(self) -> anyhow::Result<Job> {
        Ok(match self {
            Command::Tag {
                files,
                format,
                top,
                input,
            } => Job::Tag {
                scan: ScanOptions {
                    threads: 1,
                    ..input.scan_options(1)
                },
                files,
                format: match format {
                    TagFormat::Long => Format::Long,
                    TagFormat::Json => Format::JsonLines,
                    TagFormat::Table => Format::Table,
                    TagFormat::Csv => Format::Csv,
                },
                top,
            },
            Command::Explain {
                files,
                format,
                record,
                id,
                input,
            } => Job::Explain(Box::new(ExplainJob {
                files,
                format,
                record,
                id,
                scan: input.scan_options(1),
            })),
            Command::Scan(a) => Job::Scan(Box::new(a.into_job()?)),
            Command::Eval(a) => Job::Eval {
                scan: labelled_scan(&a.threads, &a.input, &a.group)?,
                grouping: a.group.grouping()?,
                paths: a.paths,
                format: a.format,
                misses: a.misses,
            },
            Command::Calibrate(a) => {
                if !(a.lambda.is_finite() && a.lambda >= 0.0) {
                    bail!("--lambda must be a number >= 0, got {}", a.lambda);
                }
                Job::Calibrate {
                    scan: labelled_scan(&a.threads, &a.input, &a.group)?,
                    grouping: a.group.grouping()?,
                    paths: a.paths,
                    folds: if a.leave_group_out {
                        roletag::analysis::calibrate::Folds::LeaveGroupOut
                    } else {
                        roletag::analysis::calibrate::Folds::Stratified(a.folds)
                    },
                    fit: roletag::analysis::calibrate::FitOptions {
                        lambda: a.lambda,
                        weights: !a.thresholds_only,
                    },
                    predictions: a.predictions,
                    output: a.output,
                    format: a.format,
                }
            }
            Command::Diff(a) => Job::Diff(a.into_job()?),
            Command::Summarize(a) => Job::Summarize(a.into_job()?),
            Command::Lexicon { action } => match action.unwrap_or(LexiconAction::Show) {
                LexiconAction::Show => Job::LexiconShow,
                LexiconAction::Check {
                    file,
                    deny_warnings,
                } => Job::LexiconCheck {
                    file,
                    deny_warnings,
                },
                LexiconAction::Terms => Job::LexiconTerms,
                LexiconAction::Dump => Job::LexiconDump,
            },
            Command::Completions { .. } | Command::Man => {
                unreachable!("handled by Args::write_generated before the lexicon is loaded")
            }
        })
    }
}

/// The most worker threads `-j` takes. Far more than any machine this runs on
/// has cores; beyond it, starting the threads can exhaust memory or the
/// process limit (`-j 5000` could panic in the standard library).
const MAX_THREADS: usize = 512;

impl ThreadsArg {
    /// The checked count; 0 means one per core.
    fn count(&self) -> anyhow::Result<usize> {
        match self.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) if n > MAX_THREADS => {
                bail!("--threads must be at most {MAX_THREADS}, got {n}")
            }
            other => Ok(other.unwrap_or(0)),
        }
    }
}

/// Scan options for commands that read labelled postings.
fn labelled_scan(
    threads: &ThreadsArg,
    input: &InputArgs,
    group: &GroupArgs,
) -> anyhow::Result<ScanOptions> {
    let mut scan = input.scan_options(threads.count()?);
    scan.fields.group_field = Some(group.group_field.clone());
    Ok(scan)
}

impl ScanArgs {
    fn into_job(self) -> anyhow::Result<ScanJob> {
        let threads = self.threads.count()?;
        roletag::input::walk::check_globs(&self.globs)?;
        let mut paths = self.paths;
        let implicit_root = paths.is_empty() && !self.stdin;
        if implicit_root {
            paths.push(PathBuf::from("."));
        }
        if self.stdin {
            paths.retain(|p| p.as_os_str() != "." && p.as_os_str() != "-");
            paths.insert(0, PathBuf::from("-"));
        }
        if let Some(InputFormat::Document(_)) = self.input.input_format {
            if paths.iter().any(|p| p.as_os_str() == "-") {
                bail!(
                    "scan reads standard input as records (--input-format jsonl, json, csv \
                     or tsv); to tag it as one document, use `roletag tag -`"
                );
            }
        }
        let walk = WalkOptions {
            hidden: self.hidden,
            follow_links: self.follow,
            globs: self.globs,
            max_depth: self.max_depth,
            skip: Vec::new(),
        };
        Ok(ScanJob {
            scan: ScanOptions {
                walk,
                ..self.input.scan_options(threads)
            },
            paths,
            implicit_root,
            format: match self
                .format
                .or_else(|| self.output.as_deref().and_then(ScanFormat::from_extension))
                .unwrap_or(ScanFormat::Table)
            {
                ScanFormat::Table => Format::Table,
                ScanFormat::Jsonl => Format::JsonLines,
                ScanFormat::Json => Format::Json,
                ScanFormat::Csv => Format::Csv,
                ScanFormat::Html => Format::Html,
            },
            output: self.output,
            list_files: self.files,
            top: self.top,
            summary: self.summary.map(|by| SummaryOptions {
                by,
                ..SummaryOptions::default()
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn report_format_follows_the_output_extension() {
        use std::path::Path;
        let of = |p: &str| ScanFormat::from_extension(Path::new(p));
        assert_eq!(of("report.jsonl"), Some(ScanFormat::Jsonl));
        assert_eq!(of("out/REPORT.NDJSON"), Some(ScanFormat::Jsonl));
        assert_eq!(of("report.json"), Some(ScanFormat::Json));
        assert_eq!(of("report.csv"), Some(ScanFormat::Csv));
        assert_eq!(of("report.htm"), Some(ScanFormat::Html));
        assert_eq!(of("report.html"), Some(ScanFormat::Html));
        assert_eq!(of("report.txt"), None);
        assert_eq!(of("report"), None);
        assert_eq!(of(".jsonl"), None);
    }
}
