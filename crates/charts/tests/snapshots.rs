//! Snapshot tests of the dashboard charts' SVGs (issue 5 item 7).
//!
//! The expected files live in `tests/snapshots/`; a drift fails the test and writes the
//! new output beside it as `NAME.actual.svg`. `UPDATE_SNAPSHOTS=1 cargo test -p
//! jiancha-charts` rewrites them (and regenerates the font fixture from the system's
//! WenQuanYi Micro Hei). How to look at them: docs/charts.md.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, Weekday};
use jiancha_charts::*;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

fn updating() -> bool {
    std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1")
}

const FIXTURE: &str = "wqy-microhei-subset.ttf";

/// 30 working days ending 2026-11-17 (weekdays, plus the make-up Saturday 2026-10-10),
/// with deterministic counts.
fn days() -> Vec<DailyCardCounts> {
    let mut d = NaiveDate::from_ymd_opt(2026, 10, 8).unwrap();
    let mut seed = 7u32;
    let mut next = |m: u32| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) % m
    };
    let mut out = Vec::new();
    while out.len() < 30 {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend || d == NaiveDate::from_ymd_opt(2026, 10, 10).unwrap() {
            out.push(DailyCardCounts {
                date: d,
                warning: 4 + next(14),
                yellow: next(7),
                red: next(4) * next(2),
            });
        }
        d = d.succ_opt().unwrap();
    }
    out
}

fn departments() -> Vec<DepartmentOpenCards> {
    let names = [
        ("市市场监督管理局", 23, 9, 3),
        ("市自然资源和规划局", 17, 11, 5),
        ("市住房和城乡建设局", 19, 6, 2),
        ("市人力资源和社会保障局", 12, 4, 1),
        ("市生态环境局", 9, 5, 0),
        ("市交通运输局", 8, 2, 2),
        ("市卫生健康委员会", 6, 3, 1),
        ("新区行政审批局", 11, 0, 0),
        ("市公安局", 5, 2, 0),
        ("市教育局", 4, 1, 1),
        ("东城区市场监督管理局", 3, 2, 1),
        ("市民政局", 4, 1, 0),
        ("市农业农村局", 3, 1, 0),
        ("西湖县自然资源局", 2, 1, 1),
        ("市文化广电旅游局", 3, 0, 0),
        ("市应急管理局", 2, 0, 0),
        ("市水利局", 1, 1, 0),
        ("市商务局", 1, 0, 0),
        ("市档案局", 0, 0, 0),
    ];
    names
        .iter()
        .map(|&(n, w, y, r)| DepartmentOpenCards {
            department: n.to_string(),
            warning: w,
            yellow: y,
            red: r,
        })
        .collect()
}

