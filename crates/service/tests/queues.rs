//! Queues, case detail and dashboard over a small database synced from the simulator over
//! loopback (issue 5 items 1–3).

use std::sync::Arc;

use jiancha_api::queues::{CardLevel, FindingFilter, PageRequest, QueueFilter, RowClock};
use jiancha_api::ErrorCode;
use jiancha_calendar::{Calendar, ClockConfig};
use jiancha_feed::SyncOptions;
use jiancha_feedsim::{serve, Plant, ServeConfig, WorldConfig};
use jiancha_service::{cases, dashboard, queues, Config, FeedSource, Service};
use jiancha_store::Db;

struct Fixture {
    _dir: tempfile::TempDir,
    svc: Service,
    now: i64,
}

fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mut w = WorldConfig::new(7, 1_500);
            w.plant = Plant::ALL;
            let h = serve(ServeConfig::new(w)).await.unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("q.sqlite");
            let mut o = SyncOptions::new(h.url());
            o.page_size = 1_000;
            let r = jiancha_feed::sync(&path, &o, Arc::new(Calendar::builtin()), Arc::new(|_| {}))
                .await
                .unwrap();
            let now = r.server_time.unwrap();
            let mut db = Db::open(&path).unwrap();
            jiancha_feed::evaluate(
                &mut db,
                &Calendar::builtin(),
                &ClockConfig::default(),
                now,
                true,
            )
            .unwrap();
            let svc = Service::open(Config {
                db_path: path,
                feed: FeedSource::Remote { url: h.url() },
                demo_speed: jiancha_service::live::DEFAULT_DEMO_SPEED,
            })
            .unwrap();
            // Everything here needs a signed-in user.
            let e = queues::queue_counts(&svc, &QueueFilter::default()).unwrap_err();
            assert_eq!(e.code, ErrorCode::Unauthenticated);
            jiancha_service::auth::setup_first_admin(&svc, "admin", "管理员", "queue-test-pass")
                .unwrap();
            Fixture {
                _dir: dir,
                svc,
                now,
            }
        })
    })
}

fn page(limit: u32) -> PageRequest {
    PageRequest { offset: 0, limit }
}

fn level(l: CardLevel) -> QueueFilter {
    QueueFilter {
        level: Some(l),
        ..QueueFilter::default()
    }
}

#[test]
fn queues_are_sorted_by_urgency_and_counts_agree() {
    let f = fixture();
    let counts = queues::queue_counts(&f.svc, &QueueFilter::default()).unwrap();
    assert!(
        counts.yellow + counts.red > 0,
        "the simulator raises cards: {counts:?}"
    );
    for (l, n) in [
        (CardLevel::Warning, counts.warning),
        (CardLevel::Yellow, counts.yellow),
        (CardLevel::Red, counts.red),
    ] {
        let p = queues::card_page(&f.svc, &level(l), page(500), f.now).unwrap();
        assert_eq!(p.total, n, "{l:?}");
        assert_eq!(p.rows.len() as u64, n.min(500));
        assert!(p.rows.iter().all(|r| r.level == l));
        assert!(p.rows.windows(2).all(|w| w[0].yellow_at <= w[1].yellow_at));
        if l != CardLevel::Warning {
            // A running card is past its deadline day.
            assert!(
                p.rows
                    .iter()
                    .filter(|r| r.clock == RowClock::Running)
                    .all(|r| r.remaining_workdays.is_some_and(|d| d < 0)),
                "{l:?}"
            );
        }
    }
    // Paging: two halves are the whole, in order, without overlap.
    let all = queues::card_page(&f.svc, &level(CardLevel::Yellow), page(500), f.now).unwrap();
    let k = (all.rows.len() / 2) as u32;
    let a = queues::card_page(&f.svc, &level(CardLevel::Yellow), page(k.max(1)), f.now).unwrap();
    let b = queues::card_page(
        &f.svc,
        &level(CardLevel::Yellow),
        PageRequest {
            offset: k.max(1),
            limit: 500,
        },
        f.now,
    )
    .unwrap();
    let ids: Vec<_> = a.rows.iter().chain(&b.rows).map(|r| &r.case_id).collect();
    let want: Vec<_> = all.rows.iter().map(|r| &r.case_id).collect();
    assert_eq!(ids, want);
}

