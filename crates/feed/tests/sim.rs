//! Sync against the simulator over real loopback HTTP (issue 4 item 7): every fault mode
//! converges to exactly the simulator's digest; resumable; idempotent; quarantine; integrity
//! findings for the planted faults and none for an honest city; evaluation.

use std::sync::Arc;
use std::time::Duration;

use jiancha_calendar::{Calendar, ClockConfig};
use jiancha_feed::{db_digest, list_findings, SyncOptions, SyncReport};
use jiancha_feedsim::{serve, FaultMode, Faults, Handle, Plant, ServeConfig, WorldConfig};
use jiancha_store::Db;

const CASES: u64 = 2_000;

fn calendar() -> Arc<Calendar> {
    Arc::new(Calendar::builtin())
}

fn cfg(seed: u64, plant: Plant, faults: Faults) -> ServeConfig {
    let mut w = WorldConfig::new(seed, CASES);
    w.plant = plant;
    let mut c = ServeConfig::new(w);
    c.faults = faults;
    c.slow_ms = 20;
    c.retry_after_secs = 0;
    c
}

fn opts(h: &Handle) -> SyncOptions {
    let mut o = SyncOptions::new(h.url());
    o.page_size = 500;
    o.batch_records = 1_500;
    o.retry.base = Duration::from_millis(5);
    o.retry.cap = Duration::from_millis(50);
    o.retry.max_attempts = Some(200);
    o.request_timeout = Duration::from_secs(10);
    o.cold_load_min_records = 1_000;
    o
}

async fn run(db: &std::path::Path, o: &SyncOptions) -> SyncReport {
    jiancha_feed::sync(db, o, calendar(), Arc::new(|_| {}))
        .await
        .expect("sync succeeds")
}

