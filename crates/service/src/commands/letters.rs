//! The letter workflows (issues 6 and 7; Arts. B4–B10): cards, 效能告诫书, red-card
//! investigations, measures and warning notices. Each command opens the signed-in session for
//! the one workflow `Action` it performs (the role check, Art. A8) — with a leader's one-time
//! approval where the article asks for one — and calls `crate::letters`, where the rules are.
//! Steps are matched once, exhaustively, on the typed enums of `jiancha_api::letters`.

use jiancha_api::letters::{
    AdmonitionDraftRequest, AdmonitionDto, AdmonitionEditRequest, AdmonitionStep,
    AdmonitionStepRequest, CardDto, CaseLettersDto, LetterFilter, LetterRow, ManualCardInput,
    MeasureDto, MeasureInput, NoticeDto, OpenFileRequest, PhoneCallRequest, QueueSmsRequest,
    RedApprovalRequest, RedCaseDto, RedDecisionRequest, RedQueueRequest, RedStep, RedStepRequest,
    RedSubmitRequest, RelieveCardRequest, TakeUpCardRequest,
};
use jiancha_api::queues::CaseRequest;
use jiancha_api::{ApiError, IdRequest};
use jiancha_workflow::Action;

use crate::app::Service;
use crate::letters::{self as l, in_session, with_leader};

pub(super) fn letters_case(svc: &Service, req: CaseRequest) -> Result<CaseLettersDto, ApiError> {
    in_session(svc, Action::View, |s, now| {
        l::case_letters(svc, s, &req.case_id, now)
    })
}

pub(super) fn letters_list(svc: &Service, req: LetterFilter) -> Result<Vec<LetterRow>, ApiError> {
    in_session(svc, Action::View, |s, now| {
        l::list_letters(svc, s, &req, now)
    })
}

pub(super) fn letters_red_queue(
    svc: &Service,
    req: RedQueueRequest,
) -> Result<Vec<RedCaseDto>, ApiError> {
    let state = req.state.map(|s| s.code());
    in_session(svc, Action::View, |s, now| l::red_queue(svc, s, state, now))
}

/// Art. B5: the clock's yellow or red card of a case, registered once per case and colour.
pub(super) fn letters_take_up_card(
    svc: &Service,
    req: TakeUpCardRequest,
) -> Result<CardDto, ApiError> {
    in_session(svc, Action::RegisterSignalCard, |s, now| {
        l::take_up_signal_card(svc, s, &req.case_id, req.color.code(), now)
    })
}

/// Art. B4: an officer's card.
pub(super) fn letters_raise_card(svc: &Service, req: ManualCardInput) -> Result<CardDto, ApiError> {
    in_session(svc, Action::RaiseManualCard, |s, now| {
        l::raise_manual_card(svc, s, &req, now)
    })
}

/// Exemption or revocation needs a leader's approval.
pub(super) fn letters_relieve_card(
    svc: &Service,
    req: RelieveCardRequest,
) -> Result<CardDto, ApiError> {
    with_leader(svc, Action::RelieveCard, &req.approval_id, |s, ap, now| {
        l::relieve_card(
            svc,
            s,
            &req.card_id,
            req.action.code(),
            req.ground.code(),
            &req.reason,
            ap,
            now,
        )
    })
}

/// Art. B7: a 效能告诫书 drafted from active yellow cards of one unit.
pub(super) fn letters_admonition_draft(
    svc: &Service,
    req: AdmonitionDraftRequest,
) -> Result<AdmonitionDto, ApiError> {
    in_session(svc, Action::DraftAdmonition, |s, now| {
        l::draft_admonition(svc, s, &req.card_ids, now)
    })
}

pub(super) fn letters_admonition_get(
    svc: &Service,
    req: IdRequest,
) -> Result<AdmonitionDto, ApiError> {
    in_session(svc, Action::View, |s, now| {
        l::get_admonition(svc, s, &req.id, now)
    })
}

pub(super) fn letters_admonition_edit(
    svc: &Service,
    req: AdmonitionEditRequest,
) -> Result<AdmonitionDto, ApiError> {
    in_session(svc, Action::EditAdmonition, |s, now| {
        l::edit_admonition(svc, s, &req.id, &req.addressee, &req.body, now)
    })
}

/// The workflow action each step of a 效能告诫书 performs (what the role must be allowed).
fn admonition_action(step: &AdmonitionStep) -> Action {
    match step {
        AdmonitionStep::Number => Action::NumberAdmonition,
        AdmonitionStep::Issue => Action::IssueAdmonition,
        AdmonitionStep::ReceiveReport { .. } => Action::RecordRectification,
        AdmonitionStep::File => Action::FileAdmonition,
        AdmonitionStep::Discard { .. } => Action::DiscardAdmonition,
    }
}

