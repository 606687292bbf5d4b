//! HTML to the text a reader sees, with a real parser (html5ever, through `scraper`).
//!
//! Input is an HTML posting's bytes, decoded by the shared encoding rules with
//! a `<meta charset>` hint; output is its visible text. Dropped: `head`,
//! scripts, styles, templates, SVG, forms and their controls, `hidden`
//! elements, and page chrome (`nav`, `aside`, and a `header`/`footer` outside
//! any `article`/`main`). Entities are decoded by the parser. Block elements
//! end lines, list items start with `- `, and blank lines never repeat.
//! The tree is walked without recursion, so deep nesting cannot blow the stack;
//! but html5ever's scope checks make parsing quadratic in nesting depth (40,000
//! unclosed `<div>`s take ~3 s in release, 200,000 over a minute), so a linear
//! pre-scan refuses a document nested deeper than [`MAX_DEPTH`] before parsing.

use std::borrow::Cow;

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use encoding_rs::Encoding;
use scraper::{Html, Node};

use super::{decode, PostingText, ReadError};

/// Elements whose whole subtree is invisible or not part of the posting.
const DROPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "nav", "aside", "button",
    "select", "textarea", "iframe", "object", "canvas",
];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "ul",
];

/// The deepest element nesting parsed. Real postings nest a few dozen deep;
/// at this depth html5ever still takes milliseconds.
pub(super) const MAX_DEPTH: usize = 4096;

/// Extracts the visible text of an HTML document.
pub(super) fn extract(bytes: &[u8]) -> Result<PostingText<'static>, ReadError> {
    let decoded = decode::decode(bytes, meta_charset(bytes))?;
    if is_deeper_than(&decoded.text, MAX_DEPTH) {
        return Err(ReadError::Format(format!(
            "HTML nested more than {MAX_DEPTH} elements deep: not parsed"
        )));
    }
    let doc = Html::parse_document(&decoded.text);
    let visible = visible_text_of(&doc);
    let text = match job_posting(&doc) {
        Some(posting) if words(&posting) * 3 >= words(&visible) => posting,
        _ => visible,
    };
    Ok(PostingText {
        text: Cow::Owned(text),
        warnings: decoded.warnings,
    })
}

/// Elements whose tags mark a text as HTML markup (see [`has_markup`]): those a
/// job board's rich-text editor writes.
const MARKUP: &[&[u8]] = &[
    b"a",
    b"b",
    b"blockquote",
    b"br",
    b"code",
    b"div",
    b"em",
    b"font",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"hr",
    b"i",
    b"li",
    b"ol",
    b"p",
    b"pre",
    b"section",
    b"small",
    b"span",
    b"strong",
    b"sub",
    b"sup",
    b"table",
    b"tbody",
    b"td",
    b"th",
    b"thead",
    b"tr",
    b"u",
    b"ul",
];

/// True when `text` is HTML markup rather than text that mentions a tag: it holds
/// at least two tags of [`MARKUP`]'s elements, one of them an end tag or a `<br>`.
/// "Experience with <div> and <span>" is text; `<p>Run the ERP</p>` is markup.
pub(super) fn has_markup(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut tags, mut closing) = (0usize, false);
    for at in memchr::memchr_iter(b'<', b) {
        let rest = &b[at + 1..];
        let end_tag = rest.first() == Some(&b'/');
        let name_at = &rest[usize::from(end_tag)..];
        let len = name_at
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let follows = name_at.get(len).copied();
        if len == 0 || !matches!(follows, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')) {
            continue;
        }
        let name = name_at[..len].to_ascii_lowercase();
        if !MARKUP.contains(&name.as_slice()) {
            continue;
        }
        tags += 1;
        closing |= end_tag || name == b"br";
        if tags >= 2 && closing {
            return true;
        }
    }
    false
}

/// The visible text of `text` when it is HTML markup ([`has_markup`]), as an
/// `.html` file's would be (blocks become lines, entities decoded); `None` when it
/// is not, or nests too deep to parse.
pub(super) fn markup_text(text: &str) -> Option<String> {
    (has_markup(text) && !is_deeper_than(text, MAX_DEPTH)).then(|| visible_text(text))
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The posting a page states as schema.org `JobPosting` data in a
/// `<script type="application/ld+json">`: its `title`, a blank line, and the text of
/// its `description` (HTML, sometimes escaped twice). Job boards that render the
/// posting with JavaScript (a saved page holds only an empty shell) still carry it
/// there, without the page's chrome. `None` when there is no such object with a
/// description, or the JSON does not parse.
fn job_posting(doc: &Html) -> Option<String> {
    for node in doc.tree.root().descendants() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let is_ld = el.name() == "script"
            && el
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !is_ld {
            continue;
        }
        let json: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(json.trim()) else {
            continue;
        };
        if let Some(text) = find_job_posting(&value, 0) {
            return Some(text);
        }
    }
    None
}

