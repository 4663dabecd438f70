//! The dashboard (总览): open cards now, new since yesterday, the departments with the most open
//! cards and the two charts (issue 5 item 1; docs/queues.md, docs/charts.md).

use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate};
use jiancha_api::queues::{Dashboard, DeptCardCount, QueueCounts, QueueFilter};
use jiancha_api::ApiError;
use jiancha_calendar::{cst, Calendar};
use jiancha_charts::{ChartOptions, CjkFont, DailyCardCounts, DepartmentOpenCards};
use jiancha_store::rusqlite::OptionalExtension;
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
    let mut db = svc.db()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(internal)?;
    crate::queues::refresh_search(&mut db)?;
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
    let mut new_since_yesterday = QueueCounts::default();
    {
        let mut st = db
            .conn()
            .prepare_cached(
                "SELECT level, count(*) FROM signals WHERE began_at >= ?1 AND began_at <= ?2 \
                 GROUP BY level",
            )
            .map_err(internal)?;
        let mut rows = st.query([yesterday, now]).map_err(internal)?;
        while let Some(r) = rows.next().map_err(internal)? {
            let n = r.get::<_, i64>(1).map_err(internal)? as u64;
            match r.get::<_, i64>(0).map_err(internal)? {
                1 => new_since_yesterday.warning = n,
                2 => new_since_yesterday.yellow = n,
                _ => new_since_yesterday.red = n,
            }
        }
        new_since_yesterday.findings = db
            .conn()
            .query_row(
                "SELECT count(*) FROM integrity_findings WHERE observed_at >= ?1 AND observed_at <= ?2",
                [yesterday, now],
                |r| r.get::<_, i64>(0),
            )
            .map_err(internal)? as u64;
    }
    // Open cards per department (all of them for the chart; the top 10 for the list).
    let mut by_dept: Vec<DeptCardCount> = Vec::new();
    {
        let mut st = db
            .conn()
            .prepare_cached(
                "SELECT s.dept_id, coalesce(d.name, s.dept_id), \
                        sum(s.level = 1), sum(s.level = 2), sum(s.level = 3) \
                   FROM case_signals s LEFT JOIN departments d ON d.dept_id = s.dept_id \
                  WHERE s.open = 1 AND s.level > 0 GROUP BY s.dept_id",
            )
            .map_err(internal)?;
        let rows = st
            .query_map([], |r| {
                Ok(DeptCardCount {
                    dept_id: r.get(0)?,
                    dept_name: r.get(1)?,
                    warning: r.get::<_, i64>(2)? as u64,
                    yellow: r.get::<_, i64>(3)? as u64,
                    red: r.get::<_, i64>(4)? as u64,
                })
            })
            .map_err(internal)?;
        for r in rows {
            by_dept.push(r.map_err(internal)?);
        }
    }
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
    {
        let from = day_start(days[0]);
        let mut st = db
            .conn()
            .prepare_cached(
                "SELECT level, began_at FROM signals WHERE began_at >= ?1 AND began_at <= ?2 \
                 LIMIT 5000000",
            )
            .map_err(internal)?;
        let mut rows = st.query([from, now]).map_err(internal)?;
        while let Some(r) = rows.next().map_err(internal)? {
            let level: i64 = r.get(0).map_err(internal)?;
            let t: i64 = r.get(1).map_err(internal)?;
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
                    1 => e.warning += 1,
                    2 => e.yellow += 1,
                    _ => e.red += 1,
                }
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
    let evaluated_at = db
        .conn()
        .query_row(
            "SELECT evaluated_at FROM evaluation_state WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(internal)?;
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