#[test]
fn filters_narrow_the_queue() {
    let f = fixture();
    let q = level(CardLevel::Yellow);
    let all = queues::card_page(&f.svc, &q, page(500), f.now).unwrap();
    let first = all.rows.first().expect("a yellow card").clone();
    let by_dept = QueueFilter {
        dept_id: Some(first.dept_id.clone()),
        ..q.clone()
    };
    let p = queues::card_page(&f.svc, &by_dept, page(500), f.now).unwrap();
    assert!(p.total >= 1 && p.total <= all.total);
    assert!(p.rows.iter().all(|r| r.dept_id == first.dept_id));
    // Region: every department of the tree's region of that department.
    let tree = queues::department_tree(&f.svc).unwrap();
    let region = tree
        .iter()
        .find(|r| r.departments.iter().any(|d| d.dept_id == first.dept_id))
        .unwrap();
    let by_region = QueueFilter {
        region_code: Some(region.region_code.clone()),
        ..q.clone()
    };
    let pr = queues::card_page(&f.svc, &by_region, page(500), f.now).unwrap();
    assert!(pr.total >= p.total);
    // Free text: the case id finds exactly that card.
    let text = QueueFilter {
        text: Some(first.case_id.to_uppercase()),
        ..q.clone()
    };
    let pt = queues::card_page(&f.svc, &text, page(500), f.now).unwrap();
    assert_eq!(pt.total, 1);
    assert_eq!(pt.rows[0].case_id, first.case_id);
    // Handler: the current handler, exact name.
    if let Some(h) = &first.handler {
        let ph = QueueFilter {
            handler: Some(h.clone()),
            ..q.clone()
        };
        let p = queues::card_page(&f.svc, &ph, page(500), f.now).unwrap();
        assert!(p.rows.iter().any(|r| r.case_id == first.case_id));
        assert!(p
            .rows
            .iter()
            .all(|r| r.handler.as_deref() == Some(h.as_str())));
        assert!(p.total <= all.total);
    }
    // Item.
    let pi = queues::card_page(
        &f.svc,
        &QueueFilter {
            item_code: Some(first.item_code.clone()),
            ..q.clone()
        },
        page(500),
        f.now,
    )
    .unwrap();
    assert!(pi.rows.iter().all(|r| r.item_code == first.item_code) && pi.total >= 1);
    // Date range on the day the card began: the day of the first card keeps it.
    let day = chrono::DateTime::from_timestamp(first.began_at.unwrap(), 0)
        .unwrap()
        .with_timezone(&jiancha_calendar::cst())
        .date_naive()
        .to_string();
    let pd = queues::card_page(
        &f.svc,
        &QueueFilter {
            from: Some(day.clone()),
            to: Some(day),
            ..q.clone()
        },
        page(500),
        f.now,
    )
    .unwrap();
    assert!(pd.rows.iter().any(|r| r.case_id == first.case_id));
    assert!(pd.total <= all.total);
}

#[test]
fn bad_input_is_named() {
    let f = fixture();
    let e = queues::card_page(&f.svc, &QueueFilter::default(), page(501), f.now).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("501"), "{}", e.message);
    let bad = QueueFilter {
        from: Some("2026-13-01".into()),
        ..QueueFilter::default()
    };
    let e = queues::card_page(&f.svc, &bad, page(10), f.now).unwrap_err();
    assert!(e.message.contains("2026-13-01"), "{}", e.message);
    let e = cases::case_detail(&f.svc, "NO-SUCH-CASE", f.now).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = queues::finding_page(
        &f.svc,
        &FindingFilter {
            kind: Some("nonsense".into()),
            ..FindingFilter::default()
        },
        page(10),
    )
    .unwrap_err();
    assert!(e.message.contains("nonsense"));
}

