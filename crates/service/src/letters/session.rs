//! The signed-in session every letter operation runs in (Art. A8), with a leader's one-time
//! approval where the article asks for one.
//!
//! The app's commands: the workstation's signed-in session (crate::auth), the app clock (the
//! feed's clock in the demo: a letter is dated, and its steps stamped, in the time its cards
//! were raised in — `crate::clock`), and leader approvals by the id the approval dialog
//! returned. The session is authorised on the wall clock first (idle lock); each inner
//! function authorises the precise workflow action again at the app instant, with the
//! session shifted to match; the outer check gives the uniform "not signed in / locked".

use chrono::{DateTime, Utc};
use jiancha_api::ApiError;
use jiancha_workflow::{Action, Approval, Session};

use crate::app::Service;
use crate::error::internal;

/// Runs `f` in the signed-in session once it may perform `action` (Art. A8), at the app
/// clock's instant. The IPC commands (`crate::commands::letters`) open every letter operation
/// through this.
pub(crate) fn in_session<T>(
    svc: &Service,
    action: Action,
    f: impl FnOnce(&mut Session, DateTime<Utc>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut out = None;
    crate::auth::with_session(svc, action, |_db, session, now| {
        out = Some(f(session, now));
        Ok(())
    })?;
    out.unwrap_or_else(|| Err(internal("session callback did not run")))
}

/// As [`in_session`], with the leader's one-time approval `approval_id` for `action`.
pub(crate) fn with_leader<T>(
    svc: &Service,
    action: Action,
    approval_id: &str,
    f: impl FnOnce(&mut Session, Approval, DateTime<Utc>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut out = None;
    crate::auth::with_approval(svc, action, approval_id, |_db, session, approval, now| {
        out = Some(f(session, approval, now));
        Ok(())
    })?;
    out.unwrap_or_else(|| Err(internal("approval callback did not run")))
}
