//! Charts for the dashboard and leaders' meetings, drawn with plotters as SVG.
//!
//! Two charts (issue 5, dashboard 总览):
//! - [`cards_per_day_svg`]: cards raised per day over the last working days, stacked by
//!   level (预警 / 黄牌 / 红牌, Art. B5);
//! - [`open_cards_by_department_svg`]: open cards per department, horizontal bars, sorted.
//!
//! Inputs are plain structs (no store dependency); outputs are self-contained SVG strings.
//! Text uses an explicit CJK font stack and, when a [`CjkFont`] is given, an `@font-face`
//! with a `data:` URL of a subset of that font covering exactly the characters drawn, so
//! the chart reads the same on a machine without CJK fonts. See docs/charts.md for the CSP.

mod draw;
mod font;
mod svg;

pub use font::{subset_truetype, CjkFont, FontError, SYSTEM_FONT_CANDIDATES};
pub use svg::{svg_data_url, text_chars, EMBEDDED_FAMILY, FONT_STACK};

use chrono::NaiveDate;

/// Cards that started on one day, by level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyCardCounts {
    pub date: NaiveDate,
    /// 预警提示
    pub warning: u32,
    /// 黄牌
    pub yellow: u32,
    /// 红牌
    pub red: u32,
}

/// Open (not closed, not revoked) cards of one department, by level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentOpenCards {
    /// The department's Chinese name as shown to users, e.g. 市市场监督管理局.
    pub department: String,
    pub warning: u32,
    pub yellow: u32,
    pub red: u32,
}

impl DepartmentOpenCards {
    pub fn total(&self) -> u64 {
        u64::from(self.warning) + u64::from(self.yellow) + u64::from(self.red)
    }
}

/// Rendering options shared by both charts.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    /// Overrides the default Chinese title.
    pub title: Option<String>,
    /// A TrueType CJK font to subset and embed; `None` = rely on the font stack only.
    pub font: Option<CjkFont>,
    /// Width of the SVG in pixels (the height follows from the content). Default 1200.
    pub width: u32,
    /// Daily chart: the number of working days the caller passes (the default title says
    /// 近N个工作日). Default 30.
    pub window_days: usize,
    /// Department chart: rows shown before the rest are summed into one 其余 N 个部门 row.
    pub max_departments: usize,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            title: None,
            font: None,
            width: 1200,
            window_days: 30,
            max_departments: 15,
        }
    }
}

impl ChartOptions {
    /// Default options with the system CJK font embedded when one is installed.
    pub fn with_system_font() -> Self {
        ChartOptions {
            font: CjkFont::from_system(),
            ..Self::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart width {0} px is too small (at least 480)")]
    TooNarrow(u32),
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("cannot embed the font: {0}")]
    Font(#[from] FontError),
}

/// 近N个工作日每日亮牌数: one stacked bar per day (预警 bottom, 黄牌, 红牌 top), the day's
/// total above the bar, dates on the x axis. Days are drawn in the order given (callers
/// pass the last 30 working days, oldest first). An empty slice renders 暂无数据.
pub fn cards_per_day_svg(
    days: &[DailyCardCounts],
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    check_width(opts)?;
    let body = draw::cards_per_day(days, opts)?;
    svg::finish(body, opts)
}

/// 各部门未办结亮牌数: one horizontal stacked bar per department, most open cards first
/// (ties: more red, more yellow, then name); rows past `max_departments` are summed into
/// one 其余N个部门 row. An empty slice (or all zero) renders 暂无数据.
pub fn open_cards_by_department_svg(
    rows: &[DepartmentOpenCards],
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    check_width(opts)?;
    let body = draw::open_by_department(rows, opts)?;
    svg::finish(body, opts)
}

fn check_width(opts: &ChartOptions) -> Result<(), ChartError> {
    if opts.width < 480 {
        return Err(ChartError::TooNarrow(opts.width));
    }
    Ok(())
}