#[test]
fn case_detail_shows_clock_timeline_and_signals() {
    let f = fixture();
    let red = queues::card_page(&f.svc, &level(CardLevel::Red), page(1), f.now).unwrap();
    let row = red.rows.first().expect("a red card");
    let d = cases::case_detail(&f.svc, &row.case_id, f.now).unwrap();
    let clock = d.clock.expect("an accepted case has a clock");
    assert_eq!(clock.deadline, row.deadline);
    assert_eq!(clock.signal, "red");
    assert!(d.timeline.iter().any(|e| e.kind == "acceptance"));
    assert!(d.timeline.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(d.signals.iter().any(|s| s.level == CardLevel::Red));
    assert!(!d.days.is_empty() && d.days.len() as i64 <= cases::MAX_DAYS);
    assert!(
        d.days.iter().any(|x| !x.workday),
        "weekends are on the strip"
    );
    assert!(!d.versions.is_empty() && d.versions.iter().any(|v| v.is_latest));
    assert!(d
        .facts
        .iter()
        .any(|f| f.label == "办件编号" && f.value == row.case_id));
    // Coded fields carry their name (GB/T 39046 code tables), e.g. 已受理, and the code for
    // the page's own label; no raw "3" and no "3 已受理" (issue 12 item 6).
    let status = d.facts.iter().find(|f| f.key == "status").unwrap();
    assert_eq!(status.label, "办件状态");
    assert!(
        !status.value.is_empty() && !status.value.chars().any(|c| c.is_ascii_digit()),
        "{}",
        status.value
    );
    assert!(
        status
            .code
            .as_deref()
            .is_some_and(|c| c.parse::<u32>().is_ok()),
        "{status:?}"
    );
    let keys: std::collections::HashSet<&str> = d.facts.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys.len(), d.facts.len(), "fact keys are unique");
}

/// Issue 12 item 8: a paused card showed a countdown computed from a deadline that moves while
/// the clock is stopped ("超期 1.0 天 / 剩余 -2"). Asked days later (no evaluation between), its
/// row still shows the clock's frozen budget, no countdown and no overdue time.
#[test]
fn a_paused_card_shows_its_frozen_budget_not_a_countdown() {
    let f = fixture();
    let later = f.now + 9 * 86_400;
    let all = queues::card_page(&f.svc, &QueueFilter::default(), page(500), f.now).unwrap();
    let mut checked = 0;
    for row in all.rows.iter().filter(|r| r.clock == RowClock::Paused) {
        assert_eq!(row.remaining_workdays, None, "{row:?}");
        assert_eq!(row.overdue_secs, None, "{row:?}");
        let frozen = row.frozen_workdays.expect("a paused row has its budget");
        let detail = cases::case_detail(&f.svc, &row.case_id, f.now).unwrap();
        let clock = detail.clock.unwrap();
        assert!(clock.frozen);
        assert_eq!(clock.remaining_workdays, Some(frozen), "{}", row.case_id);
        // Nine days on: still paused (an open-ended 补正 or procedure), the same budget.
        let still = cases::case_detail(&f.svc, &row.case_id, later).unwrap();
        if !still.clock.as_ref().unwrap().frozen {
            continue; // a capped procedure ran out meanwhile
        }
        let filter = QueueFilter {
            text: Some(row.case_id.clone()),
            ..QueueFilter::default()
        };
        let again = queues::card_page(&f.svc, &filter, page(5), later).unwrap();
        let again = again
            .rows
            .iter()
            .find(|r| r.case_id == row.case_id)
            .unwrap();
        assert_eq!(again.clock, RowClock::Paused, "{again:?}");
        assert_eq!(again.frozen_workdays, Some(frozen), "{again:?}");
        assert_eq!(again.remaining_workdays, None);
        assert_eq!(again.overdue_secs, None);
        checked += 1;
    }
    assert!(
        checked > 0,
        "the simulated city has paused cards with signals"
    );
    // A running card past D counts its overdue time from 00:00 after D.
    let red = all
        .rows
        .iter()
        .find(|r| r.clock == RowClock::Running && r.level == CardLevel::Red)
        .expect("a running red card");
    assert_eq!(red.overdue_secs, Some(f.now - red.yellow_at));
}

