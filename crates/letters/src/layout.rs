//! The GB/T 9704-2012 page numbers, shared by the DOCX and PDF renderers.
//!
//! Units: twips (1/20 pt) for DOCX, points for PDF; 1 mm = 72/25.4 pt.

/// Millimetres → points.
pub const fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// A4 (`pgSz` 11906 × 16838 twips).
pub const PAGE_W_TW: u32 = 11906;
pub const PAGE_H_TW: u32 = 16838;
/// 天头 37 mm, 订口 28 mm, right 26 mm, bottom 35 mm → 版心 156 × 225 mm.
pub const MARGIN_TOP_TW: u32 = 2098;
pub const MARGIN_LEFT_TW: u32 = 1587;
pub const MARGIN_RIGHT_TW: u32 = 1474;
pub const MARGIN_BOTTOM_TW: u32 = 1984;
/// The type area's width in twips (8845 ≈ 156 mm).
pub const TYPE_W_TW: u32 = PAGE_W_TW - MARGIN_LEFT_TW - MARGIN_RIGHT_TW;
/// 22 lines in 225 mm: 579 twips (28.95 pt) per line.
pub const LINE_PITCH_TW: u32 = 579;
/// 28 characters in 156 mm: 315.9 twips (15.79 pt) per character.
pub const CHARS_PER_LINE: u32 = 28;
pub const LINES_PER_PAGE: u32 = 22;
/// Font sizes in half-points (`w:sz`): 2号 22 pt, 3号 16 pt, 4号 14 pt.
pub const SZ_TITLE: u32 = 44;
pub const SZ_BODY: u32 = 32;
pub const SZ_SMALL: u32 = 28;
/// The 发文机关标志's largest size (half-points): GB/T 9704 leaves it to the issuer; a name
/// longer than 156 mm / 18 pt is set smaller so it fits on one line.
pub const SZ_MARK_MAX: u32 = 72;
/// Title line spacing: fixed 35 pt (a common practice for 2号 titles).
pub const TITLE_PITCH_TW: u32 = 700;

/// Page geometry in points (PDF).
pub const PAGE_W: f32 = PAGE_W_TW as f32 / 20.0;
pub const PAGE_H: f32 = PAGE_H_TW as f32 / 20.0;
pub const MARGIN_TOP: f32 = MARGIN_TOP_TW as f32 / 20.0;
pub const MARGIN_LEFT: f32 = MARGIN_LEFT_TW as f32 / 20.0;
pub const TYPE_W: f32 = TYPE_W_TW as f32 / 20.0;
/// The type area's bottom edge, from the top of the page.
pub const TYPE_BOTTOM: f32 = PAGE_H - MARGIN_BOTTOM_TW as f32 / 20.0;
pub const LINE_PITCH: f32 = LINE_PITCH_TW as f32 / 20.0;
/// The body's character pitch (the 28-per-line grid): 15.79 pt for 16 pt text.
pub const CHAR_PITCH: f32 = TYPE_W / CHARS_PER_LINE as f32;

/// 发文机关标志: its top edge 35 mm below the type area's top (文件格式).
pub const MARK_OFFSET_MM: f32 = 35.0;
/// The red separator: 4 mm below the 发文字号.
pub const RULE_GAP_MM: f32 = 4.0;
/// The red separator's thickness (GB/T 9704 does not say; 0.35–0.5 mm in practice).
pub const RED_RULE_PT: f32 = 1.25;
/// 版记 rules: first and last 0.35 mm, middle 0.25 mm.
pub const BANJI_THICK_PT: f32 = 1.0;
pub const BANJI_THIN_PT: f32 = 0.75;
/// Page number: its top 7 mm below the type area.
pub const PAGE_NO_GAP_MM: f32 = 7.0;
/// `w:pgMar w:footer`: the footer's bottom edge from the page's bottom, so a 4号 line with a
/// 20 pt exact height starts ~7 mm below the type area (35 − 7 − 7 mm ≈ 21 mm).
pub const FOOTER_TW: u32 = 1191;
/// The sealed-letter signature: 成文日期 4 characters in from the right.
pub const DATE_RIGHT_CHARS: f32 = 4.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_gbt9704() {
        assert_eq!(TYPE_W_TW, 8845);
        assert!((TYPE_W - mm(156.0)).abs() < 0.5, "{}", TYPE_W);
        let type_h = TYPE_BOTTOM - MARGIN_TOP;
        assert!((type_h - mm(225.0)).abs() < 0.5, "{type_h}");
        assert!(LINE_PITCH * LINES_PER_PAGE as f32 <= type_h + 0.01);
        assert!((CHAR_PITCH - 15.79).abs() < 0.01, "{CHAR_PITCH}");
    }
}
