//! `wf_transitions`: every step of every workflow record (who, when, at which workstation,
//! from which state to which). Written only by `crate::journal::record`, in the transaction of
//! the step it records, next to the step's audit entry.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, Transaction};

use crate::util::fmt_instant;
use crate::Result;

/// One row of a record's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from_state: Option<String>,
    pub to_state: String,
    pub action: String,
    pub actor: String,
    pub workstation: String,
    pub at: String,
}

/// A record's steps, oldest first.
pub fn of_subject(conn: &Connection, subject_id: &str) -> Result<Vec<Transition>> {
    let mut st = conn.prepare(
        "SELECT from_state, to_state, action, actor, workstation, at FROM wf_transitions
         WHERE subject_id = ?1 ORDER BY at, rowid",
    )?;
    let rows = st.query_map([subject_id], |r| {
        Ok(Transition {
            from_state: r.get(0)?,
            to_state: r.get(1)?,
            action: r.get(2)?,
            actor: r.get(3)?,
            workstation: r.get(4)?,
            at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A step to store.
pub(crate) struct NewTransition<'a> {
    pub id: &'a str,
    pub workflow: &'a str,
    pub subject_id: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub action: &'a str,
    pub actor: &'a str,
    pub workstation: &'a str,
    pub at: DateTime<Utc>,
}

pub(crate) fn insert(tx: &Transaction<'_>, t: &NewTransition<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_transitions(id, workflow, subject_id, from_state, to_state, action, actor, workstation, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            t.id,
            t.workflow,
            t.subject_id,
            t.from,
            t.to,
            t.action,
            t.actor,
            t.workstation,
            fmt_instant(t.at)
        ],
    )?;
    Ok(())
}
