//! The SMS path in the app against the real loopback test gateway: settings (validation,
//! secrets never shown), the directory import, a notice from the case page sent and delivered,
//! quiet hours, automatic notices for cases entering 预警, and the escalation chain.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jiancha_api::sms::{NoticeSettingsUpdate, NoticeSettingsView};
use jiancha_api::ErrorCode;
use jiancha_notify::db::skips;
use jiancha_notify::Credentials;
use jiancha_store::Db;
use jiancha_workflow::auth::Session;
use jiancha_workflow::notices::{self, Channel, NewNotice};

use super::case_messages::*;
use super::config::*;
use super::directory::*;
use super::dispatch::*;
use super::notices::*;
use super::settings::*;
use crate::app::{Config, Service};
use jiancha_notify::test_gateway::{FailMode, TestGateway};
use jiancha_store::rusqlite::params;
use jiancha_workflow::auth::{self as wf_auth, NewAccount, Role as AccountRole};

const PW: &str = "correct horse 1";
const TOKEN: &str = "gateway-token-0001";

/// 2026-03-09 is a Monday (a working day); `h:m` CST.
fn mon(h: u32, m: u32) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-03-09T{h:02}:{m:02}:00+08:00"))
        .unwrap()
        .with_timezone(&Utc)
}

struct T {
    _dir: tempfile::TempDir,
    svc: Arc<Service>,
    officer: Session,
    gw: TestGateway,
}

/// A case of department D1 in 预警 since `began` (feed clock, Unix seconds).
fn add_case(svc: &Service, id: &str, handler: &str, began: i64) {
    // A connection of its own, as the sync (the service's handles read on query_only readers).
    let mut db = jiancha_store::Db::open(&svc.config().db_path).unwrap();
    let c = db.conn();
    let seq: i64 = c
        .query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM case_versions",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let payload = serde_json::json!({
        "id": id, "item_name": "食品经营许可证核发", "department_id": "D1",
        "item_code": "I1", "case_type": "2", "status": "3", "region_code": "650100",
        "promised_limit": {"value": 10, "unit": "G"},
        "statutory_limit": {"value": 20, "unit": "G"},
        "application": {"applied_at": "2026-02-06T09:00:00+08:00", "applicant_name": "新城市某餐饮有限公司", "applicant_kind": "2", "source": "1"},
        "acceptance": {"accepted_at": "2026-02-09T09:00:00+08:00", "accepted_by": handler, "document_no": "受字1号"},
        "steps": [{"name": "承办", "handler": handler, "started_at": "2026-02-10T09:00:00+08:00", "status": "1"}]
    });
    c.execute("INSERT INTO case_versions(seq, case_id, reported_at, received_at, status, payload) VALUES (?1, ?2, 0, 0, '3', ?3)", params![seq, id, payload.to_string()]).unwrap();
    c.execute("INSERT INTO cases(case_id, seq, first_seq, reported_at, dept_id, item_code, case_type, status, classified, applied_at, accepted_at, promised_limit, promised_unit) VALUES (?1, ?2, ?2, 0, 'D1', 'I1', '1', '3', 0, 0, 0, 10, 'G')", params![id, seq]).unwrap();
    c.execute("INSERT INTO case_signals(case_id, dept_id, item_code, signal, level, began_at, open, paused, deadline, remaining_workdays, warning_at, yellow_at, red_at, classified, known, case_seq, evaluated_at) VALUES (?1,'D1','I1','warning',1,?2,1,0,'2026-03-10',1,?2,?2,?2,0,1,1,0)", params![id, began]).unwrap();
    c.execute("INSERT INTO signals VALUES (?1, 1, ?2)", params![id, began])
        .unwrap();
    // The evaluator indexes what it evaluates; this fixture stands in for it.
    jiancha_feed::db::search::refresh(&mut db).unwrap();
}

