//! The card queues (预警 / 黄牌 / 红牌, Art. B5) over `case_signals`, with the words of
//! `queue_search` (current handler, applicant) and the names of `departments` and `items`:
//! bounded pages, most urgent first, and counts under the same WHERE (docs/queues.md).
//!
//! Urgency = time past the deadline: `case_signals.yellow_at` (00:00 after D) ascending, so
//! the longest-overdue card comes first and warnings are ordered by their deadline; `rowid`
//! keeps the order stable across pages. Pure reads: the search words are kept current by the
//! evaluator ([`crate::db::search`]), never by a read.

use jiancha_calendar::Level;
use jiancha_store::rusqlite::{params_from_iter, types::Value, Connection};

use crate::db::{level_counts, LevelCounts, MAX_PAGE_ROWS};
use crate::error::SyncError;
use crate::util::{level_num, level_of};

/// What a card queue shows. Empty strings are the caller's to drop (they match nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardQuery {
    /// One level, or every card level (`None`).
    pub level: Option<Level>,
    /// 部门编码.
    pub dept_id: Option<String>,
    /// 行政区划 of the department.
    pub region_code: Option<String>,
    /// 实施编码.
    pub item_code: Option<String>,
    /// The card began at or after this instant (Unix seconds) …
    pub began_from: Option<i64>,
    /// … and before this one.
    pub began_before: Option<i64>,
    /// The current handler (exact name, [`crate::CaseFacts::handler`]).
    pub handler: Option<String>,
    /// A substring of 办件编号, 事项, 申请人 or a handler's name, any case.
    pub text: Option<String>,
}

/// One card of a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    /// 办件编号.
    pub case_id: String,
    /// 预警 / 黄牌 / 红牌.
    pub level: Level,
    /// 部门编码.
    pub dept_id: String,
    /// The department's name (its code when not in the catalogue).
    pub dept_name: String,
    /// The department's region name ('' when not in the catalogue).
    pub region_name: String,
    /// 实施编码.
    pub item_code: String,
    /// 事项名称 (its code when not in the catalogue).
    pub item_name: String,
    /// 申请人; `None` for a classified case (Art. A4).
    pub applicant: Option<String>,
    /// The current handler.
    pub handler: Option<String>,
    /// 受理时间 (Unix seconds).
    pub accepted_at: Option<i64>,
    /// D, the deadline day (YYYY-MM-DD, CST).
    pub deadline: String,
    /// When the level began.
    pub began_at: Option<i64>,
    /// 00:00 after D: the urgency key.
    pub yellow_at: i64,
    /// A pause (补正 / 特别程序) is freezing the clock.
    pub paused: bool,
    /// Art. A4.
    pub classified: bool,
    /// Every date the clock crossed is in the calendar's known years.
    pub known: bool,
}

/// A page of cards and the total under the same filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPage {
    /// At most the limit asked for (and at most [`MAX_PAGE_ROWS`]).
    pub rows: Vec<CardRow>,
    /// Cards matching the filter.
    pub total: u64,
}

/// The WHERE clause (after `s.open = 1`) and its parameters for a card filter.
struct Where {
    sql: String,
    params: Vec<Value>,
    /// Conditions on `queue_search` (handler, free text), AND-ed.
    search: Vec<String>,
}

impl Where {
    fn new(q: &CardQuery, with_level: bool) -> Where {
        let mut sql = String::from("s.open = 1 AND s.level > 0");
        let mut params: Vec<Value> = Vec::new();
        let mut search = Vec::new();
        let mut push = |v: Value| {
            params.push(v);
            params.len()
        };
        if let (true, Some(level)) = (with_level, q.level) {
            sql += &format!(" AND s.level = ?{}", push(Value::Integer(level_num(level))));
        }
        if let Some(d) = &q.dept_id {
            sql += &format!(" AND s.dept_id = ?{}", push(Value::Text(d.clone())));
        }
        if let Some(r) = &q.region_code {
            sql += &format!(
                " AND s.dept_id IN (SELECT dept_id FROM departments WHERE region_code = ?{})",
                push(Value::Text(r.clone()))
            );
        }
        if let Some(i) = &q.item_code {
            sql += &format!(" AND s.item_code = ?{}", push(Value::Text(i.clone())));
        }
        if let Some(from) = q.began_from {
            sql += &format!(" AND s.began_at >= ?{}", push(Value::Integer(from)));
        }
        if let Some(to) = q.began_before {
            sql += &format!(" AND s.began_at < ?{}", push(Value::Integer(to)));
        }
        if let Some(h) = &q.handler {
            search.push(format!("handler = ?{}", push(Value::Text(h.clone()))));
        }
        if let Some(t) = &q.text {
            search.push(format!(
                "instr(text, ?{}) > 0",
                push(Value::Text(t.to_lowercase()))
            ));
        }
        Where {
            sql,
            params,
            search,
        }
    }

    /// `(WITH clause, FROM clause)`. With handler/text conditions the matching case ids are
    /// materialized first (the handler index, or one pass over the narrow search table) and
    /// only they are looked up in `case_signals`; otherwise the queue indexes alone answer.
    /// (Left to itself the planner walked a level's whole index and looked every row up.)
    fn from(&self) -> (String, &'static str) {
        if self.search.is_empty() {
            (String::new(), "case_signals s")
        } else {
            (
                format!(
                    "WITH m AS MATERIALIZED (SELECT case_id FROM queue_search WHERE {})",
                    self.search.join(" AND ")
                ),
                "m CROSS JOIN case_signals s ON s.case_id = m.case_id",
            )
        }
    }
}

