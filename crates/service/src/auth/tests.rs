//! Service-level tests of sign-in, the session, approvals, accounts and the audit screen.

use super::*;
use crate::Config;
use jiancha_store::rusqlite;

fn service() -> (tempfile::TempDir, Service) {
    let dir = tempfile::tempdir().unwrap();
    let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
    (dir, svc)
}

/// A service with an admin plus one account of each working role; signed in as `as_user`.
fn staffed(as_user: &str) -> (tempfile::TempDir, Service) {
    let (dir, svc) = service();
    setup_first_admin(&svc, "admin", "管理员", "admin-pass-1").unwrap();
    for (u, r) in [
        ("officer", AccountRole::Officer),
        ("leader", AccountRole::Leader),
        ("reviewer", AccountRole::Reviewer),
    ] {
        create_account(
            &svc,
            &NewAccountRequest {
                username: u.into(),
                display_name: format!("{u} 名"),
                role: r,
                password: format!("{u}-pass-1"),
            },
        )
        .unwrap();
    }
    if as_user != "admin" {
        sign_in(&svc, as_user, &format!("{as_user}-pass-1")).unwrap();
    }
    (dir, svc)
}

#[test]
fn first_run_setup_creates_the_admin_once_and_signs_in() {
    let (_d, svc) = service();
    let st = status(&svc).unwrap();
    assert!(st.needs_setup);
    assert!(st.user.is_none());
    assert!(!st.workstation.is_empty());
    let st = setup_first_admin(&svc, "admin", "管理员", "admin-pass-1").unwrap();
    assert!(!st.needs_setup);
    let user = st.user.unwrap();
    assert_eq!(user.role, AccountRole::Admin);
    assert!(user.permissions.contains(&"accounts.manage".to_string()));
    assert!(!user.permissions.contains(&"redcard.submit".to_string()));
    let again = setup_first_admin(&svc, "x", "x", "another-pass").unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict, "{}", again.message);
}

#[test]
fn workstation_id_is_stored_once_per_database() {
    let (dir, svc) = service();
    let a = workstation_id(&svc).unwrap();
    // Not stored by reading; stored by the first sign-in (here: setup), unchanged.
    let st = setup_first_admin(&svc, "admin", "管理员", "admin-pass-1").unwrap();
    assert_eq!(st.workstation, a);
    drop(svc);
    let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
    assert_eq!(workstation_id(&svc).unwrap(), a);
    assert!(
        a.len() > 9
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    );
}

#[test]
fn nothing_runs_without_a_session_and_bad_credentials_are_unauthenticated() {
    let (_d, svc) = staffed("admin");
    sign_out(&svc).unwrap();
    assert!(status(&svc).unwrap().user.is_none());
    let e = require(&svc, Action::View).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let e = with_session(&svc, Action::View, |_, _, _| Ok(())).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let e = audit_page(&svc, 0, 10).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let e = sign_in(&svc, "officer", "wrong-password").unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let st = sign_in(&svc, "officer", "officer-pass-1").unwrap();
    assert_eq!(st.user.unwrap().username, "officer");
}

#[test]
fn idle_session_locks_and_only_the_users_password_unlocks() {
    let (_d, svc) = staffed("officer");
    require(&svc, Action::View).unwrap();
    let idle = status(&svc).unwrap().idle_timeout_minutes;
    advance_clock(&svc, Duration::minutes(i64::from(idle) + 1));
    assert!(status(&svc).unwrap().locked, "status shows the idle lock");
    let e = require(&svc, Action::View).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated, "{}", e.message);
    let e = unlock(&svc, "leader-pass-1").unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    let st = unlock(&svc, "officer-pass-1").unwrap();
    assert!(!st.locked);
    require(&svc, Action::View).unwrap();
    // Activity keeps it open: just under the idle time, twice.
    advance_clock(&svc, Duration::minutes(i64::from(idle) - 1));
    touch(&svc).unwrap();
    advance_clock(&svc, Duration::minutes(i64::from(idle) - 1));
    require(&svc, Action::View).unwrap();
    // Locked by hand.
    assert!(lock_session(&svc).unwrap().locked);
    assert_eq!(
        require(&svc, Action::View).unwrap_err().code,
        ErrorCode::Unauthenticated
    );
}

