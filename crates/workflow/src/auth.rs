//! Roles, local accounts, sessions with idle lock, and leader approvals (Art. A8 — leaders
//! approve; issue 7 item 1).
//!
//! - Passwords are hashed with Argon2id (`argon2` crate, PHC strings with their own salt and
//!   parameters). Unit tests use a tiny cost so the suite stays fast; hashes verify with the
//!   parameters stored in them, so either cost verifies.
//! - [`authorize`] is called by every operation of this crate before it touches the database.
//! - An [`Approval`] can only be made by [`leader_approval`], which verifies a leader's own
//!   username and password at that moment; it is consumed by the operation it approves and
//!   expires after `approval.max_age_secs`.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use chrono::{DateTime, Duration, Utc};
use jiancha_store::rusqlite::Transaction;
use jiancha_store::Db;

use crate::db::accounts::{self as table, NewAccountRow, StoredAccount};
use crate::settings_values;
use crate::util::{fmt_instant, new_id, required};
use crate::{audit, Result, WorkflowError};

pub use crate::db::accounts::AccountInfo;
pub use crate::role::{Action, Role};

/// Who did something: stored with every record and audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: String,
    /// Username, or `system:<component>`.
    pub name: String,
    pub workstation: String,
}

/// The system itself (e.g. the SMS gateway worker recording delivery receipts). Only the few
/// operations that take a `&SystemActor` accept it; it can do nothing else.
#[derive(Debug, Clone)]
pub struct SystemActor {
    actor: Actor,
}

impl SystemActor {
    pub fn new(component: &str, workstation: &str) -> Self {
        SystemActor {
            actor: Actor {
                account_id: String::new(),
                name: format!("system:{component}"),
                workstation: workstation.to_string(),
            },
        }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// A signed-in user at a workstation. Only [`sign_in`] and [`setup_first_admin`] make one.
#[derive(Debug)]
pub struct Session {
    account_id: String,
    username: String,
    display_name: String,
    role: Role,
    workstation: String,
    last_active: DateTime<Utc>,
    idle_timeout: Duration,
    locked: bool,
}

impl Session {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }
    pub fn username(&self) -> &str {
        &self.username
    }
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn workstation(&self) -> &str {
        &self.workstation
    }
    pub fn last_active(&self) -> DateTime<Utc> {
        self.last_active
    }
    /// Whether the session is (or, at `now`, would be) locked.
    pub fn is_locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked || now - self.last_active > self.idle_timeout
    }
    /// Locks the session at once (the user steps away).
    pub fn lock(&mut self) {
        self.locked = true;
    }
    /// Moves the session's instant (its last activity) by `by`, for an edge whose operations
    /// are stamped on another clock than the one its idle lock runs on (the service: the demo
    /// feed's clock runs ahead of the wall clock). Shift by (case clock − wall clock) before an
    /// operation passed the case instant and back by as much after: [`authorize`] then measures
    /// the idle time on the wall clock while every stamp is in case time.
    pub fn shift_clock(&mut self, by: Duration) {
        self.last_active += by;
    }
    fn actor(&self) -> Actor {
        Actor {
            account_id: self.account_id.clone(),
            name: self.username.clone(),
            workstation: self.workstation.clone(),
        }
    }
}

/// Checks that the session is unlocked (idle lock against `now`) and that its role may do
/// `action`; records the activity. Every operation of this crate calls it first.
pub fn authorize(session: &mut Session, action: Action, now: DateTime<Utc>) -> Result<Actor> {
    if session.locked {
        return Err(WorkflowError::Locked {
            reason: "locked by the user or an earlier idle timeout",
        });
    }
    if now - session.last_active > session.idle_timeout {
        session.locked = true;
        return Err(WorkflowError::Locked {
            reason: "idle timeout",
        });
    }
    if !session.role.may(action) {
        return Err(WorkflowError::Forbidden {
            role: session.role,
            action,
        });
    }
    if now > session.last_active {
        session.last_active = now;
    }
    Ok(session.actor())
}

/// A leader's approval, verified by username and password at `verified_at`. Not `Clone`: an
/// operation consumes it. Only [`leader_approval`] makes one.
#[derive(Debug)]
pub struct Approval {
    leader_id: String,
    leader_username: String,
    leader_display_name: String,
    verified_at: DateTime<Utc>,
}

