//! The writer: applies prepared pages to the cache, in one `BEGIN IMMEDIATE` transaction per
//! batch together with the cursor that covers them (docs/sync.md "Transactions").

use std::collections::HashMap;

use jiancha_protocol::{Cursor, Entity};
use jiancha_store::rusqlite::{self, params, OptionalExtension, Transaction};
use jiancha_store::Db;
use sha2::{Digest, Sha256};

use crate::error::SyncError;
use crate::findings::{working_hours_between, FindingConfig, WorkCalendar};
use crate::prepare::{
    case_type_code, item_type_code, level_code, satisfaction_code, unit_code, CaseRow, Prepared,
    PreparedPage,
};
use crate::util::ts;

/// What one batch changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Records stored (new entities or new versions).
    pub stored: u64,
    /// Records already held (same entity and seq): ignored.
    pub duplicates: u64,
    /// Newly quarantined records.
    pub quarantined: u64,
    /// Cases seen for the first time.
    pub new_cases: u64,
    /// Integrity findings raised.
    pub findings: u64,
}

impl std::ops::AddAssign for Applied {
    fn add_assign(&mut self, o: Applied) {
        self.stored += o.stored;
        self.duplicates += o.duplicates;
        self.quarantined += o.quarantined;
        self.new_cases += o.new_cases;
        self.findings += o.findings;
    }
}

#[derive(Default)]
struct DeptAcc {
    last_data_at: Option<i64>,
    last_seq: Option<i64>,
    records: i64,
    quarantined: i64,
    last_error: Option<String>,
}

#[derive(Clone, Copy)]
pub(crate) struct Writer<'a> {
    pub feed: &'a str,
    pub calendar: &'a dyn WorkCalendar,
    pub findings: &'a FindingConfig,
    /// Wall clock (Unix seconds) stamped on what this batch received.
    pub now: i64,
    /// `log_no << 40` of the feed's change log (docs/sync.md "Feed logs"): added to every
    /// record's seq, so versions of a rebuilt log never collide with those already stored.
    pub log_base: i64,
    /// A cold bulk load: only versions are appended; `finish_cold_load` builds `cases` and
    /// the order-dependent findings at the end.
    pub cold: bool,
}

const INSERT_CASE: &str = "INSERT INTO cases (case_id, seq, first_seq, reported_at, dept_id, \
     item_code, case_type, status, classified, applied_at, accepted_at, completed_at, closed_at, \
     promised_limit, promised_unit) \
     VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
     ON CONFLICT (case_id) DO NOTHING";

const UPDATE_CASE: &str = "UPDATE cases SET seq = ?2, reported_at = ?3, dept_id = ?4, \
     item_code = ?5, case_type = ?6, status = ?7, classified = ?8, applied_at = ?9, \
     accepted_at = ?10, completed_at = ?11, closed_at = ?12, promised_limit = ?13, \
     promised_unit = ?14, versions = versions + 1, first_seq = min(first_seq, ?2) \
     WHERE rowid = ?15 AND case_id = ?1";

const INSERT_VERSION: &str = "INSERT OR IGNORE INTO case_versions (seq, case_id, reported_at, \
     received_at, status, accepted_at, completed_at, payload, dept_id, item_code, case_type, \
     classified, applied_at, closed_at, promised_limit, promised_unit) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

const INSERT_FINDING: &str = "INSERT OR IGNORE INTO integrity_findings (key, kind, dept_id, \
     case_id, observed_at, summary, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// A stored version of a case, as compared for integrity findings.
#[derive(Clone)]
pub(crate) struct Version {
    seq: i64,
    reported_at: i64,
    accepted_at: Option<i64>,
    completed_at: Option<i64>,
}

