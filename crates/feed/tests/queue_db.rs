//! The read API of the cache (`jiancha_feed::db`) over a city synced from the simulator:
//! the queues' search index is built by the evaluator (the write path) exactly as the SQL that
//! once built it at read time, and every read works on a read-only connection.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiancha_calendar::{Calendar, ClockConfig, Level};
use jiancha_feed::db::{self, queue::CardQuery};
use jiancha_feed::SyncOptions;
use jiancha_feedsim::{serve, Handle, Plant, ServeConfig, WorldConfig};
use jiancha_store::rusqlite::{Connection, OpenFlags};
use jiancha_store::Db;

/// The statement that built `queue_search` before it moved into the evaluator (service
/// `queues::refresh_search`, with `json_extract` over the payloads), as a query.
const OLD_INDEX_SQL: &str = "
    SELECT case_id, seq, handlers, handler, applicant,
           lower(case_id || ' ' || item_name || ' ' || coalesce(applicant, '') || ' ' || handlers)
      FROM (SELECT c.case_id, c.seq,
                   '|' || coalesce(json_extract(v.payload, '$.acceptance.accepted_by'), '')
                     || '|' || coalesce((SELECT group_concat(json_extract(s.value, '$.handler'), '|')
                                           FROM json_each(v.payload, '$.steps') s), '')
                     || '|' AS handlers,
                   coalesce(json_extract(v.payload, '$.steps[#-1].handler'),
                            json_extract(v.payload, '$.acceptance.accepted_by')) AS handler,
                   CASE WHEN c.classified THEN NULL
                        ELSE json_extract(v.payload, '$.application.applicant_name') END
                     AS applicant,
                   coalesce(json_extract(v.payload, '$.item_name'), '') AS item_name
              FROM cases c JOIN case_versions v ON v.seq = c.seq
             WHERE c.closed_at IS NULL AND c.accepted_at IS NOT NULL)";

type IndexRow = (i64, String, Option<String>, Option<String>, String);

fn rows(db: &Db, sql: &str) -> BTreeMap<String, IndexRow> {
    let mut st = db.conn().prepare(sql).unwrap();
    let out = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out
}

/// What the old statement builds for the cases listed now (open, accepted).
fn old_index(db: &Db) -> BTreeMap<String, IndexRow> {
    rows(db, OLD_INDEX_SQL)
}

/// The index's rows of the cases listed now.
fn new_index(db: &Db) -> BTreeMap<String, IndexRow> {
    rows(
        db,
        "SELECT q.case_id, q.case_seq, q.handlers, q.handler, q.applicant, q.text \
         FROM queue_search q JOIN cases c USING (case_id) \
         WHERE c.closed_at IS NULL AND c.accepted_at IS NOT NULL",
    )
}

fn max_seq(db: &Db) -> i64 {
    db.conn()
        .query_row("SELECT max(seq) FROM cases", [], |r| r.get(0))
        .unwrap()
}

async fn city(seed: u64, path: &std::path::Path) -> (Handle, i64) {
    let mut w = WorldConfig::new(seed, 1_500);
    w.plant = Plant::ALL;
    let h = serve(ServeConfig::new(w)).await.unwrap();
    let at = sync(&h, path).await;
    (h, at)
}

async fn sync(h: &Handle, path: &std::path::Path) -> i64 {
    let mut o = SyncOptions::new(h.url());
    o.page_size = 500;
    o.cold_load_min_records = 1_000;
    let r = jiancha_feed::sync(path, &o, Arc::new(Calendar::builtin()), Arc::new(|_| {}))
        .await
        .unwrap();
    r.server_time.unwrap()
}

