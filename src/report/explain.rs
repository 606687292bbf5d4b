//! `roletag explain`: one posting's text with its evidence marked, per-axis bars and the label.
//!
//! Input is an [`Explanation`] (the tagged text, every hit located in it, the
//! scores); output is bytes on a `Write`, either for people ([`write_text`]) or
//! for tools ([`write_json`]: the posting object of the JSON contract plus the
//! text and every hit with its byte range). No tagging happens here.

use std::io::{self, Write};

use serde::Serialize;

use super::bars::{axis_lines, CIO, CTO};
use super::json::{tagged, JsonTagged};
use super::table::label_color;
use super::{round4, Context, Outcome, Record};
use crate::engine::lexicon::Pole;
use crate::engine::scope::Status;
use crate::engine::tagger::Explanation;

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Which posting is explained: its path, and its position in a record file.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file (or `<stdin>`).
    pub path: &'a str,
    /// 0-based record number in a record file.
    pub record: Option<u64>,
    /// The record's id.
    pub id: Option<&'a str>,
    /// The raw bytes of a path that is not valid UTF-8 (`path_bytes` in JSON).
    pub path_bytes: Option<&'a [u8]>,
}

impl Source<'_> {
    fn record(&self, x: &Explanation, warnings: &[String]) -> Record {
        let mut r = Record::new(
            self.path.to_string(),
            Outcome::Tagged(Box::new(x.tagged.clone())),
            warnings.to_vec(),
        );
        r.record = self.record;
        r.id = self.id.map(str::to_string);
        if let Some(bytes) = self.path_bytes {
            r.path_bytes = Some(bytes.to_vec());
            r.warnings.push(super::NON_UTF8_PATH.to_string());
        }
        r
    }
}

/// The colour of a pole's evidence.
fn pole_color(pole: Pole) -> &'static str {
    match pole {
        Pole::Cio => CIO,
        Pole::Cto => CTO,
    }
}

/// Writes the text with every hit marked, then the axis bars and the label.
///
/// With colour, a counted term is bold in its pole's colour (CIO blue, CTO
/// magenta; context terms not bold) and an ignored one is dimmed. Without
/// colour, a hit reads `[ERP](cio)`, or `[ERP](cio, negated)` when ignored.
/// Control characters of the text are shown as `\u{fffd}` so a posting cannot
/// drive the terminal.
///
/// # Errors
/// The writer's I/O error.
pub fn write_text<W: Write>(
    out: &mut W,
    cx: &Context<'_>,
    source: Source<'_>,
    x: &Explanation,
    warnings: &[String],
) -> io::Result<()> {
    let lex = cx.lexicon;
    // A file name cannot break the block's lines or colour the terminal.
    let path = super::escape_controls(source.path);
    let title = match source.record {
        Some(n) => format!("{path}#{n}"),
        None => path.into_owned(),
    };
    let id = source
        .id
        .map(|id| format!(" (id {id})"))
        .unwrap_or_default();
    if cx.color {
        writeln!(out, "{BOLD}{title}{RESET}{id}")?;
        writeln!(
            out,
            "{DIM}key:{RESET} {BOLD}{CIO}CIO term{RESET}  {BOLD}{CTO}CTO term{RESET}  \
             {CIO}context term{RESET}  {DIM}{CIO}not counted (negated or boilerplate){RESET}"
        )?;
    } else {
        writeln!(out, "{title}{id}")?;
        writeln!(
            out,
            "key: [term](cio) and [term](cto) count; [term](pole, negated|boilerplate) do not"
        )?;
    }
    for w in warnings {
        writeln!(out, "warning: {w}")?;
    }
    writeln!(out)?;

    let text = &x.text;
    let mut at = 0;
    for span in &x.spans {
        if span.range.start < at || span.range.end > text.len() {
            continue; // spans are ordered and disjoint; never trust a broken one
        }
        write_plain(out, &text[at..span.range.start])?;
        let term = &lex.terms[span.term];
        let shown = &text[span.range.clone()];
        let pole = term.pole.as_str();
        if cx.color {
            let style = match span.status {
                Status::Counted if term.context => "",
                Status::Counted => BOLD,
                Status::Negated | Status::Boilerplate => DIM,
            };
            write!(out, "{style}{}", pole_color(term.pole))?;
            write_plain(out, shown)?;
            write!(out, "{RESET}")?;
        } else {
            write!(out, "[")?;
            write_plain(out, shown)?;
            match span.status {
                Status::Counted => write!(out, "]({pole})")?,
                other => write!(out, "]({pole}, {})", other.as_str())?,
            }
        }
        at = span.range.end;
    }
    write_plain(out, &text[at..])?;
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    writeln!(out)?;
    write_bars(out, cx, x)?;
    writeln!(out)?;
    write_verdict(out, cx, x)
}