async fn setup() -> T {
    let dir = tempfile::tempdir().unwrap();
    let svc = Arc::new(Service::open(Config::embedded_default(dir.path())).unwrap());
    crate::auth::setup_first_admin(&svc, "admin", "管理员", PW).unwrap();
    let officer = {
        let mut db = svc.db().unwrap();
        let t = Utc::now();
        let mut admin = wf_auth::sign_in(&mut db, "admin", PW, "ws", t).unwrap();
        wf_auth::create_account(
            &mut db,
            &mut admin,
            &NewAccount {
                username: "officer",
                display_name: "officer",
                role: AccountRole::Officer,
                password: PW,
            },
            t,
        )
        .unwrap();
        let sync_db = jiancha_store::Db::open(&svc.config().db_path).unwrap();
        sync_db.conn().execute("INSERT INTO departments VALUES ('D1','新城市市场监督管理局','city','650100','新城市','91650100MA000000XX','J1','市纪委监委派驻市场监管局纪检监察组',1,0,'{}')", []).unwrap();
        wf_auth::sign_in(&mut db, "officer", PW, "ws-1", t).unwrap()
    };
    let gw = TestGateway::start(
        Credentials::Bearer {
            token: TOKEN.into(),
        },
        None,
    )
    .await
    .unwrap();
    T {
        _dir: dir,
        svc,
        officer,
        gw,
    }
}