/// Issue 12 item 8: a completed case shows no countdown and no instant after its closure.
#[test]
fn a_closed_case_shows_no_countdown_and_no_instant_after_it_closed() {
    let f = fixture();
    let db = Db::open(f._dir.path().join("q.sqlite")).unwrap();
    let ids: Vec<String> = db
        .conn()
        .prepare(
            "SELECT case_id FROM case_signals WHERE open = 0 AND signal = 'done' \
             ORDER BY on_time DESC, case_id LIMIT 20",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!ids.is_empty(), "the simulated city completes cases");
    let mut on_time = 0;
    for id in &ids {
        let d = cases::case_detail(&f.svc, id, f.now).unwrap();
        let clock = d.clock.unwrap();
        assert_eq!(clock.signal, "done");
        let closed = clock.closed_at.expect("closed");
        assert!(closed <= f.now);
        assert_eq!(clock.remaining_workdays, None, "{id}");
        assert!(!clock.frozen);
        for t in [clock.warning_at, clock.yellow_at, clock.red_at]
            .into_iter()
            .flatten()
        {
            assert!(
                t <= closed,
                "{id}: an instant after the closure: {t} > {closed}"
            );
        }
        if clock.yellow_at.is_none() {
            on_time += 1;
        }
    }
    assert!(
        on_time > 0,
        "some case was completed before its yellow card"
    );
}

#[test]
fn findings_queue_and_case_findings() {
    let f = fixture();
    let all = queues::finding_page(
        &f.svc,
        &FindingFilter {
            include_resolved: true,
            ..FindingFilter::default()
        },
        page(500),
    )
    .unwrap();
    assert!(all.total > 0, "Plant::ALL plants findings");
    assert!(all
        .rows
        .windows(2)
        .all(|w| w[0].observed_at >= w[1].observed_at));
    let backdated = queues::finding_page(
        &f.svc,
        &FindingFilter {
            kind: Some("backdated".into()),
            include_resolved: true,
            ..FindingFilter::default()
        },
        page(500),
    )
    .unwrap();
    assert!(backdated.rows.iter().all(|r| r.kind == "backdated"));
    if let Some(b) = backdated.rows.first() {
        let d = cases::case_detail(&f.svc, b.case_id.as_deref().unwrap(), f.now).unwrap();
        assert!(d.findings.iter().any(|x| x.id == b.id));
        assert!(
            d.versions.len() >= 2,
            "a rewrite has two versions to compare"
        );
    }
}

#[test]
fn dashboard_counts_match_the_queues_and_draws_charts() {
    let f = fixture();
    let d = dashboard::dashboard(&f.svc, f.now).unwrap();
    let c = queues::queue_counts(&f.svc, &QueueFilter::default()).unwrap();
    assert_eq!(d.open, c);
    assert!(d.top_departments.len() <= 10);
    let top: u64 = d
        .top_departments
        .first()
        .map(|t| t.warning + t.yellow + t.red)
        .unwrap();
    assert!(d
        .top_departments
        .iter()
        .all(|t| t.warning + t.yellow + t.red <= top));
    assert!(d.cards_per_day_svg.starts_with("<svg") || d.cards_per_day_svg.contains("<svg"));
    assert!(d.open_by_department_svg.contains("<svg"));
}