/// Item 5: a reviewer is refused every acting operation, in Rust.
#[test]
fn reviewer_is_forbidden_every_acting_operation() {
    let (_d, svc) = staffed("reviewer");
    for action in Action::ALL.iter().copied().filter(|a| *a != Action::View) {
        let mut ran = false;
        let e = with_session(&svc, action, |_, _, _| {
            ran = true;
            Ok(())
        })
        .unwrap_err();
        assert!(!ran, "{action:?} ran for a reviewer");
        assert_eq!(e.code, ErrorCode::Forbidden, "{action:?}: {}", e.message);
        assert!(e.message.contains("权限不足"), "{}", e.message);
    }
    // The account and settings operations of this module, through their real functions.
    assert_eq!(list_accounts(&svc).unwrap_err().code, ErrorCode::Forbidden);
    let req = NewAccountRequest {
        username: "x".into(),
        display_name: "x".into(),
        role: AccountRole::Admin,
        password: "long-enough".into(),
    };
    assert_eq!(
        create_account(&svc, &req).unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        set_account_active(&svc, "officer", false).unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        reset_password(&svc, "officer", "new-pass-123")
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        audit_setting_change(&svc, "feed.url", "a", "b")
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    // Reading is allowed.
    audit_page(&svc, 0, 10).unwrap();
    audit_verify(&svc).unwrap();
}

/// Item 5: an officer cannot approve: their own credentials are no approval, and an action
/// that needs one refuses without it.
#[test]
fn officer_cannot_approve() {
    let (_d, svc) = staffed("officer");
    let e = leader_approval(&svc, "officer", "officer-pass-1").unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{}", e.message);
    let e =
        with_approval(&svc, Action::ApproveRedCard, "made-up", |_, _, _, _| Ok(())).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // Wrong leader password: unauthenticated, and no ticket.
    let e = leader_approval(&svc, "leader", "nope-nope-nope").unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
}

#[test]
fn leader_approval_is_used_once_by_the_session_that_asked_for_it() {
    let (_d, svc) = staffed("officer");
    let ticket = leader_approval(&svc, "leader", "leader-pass-1").unwrap();
    assert_eq!(ticket.leader_username, "leader");
    assert_eq!(ticket.leader_display_name, "leader 名");
    assert!(ticket.expires_at > ticket.verified_at);
    // A refused call (reviewer) does not spend it … but it belongs to the officer anyway.
    let who = with_approval(
        &svc,
        Action::ApproveRedCard,
        &ticket.approval_id,
        |_, _, a, _| Ok(a.leader_username().to_string()),
    )
    .unwrap();
    assert_eq!(who, "leader");
    let e = with_approval(
        &svc,
        Action::ApproveRedCard,
        &ticket.approval_id,
        |_, _, _, _| Ok(()),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "used twice");
    // Approvals do not survive a change of user.
    let t2 = leader_approval(&svc, "leader", "leader-pass-1").unwrap();
    sign_in(&svc, "leader", "leader-pass-1").unwrap();
    let e = with_approval(
        &svc,
        Action::ApproveRedCard,
        &t2.approval_id,
        |_, _, _, _| Ok(()),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[test]
fn admin_manages_accounts_and_every_change_is_audited() {
    let (_d, svc) = staffed("admin");
    let accounts = list_accounts(&svc).unwrap();
    assert_eq!(accounts.len(), 4);
    let officer = accounts.iter().find(|a| a.username == "officer").unwrap();
    assert_eq!(officer.role, AccountRole::Officer);
    assert_eq!(officer.role_label, "监察员");
    set_account_active(&svc, "officer", false).unwrap();
    assert_eq!(
        set_account_active(&svc, "admin", false).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    reset_password(&svc, "leader", "fresh-pass-9").unwrap();
    let e = reset_password(&svc, "leader", "short").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("8"), "{}", e.message);
    audit_setting_change(&svc, "feed.url", "http://a", "http://b").unwrap();
    let page = audit_page(&svc, 0, 500).unwrap();
    let actions: Vec<&str> = page.entries.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "accounts.create",
        "accounts.set_active",
        "accounts.set_password",
        "settings.set",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert_eq!(page.total as usize, page.entries.len());
    assert!(
        page.entries.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    let second = audit_page(&svc, 2, 2).unwrap();
    assert_eq!(second.entries[0].seq, page.entries[2].seq);
    assert_eq!(
        audit_page(&svc, 0, 0).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    // The deactivated officer cannot sign in; the leader's new password works.
    sign_out(&svc).unwrap();
    assert!(sign_in(&svc, "officer", "officer-pass-1").is_err());
    sign_in(&svc, "leader", "fresh-pass-9").unwrap();
}

#[test]
fn verify_reports_intact_then_the_tampered_entry() {
    let (dir, svc) = staffed("admin");
    let r = audit_verify(&svc).unwrap();
    assert!(r.intact, "{r:?}");
    assert!(r.entries >= 4);
    // Tamper with the file directly (the triggers are dropped first, as an attacker would).
    let conn = rusqlite::Connection::open(dir.path().join("jiancha.sqlite")).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        conn.execute(&format!("DROP TRIGGER {t}"), []).unwrap();
    }
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", [])
        .unwrap();
    let r = audit_verify(&svc).unwrap();
    assert!(!r.intact);
    let bad = r.first_bad.unwrap();
    assert_eq!((bad.seq, bad.reason.as_str()), (2, "altered"));
}

fn ok<T>(r: Result<T, ApiError>) -> Result<(), ApiError> {
    r.map(|_| ())
}

/// Item 5, through the real entry points of every service module that acts: a reviewer's
/// session is refused (`forbidden`) by each, before anything is looked up or stored, and an
/// officer cannot approve without a leader's approval id.
#[test]
fn every_acting_service_command_refuses_a_reviewer() {
    use jiancha_api::letters::{CardAction, RedApprovalRequest, ReliefGround, RelieveCardRequest};
    use jiancha_api::Handlers;
    let (_d, svc) = staffed("reviewer");
    let forbidden = |what: &str, r: Result<(), ApiError>| {
        let e = r.expect_err(what);
        assert_eq!(e.code, ErrorCode::Forbidden, "{what}: {}", e.message);
    };
    // Every letter command (24, each step of both workflows) is refused a reviewer through the
    // typed commands: `crate::commands::tests::a_reviewer_is_refused_every_acting_letter_command`.
    let upd = jiancha_api::settings::SettingsUpdate {
        feed_url: Some("http://127.0.0.1:9/".into()),
        token: None,
        sync_interval_secs: None,
        warning_lead: None,
        language: None,
    };
    forbidden("settings", ok(crate::settings::update(&svc, upd)));
    let day = jiancha_api::calendar::CalendarDayEditRequest {
        date: "2026-12-01".into(),
        workday: false,
        name: "n".into(),
        reason: "r".into(),
    };
    forbidden("calendar edit", ok(crate::calendar::edit_day(&svc, day)));

    // The officer: may act, but approving needs a leader's approval id.
    sign_in(&svc, "officer", "officer-pass-1").unwrap();
    forbidden(
        "officer red approval",
        ok(svc.letters_red_approval(RedApprovalRequest {
            id: "r".into(),
            approve: true,
            text: "t".into(),
            approval_id: "no-approval".into(),
        })),
    );
    forbidden(
        "officer relieve",
        ok(svc.letters_relieve_card(RelieveCardRequest {
            card_id: "k".into(),
            action: CardAction::Exempt,
            ground: ReliefGround::Other,
            reason: "r".into(),
            approval_id: "no-approval".into(),
        })),
    );
    let own = leader_approval(&svc, "officer", "officer-pass-1").unwrap_err();
    assert_eq!(own.code, ErrorCode::Forbidden);
}

/// One mapping between the IPC roles and the workflow roles: inverse of each other, and the
/// IPC's serialized name is the workflow's stored code.
#[test]
fn account_roles_map_one_to_one_keeping_the_codes() {
    for r in Role::ALL {
        let a = role_dto(*r);
        assert_eq!(role_from_dto(a), *r);
        assert_eq!(serde_json::to_value(a).unwrap(), r.code());
    }
}
