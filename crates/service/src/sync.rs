//! The 同步 screen's queries and the "sync now" command (issue 5 item 4). Lists are paginated
//! here: no query returns unbounded rows.

use jiancha_api::sync::{
    DeptSyncStatus, QuarantineItem, QuarantinePage, QuarantineRecord, SyncStatus,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_feed::db::sync_state::{self, Quarantined};

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

/// `sync_departments`: every department's last data, last error and counts.
pub fn departments(svc: &Service) -> Result<Vec<DeptSyncStatus>, ApiError> {
    signed_in(svc)?;
    let db = svc.db()?;
    Ok(sync_state::departments(db.conn(), MAX_DEPTS)?
        .into_iter()
        .map(|d| DeptSyncStatus {
            dept_id: d.dept_id,
            name: d.name,
            last_data_at: d.last_data_at,
            last_received_at: d.last_received_at,
            records: d.records,
            quarantined: d.quarantined,
            last_error: d.last_error,
            last_error_at: d.last_error_at,
            findings: d.findings,
        })
        .collect())
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
