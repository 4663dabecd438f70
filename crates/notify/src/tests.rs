//! Tests: quiet hours on the real 2026 calendar, the escalation chain, the HTTP adapter
//! against the real local test gateway, and the stored record.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use jiancha_calendar::{cst, Calendar};
use jiancha_store::Db;

use crate::db::messages;
use crate::test_gateway::{FailMode, TestGateway};
use crate::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    cst_instant(
        NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        NaiveTime::from_hms_opt(h, min, 0).unwrap(),
    )
}

fn cal() -> Calendar {
    Calendar::builtin()
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string()
}

// ---------------------------------------------------------------- quiet hours (Art. B6)

#[test]
fn calendar_facts_the_quiet_hour_tests_rely_on() {
    // holiday-cn 2026: National Day + Mid-Autumn off 10-01..10-07, make-up Sat 10-10 and
    // Sun 09-20; 10-08 (Thursday) is an ordinary working day.
    let c = cal();
    let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    for day in 1..=7 {
        assert!(!c.is_workday(d(10, day)), "2026-10-0{day} is a holiday");
    }
    assert!(c.is_workday(d(10, 8)));
    assert!(c.is_workday(d(10, 10)), "make-up Saturday");
    assert!(c.is_workday(d(9, 20)), "make-up Sunday");
    assert!(!c.is_workday(d(11, 14)) && !c.is_workday(d(11, 15)));
}

#[test]
fn sms_due_at_night_before_national_day_waits_for_the_first_working_morning() {
    let p = QuietPolicy::default();
    let next = next_send_instant(&cal(), at(2026, 9, 30, 21, 0), &p);
    assert_eq!(local(next), "2026-10-08 08:00");
    // During the holiday too.
    assert_eq!(
        local(next_send_instant(&cal(), at(2026, 10, 3, 11, 0), &p)),
        "2026-10-08 08:00"
    );
    assert!(!may_send_at(&cal(), at(2026, 10, 7, 12, 0), &p));
}

#[test]
fn weekend_waits_until_monday_and_make_up_days_send() {
    let p = QuietPolicy::default();
    let c = cal();
    // Friday evening → Monday 08:00.
    assert_eq!(
        local(next_send_instant(&c, at(2026, 11, 13, 20, 30), &p)),
        "2026-11-16 08:00"
    );
    assert_eq!(
        local(next_send_instant(&c, at(2026, 11, 14, 10, 0), &p)),
        "2026-11-16 08:00"
    );
    // Make-up Saturday 2026-10-10: sends during the day.
    assert!(may_send_at(&c, at(2026, 10, 10, 10, 0), &p));
    // Friday night before it → Saturday morning.
    assert_eq!(
        local(next_send_instant(&c, at(2026, 10, 9, 22, 15), &p)),
        "2026-10-10 08:00"
    );
    // Make-up Sunday 2026-09-20 sends.
    assert!(may_send_at(&c, at(2026, 9, 20, 9, 0), &p));
}

#[test]
fn window_edges_and_custom_policies() {
    let c = cal();
    let p = QuietPolicy::default();
    assert_eq!(
        local(next_send_instant(&c, at(2026, 11, 17, 6, 0), &p)),
        "2026-11-17 08:00"
    );
    assert!(may_send_at(&c, at(2026, 11, 17, 8, 0), &p));
    assert!(may_send_at(&c, at(2026, 11, 17, 19, 59), &p));
    assert_eq!(
        local(next_send_instant(&c, at(2026, 11, 17, 20, 0), &p)),
        "2026-11-18 08:00"
    );
    // An instant given in UTC: 2026-11-17 13:00Z = 21:00 CST.
    let utc: DateTime<Utc> = "2026-11-17T13:00:00Z".parse().unwrap();
    assert_eq!(local(next_send_instant(&c, utc, &p)), "2026-11-18 08:00");

    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let office = QuietPolicy::new(t(9), t(18), true).unwrap();
    assert_eq!(
        local(next_send_instant(&c, at(2026, 11, 17, 18, 30), &office)),
        "2026-11-18 09:00"
    );
    let every_day = QuietPolicy::new(t(8), t(20), false).unwrap();
    assert!(may_send_at(&c, at(2026, 10, 3, 9, 0), &every_day));
    let err = QuietPolicy::new(t(20), t(8), true).unwrap_err();
    assert!(err.to_string().contains("20:00"), "{err}");
}

