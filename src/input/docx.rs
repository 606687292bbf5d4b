//! DOCX to text: the body of `word/document.xml`, read with `zip` and `quick-xml`.
//!
//! Input is a `.docx` file's bytes; output is one line per paragraph (`w:p`),
//! its text runs (`w:t`) joined, `w:tab` as a tab and `w:br`/`w:cr` as line
//! breaks. Left out: deleted text (`w:delText`), field codes, tab-stop
//! definitions and the fallback copy of text boxes (`mc:Fallback`), which would
//! repeat them. Headers, footers and notes live in other parts and are not read.
//! A corrupt zip, a missing `word/document.xml` or broken XML is a
//! [`ReadError::Format`] starting `cannot read DOCX:`; nothing here panics.

use std::io::{Cursor, Read};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::ReadError;

/// The most of `word/document.xml` that is inflated, so a zip bomb cannot fill memory.
const MAX_XML: u64 = 64 * 1024 * 1024;

/// Extracts the paragraphs of a DOCX file, at most `max_text` bytes of them. The
/// warnings say when the text or the XML was cut.
pub(super) fn text(bytes: &[u8], max_text: usize) -> Result<(String, Vec<String>), ReadError> {
    let fail = |message: String| ReadError::Format(format!("cannot read DOCX: {message}"));
    let (xml, xml_cut) = document_xml(bytes).map_err(fail)?;
    let mut warnings = Vec::new();
    if xml_cut {
        warnings.push(format!(
            "word/document.xml inflates to more than {} MiB: only its first {} MiB read",
            MAX_XML >> 20,
            MAX_XML >> 20
        ));
    }
    let (text, text_cut) =
        paragraphs(&xml, max_text, xml_cut).map_err(|m| fail(format!("word/document.xml: {m}")))?;
    if text_cut {
        warnings.push(format!(
            "text truncated to {} bytes (--max-bytes; the document holds more)",
            text.len()
        ));
    }
    Ok((text, warnings))
}

/// The document's XML, and whether it was cut at [`MAX_XML`].
fn document_xml(bytes: &[u8]) -> Result<(String, bool), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a valid zip archive ({e})"))?;
    let entry = zip.by_name("word/document.xml").map_err(|e| match e {
        zip::result::ZipError::FileNotFound => {
            "no word/document.xml in the archive (not a Word document)".to_string()
        }
        e => format!("word/document.xml: {e}"),
    })?;
    let mut xml = Vec::new();
    // One byte over tells a cut document from one of exactly MAX_XML bytes.
    entry
        .take(MAX_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("word/document.xml: {e}"))?;
    let cut = xml.len() as u64 > MAX_XML;
    xml.truncate(usize::try_from(MAX_XML).unwrap_or(xml.len()));
    // Word writes UTF-8; anything else is damage, which the XML parse will report.
    Ok((String::from_utf8_lossy(&xml).into_owned(), cut))
}

