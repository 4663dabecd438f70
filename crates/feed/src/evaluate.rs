//! Evaluation: classify cases with the clock (`jiancha_calendar::evaluate`) and store the
//! result in `case_signals` / `signals`, so the queues are a query (issue 4 item 6; Art. B5).
//!
//! Incremental: a run classifies (a) every case whose latest version is newer than the last
//! run (`cases.seq > evaluation_state.evaluated_seq`) and (b) every case whose stored
//! `next_change_at` has been reached. `full = true` (calendar or clock settings changed, or an
//! instant earlier than the last run) reclassifies every accepted case.
//!
//! A step of each run: the queues' search index (`crate::db::search`) is brought up to date in
//! the same transactions, from the typed cases classified here — the index is refreshed by
//! this write path, never by a read.

use chrono::{DateTime, FixedOffset};
use jiancha_calendar::{
    evaluate as clock_evaluate, Calendar, CaseClock, CaseEvent, ClockConfig, ClockState, EventKind,
    Level, Limit, Signal, Unit,
};
use jiancha_protocol::{Case, LimitUnit, SpecialKind};
use jiancha_store::rusqlite::{params, OptionalExtension, Transaction};
use jiancha_store::Db;

use crate::db::search::{self, SearchRow};
use crate::error::SyncError;
use crate::facts::CaseFacts;
use crate::util::level_num;

/// Counts after an evaluation run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalSummary {
    /// Cases classified by this run.
    pub evaluated: u64,
    /// Cases the clock could not read (events it rejects); left unclassified.
    pub clock_errors: u64,
    /// Accepted, open cases by current level.
    pub normal: u64,
    /// 预警提示.
    pub warning: u64,
    /// 黄牌.
    pub yellow: u64,
    /// 红牌.
    pub red: u64,
    /// Completed or withdrawn (classified cases).
    pub done: u64,
    /// The next instant a signal changes without new data (Unix seconds).
    pub next_change: Option<i64>,
}

const CHUNK: usize = 5_000;

fn dt(unix: i64) -> DateTime<FixedOffset> {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&jiancha_protocol::cst())
}

fn limit(l: jiancha_protocol::Limit) -> Limit {
    Limit {
        days: l.value,
        unit: match l.unit {
            LimitUnit::G => Unit::G,
            LimitUnit::Z => Unit::Z,
        },
    }
}

/// The clock's input for a case version; `None` before acceptance (no clock runs).
/// `closed_at` is the stored closure instant (it covers final states without a timestamp).
pub fn case_clock(c: &Case, closed_at: Option<i64>) -> Option<CaseClock> {
    let acc = c.acceptance.as_ref()?;
    let mut events = Vec::new();
    for p in &c.corrections {
        events.push(CaseEvent {
            at: p.started_at.0,
            kind: EventKind::CorrectionStart,
        });
        if let Some(e) = p.ended_at {
            events.push(CaseEvent {
                at: e.0,
                kind: EventKind::CorrectionEnd,
            });
        }
    }
    for p in &c.special_procedures {
        match (p.kind, p.limit) {
            // Kind A with a limit: an extension (Licensing Law Art. 42, +N with the head's
            // approval), not a capped pause. [decision, issue 13 item 1] feed-facts.md reports
            // a provincial system that runs it as a capped pause; we follow Art. 42, which
            // grants time *within* the limit: before D it adds its days to D; recorded once the
            // yellow card is up it moves nothing (the clock's `late_extensions`; Arts. B5, B9: a
            // card is never laundered). See docs/clock.md.
            (SpecialKind::Extension, Some(l)) => events.push(CaseEvent {
                at: p.started_at.0,
                kind: EventKind::Extension(limit(l)),
            }),
            // Kind B (capped or not), and kind A without a limit: a pause.
            (_, cap) => {
                events.push(CaseEvent {
                    at: p.started_at.0,
                    kind: EventKind::SpecialStart {
                        cap: cap.map(limit),
                    },
                });
                if let Some(e) = p.ended_at {
                    events.push(CaseEvent {
                        at: e.0,
                        kind: EventKind::SpecialEnd,
                    });
                }
            }
        }
    }
    if let Some(done) = &c.completion {
        events.push(CaseEvent {
            at: done.completed_at.0,
            kind: EventKind::Completed,
        });
    } else if let Some(w) = &c.withdrawal {
        events.push(CaseEvent {
            at: w.withdrawn_at.0,
            kind: EventKind::Withdrawn,
        });
    } else if let Some(at) = closed_at {
        // Refused after acceptance, cancelled or revoked: the clock stops there.
        events.push(CaseEvent {
            at: dt(at),
            kind: EventKind::Withdrawn,
        });
    }
    Some(CaseClock {
        accepted_at: acc.accepted_at.0,
        limit: limit(c.promised_limit),
        events,
    })
}

