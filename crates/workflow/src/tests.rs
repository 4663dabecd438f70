//! Workflow tests: transitions (legal and illegal), roles on every operation, approvals,
//! sessions, numbering through the letters, and the end-to-end red-card paths.

use chrono::Duration;

use crate::accountability::{self, MeasureKind, NewMeasure, TargetKind};
use crate::admonition::{self, AdmonitionState, NewDraft, RectificationSignal};
use crate::auth::{self, Action, Role};
use crate::cards::{
    self, CardAction, CardColor, CardState, CaseRef, ManualCard, ReliefGround, Situation,
};
use crate::notices::{self, CallOutcome, Channel, NewNotice, NoticeState};
use crate::redcard::{self, Decision, DecisionBody, Outcome, RedState};
use crate::testkit::*;
use crate::{audit, settings, ErrorCategory, WorkflowError};

fn case(id: &str, unit: &str) -> CaseRef {
    CaseRef {
        case_id: id.into(),
        unit: unit.into(),
        handler: Some("张三".into()),
    }
}

fn yellow(e: &mut Env, case_id: &str, unit: &str) -> cards::Card {
    cards::register_signal_card(
        &mut e.db,
        &mut e.officer,
        &case(case_id, unit),
        CardColor::Yellow,
        t0(),
        t0(),
    )
    .unwrap()
}

fn red(e: &mut Env, case_id: &str) -> cards::Card {
    cards::register_signal_card(
        &mut e.db,
        &mut e.officer,
        &case(case_id, "市场监管局"),
        CardColor::Red,
        t0(),
        t0(),
    )
    .unwrap()
}

fn assert_illegal<T: std::fmt::Debug>(r: crate::Result<T>, state_code: &str, action_code: &str) {
    match r {
        Err(WorkflowError::IllegalTransition {
            state_code: s,
            action_code: a,
            ..
        }) => {
            assert_eq!((s, a), (state_code, action_code));
        }
        other => panic!("expected illegal transition {state_code}/{action_code}, got {other:?}"),
    }
}

fn assert_forbidden<T: std::fmt::Debug>(r: crate::Result<T>, what: &str) {
    match r {
        Err(e @ WorkflowError::Forbidden { role, action }) => {
            // The message names the role and the action, in Chinese and by code.
            let msg = e.to_string();
            for part in [role.label(), role.code(), action.label(), action.code()] {
                assert!(msg.contains(part), "{what}: {msg:?} lacks {part:?}");
            }
            assert_eq!(e.category(), ErrorCategory::Forbidden);
        }
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

fn draft_for(e: &mut Env, cards: &[String]) -> admonition::Admonition {
    admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: cards,
            addressee: "",
            body: "你单位办件超期未办结……",
        },
        t0(),
    )
    .unwrap()
}

// ---------------------------------------------------------------- accounts and sessions

#[test]
fn first_run_setup_only_once() {
    let mut e = env();
    let r = auth::setup_first_admin(&mut e.db, "admin2", "又一个", PW, "ws", t0());
    assert!(
        matches!(r, Err(WorkflowError::SetupRefused { accounts: 4 })),
        "{r:?}"
    );
    assert!(!auth::needs_setup(&e.db).unwrap());
}

#[test]
fn sign_in_checks_password_and_logs_failures() {
    let mut e = env();
    let r = auth::sign_in(&mut e.db, "officer", "wrong password", "ws", t0());
    assert!(matches!(r, Err(WorkflowError::BadCredentials { .. })));
    assert_eq!(r.unwrap_err().category(), ErrorCategory::Unauthenticated);
    let r = auth::sign_in(&mut e.db, "nobody", PW, "ws", t0());
    assert!(matches!(r, Err(WorkflowError::BadCredentials { .. })));
    let log = audit::recent_entries(e.db.conn(), 2).unwrap();
    assert!(
        log.iter().all(|x| x.action == "auth.sign_in_failed"),
        "{log:?}"
    );
    // The hash is Argon2id and never the password.
    let h: String =
        e.db.conn()
            .query_row(
                "SELECT password_hash FROM wf_accounts WHERE username='officer'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(h.starts_with("$argon2id$") && !h.contains(PW));
    // Short passwords are refused.
    let r = auth::create_account(
        &mut e.db,
        &mut e.admin,
        &auth::NewAccount {
            username: "x",
            display_name: "X",
            role: Role::Officer,
            password: "short",
        },
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "password",
            ..
        })
    ));
}

#[test]
fn deactivated_accounts_cannot_sign_in_or_approve() {
    let mut e = env();
    auth::set_active(&mut e.db, &mut e.admin, "leader", false, t0()).unwrap();
    assert!(auth::sign_in(&mut e.db, "leader", PW, "ws", t0()).is_err());
    assert!(matches!(
        auth::leader_approval(&mut e.db, "leader", PW, "ws", t0()),
        Err(WorkflowError::BadCredentials { .. })
    ));
    let r = auth::set_active(&mut e.db, &mut e.admin, "admin", false, t0());
    assert!(matches!(r, Err(WorkflowError::Invalid { .. })));
}

#[test]
fn idle_sessions_lock_and_unlock_with_the_password() {
    let mut e = env();
    let idle = i64::from(settings::WorkflowSettings::default().idle_timeout_minutes);
    let later = t0() + Duration::minutes(idle - 1);
    auth::authorize(&mut e.officer, Action::View, later).unwrap();
    // Activity moved the idle window: still fine idle-1 minutes after the last action.
    auth::authorize(
        &mut e.officer,
        Action::View,
        later + Duration::minutes(idle - 1),
    )
    .unwrap();
    let too_late = later + Duration::minutes(2 * idle);
    assert!(e.officer.is_locked_at(too_late));
    let r = auth::authorize(&mut e.officer, Action::View, too_late);
    assert!(matches!(r, Err(WorkflowError::Locked { .. })));
    // Stays locked even for an instant "inside" the window.
    assert!(matches!(
        auth::authorize(&mut e.officer, Action::View, later),
        Err(WorkflowError::Locked { .. })
    ));
    assert!(auth::unlock(&mut e.db, &mut e.officer, "bad password!", too_late).is_err());
    auth::unlock(&mut e.db, &mut e.officer, PW, too_late).unwrap();
    auth::authorize(&mut e.officer, Action::View, too_late).unwrap();
    e.officer.lock();
    assert!(auth::authorize(&mut e.officer, Action::View, too_late).is_err());
}

#[test]
fn role_table() {
    for &a in Action::ALL {
        assert_eq!(Role::Reviewer.may(a), a == Action::View, "{a}");
        assert_eq!(Role::Officer.may(a), Role::Leader.may(a), "{a}");
        let admin_only = matches!(a, Action::ManageAccounts | Action::ChangeSettings);
        assert_eq!(Role::Admin.may(a), admin_only || a == Action::View, "{a}");
        assert_eq!(Role::Officer.may(a), !admin_only, "{a}");
    }
}

