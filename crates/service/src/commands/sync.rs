//! The status bar and the 同步 screen (issue 5 item 4).

use jiancha_api::sync::{
    DeptSyncStatus, QuarantinePage, QuarantinePageRequest, QuarantineRecord,
    QuarantineRecordRequest, SyncStatus,
};
use jiancha_api::ApiError;

use crate::app::Service;
use crate::sync;

pub(super) fn sync_status(svc: &Service) -> Result<SyncStatus, ApiError> {
    sync::status(svc)
}

pub(super) fn sync_now(svc: &Service) -> Result<SyncStatus, ApiError> {
    sync::sync_now(svc)
}

pub(super) fn sync_departments(svc: &Service) -> Result<Vec<DeptSyncStatus>, ApiError> {
    sync::departments(svc)
}

pub(super) fn quarantine_page(
    svc: &Service,
    req: QuarantinePageRequest,
) -> Result<QuarantinePage, ApiError> {
    sync::quarantine_page(svc, req.offset, req.limit)
}

pub(super) fn quarantine_record(
    svc: &Service,
    req: QuarantineRecordRequest,
) -> Result<QuarantineRecord, ApiError> {
    sync::quarantine_record(svc, req.id)
}