// ---------------------------------------------------------------- escalation

fn attempt(role: ContactRole, t: DateTime<Utc>, reached: bool) -> NoticeAttempt {
    NoticeAttempt {
        role,
        at: t,
        reached,
    }
}

#[test]
fn escalation_walks_the_chain_in_working_time() {
    let (c, pol, q) = (cal(), EscalationPolicy::default(), QuietPolicy::default());
    // Card raised Wednesday 2026-09-30 10:00: the handler is due at once.
    let raised = at(2026, 9, 30, 10, 0);
    let e = next_escalation(&c, &pol, &q, raised, &[], None, raised);
    assert_eq!(
        e,
        Escalation::Next {
            role: ContactRole::Handler,
            due_at: raised,
            due_now: true
        }
    );
    // Handler reached at 16:00: the section chief is due 4 office hours later; office
    // closes 17:30 → 1.5 h that day, 2.5 h after the holiday: 2026-10-08 11:00.
    let h = [attempt(ContactRole::Handler, at(2026, 9, 30, 16, 0), true)];
    match next_escalation(&c, &pol, &q, raised, &h, None, at(2026, 9, 30, 18, 0)) {
        Escalation::Next {
            role: ContactRole::SectionChief,
            due_at,
            due_now: false,
        } => assert_eq!(local(due_at), "2026-10-08 11:00"),
        other => panic!("{other:?}"),
    }
    // Chief reached 2026-10-08 11:00 → leader one working day later: Friday 10-09 11:00.
    let h2 = [
        h[0],
        attempt(ContactRole::SectionChief, at(2026, 10, 8, 11, 0), true),
    ];
    match next_escalation(&c, &pol, &q, raised, &h2, None, at(2026, 10, 9, 12, 0)) {
        Escalation::Next {
            role: ContactRole::LeaderInCharge,
            due_at,
            due_now: true,
        } => assert_eq!(local(due_at), "2026-10-09 11:00"),
        other => panic!("{other:?}"),
    }
    let h3 = [
        h2[0],
        h2[1],
        attempt(ContactRole::LeaderInCharge, at(2026, 10, 9, 11, 0), true),
    ];
    assert_eq!(
        next_escalation(&c, &pol, &q, raised, &h3, None, at(2026, 10, 9, 12, 0)),
        Escalation::Complete
    );
    // Acted on: nobody else.
    assert_eq!(
        next_escalation(
            &c,
            &pol,
            &q,
            raised,
            &h,
            Some(at(2026, 9, 30, 17, 0)),
            at(2026, 10, 8, 12, 0)
        ),
        Escalation::ActedOn
    );
}

