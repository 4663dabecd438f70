//! Sign-in, sessions, accounts, leader approvals and the audit screen (issue 7 items 1 and 3;
//! Art. A8). The rules live in `jiancha-workflow`; these are only the shapes crossing IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A role (Art. A8): 监察员 officer, 领导 leader (approves), 查阅人员 reviewer (read-only),
/// 系统管理员 admin (accounts and settings only).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    Officer,
    Leader,
    Reviewer,
    Admin,
}

/// The signed-in user of this workstation.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SessionUser {
    pub username: String,
    pub display_name: String,
    pub role: AccountRole,
    /// Chinese label of the role, e.g. `监察员`.
    pub role_label: String,
    /// Action codes this role may perform (e.g. `redcard.submit`): the page hides what is not
    /// listed. Rust checks again on every command.
    pub permissions: Vec<String>,
}

/// What the console must show: first-run setup, the sign-in page, the lock screen or the app.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AuthStatus {
    /// No account exists yet: show the first-run setup (create the first administrator).
    pub needs_setup: bool,
    /// This workstation's id (stored in the database at first use).
    pub workstation: String,
    /// The signed-in user, if any (also when the session is locked).
    pub user: Option<SessionUser>,
    /// The session is locked (idle too long or locked by hand); the password unlocks it.
    pub locked: bool,
    /// Minutes without activity after which the session locks.
    pub idle_timeout_minutes: u32,
}

/// One account as shown to an administrator (never the password hash).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: AccountRole,
    pub role_label: String,
    pub active: bool,
    /// RFC 3339 instant.
    pub created_at: String,
}

/// An administrator creates an account.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct NewAccountRequest {
    pub username: String,
    pub display_name: String,
    pub role: AccountRole,
    pub password: String,
}

/// A leader's approval verified with the leader's own credentials, kept on the Rust side.
/// The page passes `approval_id` to the one action it approves (used once, expires).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ApprovalTicket {
    pub approval_id: String,
    pub leader_username: String,
    pub leader_display_name: String,
    /// RFC 3339 instants.
    pub verified_at: String,
    pub expires_at: String,
}

/// One entry of the hash-chained audit log.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AuditEntryView {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub workstation: String,
    pub action: String,
    pub subject: String,
    /// JSON text with the particulars.
    pub details: String,
    pub hash: String,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AuditPage {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub offset: i64,
    pub entries: Vec<AuditEntryView>,
}

/// The first entry of the chain that was altered, removed or inserted.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AuditBadEntry {
    #[ts(type = "number")]
    pub seq: i64,
    /// `altered`, `removed` or `inserted`.
    pub reason: String,
    pub detail: String,
}

/// The result of verifying the whole chain.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AuditVerifyReport {
    pub intact: bool,
    #[ts(type = "number")]
    pub entries: i64,
    pub first_bad: Option<AuditBadEntry>,
}

/// `auth_setup_admin`: the first administrator (first run only).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SetupAdminRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// A username and password: `auth_sign_in`, and `auth_leader_approval` (the leader's own,
/// typed at that moment).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// `auth_unlock`: the signed-in user's password.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct UnlockRequest {
    pub password: String,
}

/// `auth_change_password`: one's own password.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ChangePasswordRequest {
    pub current: String,
    pub new_password: String,
}

/// `accounts_set_active`: deactivate or reactivate an account.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SetAccountActiveRequest {
    pub username: String,
    pub active: bool,
}

/// `accounts_reset_password`: an administrator sets another account's password.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ResetPasswordRequest {
    pub username: String,
    pub new_password: String,
}

/// `audit_page`: entries `offset .. offset + limit`, newest first.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct AuditPageRequest {
    #[ts(type = "number")]
    pub offset: i64,
    #[ts(type = "number")]
    pub limit: i64,
}