impl Writer<'_> {
    /// Applies `pages` inside `tx` and moves the cursor to the last page's `next_cursor`:
    /// the records and the cursor that covers them commit together.
    pub(crate) fn apply_tx(
        &self,
        tx: &Transaction<'_>,
        pages: &[PreparedPage],
    ) -> Result<Applied, SyncError> {
        let mut out = Applied::default();
        let mut depts: HashMap<String, DeptAcc> = HashMap::new();
        // Looked up in the statement cache once per call, not once per record.
        let mut insert_version = tx.prepare_cached(INSERT_VERSION)?;
        for page in pages {
            for rec in &page.records {
                match rec {
                    Prepared::Case {
                        seq,
                        reported_at,
                        row,
                        payload,
                    } => {
                        let seq = self.log_base + *seq;
                        if self.apply_case(
                            tx,
                            &mut insert_version,
                            seq,
                            *reported_at,
                            row,
                            &page.body[payload.clone()],
                            &mut out,
                        )? {
                            out.stored += 1;
                            let acc = match depts.get_mut(&row.department_id) {
                                Some(a) => a,
                                None => depts.entry(row.department_id.clone()).or_default(),
                            };
                            acc.records += 1;
                            acc.last_data_at = acc.last_data_at.max(Some(*reported_at));
                            acc.last_seq = acc.last_seq.max(Some(seq));
                        } else {
                            out.duplicates += 1;
                        }
                    }
                    Prepared::Valid {
                        seq,
                        reported_at,
                        entity,
                        payload,
                    } => {
                        let seq = self.log_base + *seq;
                        let payload = &page.body[payload.clone()];
                        let stored = self.apply_valid(tx, seq, *reported_at, entity, payload)?;
                        if stored {
                            out.stored += 1;
                            let acc = depts.entry(entity.department_id().to_owned()).or_default();
                            acc.records += 1;
                            acc.last_data_at = acc.last_data_at.max(Some(*reported_at));
                            acc.last_seq = acc.last_seq.max(Some(seq));
                        } else {
                            out.duplicates += 1;
                        }
                    }
                    Prepared::Malformed {
                        malformed,
                        dept_id,
                        raw,
                    } => {
                        let sha = hex::encode(Sha256::digest(raw.as_bytes()));
                        let n = tx
                            .prepare_cached(
                                "INSERT OR IGNORE INTO quarantine (feed, seq, record_type, \
                                 record_id, dept_id, reason, raw, raw_sha256, received_at) \
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            )?
                            .execute(params![
                                self.feed,
                                malformed.seq.map(|s| s as i64),
                                malformed.record_type,
                                malformed.id,
                                dept_id,
                                malformed.reason,
                                raw,
                                sha,
                                self.now
                            ])?;
                        if n > 0 {
                            out.quarantined += 1;
                            if let Some(d) = dept_id {
                                let acc = depts.entry(d.clone()).or_default();
                                acc.quarantined += 1;
                                acc.last_error = Some(format!("隔离记录 {malformed}"));
                            }
                        } else {
                            out.duplicates += 1;
                        }
                    }
                }
            }
        }
        let mut st = tx.prepare_cached(
            "INSERT INTO dept_status (dept_id, last_data_at, last_seq, last_received_at, \
             records, quarantined, last_error, last_error_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?7 IS NULL THEN NULL ELSE ?4 END) \
             ON CONFLICT (dept_id) DO UPDATE SET \
               last_data_at = max(coalesce(last_data_at, excluded.last_data_at), \
                                  coalesce(excluded.last_data_at, last_data_at)), \
               last_seq = max(coalesce(last_seq, excluded.last_seq), \
                              coalesce(excluded.last_seq, last_seq)), \
               last_received_at = CASE WHEN excluded.records > 0 \
                                  THEN excluded.last_received_at ELSE last_received_at END, \
               records = records + excluded.records, \
               quarantined = quarantined + excluded.quarantined, \
               last_error = coalesce(excluded.last_error, last_error), \
               last_error_at = coalesce(excluded.last_error_at, last_error_at)",
        )?;
        for (dept, acc) in &depts {
            st.execute(params![
                dept,
                acc.last_data_at,
                acc.last_seq,
                self.now,
                acc.records,
                acc.quarantined,
                acc.last_error
            ])?;
        }
        if let Some(last) = pages.last() {
            self.move_cursor(tx, &last.next_cursor, out.stored + out.quarantined)?;
        }
        Ok(out)
    }

    /// Stores the cursor, never moving it backwards (a re-sent older page cannot rewind it).
    fn move_cursor(&self, tx: &Transaction<'_>, next: &str, records: u64) -> rusqlite::Result<()> {
        let current: Option<String> = tx
            .prepare_cached("SELECT cursor FROM sync_cursor WHERE feed = ?1")?
            .query_row([self.feed], |r| r.get(0))
            .optional()?;
        let cursor = match (&current, Cursor::parse(next)) {
            (Some(cur), Ok(n)) => match Cursor::parse(cur) {
                Ok(c) if c > n => cur.clone(),
                _ => next.to_owned(),
            },
            _ => next.to_owned(),
        };
        tx.prepare_cached(
            "INSERT INTO sync_cursor (feed, cursor, records, updated_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, \
             records = records + excluded.records, updated_at = excluded.updated_at",
        )?
        .execute(params![self.feed, cursor, records as i64, self.now])?;
        Ok(())
    }

    /// Stores one valid record; `false` when it was already held (a duplicate).
    fn apply_valid(
        &self,
        tx: &Transaction<'_>,
        seq: i64,
        reported_at: i64,
        entity: &Entity,
        payload: &str,
    ) -> Result<bool, SyncError> {
        let n = match entity {
            Entity::Case(_) => {
                return Err(SyncError::Internal(
                    "a case record reached the generic path".into(),
                ))
            }
            Entity::Department(d) => tx
                .prepare_cached(
                    "INSERT INTO departments (dept_id, name, level, region_code, region_name, \
                     credit_code, discipline_body_id, discipline_body_name, seq, reported_at, \
                     payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                     ON CONFLICT (dept_id) DO UPDATE SET name = excluded.name, \
                     level = excluded.level, region_code = excluded.region_code, \
                     region_name = excluded.region_name, credit_code = excluded.credit_code, \
                     discipline_body_id = excluded.discipline_body_id, \
                     discipline_body_name = excluded.discipline_body_name, seq = excluded.seq, \
                     reported_at = excluded.reported_at, payload = excluded.payload \
                     WHERE excluded.seq > departments.seq",
                )?
                .execute(params![
                    d.id,
                    d.name,
                    level_code(d.level),
                    d.region_code,
                    d.region_name,
                    d.credit_code,
                    d.discipline_body.id,
                    d.discipline_body.name,
                    seq,
                    reported_at,
                    payload
                ])?,
            Entity::Item(i) => tx
                .prepare_cached(
                    "INSERT INTO items (item_code, basic_code, name, item_type, dept_id, \
                     statutory_limit, statutory_unit, promised_limit, promised_unit, case_type, \
                     seq, reported_at, payload) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
                     ON CONFLICT (item_code) DO UPDATE SET basic_code = excluded.basic_code, \
                     name = excluded.name, item_type = excluded.item_type, \
                     dept_id = excluded.dept_id, statutory_limit = excluded.statutory_limit, \
                     statutory_unit = excluded.statutory_unit, \
                     promised_limit = excluded.promised_limit, \
                     promised_unit = excluded.promised_unit, case_type = excluded.case_type, \
                     seq = excluded.seq, reported_at = excluded.reported_at, \
                     payload = excluded.payload WHERE excluded.seq > items.seq",
                )?
                .execute(params![
                    i.code,
                    i.basic_code,
                    i.name,
                    item_type_code(i.item_type),
                    i.department_id,
                    i.statutory_limit.value,
                    unit_code(i.statutory_limit.unit),
                    i.promised_limit.value,
                    unit_code(i.promised_limit.unit),
                    case_type_code(i.case_type),
                    seq,
                    reported_at,
                    payload
                ])?,
            Entity::Evaluation(e) => tx
                .prepare_cached(
                    "INSERT INTO evaluations (eval_id, case_id, dept_id, channel, evaluated_at, \
                     satisfaction, seq, reported_at, payload) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                     ON CONFLICT (eval_id) DO UPDATE SET case_id = excluded.case_id, \
                     dept_id = excluded.dept_id, channel = excluded.channel, \
                     evaluated_at = excluded.evaluated_at, satisfaction = excluded.satisfaction, \
                     seq = excluded.seq, reported_at = excluded.reported_at, \
                     payload = excluded.payload WHERE excluded.seq > evaluations.seq",
                )?
                .execute(params![
                    e.id,
                    e.case_id,
                    e.department_id,
                    e.channel,
                    e.evaluated_at.unix(),
                    satisfaction_code(e.satisfaction),
                    seq,
                    reported_at,
                    payload
                ])?,
            Entity::Complaint(c) => tx
                .prepare_cached(
                    "INSERT INTO complaints (complaint_id, target_dept_id, case_id, received_at, \
                     seq, reported_at, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                     ON CONFLICT (complaint_id) DO UPDATE SET \
                     target_dept_id = excluded.target_dept_id, case_id = excluded.case_id, \
                     received_at = excluded.received_at, seq = excluded.seq, \
                     reported_at = excluded.reported_at, payload = excluded.payload \
                     WHERE excluded.seq > complaints.seq",
                )?
                .execute(params![
                    c.id,
                    c.target_department_id,
                    c.case_id,
                    c.received_at.unix(),
                    seq,
                    reported_at,
                    payload
                ])?,
        };
        // A re-sent or older version of a non-case entity changes nothing: only the latest is
        // kept for these (the history requirement is about cases).
        Ok(n > 0)
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_case(
        &self,
        tx: &Transaction<'_>,
        insert_version: &mut rusqlite::CachedStatement<'_>,
        seq: i64,
        reported_at: i64,
        c: &CaseRow,
        payload: &str,
        out: &mut Applied,
    ) -> Result<bool, SyncError> {
        let cols = c.cols;
        // Every version once, appended by seq; a re-sent seq is a duplicate.
        let n = insert_version.execute(params![
            seq,
            c.id,
            reported_at,
            self.now,
            c.status,
            cols.accepted_at,
            cols.completed_at,
            payload,
            c.department_id,
            c.item_code,
            c.case_type,
            c.classified,
            c.applied_at,
            cols.closed_at,
            c.promised_value,
            c.promised_unit
        ])?;
        if n == 0 {
            return Ok(false);
        }
        let new = Version {
            seq,
            reported_at,
            accepted_at: cols.accepted_at,
            completed_at: cols.completed_at,
        };
        if self.cold {
            // Cold load: versions only; `cases` and the order-dependent findings are built
            // by `finish_cold_load` in set operations. What one version shows is checked now.
            self.check_version(tx, c, &new, None, None, out, false)?;
            return Ok(true);
        }
        let row = params![
            c.id,
            seq,
            reported_at,
            c.department_id,
            c.item_code,
            c.case_type,
            c.status,
            c.classified,
            c.applied_at,
            cols.accepted_at,
            cols.completed_at,
            cols.closed_at,
            c.promised_value,
            c.promised_unit
        ];
        // The case as held (one primary-key look-up; the row is then addressed by rowid).
        let held: Option<(i64, Version)> = tx
            .prepare_cached(
                "SELECT rowid, seq, reported_at, accepted_at, completed_at FROM cases \
                 WHERE case_id = ?1",
            )?
            .query_row([&c.id], |r| {
                Ok((
                    r.get(0)?,
                    Version {
                        seq: r.get(1)?,
                        reported_at: r.get(2)?,
                        accepted_at: r.get(3)?,
                        completed_at: r.get(4)?,
                    },
                ))
            })
            .optional()?;
        let Some((rowid, cur)) = held else {
            tx.prepare_cached(INSERT_CASE)?.execute(row)?;
            out.new_cases += 1;
            self.check_version(tx, c, &new, None, None, out, true)?;
            return Ok(true);
        };
        // The case is held: the highest seq is current, whatever the arrival order.
        if seq > cur.seq {
            tx.prepare_cached(UPDATE_CASE)?.execute(params![
                c.id,
                seq,
                reported_at,
                c.department_id,
                c.item_code,
                c.case_type,
                c.status,
                c.classified,
                c.applied_at,
                cols.accepted_at,
                cols.completed_at,
                cols.closed_at,
                c.promised_value,
                c.promised_unit,
                rowid
            ])?;
            self.check_version(tx, c, &new, Some(&cur), None, out, true)?;
            return Ok(true);
        }
        tx.prepare_cached(
            "UPDATE cases SET versions = versions + 1, first_seq = min(first_seq, ?2) \
             WHERE rowid = ?1",
        )?
        .execute(params![rowid, seq])?;
        // Arrived out of order: compare with its neighbours in seq order.
        let neighbour = |sql: &str| {
            tx.prepare_cached(sql)?
                .query_row(params![c.id, seq], |r| {
                    Ok(Version {
                        seq: r.get(0)?,
                        reported_at: r.get(1)?,
                        accepted_at: r.get(2)?,
                        completed_at: r.get(3)?,
                    })
                })
                .optional()
        };
        let prev = neighbour(
            "SELECT seq, reported_at, accepted_at, completed_at FROM case_versions \
             WHERE case_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT 1",
        )?;
        let next = neighbour(
            "SELECT seq, reported_at, accepted_at, completed_at FROM case_versions \
             WHERE case_id = ?1 AND seq > ?2 ORDER BY seq LIMIT 1",
        )?
        .unwrap_or(cur);
        self.check_version(tx, c, &new, prev.as_ref(), Some(&next), out, true)?;
        Ok(true)
    }

    /// Integrity findings visible from one case version `new` and its neighbours in seq order
    /// (`prev` below it, `next` above it: `next` is set only when `new` arrived out of order).
    /// The result does not depend on arrival order: pairs are always adjacent in seq order.
    #[allow(clippy::too_many_arguments)]
    fn check_version(
        &self,
        tx: &Transaction<'_>,
        c: &CaseRow,
        new: &Version,
        prev: Option<&Version>,
        next: Option<&Version>,
        out: &mut Applied,
        order_checks: bool,
    ) -> rusqlite::Result<()> {
        let dept = c.department_id.as_str();
        // Art. A9(2)(8): events in an impossible order.
        for (what, detail) in &c.impossible {
            let key = format!("impossible_sequence:{}:{what}", c.id);
            let evidence = serde_json::json!({
                "rule": what,
                "version": { "seq": new.seq, "reported_at": ts(new.reported_at) },
                "accepted_at": new.accepted_at.map(ts),
                "completed_at": new.completed_at.map(ts),
                "applied_at": ts(c.applied_at),
            });
            out.findings += self.finding(
                tx,
                &key,
                "impossible_sequence",
                dept,
                Some(&c.id),
                new.reported_at,
                &format!("办件 {} 时间顺序不可能：{detail}", c.id),
                &evidence,
            )?;
        }
        if !order_checks {
            return Ok(());
        }
        self.check_order(tx, &c.id, dept, new, prev, next, out)
    }

    /// Ends a cold load in one transaction: builds the history index, then `cases` (the
    /// highest seq of every case, in 办件编号 order), then the other deferred indexes by
    /// sorting, then the order-dependent findings (backdating between adjacent versions, the
    /// earliest version showing the acceptance reported late) as scans of the history index.
    /// Returns the number of findings raised.
    pub fn finish_cold_load(&self, db: &mut Db) -> Result<u64, SyncError> {
        db.write(|tx| {
            let idx: Vec<(String, String)> = {
                let mut st = tx.prepare(
                    "SELECT name, sql FROM deferred_indexes \
                     ORDER BY instr(sql, 'case_versions') = 0, name",
                )?;
                let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let (history, others): (Vec<_>, Vec<_>) = idx
                .iter()
                .partition(|(_, sql)| sql.contains("case_versions"));
            for (_, sql) in &history {
                tx.execute_batch(sql)?;
            }
            let empty = tx
                .query_row("SELECT 1 FROM cases LIMIT 1", [], |r| r.get::<_, i64>(0))
                .optional()?
                .is_none();
            if empty {
                // The current version of each case = its highest seq. The heads are kept in a
                // temporary table keyed by that seq, so the versions are then read in seq
                // order — a forward pass over the history instead of a million random seeks
                // (cases' rowids follow seq, so `cases_by_seq` is built without sorting).
                tx.execute_batch(
                    "DROP TABLE IF EXISTS temp.cold_heads; \
                     CREATE TEMP TABLE cold_heads (mx INTEGER PRIMARY KEY, mn INTEGER NOT NULL, \
                                                   n INTEGER NOT NULL); \
                     INSERT INTO cold_heads (mx, mn, n) \
                     SELECT max(seq), min(seq), count(*) FROM case_versions GROUP BY case_id; \
                     INSERT INTO cases (case_id, seq, first_seq, reported_at, dept_id, item_code, \
                     case_type, status, classified, applied_at, accepted_at, completed_at, \
                     closed_at, promised_limit, promised_unit, versions) \
                     SELECT v.case_id, v.seq, h.mn, v.reported_at, v.dept_id, v.item_code, \
                     v.case_type, v.status, v.classified, v.applied_at, v.accepted_at, \
                     v.completed_at, v.closed_at, v.promised_limit, v.promised_unit, h.n \
                     FROM cold_heads h CROSS JOIN case_versions v ON v.seq = h.mx \
                     ORDER BY h.mx; \
                     DROP TABLE temp.cold_heads;",
                )?;
            }
            for (_, sql) in &others {
                tx.execute_batch(sql)?;
            }
            tx.execute("DELETE FROM deferred_indexes", [])?;

            // The order-dependent findings in one pass over the history index (covering:
            // case_id, seq, reported_at, accepted_at, completed_at), in (case, seq) order:
            // backdating between adjacent versions, and the earliest version showing the
            // acceptance when its wall-clock delay already exceeds the threshold (working
            // hours are decided by `check_order`). Candidates are rare; collected first.
            let mut out = Applied::default();
            let limit_secs = (self.findings.late_report_working_hours * 3600.0) as i64;
            let mut pairs: Vec<(String, Version, Version)> = Vec::new();
            let mut late: Vec<(String, Version)> = Vec::new();
            {
                let mut st = tx.prepare(
                    "SELECT case_id, seq, reported_at, accepted_at, completed_at \
                     FROM case_versions INDEXED BY case_versions_by_case ORDER BY case_id, seq",
                )?;
                let mut rows = st.query([])?;
                let mut case = String::new();
                let mut prev: Option<Version> = None;
                let mut accepted_seen = false;
                while let Some(r) = rows.next()? {
                    let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
                    let v = Version {
                        seq: r.get(1)?,
                        reported_at: r.get(2)?,
                        accepted_at: r.get(3)?,
                        completed_at: r.get(4)?,
                    };
                    if id != case {
                        case.clear();
                        case.push_str(id);
                        prev = None;
                        accepted_seen = false;
                    }
                    if let Some(p) = &prev {
                        let differs = |a: Option<i64>, b: Option<i64>| {
                            matches!((a, b), (Some(a), Some(b)) if a != b)
                        };
                        if p.seq >> 40 == v.seq >> 40
                            && (differs(p.accepted_at, v.accepted_at)
                                || differs(p.completed_at, v.completed_at))
                        {
                            pairs.push((case.clone(), p.clone(), v.clone()));
                        }
                    }
                    if let (Some(acc), false) = (v.accepted_at, accepted_seen) {
                        accepted_seen = true;
                        if v.reported_at - acc > limit_secs {
                            late.push((case.clone(), v.clone()));
                        }
                    }
                    prev = Some(v);
                }
            }
            let dept_of = |case_id: &str| -> rusqlite::Result<String> {
                tx.prepare_cached("SELECT dept_id FROM cases WHERE case_id = ?1")?
                    .query_row([case_id], |r| r.get(0))
            };
            for (case_id, earlier, later) in &pairs {
                let dept = dept_of(case_id)?;
                self.compare_pair(tx, case_id, &dept, earlier, later, &mut out)?;
            }
            for (case_id, v) in &late {
                let dept = dept_of(case_id)?;
                self.check_order(tx, case_id, &dept, v, None, None, &mut out)?;
            }
            Ok(out.findings)
        })
    }

    /// The findings that depend on a version's neighbours in seq order: backdating between
    /// adjacent versions and the late report of the earliest version showing the acceptance.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_order(
        &self,
        tx: &Transaction<'_>,
        case_id: &str,
        dept: &str,
        new: &Version,
        prev: Option<&Version>,
        next: Option<&Version>,
        out: &mut Applied,
    ) -> rusqlite::Result<()> {
        // Art. A9(2)(8), B4(5): a time that decides a limit, rewritten after it was reported.
        if let (Some(p), Some(n)) = (prev, next) {
            // `new` now sits between them: they are no longer adjacent.
            for field in ["accepted_at", "completed_at"] {
                let key = format!("backdated:{}:{field}:{}:{}", case_id, p.seq, n.seq);
                let gone = tx.execute("DELETE FROM integrity_findings WHERE key = ?1", [key])?;
                out.findings = out.findings.saturating_sub(gone as u64);
            }
        }
        if let Some(p) = prev {
            self.compare_pair(tx, case_id, dept, p, new, out)?;
        }
        if let Some(n) = next {
            self.compare_pair(tx, case_id, dept, new, n, out)?;
        }
        // Art. B4(5) 不按时报送: the earliest version showing the acceptance was reported late.
        let Some(acc) = new.accepted_at else {
            return Ok(());
        };
        let earliest = match (prev, next) {
            // In order: earliest unless the version before it already showed the acceptance.
            (p, None) => p.is_none_or(|p| p.accepted_at.is_none()),
            // Out of order: check every stored version below it.
            (_, Some(_)) => tx
                .prepare_cached(
                    "SELECT 1 FROM case_versions WHERE case_id = ?1 AND seq < ?2 \
                     AND accepted_at IS NOT NULL LIMIT 1",
                )?
                .query_row(params![case_id, new.seq], |_| Ok(()))
                .optional()?
                .is_none(),
        };
        if !earliest {
            return Ok(());
        }
        let key = format!("late_report:{}", case_id);
        if next.is_some() {
            // A later version may have been judged first; this earlier one decides now.
            let gone = tx.execute("DELETE FROM integrity_findings WHERE key = ?1", [&key])?;
            out.findings = out.findings.saturating_sub(gone as u64);
        }
        let limit = self.findings.late_report_working_hours;
        if new.reported_at - acc <= (limit * 3600.0) as i64 {
            return Ok(()); // wall-clock hours bound working hours: cannot be late
        }
        let hours = working_hours_between(self.calendar, self.findings, acc, new.reported_at);
        if hours > limit {
            let evidence = serde_json::json!({
                "version": { "seq": new.seq, "reported_at": ts(new.reported_at) },
                "accepted_at": ts(acc),
                "working_hours_late": (hours * 10.0).round() / 10.0,
                "threshold_working_hours": limit,
            });
            out.findings += self.finding(
                tx,
                &key,
                "late_report",
                dept,
                Some(case_id),
                new.reported_at,
                &format!(
                    "办件 {} 受理于 {}，{} 才上报（迟报 {:.1} 个工作小时）",
                    case_id,
                    ts(acc),
                    ts(new.reported_at),
                    hours
                ),
                &evidence,
            )?;
        }
        Ok(())
    }

    /// Two versions adjacent in seq order: a changed acceptance or completion time is a finding
    /// with both versions as evidence (both stay in `case_history`).
    fn compare_pair(
        &self,
        tx: &Transaction<'_>,
        case_id: &str,
        dept: &str,
        earlier: &Version,
        later: &Version,
        out: &mut Applied,
    ) -> rusqlite::Result<()> {
        if earlier.seq >> 40 != later.seq >> 40 {
            // Versions of two change logs (a rebuilt feed) are not a rewrite by a department.
            return Ok(());
        }
        for (field, name, a, b) in [
            (
                "accepted_at",
                "受理时间",
                earlier.accepted_at,
                later.accepted_at,
            ),
            (
                "completed_at",
                "办结时间",
                earlier.completed_at,
                later.completed_at,
            ),
        ] {
            let (Some(a), Some(b)) = (a, b) else { continue };
            if a == b {
                continue;
            }
            let key = format!(
                "backdated:{}:{field}:{}:{}",
                case_id, earlier.seq, later.seq
            );
            let evidence = serde_json::json!({
                "field": field,
                "earlier": { "seq": earlier.seq, "reported_at": ts(earlier.reported_at), field: ts(a) },
                "later": { "seq": later.seq, "reported_at": ts(later.reported_at), field: ts(b) },
                "shift_seconds": b - a,
            });
            let dir = if b < a {
                "提前（倒签）"
            } else {
                "推后"
            };
            out.findings += self.finding(
                tx,
                &key,
                "backdated",
                dept,
                Some(case_id),
                later.reported_at,
                &format!(
                    "办件 {} 的{name}在上报后被改写：{} → {}，{dir}",
                    case_id,
                    ts(a),
                    ts(b)
                ),
                &evidence,
            )?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        tx: &Transaction<'_>,
        key: &str,
        kind: &str,
        dept: &str,
        case_id: Option<&str>,
        observed_at: i64,
        summary: &str,
        evidence: &serde_json::Value,
    ) -> rusqlite::Result<u64> {
        let n = tx.prepare_cached(INSERT_FINDING)?.execute(params![
            key,
            kind,
            dept,
            case_id,
            observed_at,
            summary,
            evidence.to_string()
        ])?;
        Ok(n as u64)
    }
}