#[test]
fn failed_attempt_is_retried_later_and_night_cards_wait_for_morning() {
    let (c, pol, q) = (cal(), EscalationPolicy::default(), QuietPolicy::default());
    // Raised at 22:00 on a working day: the handler's SMS waits until 08:00.
    let raised = at(2026, 11, 17, 22, 0);
    match next_escalation(&c, &pol, &q, raised, &[], None, raised) {
        Escalation::Next {
            role: ContactRole::Handler,
            due_at,
            due_now: false,
        } => assert_eq!(local(due_at), "2026-11-18 08:00"),
        other => panic!("{other:?}"),
    }
    // The 08:00 SMS failed: retry after one working hour (office opens 08:30 → 09:30).
    let h = [attempt(ContactRole::Handler, at(2026, 11, 18, 8, 0), false)];
    match next_escalation(&c, &pol, &q, raised, &h, None, at(2026, 11, 18, 9, 0)) {
        Escalation::Next {
            role: ContactRole::Handler,
            due_at,
            due_now: false,
        } => assert_eq!(local(due_at), "2026-11-18 09:30"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn working_time_arithmetic() {
    let (c, pol) = (cal(), EscalationPolicy::default());
    // Friday 17:00 + 2 office hours → Monday 10:00 (0.5 h Friday, 1.5 h Monday).
    let t = add_working_time(&c, &pol, at(2026, 11, 13, 17, 0), Delay::WorkingHours(2));
    assert_eq!(local(t), "2026-11-16 10:00");
    // Saturday → starts Monday 08:30.
    let t = add_working_time(&c, &pol, at(2026, 11, 14, 12, 0), Delay::WorkingDays(1));
    assert_eq!(local(t), "2026-11-17 08:30");
    // Across National Day, days: 09-30 10:00 + 1 working day → 10-08 10:00.
    let t = add_working_time(&c, &pol, at(2026, 9, 30, 10, 0), Delay::WorkingDays(1));
    assert_eq!(local(t), "2026-10-08 10:00");
}

// ---------------------------------------------------------------- HTTP adapter ↔ test gateway

const TEMPLATE: &str =
    "{handler}同志：您承办的“{item}”（办件编号{case_no}）将于{deadline}到期，请抓紧办理。";

fn values() -> BTreeMap<String, String> {
    [
        ("handler", "张三"),
        ("item", "食品经营许可"),
        ("case_no", "SCJG-2026-000123"),
        ("deadline", "10月9日"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn bearer(t: &str) -> Credentials {
    Credentials::Bearer { token: t.into() }
}

fn adapter(gw: &TestGateway, creds: Credentials) -> HttpSmsGateway {
    let mut cfg = HttpSmsConfig::new(
        &gw.send_url(),
        creds,
        MessageTemplate::parse(TEMPLATE).unwrap(),
    );
    cfg.status_url = Some(gw.status_url());
    cfg.sign_name = "新区电子监察".into();
    cfg.template_code = Some("SMS_0001".into());
    cfg.backoff = Duration::from_millis(5);
    cfg.timeout = Duration::from_secs(5);
    HttpSmsGateway::new(cfg).unwrap()
}

fn req(phone: &str) -> SmsRequest {
    SmsRequest {
        phones: vec![phone.into()],
        values: values(),
        out_id: "sms-1".into(),
    }
}

#[tokio::test]
async fn sends_through_the_adapter_and_reads_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("gateway.jsonl");
    let gw = TestGateway::start(bearer("tok-0123456789"), Some(log_path.clone()))
        .await
        .unwrap();
    gw.make_undeliverable("13900000009");
    let a = adapter(&gw, bearer("tok-0123456789"));
    let r = a.send(&req("13800000001")).await.unwrap();
    assert_eq!(r.message_id, "TG000001");
    assert_eq!(r.attempts, 1);
    assert!(r.content.starts_with("张三同志：您承办的“食品经营许可”"));
    let log = gw.log();
    assert_eq!(log.len(), 1);
    assert!(log[0].auth_ok);
    let body: serde_json::Value = serde_json::from_str(&log[0].body).unwrap();
    assert_eq!(body["phoneNumbers"][0], "13800000001");
    assert_eq!(body["signName"], "新区电子监察");
    assert_eq!(body["templateCode"], "SMS_0001");
    assert_eq!(body["templateParam"]["case_no"], "SCJG-2026-000123");
    assert_eq!(body["outId"], "sms-1");
    // Receipts: delivered, and undelivered for the number the gateway cannot reach.
    let rep = a.delivery_reports("TG000001").await.unwrap();
    assert_eq!(rep.len(), 1);
    assert_eq!(rep[0].status, DeliveryStatus::Delivered);
    let r2 = a.send(&req("13900000009")).await.unwrap();
    let rep = a.delivery_reports(&r2.message_id).await.unwrap();
    assert_eq!(rep[0].status, DeliveryStatus::Undelivered);
    assert_eq!(rep[0].err_code.as_deref(), Some("MK:0001"));
    // The log file has one JSON line per request.
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(
        !text.contains("tok-0123456789"),
        "the log never holds credentials"
    );
}

#[tokio::test]
async fn app_key_signatures_are_checked() {
    let good = Credentials::AppKey {
        key: "AK-jiancha-01".into(),
        secret: "secret-of-the-center".into(),
    };
    let gw = TestGateway::start(good.clone(), None).await.unwrap();
    let ok = adapter(&gw, good).send(&req("13800000001")).await.unwrap();
    assert_eq!(ok.message_id, "TG000001");
    let wrong = Credentials::AppKey {
        key: "AK-jiancha-01".into(),
        secret: "guessed-secret-value".into(),
    };
    let err = adapter(&gw, wrong)
        .send(&req("13800000001"))
        .await
        .unwrap_err();
    match &err {
        SmsError::Auth { status: 401, .. } => {}
        other => panic!("expected auth error, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("凭据") && msg.contains("401"), "{msg}");
    assert!(!msg.contains("guessed-secret-value"));
    assert!(!gw.log()[1].auth_ok);
}

#[tokio::test]
async fn bad_bearer_token_is_a_clear_auth_error_without_retries() {
    let gw = TestGateway::start(bearer("right-token-123"), None)
        .await
        .unwrap();
    let err = adapter(&gw, bearer("wrong-token-456"))
        .send(&req("13800000001"))
        .await
        .unwrap_err();
    assert!(matches!(err, SmsError::Auth { status: 401, .. }), "{err:?}");
    assert_eq!(gw.log().len(), 1, "auth errors are not retried");
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let gw = TestGateway::start(bearer("t-123456789"), None)
        .await
        .unwrap();
    let a = adapter(&gw, bearer("t-123456789"));
    gw.set_mode(FailMode::ServerError { times: 2 });
    let r = a.send(&req("13800000001")).await.unwrap();
    assert_eq!(r.attempts, 3);
    assert_eq!(
        gw.log().iter().map(|l| l.status).collect::<Vec<_>>(),
        vec![503, 503, 200]
    );
    gw.set_mode(FailMode::ServerError { times: 10 });
    let err = a.send(&req("13800000001")).await.unwrap_err();
    assert!(
        matches!(
            err,
            SmsError::Server {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_and_rejected_replies_and_unreachable_gateway() {
    let gw = TestGateway::start(bearer("t-123456789"), None)
        .await
        .unwrap();
    let a = adapter(&gw, bearer("t-123456789"));
    gw.set_mode(FailMode::Malformed);
    let err = a.send(&req("13800000001")).await.unwrap_err();
    assert!(matches!(err, SmsError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("not json"), "{err}");
    gw.set_mode(FailMode::Reject {
        code: "isv.BUSINESS_LIMIT_CONTROL".into(),
        message: "触发流控".into(),
    });
    let err = a.send(&req("13800000001")).await.unwrap_err();
    assert_eq!(
        err,
        SmsError::Rejected {
            code: "isv.BUSINESS_LIMIT_CONTROL".into(),
            message: "触发流控".into()
        }
    );
    gw.set_mode(FailMode::AuthError);
    assert!(matches!(
        a.delivery_reports("TG1").await,
        Err(SmsError::Auth { .. })
    ));
    // Missing placeholder and a bad number: refused before any request.
    gw.set_mode(FailMode::Normal);
    let before = gw.log().len();
    let mut r = req("13800000001");
    r.values.remove("deadline");
    let err = a.send(&r).await.unwrap_err();
    assert_eq!(
        err,
        SmsError::Template(TemplateError::MissingValue("deadline".into()))
    );
    assert!(matches!(
        a.send(&req("12345")).await,
        Err(SmsError::InvalidPhone(_))
    ));
    assert_eq!(gw.log().len(), before);
    // Nothing listening: a transport error after the configured attempts.
    let addr = gw.addr();
    drop(gw);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut cfg = HttpSmsConfig::new(
        &format!("http://{addr}/sms/send"),
        bearer("t-123456789"),
        MessageTemplate::parse(TEMPLATE).unwrap(),
    );
    cfg.backoff = Duration::from_millis(1);
    cfg.max_attempts = 2;
    let err = HttpSmsGateway::new(cfg)
        .unwrap()
        .send(&req("13800000001"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, SmsError::Transport { attempts: 2, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn form_encoded_platforms_are_supported() {
    let creds = Credentials::AppKey {
        key: "AK-form-0001".into(),
        secret: "form-secret-0001".into(),
    };
    let gw = TestGateway::start(creds.clone(), None).await.unwrap();
    let mut cfg = HttpSmsConfig::new(
        &gw.send_url(),
        creds,
        MessageTemplate::parse(TEMPLATE).unwrap(),
    );
    cfg.status_url = Some(gw.status_url());
    cfg.body_format = gateway::BodyFormat::Form;
    let a = HttpSmsGateway::new(cfg).unwrap();
    let mut r = req("13800000001");
    r.phones.push("13900000002".into());
    r.values.insert("item".into(), "食品经营许可 & 变更".into());
    let sent = a.send(&r).await.unwrap();
    let log = gw.log();
    assert!(log[0].auth_ok, "the signature covers the form body");
    assert!(
        log[0]
            .body
            .starts_with("phoneNumbers=13800000001%2C13900000002&signName="),
        "{}",
        log[0].body
    );
    assert!(
        log[0].body.contains("templateParam=%7B%22"),
        "params as a JSON string"
    );
    let reps = a.delivery_reports(&sent.message_id).await.unwrap();
    assert_eq!(reps.len(), 2, "one receipt per number");
    assert!(sent.content.contains("食品经营许可 & 变更"));
}

#[test]
fn config_is_validated() {
    let cfg = HttpSmsConfig::new(
        "ftp://x",
        bearer("t"),
        MessageTemplate::parse("{a}").unwrap(),
    );
    let err = HttpSmsGateway::new(cfg).unwrap_err();
    assert!(err.to_string().contains("send_url"), "{err}");
}

// ---------------------------------------------------------------- stored record

/// One sending pass as the dispatcher composes it (`outbox` steps around the gateway's
/// calls), inline: a test owns its runtime.
async fn send_due(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<SendOutcome>, NotifyError> {
    let mut out = Vec::new();
    for due in outbox::due_now(db.conn(), cal, quiet, now, limit)? {
        let result = gateway.send(&outbox::request(&due)).await;
        out.push(outbox::record_send(db, &due, result, now)?);
    }
    Ok(out)
}

/// Receipts of sent messages with no final one yet, recorded.
async fn poll_receipts(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<DeliveryReport>, NotifyError> {
    let mut all = Vec::new();
    for r in messages::awaiting_receipt(db.conn(), limit)? {
        for rep in gateway.delivery_reports(&r).await? {
            outbox::record_receipt(db, &rep, now)?;
            all.push(rep);
        }
    }
    Ok(all)
}

#[tokio::test]
async fn scheduled_at_night_sent_in_the_morning_and_everything_is_stored() {
    let gw = TestGateway::start(bearer("t-123456789"), None)
        .await
        .unwrap();
    gw.make_undeliverable("13900000009");
    let a = adapter(&gw, bearer("t-123456789"));
    let (c, q) = (cal(), QuietPolicy::default());
    let mut db = Db::open_in_memory().unwrap();
    let vals = values();
    let night = at(2026, 9, 30, 21, 0);
    let new = |phone: &'static str, role| NewSms {
        notice_id: "notice-1",
        case_id: "SCJG-2026-000123",
        role,
        recipient: "张三",
        phone,
        values: &vals,
    };
    let id1 = outbox::schedule(
        &mut db,
        &a,
        &c,
        &q,
        &new("13800000001", ContactRole::Handler),
        night,
    )
    .unwrap();
    let id2 = outbox::schedule(
        &mut db,
        &a,
        &c,
        &q,
        &new("13900000009", ContactRole::SectionChief),
        night,
    )
    .unwrap();
    // A missing placeholder stores nothing.
    let mut partial = vals.clone();
    partial.remove("item");
    let bad = NewSms {
        values: &partial,
        ..new("13800000001", ContactRole::Handler)
    };
    assert!(matches!(
        outbox::schedule(&mut db, &a, &c, &q, &bad, night),
        Err(NotifyError::Sms(SmsError::Template(
            TemplateError::MissingValue(_)
        )))
    ));

    // During the holiday nothing goes out.
    let sent = send_due(&mut db, &a, &c, &q, at(2026, 10, 2, 10, 0), 10)
        .await
        .unwrap();
    assert!(sent.is_empty());
    assert!(gw.log().is_empty());
    // 08:00 on the first working day: both go.
    let morning = at(2026, 10, 8, 8, 0);
    let sent = send_due(&mut db, &a, &c, &q, morning, 10).await.unwrap();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|o| o.result.is_ok()));
    let got = poll_receipts(&mut db, &a, at(2026, 10, 8, 8, 5), 10)
        .await
        .unwrap();
    assert_eq!(got.len(), 2);

    let list = messages::list_for_case(db.conn(), "SCJG-2026-000123").unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, id1);
    assert_eq!(local(list[0].due_at), "2026-10-08 08:00");
    assert_eq!(list[0].state, SmsState::Delivered);
    assert_eq!(list[1].id, id2);
    assert_eq!(list[1].state, SmsState::Undelivered);
    let kinds: Vec<_> = list[0].events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SmsEventKind::Scheduled,
            SmsEventKind::Sent,
            SmsEventKind::Receipt
        ]
    );
    assert!(list[0].events[0].detail.contains("2026-10-08 08:00"));
    assert!(list[1].events[2]
        .raw
        .as_deref()
        .unwrap()
        .contains("MK:0001"));
    assert_eq!(
        list[0].params.get("handler").map(String::as_str),
        Some("张三")
    );

    // A failure is stored with its kind and message.
    let id3 = outbox::schedule(
        &mut db,
        &a,
        &c,
        &q,
        &new("13800000001", ContactRole::LeaderInCharge),
        morning,
    )
    .unwrap();
    gw.set_mode(FailMode::AuthError);
    let sent = send_due(&mut db, &a, &c, &q, morning, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert!(matches!(sent[0].result, Err(SmsError::Auth { .. })));
    let rec = messages::list_for_case(db.conn(), "SCJG-2026-000123")
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(rec.id, id3);
    assert_eq!(rec.state, SmsState::Failed);
    let fail = rec.events.last().unwrap();
    assert_eq!(fail.kind, SmsEventKind::Failure);
    assert_eq!(fail.status.as_deref(), Some("auth"));
    assert!(fail.detail.contains("401"));

    // A receipt for an unknown message is kept.
    let orphan = DeliveryReport {
        message_id: "NOPE-1".into(),
        phone: "13800000001".into(),
        status: DeliveryStatus::Delivered,
        platform_status: "DELIVRD".into(),
        err_code: None,
        reported_at: None,
        raw: "{}".into(),
    };
    assert_eq!(
        outbox::record_receipt(&mut db, &orphan, morning).unwrap(),
        None
    );
    let un = messages::unmatched_receipts(db.conn(), 10).unwrap();
    assert_eq!(un.len(), 1);
    assert_eq!(un[0].0, "NOPE-1");
    // The history is append-only.
    assert!(db.conn().execute("DELETE FROM sms_events", []).is_err());
}

// ---------------------------------------------------------------- directory and skips

#[test]
fn the_directory_imports_updates_looks_up_and_deletes() {
    let mut db = Db::open_in_memory().unwrap();
    let line = |dept: &str, role, name: &str, phone: &str| NewContact {
        dept_id: dept.into(),
        role,
        name: name.into(),
        phone: phone.into(),
    };
    let rows = [
        line("D1", ContactRole::Handler, "王堃", "13800000001"),
        line("D1", ContactRole::SectionChief, "李科长", "13800000002"),
        line("D1", ContactRole::LeaderInCharge, "赵局长", "13800000003"),
        line("D0", ContactRole::Handler, "钱七", "13800000004"),
    ];
    let n = db.write(|tx| db::contacts::import(tx, &rows, 1)).unwrap();
    assert_eq!(
        n,
        ImportCounts {
            added: 4,
            updated: 0
        }
    );
    // The same lines again change nothing; a new number updates.
    let again = [
        rows[0].clone(),
        line("D1", ContactRole::Handler, "王堃", "13900000001"),
    ];
    let n = db.write(|tx| db::contacts::import(tx, &again, 2)).unwrap();
    assert_eq!(
        n,
        ImportCounts {
            added: 0,
            updated: 1
        }
    );
    let all = db::contacts::list(db.conn()).unwrap();
    let order: Vec<(&str, ContactRole)> =
        all.iter().map(|c| (c.dept_id.as_str(), c.role)).collect();
    assert_eq!(
        order,
        [
            ("D0", ContactRole::Handler),
            ("D1", ContactRole::LeaderInCharge),
            ("D1", ContactRole::SectionChief),
            ("D1", ContactRole::Handler)
        ]
    );
    let h = db::contacts::lookup(db.conn(), "D1", ContactRole::Handler, Some("王堃"))
        .unwrap()
        .unwrap();
    assert_eq!(h.phone, "13900000001");
    let chief = db::contacts::lookup(db.conn(), "D1", ContactRole::SectionChief, None)
        .unwrap()
        .unwrap();
    assert_eq!(chief.name, "李科长");
    assert!(
        db::contacts::lookup(db.conn(), "D1", ContactRole::Handler, Some("无号码"))
            .unwrap()
            .is_none()
    );
    let known = db::contacts::handlers_with_number(db.conn()).unwrap();
    assert!(known.contains(&("D1".to_string(), "王堃".to_string())));
    assert!(!known.contains(&("D1".to_string(), "李科长".to_string())));
    let gone = db
        .write(|tx| db::contacts::delete(tx, chief.id))
        .unwrap()
        .unwrap();
    assert_eq!(gone.name, "李科长");
    assert_eq!(
        db.write(|tx| db::contacts::delete(tx, chief.id)).unwrap(),
        None
    );
}

#[test]
fn skips_tell_an_automatic_notice_from_a_stopped_chain_and_filter_many_ids() {
    let mut db = Db::open_in_memory().unwrap();
    db.write(|tx| {
        db::skips::skip_auto(tx, "A-1", "通讯录无承办人号码", 1)?;
        // The first reason is kept.
        db::skips::skip_auto(tx, "A-1", "another", 2)?;
        db::skips::stop_escalation(tx, "E-1", "通讯录无科室负责人", 3)?;
        // An escalation stop replaces an automatic skip.
        db::skips::skip_auto(tx, "E-2", "模板无法填写", 4)?;
        db::skips::stop_escalation(tx, "E-2", "分管领导短信多次发送失败", 5)
    })
    .unwrap();
    assert_eq!(
        db::skips::of_case(db.conn(), "A-1").unwrap(),
        Some(Skip::Auto("通讯录无承办人号码".into()))
    );
    assert_eq!(
        db::skips::of_case(db.conn(), "E-2").unwrap(),
        Some(Skip::Escalation("分管领导短信多次发送失败".into()))
    );
    assert_eq!(db::skips::of_case(db.conn(), "NONE").unwrap(), None);
    // More ids than one statement takes: chunked, nothing lost.
    let mut ids: Vec<String> = (0..1200).map(|i| format!("X-{i}")).collect();
    ids.extend(["A-1", "E-1", "E-2"].map(String::from));
    let skipped = db::skips::skipped_among(db.conn(), &ids).unwrap();
    assert_eq!(skipped.len(), 3);
    let stopped = db::skips::escalation_stopped_among(db.conn(), &ids).unwrap();
    assert_eq!(
        stopped,
        ["E-1", "E-2"].map(String::from).into_iter().collect()
    );
}

#[test]
fn errors_are_classified_once() {
    use jiancha_error::{ApiError, ErrorCode};
    let code = |e: NotifyError| ApiError::from(e).code;
    assert_eq!(
        code(SmsError::InvalidPhone("x".into()).into()),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        code(TemplateError::MissingValue("item".into()).into()),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        code(
            SmsError::Transport {
                detail: "refused".into(),
                attempts: 3
            }
            .into()
        ),
        ErrorCode::Unavailable
    );
    assert_eq!(
        code(NotifyError::Corrupt("bad".into())),
        ErrorCode::Internal
    );
}