#[test]
fn only_a_leaders_fresh_credentials_make_an_approval() {
    let mut e = env();
    let r = auth::leader_approval(&mut e.db, "officer", PW, "ws-1", t0());
    match r {
        Err(WorkflowError::NotALeader {
            role: Role::Officer,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        auth::leader_approval(&mut e.db, "leader", "not the password", "ws-1", t0()),
        Err(WorkflowError::BadCredentials { .. })
    ));
    // A stale approval is refused.
    let card = red(&mut e, "C-1");
    let rc = redcard::submit(
        &mut e.db,
        &mut e.officer,
        &cal(),
        &card.id,
        "超期两个工作日以上",
        t0(),
    )
    .unwrap();
    let old = e.approval(t0());
    let later = t0() + Duration::minutes(10);
    let r = redcard::approve(&mut e.db, &mut e.officer, &cal(), &rc.id, old, None, later);
    assert!(
        matches!(r, Err(WorkflowError::StaleApproval { .. })),
        "{r:?}"
    );
    assert_eq!(
        redcard::get(&e.db, &mut e.officer, &rc.id, later)
            .unwrap()
            .state,
        RedState::PendingApproval
    );
}

#[test]
fn settings_are_admin_only_validated_and_audited() {
    let mut e = env();
    assert_forbidden(
        settings::set(&mut e.db, &mut e.officer, "rectification.days", "5", t0()),
        "officer settings",
    );
    assert_forbidden(
        settings::set(&mut e.db, &mut e.leader, "rectification.days", "5", t0()),
        "leader settings",
    );
    assert_forbidden(
        settings::set(&mut e.db, &mut e.reviewer, "rectification.days", "5", t0()),
        "reviewer settings",
    );
    let r = settings::set(&mut e.db, &mut e.admin, "rectification.days", "zero", t0());
    assert!(
        matches!(
            r,
            Err(WorkflowError::Invalid {
                field: "rectification.days",
                ..
            })
        ),
        "{r:?}"
    );
    let r = settings::set(&mut e.db, &mut e.admin, "no.such.key", "1", t0());
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid { field: "key", .. })
    ));
    let r = settings::set(
        &mut e.db,
        &mut e.admin,
        "admonition.prefix",
        "新监〔效告",
        t0(),
    );
    assert!(matches!(r, Err(WorkflowError::Invalid { .. })));
    let r = settings::set(
        &mut e.db,
        &mut e.admin,
        "investigation.prefix",
        "新监效告",
        t0(),
    );
    assert!(
        matches!(
            r,
            Err(WorkflowError::Invalid {
                field: "prefix",
                ..
            })
        ),
        "{r:?}"
    );
    let s = settings::set(&mut e.db, &mut e.admin, "rectification.days", "5", t0()).unwrap();
    assert_eq!(s.rectification_days, 5);
    assert_eq!(settings::load(e.db.conn()).unwrap().rectification_days, 5);
    let last = &audit::recent_entries(e.db.conn(), 1).unwrap()[0];
    assert_eq!(last.action, "settings.set");
    assert_eq!(last.actor, "admin");
    let d: serde_json::Value = serde_json::from_str(&last.details).unwrap();
    assert_eq!(d["new"], "5");
    assert_eq!(d["old"], serde_json::Value::Null);
}

// ---------------------------------------------------------------- roles on every operation

#[test]
fn reviewer_and_admin_cannot_run_any_workflow_operation() {
    let mut e = env();
    let y = yellow(&mut e, "C-1", "市场监管局");
    let r = red(&mut e, "C-2");
    let adm = draft_for(&mut e, std::slice::from_ref(&y.id));
    let rc = redcard::submit(&mut e.db, &mut e.officer, &cal(), &r.id, "红牌", t0()).unwrap();
    let n = notices::create(
        &mut e.db,
        &mut e.officer,
        &NewNotice {
            case_id: "C-1",
            handler: "张三",
            phone: None,
            channel: Channel::Phone,
        },
        t0(),
    )
    .unwrap();
    let now = t0();
    let c = cal();
    for who in ["reviewer", "admin"] {
        let mut s = if who == "reviewer" {
            auth::sign_in(&mut e.db, "reviewer", PW, "ws", now).unwrap()
        } else {
            auth::sign_in(&mut e.db, "admin", PW, "ws", now).unwrap()
        };
        let db = &mut e.db;
        assert_forbidden(
            notices::create(
                db,
                &mut s,
                &NewNotice {
                    case_id: "C-1",
                    handler: "张三",
                    phone: Some("13800000000"),
                    channel: Channel::Sms,
                },
                now,
            ),
            "notice.create",
        );
        assert_forbidden(
            notices::record_call(db, &mut s, &n.id, now, CallOutcome::Reached, None, now),
            "notice.record_call",
        );
        assert_forbidden(
            cards::register_signal_card(db, &mut s, &case("C-9", "U"), CardColor::Yellow, now, now),
            "card.register",
        );
        assert_forbidden(
            cards::raise_manual_card(
                db,
                &mut s,
                &ManualCard {
                    color: CardColor::Yellow,
                    situation: Situation::DataReporting,
                    case_id: None,
                    unit: "U",
                    person: None,
                    description: "x",
                    evidence: &[att("e.pdf")],
                },
                now,
            ),
            "card.raise",
        );
        let ap = auth::leader_approval(db, "leader", PW, "ws", now).unwrap();
        assert_forbidden(
            cards::relieve(
                db,
                &mut s,
                &y.id,
                CardAction::Exempt,
                ReliefGround::ForceMajeure,
                "r",
                ap,
                now,
            ),
            "card.relieve",
        );
        assert_forbidden(
            admonition::draft(
                db,
                &mut s,
                &NewDraft {
                    card_ids: std::slice::from_ref(&y.id),
                    addressee: "",
                    body: "b",
                },
                now,
            ),
            "admonition.draft",
        );
        assert_forbidden(
            admonition::edit(db, &mut s, &adm.id, "a", "b", now),
            "admonition.edit",
        );
        assert_forbidden(
            admonition::assign_number(db, &mut s, &adm.id, now),
            "admonition.number",
        );
        assert_forbidden(
            admonition::issue(db, &mut s, &c, &adm.id, now),
            "admonition.issue",
        );
        assert_forbidden(
            admonition::receive_report(db, &mut s, &adm.id, &att("r.pdf"), now, now),
            "admonition.receive",
        );
        assert_forbidden(
            admonition::file(db, &mut s, &adm.id, now),
            "admonition.file",
        );
        assert_forbidden(
            admonition::discard(db, &mut s, &adm.id, "r", now),
            "admonition.discard",
        );
        assert_forbidden(
            redcard::submit(db, &mut s, &c, &r.id, "s", now),
            "redcard.submit",
        );
        let ap = auth::leader_approval(db, "leader", PW, "ws", now).unwrap();
        assert_forbidden(
            redcard::approve(db, &mut s, &c, &rc.id, ap, None, now),
            "redcard.approve",
        );
        let ap = auth::leader_approval(db, "leader", PW, "ws", now).unwrap();
        assert_forbidden(
            redcard::reject(db, &mut s, &c, &rc.id, ap, "r", now),
            "redcard.reject",
        );
        assert_forbidden(
            redcard::investigate_directly(db, &mut s, &c, &rc.id, "x", now),
            "redcard.direct",
        );
        assert_forbidden(
            redcard::issue_notice(db, &mut s, &c, &rc.id, "x", now),
            "redcard.notice",
        );
        assert_forbidden(
            redcard::record_findings(db, &mut s, &c, &rc.id, "x", &[], now),
            "redcard.findings",
        );
        assert_forbidden(
            redcard::propose(db, &mut s, &c, &rc.id, Outcome::OpenCase, "x", now),
            "redcard.propose",
        );
        let dec = Decision {
            outcome: Outcome::OpenCase,
            body: DecisionBody::StandingCommittee,
            date: d(2026, 3, 2),
            minutes_number: "1".into(),
        };
        assert_forbidden(
            redcard::record_decision(db, &mut s, &c, &rc.id, &dec, now),
            "redcard.decision",
        );
        assert_forbidden(
            redcard::hand_over(db, &mut s, &c, &rc.id, "x", now),
            "redcard.hand_over",
        );
        assert_forbidden(
            redcard::close(db, &mut s, &c, &rc.id, "x", now),
            "redcard.close",
        );
        assert_forbidden(redcard::file(db, &mut s, &c, &rc.id, now), "redcard.file");
        assert_forbidden(
            accountability::record(
                db,
                &mut s,
                &NewMeasure {
                    target_kind: TargetKind::Unit,
                    target_name: "U",
                    unit: "U",
                    kind: MeasureKind::CirculatedCriticism,
                    decided_on: d(2026, 3, 2),
                    decision_doc: "d",
                    decision_file: None,
                    source_id: None,
                },
                now,
            ),
            "measure.record",
        );
        // Reading is allowed to both.
        admonition::get(db, &mut s, &adm.id, now).unwrap();
        redcard::queue(db, &mut s, now).unwrap();
    }
    // Nothing changed: the records are where the officer left them.
    assert_eq!(
        admonition::get(&e.db, &mut e.officer, &adm.id, now)
            .unwrap()
            .state,
        AdmonitionState::Draft
    );
    assert_eq!(
        redcard::get(&e.db, &mut e.officer, &rc.id, now)
            .unwrap()
            .state,
        RedState::PendingApproval
    );
    assert_eq!(
        cards::get(&e.db, &mut e.officer, &y.id, now).unwrap().state,
        CardState::Active
    );
}

