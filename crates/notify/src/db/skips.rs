//! `sms_auto_skipped` (migration 41): cases the dispatcher will not notify on its own again,
//! and why. Two kinds share the table, told apart by the stored reason's prefix: an automatic
//! notice not sent (no number in the directory, a template the case cannot fill), and an
//! escalation chain stopped (nobody to tell at a step, or repeated failures; prefix
//! `escalation: `). An officer can still send from the case.
//!
//! Reads take `&Connection`: [`of_case`], [`skipped_among`], [`escalation_stopped_among`].
//! Writes take the write transaction: [`skip_auto`], [`stop_escalation`].

use std::collections::HashSet;

use jiancha_store::rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::sql::ids_among;
use crate::error::NotifyError;

const ESCALATION: &str = "escalation: ";

/// Why the dispatcher stopped for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The automatic notice to the handler was not sent.
    Auto(String),
    /// The escalation chain stopped at a step.
    Escalation(String),
}

impl Skip {
    /// The reason, as an officer reads it.
    pub fn reason(&self) -> &str {
        match self {
            Skip::Auto(r) | Skip::Escalation(r) => r,
        }
    }
}

/// Why the dispatcher stopped notifying `case_id` on its own, if it did.
pub fn of_case(conn: &Connection, case_id: &str) -> Result<Option<Skip>, NotifyError> {
    let reason: Option<String> = conn
        .query_row(
            "SELECT reason FROM sms_auto_skipped WHERE case_id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(reason.map(|r| match r.strip_prefix(ESCALATION) {
        Some(why) => Skip::Escalation(why.to_string()),
        None => Skip::Auto(r),
    }))
}

/// Of `case_ids`, those skipped for any reason (no automatic notice for them).
pub fn skipped_among(
    conn: &Connection,
    case_ids: &[String],
) -> Result<HashSet<String>, NotifyError> {
    ids_among(
        conn,
        "SELECT case_id FROM sms_auto_skipped WHERE case_id IN ({ids})",
        case_ids,
    )
}

/// Of `case_ids`, those whose escalation chain has stopped.
pub fn escalation_stopped_among(
    conn: &Connection,
    case_ids: &[String],
) -> Result<HashSet<String>, NotifyError> {
    ids_among(
        conn,
        "SELECT case_id FROM sms_auto_skipped WHERE reason LIKE 'escalation:%' AND case_id IN ({ids})",
        case_ids,
    )
}

/// The automatic notice of `case_id` was not sent, for `why`; `at` = Unix seconds. A case
/// already skipped keeps its first reason.
pub fn skip_auto(
    tx: &Transaction<'_>,
    case_id: &str,
    why: &str,
    at: i64,
) -> Result<(), NotifyError> {
    tx.execute(
        "INSERT OR IGNORE INTO sms_auto_skipped (case_id, reason, at) VALUES (?1, ?2, ?3)",
        params![case_id, why, at],
    )?;
    Ok(())
}

/// The escalation chain of `case_id` stops, for `why` (replacing any earlier reason).
pub fn stop_escalation(
    tx: &Transaction<'_>,
    case_id: &str,
    why: &str,
    at: i64,
) -> Result<(), NotifyError> {
    tx.execute(
        "INSERT INTO sms_auto_skipped (case_id, reason, at) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_id) DO UPDATE SET reason = excluded.reason, at = excluded.at",
        params![case_id, format!("{ESCALATION}{why}"), at],
    )?;
    Ok(())
}
