//! Recording a step: one `wf_transitions` row and one audit entry, in the caller's
//! transaction, so a state change is never stored without its who/when/where.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{Connection, Transaction};

use crate::audit;
use crate::auth::Actor;
use crate::db::{attachments, transitions};
use crate::util::{new_id, Attachment};
use crate::Result;

pub use crate::db::attachments::StoredAttachment;
pub use crate::db::transitions::Transition;

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
    transitions::insert(
        tx,
        &transitions::NewTransition {
            id: &new_id(now),
            workflow: step.workflow,
            subject_id: step.subject_id,
            from: step.from,
            to: step.to,
            action: step.action,
            actor: &actor.name,
            workstation: &actor.workstation,
            at: now,
        },
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
        attachments::insert(tx, &new_id(now), owner_id, purpose, a, now, &actor.name)?;
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

pub(crate) fn load_attachments(conn: &Connection, owner_id: &str) -> Result<Vec<StoredAttachment>> {
    attachments::of_owner(conn, owner_id)
}

pub(crate) fn load_history(conn: &Connection, subject_id: &str) -> Result<Vec<Transition>> {
    transitions::of_subject(conn, subject_id)
}