impl Approval {
    pub fn leader_username(&self) -> &str {
        &self.leader_username
    }
    /// The leader's name as shown to people (from the account, at verification).
    pub fn leader_display_name(&self) -> &str {
        &self.leader_display_name
    }
    pub fn verified_at(&self) -> DateTime<Utc> {
        self.verified_at
    }
    pub(crate) fn leader_id(&self) -> &str {
        &self.leader_id
    }
    /// The approval with its verification instant moved by `by` (see [`Session::shift_clock`]):
    /// shifted by (case clock − wall clock) at use, its age at the case instant is its age on
    /// the wall clock, so `approval.max_age_secs` stays a wall-clock limit.
    pub fn shift_clock(mut self, by: Duration) -> Approval {
        self.verified_at += by;
        self
    }
    /// Refuses an approval older than the configured maximum age (or from the future).
    pub(crate) fn check_fresh(&self, max_age_secs: u32, now: DateTime<Utc>) -> Result<()> {
        let age = now - self.verified_at;
        if age > Duration::seconds(i64::from(max_age_secs)) || age < Duration::seconds(-60) {
            return Err(WorkflowError::StaleApproval {
                verified_at: fmt_instant(self.verified_at),
                now: fmt_instant(now),
                max_age_secs,
            });
        }
        Ok(())
    }
}

fn hasher() -> Argon2<'static> {
    // Production: the crate's defaults (Argon2id, 19 MiB, t=2, p=1, OWASP's recommendation).
    // Tests: the smallest legal cost, so a suite with dozens of sign-ins runs in milliseconds.
    #[cfg(not(test))]
    let params = Params::default();
    #[cfg(test)]
    let params = Params::new(Params::MIN_M_COST, 1, 1, None).expect("valid test params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_password(password: &str) -> Result<String> {
    check_password(password)?;
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| WorkflowError::Hashing(e.to_string()))
}

fn password_matches(password: &str, phc: &str) -> Result<bool> {
    let parsed = PasswordHash::new(phc)
        .map_err(|e| WorkflowError::Corrupt(format!("stored password hash unreadable: {e}")))?;
    Ok(hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(WorkflowError::invalid(
            "password",
            "密码至少 8 个字符 (at least 8 characters)",
        ));
    }
    Ok(())
}

fn check_username(username: &str) -> Result<String> {
    let u = required("username", username)?;
    if u.chars().count() > 64 || u.chars().any(|c| c.is_whitespace() || c == ':') {
        return Err(WorkflowError::invalid(
            "username",
            format!("用户名不得含空白或冒号，且不超过 64 个字符 (got {username:?})"),
        ));
    }
    Ok(u)
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password: &'a str,
}

fn load_account(db: &Db, username: &str) -> Result<Option<StoredAccount>> {
    table::find(db.conn(), username)
}

fn log(
    tx: &Transaction<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &str,
    subject: &str,
    details: serde_json::Value,
) -> Result<()> {
    audit::append(
        tx,
        &audit::NewEntry {
            at: now,
            actor: &actor.name,
            workstation: &actor.workstation,
            action,
            subject,
            details: &details.to_string(),
        },
    )?;
    Ok(())
}

fn insert_account(
    tx: &Transaction<'_>,
    a: &NewAccount<'_>,
    hash: &str,
    by: &Actor,
    now: DateTime<Utc>,
) -> Result<String> {
    let username = check_username(a.username)?;
    let display = required("display_name", a.display_name)?;
    if table::exists(tx, &username)? {
        return Err(WorkflowError::invalid(
            "username",
            format!("用户名 {username} 已存在 (already taken)"),
        ));
    }
    let id = new_id(now);
    table::insert(
        tx,
        &NewAccountRow {
            id: &id,
            username: &username,
            display_name: &display,
            role: a.role,
            password_hash: hash,
            created_at: now,
            created_by: &by.name,
            workstation: &by.workstation,
        },
    )?;
    log(
        tx,
        by,
        now,
        "accounts.create",
        &format!("account:{username}"),
        serde_json::json!({ "id": id, "role": a.role.code(), "display_name": display }),
    )?;
    Ok(id)
}

/// Whether first-run setup is still needed (no account at all).
pub fn needs_setup(db: &Db) -> Result<bool> {
    Ok(table::count(db.conn())? == 0)
}