#[test]
fn officers_and_reviewers_cannot_manage_accounts() {
    let mut e = env();
    for s in [&mut e.officer, &mut e.leader, &mut e.reviewer] {
        assert_forbidden(auth::list_accounts(&e.db, s, t0()), "list accounts");
        assert_forbidden(
            auth::create_account(
                &mut e.db,
                s,
                &auth::NewAccount {
                    username: "z",
                    display_name: "Z",
                    role: Role::Admin,
                    password: PW,
                },
                t0(),
            ),
            "create account",
        );
        assert_forbidden(
            auth::set_active(&mut e.db, s, "admin", false, t0()),
            "deactivate",
        );
        assert_forbidden(
            auth::reset_password(&mut e.db, s, "admin", "new password 1", t0()),
            "reset other",
        );
    }
    // Everyone may change their own password, knowing the current one.
    let r = auth::change_own_password(&mut e.db, &mut e.reviewer, "not it", "new password 1", t0());
    assert!(matches!(r, Err(WorkflowError::BadCredentials { .. })));
    auth::change_own_password(&mut e.db, &mut e.reviewer, PW, "new password 1", t0()).unwrap();
    auth::sign_in(&mut e.db, "reviewer", "new password 1", "ws", t0()).unwrap();
    assert!(auth::sign_in(&mut e.db, "reviewer", PW, "ws", t0()).is_err());
    // The admin resets a forgotten one.
    auth::reset_password(&mut e.db, &mut e.admin, "officer", "fresh password", t0()).unwrap();
    auth::sign_in(&mut e.db, "officer", "fresh password", "ws", t0()).unwrap();
}

// ---------------------------------------------------------------- warning notices

#[test]
fn sms_notice_states_and_illegal_steps() {
    let mut e = env();
    let sys = auth::SystemActor::new("notify", "ws-server");
    let r = notices::create(
        &mut e.db,
        &mut e.officer,
        &NewNotice {
            case_id: "C-1",
            handler: "张三",
            phone: None,
            channel: Channel::Sms,
        },
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid { field: "phone", .. })
    ));
    let n = notices::create(
        &mut e.db,
        &mut e.officer,
        &NewNotice {
            case_id: "C-1",
            handler: "张三",
            phone: Some("13800138000"),
            channel: Channel::Sms,
        },
        t0(),
    )
    .unwrap();
    assert_eq!(n.state, NoticeState::Pending);
    let waiting = notices::pending_sms(&e.db, &sys).unwrap();
    assert_eq!(
        waiting.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        [n.id.as_str()]
    );
    assert_illegal(
        notices::mark_delivered(&mut e.db, &sys, &n.id, t0()),
        "pending",
        "mark_delivered",
    );
    assert_illegal(
        notices::record_call(
            &mut e.db,
            &mut e.officer,
            &n.id,
            t0(),
            CallOutcome::Reached,
            None,
            t0(),
        ),
        "pending",
        "record_call",
    );
    let n = notices::mark_sent(&mut e.db, &sys, &n.id, "gw-42", t0()).unwrap();
    assert_eq!(
        (n.state, n.gateway_ref.as_deref()),
        (NoticeState::Sent, Some("gw-42"))
    );
    assert_illegal(
        notices::mark_sent(&mut e.db, &sys, &n.id, "gw-43", t0()),
        "sent",
        "mark_sent",
    );
    let n = notices::mark_delivered(&mut e.db, &sys, &n.id, t0() + Duration::seconds(5)).unwrap();
    assert_eq!(n.state, NoticeState::Delivered);
    assert_illegal(
        notices::mark_failed(&mut e.db, &sys, &n.id, "late failure", t0()),
        "delivered",
        "mark_failed",
    );

    // A failed SMS is followed by a phone call.
    let m = notices::create(
        &mut e.db,
        &mut e.officer,
        &NewNotice {
            case_id: "C-1",
            handler: "张三",
            phone: Some("13800138000"),
            channel: Channel::Sms,
        },
        t0(),
    )
    .unwrap();
    notices::mark_failed(&mut e.db, &sys, &m.id, "号码停机", t0()).unwrap();
    let called = t0() + Duration::minutes(3);
    let m = notices::record_call(
        &mut e.db,
        &mut e.officer,
        &m.id,
        called,
        CallOutcome::Reached,
        Some("已告知尽快办结"),
        called,
    )
    .unwrap();
    assert_eq!(m.state, NoticeState::PhoneRecorded);
    let call = m.call.unwrap();
    assert_eq!(
        (call.by.as_str(), call.at, call.outcome),
        ("officer", called, CallOutcome::Reached)
    );
    assert!(notices::pending_sms(&e.db, &sys).unwrap().is_empty());
    let delivered =
        notices::list(&e.db, &mut e.reviewer, Some(NoticeState::Delivered), called).unwrap();
    assert_eq!(delivered.len(), 1);
    let all = notices::for_case(&e.db, &mut e.reviewer, "C-1", called).unwrap();
    assert_eq!(all.len(), 2);
    // The gateway's actions are logged under the system actor.
    let hist = audit::entries_for_subject(e.db.conn(), &format!("notice:{}", n.id)).unwrap();
    assert_eq!(
        hist.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(),
        ["notice.create", "notice.mark_sent", "notice.mark_delivered"]
    );
    assert_eq!(hist[1].actor, "system:notify");
}

