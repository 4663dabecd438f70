//! The two charts, laid out by hand on a plotters drawing area (no chart junk: no frame,
//! no tick marks, light horizontal grid only where it carries the scale).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::svg::FONT_STACK;
use crate::{ChartError, ChartOptions, CjkFont, DailyCardCounts, DepartmentOpenCards};

// Art. B5 levels. Colours chosen to stay apart on a projector and for red-green
// colour-blind readers: blue, amber, dark red.
pub(crate) const WARNING_BLUE: RGBColor = RGBColor(0x2F, 0x6F, 0xD0);
pub(crate) const YELLOW_AMBER: RGBColor = RGBColor(0xF2, 0xA9, 0x00);
pub(crate) const RED_DARK: RGBColor = RGBColor(0xA6, 0x1B, 0x1B);
const INK: RGBColor = RGBColor(0x1F, 0x29, 0x37);
const MUTED: RGBColor = RGBColor(0x4B, 0x55, 0x63);
const GRID: RGBColor = RGBColor(0xE5, 0xE7, 0xEB);
const AXIS: RGBColor = RGBColor(0x9C, 0xA3, 0xAF);
const EMPTY: RGBColor = RGBColor(0x9C, 0xA3, 0xAF);

const LEVELS: [(&str, RGBColor); 3] = [
    ("预警", WARNING_BLUE),
    ("黄牌", YELLOW_AMBER),
    ("红牌", RED_DARK),
];

const TITLE_SIZE: f64 = 30.0;
const LEGEND_SIZE: f64 = 22.0;
const LABEL_SIZE: f64 = 20.0;
const HEADER_H: i32 = 96;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Width of `s` at `size` px: from the font's advances when one is embedded, else an
/// estimate (CJK one em, Latin and digits about 0.58 em).
fn text_width(font: Option<&CjkFont>, s: &str, size: f64) -> f64 {
    match font {
        Some(f) => f.text_width(s, size),
        None => {
            s.chars()
                .map(|c| if c.is_ascii() { 0.58 } else { 1.0 })
                .sum::<f64>()
                * size
        }
    }
}

const SWATCH: i32 = 20;
const LEGEND_GAP: f64 = 28.0;

fn legend_width(font: Option<&CjkFont>) -> f64 {
    LEVELS
        .iter()
        .map(|(l, _)| f64::from(SWATCH) + 8.0 + text_width(font, l, LEGEND_SIZE))
        .sum::<f64>()
        + LEGEND_GAP * (LEVELS.len() - 1) as f64
}

/// Extra header height when the legend does not fit beside the title and goes on its
/// own row under the subtitle (narrow charts).
fn header_extra(font: Option<&CjkFont>, width: i32, title: &str) -> i32 {
    let need = 32.0 + text_width(font, title, TITLE_SIZE) + 40.0 + legend_width(font) + 32.0;
    if need > f64::from(width) {
        44
    } else {
        0
    }
}

struct Canvas<'a, 'f> {
    area: Area<'a>,
    font: Option<&'f CjkFont>,
}

impl Canvas<'_, '_> {
    fn width(&self, s: &str, size: f64) -> f64 {
        text_width(self.font, s, size)
    }

    #[allow(clippy::too_many_arguments)]
    fn text(
        &self,
        s: &str,
        (x, y): (i32, i32),
        size: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
        bold: bool,
    ) -> Result<(), ChartError> {
        // plotters writes font-size = size / 1.24 into the SVG; compensate so `size` is
        // the CSS pixel size.
        let mut font = (FontFamily::Name(FONT_STACK), size * 1.24).into_font();
        if bold {
            font = font.style(FontStyle::Bold);
        }
        let style = font.color(&color).pos(Pos::new(h, v));
        self.area
            .draw(&Text::new(s.to_string(), (x, y), style))
            .map_err(err)
    }

    fn rect(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        c: RGBColor,
    ) -> Result<(), ChartError> {
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
            .map_err(err)
    }