/// Text with control characters (but newlines and tabs) made harmless; `\r\n` becomes `\n`.
fn write_plain<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c.is_control() && c != '\n' && c != '\t') {
        out.write_all(&rest.as_bytes()[..i])?;
        let c = rest[i..].chars().next().unwrap_or('\u{fffd}');
        if !(c == '\r' && rest[i + 1..].starts_with('\n')) {
            out.write_all("\u{fffd}".as_bytes())?;
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_all(rest.as_bytes())
}

/// The per-axis picture, the same one `tag` draws (see `bars`).
fn write_bars<W: Write>(out: &mut W, cx: &Context<'_>, x: &Explanation) -> io::Result<()> {
    for line in axis_lines(cx, &x.tagged.scores.axes) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn write_verdict<W: Write>(out: &mut W, cx: &Context<'_>, x: &Explanation) -> io::Result<()> {
    let t = &x.tagged;
    let label = t.tagging.label;
    let shown = if cx.color {
        format!("{BOLD}{}{}{RESET}", label_color(label), label.as_str())
    } else {
        label.as_str().to_string()
    };
    let counted = x
        .spans
        .iter()
        .filter(|s| s.status == Status::Counted)
        .count();
    writeln!(
        out,
        "{shown}  score {:+.2}  confidence {:.2}",
        t.tagging.score, t.tagging.confidence
    )?;
    writeln!(
        out,
        "evidence: CIO {:.2}, CTO {:.2}; core {:.2} (a label needs {:.2} and {} terms); \
         blended within +-{:.2} with {:.2} core on each side; {counted} of {} hits counted",
        t.scores.total.cio,
        t.scores.total.cto,
        t.scores.core.total(),
        crate::engine::label::required_evidence(&cx.thresholds, t.scores.words),
        cx.thresholds.min_terms,
        cx.thresholds.blend_margin,
        crate::engine::label::required_evidence(&cx.thresholds, t.scores.words)
            * cx.thresholds.blend_floor,
        x.spans.len(),
    )
}

#[derive(Serialize)]
struct ExplainJson<'a> {
    #[serde(flatten)]
    posting: JsonTagged<'a>,
    text: &'a str,
    hits: Vec<HitJson<'a>>,
}

/// One hit: where it is in `text`, the term and whether it counted.
#[derive(Serialize)]
struct HitJson<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    term: &'a str,
    axis: &'a str,
    pole: &'static str,
    context: bool,
    weight: f64,
    status: &'static str,
}

