//! Officers' audited edits of the working-day calendar (issue 3): a year's State Council
//! arrangement or single days, each with who, when and why. The effective calendar is the
//! shipped one with every edit applied in version order (composed by the service, which also
//! re-evaluates the open cases after an edit: an edit can move deadlines both ways).
//!
//! [`append`] checks the edit, stores it with its days and appends a `calendar.edit` entry to
//! the audit chain, all in the caller's write transaction: an edit is never stored without
//! its audit entry. Who may edit is the caller's decision (the console refuses reviewers; the
//! CLI works on a file it was given).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use jiancha_calendar::DayOverride;
use jiancha_store::rusqlite::Transaction;

use crate::audit;
use crate::db::calendar_edits::{self as table, NewEditRow};
use crate::{Result, WorkflowError};

pub use crate::db::calendar_edits::{
    days_of, latest_version, list, source_text, CalendarEdit, EditSource,
};

/// Who, when and why of an edit. `at` is passed in (the domain never reads the wall clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditMeta {
    /// Who, as people read it (the console: `显示名（username@workstation）`).
    pub actor: String,
    pub at: DateTime<FixedOffset>,
    pub reason: String,
}

/// An edit to store.
pub struct NewEdit<'a> {
    pub meta: &'a EditMeta,
    /// `Some(year)`: a whole year's arrangement, which makes the year known.
    pub year: Option<i32>,
    pub source: EditSource,
    /// The imported file, kept verbatim (`None` for manual edits).
    pub source_text: Option<&'a str>,
    pub days: &'a [DayOverride],
}

/// Refuses an edit without who or why, without days, or with a date listed both as a working
/// day and as a day off. The problem text is bilingual; `field` names the input.
pub fn check(e: &NewEdit<'_>) -> Result<()> {
    if e.meta.actor.trim().is_empty() {
        return Err(WorkflowError::invalid(
            "actor",
            "编辑人不能为空 / the actor (who) of a calendar edit is empty",
        ));
    }
    if e.meta.reason.trim().is_empty() {
        return Err(WorkflowError::invalid(
            "reason",
            "编辑原因不能为空 / the reason (why) of a calendar edit is empty",
        ));
    }
    if e.days.is_empty() {
        return Err(WorkflowError::invalid(
            "days",
            "没有要修改的日期 / the edit lists no days",
        ));
    }
    let mut seen = BTreeMap::new();
    for d in e.days {
        if let Some(w) = seen.insert(d.date, d.workday) {
            if w != d.workday {
                return Err(WorkflowError::invalid(
                    "days",
                    format!(
                        "{} 同时标为工作日和休息日 / {} is listed as both a working day and a day off",
                        d.date, d.date
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Checks and stores an edit with its days, and appends its audit entry (`calendar.edit` on
/// `calendar:v<version>`, by the edit's actor) in the caller's transaction. Returns the new
/// version.
pub fn append(tx: &Transaction<'_>, e: &NewEdit<'_>) -> Result<i64> {
    check(e)?;
    let actor = e.meta.actor.trim();
    let reason = e.meta.reason.trim();
    let version = table::insert(
        tx,
        &NewEditRow {
            year: e.year,
            source: e.source,
            actor,
            at: e.meta.at,
            reason,
            source_text: e.source_text,
            days: e.days,
        },
    )?;
    let details = serde_json::json!({
        "version": version,
        "kind": if e.year.is_some() { "year" } else { "days" },
        "year": e.year,
        "source": e.source.code(),
        "days": e.days.len(),
        "reason": reason,
    });
    audit::append(
        tx,
        &audit::NewEntry {
            at: e.meta.at.with_timezone(&Utc),
            actor,
            // The console's actor text names the workstation; the CLI has none.
            workstation: "",
            action: "calendar.edit",
            subject: &format!("calendar:v{version}"),
            details: &details.to_string(),
        },
    )?;
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use jiancha_store::Db;

    fn meta(actor: &str, reason: &str) -> EditMeta {
        EditMeta {
            actor: actor.into(),
            at: DateTime::parse_from_rfc3339("2026-11-27T10:00:00+08:00").unwrap(),
            reason: reason.into(),
        }
    }

    fn day(s: &str, workday: bool) -> DayOverride {
        DayOverride {
            date: NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap(),
            workday,
            name: "台风".into(),
        }
    }

    /// An edit is stored with its days and its audit entry in one transaction; a refused edit
    /// stores neither.
    #[test]
    fn an_edit_is_stored_with_its_audit_entry_or_not_at_all() {
        let mut db = Db::open_in_memory().unwrap();
        let m = meta("张三（zhang@ws-1）", "台风停工");
        let days = [day("2026-11-27", false), day("2026-11-28", true)];
        let edit = NewEdit {
            meta: &m,
            year: None,
            source: EditSource::Manual,
            source_text: None,
            days: &days,
        };
        let v = db.write(|tx| append(tx, &edit)).unwrap();
        assert_eq!(latest_version(db.conn()).unwrap(), v);
        assert_eq!(days_of(db.conn(), v).unwrap(), days);
        let stored = &list(db.conn()).unwrap()[0];
        assert_eq!(
            (stored.source, stored.actor.as_str()),
            (EditSource::Manual, "张三（zhang@ws-1）")
        );
        assert_eq!(source_text(db.conn(), v).unwrap(), None);
        let log = audit::entries_for_subject(db.conn(), &format!("calendar:v{v}")).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].action.as_str(), log[0].actor.as_str()),
            ("calendar.edit", "张三（zhang@ws-1）")
        );
        assert!(log[0].details.contains("台风停工"));
        assert!(audit::verify(&db).unwrap().ok());

        let no_reason = meta("张三", " ");
        let both = [day("2026-12-01", false), day("2026-12-01", true)];
        for (m, days) in [(&no_reason, &days[..]), (&m, &[][..]), (&m, &both[..])] {
            let e = NewEdit {
                meta: m,
                year: None,
                source: EditSource::Manual,
                source_text: None,
                days,
            };
            let err = db.write(|tx| append(tx, &e)).unwrap_err();
            assert!(matches!(err, WorkflowError::Invalid { .. }), "{err}");
        }
        assert_eq!(latest_version(db.conn()).unwrap(), v, "nothing more stored");
        assert_eq!(audit::verify(&db).unwrap().entries, 1, "nor audited");
    }
}
