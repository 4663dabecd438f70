//! Data-integrity findings about the feed itself (Art. A9(2)(8) falsified data / evading
//! supervision; Art. B4(5) 漏报、错报和不按时报送). Per-version checks (backdating, impossible
//! sequences, late reports) run in the writer as versions arrive (`apply.rs`); the silence check
//! runs after each sync against the feed's own clock ([`scan_silent_departments`]).

use chrono::{DateTime, Duration, NaiveTime};
use jiancha_store::rusqlite::{params, OptionalExtension};
use jiancha_store::Db;

/// Which days are working days: the one trait of the workspace (`jiancha-calendar`).
pub use jiancha_calendar::WorkCalendar;

use crate::error::SyncError;
use crate::util::ts;

/// Thresholds of the integrity findings. **[decision]** (docs/sync.md): "working hours" are
/// the hours between `office_start` and `office_end` (CST) of working days.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingConfig {
    /// A department with no valid record for more than this many working hours is silent.
    pub silent_working_hours: f64,
    /// A case whose first version showing its acceptance was reported more than this many
    /// working hours after the acceptance was reported late.
    pub late_report_working_hours: f64,
    /// Office hours (CST) that count as working hours on a working day.
    pub office_start: NaiveTime,
    /// End of office hours (CST).
    pub office_end: NaiveTime,
}

impl Default for FindingConfig {
    fn default() -> Self {
        FindingConfig {
            silent_working_hours: 16.0,
            late_report_working_hours: 16.0,
            office_start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            office_end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
        }
    }
}

impl FindingConfig {
    /// Art. A9(2), B4(5) **[decision]** (docs/sync.md): a department whose latest record is
    /// `silent_working_hours` old (working hours: not silent over a weekend or a holiday) has
    /// stopped sending data when that is more than the threshold. The one rule of the
    /// `silent_department` finding and of the 同步 screen's 数据中断 tag.
    pub fn is_silent(&self, silent_working_hours: f64) -> bool {
        silent_working_hours > self.silent_working_hours
    }
}

/// Working hours between two instants (Unix seconds), 0 when `to <= from`.
pub fn working_hours_between(
    cal: &dyn WorkCalendar,
    cfg: &FindingConfig,
    from: i64,
    to: i64,
) -> f64 {
    if to <= from {
        return 0.0;
    }
    let cst = jiancha_protocol::cst();
    let (Some(a), Some(b)) = (
        DateTime::from_timestamp(from, 0),
        DateTime::from_timestamp(to, 0),
    ) else {
        return 0.0;
    };
    let (a, b) = (a.with_timezone(&cst), b.with_timezone(&cst));
    let mut secs = 0i64;
    let mut day = a.date_naive();
    let last = b.date_naive();
    // Bounded: more than ten years of silence is reported as ten years.
    let mut guard = 0;
    while day <= last && guard < 3700 {
        if cal.is_workday(day) {
            let open = day
                .and_time(cfg.office_start)
                .and_local_timezone(cst)
                .single();
            let close = day
                .and_time(cfg.office_end)
                .and_local_timezone(cst)
                .single();
            if let (Some(open), Some(close)) = (open, close) {
                let s = open.max(a);
                let e = close.min(b);
                if e > s {
                    secs += (e - s).num_seconds();
                }
            }
        }
        day += Duration::days(1);
        guard += 1;
    }
    secs as f64 / 3600.0
}