/// How deep [`find_job_posting`] looks into `@graph`s and arrays.
const LD_DEPTH: usize = 4;

fn find_job_posting(value: &serde_json::Value, depth: usize) -> Option<String> {
    use serde_json::Value;
    if depth > LD_DEPTH {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().find_map(|v| find_job_posting(v, depth + 1)),
        Value::Object(obj) => {
            let is_posting = match obj.get("@type") {
                Some(Value::String(t)) => t == "JobPosting",
                Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some("JobPosting")),
                _ => false,
            };
            if is_posting {
                if let Some(text) = posting_text(obj) {
                    return Some(text);
                }
            }
            obj.get("@graph")
                .and_then(|g| find_job_posting(g, depth + 1))
        }
        _ => None,
    }
}

/// A `JobPosting`'s title and description as text, or `None` without a description.
fn posting_text(obj: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let description = obj.get("description")?.as_str()?;
    if is_deeper_than(description, MAX_DEPTH) {
        return None;
    }
    let mut body = visible_text(description);
    // Escaped twice (`&lt;p&gt;` in the JSON): the first pass left the tags as text.
    if body.contains("</") || body.contains("<br") {
        if is_deeper_than(&body, MAX_DEPTH) {
            return None;
        }
        body = visible_text(&body);
    }
    if body.trim().is_empty() {
        return None;
    }
    let title = obj.get("title").and_then(serde_json::Value::as_str);
    Some(match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => format!("{title}\n\n{body}"),
        None => body,
    })
}

/// The encoding named by a `charset=` in the first 1 KiB (a `<meta charset>` or
/// `http-equiv` content type), as browsers pre-scan for it.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let at = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = &head[at + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Elements that never hold others (void) or whose end tag is optional, so the
/// parser closes them itself (`<li>` after `<li>`): they add no depth.
const FLAT: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"source",
    b"track",
    b"wbr",
    b"param",
    b"keygen",
    b"html",
    b"head",
    b"body",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"option",
    b"optgroup",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"caption",
    b"rb",
    b"rt",
    b"rtc",
    b"rp",
];

/// Elements whose content is raw text, not tags, up to their end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
];

/// True when the elements of `html` nest deeper than `limit`, by a linear scan of
/// its tags that follows the parser closely enough for this bound: void and
/// optional-end elements add no depth, comments and raw text are skipped, and
/// `<x/>` closes itself only inside SVG or MathML, as in the parser.
fn is_deeper_than(html: &str, limit: usize) -> bool {
    let b = html.as_bytes();
    let (mut i, mut depth, mut foreign) = (0usize, 0usize, 0usize);
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off + 1;
        if b[at..].starts_with(b"!--") {
            i = find(b, at + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(at) == Some(&b'/');
        let start = at + usize::from(closing);
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if len == 0 || !b[start].is_ascii_alphabetic() {
            i = at; // `<!doctype`, `<?xml`, a lone `<`
            continue;
        }
        let name = b[start..start + len].to_ascii_lowercase();
        let end = memchr::memchr(b'>', &b[start..]).map_or(b.len(), |e| start + e);
        i = (end + 1).min(b.len());
        let self_closed = end > start && b[end - 1] == b'/';
        if matches!(name.as_slice(), b"svg" | b"math") && !self_closed {
            foreign = if closing {
                foreign.saturating_sub(1)
            } else {
                foreign + 1
            };
        }
        if FLAT.contains(&name.as_slice()) || (self_closed && foreign > 0 && !closing) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW_TEXT.contains(&name.as_slice()) {
            let mut close = b"</".to_vec();
            close.extend_from_slice(&name);
            i = find_ignore_case(b, i, &close).unwrap_or(b.len());
            continue;
        }
        depth += 1;
        if depth > limit {
            return true;
        }
    }
    false
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|p| from + p)
}

