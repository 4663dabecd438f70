//! Recording a step: one `wf_transitions` row and one audit entry, in the caller's
//! transaction, so a state change is never stored without its who/when/where.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Transaction};

use crate::auth::Actor;
use crate::util::{fmt_instant, new_id, Attachment};
use crate::{audit, Result};

pub(crate) struct Step<'a> {
    pub workflow: &'static str,
    pub subject_id: &'a str,
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub action: &'static str,
    pub details: serde_json::Value,
}

pub(crate) fn record(
    tx: &Transaction<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
    step: Step<'_>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_transitions(id, workflow, subject_id, from_state, to_state, action, actor, workstation, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            new_id(now),
            step.workflow,
            step.subject_id,
            step.from,
            step.to,
            step.action,
            actor.name,
            actor.workstation,
            fmt_instant(now)
        ],
    )?;
    let mut details = serde_json::json!({ "from": step.from, "to": step.to });
    if let (Some(obj), serde_json::Value::Object(extra)) = (details.as_object_mut(), step.details) {
        obj.extend(extra);
    }
    audit::append(
        tx,
        &audit::NewEntry {
            at: now,
            actor: &actor.name,
            workstation: &actor.workstation,
            action: &format!("{}.{}", step.workflow, step.action),
            subject: &format!("{}:{}", step.workflow, step.subject_id),
            details: &details.to_string(),
        },
    )?;
    Ok(())
}

pub(crate) fn add_attachments(
    tx: &Transaction<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
    owner_id: &str,
    purpose: &str,
    files: &[Attachment],
) -> Result<()> {
    for a in files {
        tx.execute(
            "INSERT INTO wf_attachments(id, owner_id, purpose, name, path, sha256, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![new_id(now), owner_id, purpose, a.name.trim(), a.path.trim(), a.sha256, fmt_instant(now), actor.name],
        )?;
    }
    Ok(())
}

pub(crate) fn attachments_json(files: &[Attachment]) -> serde_json::Value {
    serde_json::Value::Array(
        files
            .iter()
            .map(|a| serde_json::json!({ "name": a.name, "path": a.path, "sha256": a.sha256 }))
            .collect(),
    )
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub purpose: String,
    pub attachment: Attachment,
    pub added_at: String,
    pub added_by: String,
}

pub(crate) fn load_attachments(
    conn: &jiancha_store::rusqlite::Connection,
    owner_id: &str,
) -> Result<Vec<StoredAttachment>> {
    let mut st = conn.prepare(
        "SELECT purpose, name, path, sha256, added_at, added_by FROM wf_attachments WHERE owner_id = ?1 ORDER BY added_at, id",
    )?;
    let rows = st.query_map([owner_id], |r| {
        Ok(StoredAttachment {
            purpose: r.get(0)?,
            attachment: Attachment {
                name: r.get(1)?,
                path: r.get(2)?,
                sha256: r.get(3)?,
            },
            added_at: r.get(4)?,
            added_by: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

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

pub(crate) fn load_history(
    conn: &jiancha_store::rusqlite::Connection,
    subject_id: &str,
) -> Result<Vec<Transition>> {
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
