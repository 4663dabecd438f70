//! Sign-in, the workstation's session, accounts, leader approvals and the audit screen
//! (issue 7 items 1, 3 and 5; Art. A8: officers act, leaders approve, reviewers read).
//!
//! # The session API other service modules use (stable)
//!
//! ```ignore
//! use jiancha_service::auth::{with_session, with_approval, require};
//! use jiancha_workflow::auth::Action;
//!
//! // An action: authorised in Rust (role + idle lock), the session's activity touched, the
//! // WorkflowError turned into an ApiError by its `From` (jiancha_workflow's error.rs).
//! with_session(svc, Action::SubmitRedCard, |db, session, now| {
//!     jiancha_workflow::redcard::submit(db, session, /* … */ now)
//! })?;
//!
//! // An action a leader approves: the page first called `leader_approval(username, password)`
//! // (LeaderApprovalDialog.vue) and passes the returned `approval_id`; the approval is taken
//! // out of the store (used once) only after the session was authorised for `action`.
//! with_approval(svc, Action::ApproveRedCard, &approval_id, |db, session, approval, now| {
//!     jiancha_workflow::redcard::approve(db, session, approval, /* … */ now)
//! })?;
//!
//! // A read-only command (queues, dashboard): signed in, unlocked, allowed to view.
//! let user = require(svc, Action::View)?;
//! ```
//!
//! - `pub fn with_session<T>(svc: &Service, action: Action, f: impl FnOnce(&mut Db, &mut Session, DateTime<Utc>) -> Result<T, WorkflowError>) -> Result<T, ApiError>`
//! - `pub fn with_approval<T>(svc: &Service, action: Action, approval_id: &str, f: impl FnOnce(&mut Db, &mut Session, Approval, DateTime<Utc>) -> Result<T, WorkflowError>) -> Result<T, ApiError>`
//! - `pub fn require(svc: &Service, action: Action) -> Result<SessionUser, ApiError>`
//! - errors: `ApiError::from(WorkflowError)` (or `?`) classifies once, in the workflow crate
//!   (category → code: Forbidden → `forbidden`, Unauthenticated (locked, bad credentials) →
//!   `unauthenticated`, Conflict → `conflict`, NotFound → `not_found`, InvalidInput →
//!   `invalid_input`, else `internal`); "not signed in" is this module's own `unauthenticated`
//! - `pub fn workstation_id(svc: &Service) -> Result<String, ApiError>`
//! - `pub fn audit_setting_change(svc: &Service, key: &str, old_redacted: &str, new_redacted: &str) -> Result<(), ApiError>`
//!   (for settings not kept by `jiancha_workflow::settings`, e.g. the feed URL: requires
//!   `Action::ChangeSettings` and appends `settings.set` to the audit chain; never pass secrets)
//! - `pub fn audit_action(svc, required: Action, action, subject, details: serde_json::Value)`
//!   (the same for any change kept outside the workflow crate, e.g. calendar edits)
//!
//! # Decisions
//! - One session per workstation (the running app), kept in memory in [`AuthState`]; it is
//!   never persisted: restarting the app signs out.
//! - The workstation id is generated once per database (= per install) and stored with the
//!   settings (`jiancha_store::settings`, namespace `workstation`, key `id`) by the first
//!   setup/sign-in (reading it never writes, so the first
//!   page does not wait for the sync's write lock): the host name (sanitised, ≤ 32 chars) plus 8 hex digits of a
//!   UUIDv7, e.g. `ZJ-PC07-3f9a1c2e`, so two machines with the same host name stay apart.
//! - The idle lock is checked against the wall clock here, at the edge: every command that goes
//!   through [`with_session`]/[`require`]/[`touch`] passes the wall clock (`svc.clock()`) to
//!   `jiancha_workflow::auth::authorize`, which locks an idle session and records the activity.
//!   The idle time is the `idle_timeout_minutes` setting, read at sign-in.
//! - What a command does happens on the app clock (`crate::clock`: the feed's clock in the
//!   demo, issue 12 item 4): the callbacks of [`with_session`]/[`with_approval`] get the app
//!   instant, and sign-in, unlock, sign-out and approvals are audited at it. The stored
//!   session and approvals keep wall instants; while the workflow runs they are shifted by
//!   (app − wall) ([`in_app_time`]), since every workflow operation authorises again (and
//!   checks the approval's age) against the instant it is passed.
//! - Leader approvals: the leader's password is verified once by
//!   `jiancha_workflow::auth::leader_approval` and never kept; the resulting `Approval` stays
//!   here under an opaque id, bound to the account that was signed in when it was made, used
//!   at most once, dropped at sign-out, and refused by the workflow once older than
//!   `approval_max_age_secs`.
//! - The session mutex is held while a command runs: commands of one workstation are
//!   serialised (one person at one desk); read-only commands use [`require`], which holds it
//!   only for the check.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use jiancha_api::auth::{
    Account, AccountRole, ApprovalTicket, AuditBadEntry, AuditEntryView, AuditPage,
    AuditVerifyReport, AuthStatus, NewAccountRequest, SessionUser,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_store::settings::{self as settings_api, Key};
