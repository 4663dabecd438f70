//! Writes the two dashboard charts with demo data as SVG (and nothing else) into DIR, with
//! the system's CJK font embedded when one is installed: for looking at them.
//!
//! `cargo run -p jiancha-charts --example render_charts -- DIR`, then e.g.
//! `rsvg-convert -o DIR/cards_per_day.png DIR/cards_per_day.svg`.

use chrono::{Datelike, NaiveDate, Weekday};
use jiancha_charts::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: render_charts DIR")?;
    std::fs::create_dir_all(&dir)?;
    let opts = ChartOptions::with_system_font();
    eprintln!("font: {:?}", opts.font);
    let mut days = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2026, 10, 8).ok_or("date")?;
    let mut i = 0u32;
    while days.len() < 30 {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            i += 1;
            days.push(DailyCardCounts {
                date: d,
                warning: 5 + (i * 7) % 11,
                yellow: (i * 5) % 6,
                red: (i * 3) % 4 / 2,
            });
        }
        d = d.succ_opt().ok_or("date")?;
    }
    let depts = [
        ("市市场监督管理局", 23, 9, 3),
        ("市自然资源和规划局", 17, 11, 5),
        ("市住房和城乡建设局", 19, 6, 2),
        ("市人力资源和社会保障局", 12, 4, 1),
        ("新区行政审批局", 11, 0, 0),
    ]
    .iter()
    .map(|&(n, w, y, r)| DepartmentOpenCards {
        department: n.into(),
        warning: w,
        yellow: y,
        red: r,
    })
    .collect::<Vec<_>>();
    for (name, svg) in [
        ("cards_per_day", cards_per_day_svg(&days, &opts)?),
        (
            "open_by_department",
            open_cards_by_department_svg(&depts, &opts)?,
        ),
        ("empty", cards_per_day_svg(&[], &opts)?),
    ] {
        let p = std::path::Path::new(&dir).join(format!("{name}.svg"));
        std::fs::write(&p, svg)?;
        println!("{}", p.display());
    }
    Ok(())
}