    fn hline(&self, x0: i32, x1: i32, y: i32, c: RGBColor, w: u32) -> Result<(), ChartError> {
        self.area
            .draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(w)))
            .map_err(err)
    }

    fn vline(&self, x: i32, y0: i32, y1: i32, c: RGBColor, w: u32) -> Result<(), ChartError> {
        self.area
            .draw(&PathElement::new(vec![(x, y0), (x, y1)], c.stroke_width(w)))
            .map_err(err)
    }

    /// Title at the top left, legend at the top right, optional subtitle under the title.
    fn header(&self, width: i32, title: &str, subtitle: Option<&str>) -> Result<(), ChartError> {
        self.text(
            title,
            (32, 38),
            TITLE_SIZE,
            INK,
            HPos::Left,
            VPos::Center,
            true,
        )?;
        if let Some(sub) = subtitle {
            self.text(sub, (32, 76), 18.0, MUTED, HPos::Left, VPos::Center, false)?;
        }
        // Legend [■ 预警] [■ 黄牌] [■ 红牌]: right-aligned beside the title, or on its own
        // row under the subtitle when the chart is too narrow for both.
        let (mut x, y) = if header_extra(self.font, width, title) > 0 {
            (32.0, HEADER_H + 12)
        } else {
            (f64::from(width) - 32.0 - legend_width(self.font), 38)
        };
        for (label, color) in LEVELS {
            let xi = x.round() as i32;
            self.rect((xi, y - SWATCH / 2), (xi + SWATCH, y + SWATCH / 2), color)?;
            self.text(
                label,
                (xi + SWATCH + 8, y),
                LEGEND_SIZE,
                INK,
                HPos::Left,
                VPos::Center,
                false,
            )?;
            x += f64::from(SWATCH) + 8.0 + self.width(label, LEGEND_SIZE) + LEGEND_GAP;
        }
        Ok(())
    }

    fn no_data(&self, width: i32, top: i32, bottom: i32) -> Result<(), ChartError> {
        self.rect((32, top), (width - 32, bottom), RGBColor(0xF9, 0xFA, 0xFB))?;
        self.text(
            "暂无数据",
            (width / 2, (top + bottom) / 2),
            36.0,
            EMPTY,
            HPos::Center,
            VPos::Center,
            false,
        )
    }
}

fn render(
    width: u32,
    height: u32,
    font: Option<&CjkFont>,
    f: impl FnOnce(&Canvas<'_, '_>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        area.fill(&WHITE).map_err(err)?;
        let canvas = Canvas { area, font };
        f(&canvas)?;
        canvas.area.present().map_err(err)?;
    }
    Ok(out)
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving at most `max_ticks` intervals up to `max`.
fn nice_step(max: u64, max_ticks: u64) -> u64 {
    let mut pow = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = m * pow;
            if max.div_ceil(step) <= max_ticks {
                return step;
            }
        }
        pow *= 10;
    }
}

