//! Reads of the cache that the SMS notices compose with the other owners' records
//! (jiancha-service's `sms`; Art. B6 notices, Art. A8 escalation): cases that entered 预警,
//! open cases at 预警 or above. Tables read: `signals`, `case_signals` (owned here). A case's
//! facts, the handlers of open cards and the departments' names come from the modules that
//! serve the queues too (`case::record`, `queue::open_by_handler`, `departments`).
//!
//! The candidate lists are keyset-paginated and bounded: the caller filters each page by
//! what the workflow (notices) and notify (skips, scheduled SMS) crates know and asks for the
//! page after the last key it saw, until its batch is full or the list is exhausted, so a
//! batch never starves behind candidates that are already handled.

use jiancha_store::rusqlite::{params, Connection};

use crate::SyncError;

/// A case whose 预警 began at `began_at` (the feed's clock, Unix seconds) and is still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningStart {
    pub case_id: String,
    pub began_at: i64,
}

impl WarningStart {
    /// The key of the next page after this one.
    pub fn key(&self) -> (i64, &str) {
        (self.began_at, &self.case_id)
    }
}

/// Open cases whose 预警 (level 1) began at or after `since`, by (began_at, case_id), after
/// the key `after` (exclusive; None = from the start), at most `limit`.
pub fn warnings_began_since(
    conn: &Connection,
    since: i64,
    after: Option<(i64, &str)>,
    limit: usize,
) -> Result<Vec<WarningStart>, SyncError> {
    const SELECT: &str = "SELECT s.case_id, s.began_at FROM signals s
         JOIN case_signals cs ON cs.case_id = s.case_id AND cs.open = 1
        WHERE s.level = 1 AND s.began_at >= ?1";
    let limit = limit as i64;
    let mut st;
    let rows = match after {
        None => {
            st = conn.prepare(&format!("{SELECT} ORDER BY s.began_at, s.case_id LIMIT ?2"))?;
            st.query_map(params![since, limit], warning_row)?
        }
        Some((at, case_id)) => {
            st = conn.prepare(&format!(
                "{SELECT} AND (s.began_at, s.case_id) > (?2, ?3)
                 ORDER BY s.began_at, s.case_id LIMIT ?4"
            ))?;
            st.query_map(params![since, at, case_id, limit], warning_row)?
        }
    };
    Ok(rows.collect::<Result<_, _>>()?)
}

fn warning_row(
    r: &jiancha_store::rusqlite::Row<'_>,
) -> jiancha_store::rusqlite::Result<WarningStart> {
    Ok(WarningStart {
        case_id: r.get(0)?,
        began_at: r.get(1)?,
    })
}

/// Open cases at 预警 or above (level ≥ 1), by case id after `after` (exclusive; None = from
/// the start), at most `limit`.
pub fn open_signalled_after(
    conn: &Connection,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<String>, SyncError> {
    let mut st = conn.prepare(
        "SELECT case_id FROM case_signals
          WHERE open = 1 AND level >= 1 AND (?1 IS NULL OR case_id > ?1)
          ORDER BY case_id LIMIT ?2",
    )?;
    let rows = st.query_map(params![after, limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use jiancha_store::Db;

    use super::*;

    /// A case of D1 at `level` since `began` (open or not), with `payload`.
    fn case(db: &Db, id: &str, level: i64, began: i64, open: bool, payload: &str) {
        let c = db.conn();
        let seq: i64 = c
            .query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM case_versions",
                [],
                |r| r.get(0),
            )
            .unwrap();
        c.execute("INSERT INTO case_versions(seq, case_id, reported_at, received_at, status, payload) VALUES (?1, ?2, 0, 0, '3', ?3)", params![seq, id, payload]).unwrap();
        c.execute("INSERT INTO cases(case_id, seq, first_seq, reported_at, dept_id, item_code, case_type, status, classified, applied_at, accepted_at, promised_limit, promised_unit) VALUES (?1, ?2, ?2, 0, 'D1', 'I1', '1', '3', 0, 0, 0, 10, 'G')", params![id, seq]).unwrap();
        let signal = ["normal", "warning", "yellow", "red"][level as usize];
        c.execute("INSERT INTO case_signals(case_id, dept_id, item_code, signal, level, began_at, open, paused, deadline, remaining_workdays, warning_at, yellow_at, red_at, classified, known, case_seq, evaluated_at) VALUES (?1,'D1','I1',?2,?3,?4,?5,0,'2026-03-10',-2,?4,?4,?4,0,1,1,0)", params![id, signal, level, began, open]).unwrap();
        for l in 1..=level {
            c.execute(
                "INSERT INTO signals VALUES (?1, ?2, ?3)",
                params![id, l, began + l - 1],
            )
            .unwrap();
        }
    }

    #[test]
    fn warnings_since_page_by_began_then_case_and_skip_closed_cases() {
        let db = Db::open_in_memory().unwrap();
        case(&db, "OLD", 1, 50, true, "{}");
        case(&db, "B", 1, 100, true, "{}");
        case(&db, "A", 1, 100, true, "{}");
        case(&db, "C", 1, 200, true, "{}");
        case(&db, "DONE", 1, 150, false, "{}");
        case(&db, "RED", 3, 120, true, "{}"); // its 预警 began at 120
        let mut all = Vec::new();
        let mut after: Option<(i64, String)> = None;
        loop {
            let page = warnings_began_since(
                db.conn(),
                100,
                after.as_ref().map(|(t, c)| (*t, c.as_str())),
                2,
            )
            .unwrap();
            let Some(last) = page.last() else { break };
            after = Some((last.began_at, last.case_id.clone()));
            all.extend(page.into_iter().map(|w| w.case_id));
        }
        assert_eq!(all, ["A", "B", "RED", "C"]);
        let open = open_signalled_after(db.conn(), None, 10).unwrap();
        assert_eq!(open, ["A", "B", "C", "OLD", "RED"]);
        let rest = open_signalled_after(db.conn(), Some("C"), 1).unwrap();
        assert_eq!(rest, ["OLD"]);
    }
}