/// A page of the card queue `q`: `limit` rows (clamped to [`MAX_PAGE_ROWS`]) from `offset`,
/// most urgent first, and the total.
pub fn card_page(
    conn: &Connection,
    q: &CardQuery,
    limit: u32,
    offset: u32,
) -> Result<CardPage, SyncError> {
    let w = Where::new(q, true);
    let (with, from) = w.from();
    let total: i64 = conn
        .prepare_cached(&format!(
            "{with} SELECT count(*) FROM {from} WHERE {}",
            w.sql
        ))?
        .query_row(params_from_iter(&w.params), |r| r.get(0))?;
    let n = w.params.len();
    let sql = format!(
        "{with} SELECT s.case_id, s.level, s.dept_id, coalesce(d.name, s.dept_id),
                coalesce(d.region_name, ''), s.item_code, coalesce(i.name, s.item_code),
                q.applicant, q.handler, c.accepted_at, s.deadline, s.began_at, s.yellow_at,
                s.paused, s.classified, s.known
           FROM (SELECT s.rowid AS rid FROM {from} WHERE {}
                  ORDER BY s.yellow_at, s.rowid LIMIT ?{} OFFSET ?{}) p
           JOIN case_signals s ON s.rowid = p.rid
           JOIN cases c ON c.case_id = s.case_id
           LEFT JOIN queue_search q ON q.case_id = s.case_id
           LEFT JOIN departments d ON d.dept_id = s.dept_id
           LEFT JOIN items i ON i.item_code = s.item_code
          ORDER BY s.yellow_at, s.rowid",
        w.sql,
        n + 1,
        n + 2
    );
    let mut params = w.params;
    params.push(Value::Integer(i64::from(limit.min(MAX_PAGE_ROWS))));
    params.push(Value::Integer(i64::from(offset)));
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params_from_iter(&params), |r| {
        Ok(CardRow {
            case_id: r.get(0)?,
            level: level_of(r.get(1)?),
            dept_id: r.get(2)?,
            dept_name: r.get(3)?,
            region_name: r.get(4)?,
            item_code: r.get(5)?,
            item_name: r.get(6)?,
            applicant: r.get(7)?,
            handler: r.get(8)?,
            accepted_at: r.get(9)?,
            deadline: r.get(10)?,
            began_at: r.get(11)?,
            yellow_at: r.get(12)?,
            paused: r.get(13)?,
            classified: r.get(14)?,
            known: r.get(15)?,
        })
    })?;
    Ok(CardPage {
        rows: rows.collect::<Result<_, _>>()?,
        total: total as u64,
    })
}

/// Open cards per level under `q` (its level ignored).
pub fn counts(conn: &Connection, q: &CardQuery) -> Result<LevelCounts, SyncError> {
    let w = Where::new(q, false);
    let (with, from) = w.from();
    level_counts(
        conn,
        &format!(
            "{with} SELECT s.level, count(*) FROM {from} WHERE {} GROUP BY s.level",
            w.sql
        ),
        params_from_iter(&w.params),
    )
}

/// Open cards of one department, with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeptCards {
    /// 部门编码.
    pub dept_id: String,
    /// Its name (its code when not in the catalogue).
    pub dept_name: String,
    /// Open cards per level.
    pub open: LevelCounts,
}

/// Open cards per department, every department with at least one (unordered).
pub fn open_by_department(conn: &Connection) -> Result<Vec<DeptCards>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT s.dept_id, coalesce(d.name, s.dept_id), \
                sum(s.level = 1), sum(s.level = 2), sum(s.level = 3) \
           FROM case_signals s LEFT JOIN departments d ON d.dept_id = s.dept_id \
          WHERE s.open = 1 AND s.level > 0 GROUP BY s.dept_id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(DeptCards {
            dept_id: r.get(0)?,
            dept_name: r.get(1)?,
            open: LevelCounts {
                warning: r.get::<_, i64>(2)? as u64,
                yellow: r.get::<_, i64>(3)? as u64,
                red: r.get::<_, i64>(4)? as u64,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A handler's open cards in one department (the SMS directory's "missing numbers" list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerCards {
    /// 部门编码.
    pub dept_id: String,
    /// The department's name, when in the catalogue.
    pub dept_name: Option<String>,
    /// The current handler (never empty).
    pub handler: String,
    /// Open cards (any level) of theirs.
    pub cards: u64,
}

/// Open cards per (department, current handler), most cards first, at most `limit` (≤ 10 000).
pub fn open_by_handler(conn: &Connection, limit: u32) -> Result<Vec<HandlerCards>, SyncError> {
    let mut st = conn.prepare_cached(
        "SELECT cs.dept_id, d.name, q.handler, count(*) AS n
           FROM case_signals cs
           JOIN queue_search q ON q.case_id = cs.case_id
           LEFT JOIN departments d ON d.dept_id = cs.dept_id
          WHERE cs.open = 1 AND cs.level >= 1 AND q.handler IS NOT NULL AND q.handler != ''
          GROUP BY cs.dept_id, q.handler
          ORDER BY n DESC, cs.dept_id, q.handler
          LIMIT ?1",
    )?;
    let rows = st.query_map([i64::from(limit.min(10_000))], |r| {
        Ok(HandlerCards {
            dept_id: r.get(0)?,
            dept_name: r.get(1)?,
            handler: r.get(2)?,
            cards: r.get::<_, i64>(3)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
