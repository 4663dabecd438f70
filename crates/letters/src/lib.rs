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
