//! `sms_contacts` (migration 41): the notices directory (通讯录). The feed carries handlers'
//! names only, so the mobile numbers of handlers, section chiefs and leaders in charge are
//! kept here, per department; one number per (department, role, name).
//!
//! Reads take `&Connection`: [`list`], [`lookup`], [`handlers_with_number`].
//! Writes take the write transaction: [`import`], [`delete`].

use std::collections::HashSet;

use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::error::NotifyError;
use crate::escalation::ContactRole;

/// One entry of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub dept_id: String,
    pub role: ContactRole,
    pub name: String,
    pub phone: String,
}

/// One line to import (checked by the caller: a mobile number, a department, a name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub dept_id: String,
    pub role: ContactRole,
    pub name: String,
    pub phone: String,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: u32,
    pub updated: u32,
}

fn from_row(r: &Row<'_>) -> Result<Contact, NotifyError> {
    let id: i64 = r.get("id")?;
    let role: String = r.get("role")?;
    Ok(Contact {
        id,
        dept_id: r.get("dept_id")?,
        role: ContactRole::from_code(&role)
            .ok_or_else(|| NotifyError::Corrupt(format!("contact {id} role {role:?}")))?,
        name: r.get("name")?,
        phone: r.get("phone")?,
    })
}

/// The whole directory: by department, then leader in charge, section chief, handlers, then
/// name.
pub fn list(conn: &Connection) -> Result<Vec<Contact>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT id, dept_id, role, name, phone FROM sms_contacts
          ORDER BY dept_id, CASE role WHEN 'leader_in_charge' THEN 0
                   WHEN 'section_chief' THEN 1 ELSE 2 END, name",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(from_row(r)?);
    }
    Ok(out)
}

/// The number of `name` in `role` of `dept` (a handler), or of the first person in that role
/// (`name` None: the department's chief / leader in charge).
pub fn lookup(
    conn: &Connection,
    dept: &str,
    role: ContactRole,
    name: Option<&str>,
) -> Result<Option<Contact>, NotifyError> {
    let mut st = conn.prepare(
        "SELECT id, dept_id, role, name, phone FROM sms_contacts
          WHERE dept_id = ?1 AND role = ?2 AND (?3 IS NULL OR name = ?3)
          ORDER BY id LIMIT 1",
    )?;
    let mut rows = st.query(params![dept, role.code(), name])?;
    rows.next()?.map(from_row).transpose()
}

/// Every (department, handler name) the directory has a number for.
pub fn handlers_with_number(conn: &Connection) -> Result<HashSet<(String, String)>, NotifyError> {
    let mut st = conn.prepare("SELECT dept_id, name FROM sms_contacts WHERE role = 'handler'")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds each line, or gives an existing (department, role, name) its new number; `at` = Unix
/// seconds. All in the caller's transaction (an import is all or nothing).
pub fn import(
    tx: &Transaction<'_>,
    rows: &[NewContact],
    at: i64,
) -> Result<ImportCounts, NotifyError> {
    let mut n = ImportCounts::default();
    for c in rows {
        let existing: Option<String> = tx
            .query_row(
                "SELECT phone FROM sms_contacts WHERE dept_id = ?1 AND role = ?2 AND name = ?3",
                params![c.dept_id, c.role.code(), c.name],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(p) if p == c.phone => {}
            Some(_) => {
                tx.execute(
                    "UPDATE sms_contacts SET phone = ?4, updated_at = ?5 WHERE dept_id = ?1 AND role = ?2 AND name = ?3",
                    params![c.dept_id, c.role.code(), c.name, c.phone, at],
                )?;
                n.updated += 1;
            }
            None => {
                tx.execute(
                    "INSERT INTO sms_contacts (dept_id, role, name, phone, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![c.dept_id, c.role.code(), c.name, c.phone, at],
                )?;
                n.added += 1;
            }
        }
    }
    Ok(n)
}

/// Removes entry `id`; returns it, or None if there was none.
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<Option<Contact>, NotifyError> {
    let gone = {
        let mut st =
            tx.prepare("SELECT id, dept_id, role, name, phone FROM sms_contacts WHERE id = ?1")?;
        let mut rows = st.query([id])?;
        rows.next()?.map(from_row).transpose()?
    };
    tx.execute("DELETE FROM sms_contacts WHERE id = ?1", [id])?;
    Ok(gone)
}
