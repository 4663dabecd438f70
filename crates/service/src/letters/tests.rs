//! The yellow path (card → draft → number → issue → files → report → file) and the red path
//! (submit → reject; submit → approve → notice → findings → proposal → decision → hand-over →
//! file) against a temp database and the cache rows the sync would write.

use chrono::{DateTime, Utc};
use jiancha_api::letters::{DecisionInput, LetterFilter, ManualCardInput, MeasureInput};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_workflow::{Approval, Session};

use super::admonition::*;
use super::cards::*;
use super::listing::*;
use super::measures::*;
use super::phone::*;
use super::red_case::*;
use super::render::*;
use crate::app::Config;
use crate::app::Service;
use jiancha_store::rusqlite::params;
use jiancha_workflow::auth::{self, NewAccount, Role};

const PW: &str = "correct horse 1";

struct T {
    _dir: tempfile::TempDir,
    svc: Service,
    officer: Session,
    reviewer: Session,
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-06T10:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn setup() -> T {
    let t = setup_bare();
    centre_facts(&t.svc);
    t
}

/// [`setup`] without the centre's facts and the unit's leader in charge.
fn setup_bare() -> T {
    let dir = tempfile::tempdir().unwrap();
    let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
    let mut db = svc.db().unwrap();
    let t = now();
    let mut admin = auth::setup_first_admin(&mut db, "admin", "管理员", PW, "ws", t).unwrap();
    for (u, role) in [
        ("officer", Role::Officer),
        ("leader", Role::Leader),
        ("reviewer", Role::Reviewer),
    ] {
        auth::create_account(
            &mut db,
            &mut admin,
            &NewAccount {
                username: u,
                display_name: u,
                role,
                password: PW,
            },
            t,
        )
        .unwrap();
    }
    let officer = auth::sign_in(&mut db, "officer", PW, "ws-1", t).unwrap();
    let reviewer = auth::sign_in(&mut db, "reviewer", PW, "ws-3", t).unwrap();
    // The cache rows a sync writes for one department and two overdue cases (through a
    // connection of its own, as the sync: the service's handles read on query_only readers).
    let sync_db = jiancha_store::Db::open(&svc.config().db_path).unwrap();
    let c = sync_db.conn();
    c.execute("INSERT INTO departments VALUES ('D1','新城市市场监督管理局','city','650100','新城市','91650100MA000000XX','J1','市纪委监委派驻市场监管局纪检监察组',1,0,'{}')", []).unwrap();
    for (id, level, signal) in [("XK-1", 2, "yellow"), ("XK-2", 3, "red")] {
        let payload = serde_json::json!({
            "id": id, "item_name": "食品经营许可证核发", "department_id": "D1",
            "item_code": "I1", "case_type": "2", "status": "3", "region_code": "650100",
            "promised_limit": {"value": 10, "unit": "G"},
            "statutory_limit": {"value": 20, "unit": "G"},
            "application": {"applied_at": "2026-02-06T09:00:00+08:00", "applicant_name": "新城市𠮷祥餐饮有限公司", "applicant_kind": "2", "source": "1"},
            "acceptance": {"accepted_at": "2026-02-09T09:00:00+08:00", "accepted_by": "王堃", "document_no": "受字1号"},
            "steps": [{"name": "承办", "handler": "王堃", "started_at": "2026-02-10T09:00:00+08:00", "status": "1"}]
        });
        let seq = if level == 2 { 1 } else { 2 };
        c.execute("INSERT INTO case_versions(seq, case_id, reported_at, received_at, status, payload) VALUES (?1, ?2, 0, 0, '3', ?3)", params![seq, id, payload.to_string()]).unwrap();
        c.execute("INSERT INTO cases(case_id, seq, first_seq, reported_at, dept_id, item_code, case_type, status, classified, applied_at, accepted_at, promised_limit, promised_unit) VALUES (?1, ?2, ?2, 0, 'D1', 'I1', '1', '3', 0, 0, 0, 10, 'G')", params![id, seq]).unwrap();
        let y = now().timestamp() - 5 * 86400;
        c.execute("INSERT INTO case_signals(case_id, dept_id, item_code, signal, level, began_at, open, paused, deadline, remaining_workdays, warning_at, yellow_at, red_at, classified, known, case_seq, evaluated_at) VALUES (?1,'D1','I1',?2,?3,?4,1,0,'2026-02-27',-3,0,?4,?5,0,1,1,0)", params![id, signal, level, y, y + 2 * 86400]).unwrap();
        c.execute("INSERT INTO signals VALUES (?1, 2, ?2)", params![id, y])
            .unwrap();
        if level == 3 {
            c.execute(
                "INSERT INTO signals VALUES (?1, 3, ?2)",
                params![id, y + 2 * 86400],
            )
            .unwrap();
        }
    }
    T {
        _dir: dir,
        svc,
        officer,
        reviewer,
    }
}

/// The facts a letter needs that the feed does not carry (Art. B7: without them no letter is
/// numbered or issued): the centre's name and contact in 设置, the unit's leader in 通讯录.
pub(super) fn centre_facts(svc: &Service) {
    crate::auth::sign_in(svc, "admin", PW).unwrap();
    crate::sms::update(
        svc,
        &jiancha_api::sms::NoticeSettingsUpdate {
            center_name: Some("新城市电子监察中心".into()),
            contact_name: Some("赵敏".into()),
            contact_phone: Some("0991-1234567".into()),
            ..Default::default()
        },
    )
    .unwrap();
    crate::sms::import_contacts(svc, "D1,分管领导,李喆,13800000003").unwrap();
    crate::auth::sign_out(svc).unwrap();
}

fn approval(svc: &Service, at_: DateTime<Utc>) -> Approval {
    let mut db = svc.db().unwrap();
    auth::leader_approval(&mut db, "leader", PW, "ws-1", at_).unwrap()
}

fn pdftotext(path: &str) -> String {
    let out = std::process::Command::new("pdftotext")
        .args([path, "-"])
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn yellow_card_to_issued_letter_on_disk_and_filed() {
    let mut t = setup();
    let s = &mut t.officer;
    let n = now();
    let card = take_up_signal_card(&t.svc, s, "XK-1", "yellow", n).unwrap();
    assert_eq!(card.color, "yellow");
    // Idempotent: the same case and colour give the same card.
    assert_eq!(
        take_up_signal_card(&t.svc, s, "XK-1", "yellow", n)
            .unwrap()
            .id,
        card.id
    );
    // No red signal on XK-1: a clear conflict.
    let e = take_up_signal_card(&t.svc, s, "XK-1", "red", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e}");

    let d = draft_admonition(&t.svc, s, std::slice::from_ref(&card.id), n).unwrap();
    assert_eq!(d.state, "draft");
    assert!(
        d.body.contains("食品经营许可证核发") && d.body.contains("XK-1"),
        "{}",
        d.body
    );
    assert_eq!(d.unit, "新城市市场监督管理局");
    // Issue before numbering: refused as a conflict naming the state; nothing written.
    let e = issue_admonition(&t.svc, s, &d.id, n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e}");
    assert!(e.message.contains("草稿"), "{}", e.message);
    assert!(!letters_dir(&t.svc).exists());
    // A reviewer cannot edit.
    let e = edit_admonition(&t.svc, &mut t.reviewer, &d.id, "x", "y", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{e}");

    let body = format!("{}\n另：请于整改报告中附责任人检查。", d.body);
    let s = &mut t.officer;
    edit_admonition(&t.svc, s, &d.id, &d.addressee, &body, n).unwrap();
    let num = number_admonition(&t.svc, s, &d.id, n).unwrap();
    assert_eq!(num.number.as_deref(), Some("新监效告〔2026〕1号"));
    let issued = issue_admonition(&t.svc, s, &d.id, n).unwrap();
    assert_eq!(issued.state, "issued");
    assert!(issued.report_due.is_some());
    assert_eq!(issued.rectification, "on_time");
    assert_eq!(issued.files.len(), 2, "{:?}", issued.files);
    let pdf = issued.files.iter().find(|f| f.ends_with(".pdf")).unwrap();
    assert!(
        pdf.contains("letters/2026/新监效告〔2026〕1号.pdf"),
        "{pdf}"
    );
    // For people to look at: JIANCHA_KEEP_LETTERS=DIR keeps a copy of the issued files.
    if let Some(keep) = std::env::var_os("JIANCHA_KEEP_LETTERS") {
        std::fs::create_dir_all(&keep).unwrap();
        for f in &issued.files {
            let name = std::path::Path::new(f).file_name().unwrap();
            std::fs::copy(f, std::path::Path::new(&keep).join(name)).unwrap();
        }
    }
    let text = pdftotext(pdf);
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squashed.contains("新监效告〔2026〕1号"), "{text}");
    assert!(
        squashed.contains("另：请于整改报告中附责任人检查。"),
        "edited text printed: {text}"
    );
    // Issued twice: conflict.
    let e = issue_admonition(&t.svc, s, &d.id, n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // The report: a file chosen in the page, hashed.
    let e = receive_report(&t.svc, s, &d.id, "/nonexistent/report.pdf", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    let rep = t._dir.path().join("整改报告.txt");
    std::fs::write(&rep, "已整改").unwrap();
    let r = receive_report(&t.svc, s, &d.id, rep.to_str().unwrap(), n).unwrap();
    assert_eq!(r.rectification, "received");
    assert_eq!(r.attachments[0].sha256.len(), 64);
    let f = file_admonition(&t.svc, s, &d.id, n).unwrap();
    assert_eq!(f.state, "filed");
    assert!(f.history.iter().all(|h| h.actor == "officer"));
    assert!(
        f.history[0].at.starts_with("2026-03-06T10:00:00+08:00"),
        "{:?}",
        f.history[0]
    );
    assert_eq!(f.history.len(), 6, "{:?}", f.history);

    let rows = list_letters(&t.svc, s, &LetterFilter::default(), n).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].files.len(), 2);
    let none = list_letters(
        &t.svc,
        s,
        &LetterFilter {
            kind: Some("investigation-notice".into()),
            ..Default::default()
        },
        n,
    )
    .unwrap();
    assert!(none.is_empty());
    let e = list_letters(
        &t.svc,
        s,
        &LetterFilter {
            from: Some("yesterday".into()),
            ..Default::default()
        },
        n,
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);

    let m = record_measure(
        &t.svc,
        s,
        &MeasureInput {
            target_kind: "unit".into(),
            target_name: "新城市市场监督管理局".into(),
            unit: "新城市市场监督管理局".into(),
            kind: "efficiency_admonition".into(),
            decided_on: "2026-03-06".into(),
            decision_doc: "新监效告〔2026〕1号".into(),
            decision_file: None,
            source_id: Some(d.id.clone()),
        },
        n,
    )
    .unwrap();
    assert_eq!(m.kind, "efficiency_admonition");
    let all = case_letters(&t.svc, s, "XK-1", n).unwrap();
    assert_eq!(
        (all.cards.len(), all.admonitions.len(), all.measures.len()),
        (1, 1, 1)
    );
    assert!(all.sms_unavailable.is_some());
}

#[test]
fn red_card_rejected_then_approved_notice_issued_to_filed() {
    let mut t = setup();
    let n = now();
    let s = &mut t.officer;
    let card = take_up_signal_card(&t.svc, s, "XK-2", "red", n).unwrap();
    // A red card never makes an admonition (Art. B8).
    let e = draft_admonition(&t.svc, s, std::slice::from_ref(&card.id), n).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");

    let r = submit_red_card(&t.svc, s, &card.id, "逾期两个工作日未办结", n).unwrap();
    assert_eq!(r.state, "pending_approval");
    assert!(r.step_due.is_some());
    let rej = decide_red_approval(
        &t.svc,
        s,
        &r.id,
        false,
        "材料不足，补充后再报",
        approval(&t.svc, n),
        n,
    )
    .unwrap();
    assert_eq!(rej.state, "rejected");
    assert_eq!(
        rej.rejection_reason.as_deref(),
        Some("材料不足，补充后再报")
    );
    // Routing a rejected matter: conflict.
    let e = issue_investigation_notice(&t.svc, s, &r.id, "", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e}");
    conclude_red_case(&t.svc, s, &r.id, "file", "", n).unwrap();

    // The card went its way once; a new matter needs a new (manual, Art. B4) card with evidence.
    let e = submit_red_card(&t.svc, s, &card.id, "再报", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    let ev = t._dir.path().join("证据.txt");
    std::fs::write(&ev, "逾期截图").unwrap();
    let manual = raise_manual_card(
        &t.svc,
        s,
        &ManualCardInput {
            color: "red".into(),
            situation: "b4_03".into(),
            case_id: Some("XK-2".into()),
            unit: "新城市市场监督管理局".into(),
            person: Some("王堃".into()),
            description: "逾期造成申请人投诉".into(),
            evidence_paths: vec![ev.display().to_string()],
        },
        n,
    )
    .unwrap();
    assert_eq!(manual.evidence.len(), 1);
    let r = submit_red_card(&t.svc, s, &manual.id, "补充材料后再报", n).unwrap();
    // The officer's own credentials are not an approval.
    let mut db = t.svc.db().unwrap();
    let e = auth::leader_approval(&mut db, "officer", PW, "ws-1", n).unwrap_err();
    assert_eq!(ApiError::from(e).code, ErrorCode::Forbidden);
    let s = &mut t.officer;
    let ok = decide_red_approval(&t.svc, s, &r.id, true, "同意", approval(&t.svc, n), n).unwrap();
    assert_eq!(ok.approved_by.as_deref(), Some("leader"));
    let issued = issue_investigation_notice(&t.svc, s, &r.id, "", n).unwrap();
    assert_eq!(issued.state, "notice_issued");
    assert_eq!(
        issued.notice_addressee.as_deref(),
        Some("市纪委监委派驻市场监管局纪检监察组")
    );
    let no = issued.notice_number.clone().unwrap();
    assert_eq!(no, "新监初调〔2026〕1号");
    assert_eq!(issued.files.len(), 2);
    let pdf = issued.files.iter().find(|f| f.ends_with(".pdf")).unwrap();
    let squashed: String = pdftotext(pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(squashed.contains(&no));
    let rows = list_letters(
        &t.svc,
        s,
        &LetterFilter {
            kind: Some("investigation-notice".into()),
            ..Default::default()
        },
        n,
    )
    .unwrap();
    assert_eq!(rows.len(), 1);

    let f = record_findings(&t.svc, s, &r.id, "承办人请假未移交，造成延误", &[], n).unwrap();
    assert_eq!(f.state, "findings_recorded");
    propose_outcome(&t.svc, s, &r.id, "open_case", "延误造成不良影响", n).unwrap();
    let e = record_decision(
        &t.svc,
        s,
        &r.id,
        &DecisionInput {
            outcome: "open_case".into(),
            body: "standing_committee".into(),
            date: "2026-03-07".into(),
            minutes_number: "常委会纪要〔2026〕3号".into(),
        },
        n,
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "a future date: {e}");
    record_decision(
        &t.svc,
        s,
        &r.id,
        &DecisionInput {
            outcome: "open_case".into(),
            body: "standing_committee".into(),
            date: "2026-03-06".into(),
            minutes_number: "常委会纪要〔2026〕3号".into(),
        },
        n,
    )
    .unwrap();
    let e = conclude_red_case(&t.svc, s, &r.id, "close", "x", n).unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::Conflict,
        "a formal case is handed over, not closed: {e}"
    );
    conclude_red_case(&t.svc, s, &r.id, "hand_over", "市纪委监委案件审理室", n).unwrap();
    let done = conclude_red_case(&t.svc, s, &r.id, "file", "", n).unwrap();
    assert_eq!(done.state, "filed");
    assert!(done.history.len() >= 8);
    let q = red_queue(&t.svc, s, None, n).unwrap();
    assert_eq!(q.len(), 2);
    assert!(q.iter().all(|x| x.state == "filed"));
}

#[test]
fn phone_call_recorded_and_sms_refused_without_gateway() {
    let mut t = setup();
    let n = now();
    let s = &mut t.officer;
    let call = record_phone_call(
        &t.svc,
        s,
        "XK-1",
        "",
        "2026-03-06T09:30:00+08:00",
        "reached",
        "答应今日办结",
        n,
    )
    .unwrap();
    assert_eq!(call.handler, "王堃");
    assert_eq!(call.state, "phone_recorded");
    assert!(call.call.unwrap().contains("officer"));
    let e = record_phone_call(
        &t.svc,
        s,
        "XK-1",
        "",
        "2026-03-07T09:30:00+08:00",
        "reached",
        "",
        n,
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "future call: {e}");
    let e = record_phone_call(&t.svc, s, "XK-1", "", "", "shouted", "", n).unwrap_err();
    assert!(e.message.contains("shouted"));
    let e = crate::sms::queue(&t.svc, s, "XK-1", "13800000001", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unavailable);
    assert!(e.message.contains("未配置短信网关"));
    let e = take_up_signal_card(&t.svc, s, "NOPE", "yellow", n).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[test]
fn shell_entry_points_use_the_signed_in_session_and_one_time_approvals() {
    use jiancha_api::letters as dto;
    use jiancha_api::Handlers;
    let t = setup();
    let svc = &t.svc;
    // Nobody signed in on this workstation: unauthenticated, nothing done.
    let e = svc
        .letters_case(jiancha_api::queues::CaseRequest {
            case_id: "XK-2".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated, "{e}");
    crate::auth::sign_in(svc, "officer", PW).unwrap();
    let card = svc
        .letters_take_up_card(dto::TakeUpCardRequest {
            case_id: "XK-2".into(),
            color: dto::CardColor::Red,
        })
        .unwrap();
    let r = svc
        .letters_red_submit(dto::RedSubmitRequest {
            card_id: card.id.clone(),
            summary: "红牌报批".into(),
        })
        .unwrap();
    let approval = |approve: bool, text: &str, approval_id: &str| dto::RedApprovalRequest {
        id: r.id.clone(),
        approve,
        text: text.into(),
        approval_id: approval_id.into(),
    };
    let e = svc
        .letters_red_approval(approval(true, "", "no-such-approval"))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{e}");
    let ticket = crate::auth::leader_approval(svc, "leader", PW).unwrap();
    let ok = svc
        .letters_red_approval(approval(true, "同意", &ticket.approval_id))
        .unwrap();
    assert_eq!(ok.state, "approved");
    // The approval is spent.
    let e = svc
        .letters_red_approval(approval(false, "x", &ticket.approval_id))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{e}");
    let n = svc
        .letters_red_step(dto::RedStepRequest {
            id: r.id.clone(),
            step: dto::RedStep::IssueNotice {
                addressee: String::new(),
            },
        })
        .unwrap();
    assert_eq!(n.files.len(), 2);
    // A step the workflow does not have is refused where the request is read (the IPC
    // boundary deserializes into the closed `RedStep`).
    let e = serde_json::from_value::<dto::RedStepRequest>(
        serde_json::json!({ "id": r.id, "step": "teleport" }),
    )
    .unwrap_err();
    assert!(e.to_string().contains("teleport"), "{e}");
    assert_eq!(
        svc.letters_red_queue(dto::RedQueueRequest::default())
            .unwrap()
            .len(),
        1
    );
    assert_eq!(svc.letters_list(LetterFilter::default()).unwrap().len(), 1);
}

#[test]
fn a_reversed_date_range_of_the_letter_list_is_refused() {
    let mut t = setup();
    let f = LetterFilter {
        from: Some("2026-03-06".into()),
        to: Some("2026-03-01".into()),
        ..Default::default()
    };
    let e = list_letters(&t.svc, &mut t.officer, &f, now()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("日期范围颠倒"), "{e}");
    let ok = LetterFilter {
        from: Some("2026-03-01".into()),
        to: Some("2026-03-01".into()),
        ..Default::default()
    };
    assert!(list_letters(&t.svc, &mut t.officer, &ok, now()).is_ok());
}

/// Issue 12 item 4 ("one clock"): with the feed's clock days ahead of the wall clock (the demo
/// runs it at 600×), a card taken up, a 效能告诫书 drafted, numbered and issued, a red card
/// approved and their audit entries carry the feed's date, not the wall date; the session is
/// authorised on the wall clock, so it does not idle-lock (every workflow operation authorises
/// again at the instant it is given: days after the session's last activity on the wall
/// clock), the leader's approval is not stale, and the idle lock still comes after the idle
/// time on the wall clock.
#[test]
fn workflow_stamps_and_letter_dates_follow_the_feed_clock_the_session_the_wall_clock() {
    use chrono::{Datelike, Duration, TimeZone};
    use jiancha_api::letters as dto;
    use jiancha_api::Handlers;
    let t = setup();
    let svc = &t.svc;
    crate::auth::sign_in(svc, "officer", PW).unwrap();
    // 01:00 CST three days after the wall date: at 60× the feed stays in that day for 23
    // minutes of wall time, far longer than the test.
    let cst = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let wall_day = svc.clock().wall().with_timezone(&cst).date_naive();
    let day = wall_day + Duration::days(3);
    let feed_at = cst
        .from_local_datetime(&day.and_hms_opt(1, 0, 0).unwrap())
        .unwrap();
    svc.live().set_feed_clock(feed_at.timestamp(), 60.0);
    let iso_day = day.format("%Y-%m-%d").to_string();
    let on_day = |what: &str, at: &str| {
        let got = DateTime::parse_from_rfc3339(at).map(|t| t.with_timezone(&cst).date_naive());
        assert_eq!(
            got,
            Ok(day),
            "{what} at {at}: want the feed's day {iso_day}, not the wall's {wall_day}"
        )
    };

    let card = svc
        .letters_take_up_card(dto::TakeUpCardRequest {
            case_id: "XK-1".into(),
            color: dto::CardColor::Yellow,
        })
        .unwrap();
    on_day("card raised", &card.raised_at);
    let d = svc
        .letters_admonition_draft(dto::AdmonitionDraftRequest {
            card_ids: vec![card.id.clone()],
        })
        .unwrap();
    on_day("告诫书 drafted", &d.created_at);
    let step = |step: dto::AdmonitionStep| {
        svc.letters_admonition_step(dto::AdmonitionStepRequest {
            id: d.id.clone(),
            step,
        })
        .unwrap()
    };
    step(dto::AdmonitionStep::Number);
    let issued = step(dto::AdmonitionStep::Issue);
    assert_eq!(issued.state, "issued");
    on_day("告诫书 issued", issued.issued_at.as_deref().unwrap());
    assert!(
        issued
            .number
            .as_deref()
            .unwrap()
            .contains(&format!("〔{}〕", day.year())),
        "{:?}",
        issued.number
    );
    assert!(issued.report_due.as_deref().unwrap() > iso_day.as_str());
    for h in &issued.history {
        on_day(&format!("step {}", h.action), &h.at);
    }
    // The letter is dated on the feed's day.
    let pdf = issued.files.iter().find(|f| f.ends_with(".pdf")).unwrap();
    let text: String = pdftotext(pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let cn = |d: chrono::NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    assert!(text.contains(&cn(day)), "want {} in {text}", cn(day));
    assert!(
        !text.contains(&cn(wall_day)),
        "the wall date {} in {text}",
        cn(wall_day)
    );

    // A leader's approval made now is fresh at the feed's instant (its age is a wall age).
    let red = svc
        .letters_take_up_card(dto::TakeUpCardRequest {
            case_id: "XK-2".into(),
            color: dto::CardColor::Red,
        })
        .unwrap();
    let r = svc
        .letters_red_submit(dto::RedSubmitRequest {
            card_id: red.id.clone(),
            summary: "红牌报批".into(),
        })
        .unwrap();
    let ticket = crate::auth::leader_approval(svc, "leader", PW).unwrap();
    let wall_now = svc.clock().wall();
    let verified = DateTime::parse_from_rfc3339(&ticket.verified_at).unwrap();
    assert!(
        (verified.timestamp() - wall_now.timestamp()).abs() <= 60,
        "{ticket:?}"
    );
    let ok = svc
        .letters_red_approval(dto::RedApprovalRequest {
            id: r.id.clone(),
            approve: true,
            text: "同意".into(),
            approval_id: ticket.approval_id.clone(),
        })
        .unwrap();
    assert_eq!(ok.state, "approved");
    on_day("red case approved", &ok.state_since);

    // Not locked: the session's activity is on the wall clock.
    let st = crate::auth::status(svc).unwrap();
    assert!(!st.locked && st.user.is_some(), "{st:?}");
    // Every audit entry since the sign-in is on the feed's day, and the chain verifies.
    let page = crate::auth::audit_page(svc, 0, 100).unwrap();
    let since: Vec<_> = page
        .entries
        .iter()
        .take_while(|e| e.action != "auth.sign_in")
        .collect();
    assert!(since.len() >= 6, "{since:?}");
    for e in since {
        on_day(&format!("audit {}", e.action), &e.at);
    }
    assert!(crate::auth::audit_verify(svc).unwrap().intact);

    // The idle lock still comes after the idle time on the wall clock.
    let idle = {
        let db = svc.db().unwrap();
        jiancha_workflow::settings::load(db.conn())
            .unwrap()
            .idle_timeout_minutes
    };
    crate::auth::advance_clock(svc, Duration::minutes(i64::from(idle) + 1));
    let e = svc
        .letters_admonition_get(jiancha_api::IdRequest { id: d.id.clone() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated, "{e}");
    assert!(crate::auth::status(svc).unwrap().locked);
}

/// Art. B7: a letter states only facts. Without the centre's name, contact and phone and the
/// unit's leader in charge, the draft shows each as a gap (never a demo value), and 编号 and
/// 签发 are refused naming every gap and where it is set; no 文号 is spent. Once they are set
/// (and the body's gap is written in), the letter goes out with the real values.
#[test]
fn a_letter_with_a_gap_is_neither_numbered_nor_issued() {
    let mut t = setup_bare();
    let card = take_up_signal_card(&t.svc, &mut t.officer, "XK-1", "yellow", now()).unwrap();
    let d = draft_admonition(
        &t.svc,
        &mut t.officer,
        std::slice::from_ref(&card.id),
        now(),
    )
    .unwrap();
    assert_eq!(
        d.addressee, "新城市市场监督管理局",
        "主送 defaults to the unit"
    );
    assert!(
        d.body.contains("及分管领导的责任"),
        "no leader on record: the role only: {}",
        d.body
    );
    for demo in ["李喆", "赵敏", "0991-1234567", "（分管领导）"] {
        assert!(!d.body.contains(demo), "a demo value in the draft: {demo}");
    }
    let e = number_admonition(&t.svc, &mut t.officer, &d.id, now()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    for gap in ["本中心名称", "联系人", "联系电话", "设置 › 通知与短信"] {
        assert!(e.message.contains(gap), "{gap} not named: {}", e.message);
    }
    let still = get_admonition(&t.svc, &mut t.officer, &d.id, now()).unwrap();
    assert_eq!(still.state, "draft");
    assert_eq!(still.number, None);
    // A gap the officer leaves in the body is refused too, by name.
    let gap = format!(
        "{}\n经核，{}。",
        d.body,
        jiancha_letters::missing_fact("整改措施")
    );
    edit_admonition(&t.svc, &mut t.officer, &d.id, &d.addressee, &gap, now()).unwrap();
    centre_facts(&t.svc);
    let e = number_admonition(&t.svc, &mut t.officer, &d.id, now()).unwrap_err();
    assert!(
        e.message.contains("整改措施") && !e.message.contains("联系电话"),
        "{}",
        e.message
    );
    edit_admonition(&t.svc, &mut t.officer, &d.id, &d.addressee, &d.body, now()).unwrap();
    let n = number_admonition(&t.svc, &mut t.officer, &d.id, now()).unwrap();
    assert_eq!(
        n.number.as_deref(),
        Some("新监效告〔2026〕1号"),
        "no number was spent before"
    );
    let issued = issue_admonition(&t.svc, &mut t.officer, &d.id, now()).unwrap();
    let pdf = issued.files.iter().find(|f| f.ends_with(".pdf")).unwrap();
    let text: String = pdftotext(pdf).split_whitespace().collect();
    for fact in ["新城市电子监察中心", "赵敏", "0991-1234567"] {
        assert!(text.contains(fact), "{fact} not in the letter: {text}");
    }
    assert!(!text.contains("待补"), "{text}");
    assert!(d.body.contains("承诺办理时限为10个工作日"), "{}", d.body);
    // With the leader in charge in 通讯录, a new draft names them; a calendar-day (Z) limit
    // reads 日, not 个工作日 (issue 13 item 3).
    let sync_db = jiancha_store::Db::open(&t.svc.config().db_path).unwrap();
    sync_db
        .conn()
        .execute(
            "UPDATE case_versions SET payload = json_set(payload, '$.promised_limit.unit', 'Z') WHERE case_id = 'XK-2'",
            [],
        )
        .unwrap();
    let card2 = take_up_signal_card(&t.svc, &mut t.officer, "XK-2", "yellow", now()).unwrap();
    let d2 = draft_admonition(&t.svc, &mut t.officer, &[card2.id], now()).unwrap();
    assert!(d2.body.contains("分管领导（李喆）的责任"), "{}", d2.body);
    assert!(d2.body.contains("承诺办理时限为10日，"), "{}", d2.body);

    // The red card's notice: refused before its 文号 while the discipline body is unknown.
    let red = take_up_signal_card(&t.svc, &mut t.officer, "XK-2", "red", now()).unwrap();
    let r = submit_red_card(&t.svc, &mut t.officer, &red.id, "逾期未整改", now()).unwrap();
    let a = approval(&t.svc, now());
    decide_red_approval(&t.svc, &mut t.officer, &r.id, true, "", a, now()).unwrap();
    let sync_db = jiancha_store::Db::open(&t.svc.config().db_path).unwrap();
    sync_db
        .conn()
        .execute(
            "UPDATE departments SET discipline_body_name = '' WHERE dept_id = 'D1'",
            [],
        )
        .unwrap();
    let e = issue_investigation_notice(&t.svc, &mut t.officer, &r.id, "", now()).unwrap_err();
    assert!(
        e.message.contains("派驻纪检监察组") || e.message.contains("主送"),
        "{}",
        e.message
    );
    let after = get_red_case(&t.svc, &mut t.officer, &r.id, now()).unwrap();
    assert_eq!(
        after.notice_number, None,
        "a 文号 was spent on a notice that cannot go out"
    );
}
