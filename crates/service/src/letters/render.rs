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

/// Opens `path`, a file of an issued letter, in the system's viewer: only a `.docx` or `.pdf`
/// inside [`letters_dir`] (the page cannot make the console open anything else). The viewer
/// is `xdg-open` (Linux), `open` (macOS), `explorer` (Windows), or the program named by
/// `JIANCHA_OPEN_WITH` (the E2E tests record what was opened). A hand-written spawn rather
/// than an opener crate: the tests need that seam, and the call is one `Command`.
pub fn open_letter_file(svc: &Service, path: &str) -> Result<(), ApiError> {
    let refuse =
        |why: &str| ApiError::new(ErrorCode::InvalidInput, format!("不能打开 {path}：{why}"));
    let dir = letters_dir(svc)
        .canonicalize()
        .map_err(|_| refuse("尚无已生成的文书"))?;
    let file = Path::new(path)
        .canonicalize()
        .map_err(|e| refuse(&format!("文件不存在或无法读取（{e}）")))?;
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !file.starts_with(&dir) || !file.is_file() || !matches!(ext, "pdf" | "docx") {
        return Err(refuse("只能打开本机文书目录中的 DOCX 或 PDF 文书"));
    }
    let program = std::env::var("JIANCHA_OPEN_WITH").unwrap_or_else(|_| {
        if cfg!(target_os = "macos") {
            "open".into()
        } else if cfg!(windows) {
            "explorer".into()
        } else {
            "xdg-open".into()
        }
    });
    std::process::Command::new(&program)
        .arg(&file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reaped when it exits (viewers detach at once), so no zombie is left.
            std::thread::spawn(move || child.wait());
        })
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Unavailable,
                format!(
                    "无法启动文书查看程序 {program}（{}）：可在“文书”列表复制路径后手动打开",
                    match e.kind() {
                        std::io::ErrorKind::NotFound => "找不到该程序".to_string(),
                        std::io::ErrorKind::PermissionDenied => "无权执行该程序".to_string(),
                        _ => e.to_string(),
                    }
                ),
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
/// The letter as it would go out: the template filled from `facts`, with the officer's
/// addressee and body when given. Refused (Art. B7) while it holds a gap — a fact nobody
/// recorded — naming each; `what` is the step refused (编号, 签发).
pub(super) fn complete_letter(
    kind: LetterKind,
    facts: &BTreeMap<String, String>,
    addressee: Option<&str>,
    body: Option<&str>,
    what: &str,
) -> Result<jiancha_letters::LetterData, ApiError> {
    let mut letter = template(kind)?.fill(facts).map_err(letter_err)?;
    if let Some(a) = addressee.filter(|a| !a.trim().is_empty()) {
        letter.recipient = a.trim().to_string();
    }
    if let Some(b) = body {
        letter.set_body_text(b);
    }
    super::facts::require_complete(&letter.missing_facts(), what)?;
    letter.validate().map_err(letter_err)?;
    Ok(letter)
}

/// Renders a complete letter ([`complete_letter`]) to `letters/<year>/<文号>.docx|pdf`.
pub(super) fn render_to_disk(
    svc: &Service,
    kind: LetterKind,
    facts: &BTreeMap<String, String>,
    addressee: Option<&str>,
    body: Option<&str>,
) -> Result<Vec<PathBuf>, ApiError> {
    let number = facts.get("doc_no").cloned().unwrap_or_default();
    let letter = complete_letter(kind, facts, addressee, body, "签发")?;
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