/// Writes one line of JSON: the posting object of the report, plus `text` (the
/// text that was tagged) and `hits` (`[{start, end, text, term, axis, pole,
/// context, weight, status}]`, in text order, with byte offsets into `text`).
///
/// # Errors
/// The writer's I/O error.
pub fn write_json<W: Write>(
    out: &mut W,
    cx: &Context<'_>,
    source: Source<'_>,
    x: &Explanation,
    warnings: &[String],
) -> io::Result<()> {
    let lex = cx.lexicon;
    let record = source.record(x, warnings);
    let Outcome::Tagged(t) = &record.outcome else {
        return Ok(());
    };
    let hits = x
        .spans
        .iter()
        .filter_map(|s| {
            let term = &lex.terms[s.term];
            Some(HitJson {
                start: s.range.start,
                end: s.range.end,
                text: x.text.get(s.range.clone())?,
                term: &term.name,
                axis: &lex.axes[term.axis].name,
                pole: term.pole.as_str(),
                context: term.context,
                weight: round4(term.weight),
                status: s.status.as_str(),
            })
        })
        .collect();
    let doc = ExplainJson {
        posting: tagged(cx, &record, t),
        text: &x.text,
        hits,
    };
    serde_json::to_writer(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Lexicon, Thresholds};

    fn engine() -> Engine {
        Engine::new(Lexicon::embedded().unwrap(), Thresholds::default()).unwrap()
    }

    const POSTING: &str = "Head of IT\n\nRun the service desk and the ERP for internal users.\r\n\
        No product management experience needed.\n\nBenefits\nWe build software products.\x1b[31m\n";

    fn render(color: bool, json: bool) -> String {
        let e = engine();
        let cx = Context {
            lexicon: e.lexicon(),
            thresholds: e.thresholds(),
            color,
            top: 8,
            keep_fields: &[],
        };
        let x = e.explain_text(POSTING);
        let src = Source {
            path: "p.txt",
            record: None,
            id: None,
            path_bytes: None,
        };
        let mut buf = Vec::new();
        if json {
            write_json(&mut buf, &cx, src, &x, &[]).unwrap();
        } else {
            write_text(&mut buf, &cx, src, &x, &[]).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn plain_text_marks_each_hit_with_its_pole_and_status() {
        let out = render(false, false);
        assert!(out.contains("[service desk](cio)"), "{out}");
        assert!(out.contains("[ERP](cio)"), "{out}");
        assert!(out.contains("[internal users](cio)"), "{out}");
        assert!(out.contains("[product management](cto, negated)"), "{out}");
        assert!(out.contains("(cto, boilerplate)"), "{out}");
        assert!(!out.contains('\x1b'), "no escape codes without colour");
        assert!(!out.contains('\r'), "CRLF is shown as a line end");
        assert!(
            out.contains('\u{fffd}'),
            "the posting's own escape is neutralised"
        );
        assert!(out.contains("cio-like  score -1.00"), "{out}");
        let focus = out.lines().find(|l| l.starts_with("focus")).unwrap();
        assert!(
            focus.contains("inward") && focus.contains("outward"),
            "{focus}"
        );
        let (left, right) = focus.split_once(" | ").unwrap();
        assert!(
            left.contains('\u{2588}') && !right.contains('\u{2588}'),
            "{focus}"
        );
    }

    #[test]
    fn colour_uses_pole_colours_and_dims_ignored_hits() {
        let out = render(true, false);
        assert!(
            out.contains(&format!("{BOLD}{CIO}service desk{RESET}")),
            "{out}"
        );
        assert!(
            out.contains(&format!("{DIM}{CTO}product management{RESET}")),
            "{out}"
        );
        assert!(!out.contains("](cio)"));
    }

    #[test]
    fn json_offsets_index_the_text() {
        let out = render(false, true);
        let v: serde_json::Value = serde_json::from_str(out.trim_end()).unwrap();
        assert_eq!(v["label"], "cio-like");
        assert_eq!(v["schema_version"], 1);
        let text = v["text"].as_str().unwrap();
        assert_eq!(text, POSTING);
        let hits = v["hits"].as_array().unwrap();
        assert!(hits.len() >= 5);
        for h in hits {
            let (s, e) = (h["start"].as_u64().unwrap(), h["end"].as_u64().unwrap());
            assert_eq!(
                &POSTING[s as usize..e as usize],
                h["text"].as_str().unwrap()
            );
        }
        let negated: Vec<_> = hits.iter().filter(|h| h["status"] == "negated").collect();
        assert_eq!(negated.len(), 1);
        assert_eq!(negated[0]["text"], "product management");
    }
}