/// Arts. B7, B9: number, issue, the rectification report, file, discard.
pub(super) fn letters_admonition_step(
    svc: &Service,
    req: AdmonitionStepRequest,
) -> Result<AdmonitionDto, ApiError> {
    let id = req.id.as_str();
    in_session(svc, admonition_action(&req.step), |s, now| {
        match &req.step {
            AdmonitionStep::Number => l::number_admonition(svc, s, id, now),
            AdmonitionStep::Issue => l::issue_admonition(svc, s, id, now),
            AdmonitionStep::ReceiveReport { report_path } => {
                l::receive_report(svc, s, id, report_path, now)
            }
            AdmonitionStep::File => l::file_admonition(svc, s, id, now),
            AdmonitionStep::Discard { reason } => l::discard_admonition(svc, s, id, reason, now),
        }
    })
}

/// Art. B8: a red card goes to the leader in charge before any investigation.
pub(super) fn letters_red_submit(
    svc: &Service,
    req: RedSubmitRequest,
) -> Result<RedCaseDto, ApiError> {
    in_session(svc, Action::SubmitRedCard, |s, now| {
        l::submit_red_card(svc, s, &req.card_id, &req.summary, now)
    })
}

/// Art. B8: the leader's decision, with the approval the dialog returned (credentials at that
/// moment).
pub(super) fn letters_red_approval(
    svc: &Service,
    req: RedApprovalRequest,
) -> Result<RedCaseDto, ApiError> {
    with_leader(
        svc,
        Action::ApproveRedCard,
        &req.approval_id,
        |s, ap, now| l::decide_red_approval(svc, s, &req.id, req.approve, &req.text, ap, now),
    )
}

/// The workflow action each step of a red-card matter performs.
fn red_action(step: &RedStep) -> Action {
    match step {
        RedStep::Investigate { .. } | RedStep::IssueNotice { .. } | RedStep::RenderNotice => {
            Action::ChooseInvestigationRoute
        }
        RedStep::Findings { .. } => Action::RecordFindings,
        RedStep::Propose { .. } => Action::ProposeOutcome,
        RedStep::HandOver { .. } | RedStep::Close { .. } => Action::ConcludeRedCard,
        RedStep::File => Action::FileRedCard,
    }
}

/// Art. B8: route, findings, proposal, conclusion, filing.
pub(super) fn letters_red_step(svc: &Service, req: RedStepRequest) -> Result<RedCaseDto, ApiError> {
    let id = req.id.as_str();
    in_session(svc, red_action(&req.step), |s, now| match &req.step {
        RedStep::Investigate { investigators } => {
            l::investigate_directly(svc, s, id, investigators, now)
        }
        RedStep::IssueNotice { addressee } => {
            l::issue_investigation_notice(svc, s, id, addressee, now)
        }
        RedStep::RenderNotice => l::render_notice_files(svc, s, id, now),
        RedStep::Findings { findings, paths } => {
            l::record_findings(svc, s, id, findings, paths, now)
        }
        RedStep::Propose { outcome, reason } => {
            l::propose_outcome(svc, s, id, outcome.code(), reason, now)
        }
        RedStep::HandOver { to } => l::conclude_red_case(svc, s, id, "hand_over", to, now),
        RedStep::Close { note } => l::conclude_red_case(svc, s, id, "close", note, now),
        RedStep::File => l::conclude_red_case(svc, s, id, "file", "", now),
    })
}

pub(super) fn letters_red_decision(
    svc: &Service,
    req: RedDecisionRequest,
) -> Result<RedCaseDto, ApiError> {
    in_session(svc, Action::RecordDecision, |s, now| {
        l::record_decision(svc, s, &req.id, &req.decision, now)
    })
}

pub(super) fn letters_red_get(svc: &Service, req: IdRequest) -> Result<RedCaseDto, ApiError> {
    in_session(svc, Action::View, |s, now| {
        l::get_red_case(svc, s, &req.id, now)
    })
}

/// Art. B10: an accountability measure.
pub(super) fn letters_measure(svc: &Service, req: MeasureInput) -> Result<MeasureDto, ApiError> {
    in_session(svc, Action::RecordMeasure, |s, now| {
        l::record_measure(svc, s, &req, now)
    })
}

/// Art. B6: a warning notice by phone.
pub(super) fn letters_phone_call(
    svc: &Service,
    req: PhoneCallRequest,
) -> Result<NoticeDto, ApiError> {
    in_session(svc, Action::RecordPhoneCall, |s, now| {
        l::record_phone_call(
            svc,
            s,
            &req.case_id,
            &req.handler,
            &req.called_at,
            req.outcome.code(),
            &req.note,
            now,
        )
    })
}

/// Art. B6: a warning SMS, to the number given or the handler's in the directory.
pub(super) fn letters_queue_sms(
    svc: &Service,
    req: QueueSmsRequest,
) -> Result<NoticeDto, ApiError> {
    in_session(svc, Action::CreateNotice, |s, now| {
        crate::sms::queue(svc, s, &req.case_id, &req.phone, now)
    })
    .map(crate::letters::notice_dto)
}

/// Opens an issued letter's file in the system's viewer (any signed-in role may read letters).
pub(super) fn letters_open_file(svc: &Service, req: OpenFileRequest) -> Result<(), ApiError> {
    in_session(svc, Action::View, |_, _| {
        crate::letters::open_letter_file(svc, &req.path)
    })
}
