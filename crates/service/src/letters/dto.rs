//! Domain records (cards, letters, investigations, notices, measures) to the IPC rows of
//! `jiancha_api::letters`.

use chrono::{DateTime, Utc};
use jiancha_api::letters::{
    AdmonitionDto, AttachmentDto, CardDto, MeasureDto, NoticeDto, RedCaseDto, StepDto,
};
use jiancha_api::ApiError;
use jiancha_store::Db;
use jiancha_workflow::accountability;
use jiancha_workflow::admonition::{self, Admonition, AdmonitionState};
use jiancha_workflow::cards::{self, Card};
use jiancha_workflow::notices::Notice;
use jiancha_workflow::redcard::{self, RedCase};
use jiancha_workflow::util::{cst, cst_date};
use jiancha_workflow::{Session, StoredAttachment, Transition};

use super::facts::iso;
use super::render::existing_files;
use crate::app::Service;
use crate::calendar_store::load_calendar;
use crate::error::internal;

pub(super) fn at(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).to_rfc3339()
}

/// A stored RFC 3339 instant shown in CST (+08:00), as every other instant on the screens.
pub(super) fn cst_text(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| at(t.with_timezone(&Utc)))
        .unwrap_or_else(|_| s.to_string())
}

pub(super) fn steps(h: Vec<Transition>) -> Vec<StepDto> {
    h.into_iter()
        .map(|t| StepDto {
            from_state: t.from_state,
            to_state: t.to_state,
            action: t.action,
            actor: t.actor,
            approver: None,
            workstation: t.workstation,
            at: cst_text(&t.at),
        })
        .collect()
}

pub(super) fn atts(v: Vec<StoredAttachment>) -> Vec<AttachmentDto> {
    v.into_iter()
        .map(|a| AttachmentDto {
            purpose: a.purpose,
            name: a.attachment.name,
            path: a.attachment.path,
            sha256: a.attachment.sha256,
            added_at: a.added_at,
            added_by: a.added_by,
        })
        .collect()
}

pub(super) fn card_dto(c: Card) -> CardDto {
    CardDto {
        color_label: c.color.label().into(),
        color: api(c.color.code()),
        origin: api(c.origin.code()),
        case_id: c.case_id,
        unit: c.unit,
        person: c.person,
        situation: c.situation.map(|s| s.code().into()),
        description: c.description,
        signal_at: c.signal_at.map(at),
        state_label: c.state.label().into(),
        state: api(c.state.code()),
        raised_at: at(c.raised_at),
        raised_by: c.raised_by,
        relief: c.relief.map(|r| {
            format!(
                "{}：{}（{}）；{} 于 {} 登记，{} 批准",
                r.action.label(),
                r.ground.label(),
                r.reason,
                r.by,
                at(r.at),
                r.approved_by
            )
        }),
        evidence: atts(c.evidence),
        id: c.id,
    }
}

pub(super) fn admonition_dto(
    svc: &Service,
    db: &Db,
    session: &mut Session,
    a: Admonition,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let cal = load_calendar(db).map_err(internal)?;
    let lead = jiancha_workflow::settings::load(db.conn())?.rectification_warning_lead;
    let sig = admonition::rectification_signal(&a, &cal, lead, now);
    let history = admonition::history(db, session, &a.id, now)?;
    let mut case_ids = Vec::new();
    for cid in &a.card_ids {
        if let Ok(c) = cards::get(db, session, cid, now) {
            if let Some(k) = c.case_id {
                if !case_ids.contains(&k) {
                    case_ids.push(k);
                }
            }
        }
    }
    let files = if matches!(
        a.state,
        AdmonitionState::Issued | AdmonitionState::ReportReceived | AdmonitionState::Filed
    ) {
        existing_files(svc, a.number.as_deref())
    } else {
        Vec::new()
    };
    Ok(AdmonitionDto {
        unit: a.unit,
        addressee: a.addressee,
        body: a.body,
        state: api(a.state.code()),
        state_label: a.state.label().into(),
        number: a.number,
        created_at: at(a.created_at),
        created_by: a.created_by,
        issued_at: a.issued_at.map(at),
        issued_by: a.issued_by,
        report_due: a.report_due.map(iso),
        rectification: api(sig.code()),
        rectification_label: sig.label().into(),
        report_received_at: a.report_received_at.map(at),
        filed_at: a.filed_at.map(at),
        discard_reason: a.discard_reason,
        card_ids: a.card_ids,
        case_ids,
        attachments: atts(a.attachments),
        files,
        history: steps(history),
        id: a.id,
    })
}