use jiancha_store::Db;
use jiancha_workflow::auth::{self as wf_auth, Action, Approval, NewAccount, Role, Session};
use jiancha_workflow::{audit, settings, WorkflowError};

use crate::Service;

/// The authentication state of the running app (a field of [`Service`]).
#[derive(Default)]
pub struct AuthState {
    session: Mutex<Option<Session>>,
    approvals: Mutex<HashMap<String, StoredApproval>>,
    /// This workstation's id, and whether it is stored yet.
    workstation: Mutex<Option<(String, bool)>>,
}

struct StoredApproval {
    approval: Approval,
    /// The account signed in when the leader approved: the approval serves only that session.
    for_account: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The instant sessions are authorised at: the wall clock (this is the edge; `crate::clock`).
pub fn now(svc: &Service) -> DateTime<Utc> {
    svc.clock().wall()
}

/// A command's two readings of the time, taken once (`crate::clock`): `wall` for the session
/// (idle lock, approvals' age), `app` for what the command does and the audit log.
#[derive(Clone, Copy)]
struct Instants {
    wall: DateTime<Utc>,
    app: DateTime<Utc>,
}

impl Instants {
    fn read(svc: &Service) -> Self {
        let (wall, app) = svc.clock().readings();
        Instants { wall, app }
    }

    /// How far the app clock is ahead of the wall clock (negative when behind).
    fn lead(self) -> Duration {
        self.app - self.wall
    }
}

/// Runs `f` with the session's instant moved into app time by `lead` (the workflow checks the
/// idle lock against the app instant it is passed: shifted, that is the wall-clock idle time)
/// and moves it back afterwards, also when `f` panics: the stored session stays in wall time.
fn in_app_time<T>(session: &mut Session, lead: Duration, f: impl FnOnce(&mut Session) -> T) -> T {
    struct Back<'a>(&'a mut Session, Duration);
    impl Drop for Back<'_> {
        fn drop(&mut self) {
            self.0.shift_clock(-self.1);
        }
    }
    session.shift_clock(lead);
    let back = Back(session, lead);
    f(&mut *back.0)
}

#[cfg(test)]
pub(crate) fn advance_clock(svc: &Service, by: Duration) {
    svc.clock().advance(by);
}

/// This install's workstation id, kept with the settings (set once, by the first writer).
const WORKSTATION_ID: Key<String> = Key::new(settings_api::WORKSTATION, "id");

fn not_signed_in() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthenticated,
        "未登录，请先登录 (not signed in)",
    )
}