/// The reads the SMS dispatcher composes (Art. B6 auto notices, Art. A8 escalation): which
/// cases were told, and the phone calls of a case.
#[test]
fn notified_cases_and_phone_calls_for_the_dispatcher() {
    let mut e = env();
    let sys = auth::SystemActor::new("notify", "ws-1");
    assert!(notices::notified_case_ids(e.db.conn(), &["C-1"])
        .unwrap()
        .is_empty());
    let sms = notices::create_system(
        &mut e.db,
        &sys,
        &NewNotice {
            case_id: "C-1",
            handler: "张三",
            phone: Some("13800138000"),
            channel: Channel::Sms,
        },
        t0(),
    )
    .unwrap();
    let phone = notices::create(
        &mut e.db,
        &mut e.officer,
        &NewNotice {
            case_id: "C-2",
            handler: "李四",
            phone: None,
            channel: Channel::Phone,
        },
        t0(),
    )
    .unwrap();
    let told = notices::notified_case_ids(e.db.conn(), &["C-1", "C-2", "C-3", "C-1"]).unwrap();
    assert_eq!(told, ["C-1", "C-2"].map(String::from).into_iter().collect());
    assert_eq!(
        notices::notified_cases(e.db.conn()).unwrap(),
        ["C-1", "C-2"]
    );
    assert!(notices::phone_calls_of_case(e.db.conn(), "C-1")
        .unwrap()
        .is_empty());
    notices::mark_failed(&mut e.db, &sys, &sms.id, "号码停机", t0()).unwrap();
    let at = t0() + Duration::minutes(2);
    for (id, outcome) in [
        (&sms.id, CallOutcome::NoAnswer),
        (&phone.id, CallOutcome::Reached),
    ] {
        notices::record_call(&mut e.db, &mut e.officer, id, at, outcome, None, at).unwrap();
    }
    let calls = notices::phone_calls_of_case(e.db.conn(), "C-1").unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].by.as_str(), calls[0].at, calls[0].outcome),
        ("officer", at, CallOutcome::NoAnswer)
    );
    let calls = notices::phone_calls_of_case(e.db.conn(), "C-2").unwrap();
    assert_eq!(calls[0].outcome, CallOutcome::Reached);
}

#[test]
fn phone_notice_is_recorded_with_who_when_outcome() {
    let mut e = env();
    let n = notices::create(
        &mut e.db,
        &mut e.officer,
        &NewNotice {
            case_id: "C-7",
            handler: "李四",
            phone: Some("0373-1234567"),
            channel: Channel::Phone,
        },
        t0(),
    )
    .unwrap();
    let sys = auth::SystemActor::new("notify", "ws");
    assert_illegal(
        notices::mark_sent(&mut e.db, &sys, &n.id, "x", t0()),
        "pending",
        "mark_sent",
    );
    let r = notices::record_call(
        &mut e.db,
        &mut e.officer,
        &n.id,
        t0() + Duration::hours(1),
        CallOutcome::NoAnswer,
        None,
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "called_at",
            ..
        })
    ));
    let n = notices::record_call(
        &mut e.db,
        &mut e.leader,
        &n.id,
        t0(),
        CallOutcome::NoAnswer,
        Some("  "),
        t0(),
    )
    .unwrap();
    assert_eq!(n.state, NoticeState::PhoneRecorded);
    assert_eq!(n.call.as_ref().unwrap().by, "leader");
    assert_eq!(n.call.as_ref().unwrap().note, None);
    let h = crate::history(&e.db, &mut e.reviewer, &n.id, t0()).unwrap();
    assert_eq!(
        h.iter()
            .map(|x| (
                x.from_state.as_deref(),
                x.to_state.as_str(),
                x.actor.as_str()
            ))
            .collect::<Vec<_>>(),
        vec![
            (None, "pending", "officer"),
            (Some("pending"), "phone_recorded", "leader")
        ]
    );
    assert_illegal(
        notices::record_call(
            &mut e.db,
            &mut e.officer,
            &n.id,
            t0(),
            CallOutcome::Reached,
            None,
            t0(),
        ),
        "phone_recorded",
        "record_call",
    );
}

// ---------------------------------------------------------------- cards

#[test]
fn manual_cards_need_evidence_and_relief_needs_a_leader() {
    let mut e = env();
    let mut m = ManualCard {
        color: CardColor::Red,
        situation: Situation::DataReporting,
        case_id: None,
        unit: "住建局",
        person: Some("王五"),
        description: "连续三日未报送数据，造成监察中断",
        evidence: &[],
    };
    assert!(matches!(
        cards::raise_manual_card(&mut e.db, &mut e.officer, &m, t0()),
        Err(WorkflowError::Invalid {
            field: "evidence",
            ..
        })
    ));
    let ev = [att("截图.png")];
    m.evidence = &ev;
    let c = cards::raise_manual_card(&mut e.db, &mut e.officer, &m, t0()).unwrap();
    assert_eq!(
        (c.origin, c.state, c.situation),
        (
            cards::CardOrigin::Manual,
            CardState::Active,
            Some(Situation::DataReporting)
        )
    );
    assert_eq!(c.evidence.len(), 1);
    assert_eq!(Situation::ALL.len(), 13);

    // Officer's own credentials do not make an approval; a leader's do.
    assert!(auth::leader_approval(&mut e.db, "officer", PW, "ws-1", t0()).is_err());
    let ap = e.approval(t0());
    let r = cards::relieve(
        &mut e.db,
        &mut e.officer,
        &c.id,
        CardAction::Exempt,
        ReliefGround::ForceMajeure,
        "  ",
        ap,
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "reason",
            ..
        })
    ));
    let ap = e.approval(t0());
    let c2 = cards::relieve(
        &mut e.db,
        &mut e.officer,
        &c.id,
        CardAction::Exempt,
        ReliefGround::ForceMajeure,
        "暴雨致机房断电",
        ap,
        t0(),
    )
    .unwrap();
    assert_eq!(c2.state, CardState::Exempted);
    let relief = c2.relief.unwrap();
    assert_eq!(
        (
            relief.by.as_str(),
            relief.approved_by.as_str(),
            relief.ground
        ),
        ("officer", "leader", ReliefGround::ForceMajeure)
    );
    let ap = e.approval(t0());
    assert_illegal(
        cards::relieve(
            &mut e.db,
            &mut e.officer,
            &c.id,
            CardAction::Revoke,
            ReliefGround::Other,
            "x",
            ap,
            t0(),
        ),
        "exempted",
        "revoke",
    );
    // Still on record.
    let listed = cards::list(
        &e.db,
        &mut e.reviewer,
        &cards::CardFilter {
            unit: Some("住建局".into()),
            ..Default::default()
        },
        t0(),
    )
    .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, CardState::Exempted);
    // An exempted card cannot start a letter or an investigation.
    let r = admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: std::slice::from_ref(&c.id),
            addressee: "",
            body: "b",
        },
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "card_ids",
            ..
        })
    ));
    assert!(redcard::submit(&mut e.db, &mut e.officer, &cal(), &c.id, "s", t0()).is_err());
}