fn find_ignore_case(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = haystack.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// The visible text of `html`, one line per block.
fn visible_text(html: &str) -> String {
    visible_text_of(&Html::parse_document(html))
}

/// The visible text of a parsed document, one line per block.
fn visible_text_of(doc: &Html) -> String {
    let mut out = TextOut::default();
    let mut skipping = 0usize; // element depth inside a dropped subtree
    let mut content = 0usize; // inside article/main: header/footer belong to the posting
    let mut pre = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                let Some(el) = node.value().as_element() else {
                    if let (0, Some(text)) = (skipping, node.value().as_text()) {
                        out.text(text, pre > 0);
                    }
                    continue;
                };
                if skipping > 0 || is_dropped(node, content > 0) {
                    skipping += 1;
                    continue;
                }
                let name = el.name();
                content += usize::from(matches!(name, "article" | "main"));
                pre += usize::from(name == "pre");
                out.open(name);
            }
            Edge::Close(node) => {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                let name = el.name();
                // Open and Close edges pair up, so these never go below zero.
                content = content.saturating_sub(usize::from(matches!(name, "article" | "main")));
                pre = pre.saturating_sub(usize::from(name == "pre"));
                out.close(name);
            }
        }
    }
    out.finish()
}

/// True when the element at `node` and everything under it is left out.
fn is_dropped(node: NodeRef<'_, Node>, in_content: bool) -> bool {
    let Some(el) = node.value().as_element() else {
        return false;
    };
    if el.attr("hidden").is_some() {
        return true;
    }
    match el.name() {
        "header" | "footer" => !in_content,
        // ASP.NET pages wrap the whole body in one form: keep a form that holds
        // the main content (its buttons and selects are still dropped).
        "form" => !node.descendants().any(|d| {
            d.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "article" | "main" | "h1"))
        }),
        name => DROPPED.contains(&name),
    }
}

/// The text being built: whitespace collapsed as a browser does, lines by block.
#[derive(Default)]
struct TextOut {
    out: String,
    /// Whitespace was seen since the last word: a space goes before the next one.
    space: bool,
}

impl TextOut {
    fn open(&mut self, name: &str) {
        match name {
            "br" => self.newline(),
            "li" => {
                self.end_line();
                self.out.push_str("- ");
            }
            "td" | "th" => self.space = true,
            _ if BLOCKS.contains(&name) => self.end_line(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "td" | "th" => self.space = true,
            _ if BLOCKS.contains(&name) => self.end_line(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str, pre: bool) {
        if pre {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    self.newline();
                }
                self.words(line);
            }
        } else {
            self.words(text);
        }
    }

    fn words(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.space |= text.starts_with(char::is_whitespace);
        for word in text.split_whitespace() {
            if self.space && !self.out.is_empty() && !self.out.ends_with(['\n', ' ']) {
                self.out.push(' ');
            }
            self.out.push_str(word);
            self.space = true;
        }
        self.space = text.ends_with(char::is_whitespace);
    }

    /// Ends the current line if it has anything on it.
    fn end_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.space = false;
    }

    /// A forced line break (`<br>`, a newline in `<pre>`).
    fn newline(&mut self) {
        self.out.push('\n');
        self.space = false;
    }

