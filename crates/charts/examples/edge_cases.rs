//! Edge-case charts for eyeballing: few days, big numbers, all zero, long names.
//! `cargo run -p jiancha-charts --example edge_cases -- DIR`

use chrono::NaiveDate;
use jiancha_charts::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: edge_cases DIR")?;
    std::fs::create_dir_all(&dir)?;
    let opts = ChartOptions::with_system_font();
    let day = |i: u32, w, y, r| DailyCardCounts {
        date: NaiveDate::from_ymd_opt(2026, 11, 1 + i).expect("date"),
        warning: w,
        yellow: y,
        red: r,
    };
    let few: Vec<_> = (0..5).map(|i| day(i, 3 + i, i % 2, 1)).collect();
    let big: Vec<_> = (0..29)
        .map(|i| day(i, 900 + i * 37, 400 + i * 11, 120 + i * 5))
        .collect();
    let zero: Vec<_> = (0..29).map(|i| day(i, 0, 0, 0)).collect();
    let long = vec![
        DepartmentOpenCards {
            department: "某某市某某区人力资源和社会保障局行政审批服务科（窗口）".into(),
            warning: 1200,
            yellow: 300,
            red: 45,
        },
        DepartmentOpenCards {
            department: "市税务局".into(),
            warning: 0,
            yellow: 0,
            red: 1,
        },
    ];
    for (name, svg) in [
        ("few", cards_per_day_svg(&few, &opts)?),
        ("big", cards_per_day_svg(&big, &opts)?),
        ("zero", cards_per_day_svg(&zero, &opts)?),
        ("long", open_cards_by_department_svg(&long, &opts)?),
        (
            "narrow",
            open_cards_by_department_svg(
                &long,
                &ChartOptions {
                    width: 600,
                    ..opts.clone()
                },
            )?,
        ),
    ] {
        let p = std::path::Path::new(&dir).join(format!("{name}.svg"));
        std::fs::write(&p, svg)?;
        println!("{}", p.display());
    }
    Ok(())
}