/// This workstation's id (see the module docs). Only reads: the id is generated here when
/// none is stored and written by the first command that writes anyway (setup,
/// sign-in, approval), so the first page never waits for the sync's write lock.
pub fn workstation_id(svc: &Service) -> Result<String, ApiError> {
    let mut guard = lock(&svc.auth().workstation);
    if let Some((id, _)) = &*guard {
        return Ok(id.clone());
    }
    let db = svc.db()?;
    let stored = WORKSTATION_ID.get(db.conn())?;
    let entry = match stored {
        Some(id) => (id, true),
        None => (
            format!(
                "{}-{}",
                host_name(),
                &jiancha_workflow::util::new_id(svc.clock().wall()).replace('-', "")[24..32]
            ),
            false,
        ),
    };
    *guard = Some(entry.clone());
    Ok(entry.0)
}

/// The workstation id, stored if it was not yet (the first writer's id wins).
fn stored_workstation_id(svc: &Service, db: &mut Db) -> Result<String, ApiError> {
    let candidate = workstation_id(svc)?;
    let mut guard = lock(&svc.auth().workstation);
    if let Some((id, true)) = &*guard {
        return Ok(id.clone());
    }
    let at = svc.clock().wall_secs();
    let id = db.write(|tx| WORKSTATION_ID.get_or_insert(tx, &candidate, "system", at))?;
    *guard = Some((id.clone(), true));
    Ok(id)
}

fn host_name() -> String {
    let raw = std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let clean: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(32)
        .collect();
    if clean.is_empty() {
        "workstation".into()
    } else {
        clean
    }
}

// The one mapping between the IPC's account roles (`jiancha_api::auth::AccountRole`) and the
// workflow's `Role` (both the Art. A8 roles; the notify crate's escalation role — handler,
// section chief, leader in charge of a department — is another concept). Every conversion
// between the two goes through these two functions; a test checks they are inverse and keep
// the stored codes.

/// The IPC role of a workflow role.
pub fn role_dto(r: Role) -> AccountRole {
    match r {
        Role::Officer => AccountRole::Officer,
        Role::Leader => AccountRole::Leader,
        Role::Reviewer => AccountRole::Reviewer,
        Role::Admin => AccountRole::Admin,
    }
}

/// The workflow role of an IPC role.
pub fn role_from_dto(r: AccountRole) -> Role {
    match r {
        AccountRole::Officer => Role::Officer,
        AccountRole::Leader => Role::Leader,
        AccountRole::Reviewer => Role::Reviewer,
        AccountRole::Admin => Role::Admin,
    }
}

fn user_of(s: &Session) -> SessionUser {
    SessionUser {
        username: s.username().to_string(),
        display_name: s.display_name().to_string(),
        role: role_dto(s.role()),
        role_label: s.role().label().to_string(),
        permissions: Action::ALL
            .iter()
            .filter(|a| s.role().may(**a))
            .map(|a| a.code().to_string())
            .collect(),
    }
}