fn configure(t: &T) -> NoticeSettingsView {
    update(
        &t.svc,
        &NoticeSettingsUpdate {
            send_url: Some(t.gw.send_url()),
            status_url: Some(t.gw.status_url()),
            secret: Some(TOKEN.into()),
            sign_name: Some("新区电子监察".into()),
            center_name: Some("新城市电子监察中心".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

const DIRECTORY: &str = "部门编码,角色,姓名,手机号码\n\
    D1,承办人,王堃,13800000001\n\
    D1,科室负责人,李科长,13800000002\n\
    D1,分管领导,赵局长,13800000003\n";

#[tokio::test]
async fn settings_are_validated_and_the_secret_is_never_shown() {
    let t = setup().await;
    let v = get(&t.svc).unwrap();
    assert!(!v.configured);
    assert_eq!(v.template, DEFAULT_TEMPLATE);
    let v = configure(&t);
    assert!(v.configured);
    assert_eq!(v.secret_hint.as_deref(), Some("••••0001"));
    assert!(!format!("{v:?}").contains(TOKEN));
    assert!(!format!("{:?}", load(&t.svc.db().unwrap()).unwrap()).contains(TOKEN));
    for (u, field) in [
        (
            NoticeSettingsUpdate {
                send_url: Some("ftp://x".into()),
                ..Default::default()
            },
            "send_url",
        ),
        (
            NoticeSettingsUpdate {
                template: Some("{recipient}：{nonsense}".into()),
                ..Default::default()
            },
            "{nonsense}",
        ),
        (
            NoticeSettingsUpdate {
                quiet_morning: Some("21:00".into()),
                ..Default::default()
            },
            "早上",
        ),
        (
            NoticeSettingsUpdate {
                quiet_night: Some("8pm".into()),
                ..Default::default()
            },
            "quiet_night",
        ),
        (
            NoticeSettingsUpdate {
                auth: Some("app_key".into()),
                ..Default::default()
            },
            "app_key",
        ),
    ] {
        let e = update(&t.svc, &u).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains(field), "{field}: {}", e.message);
    }
    // Nothing of the refused updates was stored.
    assert_eq!(get(&t.svc).unwrap().send_url, t.gw.send_url());
    // The centre's facts fill the letters.
    let f = center_facts(&t.svc.db().unwrap()).unwrap();
    assert_eq!(f["issuer"], "新城市电子监察中心");
    // Officers cannot change them.
    crate::auth::sign_in(&t.svc, "officer", PW).unwrap();
    let e = update(
        &t.svc,
        &NoticeSettingsUpdate {
            sign_name: Some("x".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[tokio::test]
async fn directory_import_is_all_or_nothing_and_names_the_bad_line() {
    let t = setup().await;
    let e = import_contacts(
        &t.svc,
        "D1,承办人,王堃,13800000001\nD1,局长,某某,13800000009\n",
    )
    .unwrap_err();
    assert!(e.message.contains("第 2 行"), "{}", e.message);
    let e = import_contacts(&t.svc, "D1,承办人,王堃,1380000\n").unwrap_err();
    assert!(e.message.contains("1380000"), "{}", e.message);
    assert!(contacts(&t.svc).unwrap().is_empty(), "nothing stored");
    // Two open cards of handlers not in the directory: both listed, by cards.
    add_case(&t.svc, "M-1", "王堃", 0);
    add_case(&t.svc, "M-2", "王堃", 0);
    add_case(&t.svc, "M-3", "李四", 0);
    let missing = missing_contacts(&t.svc, 50).unwrap();
    let names: Vec<(&str, i64)> = missing
        .iter()
        .map(|m| (m.handler.as_str(), m.open_cards))
        .collect();
    assert_eq!(names, [("王堃", 2), ("李四", 1)]);
    assert_eq!(
        missing[0].dept_name.as_deref(),
        Some("新城市市场监督管理局")
    );
    let r = import_contacts(&t.svc, DIRECTORY).unwrap();
    assert_eq!((r.added, r.updated), (3, 0));
    let missing = missing_contacts(&t.svc, 50).unwrap();
    assert_eq!(missing.len(), 1, "王堃 now has a number");
    assert_eq!(missing[0].handler, "李四");
    let r = import_contacts(&t.svc, "D1\t承办人\t王堃\t13900000001").unwrap();
    assert_eq!((r.added, r.updated), (0, 1));
    let all = contacts(&t.svc).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].role, "leader_in_charge");
    assert_eq!(all[0].dept_name.as_deref(), Some("新城市市场监督管理局"));
    delete_contact(&t.svc, all[0].id).unwrap();
    assert_eq!(contacts(&t.svc).unwrap().len(), 2);
    assert_eq!(
        delete_contact(&t.svc, all[0].id).unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn a_notice_from_the_case_is_sent_then_delivered_and_shown_on_the_case() {
    let mut t = setup().await;
    add_case(&t.svc, "XK-1", "王堃", 0);
    // Without a gateway: refused, clearly.
    let e = queue(&t.svc, &mut t.officer, "XK-1", "", mon(9, 0)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unavailable);
    configure(&t);
    import_contacts(&t.svc, DIRECTORY).unwrap();
    // Queued at 07:00: before the sending hours, so it waits until 08:00.
    let n =
        crate::letters::notice_dto(queue(&t.svc, &mut t.officer, "XK-1", "", mon(7, 0)).unwrap());
    assert_eq!(n.state, "pending");
    assert_eq!(
        n.phone.as_deref(),
        Some("13800000001"),
        "from the directory"
    );
    let r = dispatch(&t.svc, mon(7, 30), 0).await.unwrap();
    assert!(r.quiet);
    assert_eq!(r.sent, 0);
    assert!(
        t.gw.log().is_empty(),
        "nothing reached the gateway at night"
    );

    let r = dispatch(&t.svc, mon(8, 0), 0).await.unwrap();
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");
    assert_eq!(r.receipts, 1, "the test gateway reports delivery at once");
    let db = t.svc.db().unwrap();
    let sms = for_case(&db, "XK-1").unwrap();
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].state, "delivered");
    assert!(sms[0].content.contains("王堃同志"), "{}", sms[0].content);
    assert!(sms[0].content.contains("XK-1"));
    assert!(sms[0].content.contains("【新区电子监察】"));
    let kinds: Vec<&str> = sms[0].events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["scheduled", "sent", "receipt"]);
    let notice = notices::get(&db, &mut t.officer, &n.id, mon(8, 1)).unwrap();
    assert_eq!(notice.state, notices::NoticeState::Delivered);
    // The gateway got the rendered text and the right token.
    let log = t.gw.log();
    assert!(log[0].auth_ok);
    assert!(log[0].body.contains("13800000001"));
    // A number that is not a mobile is refused before anything is stored.
    let e = queue(&t.svc, &mut t.officer, "XK-1", "010-1234", mon(9, 0)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(for_case(&db, "XK-1").unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_sms_fails_the_notice_and_is_retried_by_the_escalation() {
    let mut t = setup().await;
    add_case(&t.svc, "XK-1", "王堃", 0);
    configure(&t);
    import_contacts(&t.svc, DIRECTORY).unwrap();
    t.gw.set_mode(FailMode::Reject {
        code: "isv.BLACK_KEY".into(),
        message: "含敏感词".into(),
    });
    let n = queue(&t.svc, &mut t.officer, "XK-1", "", mon(9, 0)).unwrap();
    let r = dispatch(&t.svc, mon(9, 0), 0).await.unwrap();
    assert_eq!(r.failed, 1);
    assert!(r.error.unwrap().contains("isv.BLACK_KEY"));
    let db = t.svc.db().unwrap();
    let notice = notices::get(&db, &mut t.officer, &n.id, mon(9, 1)).unwrap();
    assert_eq!(notice.state, notices::NoticeState::Failed);
    assert!(notice.failure.unwrap().contains("含敏感词"));
    // One working hour later the handler is tried again, as a new notice and SMS.
    t.gw.set_mode(FailMode::Normal);
    let r = dispatch(&t.svc, mon(9, 30), 0).await.unwrap();
    assert_eq!(r.escalations, 0, "not yet");
    let r = dispatch(&t.svc, mon(10, 5), 0).await.unwrap();
    assert_eq!((r.escalations, r.sent), (1, 1), "{r:?}");
    let sms = for_case(&db, "XK-1").unwrap();
    assert_eq!(sms.len(), 2);
    assert_eq!(sms[1].role, "handler");
    assert_eq!(sms[1].state, "delivered");
}

#[tokio::test]
async fn cases_entering_warning_are_told_automatically_and_escalate_to_chief_and_leader() {
    let t = setup().await;
    // Already in 预警 before auto notices start: not told all at once.
    add_case(&t.svc, "OLD-1", "王堃", 1_000);
    configure(&t);
    import_contacts(&t.svc, DIRECTORY).unwrap();
    let r = dispatch(&t.svc, mon(10, 0), 2_000).await.unwrap();
    assert_eq!((r.auto_notices, r.sent), (0, 0), "{r:?}");
    // Two cases enter 预警 afterwards: one handler is in the directory, one is not.
    add_case(&t.svc, "NEW-1", "王堃", 2_100);
    add_case(&t.svc, "NEW-2", "无号码", 2_200);
    let r = dispatch(&t.svc, mon(10, 0), 2_300).await.unwrap();
    assert_eq!(
        (r.auto_notices, r.missing_numbers, r.sent),
        (1, 1, 1),
        "{r:?}"
    );
    // Each only once.
    let r = dispatch(&t.svc, mon(10, 1), 2_400).await.unwrap();
    assert_eq!(
        (r.auto_notices, r.missing_numbers, r.sent),
        (0, 0, 0),
        "{r:?}"
    );
    let db = t.svc.db().unwrap();
    assert!(for_case(&db, "OLD-1").unwrap().is_empty());
    assert!(for_case(&db, "NEW-2").unwrap().is_empty());
    // The case page says why NEW-2 was not texted.
    let why = stopped_reason(&db, "NEW-2").unwrap().unwrap();
    assert!(why.contains("通讯录无承办人号码"), "{why}");
    assert_eq!(stopped_reason(&db, "NEW-1").unwrap(), None);
    let sms = for_case(&db, "NEW-1").unwrap();
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].state, "delivered");

    // Not acted on: the section chief after 4 working hours (10:00 + 4 h = 14:00) …
    let r = dispatch(&t.svc, mon(13, 59), 2_500).await.unwrap();
    assert_eq!(r.escalations, 0);
    let r = dispatch(&t.svc, mon(14, 0), 2_500).await.unwrap();
    assert_eq!((r.escalations, r.sent), (1, 1), "{r:?}");
    // … the leader in charge one working day after the chief (Tuesday 14:00).
    let tue = |h| mon(h, 0) + chrono::Duration::days(1);
    let r = dispatch(&t.svc, tue(13), 2_600).await.unwrap();
    assert_eq!(r.escalations, 0);
    let r = dispatch(&t.svc, tue(14), 2_600).await.unwrap();
    assert_eq!((r.escalations, r.sent), (1, 1), "{r:?}");
    let sms = for_case(&db, "NEW-1").unwrap();
    let who: Vec<(&str, &str)> = sms
        .iter()
        .map(|m| (m.role.as_str(), m.recipient.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("handler", "王堃"),
            ("section_chief", "李科长"),
            ("leader_in_charge", "赵局长")
        ]
    );
    assert!(
        sms[1].content.starts_with("李科长同志"),
        "{}",
        sms[1].content
    );
    // Everyone told: the chain is complete.
    let r = dispatch(&t.svc, tue(16), 2_700).await.unwrap();
    assert_eq!(r.escalations, 0);

    // A case that is completed stops escalating.
    add_case(&t.svc, "NEW-3", "王堃", 2_800);
    let r = dispatch(&t.svc, tue(9), 2_900).await.unwrap();
    assert_eq!(r.auto_notices, 1);
    // As the evaluator would (a connection of its own: `db` reads on a query_only reader).
    jiancha_store::Db::open(&t.svc.config().db_path)
        .unwrap()
        .conn()
        .execute(
            "UPDATE case_signals SET open = 0, signal = 'done' WHERE case_id = 'NEW-3'",
            [],
        )
        .unwrap();
    let r = dispatch(&t.svc, tue(17), 3_000).await.unwrap();
    assert_eq!(r.escalations, 0, "{r:?}");
}

#[tokio::test]
async fn a_phone_call_to_the_handler_starts_the_chain_too() {
    let mut t = setup().await;
    add_case(&t.svc, "TEL-1", "王堃", 0);
    configure(&t);
    import_contacts(&t.svc, DIRECTORY).unwrap();
    // The officer rang the handler at 09:00 and got through (Art. B6: phone or SMS).
    crate::letters::record_phone_call(
        &t.svc,
        &mut t.officer,
        "TEL-1",
        "",
        "2026-03-09T09:00:00+08:00",
        "reached",
        "答应当日办结",
        mon(9, 5),
    )
    .unwrap();
    let r = dispatch(&t.svc, mon(12, 59), 0).await.unwrap();
    assert_eq!(r.escalations, 0, "{r:?}");
    // Still open 4 working hours later: the section chief is texted.
    let r = dispatch(&t.svc, mon(13, 0), 0).await.unwrap();
    assert_eq!((r.escalations, r.sent), (1, 1), "{r:?}");
    let sms = for_case(&t.svc.db().unwrap(), "TEL-1").unwrap();
    assert_eq!(sms.len(), 1);
    assert_eq!(
        (sms[0].role.as_str(), sms[0].recipient.as_str()),
        ("section_chief", "李科长")
    );
}

/// A notice to the handler of `case_id` by phone (the case counts as told).
fn tell(svc: &Service, case_id: &str) {
    notices::create_system(
        &mut svc.db().unwrap(),
        &system(),
        &NewNotice {
            case_id,
            handler: "王堃",
            phone: None,
            channel: Channel::Phone,
        },
        mon(9, 0),
    )
    .unwrap();
}

#[tokio::test]
async fn automatic_candidates_are_not_crowded_out_by_cases_already_handled() {
    let t = setup().await;
    // Five cases entered 预警 first and are handled: skipped, or told already.
    for (i, id) in ["H-1", "H-2", "H-3", "H-4", "H-5"].into_iter().enumerate() {
        add_case(&t.svc, id, "王堃", 100 + i as i64);
    }
    add_case(&t.svc, "NEW-1", "王堃", 200);
    add_case(&t.svc, "NEW-2", "王堃", 201);
    add_case(&t.svc, "NEW-3", "王堃", 202);
    add_case(&t.svc, "BEFORE", "王堃", 50);
    let mut db = t.svc.db().unwrap();
    db.write(|tx| {
        for id in ["H-1", "H-2", "H-4"] {
            skips::skip_auto(tx, id, "通讯录无承办人号码", 0)?;
        }
        Ok::<_, jiancha_notify::NotifyError>(())
    })
    .unwrap();
    tell(&t.svc, "H-3");
    tell(&t.svc, "H-5");
    // Pages of two, a batch of two: the handled ones are read past, not returned.
    assert_eq!(auto_candidates(&db, 100, 2, 2).unwrap(), ["NEW-1", "NEW-2"]);
    assert_eq!(
        auto_candidates(&db, 100, 10, 2).unwrap(),
        ["NEW-1", "NEW-2", "NEW-3"]
    );
    assert_eq!(
        auto_candidates(&db, 201, 10, 500).unwrap(),
        ["NEW-2", "NEW-3"]
    );
    // The same through the real sizes.
    assert_eq!(
        auto_candidates(&db, 100, AUTO_BATCH, PAGE).unwrap(),
        ["NEW-1", "NEW-2", "NEW-3"]
    );
}

#[tokio::test]
async fn escalation_examines_every_told_case_in_turn_across_passes() {
    let t = setup().await;
    for id in ["A", "B", "C", "D", "E", "F"] {
        add_case(&t.svc, id, "王堃", 0);
    }
    // F was never told; E has an SMS waiting; D's chain stopped.
    for id in ["A", "B", "C", "D", "E"] {
        tell(&t.svc, id);
    }
    let mut db = t.svc.db().unwrap();
    db.write(|tx| skips::stop_escalation(tx, "D", "通讯录无科室负责人", 0))
        .unwrap();
    // Readers are query_only: the fixture row goes through the writer.
    db.write(|tx| {
        tx.execute(
            "INSERT INTO sms_messages(notice_id, case_id, role, recipient, phone, params, content, state, created_at, due_at)
             VALUES ('n', 'E', 'handler', '王堃', '13800000001', '{}', '', 'scheduled', '2026-03-09T01:00:00.000Z', '2026-03-09T01:00:00.000Z')",
            [],
        )
    })
    .unwrap();
    // Everything in one pass at the real sizes.
    assert_eq!(
        escalation_candidates(&db, None, ESCALATION_BATCH, PAGE).unwrap(),
        (vec!["A".into(), "B".into(), "C".into()], None)
    );
    // Batches of two over pages of two: each pass resumes after the last, wrapping round.
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (first, next) = escalation_candidates(&db, None, 2, 2).unwrap();
    assert_eq!((first, next.as_deref()), (ids(&["A", "B"]), Some("B")));
    let (second, next) = escalation_candidates(&db, next, 2, 2).unwrap();
    assert_eq!((second, next.as_deref()), (ids(&["C", "A"]), Some("A")));
    let (third, next) = escalation_candidates(&db, next, 2, 2).unwrap();
    assert_eq!((third, next.as_deref()), (ids(&["B", "C"]), Some("C")));
}

/// The dispatcher's SQLite runs on the blocking pool: a pass waiting for the database (another
/// writer holds the lock) leaves the runtime free. This test's runtime has one thread, so a
/// pass blocking it inline would stop the ticker until the lock is released.
#[tokio::test]
async fn a_pass_waiting_for_the_database_does_not_stall_the_runtime() {
    use std::sync::atomic::{AtomicU32, Ordering};
    let t = setup().await;
    configure(&t);
    import_contacts(&t.svc, DIRECTORY).unwrap();
    dispatch(&t.svc, mon(10, 0), 2_000).await.unwrap();
    add_case(&t.svc, "NEW-1", "王堃", 2_100);
    let path = t.svc.config().db_path.clone();
    let (locked, is_locked) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let mut db = Db::open(&path).unwrap();
        db.write(|_| {
            locked.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(400));
            Ok::<_, jiancha_store::rusqlite::Error>(())
        })
        .unwrap();
    });
    is_locked.recv().unwrap();
    let ticks = Arc::new(AtomicU32::new(0));
    let ticker = tokio::spawn({
        let ticks = Arc::clone(&ticks);
        async move {
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let r = dispatch(&t.svc, mon(10, 1), 2_200).await.unwrap();
    let during = ticks.load(Ordering::Relaxed);
    ticker.abort();
    holder.join().unwrap();
    assert_eq!((r.auto_notices, r.sent), (1, 1), "{r:?}");
    assert!(
        during >= 10,
        "the runtime ran only {during} ticks while the pass waited for the database"
    );
}

/// Issue 12 item 3: the centre's phone, printed on every letter, is a phone number.
#[test]
fn the_centres_phone_is_a_phone_number() {
    let cur = NoticeConfig::default();
    let set = |p: &str| {
        apply_update(
            &cur,
            &NoticeSettingsUpdate {
                contact_phone: Some(p.into()),
                ..Default::default()
            },
        )
    };
    for ok in [
        "0991-1234567",
        "(0991) 123 4567",
        "+86 991 1234567",
        "0991-1234567转8001",
        "13800000000",
        "",
    ] {
        assert_eq!(set(ok).unwrap().contact_phone, ok, "{ok}");
    }
    for bad in ["abc-电话", "123", "0991-1234567转", "电话0991-1234567"] {
        let e = set(bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
        assert!(e.message.contains("联系电话"), "{bad}: {}", e.message);
    }
}