fn level_began(st: &ClockState, l: Level) -> Option<i64> {
    match l {
        Level::Normal => None,
        Level::Warning => Some(st.warning_at.timestamp()),
        Level::Yellow => Some(st.yellow_at.timestamp()),
        Level::Red => Some(st.red_at.timestamp()),
    }
}

struct Row {
    case_id: String,
    seq: i64,
    dept_id: String,
    item_code: String,
    classified: bool,
    accepted_at: Option<i64>,
    closed_at: Option<i64>,
    payload: String,
}

/// Classifies the cases that need it at instant `at` (Unix seconds) and stores the signals.
pub fn evaluate(
    db: &mut Db,
    calendar: &Calendar,
    cfg: &ClockConfig,
    at: i64,
    full: bool,
) -> Result<EvalSummary, SyncError> {
    let (evaluated_seq, last_at): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT evaluated_seq, evaluated_at FROM evaluation_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, i64::MIN));
    // An earlier instant than last time: the stored signals are from the future; redo all.
    let full = full || at < last_at;
    let max_seq: i64 = db
        .conn()
        .query_row("SELECT coalesce(max(seq), 0) FROM cases", [], |r| r.get(0))?;
    let mut summary = EvalSummary::default();
    let at_dt = dt(at);
    let mut from = if full { 0 } else { evaluated_seq };
    // The search index covers the cases up to `indexed`; the versions after it are indexed
    // below as (a) reads them. Versions (a) will not read (an index behind the evaluation,
    // e.g. a cache from before the index moved here) are indexed first.
    let indexed = search::indexed_seq(db.conn())?;
    if indexed < from {
        db.write(|tx| search::index_range(tx, indexed, from))?;
    }

    // (a) Changed (or all) cases, in seq order, chunk by chunk.
    loop {
        let rows = load_rows(
            db,
            "SELECT c.case_id, c.seq, c.dept_id, c.item_code, c.classified, c.accepted_at, \
             c.closed_at, v.payload FROM cases c JOIN case_versions v ON v.seq = c.seq \
             WHERE c.seq > ?1 AND c.seq <= ?2 ORDER BY c.seq LIMIT ?3",
            params![from, max_seq, CHUNK as i64],
        )?;
        let Some(last) = rows.last() else { break };
        from = last.seq;
        db.write(|tx| classify_rows(tx, calendar, cfg, at, at_dt, &rows, indexed, &mut summary))?;
    }
    // (b) Cases whose signal changes by `at` without new data.
    let mut guard = 0;
    loop {
        let rows = load_rows(
            db,
            "SELECT c.case_id, c.seq, c.dept_id, c.item_code, c.classified, c.accepted_at, \
             c.closed_at, v.payload FROM case_signals s JOIN cases c USING (case_id) \
             JOIN case_versions v ON v.seq = c.seq \
             WHERE s.next_change_at IS NOT NULL AND s.next_change_at <= ?1 \
             ORDER BY s.next_change_at LIMIT ?2",
            params![at, CHUNK as i64],
        )?;
        if rows.is_empty() || guard > 10_000 {
            break;
        }
        guard += 1;
        // (a) indexed every version these can be: nothing to index.
        db.write(|tx| classify_rows(tx, calendar, cfg, at, at_dt, &rows, i64::MAX, &mut summary))?;
    }
    db.write(|tx| {
        tx.execute(
            "INSERT INTO evaluation_state (id, evaluated_seq, evaluated_at) VALUES (1, ?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET evaluated_seq = max(evaluated_seq, excluded.evaluated_seq), \
             evaluated_at = excluded.evaluated_at",
            params![max_seq, at],
        )?;
        search::set_indexed(tx, max_seq)
    })?;
    {
        let mut st = db
            .conn()
            .prepare("SELECT level, count(*) FROM case_signals WHERE open = 1 GROUP BY level")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let n: i64 = r.get(1)?;
            match r.get::<_, i64>(0)? {
                0 => summary.normal = n as u64,
                1 => summary.warning = n as u64,
                2 => summary.yellow = n as u64,
                _ => summary.red = n as u64,
            }
        }
        summary.done = db.conn().query_row(
            "SELECT count(*) FROM case_signals WHERE open = 0",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
    }
    summary.next_change = next_change(db)?;
    Ok(summary)
}

/// The next instant (Unix seconds) at which some case's signal changes without new data: the
/// app shell schedules the next evaluation for it.
pub fn next_change(db: &Db) -> Result<Option<i64>, SyncError> {
    Ok(db.conn().query_row(
        "SELECT min(next_change_at) FROM case_signals WHERE next_change_at IS NOT NULL",
        [],
        |r| r.get(0),
    )?)
}