/// First run: creates the first administrator and signs them in. Refused when any account
/// exists (checked inside the write transaction, so two racing setups cannot both succeed).
pub fn setup_first_admin(
    db: &mut Db,
    username: &str,
    display_name: &str,
    password: &str,
    workstation: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    let hash = hash_password(password)?;
    let workstation = required("workstation", workstation)?;
    let by = Actor {
        account_id: String::new(),
        name: "system:setup".into(),
        workstation: workstation.clone(),
    };
    let id = db.write(|tx| {
        let n = table::count(tx)?;
        if n > 0 {
            return Err(WorkflowError::SetupRefused { accounts: n });
        }
        insert_account(
            tx,
            &NewAccount {
                username,
                display_name,
                role: Role::Admin,
                password,
            },
            &hash,
            &by,
            now,
        )
    })?;
    let settings = settings_values::load(db.conn())?;
    Ok(Session {
        account_id: id,
        username: username.trim().to_string(),
        display_name: display_name.trim().to_string(),
        role: Role::Admin,
        workstation,
        last_active: now,
        idle_timeout: Duration::minutes(i64::from(settings.idle_timeout_minutes)),
        locked: false,
    })
}

/// Signs in with a local account. Failures are logged (with the username tried) and return
/// one undifferentiated error.
pub fn sign_in(
    db: &mut Db,
    username: &str,
    password: &str,
    workstation: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    let workstation = required("workstation", workstation)?;
    let acc = load_account(db, username)?;
    let ok = match &acc {
        Some(a) if a.active => password_matches(password, &a.hash)?,
        _ => false,
    };
    let tried = username.trim().to_string();
    let actor = Actor {
        account_id: acc.as_ref().map(|a| a.id.clone()).unwrap_or_default(),
        name: acc
            .as_ref()
            .map(|a| a.username.clone())
            .unwrap_or_else(|| format!("unknown:{tried}")),
        workstation: workstation.clone(),
    };
    db.write(|tx| {
        log(
            tx,
            &actor,
            now,
            if ok {
                "auth.sign_in"
            } else {
                "auth.sign_in_failed"
            },
            &format!("account:{tried}"),
            serde_json::json!({}),
        )
    })?;
    let Some(acc) = acc.filter(|_| ok) else {
        return Err(WorkflowError::BadCredentials { username: tried });
    };
    let settings = settings_values::load(db.conn())?;
    Ok(Session {
        account_id: acc.id,
        username: acc.username,
        display_name: acc.display_name,
        role: acc.role,
        workstation,
        last_active: now,
        idle_timeout: Duration::minutes(i64::from(settings.idle_timeout_minutes)),
        locked: false,
    })
}

/// Unlocks a locked session with the same user's password.
pub fn unlock(
    db: &mut Db,
    session: &mut Session,
    password: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let acc = load_account(db, &session.username)?;
    let ok = match &acc {
        Some(a) if a.active && a.id == session.account_id => password_matches(password, &a.hash)?,
        _ => false,
    };
    let actor = session.actor();
    db.write(|tx| {
        log(
            tx,
            &actor,
            now,
            if ok {
                "auth.unlock"
            } else {
                "auth.unlock_failed"
            },
            &format!("account:{}", actor.name),
            serde_json::json!({}),
        )
    })?;
    if !ok {
        return Err(WorkflowError::BadCredentials {
            username: session.username.clone(),
        });
    }
    session.locked = false;
    session.last_active = now;
    Ok(())
}

/// Signs out (logged). The session is consumed.
pub fn sign_out(db: &mut Db, session: Session, now: DateTime<Utc>) -> Result<()> {
    let actor = session.actor();
    db.write(|tx| {
        log(
            tx,
            &actor,
            now,
            "auth.sign_out",
            &format!("account:{}", actor.name),
            serde_json::json!({}),
        )
    })
}

