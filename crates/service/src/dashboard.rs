//! The dashboard (总览): open cards now, new since yesterday, the departments with the most open
//! cards and the two charts (issue 5 item 1; docs/queues.md, docs/charts.md).

use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate};
use jiancha_api::queues::{Dashboard, DeptCardCount, QueueCounts, QueueFilter};
use jiancha_api::ApiError;
use jiancha_calendar::Level;
use jiancha_calendar::{cst, Calendar};
use jiancha_charts::{ChartOptions, CjkFont, DailyCardCounts, DepartmentOpenCards};
use jiancha_feed::db;
use jiancha_store::Db;

use crate::error::{internal, invalid};
use crate::Service;

/// Working days on the daily chart.
pub const WINDOW_DAYS: usize = 30;

/// The system CJK font, found and read once per process (docs/charts.md).
fn font() -> Option<CjkFont> {
    static FONT: OnceLock<Option<CjkFont>> = OnceLock::new();
    FONT.get_or_init(CjkFont::from_system).clone()
}

pub fn dashboard(svc: &Service, now: i64) -> Result<Dashboard, ApiError> {
    // The data is sensitive: only a signed-in, unlocked user reads it (issue 7).
    crate::auth::require(svc, jiancha_workflow::auth::Action::View)?;
    let db = svc.db()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(internal)?;
    dashboard_db(&db, &cal, now, font())
}

fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(cst())
        .single()
        .expect("CST has no gaps")
        .timestamp()
}

pub fn dashboard_db(
    db: &Db,
    cal: &Calendar,
    now: i64,
    font: Option<CjkFont>,
) -> Result<Dashboard, ApiError> {
    let today = DateTime::from_timestamp(now, 0)
        .map(|t| t.with_timezone(&cst()).date_naive())
        .ok_or_else(|| invalid(format!("bad instant {now}")))?;
    let open = crate::queues::counts_db(db, &QueueFilter::default())?;
    let yesterday = day_start(today - Duration::days(1));
    let began = db::evaluation::began_between(db.conn(), yesterday, now)?;
    let new_since_yesterday = QueueCounts {
        warning: began.warning,
        yellow: began.yellow,
        red: began.red,
        findings: db::findings::observed_between(db.conn(), yesterday, now)?,
    };
    // Open cards per department (all of them for the chart; the top 10 for the list).
    let mut by_dept: Vec<DeptCardCount> = db::queue::open_by_department(db.conn())?
        .into_iter()
        .map(|d| DeptCardCount {
            dept_id: d.dept_id,
            dept_name: d.dept_name,
            warning: d.open.warning,
            yellow: d.open.yellow,
            red: d.open.red,
        })
        .collect();
    by_dept.sort_by(|a, b| {
        (b.red + b.yellow + b.warning, b.red, b.yellow)
            .cmp(&(a.red + a.yellow + a.warning, a.red, a.yellow))
            .then_with(|| a.dept_name.cmp(&b.dept_name))
    });
    // The last 30 working days up to today, oldest first; cards by the day they began.
    let mut days = Vec::with_capacity(WINDOW_DAYS);
    let mut d = if cal.is_workday(today) {
        today
    } else {
        cal.prev_workday(today)
    };
    while days.len() < WINDOW_DAYS {
        days.push(d);
        d = cal.prev_workday(d);
    }
    days.reverse();
    let mut daily: Vec<DailyCardCounts> = days
        .iter()
        .map(|&date| DailyCardCounts {
            date,
            warning: 0,
            yellow: 0,
            red: 0,
        })
        .collect();
    for (level, t) in db::evaluation::cards_began_between(db.conn(), day_start(days[0]), now)? {
        let Some(day) =
            DateTime::from_timestamp(t, 0).map(|t| t.with_timezone(&cst()).date_naive())
        else {
            continue;
        };
        // A card that began on a non-working day (a yellow card at 00:00 of a holiday)
        // is counted on the next working day, the day an officer sees it.
        let day = if cal.is_workday(day) {
            day
        } else {
            cal.roll_forward(day)
        };
        if let Ok(i) = days.binary_search(&day) {
            let e = &mut daily[i];
            match level {
                Level::Warning => e.warning += 1,
                Level::Yellow => e.yellow += 1,
                Level::Red | Level::Normal => e.red += 1,
            }
        }
    }
    let opts = ChartOptions {
        font,
        ..ChartOptions::default()
    };
    let cards_per_day_svg = jiancha_charts::cards_per_day_svg(&daily, &opts).map_err(internal)?;
    let dept_chart: Vec<DepartmentOpenCards> = by_dept
        .iter()
        .map(|d| DepartmentOpenCards {
            department: d.dept_name.clone(),
            warning: d.warning as u32,
            yellow: d.yellow as u32,
            red: d.red as u32,
        })
        .collect();
    let open_by_department_svg =
        jiancha_charts::open_cards_by_department_svg(&dept_chart, &opts).map_err(internal)?;
    by_dept.truncate(10);
    let evaluated_at = db::evaluation::evaluated_at(db.conn())?;
    Ok(Dashboard {
        at: now,
        open,
        new_since_yesterday,
        top_departments: by_dept,
        cards_per_day_svg,
        open_by_department_svg,
        evaluated_at,
    })
}