fn fmt(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What the console must show (setup, sign-in, lock screen or the app). Does not count as
/// activity.
pub fn status(svc: &Service) -> Result<AuthStatus, ApiError> {
    let workstation = workstation_id(svc)?;
    let db = svc.db()?;
    let needs_setup = wf_auth::needs_setup(&db)?;
    let idle = settings::load(db.conn())?.idle_timeout_minutes;
    let now = now(svc);
    let guard = lock(&svc.auth().session);
    Ok(AuthStatus {
        needs_setup,
        workstation,
        user: guard.as_ref().map(user_of),
        locked: guard.as_ref().is_some_and(|s| s.is_locked_at(now)),
        idle_timeout_minutes: idle,
    })
}

/// Runs `f` for the signed-in session after authorising `action` (role and idle lock, against
/// the wall clock); the session's last activity is touched. `f` gets the app clock's instant
/// (`crate::clock`), which every stamp of the operation carries. See the module docs.
pub fn with_session<T>(
    svc: &Service,
    action: Action,
    f: impl FnOnce(&mut Db, &mut Session, DateTime<Utc>) -> Result<T, WorkflowError>,
) -> Result<T, ApiError> {
    let mut guard = lock(&svc.auth().session);
    let session = guard.as_mut().ok_or_else(not_signed_in)?;
    let at = Instants::read(svc);
    wf_auth::authorize(session, action, at.wall)?;
    let mut db = svc.db()?;
    Ok(in_app_time(session, at.lead(), |s| f(&mut db, s, at.app))?)
}

/// Like [`with_session`] for an action a leader approves: takes the approval `approval_id`
/// (made by [`leader_approval`] in this session) out of the store — only once the session is
/// authorised for `action`, so a refused call does not spend it.
pub fn with_approval<T>(
    svc: &Service,
    action: Action,
    approval_id: &str,
    f: impl FnOnce(&mut Db, &mut Session, Approval, DateTime<Utc>) -> Result<T, WorkflowError>,
) -> Result<T, ApiError> {
    let mut guard = lock(&svc.auth().session);
    let session = guard.as_mut().ok_or_else(not_signed_in)?;
    let at = Instants::read(svc);
    wf_auth::authorize(session, action, at.wall)?;
    let approval = {
        let mut store = lock(&svc.auth().approvals);
        match store.get(approval_id.trim()) {
            Some(a) if a.for_account == session.account_id() => {}
            _ => {
                return Err(ApiError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "没有有效的领导审批凭证，请领导重新输入用户名和密码 (unknown or used approval id {approval_id:?})"
                    ),
                ))
            }
        }
        store
            .remove(approval_id.trim())
            .expect("checked above")
            .approval
            // Its age at the app instant is then its age on the wall clock.
            .shift_clock(at.lead())
    };
    let mut db = svc.db()?;
    Ok(in_app_time(session, at.lead(), |s| {
        f(&mut db, s, approval, at.app)
    })?)
}

/// For read-only commands: signed in, unlocked, and the role may do `action` (usually
/// `Action::View`). Touches the session's activity.
pub fn require(svc: &Service, action: Action) -> Result<SessionUser, ApiError> {
    let mut guard = lock(&svc.auth().session);
    let session = guard.as_mut().ok_or_else(not_signed_in)?;
    wf_auth::authorize(session, action, now(svc))?;
    Ok(user_of(session))
}

/// The page reports user activity (keyboard, mouse; throttled) so reading without commands
/// does not lock the session. Fails with `unauthenticated` once locked.
pub fn touch(svc: &Service) -> Result<AuthStatus, ApiError> {
    require(svc, Action::View)?;
    status(svc)
}

