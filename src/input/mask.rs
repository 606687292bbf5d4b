//! Title masking: hide the job title so a posting is judged on its body.
//!
//! A title such as "Chief Information Officer" or "VP of Engineering" gives the
//! answer away, and real postings for ambiguous titles ("Head of Technology")
//! rely on the body. [`mask_titles`] replaces the first line when it looks like
//! a title (short, no sentence punctuation) and every technology-leadership
//! title phrase in the text (C-level titles and their acronyms, and
//! seniority + function pairs in either order) with the neutral token
//! [`MASK`]. Input and output are raw text; no matching or scoring here.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

use super::markdown::heading_text;

/// What a masked title becomes.
pub const MASK: &str = "[role]";

/// The longest first line, in words, still taken for a title.
const TITLE_LINE_WORDS: usize = 12;

fn titles() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let functions = "information technology|information systems|information security|\
            technology|technical|engineering|software engineering|software development|\
            product engineering|it|i\\.t\\.|infrastructure|it infrastructure|it operations|\
            technology operations|enterprise (?:systems|applications|technology)|\
            business (?:systems|technology)|digital|digital technology|platform|\
            platform engineering|data|information|innovation|r&d|research and development|\
            development|systems|it services|technology services|corporate it";
        let seniority = "senior vice president|executive vice president|vice president|\
            svp|evp|avp|vp|director|head|manager|lead|leader|chief";
        let pattern = format!(
            r"(?i-u)\b(?:chief(?:\s+[\w&]+){{1,5}}?\s+officer|c(?:io|to|dio|ido|dto|tio|iso|do|po)s?\b|(?:(?:senior|executive|group|global|associate|assistant|deputy|regional)\s+)?(?:{seniority})\s*,?\s+(?:of\s+|for\s+)?(?:{functions})\b|(?:{functions})\s+(?:{seniority})\b)"
        );
        Regex::new(&pattern).unwrap_or_else(|_| Regex::new("$^").expect("trivial regex"))
    })
}

/// Replaces title phrases (and a title-like first line) with [`MASK`].
pub fn mask_titles(text: &str) -> Cow<'_, str> {
    let body_start = first_line_title_end(text);
    let (head, body) = text.split_at(body_start);
    let masked = titles().replace_all(body, MASK);
    if head.is_empty() {
        return masked;
    }
    Cow::Owned(format!("{MASK}{masked}"))
}

/// The byte offset just past a first line that looks like a title, or 0.
fn first_line_title_end(text: &str) -> usize {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let end = trimmed.find('\n').unwrap_or(trimmed.len());
    let line = trimmed[..end].trim();
    let words = line.split_whitespace().count();
    let sentence = line.ends_with('.') || line.ends_with('!') || line.ends_with('?');
    if words == 0
        || words > TITLE_LINE_WORDS
        || sentence
        || end == trimmed.len()
        || is_section_heading(line)
    {
        return 0;
    }
    lead + end
}

/// Whole first lines that head a section, not a role: a description that opens
/// with its company section ("ABOUT RAMP", "## About Acme", "Overview") keeps the
/// heading, which the scope needs to know the section for company copy.
const SECTION_LINES: &[&str] = &[
    "overview",
    "company overview",
    "company description",
    "job description",
    "description",
    "summary",
    "job summary",
    "position summary",
    "who we are",
    "benefits",
    "responsibilities",
    "the role",
    "the opportunity",
    "role overview",
    "introduction",
];

/// True for a line that heads a section: one of [`SECTION_LINES`], or any line
/// starting with the word "about" (no job title does), Markdown heading marks
/// ([`heading_text`]) and a final colon aside.
fn is_section_heading(line: &str) -> bool {
    let h = heading_text(line)
        .trim_end_matches(|c: char| c == ':' || c.is_whitespace())
        .to_lowercase();
    let about = h
        .strip_prefix("about")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()));
    about || SECTION_LINES.contains(&h.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "title_line",
                "Service Desk Lead\n\nRun the help desk.",
                "[role]\n\nRun the help desk.",
            ),
            (
                "c_level_phrase",
                "Reports to the Chief Information Officer.",
                "Reports to the [role].",
            ),
            (
                "c_level_with_and",
                "As Chief Digital and Information Officer you lead.",
                "As [role] you lead.",
            ),
            (
                "acronyms",
                "The CTO and the CIOs meet.",
                "The [role] and the [role] meet.",
            ),
            (
                "seniority_then_function",
                "The VP of Engineering hires. The Head of IT approves.",
                "The [role] hires. The [role] approves.",
            ),
            (
                "function_then_seniority",
                "Our IT Director and the engineering manager agree.",
                "Our [role] and the [role] agree.",
            ),
            (
                "keeps_ordinary_words",
                "Ship the product. Manage the ERP. Lead the team.",
                "Ship the product. Manage the ERP. Lead the team.",
            ),
            (
                "sentence_first_line_kept",
                "We build apps for farmers.\nJoin us.",
                "We build apps for farmers.\nJoin us.",
            ),
            ("single_line_kept", "Run the ERP", "Run the ERP"),
            (
                "company_heading_kept",
                "ABOUT RAMP\n\nWe build finance software. Our CTO hires.",
                "ABOUT RAMP\n\nWe build finance software. Our [role] hires.",
            ),
            (
                "markdown_heading_kept",
                "## About the Role:\nLead the service desk.",
                "## About the Role:\nLead the service desk.",
            ),
            (
                "section_kept",
                "Overview\nRun the ERP.",
                "Overview\nRun the ERP.",
            ),
            (
                "about_in_a_title_word_masked",
                "Aboutique Store IT Lead\nRun the ERP.",
                "[role]\nRun the ERP.",
            ),
            (
                "word_inside_not_masked",
                "Costco sells to actors and directors of photography.",
                "Costco sells to actors and directors of photography.",
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(mask_titles(input), *want, "case {name}");
        }
    }
}