/// Raises a `silent_department` finding for each department whose latest valid record is more
/// than `silent_working_hours` working hours before `at` (the feed's clock), and resolves open
/// ones whose department has spoken since. Returns the number of new findings.
pub fn scan_silent_departments(
    db: &mut Db,
    cal: &dyn WorkCalendar,
    cfg: &FindingConfig,
    at: i64,
) -> Result<u64, SyncError> {
    db.write(|tx| {
        // Departments known from the catalogue or from their records. A department that never
        // sent anything is measured from the catalogue record that announced it.
        let rows: Vec<(String, Option<i64>)> = {
            let mut st = tx.prepare(
                "SELECT d.dept_id, coalesce(s.last_data_at, d.reported_at) \
                 FROM departments d LEFT JOIN dept_status s USING (dept_id) \
                 UNION \
                 SELECT s.dept_id, s.last_data_at FROM dept_status s \
                 WHERE s.dept_id NOT IN (SELECT dept_id FROM departments)",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut raised = 0;
        for (dept, last) in rows {
            let Some(last) = last else { continue };
            // Resolve an open silence that the department has since broken.
            tx.execute(
                "UPDATE integrity_findings SET resolved_at = ?2 \
                 WHERE kind = 'silent_department' AND dept_id = ?1 AND resolved_at IS NULL \
                   AND json_extract(evidence, '$.last_data_unix') < ?2",
                params![dept, last],
            )?;
            let hours = working_hours_between(cal, cfg, last, at);
            if !cfg.is_silent(hours) {
                continue;
            }
            let key = format!("silent_department:{dept}:{last}");
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT finding_id FROM integrity_findings WHERE key = ?1",
                    [&key],
                    |r| r.get(0),
                )
                .optional()?;
            let evidence = serde_json::json!({
                "last_data_at": ts(last),
                "last_data_unix": last,
                "checked_at": ts(at),
                "silent_working_hours": (hours * 10.0).round() / 10.0,
                "threshold_working_hours": cfg.silent_working_hours,
            });
            let summary = format!(
                "部门 {dept} 自 {} 起无数据，已静默 {:.1} 个工作小时（阈值 {}）",
                ts(last),
                hours,
                cfg.silent_working_hours
            );
            if exists.is_some() {
                // The same silence goes on: refresh how long it has lasted.
                tx.execute(
                    "UPDATE integrity_findings SET evidence = ?2, summary = ?3 WHERE key = ?1",
                    params![key, evidence.to_string(), summary],
                )?;
            } else {
                raised += tx.execute(
                    "INSERT INTO integrity_findings (key, kind, dept_id, case_id, observed_at, \
                     summary, evidence) VALUES (?1, 'silent_department', ?2, NULL, ?3, ?4, ?5)",
                    params![key, dept, at, summary, evidence.to_string()],
                )? as u64;
            }
        }
        Ok(raised)
    })
}

/// One integrity finding as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Row id.
    pub id: i64,
    /// `silent_department`, `late_report`, `backdated`, `impossible_sequence`,
    /// `extension_after_deadline`, `cap_overrun`.
    pub kind: String,
    /// The department concerned.
    pub dept_id: String,
    /// The case concerned, if any.
    pub case_id: Option<String>,
    /// Feed time (Unix seconds) the fact was established.
    pub observed_at: i64,
    /// One-line description (Chinese).
    pub summary: String,
    /// JSON evidence: the versions / instants compared.
    pub evidence: String,
    /// When it stopped being true (a silent department spoke again).
    pub resolved_at: Option<i64>,
}

/// All findings, newest first.
pub fn list_findings(db: &Db) -> Result<Vec<Finding>, SyncError> {
    let mut st = db.conn().prepare(
        "SELECT finding_id, kind, dept_id, case_id, observed_at, summary, evidence, resolved_at \
         FROM integrity_findings ORDER BY observed_at DESC, finding_id DESC",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Finding {
            id: r.get(0)?,
            kind: r.get(1)?,
            dept_id: r.get(2)?,
            case_id: r.get(3)?,
            observed_at: r.get(4)?,
            summary: r.get(5)?,
            evidence: r.get(6)?,
            resolved_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    /// Monday to Friday, except 2026-10-01 (a holiday on a Thursday) and with Saturday
    /// 2026-10-10 as a make-up working day.
    struct TestWeek;

    impl WorkCalendar for TestWeek {
        fn is_workday(&self, d: NaiveDate) -> bool {
            let make_up = d == NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
            let holiday = d == NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
            make_up || (!holiday && d.weekday().number_from_monday() <= 5)
        }
    }

    fn at(s: &str) -> i64 {
        jiancha_protocol::Timestamp::parse(s).unwrap().unix()
    }

    #[test]
    fn working_hours_count_office_hours_of_working_days_only() {
        let cfg = FindingConfig::default();
        let h = |a: &str, b: &str| working_hours_between(&TestWeek, &cfg, at(a), at(b));
        // Inside one working day.
        assert_eq!(
            h("2026-09-28T10:00:00+08:00", "2026-09-28T12:30:00+08:00"),
            2.5
        );
        // Evening to next morning: nothing outside office hours.
        assert_eq!(
            h("2026-09-28T18:00:00+08:00", "2026-09-29T08:59:00+08:00"),
            0.0
        );
        // Friday 16:00 to Monday 10:00: 1 h + 1 h.
        assert_eq!(
            h("2026-09-25T16:00:00+08:00", "2026-09-28T10:00:00+08:00"),
            2.0
        );
        // Across the holiday Thursday: Wed 09:00 → Fri 17:00 = 8 + 0 + 8.
        assert_eq!(
            h("2026-09-30T09:00:00+08:00", "2026-10-02T17:00:00+08:00"),
            16.0
        );
        // The make-up Saturday counts.
        assert_eq!(
            h("2026-10-10T00:00:00+08:00", "2026-10-11T00:00:00+08:00"),
            8.0
        );
        // Backwards or equal: zero.
        assert_eq!(
            h("2026-09-28T12:00:00+08:00", "2026-09-28T10:00:00+08:00"),
            0.0
        );
        // Instants given in another offset are the same instants.
        assert_eq!(h("2026-09-28T02:00:00Z", "2026-09-28T04:00:00Z"), 2.0);
    }
}
