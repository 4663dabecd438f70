//! The 同步 screen's queries and the "sync now" command (issue 5 item 4). Lists are paginated
//! here: no query returns unbounded rows.

use jiancha_api::sync::{
    DeptSyncStatus, QuarantineItem, QuarantinePage, QuarantineRecord, SyncStatus,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_store::rusqlite::{params, OptionalExtension, Row};

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
const MAX_DEPTS: i64 = 2_000;

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

/// `sync_departments`: every department's last data, last error and counts.
pub fn departments(svc: &Service) -> Result<Vec<DeptSyncStatus>, ApiError> {
    signed_in(svc)?;
    let db = svc.db()?;
    let mut st = db
        .conn()
        .prepare(
            "SELECT d.dept_id, d.name, s.last_data_at, s.last_received_at, \
             coalesce(s.records, 0), coalesce(s.quarantined, 0), s.last_error, s.last_error_at, \
             (SELECT count(*) FROM integrity_findings f \
               WHERE f.dept_id = d.dept_id AND f.resolved_at IS NULL) \
             FROM departments d LEFT JOIN dept_status s USING (dept_id) \
             ORDER BY s.last_error_at IS NULL, d.level DESC, d.dept_id LIMIT ?1",
        )
        .map_err(internal)?;
    let rows = st
        .query_map([MAX_DEPTS], |r| {
            Ok(DeptSyncStatus {
                dept_id: r.get(0)?,
                name: r.get(1)?,
                last_data_at: r.get(2)?,
                last_received_at: r.get(3)?,
                records: r.get::<_, i64>(4)? as u64,
                quarantined: r.get::<_, i64>(5)? as u64,
                last_error: r.get(6)?,
                last_error_at: r.get(7)?,
                findings: r.get::<_, i64>(8)? as u64,
            })
        })
        .map_err(internal)?;
    rows.collect::<Result<_, _>>().map_err(internal)
}

fn item(r: &Row<'_>) -> jiancha_store::rusqlite::Result<QuarantineItem> {
    Ok(QuarantineItem {
        id: r.get(0)?,
        seq: r.get(1)?,
        record_type: r.get(2)?,
        record_id: r.get(3)?,
        dept_id: r.get(4)?,
        reason: r.get(5)?,
        received_at: r.get(6)?,
    })
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
    let total: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0))
        .map_err(internal)?;
    let mut st = db
        .conn()
        .prepare(
            "SELECT quarantine_id, seq, record_type, record_id, dept_id, reason, received_at \
             FROM quarantine ORDER BY quarantine_id DESC LIMIT ?1 OFFSET ?2",
        )
        .map_err(internal)?;
    let items = st
        .query_map(params![limit as i64, offset as i64], item)
        .map_err(internal)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    Ok(QuarantinePage {
        items,
        total: total as u64,
        offset,
        limit: limit as u64,
    })
}

/// `quarantine_record`: one record with its raw payload as received.
pub fn quarantine_record(svc: &Service, id: i64) -> Result<QuarantineRecord, ApiError> {
    signed_in(svc)?;
    let db = svc.db()?;
    db.conn()
        .query_row(
            "SELECT quarantine_id, seq, record_type, record_id, dept_id, reason, received_at, raw \
             FROM quarantine WHERE quarantine_id = ?1",
            [id],
            |r| {
                Ok(QuarantineRecord {
                    item: item(r)?,
                    raw: r.get(7)?,
                })
            },
        )
        .optional()
        .map_err(internal)?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("隔离记录 {id} 不存在 (quarantined record not found)"),
            )
        })
}
