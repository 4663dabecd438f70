//! Letter files: templates, fonts, where the DOCX and PDF go, rendering them to disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiancha_api::{ApiError, ErrorCode};
use jiancha_letters::{FontSet, LetterKind, Template};

use crate::app::Service;
use crate::error::internal;

pub(super) fn letter_err(e: jiancha_letters::LetterError) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("生成文书失败 / rendering the letter failed: {e}"),
    )
}

pub(super) static TEMPLATES_DIR: OnceLock<PathBuf> = OnceLock::new();
pub(super) static FONTS: OnceLock<Result<FontSet, String>> = OnceLock::new();

/// Where the shell found `assets/letters` (its resource dir). Set once at start-up; templates
/// there can be changed without a rebuild. Unset or missing file: the embedded template.
pub fn set_templates_dir(dir: PathBuf) {
    let _ = TEMPLATES_DIR.set(dir);
}

pub(super) fn template(kind: LetterKind) -> Result<Template, ApiError> {
    let dir = TEMPLATES_DIR
        .get()
        .filter(|d| d.join(jiancha_letters::template_file_name(kind)).is_file());
    Template::load(kind, dir.map(PathBuf::as_path)).map_err(letter_err)
}

/// Fonts are discovered once per process (60–80 ms) and reused.
pub(super) fn fonts() -> Result<&'static FontSet, ApiError> {
    FONTS
        .get_or_init(|| FontSet::discover().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Unavailable,
                format!("找不到生成PDF所需的中文字体 / no CJK font for the PDF: {e}"),
            )
        })
}

/// `<data dir>/letters`: next to the cache file.
pub fn letters_dir(svc: &Service) -> PathBuf {
    svc.config()
        .db_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("letters")
}

pub(super) fn letter_paths(svc: &Service, number: &str, year: i32) -> (PathBuf, PathBuf) {
    let dir = letters_dir(svc).join(year.to_string());
    (
        dir.join(format!("{number}.docx")),
        dir.join(format!("{number}.pdf")),
    )
}

pub(super) fn number_year(number: &str) -> i32 {
    // 〔2026〕: the year of a 文号 (GB/T 9704 §7.2.4).
    number
        .split('〔')
        .nth(1)
        .and_then(|s| s.split('〕').next())
        .and_then(|y| y.parse().ok())
        .unwrap_or(0)
}

pub(super) fn existing_files(svc: &Service, number: Option<&str>) -> Vec<String> {
    let Some(n) = number else { return Vec::new() };
    let (d, p) = letter_paths(svc, n, number_year(n));
    [d, p]
        .into_iter()
        .filter(|f| f.is_file())
        .map(|f| f.display().to_string())
        .collect()
}

/// Renders and writes both files; a temporary name first, renamed when both are written.
pub(super) fn render_to_disk(
    svc: &Service,
    kind: LetterKind,
    facts: &BTreeMap<String, String>,
    addressee: Option<&str>,
    body: Option<&str>,
) -> Result<Vec<PathBuf>, ApiError> {
    let number = facts.get("doc_no").cloned().unwrap_or_default();
    let mut letter = template(kind)?.fill(facts).map_err(letter_err)?;
    if let Some(a) = addressee {
        letter.recipient = a.to_string();
    }
    if let Some(b) = body {
        letter.set_body_text(b);
    }
    letter.validate().map_err(letter_err)?;
    let docx = jiancha_letters::render_docx(&letter).map_err(letter_err)?;
    let pdf = jiancha_letters::render_pdf(&letter, fonts()?).map_err(letter_err)?;
    let (dp, pp) = letter_paths(svc, &number, number_year(&number));
    let dir = dp.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| internal(format!("创建目录 {} 失败: {e}", dir.display())))?;
    for (path, bytes) in [(&dp, &docx), (&pp, &pdf)] {
        let tmp = path.with_extension("part");
        std::fs::write(&tmp, bytes)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| internal(format!("写入 {} 失败: {e}", path.display())))?;
    }
    Ok(vec![dp, pp])
}