pub(super) fn red_dto(
    svc: &Service,
    db: &Db,
    session: &mut Session,
    r: RedCase,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let history = redcard::history(db, session, &r.id, now)?;
    let case_id = cards::get(db, session, &r.card_id, now)
        .ok()
        .and_then(|c| c.case_id);
    let approver = r.approved_by.clone();
    let files = if r.notice_number.is_some() {
        existing_files(svc, r.notice_number.as_deref())
    } else {
        Vec::new()
    };
    Ok(RedCaseDto {
        overdue: r.step_due.is_some_and(|d| cst_date(now) > d),
        card_id: r.card_id,
        case_id,
        unit: r.unit,
        summary: r.summary,
        state: api(r.state.code()),
        state_label: r.state.label().into(),
        state_since: at(r.state_since),
        step_due: r.step_due.map(iso),
        created_at: at(r.created_at),
        created_by: r.created_by,
        approved_by: r.approved_by,
        approval_opinion: r.approval_opinion,
        rejection_reason: r.rejection_reason,
        route: r.route.as_deref().map(api),
        investigators: r.investigators,
        notice_number: r.notice_number,
        notice_addressee: r.notice_addressee,
        findings: r.findings,
        proposal: r.proposal.map(|p| api(p.code())),
        proposal_reason: r.proposal_reason,
        decision: r.decision.map(|d| {
            format!(
                "{}；{}；{}；纪要 {}",
                d.outcome.label(),
                d.body.label(),
                iso(d.date),
                d.minutes_number
            )
        }),
        handed_over_to: r.handed_over_to,
        closing_note: r.closing_note,
        attachments: atts(r.attachments),
        files,
        // The leader decided approve/reject with their own credentials: named on the step.
        history: steps(history)
            .into_iter()
            .map(|mut s| {
                if matches!(s.action.as_str(), "approve" | "reject") {
                    s.approver = approver.clone();
                }
                s
            })
            .collect(),
        id: r.id,
    })
}

pub(crate) fn notice_dto(n: Notice) -> NoticeDto {
    NoticeDto {
        case_id: n.case_id,
        handler: n.handler,
        phone: n.phone,
        channel: api(n.channel.code()),
        state: api(n.state.code()),
        state_label: n.state.label().into(),
        created_at: at(n.created_at),
        created_by: n.created_by,
        sent_at: n.sent_at.map(at),
        delivered_at: n.delivered_at.map(at),
        failure: n.failure,
        call: n.call.map(|c| {
            format!(
                "{} 于 {} 致电：{}{}",
                c.by,
                at(c.at),
                c.outcome.label(),
                c.note.map(|n| format!("（{n}）")).unwrap_or_default()
            )
        }),
        id: n.id,
    }
}

pub(super) fn measure_dto(m: accountability::Measure) -> MeasureDto {
    MeasureDto {
        target_kind: api(m.target_kind.code()),
        target_name: m.target_name,
        unit: m.unit,
        kind: api(m.kind.code()),
        kind_label: m.kind.label().into(),
        decided_on: iso(m.decided_on),
        decision_doc: m.decision_doc,
        source_id: m.source_id,
        recorded_at: at(m.recorded_at),
        recorded_by: m.recorded_by,
        id: m.id,
    }
}

/// The IPC enum of a domain code. The api enums list exactly the workflow crate's codes
/// (`commands::tests::api_codes_are_the_workflow_codes`), so every domain value has one.
pub(crate) fn api<A: jiancha_api::Code>(code: &str) -> A {
    A::from_code(code).unwrap_or_else(|| {
        panic!(
            "{code:?} is not a code of {}: the api enum lags the workflow crate",
            std::any::type_name::<A>()
        )
    })
}
