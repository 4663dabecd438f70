//! The 同步 screen's queries and the "sync now" command (issue 5 item 4). Lists are paginated
//! here: no query returns unbounded rows.

use jiancha_api::sync::{
    DeptSyncStatus, QuarantineItem, QuarantinePage, QuarantineRecord, SyncStatus,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_feed::db::sync_state::{self, Quarantined};
use jiancha_feed::{working_hours_between, FindingConfig, WorkCalendar};
use jiancha_store::Db;

use crate::error::{internal, invalid};
use crate::Service;

/// The department list and the quarantine (raw records with applicants' data) are for a
/// signed-in, unlocked user, like the queues. The status (counts only) is not: the status bar
/// paints before anyone signs in.
fn signed_in(svc: &Service) -> Result<(), ApiError> {
    crate::auth::require(svc, jiancha_workflow::auth::Action::View).map(|_| ())
}

/// Largest page of the quarantine list.
pub const MAX_PAGE: u32 = 200;
/// At most this many departments are listed (the city has far fewer).
const MAX_DEPTS: u32 = 2_000;

/// `sync_status`: the loop's state with fresh counts from the cache.
pub fn status(svc: &Service) -> Result<SyncStatus, ApiError> {
    crate::live::refresh_counts(svc).map_err(internal)?;
    Ok(svc.live().status())
}

/// `sync_now`: wakes the loop (it syncs at once, or restarts after a permanent error).
pub fn sync_now(svc: &Service) -> Result<SyncStatus, ApiError> {
    signed_in(svc)?;
    svc.live().sync_now();
    Ok(svc.live().status())
}

/// `sync_departments`: every department's last data, last error and counts, and whether its
/// data stopped, judged at the feed's clock now.
pub fn departments(svc: &Service) -> Result<Vec<DeptSyncStatus>, ApiError> {
    signed_in(svc)?;
    let db = svc.db()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(internal)?;
    departments_db(&db, &cal, &FindingConfig::default(), svc.clock().now())
}

/// The department list at instant `now` (the feed's clock), with the silence rule of `cfg`
/// (the database-level function the tests call).
pub fn departments_db(
    db: &Db,
    cal: &dyn WorkCalendar,
    cfg: &FindingConfig,
    now: i64,
) -> Result<Vec<DeptSyncStatus>, ApiError> {
    let mut rows: Vec<DeptSyncStatus> = sync_state::departments(db.conn(), MAX_DEPTS)?
        .into_iter()
        .map(|d| {
            let silent = d
                .last_data_at
                .map(|last| working_hours_between(cal, cfg, last, now));
            DeptSyncStatus {
                // The silent_department finding's rule (`FindingConfig::is_silent`), so the
                // 同步 screen and the findings queue agree.
                stalled: silent.is_some_and(|h| cfg.is_silent(h)),
                silent_working_hours: silent.map(|h| (h * 10.0).round() / 10.0),
                stall_threshold_hours: cfg.silent_working_hours,
                dept_id: d.dept_id,
                name: d.name,
                last_data_at: d.last_data_at,
                last_received_at: d.last_received_at,
                records: d.records,
                quarantined: d.quarantined,
                last_error: d.last_error,
                last_error_at: d.last_error_at,
                findings: d.findings,
            }
        })
        .collect();
    // Departments whose data stopped come first (the rest keep the query's order).
    rows.sort_by_key(|d| !d.stalled);
    Ok(rows)
}

fn item(q: Quarantined) -> QuarantineItem {
    QuarantineItem {
        id: q.id,
        seq: q.seq,
        record_type: q.record_type,
        record_id: q.record_id,
        dept_id: q.dept_id,
        reason: q.reason,
        received_at: q.received_at,
    }
}

/// `quarantine_page`: newest first; `limit` 1–200.
pub fn quarantine_page(svc: &Service, offset: u64, limit: u32) -> Result<QuarantinePage, ApiError> {
    signed_in(svc)?;
    if limit == 0 || limit > MAX_PAGE {
        return Err(invalid(format!(
            "每页条数 (limit) 须在 1–{MAX_PAGE} 之间，收到 {limit}"
        )));
    }
    let db = svc.db()?;
    let total = sync_state::quarantine_count(db.conn())?;
    let items = sync_state::quarantine_page(db.conn(), limit, offset)?
        .into_iter()
        .map(item)
        .collect();
    Ok(QuarantinePage {
        items,
        total,
        offset,
        limit: limit as u64,
    })
}

/// `quarantine_record`: one record with its raw payload as received.
pub fn quarantine_record(svc: &Service, id: i64) -> Result<QuarantineRecord, ApiError> {
    signed_in(svc)?;
    let db = svc.db()?;
    sync_state::quarantine_record(db.conn(), id)?
        .map(|(q, raw)| QuarantineRecord { item: item(q), raw })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("隔离记录 {id} 不存在 (quarantined record not found)"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiancha_calendar::{cst, Calendar};

    fn at(s: &str) -> i64 {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_local_timezone(cst())
            .unwrap()
            .timestamp()
    }

    /// Three departments, the feed's clock at Wednesday 2026-03-11 15:00 CST: one spoke an hour
    /// ago, one last spoke on Monday morning (three working days of office hours: stopped), one
    /// never sent anything.
    #[test]
    fn a_department_silent_past_the_threshold_is_stalled() {
        let db = Db::open_in_memory().unwrap();
        let c = db.conn();
        for id in ["D1", "D2", "D3"] {
            c.execute(
                "INSERT INTO departments VALUES (?1, ?1, 'city', '650100', '新城市', 'X', 'J1', \
                 '纪检组', 1, 0, '{}')",
                [id],
            )
            .unwrap();
        }
        for (id, last) in [
            ("D1", at("2026-03-11 14:00")),
            ("D2", at("2026-03-09 09:30")),
        ] {
            c.execute(
                "INSERT INTO dept_status (dept_id, last_data_at, records) VALUES (?1, ?2, 5)",
                jiancha_store::rusqlite::params![id, last],
            )
            .unwrap();
        }
        let cal = Calendar::builtin();
        let cfg = FindingConfig::default();
        let now = at("2026-03-11 15:00");
        let rows = departments_db(&db, &cal, &cfg, now).unwrap();
        assert_eq!(rows[0].dept_id, "D2", "the stalled department comes first");
        let get = |id: &str| rows.iter().find(|d| d.dept_id == id).unwrap();
        assert!(!get("D1").stalled, "{:?}", get("D1"));
        assert_eq!(get("D1").silent_working_hours, Some(1.0));
        // Mon 09:30–17:00 (7.5) + Tue (8) + Wed 09:00–15:00 (6) = 21.5 working hours > 16.
        assert!(get("D2").stalled, "{:?}", get("D2"));
        assert_eq!(get("D2").silent_working_hours, Some(21.5));
        assert_eq!(get("D2").stall_threshold_hours, 16.0);
        // Never sent data: no silence to measure, not judged here (the finding measures it
        // from the catalogue record).
        assert!(!get("D3").stalled && get("D3").silent_working_hours.is_none());
        // Same silence over a weekend: Friday 16:00 → Monday 10:00 is 2 working hours.
        let fri = at("2026-03-13 16:00");
        c.execute(
            "UPDATE dept_status SET last_data_at = ?1 WHERE dept_id = 'D1'",
            [fri],
        )
        .unwrap();
        let rows = departments_db(&db, &cal, &cfg, at("2026-03-16 10:00")).unwrap();
        let d1 = rows.iter().find(|d| d.dept_id == "D1").unwrap();
        assert!(!d1.stalled);
        assert_eq!(d1.silent_working_hours, Some(2.0));
    }
}