#[test]
fn signal_cards_are_registered_once_per_case_and_color() {
    let mut e = env();
    let a = yellow(&mut e, "C-1", "市场监管局");
    let b = yellow(&mut e, "C-1", "市场监管局");
    assert_eq!(a.id, b.id);
    let r = red(&mut e, "C-1");
    assert_ne!(r.id, a.id);
    let n: i64 =
        e.db.conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'card.register_signal'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(n, 2);
}

// ---------------------------------------------------------------- 效能告诫书

#[test]
fn admonition_full_path_with_rectification_signals() {
    let mut e = env();
    let c1 = yellow(&mut e, "C-1", "市场监管局");
    let c2 = yellow(&mut e, "C-2", "市场监管局");
    let ids = vec![c1.id.clone(), c2.id.clone()];
    let a = draft_for(&mut e, &ids);
    assert_eq!(
        (a.state, a.addressee.as_str(), a.card_ids.len()),
        (AdmonitionState::Draft, "市场监管局", 2)
    );
    assert_illegal(
        admonition::issue(&mut e.db, &mut e.officer, &cal(), &a.id, t0()),
        "draft",
        "issue",
    );
    assert_illegal(
        admonition::file(&mut e.db, &mut e.officer, &a.id, t0()),
        "draft",
        "file",
    );
    let a = admonition::edit(
        &mut e.db,
        &mut e.officer,
        &a.id,
        "市场监督管理局",
        "修改后的正文",
        t0(),
    )
    .unwrap();
    let a = admonition::assign_number(&mut e.db, &mut e.officer, &a.id, t0()).unwrap();
    assert_eq!(a.number.as_deref(), Some("新监效告〔2026〕1号"));
    assert_illegal(
        admonition::assign_number(&mut e.db, &mut e.officer, &a.id, t0()),
        "numbered",
        "assign_number",
    );
    let a = admonition::edit(
        &mut e.db,
        &mut e.officer,
        &a.id,
        "市场监督管理局",
        "签发前再改",
        t0(),
    )
    .unwrap();
    // Issued Monday 2026-03-02 with 10 working days: due Monday 2026-03-16.
    let a = admonition::issue(&mut e.db, &mut e.officer, &cal(), &a.id, t0()).unwrap();
    assert_eq!(a.state, AdmonitionState::Issued);
    assert_eq!(a.report_due, Some(d(2026, 3, 16)));
    assert_illegal(
        admonition::edit(&mut e.db, &mut e.officer, &a.id, "x", "y", t0()),
        "issued",
        "edit",
    );
    assert_illegal(
        admonition::discard(&mut e.db, &mut e.officer, &a.id, "r", t0()),
        "issued",
        "discard",
    );
    assert_illegal(
        admonition::file(&mut e.db, &mut e.officer, &a.id, t0()),
        "issued",
        "file",
    );

    // Signals: lead 2 working days → warning from Thursday 03-12 00:00 CST; overdue from 03-17.
    let c = cal();
    let sig = |at| admonition::rectification_signal(&a, &c, 2, at);
    assert_eq!(sig(cst(2026, 3, 11, 23, 59)), RectificationSignal::OnTime);
    assert_eq!(sig(cst(2026, 3, 12, 0, 0)), RectificationSignal::Warning);
    assert_eq!(sig(cst(2026, 3, 16, 23, 59)), RectificationSignal::Warning);
    assert_eq!(sig(cst(2026, 3, 17, 0, 0)), RectificationSignal::Overdue);
    e.wake(cst(2026, 3, 13, 10, 0));
    let q = admonition::rectification_queue(&e.db, &mut e.reviewer, &c, cst(2026, 3, 13, 10, 0))
        .unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].1, RectificationSignal::Warning);

    e.wake(cst(2026, 3, 13, 10, 0));
    let r = admonition::receive_report(
        &mut e.db,
        &mut e.officer,
        &a.id,
        &att("整改报告.pdf"),
        cst(2026, 3, 18, 9, 0),
        cst(2026, 3, 13, 10, 5),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "received_at",
            ..
        })
    ));
    let a = admonition::receive_report(
        &mut e.db,
        &mut e.officer,
        &a.id,
        &att("整改报告.pdf"),
        cst(2026, 3, 13, 9, 0),
        cst(2026, 3, 13, 10, 6),
    )
    .unwrap();
    assert_eq!(a.state, AdmonitionState::ReportReceived);
    assert_eq!(a.attachments[0].purpose, "rectification_report");
    assert_eq!(
        admonition::rectification_signal(&a, &c, 2, cst(2026, 4, 1, 0, 0)),
        RectificationSignal::Received
    );
    assert_illegal(
        admonition::receive_report(
            &mut e.db,
            &mut e.officer,
            &a.id,
            &att("again.pdf"),
            t0(),
            cst(2026, 3, 13, 10, 6),
        ),
        "report_received",
        "receive_report",
    );
    let a = admonition::file(&mut e.db, &mut e.officer, &a.id, cst(2026, 3, 13, 10, 7)).unwrap();
    assert_eq!(a.state, AdmonitionState::Filed);
    assert_illegal(
        admonition::discard(
            &mut e.db,
            &mut e.officer,
            &a.id,
            "r",
            cst(2026, 3, 13, 10, 7),
        ),
        "filed",
        "discard",
    );

    let hist = admonition::history(&e.db, &mut e.reviewer, &a.id, cst(2026, 3, 13, 10, 7)).unwrap();
    let steps: Vec<_> = hist.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        steps,
        [
            "draft",
            "edit",
            "assign_number",
            "edit",
            "issue",
            "receive_report",
            "file"
        ]
    );
    assert!(hist
        .iter()
        .all(|h| h.actor == "officer" && h.workstation == "ws-1"));
    let listed = admonition::list(
        &e.db,
        &mut e.reviewer,
        &admonition::AdmonitionFilter {
            case_id: Some("C-2".into()),
            ..Default::default()
        },
        t0(),
    )
    .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(audit::verify(&e.db).unwrap().ok());
}