pub(crate) fn cards_per_day(
    days: &[DailyCardCounts],
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    let width = opts.width as i32;
    let height = 600;
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| format!("近{}个工作日每日亮牌数", opts.window_days));
    render(opts.width, height as u32, opts.font.as_ref(), |c| {
        let subtitle = match (days.first(), days.last()) {
            (Some(a), Some(b)) => Some(format!(
                "{} 至 {}　按亮牌等级分列",
                a.date.format("%Y-%m-%d"),
                b.date.format("%Y-%m-%d")
            )),
            _ => None,
        };
        c.header(width, &title, subtitle.as_deref())?;
        let extra = header_extra(c.font, width, &title);
        let (top, bottom) = (HEADER_H + 40 + extra, height - 64);
        if days.is_empty() {
            return c.no_data(width, top - 20, bottom + 20);
        }
        let totals: Vec<u64> = days
            .iter()
            .map(|d| u64::from(d.warning) + u64::from(d.yellow) + u64::from(d.red))
            .collect();
        let max = totals.iter().copied().max().unwrap_or(0).max(1);
        let step = nice_step(max, 5);
        let y_max = max.div_ceil(step) * step;

        // Y scale labels and light grid.
        let y_label_w = c.width(&y_max.to_string(), 18.0).ceil() as i32;
        let left = 32 + y_label_w + 14;
        let right = width - 32;
        let y_of =
            |v: u64| bottom - ((v as f64 / y_max as f64) * f64::from(bottom - top)).round() as i32;
        let mut v = 0;
        while v <= y_max {
            let y = y_of(v);
            if v > 0 {
                c.hline(left, right, y, GRID, 1)?;
            }
            c.text(
                &v.to_string(),
                (left - 14, y),
                18.0,
                MUTED,
                HPos::Right,
                VPos::Center,
                false,
            )?;
            v += step;
        }

        let n = days.len() as f64;
        let slot = f64::from(right - left) / n;
        let bar_w = (slot * 0.68).clamp(2.0, 60.0);
        let total_size = if slot >= 30.0 { 16.0 } else { 13.0 };
        // Totals above the bars only when every one fits with a clear gap; otherwise none
        // (the grid carries the scale) rather than a crowded row of numbers.
        let show_totals = totals
            .iter()
            .all(|t| c.width(&t.to_string(), total_size) + 8.0 <= slot);
        for (i, (d, total)) in days.iter().zip(&totals).enumerate() {
            let cx = f64::from(left) + slot * (i as f64 + 0.5);
            let (x0, x1) = (
                (cx - bar_w / 2.0).round() as i32,
                (cx + bar_w / 2.0).round() as i32,
            );
            let mut acc = 0u64;
            for (count, color) in [
                (d.warning, WARNING_BLUE),
                (d.yellow, YELLOW_AMBER),
                (d.red, RED_DARK),
            ] {
                if count == 0 {
                    continue;
                }
                let (lo, hi) = (y_of(acc), y_of(acc + u64::from(count)));
                c.rect((x0, hi), (x1, lo), color)?;
                acc += u64::from(count);
            }
            let label = total.to_string();
            if *total > 0 && show_totals {
                c.text(
                    &label,
                    (cx.round() as i32, y_of(*total) - 6),
                    total_size,
                    INK,
                    HPos::Center,
                    VPos::Bottom,
                    false,
                )?;
            }
        }
        c.hline(left, right, bottom, AXIS, 2)?;
        if totals.iter().all(|t| *t == 0) {
            c.text(
                "此期间无亮牌",
                ((left + right) / 2, (top + bottom) / 2),
                28.0,
                EMPTY,
                HPos::Center,
                VPos::Center,
                false,
            )?;
        }

        // Dates under the bars, thinned so they never overlap; the latest day always shown.
        let fmt = |d: &DailyCardCounts| d.date.format("%-m月%-d日").to_string();
        let widest = days
            .iter()
            .map(|d| c.width(&fmt(d), 17.0))
            .fold(0.0, f64::max);
        let every = ((widest + 12.0) / slot).ceil().max(1.0) as usize;
        for i in (0..days.len()).rev().step_by(every) {
            let d = &days[i];
            let cx = (f64::from(left) + slot * (i as f64 + 0.5)).round() as i32;
            c.text(
                &fmt(d),
                (cx, bottom + 14),
                17.0,
                MUTED,
                HPos::Center,
                VPos::Top,
                false,
            )?;
        }
        Ok(())
    })
}

