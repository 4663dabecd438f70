//! Official letters (GB/T 9704-2012 layout) rendered as DOCX and PDF.
//!
//! - [`Template`] loads `assets/letters/<kind>.tmpl` (run-time directory, or the embedded copy)
//!   and fills it from case facts into a [`LetterData`];
//! - [`render_docx`] writes the WordprocessingML parts directly (schema order, 仿宋_GB2312 etc.
//!   by the names government machines have);
//! - [`render_pdf`] lays the same page out with open CJK fonts found at run time
//!   ([`FontSet::discover`]), embedded as subsets, text selectable.
//!
//! The letters are the 效能告诫书 (Art. B7, after a yellow card) and the 初步调查通知书 (Art. B8,
//! after a red card); their deadline paragraph carries the rectification period of Art. B9.
//! Layout numbers are in [`layout`]; decisions in docs/letters.md.

mod docx;
pub mod layout;
mod model;
mod pdf;
mod template;
mod xml;

pub use docx::render_docx;
pub use model::{CnDate, LetterData, LetterKind};
pub use pdf::fonts::{FontRole, FontSet};
pub use pdf::render_pdf;
pub use template::{demo_facts, template_file_name, Template};

/// How a letter shows a fact nobody has recorded yet (the centre's phone, the unit's leader in
/// charge): a visible gap, never a made-up value. Art. B7: a letter states only facts, so a
/// letter holding one cannot be numbered or issued ([`missing_facts`] finds them).
pub fn missing_fact(label: &str) -> String {
    format!("{MISSING_OPEN}{label}{MISSING_CLOSE}")
}

const MISSING_OPEN: &str = "【待补：";
const MISSING_CLOSE: &str = "】";

/// The labels of the [`missing_fact`] gaps in `text`, in order, each once.
pub fn missing_facts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(MISSING_OPEN) {
        let after = &rest[i + MISSING_OPEN.len()..];
        let Some(j) = after.find(MISSING_CLOSE) else {
            break;
        };
        let label = after[..j].to_string();
        if !out.contains(&label) {
            out.push(label);
        }
        rest = &after[j + MISSING_CLOSE.len()..];
    }
    out
}

/// Whether `value` is a [`missing_fact`] gap (a date filter passes it through unchanged).
pub(crate) fn is_missing_fact(value: &str) -> bool {
    value.starts_with(MISSING_OPEN) && value.ends_with(MISSING_CLOSE)
}

/// Everything that can go wrong while filling or rendering a letter; each names what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("unknown letter kind `{0}` (known: admonition, investigation-notice)")]
    UnknownKind(String),
    #[error("template {template}, line {line}: no value for placeholder `{{{{{placeholder}}}}}`")]
    MissingValue {
        placeholder: String,
        template: String,
        line: usize,
    },
    #[error("template {template}, line {line}: placeholder `{{{{{placeholder}}}}}`: {message}")]
    BadValue {
        placeholder: String,
        template: String,
        line: usize,
        message: String,
    },
    #[error("template {template}, line {line}: {message}")]
    TemplateSyntax {
        template: String,
        line: usize,
        message: String,
    },
    #[error("cannot read template {path}: {message}")]
    TemplateRead { path: String, message: String },
    #[error("letter field `{field}` {message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    #[error("`{0}` is not a valid date")]
    InvalidDate(String),
    #[error("font: {0}")]
    Font(String),
    #[error("no installed font has a glyph for `{ch}` (U+{code:04X}) in {context}; install fonts-noto-cjk")]
    MissingGlyph {
        ch: char,
        code: u32,
        context: String,
    },
    #[error("writing the DOCX container: {0}")]
    Zip(String),
}