fn load_rows(
    db: &Db,
    sql: &str,
    p: impl jiancha_store::rusqlite::Params,
) -> Result<Vec<Row>, SyncError> {
    let mut st = db.conn().prepare_cached(sql)?;
    let rows = st.query_map(p, |r| {
        Ok(Row {
            case_id: r.get(0)?,
            seq: r.get(1)?,
            dept_id: r.get(2)?,
            item_code: r.get(3)?,
            classified: r.get(4)?,
            accepted_at: r.get(5)?,
            closed_at: r.get(6)?,
            payload: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn unit_code(u: jiancha_calendar::Unit) -> &'static str {
    match u {
        jiancha_calendar::Unit::G => "G",
        jiancha_calendar::Unit::Z => "Z",
    }
}

fn unit_name(u: jiancha_calendar::Unit) -> &'static str {
    match u {
        jiancha_calendar::Unit::G => "个工作日",
        jiancha_calendar::Unit::Z => "日",
    }
}

/// **[decision]** (Art. A9(2)(8): falsified data that changes time limits) When a later
/// version rewrote the acceptance or completion instant (a `backdated` finding), the clock
/// runs on the instants as first reported: a rewrite cannot dodge a card. The finding keeps
/// both versions for the officer to judge.
fn first_reported_times(tx: &Transaction<'_>, case: &mut Case) -> Result<(), SyncError> {
    let rewritten = tx
        .prepare_cached(
            "SELECT 1 FROM integrity_findings WHERE case_id = ?1 AND kind = 'backdated' LIMIT 1",
        )?
        .query_row([&case.id], |_| Ok(()))
        .optional()?
        .is_some();
    if !rewritten {
        return Ok(());
    }
    let first = |col: &str| -> Result<Option<i64>, SyncError> {
        Ok(tx
            .prepare_cached(&format!(
                "SELECT {col} FROM case_versions WHERE case_id = ?1 AND {col} IS NOT NULL \
                 ORDER BY seq LIMIT 1"
            ))?
            .query_row([&case.id], |r| r.get(0))
            .optional()?)
    };
    if let (Some(acc), Some(t)) = (case.acceptance.as_mut(), first("accepted_at")?) {
        if let Some(ts) = jiancha_protocol::Timestamp::from_unix(t) {
            acc.accepted_at = ts;
        }
    }
    if let (Some(done), Some(t)) = (case.completion.as_mut(), first("completed_at")?) {
        if let Some(ts) = jiancha_protocol::Timestamp::from_unix(t) {
            done.completed_at = ts;
        }
    }
    Ok(())
}

/// Classifies `rows` and stores their signals; also indexes those of them newer than
/// `index_after` for the queues' search (accepted, open: `search::listed`).
#[allow(clippy::too_many_arguments)]
fn classify_rows(
    tx: &Transaction<'_>,
    calendar: &Calendar,
    cfg: &ClockConfig,
    at: i64,
    at_dt: DateTime<FixedOffset>,
    rows: &[Row],
    index_after: i64,
    summary: &mut EvalSummary,
) -> Result<(), SyncError> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO case_signals (case_id, dept_id, item_code, signal, level, began_at, open, \
         on_time, closed_at, paused, deadline, remaining_workdays, warning_at, yellow_at, red_at, \
         next_change_at, classified, known, case_seq, evaluated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19, ?20) \
         ON CONFLICT (case_id) DO UPDATE SET dept_id = excluded.dept_id, \
         item_code = excluded.item_code, signal = excluded.signal, level = excluded.level, \
         began_at = excluded.began_at, open = excluded.open, on_time = excluded.on_time, \
         closed_at = excluded.closed_at, paused = excluded.paused, deadline = excluded.deadline, \
         remaining_workdays = excluded.remaining_workdays, warning_at = excluded.warning_at, \
         yellow_at = excluded.yellow_at, red_at = excluded.red_at, \
         next_change_at = excluded.next_change_at, classified = excluded.classified, \
         known = excluded.known, case_seq = excluded.case_seq, \
         evaluated_at = excluded.evaluated_at",
    )?;
    let mut history = tx.prepare_cached(
        "INSERT OR IGNORE INTO signals (case_id, level, began_at) VALUES (?1, ?2, ?3)",
    )?;
    let mut delete = tx.prepare_cached("DELETE FROM case_signals WHERE case_id = ?1")?;
    let mut finding = tx.prepare_cached(
        "INSERT OR IGNORE INTO integrity_findings (key, kind, dept_id, case_id, observed_at, \
         summary, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for row in rows {
        let mut case: Case = crate::db::case::parse(&row.case_id, &row.payload)?;
        if row.seq > index_after && search::listed(row.accepted_at, row.closed_at) {
            search::put(tx, &SearchRow::of(row.seq, &CaseFacts::from_case(&case)))?;
        }
        first_reported_times(tx, &mut case)?;
        let Some(clock) = case_clock(&case, row.closed_at) else {
            // Not accepted (yet, or refused): no clock runs.
            delete.execute([&row.case_id])?;
            continue;
        };
        let st = match clock_evaluate(calendar, &clock, at_dt, cfg) {
            Ok(st) => st,
            Err(e) => {
                tracing::debug!(case = %row.case_id, error = %e, "clock cannot read the case");
                summary.clock_errors += 1;
                delete.execute([&row.case_id])?;
                continue;
            }
        };
        summary.evaluated += 1;
        // What the clock itself establishes about the data (issue 13 item 2): one finding per
        // fact (the key), with the instants compared as evidence.
        for e in &st.late_extensions {
            // Licensing Law Art. 42: an extension is granted within the limit; this one was
            // recorded once the card was up, so the clock did not apply it (Arts. B5, B9).
            let key = format!(
                "extension_after_deadline:{}:{}",
                row.case_id,
                e.at.timestamp()
            );
            let evidence = serde_json::json!({
                "extension_at": e.at.to_rfc3339(),
                "extension": { "days": e.extension.days, "unit": unit_code(e.extension.unit) },
                "deadline": e.deadline.format("%Y-%m-%d").to_string(),
                "case_seq": row.seq,
            });
            finding.execute(params![
                key,
                "extension_after_deadline",
                row.dept_id,
                row.case_id,
                e.at.timestamp(),
                format!(
                    "办件 {} 的办结期限 {} 届满后才登记延长审批（+{}{}）：不予延长，已亮的牌不撤销",
                    row.case_id,
                    e.deadline.format("%Y-%m-%d"),
                    e.extension.days,
                    unit_name(e.extension.unit)
                ),
                evidence.to_string(),
            ])?;
        }
        if let Some(o) = &st.first_cap_overrun {
            // feed-facts: a special procedure that outruns its own limit is itself a finding.
            let key = format!("cap_overrun:{}:{}", row.case_id, o.started_at.timestamp());
            let evidence = serde_json::json!({
                "started_at": o.started_at.to_rfc3339(),
                "cap": { "days": o.cap.days, "unit": unit_code(o.cap.unit) },
                "overrun_from": o.overrun_from.to_rfc3339(),
                "ended_at": o.ended_at.map(|t| t.to_rfc3339()),
                "case_seq": row.seq,
            });
            finding.execute(params![
                key,
                "cap_overrun",
                row.dept_id,
                row.case_id,
                o.overrun_from.timestamp(),
                format!(
                    "办件 {} 的特别程序超出其时限 {}{}（自 {} 起超时）",
                    row.case_id,
                    o.cap.days,
                    unit_name(o.cap.unit),
                    o.overrun_from.format("%Y-%m-%d %H:%M")
                ),
                evidence.to_string(),
            ])?;
        }
        let (open, level, on_time) = match st.signal {
            Signal::Done { on_time, highest } => (false, highest, Some(on_time)),
            Signal::Normal => (true, Level::Normal, None),
            Signal::Warning => (true, Level::Warning, None),
            Signal::Yellow => (true, Level::Yellow, None),
            Signal::Red => (true, Level::Red, None),
        };
        // Art. B5: every level reached keeps the instant it began.
        for l in [Level::Warning, Level::Yellow, Level::Red] {
            if st.highest >= l {
                if let Some(b) = level_began(&st, l) {
                    history.execute(params![row.case_id, level_num(l), b])?;
                }
            }
        }
        let began_at: Option<i64> = if level == Level::Normal {
            None
        } else {
            tx.prepare_cached("SELECT began_at FROM signals WHERE case_id = ?1 AND level = ?2")?
                .query_row(params![row.case_id, level_num(level)], |r| r.get(0))
                .optional()?
                .or_else(|| level_began(&st, level))
        };
        let paused = st.pause.map(|p| p.freezing).unwrap_or(false);
        upsert.execute(params![
            row.case_id,
            row.dept_id,
            row.item_code,
            st.signal.as_str(),
            level_num(level),
            began_at,
            open,
            on_time,
            st.closed.map(|c| c.at.timestamp()),
            paused,
            st.deadline.format("%Y-%m-%d").to_string(),
            st.remaining_workdays,
            st.warning_at.timestamp(),
            st.yellow_at.timestamp(),
            st.red_at.timestamp(),
            st.next_change.map(|d| d.timestamp()).filter(|&n| n > at),
            row.classified,
            st.known,
            row.seq,
            at
        ])?;
    }
    Ok(())
}