/// Truncates `s` with "…" so it fits `max_w` at `size`.
fn fit(c: &Canvas<'_, '_>, s: &str, size: f64, max_w: f64) -> String {
    if c.width(s, size) <= max_w {
        return s.to_string();
    }
    let mut out: String = String::new();
    for ch in s.chars() {
        let mut next = out.clone();
        next.push(ch);
        next.push('…');
        if c.width(&next, size) > max_w {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

pub(crate) fn open_by_department(
    rows: &[DepartmentOpenCards],
    opts: &ChartOptions,
) -> Result<String, ChartError> {
    let mut sorted: Vec<DepartmentOpenCards> =
        rows.iter().filter(|r| r.total() > 0).cloned().collect();
    sorted.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then(b.red.cmp(&a.red))
            .then(b.yellow.cmp(&a.yellow))
            .then(a.department.cmp(&b.department))
    });
    let max_rows = opts.max_departments.max(1);
    let mut rest: Option<DepartmentOpenCards> = None;
    if sorted.len() > max_rows {
        let tail = sorted.split_off(max_rows - 1);
        let sum =
            |f: fn(&DepartmentOpenCards) -> u32| tail.iter().map(f).fold(0u32, u32::saturating_add);
        rest = Some(DepartmentOpenCards {
            department: format!("其余{}个部门", tail.len()),
            warning: sum(|r| r.warning),
            yellow: sum(|r| r.yellow),
            red: sum(|r| r.red),
        });
    }
    let row_h = 48;
    let width = opts.width as i32;
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| "各部门未办结亮牌数".to_string());
    let top = HEADER_H + 24 + header_extra(opts.font.as_ref(), width, &title);
    let n_rows = sorted.len() + usize::from(rest.is_some());
    let height = if n_rows == 0 {
        top + 4 * row_h + 40
    } else {
        top + n_rows as i32 * row_h + 32
    };
    render(opts.width, height as u32, opts.font.as_ref(), |c| {
        let total_all: u64 = sorted.iter().chain(rest.iter()).map(|r| r.total()).sum();
        let subtitle = (n_rows > 0).then(|| {
            format!(
                "共{}个部门　{}张未办结",
                rows.iter().filter(|r| r.total() > 0).count(),
                total_all
            )
        });
        c.header(width, &title, subtitle.as_deref())?;
        if n_rows == 0 {
            return c.no_data(width, top, height - 40);
        }
        let names: Vec<String> = sorted
            .iter()
            .chain(rest.iter())
            .map(|r| fit(c, &r.department, LABEL_SIZE, f64::from(width) * 0.3))
            .collect();
        let label_w = names
            .iter()
            .map(|n| c.width(n, LABEL_SIZE))
            .fold(0.0, f64::max)
            .ceil() as i32;
        let left = 32 + label_w + 16;
        let max = sorted
            .iter()
            .chain(rest.iter())
            .map(|r| r.total())
            .max()
            .unwrap_or(1)
            .max(1);
        let value_w = c.width(&max.to_string(), LABEL_SIZE).ceil() as i32 + 12;
        let span = f64::from(width - 32 - value_w - left);
        for (i, (r, name)) in sorted.iter().chain(rest.iter()).zip(&names).enumerate() {
            let y_mid = top + i as i32 * row_h + row_h / 2;
            let is_rest = rest.is_some() && i == n_rows - 1;
            c.text(
                name,
                (left - 16, y_mid),
                LABEL_SIZE,
                if is_rest { MUTED } else { INK },
                HPos::Right,
                VPos::Center,
                false,
            )?;
            let mut acc = 0u64;
            let x_of = |v: u64| left + (v as f64 / max as f64 * span).round() as i32;
            for (count, color) in [
                (r.warning, WARNING_BLUE),
                (r.yellow, YELLOW_AMBER),
                (r.red, RED_DARK),
            ] {
                if count == 0 {
                    continue;
                }
                let (x0, x1) = (x_of(acc), x_of(acc + u64::from(count)).max(x_of(acc) + 2));
                c.rect((x0, y_mid - 15), (x1, y_mid + 15), color)?;
                acc += u64::from(count);
            }
            c.text(
                &r.total().to_string(),
                (x_of(acc).max(left + 2) + 10, y_mid),
                LABEL_SIZE,
                INK,
                HPos::Left,
                VPos::Center,
                true,
            )?;
        }
        c.vline(left, top + 4, top + n_rows as i32 * row_h - 4, AXIS, 2)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(1, 5), 1);
        assert_eq!(nice_step(7, 5), 2);
        assert_eq!(nice_step(23, 5), 5);
        assert_eq!(nice_step(120, 5), 50);
    }
}
