//! Reads of one case: its current version (`cases` + `case_versions`, the `case_current`
//! view) as a typed [`Case`], its versions, the levels it reached (`signals`), and the
//! [`CaseRecord`] the letters and notices are written from. Stored payloads are parsed here
//! and only here; a payload that no longer parses is [`SyncError::BadPayload`].

use jiancha_calendar::Level;
use jiancha_protocol::Case;
use jiancha_store::rusqlite::{Connection, OptionalExtension};

use crate::error::SyncError;
use crate::facts::CaseFacts;
use crate::util::level_of;

/// Parses a stored payload.
pub(crate) fn parse(case_id: &str, payload: &str) -> Result<Case, SyncError> {
    serde_json::from_str(payload).map_err(|e| SyncError::BadPayload {
        case_id: case_id.to_string(),
        reason: e.to_string(),
    })
}

/// A case's current version and where it stands in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentCase {
    /// The current version, as the feed sent it.
    pub case: Case,
    /// Completed, withdrawn or refused at (the stored closure; it covers final states
    /// without a timestamp).
    pub closed_at: Option<i64>,
}

/// The current version of `case_id`, `None` when the cache does not hold it.
pub fn current(conn: &Connection, case_id: &str) -> Result<Option<CurrentCase>, SyncError> {
    let row: Option<(String, Option<i64>)> = conn
        .prepare_cached(
            "SELECT v.payload, c.closed_at FROM cases c JOIN case_versions v ON v.seq = c.seq \
             WHERE c.case_id = ?1",
        )?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(payload, closed_at)| {
        Ok(CurrentCase {
            case: parse(case_id, &payload)?,
            closed_at,
        })
    })
    .transpose()
}

/// The current version of every case with an open signal (at most `limit`, ≤ 100 000), in
/// 办件编号 order.
pub fn open_signalled(conn: &Connection, limit: u32) -> Result<Vec<CurrentCase>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT c.case_id, c.payload, c.closed_at FROM case_current c \
         WHERE c.case_id IN (SELECT case_id FROM case_signals WHERE open = 1) \
         ORDER BY c.case_id LIMIT ?1",
    )?;
    let mut rows = st.query([i64::from(limit.min(100_000))])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        out.push(CurrentCase {
            case: parse(&id, &r.get::<_, String>(1)?)?,
            closed_at: r.get(2)?,
        });
    }
    Ok(out)
}

/// The acceptance and completion instants as first reported (the earliest version showing
/// each; Unix seconds): the clock runs on them when a later version rewrote them (Art.
/// A9(2)(8), the evaluator's decision).
pub fn first_reported(
    conn: &Connection,
    case_id: &str,
) -> Result<(Option<i64>, Option<i64>), SyncError> {
    let first = |sql: &str| -> Result<Option<i64>, SyncError> {
        Ok(conn
            .prepare_cached(sql)?
            .query_row([case_id], |r| r.get(0))
            .optional()?)
    };
    Ok((
        first(
            "SELECT accepted_at FROM case_versions WHERE case_id = ?1 \
             AND accepted_at IS NOT NULL ORDER BY seq LIMIT 1",
        )?,
        first(
            "SELECT completed_at FROM case_versions WHERE case_id = ?1 \
             AND completed_at IS NOT NULL ORDER BY seq LIMIT 1",
        )?,
    ))
}

/// One received version of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// The feed's change seq (with the log offset).
    pub seq: i64,
    /// 上报时间.
    pub reported_at: i64,
    /// This console's clock when received.
    pub received_at: i64,
    /// 办件状态代码.
    pub status: String,
    /// 受理时间 in this version.
    pub accepted_at: Option<i64>,
    /// 办结时间 in this version.
    pub completed_at: Option<i64>,
    /// The current version.
    pub is_latest: bool,
}

/// Every version of `case_id`, oldest first (at most 500).
pub fn versions(conn: &Connection, case_id: &str) -> Result<Vec<VersionRow>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT v.seq, v.reported_at, v.received_at, v.status, v.accepted_at, \
         v.completed_at, v.seq = c.seq FROM case_versions v JOIN cases c USING (case_id) \
         WHERE v.case_id = ?1 ORDER BY v.seq LIMIT 500",
    )?;
    let rows = st.query_map([case_id], |r| {
        Ok(VersionRow {
            seq: r.get(0)?,
            reported_at: r.get(1)?,
            received_at: r.get(2)?,
            status: r.get(3)?,
            accepted_at: r.get(4)?,
            completed_at: r.get(5)?,
            is_latest: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every level `case_id` reached and when it began (Art. B5), in time order.
pub fn signal_history(conn: &Connection, case_id: &str) -> Result<Vec<(Level, i64)>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT level, began_at FROM signals WHERE case_id = ?1 ORDER BY began_at, level",
    )?;
    let rows = st.query_map([case_id], |r| Ok((level_of(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The evaluator's latest classification of a case (`case_signals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSignal {
    /// `normal`, `warning`, `yellow`, `red`, `done`.
    pub signal: String,
    /// D (YYYY-MM-DD, CST).
    pub deadline: String,
    /// Working days left (0 on D, negative = overdue).
    pub remaining_workdays: i64,
}

/// What the cache knows about a case for the documents about it (letters, notices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// The facts of the current version.
    pub facts: CaseFacts,
    /// The department (`cases.dept_id`).
    pub dept_id: String,
    /// Its name, when in the catalogue.
    pub dept_name: Option<String>,
    /// Its stationed discipline body (Art. A8/B8), when in the catalogue.
    pub discipline_body: Option<String>,
    /// The latest classification, once evaluated.
    pub signal: Option<CaseSignal>,
    /// When the yellow card began (Unix seconds), if it was reached.
    pub yellow_at: Option<i64>,
    /// When the red card began, if it was reached.
    pub red_at: Option<i64>,
}

/// The [`CaseRecord`] of `case_id`, `None` when the cache does not hold it.
pub fn record(conn: &Connection, case_id: &str) -> Result<Option<CaseRecord>, SyncError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<String>,
        String,
        Option<i64>,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT v.payload, d.name, d.discipline_body_name, s.deadline,
                    (SELECT began_at FROM signals WHERE case_id = c.case_id AND level = 2),
                    (SELECT began_at FROM signals WHERE case_id = c.case_id AND level = 3),
                    s.signal, c.dept_id, s.remaining_workdays
               FROM cases c JOIN case_versions v ON v.seq = c.seq
               LEFT JOIN departments d ON d.dept_id = c.dept_id
               LEFT JOIN case_signals s ON s.case_id = c.case_id
              WHERE c.case_id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .optional()?;
    let Some((payload, dept_name, body, deadline, yellow_at, red_at, signal, dept_id, remaining)) =
        row
    else {
        return Ok(None);
    };
    let case = parse(case_id, &payload)?;
    let signal = match (signal, deadline, remaining) {
        (Some(signal), Some(deadline), Some(remaining_workdays)) => Some(CaseSignal {
            signal,
            deadline,
            remaining_workdays,
        }),
        _ => None,
    };
    Ok(Some(CaseRecord {
        facts: CaseFacts::from_case(&case),
        dept_id,
        dept_name,
        discipline_body: body,
        signal,
        yellow_at,
        red_at,
    }))
}

/// Cases in the cache.
pub fn count(conn: &Connection) -> Result<u64, SyncError> {
    crate::db::count(conn, "SELECT count(*) FROM cases")
}