fn count(db: &Db, sql: &str) -> i64 {
    db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

async fn converges(seed: u64, faults: Faults) {
    let h = serve(cfg(seed, Plant::ALL, faults)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let r = run(&path, &opts(&h)).await;
    let truth = h.truth();
    let db = Db::open(&path).unwrap();
    let got = db_digest(&db).unwrap();
    assert_eq!(
        got, truth.digest,
        "faults {faults:?}: digest differs from the simulator's"
    );
    assert_eq!(r.cases, truth.digest.cases);
    assert!(db.integrity_ok().unwrap());
    assert_eq!(count(&db, "SELECT count(*) FROM deferred_indexes"), 0);
    // Events are queryable (申请 + 受理 + steps …): more rows than cases, one application each.
    assert!(count(&db, "SELECT count(*) FROM case_events") > 2 * r.cases as i64);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM case_events WHERE kind = 'application'"
        ),
        r.cases as i64
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name='cases' AND sql IS NOT NULL"),
        4,
        "the secondary indexes are back after the cold load"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM sqlite_master WHERE type='index' AND tbl_name IN ('case_versions', 'evaluations') AND sql IS NOT NULL"),
        3,
        "the history and evaluation indexes are back after the cold load"
    );
    // The cursor covers everything the feed published.
    let cursor: String = db
        .conn()
        .query_row("SELECT cursor FROM sync_cursor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cursor.parse::<u64>().unwrap(), h.latest_seq());
    if faults.malformed {
        assert!(r.quarantined > 0, "malformed records are quarantined");
        let (reason, raw): (String, String) = db
            .conn()
            .query_row("SELECT reason, raw FROM quarantine LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert!(!reason.is_empty() && !raw.is_empty());
        // The exact raw payload is kept: it does not validate.
        assert!(jiancha_protocol::validate(&raw).is_err());
    } else {
        assert_eq!(r.quarantined, 0);
    }
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converges_without_faults() {
    converges(1, Faults::default()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converges_under_each_fault_mode() {
    for (n, m) in [
        FaultMode::Http5xx,
        FaultMode::Slow,
        FaultMode::Truncate,
        FaultMode::Duplicate,
        FaultMode::Reorder,
        FaultMode::Malformed,
    ]
    .into_iter()
    .enumerate()
    {
        converges(10 + n as u64, Faults::default().with(m)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converges_under_all_faults() {
    converges(7, Faults::ALL).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resync_is_idempotent_and_history_is_kept_once() {
    let h = serve(cfg(3, Plant::ALL, Faults::ALL)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let o = opts(&h);
    run(&path, &o).await;
    let (d1, v1, q1) = {
        let db = Db::open(&path).unwrap();
        (
            db_digest(&db).unwrap(),
            count(&db, "SELECT count(*) FROM case_versions"),
            count(&db, "SELECT count(*) FROM quarantine"),
        )
    };
    assert!(v1 > 0, "superseded versions are kept");
    // Caught up: nothing new.
    let r = run(&path, &o).await;
    assert_eq!(r.applied.stored, 0);
    // From the start again: every record is a duplicate, nothing changes.
    {
        let mut db = Db::open(&path).unwrap();
        db.write(|tx| tx.execute("UPDATE sync_cursor SET cursor = '0'", []))
            .unwrap();
    }
    let r = run(&path, &o).await;
    assert_eq!(r.applied.stored, 0, "a replayed feed stores nothing");
    assert_eq!(
        r.applied.quarantined, 0,
        "a replayed malformed record is quarantined once"
    );
    assert!(r.applied.duplicates > 0);
    let db = Db::open(&path).unwrap();
    assert_eq!(db_digest(&db).unwrap(), d1);
    assert_eq!(count(&db, "SELECT count(*) FROM case_versions"), v1);
    assert_eq!(count(&db, "SELECT count(*) FROM quarantine"), q1);
    assert_eq!(db_digest(&db).unwrap(), h.truth().digest);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_sync_follows_the_feed_as_time_advances() {
    let h = serve(cfg(4, Plant::ALL, Faults::default())).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let o = opts(&h);
    let first = run(&path, &o).await;
    let before = h.latest_seq();
    // Three simulated days later: new cases, new versions of open ones.
    let later = jiancha_protocol::Timestamp::from_unix(h.sim_now().unix() + 3 * 86_400).unwrap();
    h.advance_to(later);
    assert!(h.latest_seq() > before, "the simulator published more");
    let second = run(&path, &o).await;
    assert!(!second.cold_load, "an incremental sync keeps its indexes");
    assert!(second.applied.stored > 0);
    assert!(second.cases >= first.cases);
    let db = Db::open(&path).unwrap();
    assert_eq!(db_digest(&db).unwrap(), h.current_digest());
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_for_planted_faults_and_none_for_honest_departments() {
    // A city whose backdating department has both kinds of rewrite in its history; reordered
    // and duplicated pages must not change which findings are raised.
    let seed = (1..500)
        .find(|&s| {
            let t = jiancha_feedsim::World::new(WorldConfig::new(s, CASES)).truth();
            !t.backdated_cases.is_empty()
                && !t.impossible_cases.is_empty()
                && t.backdated_cases.len() > t.impossible_cases.len()
        })
        .expect("some seed plants backdating");
    let h = serve(cfg(seed, Plant::ALL, Faults::ALL)).await.unwrap();
    let truth = h.truth();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    run(&path, &opts(&h)).await;
    let db = Db::open(&path).unwrap();
    let findings = list_findings(&db).unwrap();
    let (silent, since) = truth.silent_department.clone().expect("planted");
    let late = truth.late_department.clone().expect("planted");
    let backdater = truth.backdating_department.clone().expect("planted");

    // The silent department, with the instant its data stopped as evidence.
    let s: Vec<_> = findings
        .iter()
        .filter(|f| f.kind == "silent_department")
        .collect();
    assert_eq!(s.len(), 1, "exactly the planted silent department: {s:#?}");
    assert_eq!(s[0].dept_id, silent);
    let ev: serde_json::Value = serde_json::from_str(&s[0].evidence).unwrap();
    assert!(ev["last_data_unix"].as_i64().unwrap() <= since.unix());

    // Every backdated case has a finding comparing two versions, both kept.
    for case in &truth.backdated_cases {
        let f = findings
            .iter()
            .find(|f| f.kind == "backdated" && f.case_id.as_deref() == Some(case.as_str()))
            .unwrap_or_else(|| panic!("no backdating finding for {case}"));
        assert_eq!(f.dept_id, backdater);
        let ev: serde_json::Value = serde_json::from_str(&f.evidence).unwrap();
        let (a, b) = (
            ev["earlier"]["seq"].as_i64().unwrap(),
            ev["later"]["seq"].as_i64().unwrap(),
        );
        assert!(a < b);
        let kept = count(
            &db,
            &format!(
                "SELECT count(*) FROM case_history WHERE case_id = '{case}' AND seq IN ({a}, {b})"
            ),
        );
        assert_eq!(kept, 2, "both versions compared are in the history");
    }
    assert!(!truth.backdated_cases.is_empty());
    let mut found: Vec<&str> = findings
        .iter()
        .filter(|f| f.kind == "backdated")
        .filter_map(|f| f.case_id.as_deref())
        .collect();
    found.sort();
    found.dedup();
    let mut want: Vec<&str> = truth.backdated_cases.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(
        found, want,
        "backdating findings are exactly the planted rewrites"
    );
    for case in &truth.impossible_cases {
        assert!(
            findings
                .iter()
                .any(|f| f.kind == "impossible_sequence"
                    && f.case_id.as_deref() == Some(case.as_str())),
            "no impossible-sequence finding for {case}"
        );
    }
    // The clock runs on the instants as first reported: a rewrite dodges no card.
    {
        let mut db = Db::open(&path).unwrap();
        let at = db
            .conn()
            .query_row("SELECT server_time FROM sync_cursor", [], |r| r.get(0))
            .unwrap();
        let s = jiancha_feed::evaluate(
            &mut db,
            &Calendar::builtin(),
            &ClockConfig::default(),
            at,
            false,
        )
        .unwrap();
        assert_eq!(s.clock_errors, 0, "{s:?}");
        for case in &truth.backdated_cases {
            let (level, on_time): (i64, Option<bool>) = db
                .conn()
                .query_row(
                    "SELECT level, on_time FROM case_signals WHERE case_id = ?1",
                    [case],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap_or_else(|e| panic!("{case} not classified: {e}"));
            assert!(
                level >= 2 && on_time != Some(true),
                "{case}: level {level}, on_time {on_time:?}"
            );
        }
    }
    // Late reports: only the late department.
    let l: Vec<_> = findings
        .iter()
        .filter(|f| f.kind == "late_report")
        .collect();
    assert!(!l.is_empty(), "the late department is found");
    assert!(
        l.iter().all(|f| f.dept_id == late),
        "late reports only for {late}"
    );
    // Honest departments: nothing at all.
    for f in &findings {
        assert!(
            !truth.honest_departments.contains(&f.dept_id),
            "finding for an honest department: {f:#?}"
        );
    }
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_honest_city_has_no_findings() {
    let h = serve(cfg(6, Plant::NONE, Faults::ALL)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    run(&path, &opts(&h)).await;
    let db = Db::open(&path).unwrap();
    let f = list_findings(&db).unwrap();
    assert!(f.is_empty(), "findings in an honest city: {f:#?}");
    assert_eq!(db_digest(&db).unwrap(), h.truth().digest);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evaluation_stores_signals_so_queues_are_a_query() {
    let h = serve(cfg(8, Plant::NONE, Faults::default())).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let r = run(&path, &opts(&h)).await;
    let at = r.server_time.unwrap();
    let cal = Calendar::builtin();
    let cc = ClockConfig::default();
    let mut db = Db::open(&path).unwrap();
    let s = jiancha_feed::evaluate(&mut db, &cal, &cc, at, false).unwrap();
    assert!(s.evaluated > 0);
    assert_eq!(s.clock_errors, 0);
    let open = s.normal + s.warning + s.yellow + s.red;
    assert!(open > 0 && s.done > 0, "{s:?}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM case_signals WHERE open = 1") as u64,
        open
    );
    // The stored classification is the clock's, case by case.
    let mut st = db
        .conn()
        .prepare("SELECT s.case_id, s.signal, c.payload, c.closed_at FROM case_signals s JOIN case_current c USING (case_id) LIMIT 300")
        .unwrap();
    let rows: Vec<(String, String, String, Option<i64>)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(st);
    let at_dt = jiancha_protocol::Timestamp::from_unix(at).unwrap().0;
    for (id, signal, payload, closed) in rows {
        let case: jiancha_protocol::Case = serde_json::from_str(&payload).unwrap();
        let clock = jiancha_feed::case_clock(&case, closed).unwrap();
        let want = jiancha_calendar::evaluate(&cal, &clock, at_dt, &cc).unwrap();
        assert_eq!(signal, want.signal.as_str(), "case {id}");
    }
    // Queues are a query on the index.
    let plan: String = db
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT case_id FROM case_signals WHERE open = 1 AND level = 2 ORDER BY yellow_at LIMIT 50",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("case_signals_queue"), "{plan}");
    // Later, without new data: signals move on at their next-change instants.
    let next = jiancha_feed::next_change(&db)
        .unwrap()
        .expect("something will change");
    assert!(next > at);
    let later = next + 7 * 86_400;
    let s2 = jiancha_feed::evaluate(&mut db, &cal, &cc, later, false).unwrap();
    assert!(s2.evaluated > 0, "due cases are reclassified");
    assert!(s2.yellow + s2.red >= s.yellow + s.red, "{s:?} -> {s2:?}");
    // A full re-evaluation at the same instant agrees with the incremental one.
    let full = jiancha_feed::evaluate(&mut db, &cal, &cc, later, true).unwrap();
    assert_eq!(
        (full.normal, full.warning, full.yellow, full.red, full.done),
        (s2.normal, s2.warning, s2.yellow, s2.red, s2.done)
    );
    // Every card keeps the instant it began.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM case_signals WHERE open = 1 AND level > 0 AND began_at IS NULL"
        ),
        0
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_errors_stop_with_a_clear_message() {
    let mut c = cfg(9, Plant::NONE, Faults::default());
    c.token = Some("secret".into());
    let h = serve(c).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let mut o = opts(&h);
    let e = jiancha_feed::sync(&path, &o, calendar(), Arc::new(|_| {}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("401"), "{e}");
    o.token = Some("wrong".into());
    let e = jiancha_feed::sync(&path, &o, calendar(), Arc::new(|_| {}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("403"), "{e}");
    {
        let db = Db::open(&path).unwrap();
        let last: String = db
            .conn()
            .query_row("SELECT last_error FROM sync_cursor", [], |r| r.get(0))
            .unwrap();
        assert!(
            last.contains("403"),
            "the feed's last error is kept: {last}"
        );
    }
    o.token = Some("secret".into());
    let r = run(&path, &o).await;
    assert_eq!(r.cases, h.truth().digest.cases);
    // Nothing listening: transient, retried, then a clear give-up.
    let mut o = SyncOptions::new("http://127.0.0.1:9");
    o.retry.base = Duration::from_millis(1);
    o.retry.max_attempts = Some(3);
    let e = jiancha_feed::sync(&path, &o, calendar(), Arc::new(|_| {}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("3 times"), "{e}");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_load_and_record_by_record_sync_store_the_same() {
    let h = serve(cfg(12, Plant::ALL, Faults::ALL)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cold, warm) = (
        dir.path().join("cold.sqlite"),
        dir.path().join("warm.sqlite"),
    );
    let mut o = opts(&h);
    assert!(run(&cold, &o).await.cold_load);
    o.cold_load_min_records = u64::MAX;
    assert!(!run(&warm, &o).await.cold_load);
    let dump = |p: &std::path::Path| {
        let db = Db::open(p).unwrap();
        let q = |sql: &str| -> String {
            db.conn()
                .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
                .unwrap()
                .unwrap_or_default()
        };
        (
            q("SELECT group_concat(key, ',') FROM (SELECT key FROM integrity_findings ORDER BY 1)"),
            q("SELECT group_concat(case_id || '@' || seq || '/' || first_seq || '/' || versions || '/' || coalesce(closed_at, ''), ',') FROM (SELECT * FROM cases ORDER BY 1)"),
            q("SELECT CAST(count(*) AS TEXT) FROM case_versions"),
            db_digest(&db).unwrap().digest,
        )
    };
    assert_eq!(dump(&cold), dump(&warm));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuilt_feed_is_a_new_log_whose_seqs_never_collide_with_stored_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    // The console's demo feed: same city, history rebuilt up to a later "now" on restart.
    let a = serve(cfg(21, Plant::NONE, Faults::default()))
        .await
        .unwrap();
    run(&path, &opts(&a)).await;
    let a_truth = a.truth();
    a.shutdown().await;
    let mut later = cfg(21, Plant::NONE, Faults::default());
    later.world.history_end =
        jiancha_protocol::Timestamp::from_unix(later.world.history_end.unix() + 5 * 86_400)
            .unwrap();
    let b = serve(later).await.unwrap();
    let r = run(&path, &opts(&b)).await;
    assert!(
        r.applied.stored > 0 && r.applied.duplicates == 0,
        "{:?}",
        r.applied
    );
    let db = Db::open(&path).unwrap();
    let logs: Vec<(String, i64)> = {
        let mut st = db
            .conn()
            .prepare("SELECT feed, log_no FROM sync_cursor ORDER BY log_no")
            .unwrap();
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(logs.len(), 2, "{logs:?}");
    assert_eq!((logs[0].1, logs[1].1), (0, 1));
    // Every case the new log carries is current in its new-log version: the digest over them
    // is the new feed's truth; versions of the old log are all still there.
    let mut d = jiancha_protocol::CaseDigest::new();
    let mut st = db
        .conn()
        .prepare("SELECT payload FROM case_current WHERE seq >= (1 << 40)")
        .unwrap();
    let mut rows = st.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let p: String = row.get(0).unwrap();
        d.add(&serde_json::from_str(&p).unwrap());
    }
    assert_eq!(d.finish(), b.truth().digest);
    drop(rows);
    drop(st);
    assert!(
        count(
            &db,
            "SELECT count(*) FROM case_versions WHERE seq < (1 << 40)"
        ) >= a_truth.digest.cases as i64
    );
    b.shutdown().await;
}