    /// Trims every line, drops bare list bullets and keeps at most one blank line in a row.
    fn finish(self) -> String {
        let mut text = String::with_capacity(self.out.len());
        let mut blank = true; // no blank line at the start
        for line in self.out.lines().map(str::trim_end) {
            if line.is_empty() || line == "-" {
                if !blank {
                    text.push('\n');
                }
                blank = true;
            } else {
                text.push_str(line);
                text.push('\n');
                blank = false;
            }
        }
        text.truncate(text.trim_end().len());
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: 200,000 nested `<div>`s took 68 s to parse; past [`MAX_DEPTH`] the
    /// document is refused before parsing, at once.
    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!(
            "<html><body>{}IT{}</body></html>",
            "<div>".repeat(200_000),
            "</div>".repeat(200_000)
        );
        let start = std::time::Instant::now();
        let got = extract(deep.as_bytes());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        match got {
            Err(ReadError::Format(m)) => assert!(m.contains("nested more than 4096"), "{m}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let unclosed = "<b>".repeat(MAX_DEPTH + 1);
        assert!(is_deeper_than(&unclosed, MAX_DEPTH));
        let self_closed_divs = "<div/>".repeat(MAX_DEPTH + 1);
        assert!(
            is_deeper_than(&self_closed_divs, MAX_DEPTH),
            "`/` does not close a div"
        );
    }

    #[test]
    fn wide_or_sloppy_documents_are_not_deep() {
        let n = MAX_DEPTH * 2;
        let cases = [
            "<div>x</div>".repeat(n),
            format!("<ul>{}</ul>", "<li>item".repeat(n)),
            format!("<p>{}", "<p>para<br>".repeat(n)),
            format!("<table>{}</table>", "<tr><td>a<td>b".repeat(n)),
            format!("<svg>{}</svg>", "<path d='M0 0'/>".repeat(n)),
            format!("<script>{}</script>", "<div>".repeat(n)),
            format!("<!-- {} -->", "<div>".repeat(n)),
            format!("{}<img src=x>", "<DIV>a</DIV><Br/>".repeat(n)),
        ];
        for html in &cases {
            assert!(!is_deeper_than(html, MAX_DEPTH), "{}", &html[..40]);
        }
        let nested = format!("{}{}", "<div>".repeat(100), "</div>".repeat(100));
        assert!(is_deeper_than(&nested, 99) && !is_deeper_than(&nested, 100));
    }

    fn text(html: &str) -> String {
        extract(html.as_bytes()).unwrap().text.into_owned()
    }

    #[test]
    fn markup_is_told_from_text_that_mentions_tags() {
        let markup = [
            "<p>Run the ERP</p>",
            "line one<br>line two<BR/>line three",
            "\n\n<p style=\"all:revert;\">Own it.</p>\n<ul style=\"x\">\n<li>a</li>",
            "<div><span>IT</span></div>",
            "intro <strong>Role</strong> body",
        ];
        for m in markup {
            assert!(has_markup(m), "{m}");
        }
        let text = [
            "Experience with HTML tags such as <div> and <span>.",
            "Salary <100k, team of <5, x </y>",
            "One <br> only",
            "Generics: Vec<T> and Option<String>",
            "a < b and b > c </ nothing",
            "<custom>tags</custom> of no known element",
            "",
        ];
        for t in text {
            assert!(!has_markup(t), "{t}");
        }
        assert_eq!(
            markup_text("<h3><strong>About Acme</strong></h3><p>We make apps &amp; more.</p>")
                .as_deref(),
            Some("About Acme\nWe make apps & more.")
        );
        assert_eq!(markup_text("Vec<T> & <div>"), None);
    }

    /// A page's schema.org `JobPosting` (JSON-LD) is the posting: read when the page
    /// is a shell its script fills in, and when it is the bulk of what the page
    /// shows; a short summary beside a long visible posting, a broken or foreign
    /// JSON-LD block, or one with no description leave the visible text.
    #[test]
    fn json_ld_job_posting() {
        let ld = |json: &str| format!("<script type=\"application/ld+json\">{json}</script>");
        let shell = format!(
            "<html><head><title>Jobs at Acme</title>{}</head><body><div id=root>Loading…</div></body></html>",
            ld(r#"{"@context": "https://schema.org", "@type": "JobPosting", "title": "IT Manager",
                 "description": "<p>Run the <b>ERP</b> &amp; the service desk.</p><ul><li>Own the budget</li></ul>",
                 "hiringOrganization": {"@type": "Organization", "name": "Acme"}}"#)
        );
        assert_eq!(
            text(&shell),
            "IT Manager\n\nRun the ERP & the service desk.\n- Own the budget"
        );
        // In a @graph, @type as an array, the description escaped twice.
        let graph = ld(
            r#"{"@graph": [{"@type": "WebPage"}, {"@type": ["JobPosting"],
            "description": "&lt;p&gt;Own the &lt;b&gt;network&lt;/b&gt;.&lt;/p&gt;"}]}"#,
        );
        assert_eq!(
            text(&format!("<body><nav>Home</nav>{graph}</body>")),
            "Own the network."
        );
        // The whole posting is on the page too, with chrome: the JSON-LD is taken.
        let page = format!(
            "<body><div>Cookie settings Accept all</div><h1>IT Manager</h1><p>Run the ERP and the \
             service desk.</p>{}</body>",
            ld(
                r#"{"@type": "JobPosting", "title": "IT Manager", "description": "Run the ERP and the service desk."}"#
            )
        );
        assert_eq!(
            text(&page),
            "IT Manager\n\nRun the ERP and the service desk."
        );
        // A summary of under a third of what the page shows: the page is read.
        let long = "Run the ERP, the service desk and the data centre for our plants. ".repeat(4);
        let summary = format!(
            "<body><p>{long}</p>{}</body>",
            ld(r#"{"@type": "JobPosting", "description": "IT lead."}"#)
        );
        assert_eq!(text(&summary), long.trim());
        for other in [
            ld(r#"{"@type": "JobPosting", "description": "<p>"#),
            ld(r#"{"@type": "Organization", "description": "We make apps."}"#),
            ld(r#"{"@type": "JobPosting", "title": "IT Manager", "description": "  "}"#),
            "<script type=text/javascript>{\"@type\": \"JobPosting\", \"description\": \"x\"}</script>".into(),
        ] {
            assert_eq!(text(&format!("<body><p>Own the ERP.</p>{other}</body>")), "Own the ERP.", "{other}");
        }
    }

    #[test]
    fn html_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "script_style_noscript_dropped",
                "<p>ERP<script>var x = '<p>no</p>';</script><style>p{color:red}</style>\
                 <noscript>enable js</noscript> lead</p>",
                "ERP lead",
            ),
            (
                "chrome_dropped",
                "<html><head><title>Jobs</title></head><body><header>Acme Careers</header>\
                 <nav><a href=/>Home</a></nav><aside>Similar jobs</aside>\
                 <p>Own the ERP.</p><footer>© Acme</footer></body></html>",
                "Own the ERP.",
            ),
            (
                "entities_decoded",
                "<p>R&amp;D &lt;platform&gt; &eacute;quipe&nbsp;&#8212; caf&#xe9;</p>",
                "R&D <platform> équipe — café",
            ),
            (
                "blocks_become_lines",
                "<h1>IT Manager</h1><div>Run the<br>service desk</div><p>Own the\n   budget.</p>",
                "IT Manager\nRun the\nservice desk\nOwn the budget.",
            ),
            (
                "list_items_bulleted",
                "<p>You will:</p><ul><li>run the ERP</li><li> own <b>security</b> </li><li></li></ul>",
                "You will:\n- run the ERP\n- own security",
            ),
            (
                "table_rows_are_lines",
                "<table><tr><th>Team</th><td>IT ops</td></tr><tr><td>Budget</td><td>2M</td></tr></table>",
                "Team IT ops\nBudget 2M",
            ),
            (
                "blank_lines_collapse",
                "<p>ERP</p><br><br><br><br><p>budget</p>",
                "ERP\n\nbudget",
            ),
            (
                "posting_inside_article_keeps_its_header",
                "<body><header>Site</header><article><header><h1>Head of IT</h1></header>\
                 <p>Run the ERP.</p><footer>Apply by May</footer></article>\
                 <form><input name=q><button>Search</button></form></body>",
                "Head of IT\nRun the ERP.\nApply by May",
            ),
            (
                "page_wide_form_is_kept",
                "<form id=aspnetForm><h1>CTO</h1><p>Ship the product.</p><button>Apply</button></form>",
                "CTO\nShip the product.",
            ),
            (
                "hidden_and_svg_dropped",
                "<p hidden>secret</p><svg><text>logo</text></svg><template><p>t</p></template><p>ERP</p>",
                "ERP",
            ),
            (
                "pre_keeps_lines",
                "<pre>ERP\n  SAP</pre>",
                "ERP\nSAP",
            ),
            (
                "inline_elements_join",
                "<p>customer<em>-facing</em> <a href=#>products</a></p>",
                "customer-facing products",
            ),
        ];
        for (name, html, want) in cases {
            assert_eq!(text(html), *want, "case {name}");
        }
    }