#[test]
fn queue_screens_are_pure_reads() {
    // The search index is refreshed by the evaluator (the write path), never by a read: every
    // read of the queue screens works on a connection that refuses writes.
    let f = fixture();
    let db = Db::open(f._dir.path().join("q.sqlite")).unwrap();
    db.conn().pragma_update(None, "query_only", true).unwrap();
    assert!(db.conn().execute("DELETE FROM queue_search", []).is_err());
    let cal = Calendar::builtin();
    let counts = queues::counts_db(&db, &QueueFilter::default()).unwrap();
    assert_eq!(
        counts,
        queues::queue_counts(&f.svc, &QueueFilter::default()).unwrap()
    );
    let filter = QueueFilter {
        text: Some("a".into()),
        ..level(CardLevel::Yellow)
    };
    let p = queues::card_page_db(&db, &cal, &filter, page(100), f.now).unwrap();
    assert_eq!(
        p,
        queues::card_page(&f.svc, &filter, page(100), f.now).unwrap()
    );
    let red = queues::card_page_db(&db, &cal, &level(CardLevel::Red), page(1), f.now).unwrap();
    let d = cases::case_detail_db(&db, &cal, &red.rows[0].case_id, f.now).unwrap();
    assert_eq!(d.case_id, red.rows[0].case_id);
    let d = dashboard::dashboard_db(&db, &cal, f.now, None).unwrap();
    assert_eq!(d.open, counts);
    queues::finding_page_db(&db, &FindingFilter::default(), page(10)).unwrap();
    assert!(!queues::department_tree_db(&db).unwrap().is_empty());
}

/// Issue 13 item 5 (Art. B5(1)): the case page read its clock with the default warning lead
/// (1) whatever the setting: with a lead of 3, a case in 预警 two working days before D showed
/// `normal` on its page. Every reading now takes the configured lead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_page_uses_the_configured_warning_lead() {
    let mut w = WorldConfig::new(11, 600);
    w.plant = Plant::ALL;
    let h = serve(ServeConfig::new(w)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lead.sqlite");
    let o = SyncOptions::new(h.url());
    let r = jiancha_feed::sync(&path, &o, Arc::new(Calendar::builtin()), Arc::new(|_| {}))
        .await
        .unwrap();
    let now = r.server_time.unwrap();
    let lead = ClockConfig { warning_lead: 3 };
    let mut db = Db::open(&path).unwrap();
    jiancha_feed::evaluate(&mut db, &Calendar::builtin(), &lead, now, true).unwrap();
    drop(db);
    let svc = Service::open(Config {
        db_path: path,
        feed: FeedSource::Remote { url: h.url() },
        demo_speed: jiancha_service::live::DEFAULT_DEMO_SPEED,
    })
    .unwrap();
    jiancha_service::auth::setup_first_admin(&svc, "admin", "管理员", "lead-test-pass").unwrap();
    jiancha_service::settings::update(
        &svc,
        jiancha_api::settings::SettingsUpdate {
            warning_lead: Some(3),
            ..Default::default()
        },
    )
    .unwrap();
    let rows = queues::card_page(&svc, &level(CardLevel::Warning), page(500), now).unwrap();
    // Warnings only a lead of 3 makes: one or two working days before D.
    let early: Vec<_> = rows
        .rows
        .iter()
        .filter(|r| r.clock == RowClock::Running && matches!(r.remaining_workdays, Some(1 | 2)))
        .collect();
    assert!(
        !early.is_empty(),
        "no early warning among {} rows",
        rows.rows.len()
    );
    for r in early {
        let d = cases::case_detail(&svc, &r.case_id, now).unwrap();
        let clock = d.clock.expect("a running case has a clock");
        assert_eq!(
            clock.signal, "warning",
            "{}: the case page disagrees with the queue",
            r.case_id
        );
    }
}