fn evaluate(db: &mut Db, at: i64, full: bool) {
    jiancha_feed::evaluate(db, &Calendar::builtin(), &ClockConfig::default(), at, full).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_index_is_built_by_the_evaluator_as_the_old_sql_built_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let (h, at) = city(11, &path).await;
    let mut db = Db::open(&path).unwrap();
    assert_eq!(
        db::search::indexed_seq(db.conn()).unwrap(),
        0,
        "a sync alone"
    );
    evaluate(&mut db, at, false);
    assert_eq!(db::search::indexed_seq(db.conn()).unwrap(), max_seq(&db));
    let want = old_index(&db);
    assert!(want.len() > 100, "open accepted cases: {}", want.len());
    assert!(
        want.values().any(|r| r.3.is_none()),
        "a classified case lists no applicant"
    );
    assert_eq!(new_index(&db), want);
    assert_eq!(
        db::search::refresh(&mut db).unwrap(),
        0,
        "up to date: nothing left to index"
    );

    // Days later: new cases, new versions; cases close (their old rows stay, unlisted) and
    // every case listed now has the words of its current version.
    let later = jiancha_protocol::Timestamp::from_unix(h.sim_now().unix() + 4 * 86_400).unwrap();
    h.advance_to(later);
    let at2 = sync(&h, &path).await;
    let mut db = Db::open(&path).unwrap();
    assert!(max_seq(&db) > db::search::indexed_seq(db.conn()).unwrap());
    evaluate(&mut db, at2, false);
    assert_eq!(db::search::indexed_seq(db.conn()).unwrap(), max_seq(&db));
    assert_eq!(new_index(&db), old_index(&db));

    // An index behind the evaluation (a cache from before the index moved into the
    // evaluator) is caught up by the next incremental run.
    db.write(|tx| tx.execute_batch("DELETE FROM queue_search; DELETE FROM queue_search_state;"))
        .unwrap();
    evaluate(&mut db, at2 + 60, false);
    assert_eq!(new_index(&db), old_index(&db));
    // And a full run changes nothing.
    evaluate(&mut db, at2 + 60, true);
    assert_eq!(new_index(&db), old_index(&db));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_read_on_a_read_only_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let (h, at) = city(12, &path).await;
    {
        let mut db = Db::open(&path).unwrap();
        evaluate(&mut db, at, false);
    }
    // Nothing below can write: the reads are pure (the index is the evaluator's job).
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    assert!(conn.execute("DELETE FROM queue_search", []).is_err());

    let all = CardQuery::default();
    let counts = db::queue::counts(&conn, &all).unwrap();
    assert!(counts.yellow + counts.red > 0, "{counts:?}");
    for (l, n) in [
        (Level::Warning, counts.warning),
        (Level::Yellow, counts.yellow),
        (Level::Red, counts.red),
    ] {
        let q = CardQuery {
            level: Some(l),
            ..CardQuery::default()
        };
        let p = db::queue::card_page(&conn, &q, 100, 0).unwrap();
        assert_eq!(p.total, n, "{l:?}");
        assert!(p.rows.iter().all(|r| r.level == l));
        assert!(p.rows.windows(2).all(|w| w[0].yellow_at <= w[1].yellow_at));
    }
    // The handler filter finds a card by its current handler; the text filter by case id.
    let page = db::queue::card_page(&conn, &all, 500, 0).unwrap();
    let first = page.rows.iter().find(|r| r.handler.is_some()).unwrap();
    let by_handler = CardQuery {
        handler: first.handler.clone(),
        ..CardQuery::default()
    };
    let p = db::queue::card_page(&conn, &by_handler, 500, 0).unwrap();
    assert!(p.rows.iter().any(|r| r.case_id == first.case_id));
    assert!(p.rows.iter().all(|r| r.handler == first.handler));
    let by_text = CardQuery {
        text: Some(first.case_id.to_uppercase()),
        ..CardQuery::default()
    };
    assert_eq!(
        db::queue::card_page(&conn, &by_text, 10, 0).unwrap().total,
        1
    );
    let by_dept: u64 = db::queue::open_by_department(&conn)
        .unwrap()
        .iter()
        .map(|d| d.open.total())
        .sum();
    assert_eq!(by_dept, counts.total());

    // The case, its facts (one rule for the handler), versions and levels.
    let rec = db::case::record(&conn, &first.case_id).unwrap().unwrap();
    assert_eq!(rec.facts.handler, first.handler);
    assert_eq!(rec.signal.as_ref().unwrap().deadline, first.deadline);
    let cur = db::case::current(&conn, &first.case_id).unwrap().unwrap();
    assert_eq!(jiancha_feed::CaseFacts::from_case(&cur.case), rec.facts);
    assert!(db::case::versions(&conn, &first.case_id)
        .unwrap()
        .iter()
        .any(|v| v.is_latest));
    assert!(db::case::signal_history(&conn, &first.case_id)
        .unwrap()
        .iter()
        .any(|(l, _)| *l == first.level));
    assert!(db::case::current(&conn, "NO-SUCH-CASE").unwrap().is_none());

    // Findings, catalogue, sync state, evaluation.
    let f = db::findings::page(
        &conn,
        &db::findings::FindingQuery {
            include_resolved: true,
            ..Default::default()
        },
        50,
        0,
    )
    .unwrap();
    assert!(f.total > 0, "Plant::ALL plants findings");
    assert!(f
        .rows
        .windows(2)
        .all(|w| w[0].observed_at >= w[1].observed_at));
    assert!(!db::departments::tree_order(&conn).unwrap().is_empty());
    assert!(!db::departments::items(&conn, None).unwrap().is_empty());
    assert!(!db::sync_state::departments(&conn, 100).unwrap().is_empty());
    let cc = db::sync_state::cache_counts(&conn).unwrap();
    assert_eq!(cc.open, counts);
    assert_eq!(cc.evaluated_at, Some(at));
    assert_eq!(db::evaluation::evaluated_at(&conn).unwrap(), Some(at));
    let open = db::evaluation::signals_by_case(&conn, true).unwrap();
    assert!(open.len() as u64 >= counts.total());
    h.shutdown().await;
}

