//! The typed dispatch: the codes both sides agree on, and the role check every acting letter
//! command makes before it looks anything up (through `Handlers`, as the shell calls it).

use jiancha_api::auth::{AccountRole, Credentials, NewAccountRequest, SetupAdminRequest};
use jiancha_api::letters::{self as dto, *};
use jiancha_api::queues::CaseRequest;
use jiancha_api::{ErrorCode, Handlers, IdRequest};

use crate::app::{Config, Service};

/// Each api enum lists exactly the codes the workflow crate stores (the DTO fields the service
/// fills from `code()` are typed by these in TypeScript).
#[test]
fn api_codes_are_the_workflow_codes() {
    use jiancha_workflow::{accountability as acc, admonition as adm, cards, notices, redcard};
    macro_rules! same_codes {
        ($($api:ty = $wf:ty),* $(,)?) => {$({
            let mut a: Vec<&str> = <$api>::ALL.iter().map(|v| v.code()).collect();
            let mut w: Vec<&str> = <$wf>::ALL.iter().map(|v| v.code()).collect();
            a.sort_unstable();
            w.sort_unstable();
            assert_eq!(a, w, "{} vs {}", stringify!($api), stringify!($wf));
            for v in <$api>::ALL {
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(v.code()));
                // The service maps a domain code to its api variant (`letters::dto::api`).
                assert_eq!(<$api>::from_code(v.code()), Some(*v));
            }
        })*};
    }
    same_codes![
        dto::CardColor = cards::CardColor,
        dto::CardOrigin = cards::CardOrigin,
        dto::CardState = cards::CardState,
        dto::CardAction = cards::CardAction,
        dto::ReliefGround = cards::ReliefGround,
        dto::AdmonitionState = adm::AdmonitionState,
        dto::RectificationSignal = adm::RectificationSignal,
        dto::RedState = redcard::RedState,
        dto::RedOutcome = redcard::Outcome,
        dto::DecisionBody = redcard::DecisionBody,
        dto::NoticeChannel = notices::Channel,
        dto::NoticeState = notices::NoticeState,
        dto::CallOutcome = notices::CallOutcome,
        dto::MeasureKind = acc::MeasureKind,
        dto::TargetKind = acc::TargetKind,
    ];
    // The clock's signals (`CaseLettersDto.signal`).
    use jiancha_calendar::{Level, Signal};
    let mut clock: Vec<&str> = [Level::Normal, Level::Warning, Level::Yellow, Level::Red]
        .iter()
        .map(|l| l.as_str())
        .collect();
    clock.push(
        Signal::Done {
            on_time: true,
            highest: Level::Normal,
        }
        .as_str(),
    );
    let api: Vec<&str> = CaseSignal::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(api, clock);
}

/// A service with an administrator and one account of each working role, signed in as
/// `user` (through the commands, as the page does).
fn staffed(user: &str) -> (tempfile::TempDir, Service) {
    let dir = tempfile::tempdir().unwrap();
    let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
    svc.auth_setup_admin(SetupAdminRequest {
        username: "admin".into(),
        display_name: "管理员".into(),
        password: "admin-pass-1".into(),
    })
    .unwrap();
    for (u, role) in [
        ("officer", AccountRole::Officer),
        ("leader", AccountRole::Leader),
        ("reviewer", AccountRole::Reviewer),
    ] {
        svc.accounts_create(NewAccountRequest {
            username: u.into(),
            display_name: format!("{u} 名"),
            role,
            password: format!("{u}-pass-1"),
        })
        .unwrap();
    }
    svc.auth_sign_in(Credentials {
        username: user.into(),
        password: format!("{user}-pass-1"),
    })
    .unwrap();
    (dir, svc)
}

/// A rectification report file to attach.
fn report(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("report.pdf");
    std::fs::write(&p, b"%PDF-1.4 report").unwrap();
    p
}

fn code<T: std::fmt::Debug>(r: Result<T, jiancha_api::ApiError>) -> ErrorCode {
    r.expect_err("refused").code
}

fn every_admonition_step(report: &std::path::Path) -> Vec<AdmonitionStep> {
    vec![
        AdmonitionStep::Number,
        AdmonitionStep::Issue,
        AdmonitionStep::ReceiveReport {
            report_path: report.display().to_string(),
        },
        AdmonitionStep::File,
        AdmonitionStep::Discard { reason: "r".into() },
    ]
}

fn every_red_step() -> Vec<RedStep> {
    vec![
        RedStep::Investigate {
            investigators: "i".into(),
        },
        RedStep::IssueNotice {
            addressee: String::new(),
        },
        RedStep::RenderNotice,
        RedStep::Findings {
            findings: "f".into(),
            paths: vec![],
        },
        RedStep::Propose {
            outcome: RedOutcome::OpenCase,
            reason: "r".into(),
        },
        RedStep::HandOver { to: "t".into() },
        RedStep::Close { note: "n".into() },
        RedStep::File,
    ]
}

