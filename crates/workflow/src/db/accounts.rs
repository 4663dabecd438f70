//! `wf_accounts`: local accounts (Art. A8 roles). The password hash never leaves the crate:
//! [`AccountInfo`] is what others see; [`StoredAccount`] (with the hash) is crate-private.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::role::Role;
use crate::util::{fmt_instant, parse_instant};
use crate::{Result, WorkflowError};

/// One account as shown to an administrator (never the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
}

/// An account with its password hash (sign-in, unlock, approvals).
pub(crate) struct StoredAccount {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub hash: String,
    pub active: bool,
}

fn role(code: &str) -> Result<Role> {
    Role::from_code(code).ok_or_else(|| WorkflowError::Corrupt(format!("unknown role {code:?}")))
}

// ------------------------------------------------------------------------------------ reads

/// How many accounts exist (0: first-run setup is needed).
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM wf_accounts", [], |r| r.get(0))?)
}

/// Whether `username` is taken.
pub fn exists(conn: &Connection, username: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM wf_accounts WHERE username = ?1)",
        [username],
        |r| r.get(0),
    )?)
}

/// The display name of an account, if it exists.
pub fn display_name(conn: &Connection, username: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT display_name FROM wf_accounts WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every account, by username.
pub fn list(conn: &Connection) -> Result<Vec<AccountInfo>> {
    let mut st = conn.prepare(
        "SELECT id, username, display_name, role, active, created_at FROM wf_accounts ORDER BY username",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, bool>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, username, display_name, role_code, active, created_at) = row?;
        let role = role(&role_code)?;
        parse_instant(&created_at)?;
        out.push(AccountInfo {
            id,
            username,
            display_name,
            role,
            active,
            created_at,
        });
    }
    Ok(out)
}

/// The account of `username` (trimmed) with its hash.
pub(crate) fn find(conn: &Connection, username: &str) -> Result<Option<StoredAccount>> {
    let row: Option<(String, String, String, String, String, bool)> = conn
        .query_row(
            "SELECT id, username, display_name, role, password_hash, active FROM wf_accounts
             WHERE username = ?1",
            [username.trim()],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    row.map(|(id, username, display_name, role_code, hash, active)| {
        Ok(StoredAccount {
            id,
            username,
            display_name,
            role: role(&role_code)?,
            hash,
            active,
        })
    })
    .transpose()
}

// ----------------------------------------------------------------------------------- writes

/// A new, active account.
pub(crate) struct NewAccountRow<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub workstation: &'a str,
}

pub(crate) fn insert(tx: &Transaction<'_>, a: &NewAccountRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_accounts(id, username, display_name, role, password_hash, active, created_at, created_by, workstation)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8)",
        params![
            a.id,
            a.username,
            a.display_name,
            a.role.code(),
            a.password_hash,
            fmt_instant(a.created_at),
            a.created_by,
            a.workstation
        ],
    )?;
    Ok(())
}

/// Activates or deactivates `username`; returns the number of rows changed (0: no such account).
pub(crate) fn set_active(tx: &Transaction<'_>, username: &str, active: bool) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE wf_accounts SET active = ?2 WHERE username = ?1",
        params![username, active],
    )?)
}

/// Stores a new password hash for `username`; returns the number of rows changed.
pub(crate) fn set_password_hash(tx: &Transaction<'_>, username: &str, hash: &str) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE wf_accounts SET password_hash = ?2 WHERE username = ?1",
        params![username, hash],
    )?)
}