#[test]
fn rectification_deadline_skips_holidays_and_counts_make_up_days() {
    let mut e = env();
    // Holidays Tue 03-03..Thu 03-05; Sat 03-07 is a make-up working day.
    let c = TestCal {
        holidays: vec![d(2026, 3, 3), d(2026, 3, 4), d(2026, 3, 5)],
        makeup: vec![d(2026, 3, 7)],
    };
    settings::set(&mut e.db, &mut e.admin, "rectification.days", "3", t0()).unwrap();
    let y = yellow(&mut e, "C-1", "U");
    let a = draft_for(&mut e, std::slice::from_ref(&y.id));
    admonition::assign_number(&mut e.db, &mut e.officer, &a.id, t0()).unwrap();
    let a = admonition::issue(&mut e.db, &mut e.officer, &c, &a.id, t0()).unwrap();
    // Working days after Mon 03-02: Fri 03-06, Sat 03-07 (make-up), Mon 03-09.
    assert_eq!(a.report_due, Some(d(2026, 3, 9)));
    // Lead 1: warning from the working day before, Saturday 03-07.
    assert_eq!(
        admonition::rectification_signal(&a, &c, 1, cst(2026, 3, 6, 12, 0)),
        RectificationSignal::OnTime
    );
    assert_eq!(
        admonition::rectification_signal(&a, &c, 1, cst(2026, 3, 7, 0, 0)),
        RectificationSignal::Warning
    );
}

#[test]
fn discarded_numbered_letter_never_frees_its_number_even_across_restart() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("w.sqlite");
    let first_id;
    {
        let mut e = env_at(jiancha_store::Db::open(&p).unwrap());
        let y = yellow(&mut e, "C-1", "U");
        let a = draft_for(&mut e, std::slice::from_ref(&y.id));
        let a = admonition::assign_number(&mut e.db, &mut e.officer, &a.id, t0()).unwrap();
        assert_eq!(a.number.as_deref(), Some("新监效告〔2026〕1号"));
        let a = admonition::discard(&mut e.db, &mut e.officer, &a.id, "事实有误，重新起草", t0())
            .unwrap();
        assert_eq!(a.state, AdmonitionState::Discarded);
        assert_eq!(a.number.as_deref(), Some("新监效告〔2026〕1号"));
        assert_illegal(
            admonition::assign_number(&mut e.db, &mut e.officer, &a.id, t0()),
            "discarded",
            "assign_number",
        );
        first_id = y.id;
    }
    let mut db = jiancha_store::Db::open(&p).unwrap();
    let mut officer = auth::sign_in(&mut db, "officer", PW, "ws-1", t0()).unwrap();
    let mut admin = auth::sign_in(&mut db, "admin", PW, "ws-1", t0()).unwrap();
    settings::set(&mut db, &mut admin, "admonition.prefix", "卫监效告", t0()).unwrap();
    // The card of the discarded letter is free again; the number is not.
    let a = admonition::draft(
        &mut db,
        &mut officer,
        &NewDraft {
            card_ids: std::slice::from_ref(&first_id),
            addressee: "",
            body: "重新起草",
        },
        t0(),
    )
    .unwrap();
    let a = admonition::assign_number(&mut db, &mut officer, &a.id, t0()).unwrap();
    assert_eq!(a.number.as_deref(), Some("卫监效告〔2026〕2号"));
    let reg = crate::numbering::register(&db, &mut officer, 2026, t0()).unwrap();
    let texts: Vec<_> = reg.iter().map(|x| x.number.text.as_str()).collect();
    assert_eq!(texts, ["新监效告〔2026〕1号", "卫监效告〔2026〕2号"]);
    assert_ne!(reg[0].letter_id, reg[1].letter_id);
}

#[test]
fn concurrent_numbering_through_the_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.sqlite");
    let mut ids = Vec::new();
    {
        let mut e = env_at(jiancha_store::Db::open(&p).unwrap());
        for i in 0..12 {
            let y = yellow(&mut e, &format!("C-{i}"), "U");
            ids.push(draft_for(&mut e, std::slice::from_ref(&y.id)).id);
        }
    }
    let handles: Vec<_> = ids
        .chunks(3)
        .map(|chunk| {
            let p = p.clone();
            let chunk = chunk.to_vec();
            std::thread::spawn(move || {
                let mut db = jiancha_store::Db::open(&p).unwrap();
                let mut s = auth::sign_in(&mut db, "officer", PW, "ws-t", t0()).unwrap();
                chunk
                    .iter()
                    .map(|id| {
                        admonition::assign_number(&mut db, &mut s, id, t0())
                            .unwrap()
                            .number
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut numbers: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 12);
    let mut expected: Vec<String> = (1..=12).map(|n| format!("新监效告〔2026〕{n}号")).collect();
    expected.sort();
    assert_eq!(numbers, expected);
    let db = jiancha_store::Db::open(&p).unwrap();
    assert!(audit::verify(&db).unwrap().ok());
}

#[test]
fn drafts_take_cards_of_one_unit_and_each_card_once() {
    let mut e = env();
    let a = yellow(&mut e, "C-1", "市场监管局");
    let b = yellow(&mut e, "C-2", "住建局");
    let r = admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: &[a.id.clone(), b.id.clone()],
            addressee: "",
            body: "x",
        },
        t0(),
    );
    assert!(
        matches!(
            r,
            Err(WorkflowError::Invalid {
                field: "card_ids",
                ..
            })
        ),
        "{r:?}"
    );
    let r = admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: &[],
            addressee: "",
            body: "x",
        },
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "card_ids",
            ..
        })
    ));
    let r = admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: &["no-such-card".to_string()],
            addressee: "",
            body: "x",
        },
        t0(),
    );
    assert!(matches!(r, Err(WorkflowError::NotFound { .. })));
    let rc = red(&mut e, "C-3");
    let r = admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: std::slice::from_ref(&rc.id),
            addressee: "",
            body: "x",
        },
        t0(),
    );
    assert!(
        matches!(
            r,
            Err(WorkflowError::Invalid {
                field: "card_ids",
                ..
            })
        ),
        "{r:?}"
    );
    draft_for(&mut e, std::slice::from_ref(&a.id));
    let r = admonition::draft(
        &mut e.db,
        &mut e.officer,
        &NewDraft {
            card_ids: std::slice::from_ref(&a.id),
            addressee: "",
            body: "x",
        },
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "card_ids",
            ..
        })
    ));
}

#[test]
fn illegal_transition_message_names_state_and_action() {
    let mut e = env();
    let y = yellow(&mut e, "C-1", "U");
    let a = draft_for(&mut e, std::slice::from_ref(&y.id));
    let err = admonition::issue(&mut e.db, &mut e.officer, &cal(), &a.id, t0()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("草稿")
            && msg.contains("签发")
            && msg.contains("draft")
            && msg.contains("issue"),
        "{msg}"
    );
    assert!(msg.contains(&a.id));
    assert_eq!(err.category(), ErrorCategory::Conflict);
}