/// First run: creates the first administrator and signs them in. Refused (`conflict`) once any
/// account exists.
pub fn setup_first_admin(
    svc: &Service,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<AuthStatus, ApiError> {
    let mut db = svc.db()?;
    let ws = stored_workstation_id(svc, &mut db)?;
    let at = Instants::read(svc);
    let mut session =
        wf_auth::setup_first_admin(&mut db, username, display_name, password, &ws, at.app)?;
    session.shift_clock(-at.lead());
    replace_session(svc, &mut db, Some(session))?;
    status(svc)
}

/// Signs in (replacing any session of this workstation, which is signed out).
pub fn sign_in(svc: &Service, username: &str, password: &str) -> Result<AuthStatus, ApiError> {
    let mut db = svc.db()?;
    let ws = stored_workstation_id(svc, &mut db)?;
    // Audited at the app instant; the session's activity kept on the wall clock.
    let at = Instants::read(svc);
    let mut session = wf_auth::sign_in(&mut db, username, password, &ws, at.app)?;
    session.shift_clock(-at.lead());
    replace_session(svc, &mut db, Some(session))?;
    status(svc)
}

/// Signs out (also a locked session: anyone at the desk may end it; that shows nothing).
pub fn sign_out(svc: &Service) -> Result<AuthStatus, ApiError> {
    let mut db = svc.db()?;
    replace_session(svc, &mut db, None)?;
    status(svc)
}

fn replace_session(svc: &Service, db: &mut Db, next: Option<Session>) -> Result<(), ApiError> {
    let old = std::mem::replace(&mut *lock(&svc.auth().session), next);
    lock(&svc.auth().approvals).clear();
    if let Some(old) = old {
        wf_auth::sign_out(db, old, svc.clock().app_now())?;
    }
    Ok(())
}

/// Locks the session at once (the user steps away).
pub fn lock_session(svc: &Service) -> Result<AuthStatus, ApiError> {
    {
        let mut guard = lock(&svc.auth().session);
        guard.as_mut().ok_or_else(not_signed_in)?.lock();
    }
    lock(&svc.auth().approvals).clear();
    status(svc)
}

/// Unlocks with the signed-in user's own password.
pub fn unlock(svc: &Service, password: &str) -> Result<AuthStatus, ApiError> {
    {
        let mut db = svc.db()?;
        let mut guard = lock(&svc.auth().session);
        let session = guard.as_mut().ok_or_else(not_signed_in)?;
        let at = Instants::read(svc);
        in_app_time(session, at.lead(), |s| {
            wf_auth::unlock(&mut db, s, password, at.app)
        })?;
    }
    // Approvals made before an (idle) lock are not carried past it.
    lock(&svc.auth().approvals).clear();
    status(svc)
}

/// The signed-in user (none when signed out). Does not count as activity.
pub fn current_user(svc: &Service) -> Option<SessionUser> {
    lock(&svc.auth().session).as_ref().map(user_of)
}

/// A leader enters their own username and password (Art. A8/B8), at any workstation; the
/// approval is kept here and the page gets only its id. The password is not kept.
pub fn leader_approval(
    svc: &Service,
    username: &str,
    password: &str,
) -> Result<ApprovalTicket, ApiError> {
    // The workstation's user must be signed in and unlocked to ask for an approval at all.
    let account = {
        let mut guard = lock(&svc.auth().session);
        let session = guard.as_mut().ok_or_else(not_signed_in)?;
        wf_auth::authorize(session, Action::View, now(svc))?;
        session.account_id().to_string()
    };
    let mut db = svc.db()?;
    let ws = stored_workstation_id(svc, &mut db)?;
    // Audited at the app instant; kept (and its ticket dated) on the wall clock, where its
    // age is measured.
    let now = Instants::read(svc);
    let at = now.wall;
    let approval = wf_auth::leader_approval(&mut db, username, password, &ws, now.app)?
        .shift_clock(-now.lead());
    let max_age = settings::load(db.conn())?.approval_max_age_secs;
    let ticket = ApprovalTicket {
        approval_id: jiancha_workflow::util::new_id(at),
        leader_username: approval.leader_username().to_string(),
        leader_display_name: approval.leader_display_name().to_string(),
        verified_at: fmt(approval.verified_at()),
        expires_at: fmt(approval.verified_at() + Duration::seconds(i64::from(max_age))),
    };
    let mut store = lock(&svc.auth().approvals);
    // Expired approvals are useless (the workflow refuses them): drop them here.
    store.retain(|_, a| at - a.approval.verified_at() <= Duration::seconds(i64::from(max_age)));
    store.insert(
        ticket.approval_id.clone(),
        StoredApproval {
            approval,
            for_account: account,
        },
    );
    Ok(ticket)
}

fn account_dto(a: wf_auth::AccountInfo) -> Account {
    Account {
        id: a.id,
        username: a.username,
        display_name: a.display_name,
        role: role_dto(a.role),
        role_label: a.role.label().to_string(),
        active: a.active,
        created_at: a.created_at,
    }
}

/// All accounts (admin).
pub fn list_accounts(svc: &Service) -> Result<Vec<Account>, ApiError> {
    with_session(svc, Action::ManageAccounts, |db, s, now| {
        wf_auth::list_accounts(db, s, now)
    })
    .map(|v| v.into_iter().map(account_dto).collect())
}

/// Creates an officer, leader, reviewer or another administrator (admin).
pub fn create_account(svc: &Service, req: &NewAccountRequest) -> Result<Account, ApiError> {
    with_session(svc, Action::ManageAccounts, |db, s, now| {
        wf_auth::create_account(
            db,
            s,
            &NewAccount {
                username: &req.username,
                display_name: &req.display_name,
                role: role_from_dto(req.role),
                password: &req.password,
            },
            now,
        )
    })
    .map(account_dto)
}

/// Deactivates or reactivates an account (admin; not one's own).
pub fn set_account_active(svc: &Service, username: &str, active: bool) -> Result<(), ApiError> {
    with_session(svc, Action::ManageAccounts, |db, s, now| {
        wf_auth::set_active(db, s, username, active, now)
    })
}

/// Sets a new password for an account (admin).
pub fn reset_password(svc: &Service, username: &str, new_password: &str) -> Result<(), ApiError> {
    with_session(svc, Action::ManageAccounts, |db, s, now| {
        wf_auth::reset_password(db, s, username, new_password, now)
    })
}

/// Changes the signed-in user's own password (any role; the current one is checked).
pub fn change_own_password(svc: &Service, current: &str, new: &str) -> Result<(), ApiError> {
    with_session(svc, Action::View, |db, s, now| {
        wf_auth::change_own_password(db, s, current, new, now)
    })
}

/// For settings kept outside `jiancha_workflow::settings` (feed URL, notification options…):
/// checks `Action::ChangeSettings` and appends a `settings.set` entry to the audit chain.
/// Pass values already redacted (never a password or key).
pub fn audit_setting_change(
    svc: &Service,
    key: &str,
    old_redacted: &str,
    new_redacted: &str,
) -> Result<(), ApiError> {
    audit_action(
        svc,
        Action::ChangeSettings,
        "settings.set",
        &format!("setting:{key}"),
        serde_json::json!({ "key": key, "old": old_redacted, "new": new_redacted }),
    )
}

/// Appends `action` on `subject` to the audit chain as the signed-in user (who must be
/// allowed `required`), for changes kept outside the workflow crate (settings, the calendar).
pub fn audit_action(
    svc: &Service,
    required: Action,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    with_session(svc, required, |db, s, now| {
        let details = details.to_string();
        let (actor, ws) = (s.username().to_string(), s.workstation().to_string());
        db.write(|tx| {
            audit::append(
                tx,
                &audit::NewEntry {
                    at: now,
                    actor: &actor,
                    workstation: &ws,
                    action,
                    subject,
                    details: &details,
                },
            )
            .map(|_| ())
        })
    })
}

/// A page of the audit log, newest first (any signed-in role: the log is for review).
pub fn audit_page(svc: &Service, offset: i64, limit: i64) -> Result<AuditPage, ApiError> {
    if offset < 0 || !(1..=500).contains(&limit) {
        return Err(crate::invalid(format!(
            "分页参数有误：offset ≥ 0，limit 1–500 (got offset {offset}, limit {limit})"
        )));
    }
    require(svc, Action::View)?;
    let db = svc.db()?;
    let (total, entries) = audit::page(db.conn(), offset, limit)?;
    Ok(AuditPage {
        total,
        offset,
        entries: entries
            .into_iter()
            .map(|e| AuditEntryView {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                workstation: e.workstation,
                action: e.action,
                subject: e.subject,
                details: e.details,
                hash: e.hash,
            })
            .collect(),
    })
}

/// Verifies the whole hash chain (`jiancha_workflow::audit::verify`).
pub fn audit_verify(svc: &Service) -> Result<AuditVerifyReport, ApiError> {
    require(svc, Action::View)?;
    let db = svc.db()?;
    let r = audit::verify(&db)?;
    Ok(AuditVerifyReport {
        intact: r.ok(),
        entries: r.entries,
        first_bad: r.first_bad.map(|b| AuditBadEntry {
            seq: b.seq,
            reason: b.reason.code().to_string(),
            detail: b.detail,
        }),
    })
}

#[cfg(test)]
mod tests;