/// The test font: a subset of WenQuanYi Micro Hei (Apache-2.0) covering the test data,
/// committed so the snapshots do not depend on the machine's fonts.
fn font() -> CjkFont {
    let path = dir("fixtures").join(FIXTURE);
    if updating() {
        let sys = CjkFont::from_file(SYSTEM_FONT_CANDIDATES[0].0, 0)
            .expect("UPDATE_SNAPSHOTS=1 needs fonts-wqy-microhei installed");
        let plain = ChartOptions::default();
        let mut chars: BTreeSet<char> = (' '..='~').collect();
        for svg in [
            cards_per_day_svg(&days(), &plain).unwrap(),
            cards_per_day_svg(&[], &plain).unwrap(),
            open_cards_by_department_svg(&departments(), &plain).unwrap(),
            open_cards_by_department_svg(&[], &plain).unwrap(),
        ] {
            chars.extend(text_chars(&svg));
        }
        // Tests run in parallel: write aside and rename, so no reader sees half a file.
        let tmp = path.with_extension(
            format!("tmp{:?}", std::thread::current().id()).replace(['(', ')'], ""),
        );
        std::fs::write(&tmp, sys.subset(&chars).unwrap()).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    CjkFont::from_file(&path, 0).expect("font fixture")
}

fn check_snapshot(name: &str, actual: &str) {
    let path = dir("snapshots").join(format!("{name}.svg"));
    let stale = dir("snapshots").join(format!("{name}.actual.svg"));
    if updating() {
        std::fs::write(&path, actual).unwrap();
        let _ = std::fs::remove_file(&stale);
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing snapshot {}: {e}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        std::fs::write(&stale, actual).unwrap();
        panic!(
            "chart {name} drifted from {}; new output in {} (UPDATE_SNAPSHOTS=1 to accept)",
            path.display(),
            stale.display()
        );
    }
}

fn opts() -> ChartOptions {
    ChartOptions {
        font: Some(font()),
        ..ChartOptions::default()
    }
}

#[test]
fn cards_per_day_snapshot() {
    let svg = cards_per_day_svg(&days(), &opts()).unwrap();
    check_snapshot("cards_per_day", &svg);
    for label in [
        "近30个工作日每日亮牌数",
        "预警",
        "黄牌",
        "红牌",
        "11月17日",
        "2026-10-08 至 2026-11-17",
    ] {
        assert!(svg.contains(label), "missing label {label}");
    }
}

#[test]
fn cards_per_day_without_font_snapshot() {
    let svg = cards_per_day_svg(&days(), &ChartOptions::default()).unwrap();
    assert!(!svg.contains("@font-face"), "no font given, none embedded");
    assert!(svg.contains("Noto Sans CJK SC"), "system font stack named");
    check_snapshot("cards_per_day_system_font", &svg);
}

#[test]
fn open_by_department_snapshot() {
    let svg = open_cards_by_department_svg(&departments(), &opts()).unwrap();
    check_snapshot("open_by_department", &svg);
    // Sorted by open cards, most first: 35, 33, 27, …; the 15th row sums the remaining
    // four departments with cards (the one with none is left out).
    let pos = |s: &str| {
        svg.find(&format!(">\n{s}\n</text>"))
            .unwrap_or_else(|| panic!("missing label {s}"))
    };
    assert!(pos("市市场监督管理局") < pos("市自然资源和规划局"));
    assert!(pos("市自然资源和规划局") < pos("市住房和城乡建设局"));
    assert!(pos("市住房和城乡建设局") < pos("其余4个部门"));
    assert!(
        !svg.contains("市档案局"),
        "a department with no open card is not drawn"
    );
    assert!(!svg.contains("市商务局"), "summed into the rest row");
    assert!(svg.contains("共18个部门"));
}

#[test]
fn empty_inputs_render_no_data() {
    for svg in [
        cards_per_day_svg(&[], &opts()).unwrap(),
        open_cards_by_department_svg(&[], &opts()).unwrap(),
    ] {
        assert!(svg.contains("暂无数据"));
    }
    check_snapshot(
        "cards_per_day_empty",
        &cards_per_day_svg(&[], &opts()).unwrap(),
    );
    check_snapshot(
        "open_by_department_empty",
        &open_cards_by_department_svg(&[], &opts()).unwrap(),
    );
}

#[test]
fn crowded_totals_are_left_out_and_an_all_zero_period_says_so() {
    let mut big = days();
    for d in &mut big {
        d.warning *= 211;
    }
    let svg = cards_per_day_svg(&big, &ChartOptions::default()).unwrap();
    let total = u64::from(big[0].warning) + u64::from(big[0].yellow) + u64::from(big[0].red);
    assert!(
        !svg.contains(&format!(">\n{total}\n</text>")),
        "4-digit totals do not fit 30 bars"
    );
    let totals_small = cards_per_day_svg(&days(), &ChartOptions::default()).unwrap();
    let d0 = days()[0];
    let t0 = d0.warning + d0.yellow + d0.red;
    assert!(totals_small.contains(&format!(">\n{t0}\n</text>")));

    let mut zero = days();
    for d in &mut zero {
        (d.warning, d.yellow, d.red) = (0, 0, 0);
    }
    let svg = cards_per_day_svg(&zero, &ChartOptions::default()).unwrap();
    assert!(svg.contains("此期间无亮牌"));
    assert!(!svg.contains("暂无数据"));
}

#[test]
fn narrow_chart_moves_the_legend_under_the_title() {
    let narrow = ChartOptions {
        width: 600,
        ..ChartOptions::default()
    };
    let svg = open_cards_by_department_svg(&departments(), &narrow).unwrap();
    let y_of = |label: &str| -> i32 {
        let i = svg.find(&format!(">\n{label}\n</text>")).unwrap();
        let tag = &svg[svg[..i].rfind("<text").unwrap()..i];
        let y = tag.split("y=\"").nth(1).unwrap().split('"').next().unwrap();
        y.parse().unwrap()
    };
    assert!(y_of("预警") > y_of("各部门未办结亮牌数") + 40);
    let wide = open_cards_by_department_svg(&departments(), &ChartOptions::default()).unwrap();
    assert!(wide.contains("width=\"1200\""));
}

#[test]
fn names_from_the_feed_are_escaped_so_the_svg_can_be_inlined() {
    let rows = vec![DepartmentOpenCards {
        department: "<script>alert('x')</script>&局".into(),
        warning: 1,
        yellow: 0,
        red: 0,
    }];
    let svg = open_cards_by_department_svg(&rows, &ChartOptions::default()).unwrap();
    assert!(!svg.contains("<script"), "markup in a name must be escaped");
    assert!(svg.contains("&lt;script&gt;"));
    assert!(svg.contains("&amp;局"));
}