#[test]
fn state_machines_allow_exactly_their_documented_steps() {
    use crate::admonition::{next_state as adm, AdmonitionAction as AA};
    use crate::redcard::{next_state as rc, RedAction as RA};
    let legal_adm = AdmonitionState::ALL
        .iter()
        .flat_map(|&s| AA::ALL.iter().filter(move |&&a| adm(s, a).is_some()))
        .count();
    assert_eq!(legal_adm, 8);
    for &a in AA::ALL {
        assert_eq!(adm(AdmonitionState::Filed, a), None);
        assert_eq!(adm(AdmonitionState::Discarded, a), None);
    }
    let legal_rc = RedState::ALL
        .iter()
        .flat_map(|&s| RA::ALL.iter().filter(move |&&a| rc(s, a).is_some()))
        .count();
    assert_eq!(legal_rc, 15);
    for &a in RA::ALL {
        assert_eq!(rc(RedState::Filed, a), None);
    }
    // Every state but Filed is reachable and has a way forward.
    for &s in RedState::ALL {
        if s != RedState::Filed {
            assert!(
                RA::ALL.iter().any(|&a| rc(s, a).is_some()),
                "{s} is a dead end"
            );
        }
    }
}

// ---------------------------------------------------------------- red card

#[test]
fn red_card_end_to_end_notice_route_to_formal_case() {
    let mut e = env();
    let c = cal();
    let card = red(&mut e, "C-9");
    let rc = redcard::submit(
        &mut e.db,
        &mut e.officer,
        &c,
        &card.id,
        "超期两个工作日以上未办结",
        t0(),
    )
    .unwrap();
    assert_eq!(
        (rc.state, rc.step_due),
        (RedState::PendingApproval, Some(d(2026, 3, 4)))
    );
    assert!(redcard::submit(&mut e.db, &mut e.officer, &c, &card.id, "again", t0()).is_err());
    assert_illegal(
        redcard::investigate_directly(&mut e.db, &mut e.officer, &c, &rc.id, "x", t0()),
        "pending_approval",
        "investigate_directly",
    );
    // Officer at their own workstation; the leader types their credentials there.
    let t1 = cst(2026, 3, 3, 10, 0);
    e.wake(t1);
    let ap = auth::leader_approval(&mut e.db, "leader", PW, "ws-1", t1).unwrap();
    let rc = redcard::approve(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        ap,
        Some("同意调查"),
        t1,
    )
    .unwrap();
    assert_eq!(
        (rc.state, rc.approved_by.as_deref()),
        (RedState::Approved, Some("leader"))
    );
    let ap = e.approval(t1);
    assert_illegal(
        redcard::approve(&mut e.db, &mut e.officer, &c, &rc.id, ap, None, t1),
        "approved",
        "approve",
    );
    let rc = redcard::issue_notice(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        "市场监管局派驻纪检组",
        t1,
    )
    .unwrap();
    assert_eq!(rc.state, RedState::NoticeIssued);
    assert_eq!(rc.notice_number.as_deref(), Some("新监初调〔2026〕1号"));
    assert_eq!(rc.step_due, Some(d(2026, 3, 24)));
    assert_illegal(
        redcard::propose(
            &mut e.db,
            &mut e.officer,
            &c,
            &rc.id,
            Outcome::OpenCase,
            "x",
            t1,
        ),
        "notice_issued",
        "propose",
    );
    let t2 = cst(2026, 3, 20, 10, 0);
    e.wake(t2);
    let rc = redcard::record_findings(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        "承办人无正当理由积压",
        &[att("谈话笔录.pdf"), att("系统日志.xlsx")],
        t2,
    )
    .unwrap();
    assert_eq!(rc.attachments.len(), 2);
    let rc = redcard::record_findings(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        "补充：科长知情",
        &[att("补充.pdf")],
        t2,
    )
    .unwrap();
    assert_eq!(
        (rc.state, rc.attachments.len()),
        (RedState::FindingsRecorded, 3)
    );
    let rc = redcard::propose(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        Outcome::OpenCase,
        "情节较重",
        t2,
    )
    .unwrap();
    assert_eq!(rc.state, RedState::Proposed);
    let future = Decision {
        outcome: Outcome::OpenCase,
        body: DecisionBody::StandingCommittee,
        date: d(2026, 3, 30),
        minutes_number: "常委会纪要〔2026〕3号".into(),
    };
    assert!(matches!(
        redcard::record_decision(&mut e.db, &mut e.officer, &c, &rc.id, &future, t2),
        Err(WorkflowError::Invalid { field: "date", .. })
    ));
    let t3 = cst(2026, 3, 27, 10, 0);
    e.wake(t3);
    let dec = Decision {
        date: d(2026, 3, 26),
        ..future
    };
    let rc = redcard::record_decision(&mut e.db, &mut e.officer, &c, &rc.id, &dec, t3).unwrap();
    assert_eq!(
        (rc.state, rc.decision.clone()),
        (RedState::AwaitingHandover, Some(dec))
    );
    assert_illegal(
        redcard::close(&mut e.db, &mut e.officer, &c, &rc.id, "x", t3),
        "awaiting_handover",
        "close",
    );
    let rc = redcard::hand_over(&mut e.db, &mut e.officer, &c, &rc.id, "案件审理室", t3).unwrap();
    assert_eq!(rc.state, RedState::HandedOver);
    let rc = redcard::file(&mut e.db, &mut e.officer, &c, &rc.id, t3).unwrap();
    assert_eq!((rc.state, rc.step_due), (RedState::Filed, None));
    assert_illegal(
        redcard::file(&mut e.db, &mut e.officer, &c, &rc.id, t3),
        "filed",
        "file",
    );
    let steps: Vec<_> = redcard::history(&e.db, &mut e.reviewer, &rc.id, t3)
        .unwrap()
        .into_iter()
        .map(|h| h.to_state)
        .collect();
    assert_eq!(
        steps,
        [
            "pending_approval",
            "approved",
            "notice_issued",
            "findings_recorded",
            "findings_recorded",
            "proposed",
            "awaiting_handover",
            "handed_over",
            "filed"
        ]
    );
    assert!(redcard::queue(&e.db, &mut e.reviewer, t3)
        .unwrap()
        .is_empty());
    let on_case = redcard::for_case(&e.db, &mut e.reviewer, "C-9", t3).unwrap();
    assert_eq!(on_case.len(), 1);
    assert_eq!(on_case[0].id, rc.id);
    // The approval is in the audit trail with the leader's name.
    let log = audit::entries_for_subject(e.db.conn(), &format!("redcard:{}", rc.id)).unwrap();
    let appr = log.iter().find(|x| x.action == "redcard.approve").unwrap();
    assert_eq!(appr.actor, "officer");
    assert!(
        appr.details.contains("\"leader\":\"leader\""),
        "{}",
        appr.details
    );
    assert!(audit::verify(&e.db).unwrap().ok());
}