/// Every acting letter command, with requests that would pass the role check.
fn acting_commands(svc: &Service, dir: &std::path::Path) -> Vec<(String, ErrorCode)> {
    let mut out = Vec::new();
    let mut record = |what: &str, c: ErrorCode| out.push((what.to_string(), c));
    record(
        "take up",
        code(svc.letters_take_up_card(TakeUpCardRequest {
            case_id: "c1".into(),
            color: CardColor::Yellow,
        })),
    );
    record(
        "raise",
        code(svc.letters_raise_card(ManualCardInput {
            color: "yellow".into(),
            situation: "b4_03".into(),
            case_id: None,
            unit: "u".into(),
            person: None,
            description: "d".into(),
            evidence_paths: vec![],
        })),
    );
    record(
        "relieve",
        code(svc.letters_relieve_card(RelieveCardRequest {
            card_id: "k".into(),
            action: CardAction::Exempt,
            ground: ReliefGround::Other,
            reason: "r".into(),
            approval_id: "no-approval".into(),
        })),
    );
    record(
        "draft",
        code(svc.letters_admonition_draft(AdmonitionDraftRequest {
            card_ids: vec!["k".into()],
        })),
    );
    record(
        "edit",
        code(svc.letters_admonition_edit(AdmonitionEditRequest {
            id: "a".into(),
            addressee: "to".into(),
            body: "b".into(),
        })),
    );
    for step in every_admonition_step(&report(dir)) {
        let what = format!("admonition {step:?}");
        let r = svc.letters_admonition_step(AdmonitionStepRequest {
            id: "a".into(),
            step,
        });
        record(&what, code(r));
    }
    record(
        "red submit",
        code(svc.letters_red_submit(RedSubmitRequest {
            card_id: "k".into(),
            summary: "s".into(),
        })),
    );
    record(
        "red approval",
        code(svc.letters_red_approval(RedApprovalRequest {
            id: "r".into(),
            approve: true,
            text: "t".into(),
            approval_id: "no-approval".into(),
        })),
    );
    for step in every_red_step() {
        let what = format!("red {step:?}");
        let r = svc.letters_red_step(RedStepRequest {
            id: "r".into(),
            step,
        });
        record(&what, code(r));
    }
    record(
        "decision",
        code(svc.letters_red_decision(RedDecisionRequest {
            id: "r".into(),
            decision: DecisionInput {
                outcome: "open_case".into(),
                body: "standing_committee".into(),
                date: "2026-11-27".into(),
                minutes_number: "1".into(),
            },
        })),
    );
    record(
        "measure",
        code(svc.letters_measure(MeasureInput {
            target_kind: "unit".into(),
            target_name: "n".into(),
            unit: "u".into(),
            kind: "circulated_criticism".into(),
            decided_on: "2026-11-27".into(),
            decision_doc: "d".into(),
            decision_file: None,
            source_id: None,
        })),
    );
    record(
        "phone call",
        code(svc.letters_phone_call(PhoneCallRequest {
            case_id: "c1".into(),
            handler: "h".into(),
            called_at: String::new(),
            outcome: CallOutcome::Reached,
            note: String::new(),
        })),
    );
    record(
        "sms",
        code(svc.letters_queue_sms(QueueSmsRequest {
            case_id: "c1".into(),
            phone: "13800000001".into(),
        })),
    );
    out
}

/// Art. A8 (issue 7 item 5) through the typed commands: a reviewer is refused every acting
/// letter command, each step of both workflows included, before anything is looked up.
#[test]
fn a_reviewer_is_refused_every_acting_letter_command() {
    let (d, svc) = staffed("reviewer");
    let results = acting_commands(&svc, d.path());
    assert_eq!(results.len(), 24);
    for (what, c) in results {
        assert_eq!(c, ErrorCode::Forbidden, "{what}");
    }
    // Reading stays allowed.
    assert!(svc
        .letters_red_queue(RedQueueRequest::default())
        .unwrap()
        .is_empty());
    assert!(svc
        .letters_list(LetterFilter::default())
        .unwrap()
        .is_empty());
}

/// Signed out, every letter command is `unauthenticated`, reads included.
#[test]
fn signed_out_every_letter_command_is_unauthenticated() {
    let (d, svc) = staffed("officer");
    svc.auth_sign_out().unwrap();
    let mut results = acting_commands(&svc, d.path());
    results.push((
        "case".into(),
        code(svc.letters_case(CaseRequest {
            case_id: "c1".into(),
        })),
    ));
    results.push((
        "get".into(),
        code(svc.letters_admonition_get(IdRequest { id: "a".into() })),
    ));
    results.push((
        "red get".into(),
        code(svc.letters_red_get(IdRequest { id: "r".into() })),
    ));
    for (what, c) in results {
        assert_eq!(c, ErrorCode::Unauthenticated, "{what}");
    }
}

/// The officer passes each step's role check: the step then runs and finds no such record
/// (so every step reaches its own service function, not another's refusal).
#[test]
fn an_officer_reaches_every_workflow_step() {
    let (d, svc) = staffed("officer");
    for step in every_admonition_step(&report(d.path())) {
        let what = format!("{step:?}");
        let r = svc.letters_admonition_step(AdmonitionStepRequest {
            id: "a".into(),
            step,
        });
        assert_eq!(code(r), ErrorCode::NotFound, "{what}");
    }
    for step in every_red_step() {
        let what = format!("{step:?}");
        let r = svc.letters_red_step(RedStepRequest {
            id: "r".into(),
            step,
        });
        assert_eq!(code(r), ErrorCode::NotFound, "{what}");
    }
}
