//! Test-only builders for DOCX, zip and PDF bytes, and the generator of `tests/fixtures/formats/`.
//!
//! Unit tests build small documents here instead of committing binaries for
//! every case. `fixtures_are_current` checks that the committed fixtures are
//! byte-for-byte what [`fixtures`] makes; run it with
//! `ROLETAG_WRITE_FIXTURES=1 cargo test --lib fixtures_are_current` to rewrite them.
#![allow(clippy::unwrap_used)] // test builders panic on setup failure by design

use std::io::{Cursor, Write};
use std::path::PathBuf;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A zip archive of `(name, content)` entries, deflated, with fixed timestamps.
pub(super) fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    for (name, content) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(content.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A minimal Word document, one paragraph per item; a `\t` becomes `w:tab`.
pub(super) fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs {
        let runs: Vec<String> = p
            .split('\t')
            .map(|t| {
                format!(
                    r#"<w:t xml:space="preserve">{}</w:t>"#,
                    quick_xml::escape::escape(t)
                )
            })
            .collect();
        body += &format!("<w:p><w:r>{}</w:r></w:p>", runs.join("<w:tab/>"));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", &document),
    ])
}

/// A one-page PDF with `lines` (ASCII) in Helvetica; no lines gives a page without text.
pub(super) fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut ops = Vec::new();
    if !lines.is_empty() {
        ops.push(Operation::new("BT", vec![]));
        ops.push(Operation::new("Tf", vec!["F1".into(), 12.into()]));
        ops.push(Operation::new("TL", vec![16.into()]));
        ops.push(Operation::new("Td", vec![72.into(), 760.into()]));
        for line in lines {
            ops.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
    }
    let content = Content { operations: ops }.encode().unwrap();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
    });
    let pages = dictionary! {
        "Type" => "Pages",
        "Kids" => vec![page_id.into()],
        "Count" => 1,
        "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A posting that leans CIO (ERP, service desk, internal users).
pub(super) const CIO_LINES: &[&str] = &[
    "IT Manager - Northwind Logistics",
    "Run the service desk and the ERP (SAP S/4HANA) for 400 internal users.",
    "Own the IT budget, vendor contracts and information security.",
];

/// A posting that leans CTO (product engineering, customer-facing features).
pub(super) const CTO_LINES: &[&str] = &[
    "Head of Product Engineering - Fernhill Apps",
    "Own the product roadmap and ship features to our customer-facing mobile apps.",
    "Lead the platform engineering team and the developer experience.",
];

const HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Careers - Fernhill Apps</title>
  <style>body { font-family: sans-serif; } .apply { color: red; }</style>
  <script>window.analytics = { track: function () { return "ERP help desk"; } };</script>
</head>
<body>
  <header><a href="/">Fernhill Apps</a></header>
  <nav><ul><li><a href="/jobs">All jobs</a></li><li><a href="/about">About us</a></li></ul></nav>
  <article>
    <h1>Head of Product Engineering</h1>
    <p>Own the product roadmap &amp; ship features to our customer&#8209;facing mobile apps.</p>
    <ul>
      <li>Lead the platform engineering team</li>
      <li>Improve the developer experience &mdash; CI, tooling &amp; APIs</li>
    </ul>
  </article>
  <noscript>Please enable JavaScript.</noscript>
  <footer>&copy; Fernhill Apps</footer>
  <script src="/tracking.js"></script>
</body>
</html>
"#;

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// Every file of `tests/fixtures/formats/` except its README, by name.
pub(super) fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let cio = CIO_LINES.join("\n") + "\n";
    let md = format!(
        "# {}\n\n- {}\n- {}\n",
        CIO_LINES[0], CIO_LINES[1], CIO_LINES[2]
    );
    let mut cut_docx = docx(CIO_LINES);
    cut_docx.truncate(cut_docx.len() / 2);
    // windows-1252: en dash 0x96, é 0xE9, curly quotes 0x93/0x94, £ 0xA3.
    let latin1 = b"IT Manager \x96 Caf\xe9 Rouge Ltd\n\
        Run the \x93service desk\x94 and the ERP for our caf\xe9 chain.\n\
        Own the IT budget (\xa32M) and vendor contracts.\n";
    // Valid UTF-8 (an em dash, an é) with one stray 0xFF byte.
    let bad_utf8 = [
        "IT Manager \u{2014} Café Rouge Ltd\nRun the service desk and the ERP ".as_bytes(),
        b"\xFF",
        b" for 400 internal users; own the IT budget.\n",
    ]
    .concat();
    vec![
        ("posting.txt", cio.clone().into_bytes()),
        ("posting.md", md.into_bytes()),
        ("posting.html", HTML.as_bytes().to_vec()),
        ("posting.docx", docx(CTO_LINES)),
        ("posting.pdf", pdf(CTO_LINES)),
        ("utf8-bom.txt", [b"\xEF\xBB\xBF".as_slice(), cio.as_bytes()].concat()),
        ("utf16le.txt", utf16(&cio, false)),
        ("utf16be.txt", utf16(&cio, true)),
        ("latin1.txt", latin1.to_vec()),
        ("bad-utf8.txt", bad_utf8),
        ("corrupt.docx", cut_docx),
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage, no xref, no trailer\n".to_vec()),
    ]
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

#[test]
fn fixtures_are_current() {
    let dir = fixtures_dir();
    let write = std::env::var_os("ROLETAG_WRITE_FIXTURES").is_some();
    for (name, bytes) in fixtures() {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == bytes,
                "{} is stale: rerun with ROLETAG_WRITE_FIXTURES=1 and review the diff",
                path.display()
            );
        }
        assert!(bytes.len() < 20 * 1024, "{name} is too big for a fixture");
    }
}

#[test]
fn builders_are_deterministic() {
    assert_eq!(docx(CIO_LINES), docx(CIO_LINES));
    assert_eq!(pdf(CTO_LINES), pdf(CTO_LINES));
}