/// Issue 13 item 2 (Licensing Law Art. 42; Arts. B5, B9): a red case "extended" after its
/// deadline keeps its card, and the evaluator raises `extension_after_deadline` with the
/// instants as evidence; a case whose procedure outran its cap gets `cap_overrun`. Raised once
/// however often the evaluator runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_the_clock_establishes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let (_h, at) = city(23, &path).await;
    let mut db = Db::open(&path).unwrap();
    evaluate(&mut db, at, true);
    // A red open case: its current version gets a 10-day extension recorded now.
    let (case_id, seq): (String, i64) = db
        .conn()
        .query_row(
            "SELECT case_id, case_seq FROM case_signals WHERE level = 3 AND open = 1 \
             ORDER BY case_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let now = jiancha_calendar::chrono::DateTime::from_timestamp(at - 3600, 0)
        .unwrap()
        .with_timezone(&jiancha_calendar::cst())
        .to_rfc3339();
    let ext = serde_json::json!({
        "kind": "1", "started_at": now, "reason": "E2E 延长审批", "limit": {"value": 10, "unit": "G"}
    });
    db.conn()
        .execute(
            // (A payload without procedures has no `special_procedures` key: make the list.)
            "UPDATE case_versions SET payload = json_set(payload, '$.special_procedures', \
             json_insert(coalesce(json_extract(payload, '$.special_procedures'), json('[]')), \
             '$[#]', json(?1))) WHERE seq = ?2",
            jiancha_store::rusqlite::params![ext.to_string(), seq],
        )
        .unwrap();
    evaluate(&mut db, at, true);
    evaluate(&mut db, at, true);
    let level: i64 = db
        .conn()
        .query_row(
            "SELECT level FROM case_signals WHERE case_id = ?1",
            [&case_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        level, 3,
        "{case_id}: the late extension cleared the red card"
    );
    let found: Vec<(String, String)> = {
        let mut st = db
            .conn()
            .prepare(
                "SELECT summary, evidence FROM integrity_findings \
                 WHERE kind = 'extension_after_deadline' AND case_id = ?1",
            )
            .unwrap();
        st.query_map([&case_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(found.len(), 1, "{case_id}: {found:?}");
    assert!(
        found[0].0.contains(&case_id) && found[0].0.contains("延长审批"),
        "{}",
        found[0].0
    );
    let ev: serde_json::Value = serde_json::from_str(&found[0].1).unwrap();
    assert_eq!(ev["extension"]["days"], 10, "{ev}");
    assert!(ev["deadline"].as_str().is_some(), "{ev}");
    // A procedure capped at 1 working day, begun an hour after acceptance and still open, of
    // a case accepted at least ten days ago: past its cap (feed-facts: itself a finding).
    let (other, other_seq, accepted): (String, i64, i64) = db
        .conn()
        .query_row(
            "SELECT s.case_id, s.case_seq, c.accepted_at FROM case_signals s \
             JOIN cases c ON c.case_id = s.case_id \
             WHERE s.open = 1 AND s.case_id <> ?1 AND c.accepted_at < ?2 ORDER BY s.case_id LIMIT 1",
            jiancha_store::rusqlite::params![case_id, at - 10 * 86_400],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let begun = jiancha_calendar::chrono::DateTime::from_timestamp(accepted + 3600, 0)
        .unwrap()
        .with_timezone(&jiancha_calendar::cst())
        .to_rfc3339();
    let capped = serde_json::json!({
        "kind": "2", "started_at": begun, "reason": "E2E 检验", "limit": {"value": 1, "unit": "G"}
    });
    db.conn()
        .execute(
            // (A payload without procedures has no `special_procedures` key: make the list.)
            "UPDATE case_versions SET payload = json_set(payload, '$.special_procedures', \
             json_insert(coalesce(json_extract(payload, '$.special_procedures'), json('[]')), \
             '$[#]', json(?1))) WHERE seq = ?2",
            jiancha_store::rusqlite::params![capped.to_string(), other_seq],
        )
        .unwrap();
    evaluate(&mut db, at, true);
    let summary: String = db
        .conn()
        .query_row(
            "SELECT summary FROM integrity_findings WHERE kind = 'cap_overrun' AND case_id = ?1",
            [&other],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{other}: no cap_overrun finding: {e}"));
    assert!(summary.contains("超出其时限 1个工作日"), "{summary}");
}