#[test]
fn red_card_direct_route_closed_after_check_even_against_the_proposal() {
    let mut e = env();
    let c = cal();
    let card = red(&mut e, "C-3");
    let rc = redcard::submit(&mut e.db, &mut e.leader, &c, &card.id, "s", t0()).unwrap();
    let ap = e.approval(t0());
    let rc = redcard::approve(&mut e.db, &mut e.leader, &c, &rc.id, ap, None, t0()).unwrap();
    let rc = redcard::investigate_directly(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        "王监察、刘监察",
        t0(),
    )
    .unwrap();
    assert_eq!(
        (rc.state, rc.route.as_deref(), rc.notice_number.clone()),
        (RedState::Investigating, Some("direct"), None)
    );
    let rc = redcard::record_findings(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        "系统故障所致",
        &[],
        t0(),
    )
    .unwrap();
    let rc = redcard::propose(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        Outcome::OpenCase,
        "建议立案",
        t0(),
    )
    .unwrap();
    let dec = Decision {
        outcome: Outcome::CloseAfterCheck,
        body: DecisionBody::DirectorsMeeting,
        date: d(2026, 3, 2),
        minutes_number: "局长办公会纪要第5号".into(),
    };
    let rc = redcard::record_decision(&mut e.db, &mut e.officer, &c, &rc.id, &dec, t0()).unwrap();
    assert_eq!(
        (rc.state, rc.proposal),
        (RedState::AwaitingClosure, Some(Outcome::OpenCase))
    );
    assert_illegal(
        redcard::hand_over(&mut e.db, &mut e.officer, &c, &rc.id, "x", t0()),
        "awaiting_closure",
        "hand_over",
    );
    let rc = redcard::close(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        "初核了结，责令整改",
        t0(),
    )
    .unwrap();
    let rc = redcard::file(&mut e.db, &mut e.officer, &c, &rc.id, t0()).unwrap();
    assert_eq!(rc.state, RedState::Filed);
}

#[test]
fn red_card_rejected_by_the_leader_then_filed() {
    let mut e = env();
    let c = cal();
    let card = red(&mut e, "C-4");
    let rc = redcard::submit(&mut e.db, &mut e.officer, &c, &card.id, "s", t0()).unwrap();
    let ap = e.approval(t0());
    let r = redcard::reject(&mut e.db, &mut e.officer, &c, &rc.id, ap, " ", t0());
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid {
            field: "reason",
            ..
        })
    ));
    let ap = e.approval(t0());
    let rc = redcard::reject(
        &mut e.db,
        &mut e.officer,
        &c,
        &rc.id,
        ap,
        "系不可抗力，不予调查",
        t0(),
    )
    .unwrap();
    assert_eq!(
        (
            rc.state,
            rc.rejection_reason.as_deref(),
            rc.approved_by.as_deref()
        ),
        (
            RedState::Rejected,
            Some("系不可抗力，不予调查"),
            Some("leader")
        )
    );
    let ap = e.approval(t0());
    assert_illegal(
        redcard::approve(&mut e.db, &mut e.officer, &c, &rc.id, ap, None, t0()),
        "rejected",
        "approve",
    );
    assert_illegal(
        redcard::issue_notice(&mut e.db, &mut e.officer, &c, &rc.id, "x", t0()),
        "rejected",
        "issue_notice",
    );
    let rc = redcard::file(&mut e.db, &mut e.officer, &c, &rc.id, t0()).unwrap();
    assert_eq!(rc.state, RedState::Filed);
}

#[test]
fn red_card_queue_orders_open_steps_by_deadline_and_flags_overdue() {
    let mut e = env();
    let c = cal();
    let a = red(&mut e, "C-A");
    let b = red(&mut e, "C-B");
    let ra = redcard::submit(&mut e.db, &mut e.officer, &c, &a.id, "a", t0()).unwrap();
    let rb = redcard::submit(&mut e.db, &mut e.officer, &c, &b.id, "b", t0()).unwrap();
    // Approve A: its next step (route, 2 days) runs from Tue 03-03 → due Thu 03-05, after B's 03-04.
    let t1 = cst(2026, 3, 3, 9, 0);
    e.wake(t1);
    let ap = e.approval(t1);
    redcard::approve(&mut e.db, &mut e.officer, &c, &ra.id, ap, None, t1).unwrap();
    let q = redcard::queue(&e.db, &mut e.reviewer, t1).unwrap();
    assert_eq!(
        q.iter()
            .map(|s| (s.red_case_id.clone(), s.due))
            .collect::<Vec<_>>(),
        vec![
            (rb.id.clone(), d(2026, 3, 4)),
            (ra.id.clone(), d(2026, 3, 5))
        ]
    );
    assert!(q.iter().all(|s| !s.overdue));
    e.wake(cst(2026, 3, 5, 0, 0));
    let q = redcard::queue(&e.db, &mut e.reviewer, cst(2026, 3, 5, 0, 0)).unwrap();
    assert_eq!(
        q.iter().map(|s| s.overdue).collect::<Vec<_>>(),
        vec![true, false]
    );
    assert_eq!(q[0].state, RedState::PendingApproval);
}

// ---------------------------------------------------------------- accountability

#[test]
fn measures_against_persons_and_units() {
    let mut e = env();
    let doc = att("决定书.pdf");
    let m = accountability::record(
        &mut e.db,
        &mut e.officer,
        &NewMeasure {
            target_kind: TargetKind::Person,
            target_name: "张三",
            unit: "市场监管局",
            kind: MeasureKind::SuspensionForExamination,
            decided_on: d(2026, 3, 2),
            decision_doc: "新纪发〔2026〕7号",
            decision_file: Some(&doc),
            source_id: None,
        },
        t0(),
    )
    .unwrap();
    assert_eq!(
        (m.kind, m.recorded_by.as_str(), m.attachments.len()),
        (MeasureKind::SuspensionForExamination, "officer", 1)
    );
    let r = accountability::record(
        &mut e.db,
        &mut e.officer,
        &NewMeasure {
            target_kind: TargetKind::Unit,
            target_name: "市场监管局",
            unit: "市场监管局",
            kind: MeasureKind::Transfer,
            decided_on: d(2026, 3, 2),
            decision_doc: "x",
            decision_file: None,
            source_id: None,
        },
        t0(),
    );
    assert!(matches!(
        r,
        Err(WorkflowError::Invalid { field: "kind", .. })
    ));
    accountability::record(
        &mut e.db,
        &mut e.officer,
        &NewMeasure {
            target_kind: TargetKind::Unit,
            target_name: "市场监管局",
            unit: "市场监管局",
            kind: MeasureKind::CirculatedCriticism,
            decided_on: d(2026, 3, 1),
            decision_doc: "通报〔2026〕2号",
            decision_file: None,
            source_id: Some("adm-1"),
        },
        t0(),
    )
    .unwrap();
    let all = accountability::list(&e.db, &mut e.reviewer, Some("市场监管局"), t0()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].decided_on, d(2026, 3, 2));
}