    #[test]
    fn markup_without_text_is_empty() {
        let err = super::super::extract(
            b"<html><script>x</script></html>",
            super::super::DocFormat::Html,
        )
        .unwrap_err();
        assert!(matches!(err, ReadError::Empty));
    }

    #[test]
    fn charset_table() {
        let cases: &[(&str, &[u8], &str, &[&str])] = &[
            ("utf8", "<p>Café</p>".as_bytes(), "Café", &[]),
            (
                "meta_charset_latin2",
                b"<meta charset=\"iso-8859-2\"><p>Mened\xbeer</p>",
                "Menedžer",
                &["decoded as iso-8859-2 (not valid UTF-8)"],
            ),
            (
                "http_equiv",
                b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>\xcf\xd0</p>",
                "ПР",
                &["decoded as windows-1251 (not valid UTF-8)"],
            ),
            (
                "no_meta_falls_back_to_1252",
                b"<p>Caf\xe9</p>",
                "Café",
                &["decoded as windows-1252 (not valid UTF-8)"],
            ),
            (
                "utf16_bom",
                b"\xFF\xFE<\x00p\x00>\x00E\x00R\x00P\x00",
                "ERP",
                &[],
            ),
        ];
        for (name, bytes, want, warnings) in cases {
            let got = extract(bytes).unwrap_or_else(|e| panic!("case {name}: {e}"));
            assert_eq!(got.text, *want, "case {name}");
            assert_eq!(got.warnings, *warnings, "case {name}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(MAX_DEPTH) + "ERP"; // the deepest parsed
        assert_eq!(text(&html), "ERP");
    }
}
