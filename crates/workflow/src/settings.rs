//! Workflow settings: letter-number prefixes, deadlines in working days, session idle time.
//! Stored through the store's settings API (`jiancha_store::settings`, namespace `workflow`);
//! a missing key means its default. The values, keys and validation live in
//! `crate::settings_values` (re-exported here), which `auth` reads without importing this
//! module (no import cycle). Every change goes through [`set`], which checks the admin role,
//! validates the value and appends an audit entry with the old and new value (issue 7 item 3:
//! every setting change is logged); the store's change log records it too.

use chrono::{DateTime, Utc};
use jiancha_store::settings::Logged;
use jiancha_store::Db;

use crate::auth::{authorize, Action, Session};
use crate::{audit, Result, WorkflowError};

pub use crate::settings_values::{load, RedCardDeadlines, WorkflowSettings, KEYS};

/// Changes one setting (admin only); logs old and new value.
pub fn set(
    db: &mut Db,
    session: &mut Session,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<WorkflowSettings> {
    let actor = authorize(session, Action::ChangeSettings, now)?;
    let mut next = load(db.conn())?;
    crate::settings_values::apply(&mut next, key, value)?;
    if next.admonition_prefix == next.investigation_prefix {
        // Both kinds share the 文号 space on paper: equal prefixes would give two letters the
        // same number.
        return Err(WorkflowError::invalid(
            "prefix",
            format!(
                "两类文书的文号前缀不能相同 (both prefixes would be {:?})",
                next.admonition_prefix
            ),
        ));
    }
    let value = value.trim().to_string();
    db.write(|tx| {
        // The store keeps the value and its change log; the audit chain gets the entry.
        let old = jiancha_store::settings::set_raw(
            tx,
            jiancha_store::settings::WORKFLOW,
            key,
            Some(&value),
            Logged::Plain,
            &actor.name,
            now.timestamp(),
        )?;
        let details = serde_json::json!({ "key": key, "old": old, "new": value }).to_string();
        audit::append(
            tx,
            &audit::NewEntry {
                at: now,
                actor: &actor.name,
                workstation: &actor.workstation,
                action: "settings.set",
                subject: &format!("setting:{key}"),
                details: &details,
            },
        )?;
        Ok::<_, WorkflowError>(())
    })?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{env, t0};

    #[test]
    fn a_change_goes_to_the_store_with_its_author_and_the_sessions_read_it() {
        let mut e = env();
        set(&mut e.db, &mut e.admin, "session.idle_minutes", "30", t0()).unwrap();
        set(&mut e.db, &mut e.admin, "rectification.days", "6", t0()).unwrap();
        set(&mut e.db, &mut e.admin, "rectification.days", "7", t0()).unwrap();
        let log =
            jiancha_store::settings::changes(e.db.conn(), Some(jiancha_store::settings::WORKFLOW))
                .unwrap();
        let shown: Vec<_> = log
            .iter()
            .map(|c| {
                (
                    c.key.as_str(),
                    c.old_value.as_deref(),
                    c.new_value.as_deref(),
                    c.changed_by.as_deref(),
                    c.at,
                )
            })
            .collect();
        let at = t0().timestamp();
        assert_eq!(
            shown,
            vec![
                ("session.idle_minutes", None, Some("30"), Some("admin"), at),
                ("rectification.days", None, Some("6"), Some("admin"), at),
                (
                    "rectification.days",
                    Some("6"),
                    Some("7"),
                    Some("admin"),
                    at
                ),
            ]
        );
        // A new session takes the idle time from the same store.
        let s =
            crate::auth::sign_in(&mut e.db, "officer", crate::testkit::PW, "ws-1", t0()).unwrap();
        assert!(!s.is_locked_at(t0() + chrono::Duration::minutes(29)));
        assert!(s.is_locked_at(t0() + chrono::Duration::minutes(31)));
    }
}