/// The text of every `w:p` in `xml`, one line each, cut to at most `max` bytes
/// (at a character boundary; the flag says so). When `xml_cut`, the XML was cut
/// short, and an error at its end is the cut: the text so far is kept.
fn paragraphs(xml: &str, max: usize, xml_cut: bool) -> Result<(String, bool), String> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut in_text = false; // inside w:t
    let mut hidden = 0usize; // depth inside mc:Fallback or w:tabs
    loop {
        if out.len() > max {
            let mut end = max;
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
            return Ok((out, true));
        }
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) if xml_cut => return Ok((out, false)),
            Err(e) => return Err(format!("{e} (at byte {})", reader.error_position())),
        };
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"w:t" => in_text = true,
                b"mc:Fallback" | b"w:tabs" => hidden += 1,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" if hidden == 0 => out.push('\n'),
                b"mc:Fallback" | b"w:tabs" => hidden = hidden.saturating_sub(1),
                _ => {}
            },
            Event::Empty(e) if hidden == 0 => match e.name().as_ref() {
                b"w:tab" => out.push('\t'),
                b"w:br" | b"w:cr" | b"w:p" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text && hidden == 0 => {
                out.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::CData(t) if in_text && hidden == 0 => {
                out.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(r) if in_text && hidden == 0 => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    out.push(c);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    let entity = resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("unknown entity &{name};"))?;
                    out.push_str(entity);
                }
            }
            Event::Eof => return Ok((out, false)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testdata;
    use super::*;

    fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{inner}</w:body></w:document>"#
        )
    }

    #[test]
    fn document_xml_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "paragraphs_are_lines",
                "<w:p><w:r><w:t>IT Manager</w:t></w:r></w:p><w:p><w:r><w:t>Own the ERP.</w:t></w:r></w:p>",
                "IT Manager\nOwn the ERP.\n",
            ),
            (
                "runs_join",
                r#"<w:p><w:r><w:t xml:space="preserve">Own the </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ERP</w:t></w:r></w:p>"#,
                "Own the ERP\n",
            ),
            (
                "tabs_and_breaks",
                "<w:p><w:r><w:t>Team</w:t><w:tab/><w:t>IT</w:t><w:br/><w:t>Budget</w:t></w:r></w:p>",
                "Team\tIT\nBudget\n",
            ),
            (
                "tab_stops_are_not_tabs",
                r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>ERP</w:t></w:r></w:p>"#,
                "ERP\n",
            ),
            (
                "entities_decoded",
                "<w:p><w:r><w:t>R&amp;D &#8212; caf&#xE9;</w:t></w:r></w:p>",
                "R&D \u{2014} café\n",
            ),
            (
                "deleted_text_and_field_codes_left_out",
                "<w:p><w:r><w:delText>old</w:delText><w:instrText>PAGE</w:instrText><w:t>new</w:t></w:r></w:p>",
                "new\n",
            ),
            (
                "text_box_fallback_not_repeated",
                "<w:p><w:r><mc:AlternateContent><mc:Choice><w:p><w:r><w:t>Box</w:t></w:r></w:p></mc:Choice>\
                 <mc:Fallback><w:p><w:r><w:t>Box</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r></w:p>",
                "Box\n\n",
            ),
            ("empty_paragraph", "<w:p/><w:p></w:p>", "\n\n"),
        ];
        for (name, inner, want) in cases {
            let got = paragraphs(&body(inner), usize::MAX, false)
                .unwrap_or_else(|e| panic!("case {name}: {e}"));
            assert_eq!(got, (want.to_string(), false), "case {name}");
        }
    }

    #[test]
    fn docx_round_trip() {
        let bytes = testdata::docx(&["Head of IT", "Own the ERP\tand the service desk."]);
        assert_eq!(
            text(&bytes, usize::MAX).unwrap(),
            (
                "Head of IT\nOwn the ERP\tand the service desk.\n".to_string(),
                vec![]
            )
        );
    }

    /// Issue 16: the text of an inflating DOCX is cut at `--max-bytes`, with a
    /// warning, instead of silently at 64 MiB of XML.
    #[test]
    fn text_is_cut_at_max_bytes_with_a_warning() {
        let bytes = testdata::docx(&["Head of IT", "Own the ERP \u{e9}\u{e9}\u{e9} and more."]);
        let (text, warnings) = super::text(&bytes, 15).unwrap();
        assert_eq!(text, "Head of IT\nOwn ");
        assert_eq!(
            warnings,
            ["text truncated to 15 bytes (--max-bytes; the document holds more)"]
        );
        let (text, _) = super::text(&bytes, 24).unwrap();
        assert_eq!(text, "Head of IT\nOwn the ERP "); // not inside the two-byte é
        let (_, warnings) = super::text(&bytes, 1000).unwrap();
        assert!(warnings.is_empty());
        let xml =
            "<w:document><w:body><w:p><w:r><w:t>Own the ERP</w:t></w:r></w:p><w:p w:rsidR=\"00";
        assert!(paragraphs(xml, usize::MAX, false).is_err());
        assert_eq!(
            paragraphs(xml, usize::MAX, true).unwrap(),
            ("Own the ERP\n".to_string(), false),
            "the end of a cut XML is not an error"
        );
    }

    #[test]
    fn bad_docx_is_an_error_table() {
        let no_document = testdata::zip(&[("word/styles.xml", "<w:styles/>")]);
        let bad_xml = testdata::zip(&[("word/document.xml", "<w:document><w:body></w:p>")]);
        let mut cut = testdata::docx(&["Own the ERP."]);
        cut.truncate(cut.len() / 2);
        let cases: &[(&str, &[u8], &str)] = &[
            (
                "not_a_zip",
                b"this is not a zip",
                "cannot read DOCX: not a valid zip archive",
            ),
            (
                "empty_file",
                b"",
                "cannot read DOCX: not a valid zip archive",
            ),
            (
                "truncated_zip",
                &cut,
                "cannot read DOCX: not a valid zip archive",
            ),
            (
                "no_document_xml",
                &no_document,
                "cannot read DOCX: no word/document.xml",
            ),
            (
                "broken_xml",
                &bad_xml,
                "cannot read DOCX: word/document.xml: ",
            ),
        ];
        for (name, bytes, want) in cases {
            let err = text(bytes, usize::MAX).unwrap_err().to_string();
            assert!(err.starts_with(want), "case {name}: {err}");
        }
    }
}