/// Verifies a leader's own username and password at `now` and returns an approval token
/// (Art. A8/B8: the leader in charge approves, even at an officer's workstation). Both
/// outcomes are logged.
pub fn leader_approval(
    db: &mut Db,
    username: &str,
    password: &str,
    workstation: &str,
    now: DateTime<Utc>,
) -> Result<Approval> {
    let acc = load_account(db, username)?;
    let ok = match &acc {
        Some(a) if a.active => password_matches(password, &a.hash)?,
        _ => false,
    };
    let tried = username.trim().to_string();
    let actor = Actor {
        account_id: acc.as_ref().map(|a| a.id.clone()).unwrap_or_default(),
        name: acc
            .as_ref()
            .map(|a| a.username.clone())
            .unwrap_or_else(|| format!("unknown:{tried}")),
        workstation: workstation.trim().to_string(),
    };
    let role = acc.as_ref().map(|a| a.role);
    let outcome = match (ok, role) {
        (false, _) => "auth.approval_failed",
        (true, Some(Role::Leader)) => "auth.approval_verified",
        (true, _) => "auth.approval_not_leader",
    };
    db.write(|tx| {
        log(
            tx,
            &actor,
            now,
            outcome,
            &format!("account:{tried}"),
            serde_json::json!({}),
        )
    })?;
    let acc = match acc {
        Some(a) if ok => a,
        _ => return Err(WorkflowError::BadCredentials { username: tried }),
    };
    if acc.role != Role::Leader {
        return Err(WorkflowError::NotALeader {
            username: acc.username,
            role: acc.role,
        });
    }
    Ok(Approval {
        leader_id: acc.id,
        leader_username: acc.username,
        leader_display_name: acc.display_name,
        verified_at: now,
    })
}

/// Creates an account (admin).
pub fn create_account(
    db: &mut Db,
    session: &mut Session,
    a: &NewAccount<'_>,
    now: DateTime<Utc>,
) -> Result<AccountInfo> {
    let actor = authorize(session, Action::ManageAccounts, now)?;
    let hash = hash_password(a.password)?;
    let id = db.write(|tx| insert_account(tx, a, &hash, &actor, now))?;
    list_accounts(db, session, now)?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| WorkflowError::not_found("账户", "account", &id))
}

/// Activates or deactivates an account (admin). An admin cannot deactivate themself.
pub fn set_active(
    db: &mut Db,
    session: &mut Session,
    username: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let actor = authorize(session, Action::ManageAccounts, now)?;
    if !active && username.trim() == session.username {
        return Err(WorkflowError::invalid(
            "username",
            "不能停用自己的账户 (cannot deactivate yourself)",
        ));
    }
    db.write(|tx| {
        let n = table::set_active(tx, username.trim(), active)?;
        if n == 0 {
            return Err(WorkflowError::not_found("账户", "account", username));
        }
        log(
            tx,
            &actor,
            now,
            "accounts.set_active",
            &format!("account:{}", username.trim()),
            serde_json::json!({ "active": active }),
        )
    })
}

/// Sets a new password for another account (admin), e.g. when a user forgot theirs.
pub fn reset_password(
    db: &mut Db,
    session: &mut Session,
    username: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let actor = authorize(session, Action::ManageAccounts, now)?;
    let hash = hash_password(new_password)?;
    store_password(db, &actor, username, &hash, now)
}

/// Changes one's own password; the current password is checked (any role).
pub fn change_own_password(
    db: &mut Db,
    session: &mut Session,
    current_password: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let actor = authorize(session, Action::View, now)?;
    let acc = load_account(db, &session.username)?;
    let ok = match &acc {
        Some(a) if a.active && a.id == session.account_id => {
            password_matches(current_password, &a.hash)?
        }
        _ => false,
    };
    if !ok {
        return Err(WorkflowError::BadCredentials {
            username: session.username.clone(),
        });
    }
    let hash = hash_password(new_password)?;
    let username = session.username.clone();
    store_password(db, &actor, &username, &hash, now)
}

fn store_password(
    db: &mut Db,
    actor: &Actor,
    username: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    db.write(|tx| {
        let n = table::set_password_hash(tx, username.trim(), hash)?;
        if n == 0 {
            return Err(WorkflowError::not_found("账户", "account", username));
        }
        log(
            tx,
            actor,
            now,
            "accounts.set_password",
            &format!("account:{}", username.trim()),
            serde_json::json!({}),
        )
    })
}

/// All accounts (admin).
pub fn list_accounts(
    db: &Db,
    session: &mut Session,
    now: DateTime<Utc>,
) -> Result<Vec<AccountInfo>> {
    authorize(session, Action::ManageAccounts, now)?;
    table::list(db.conn())
}
