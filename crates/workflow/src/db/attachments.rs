//! `wf_attachments`: documents kept with a workflow record (evidence of a card, the
//! rectification report of a letter, findings of a red-card matter, a measure's decision), by
//! name, path and SHA-256. Rows are only ever added.

use chrono::{DateTime, Utc};
use jiancha_store::rusqlite::{params, Connection, Transaction};

use crate::util::{fmt_instant, Attachment};
use crate::Result;

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub purpose: String,
    pub attachment: Attachment,
    pub added_at: String,
    pub added_by: String,
}

/// The attachments of one record, in the order they were added.
pub fn of_owner(conn: &Connection, owner_id: &str) -> Result<Vec<StoredAttachment>> {
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

/// Stores one attachment of `owner_id` (name and path trimmed).
pub(crate) fn insert(
    tx: &Transaction<'_>,
    id: &str,
    owner_id: &str,
    purpose: &str,
    a: &Attachment,
    added_at: DateTime<Utc>,
    added_by: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO wf_attachments(id, owner_id, purpose, name, path, sha256, added_at, added_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            owner_id,
            purpose,
            a.name.trim(),
            a.path.trim(),
            a.sha256,
            fmt_instant(added_at),
            added_by
        ],
    )?;
    Ok(())
}
