//! The letter workflows in the running app (issues 6 and 7): cards from the clock's signals and
//! manual cards (Arts. B4, B5), the 效能告诫书 (Arts. B7, B9) rendered as DOCX + PDF into the
//! data dir, red-card investigations with the 初步调查通知书 (Art. B8), accountability measures
//! (Art. B10) and warning notices by phone (Art. B6).
//!
//! Every function takes the caller's [`Session`] (the workflow crate authorises it first) and
//! the instant `now` (the shell reads the wall clock). Leader approvals arrive as an
//! [`Approval`] the shell obtained with the leader's credentials at that moment.
//!
//! Files: `<data dir>/letters/<year>/<文号>.{docx,pdf}` where the data dir is the directory of
//! the cache file. Templates come from the directory set with [`set_templates_dir`] (the
//! app's `assets/letters` resource) when it holds the kind's file, else the embedded copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use jiancha_api::letters::{
    AdmonitionDto, AttachmentDto, CardDto, CaseLettersDto, DecisionInput, LetterFilter, LetterRow,
    ManualCardInput, MeasureDto, MeasureInput, NoticeDto, RedCaseDto, StepDto,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_letters::{FontSet, LetterKind, Template};
use jiancha_store::Db;
use jiancha_workflow::accountability::{self, MeasureKind, NewMeasure, TargetKind};
use jiancha_workflow::admonition::{self, Admonition, AdmonitionFilter, AdmonitionState};
use jiancha_workflow::cards::{
    self, Card, CardAction, CardColor, CardFilter, CaseRef, ManualCard, ReliefGround, Situation,
};
use jiancha_workflow::notices::{self, CallOutcome, Channel, NewNotice, Notice};
use jiancha_workflow::redcard::{self, Decision, DecisionBody, Outcome, RedCase, RedState};
use jiancha_workflow::util::{cst, cst_date};
use jiancha_workflow::{Action, Approval, Attachment, Session, StoredAttachment, Transition};

use crate::app::Service;
use crate::calendar_store::load_calendar;
use crate::error::{internal, invalid};

// ---------------------------------------------------------------- errors, env

fn letter_err(e: jiancha_letters::LetterError) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("生成文书失败 / rendering the letter failed: {e}"),
    )
}

static TEMPLATES_DIR: OnceLock<PathBuf> = OnceLock::new();
static FONTS: OnceLock<Result<FontSet, String>> = OnceLock::new();

/// Where the shell found `assets/letters` (its resource dir). Set once at start-up; templates
/// there can be changed without a rebuild. Unset or missing file: the embedded template.
pub fn set_templates_dir(dir: PathBuf) {
    let _ = TEMPLATES_DIR.set(dir);
}

fn template(kind: LetterKind) -> Result<Template, ApiError> {
    let dir = TEMPLATES_DIR
        .get()
        .filter(|d| d.join(jiancha_letters::template_file_name(kind)).is_file());
    Template::load(kind, dir.map(PathBuf::as_path)).map_err(letter_err)
}

/// Fonts are discovered once per process (60–80 ms) and reused.
fn fonts() -> Result<&'static FontSet, ApiError> {
    FONTS
        .get_or_init(|| FontSet::discover().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Unavailable,
                format!("找不到生成PDF所需的中文字体 / no CJK font for the PDF: {e}"),
            )
        })
}

/// `<data dir>/letters`: next to the cache file.
pub fn letters_dir(svc: &Service) -> PathBuf {
    svc.config()
        .db_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("letters")
}

fn letter_paths(svc: &Service, number: &str, year: i32) -> (PathBuf, PathBuf) {
    let dir = letters_dir(svc).join(year.to_string());
    (
        dir.join(format!("{number}.docx")),
        dir.join(format!("{number}.pdf")),
    )
}

fn number_year(number: &str) -> i32 {
    // 〔2026〕: the year of a 文号 (GB/T 9704 §7.2.4).
    number
        .split('〔')
        .nth(1)
        .and_then(|s| s.split('〕').next())
        .and_then(|y| y.parse().ok())
        .unwrap_or(0)
}

fn existing_files(svc: &Service, number: Option<&str>) -> Vec<String> {
    let Some(n) = number else { return Vec::new() };
    let (d, p) = letter_paths(svc, n, number_year(n));
    [d, p]
        .into_iter()
        .filter(|f| f.is_file())
        .map(|f| f.display().to_string())
        .collect()
}

/// Renders and writes both files; a temporary name first, renamed when both are written.
fn render_to_disk(
    svc: &Service,
    kind: LetterKind,
    facts: &BTreeMap<String, String>,
    addressee: Option<&str>,
    body: Option<&str>,
) -> Result<Vec<PathBuf>, ApiError> {
    let number = facts.get("doc_no").cloned().unwrap_or_default();
    let mut letter = template(kind)?.fill(facts).map_err(letter_err)?;
    if let Some(a) = addressee {
        letter.recipient = a.to_string();
    }
    if let Some(b) = body {
        letter.set_body_text(b);
    }
    letter.validate().map_err(letter_err)?;
    let docx = jiancha_letters::render_docx(&letter).map_err(letter_err)?;
    let pdf = jiancha_letters::render_pdf(&letter, fonts()?).map_err(letter_err)?;
    let (dp, pp) = letter_paths(svc, &number, number_year(&number));
    let dir = dp.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| internal(format!("创建目录 {} 失败: {e}", dir.display())))?;
    for (path, bytes) in [(&dp, &docx), (&pp, &pdf)] {
        let tmp = path.with_extension("part");
        std::fs::write(&tmp, bytes)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| internal(format!("写入 {} 失败: {e}", path.display())))?;
    }
    Ok(vec![dp, pp])
}

// ---------------------------------------------------------------- case facts

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn unix_day(secs: Option<i64>) -> Option<NaiveDate> {
    secs.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .map(cst_date)
}

/// What the cache knows about a case: the facts of the letter templates.
pub(crate) struct CaseFacts {
    pub(crate) unit: String,
    discipline_body: String,
    pub(crate) handler: Option<String>,
    pub(crate) facts: BTreeMap<String, String>,
    yellow_at: Option<i64>,
    red_at: Option<i64>,
    signal: Option<String>,
}

pub(crate) fn case_facts(db: &Db, case_id: &str) -> Result<CaseFacts, ApiError> {
    // The facts come typed from the feed (one rule for the current handler: CaseFacts).
    let Some(rec) = jiancha_feed::db::case::record(db.conn(), case_id.trim())? else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("缓存中没有办件 {case_id} / no case {case_id} in the cache"),
        ));
    };
    let c = &rec.facts;
    let handler = c.handler.clone();
    let body = rec.discipline_body.clone();
    let (deadline, signal) = match rec.signal {
        Some(s) => (Some(s.deadline), Some(s.signal)),
        None => (None, None),
    };
    let (yellow_at, red_at) = (rec.yellow_at, rec.red_at);
    let unit = rec.dept_name.clone().unwrap_or_else(|| c.dept_id.clone());
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: Option<String>| {
        f.insert(k.to_string(), v.unwrap_or_else(|| "—".to_string()));
    };
    put("unit", Some(unit.clone()));
    put("unit_discipline_body", body.clone());
    put("item_name", Some(c.item_name.clone()));
    put("case_no", Some(case_id.trim().to_string()));
    put("applicant", Some(c.applicant_name.clone()));
    put("handler", handler.clone());
    put("time_limit", Some(c.promised_limit.value.to_string()));
    let accepted = c
        .accepted_at
        .map(|t| t.0.with_timezone(&cst()).date_naive());
    let due = deadline
        .as_deref()
        .and_then(|d| d.parse::<NaiveDate>().ok());
    let yellow = unix_day(yellow_at);
    // cn_date placeholders need a date: the nearest known one stands in, never a made-up day.
    let fallback = accepted.or(due).or(yellow).unwrap_or_default();
    f.insert("accepted_on".into(), iso(accepted.unwrap_or(fallback)));
    f.insert("due_on".into(), iso(due.unwrap_or(fallback)));
    f.insert("yellow_card_on".into(), iso(yellow.unwrap_or(fallback)));
    f.insert(
        "red_card_on".into(),
        iso(unix_day(red_at).unwrap_or(fallback)),
    );
    Ok(CaseFacts {
        unit,
        discipline_body: body.unwrap_or_default(),
        handler,
        facts: f,
        yellow_at,
        red_at,
        signal,
    })
}

/// Issuer, contact and leader facts: not in the feed; the center's own from 设置 › 通知与短信
/// (`crate::sms::center_facts`), demo values for those not set yet (docs/workflows.md).
fn center_facts(db: &Db, f: &mut BTreeMap<String, String>) -> Result<(), ApiError> {
    let own = crate::sms::center_facts(db)?;
    let demo = jiancha_letters::demo_facts(LetterKind::Admonition);
    for k in ["issuer", "contact_name", "contact_phone"] {
        let v = own
            .get(k)
            .cloned()
            .unwrap_or_else(|| demo.get(k).cloned().unwrap_or_default());
        f.entry(k.to_string()).or_insert(v);
    }
    f.entry("leader".into())
        .or_insert_with(|| "分管领导".to_string());
    Ok(())
}

/// Facts for a letter about several cards: the first card's case gives the details; the case
/// numbers of all cards are listed.
fn facts_for_cards(db: &Db, cards: &[Card]) -> Result<BTreeMap<String, String>, ApiError> {
    let first = cards
        .iter()
        .find_map(|c| c.case_id.clone())
        .ok_or_else(|| invalid("所选警告牌没有关联办件 / the cards name no case"))?;
    let mut f = case_facts(db, &first)?.facts;
    let nos: Vec<String> = cards.iter().filter_map(|c| c.case_id.clone()).collect();
    f.insert("case_no".into(), nos.join("、"));
    center_facts(db, &mut f)?;
    Ok(f)
}

// ---------------------------------------------------------------- DTO conversion

fn at(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst()).to_rfc3339()
}

/// A stored RFC 3339 instant shown in CST (+08:00), as every other instant on the screens.
fn cst_text(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| at(t.with_timezone(&Utc)))
        .unwrap_or_else(|_| s.to_string())
}

fn steps(h: Vec<Transition>) -> Vec<StepDto> {
    h.into_iter()
        .map(|t| StepDto {
            from_state: t.from_state,
            to_state: t.to_state,
            action: t.action,
            actor: t.actor,
            workstation: t.workstation,
            at: cst_text(&t.at),
        })
        .collect()
}

fn atts(v: Vec<StoredAttachment>) -> Vec<AttachmentDto> {
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

fn card_dto(c: Card) -> CardDto {
    CardDto {
        color_label: c.color.label().into(),
        color: c.color.code().into(),
        origin: c.origin.code().into(),
        case_id: c.case_id,
        unit: c.unit,
        person: c.person,
        situation: c.situation.map(|s| s.code().into()),
        description: c.description,
        signal_at: c.signal_at.map(at),
        state_label: c.state.label().into(),
        state: c.state.code().into(),
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

fn admonition_dto(
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
        state: a.state.code().into(),
        state_label: a.state.label().into(),
        number: a.number,
        created_at: at(a.created_at),
        created_by: a.created_by,
        issued_at: a.issued_at.map(at),
        issued_by: a.issued_by,
        report_due: a.report_due.map(iso),
        rectification: sig.code().into(),
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

fn red_dto(
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
        state: r.state.code().into(),
        state_label: r.state.label().into(),
        state_since: at(r.state_since),
        step_due: r.step_due.map(iso),
        created_at: at(r.created_at),
        created_by: r.created_by,
        approved_by: r.approved_by,
        approval_opinion: r.approval_opinion,
        rejection_reason: r.rejection_reason,
        route: r.route,
        investigators: r.investigators,
        notice_number: r.notice_number,
        notice_addressee: r.notice_addressee,
        findings: r.findings,
        proposal: r.proposal.map(|p| p.code().into()),
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
        history: steps(history),
        id: r.id,
    })
}

pub(crate) fn notice_dto(n: Notice) -> NoticeDto {
    NoticeDto {
        case_id: n.case_id,
        handler: n.handler,
        phone: n.phone,
        channel: n.channel.code().into(),
        state: n.state.code().into(),
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

fn measure_dto(m: accountability::Measure) -> MeasureDto {
    MeasureDto {
        target_kind: m.target_kind.code().into(),
        target_name: m.target_name,
        unit: m.unit,
        kind: m.kind.code().into(),
        kind_label: m.kind.label().into(),
        decided_on: iso(m.decided_on),
        decision_doc: m.decision_doc,
        source_id: m.source_id,
        recorded_at: at(m.recorded_at),
        recorded_by: m.recorded_by,
        id: m.id,
    }
}

fn attachment(path: &str, what: &str) -> Result<Attachment, ApiError> {
    let p = path.trim();
    if p.is_empty() {
        return Err(invalid(format!("请选择{what}文件 / no {what} file chosen")));
    }
    Attachment::from_file(p)
        .map_err(|e| invalid(format!("无法读取{what}文件 {p} / cannot read {p}: {e}")))
}

fn parse_date(field: &str, s: &str) -> Result<NaiveDate, ApiError> {
    s.trim().parse().map_err(|_| {
        invalid(format!(
            "{field}：日期格式应为 YYYY-MM-DD / {field} {s:?} is not a date"
        ))
    })
}

fn code<T>(field: &str, v: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, ApiError> {
    f(v.trim()).ok_or_else(|| invalid(format!("{field}：未知取值 {v:?} / unknown {field} {v:?}")))
}

// ---------------------------------------------------------------- cards

/// Takes up the card the clock raised on a case (yellow or red, Art. B5): registered once per
/// case and colour. Refused when the cache shows no such signal.
pub fn take_up_signal_card(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    color: &str,
    now: DateTime<Utc>,
) -> Result<CardDto, ApiError> {
    let color = code("color", color, CardColor::from_code)?;
    let mut db = svc.db()?;
    let cf = case_facts(&db, case_id)?;
    let began = match color {
        CardColor::Yellow => cf.yellow_at,
        CardColor::Red => cf.red_at,
    }
    .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            format!(
                "办件 {case_id} 没有{}信号 / the case has no {} signal",
                color.label(),
                color.code()
            ),
        )
    })?;
    let case = CaseRef {
        case_id: case_id.trim().to_string(),
        unit: cf.unit,
        handler: cf.handler,
    };
    cards::register_signal_card(&mut db, session, &case, color, began, now)
        .map(card_dto)
        .map_err(ApiError::from)
}

/// An officer's card for an Art. B4 situation, with evidence files read and hashed here.
pub fn raise_manual_card(
    svc: &Service,
    session: &mut Session,
    input: &ManualCardInput,
    now: DateTime<Utc>,
) -> Result<CardDto, ApiError> {
    let color = code("color", &input.color, CardColor::from_code)?;
    let situation = code("situation", &input.situation, Situation::from_code)?;
    let evidence = input
        .evidence_paths
        .iter()
        .map(|p| attachment(p, "证据"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut db = svc.db()?;
    cards::raise_manual_card(
        &mut db,
        session,
        &ManualCard {
            color,
            situation,
            case_id: input.case_id.as_deref(),
            unit: &input.unit,
            person: input.person.as_deref(),
            description: &input.description,
            evidence: &evidence,
        },
        now,
    )
    .map(card_dto)
    .map_err(ApiError::from)
}

/// Exempts (`exempt`) or revokes (`revoke`) a card with a reason and a leader's approval.
#[allow(clippy::too_many_arguments)]
pub fn relieve_card(
    svc: &Service,
    session: &mut Session,
    card_id: &str,
    action: &str,
    ground: &str,
    reason: &str,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<CardDto, ApiError> {
    let action = code("action", action, CardAction::from_code)?;
    let ground = code("ground", ground, ReliefGround::from_code)?;
    let mut db = svc.db()?;
    cards::relieve(
        &mut db, session, card_id, action, ground, reason, approval, now,
    )
    .map(card_dto)
    .map_err(ApiError::from)
}

// ---------------------------------------------------------------- 效能告诫书

/// Drafts a 效能告诫书 from one or several active yellow cards of one unit (Art. B7); the body
/// is the template's text filled with the case facts, to be edited before issue.
pub fn draft_admonition(
    svc: &Service,
    session: &mut Session,
    card_ids: &[String],
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let cards_ = card_ids
        .iter()
        .map(|id| cards::get(&db, session, id, now))
        .collect::<Result<Vec<_>, _>>()?;
    let mut f = facts_for_cards(&db, &cards_)?;
    let s = jiancha_workflow::settings::load(db.conn())?;
    let cal = load_calendar(&db).map_err(internal)?;
    // Provisional values: the number, issue date and deadline are set at issue.
    let today = cst_date(now);
    f.insert(
        "doc_no".into(),
        jiancha_workflow::numbering::format_number(&s.admonition_prefix, today.year(), 1),
    );
    f.insert("issue_date".into(), iso(today));
    f.insert("rectify_days".into(), s.rectification_days.to_string());
    f.insert(
        "rectify_deadline".into(),
        iso(jiancha_workflow::WorkCalendar::add_workdays(
            &cal,
            today,
            s.rectification_days,
        )),
    );
    let body = template(LetterKind::Admonition)?
        .fill(&f)
        .map_err(letter_err)?
        .body_text();
    let a = admonition::draft(
        &mut db,
        session,
        &admonition::NewDraft {
            card_ids,
            addressee: "",
            body: &body,
        },
        now,
    )?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn get_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let db = svc.db()?;
    let a = admonition::get(&db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn edit_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    addressee: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::edit(&mut db, session, id, addressee, body, now)?;
    admonition_dto(svc, &db, session, a, now)
}

/// Assigns the next 文号 of the year (prefix from the settings, never reused).
pub fn number_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::assign_number(&mut db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

/// Issues the letter: renders DOCX + PDF to `letters/<year>/<文号>.*` first (nothing changes
/// when rendering fails), then records the issue, which sets the rectification deadline
/// (Art. B9: `rectification.days` working days).
pub fn issue_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::get(&db, session, id, now)?;
    let cal = load_calendar(&db).map_err(internal)?;
    let mut written = Vec::new();
    if a.state == AdmonitionState::Numbered {
        let s = jiancha_workflow::settings::load(db.conn())?;
        let cards_ = a
            .card_ids
            .iter()
            .map(|c| cards::get(&db, session, c, now))
            .collect::<Result<Vec<_>, _>>()?;
        let mut f = facts_for_cards(&db, &cards_)?;
        let today = cst_date(now);
        let due = jiancha_workflow::WorkCalendar::add_workdays(&cal, today, s.rectification_days);
        f.insert("doc_no".into(), a.number.clone().unwrap_or_default());
        f.insert("issue_date".into(), iso(today));
        f.insert("rectify_days".into(), s.rectification_days.to_string());
        f.insert("rectify_deadline".into(), iso(due));
        written = render_to_disk(
            svc,
            LetterKind::Admonition,
            &f,
            Some(&a.addressee),
            Some(&a.body),
        )?;
    }
    // Any other state: the workflow refuses with the state and action named (conflict).
    match admonition::issue(&mut db, session, &cal, id, now) {
        Ok(a) => admonition_dto(svc, &db, session, a, now),
        Err(e) => {
            for f in written {
                let _ = std::fs::remove_file(f);
            }
            Err(ApiError::from(e))
        }
    }
}

/// Records the unit's written rectification report (Art. B9): the file chosen in the page is
/// read and hashed here; `received_on` defaults to now.
pub fn receive_report(
    svc: &Service,
    session: &mut Session,
    id: &str,
    path: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let report = attachment(path, "整改报告")?;
    let mut db = svc.db()?;
    let a = admonition::receive_report(&mut db, session, id, &report, now, now)?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn file_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::file(&mut db, session, id, now)?;
    admonition_dto(svc, &db, session, a, now)
}

pub fn discard_admonition(
    svc: &Service,
    session: &mut Session,
    id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<AdmonitionDto, ApiError> {
    let mut db = svc.db()?;
    let a = admonition::discard(&mut db, session, id, reason, now)?;
    admonition_dto(svc, &db, session, a, now)
}

// ---------------------------------------------------------------- red card (Art. B8)

pub fn submit_red_card(
    svc: &Service,
    session: &mut Session,
    card_id: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::submit(&mut db, session, &cal, card_id, summary, now)?;
    red_dto(svc, &db, session, r, now)
}

/// The leader approves (`approve = true`, optional opinion) or rejects (reason required).
pub fn decide_red_approval(
    svc: &Service,
    session: &mut Session,
    id: &str,
    approve: bool,
    text: &str,
    approval: Approval,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = if approve {
        let op = (!text.trim().is_empty()).then_some(text);
        redcard::approve(&mut db, session, &cal, id, approval, op, now)
    } else {
        redcard::reject(&mut db, session, &cal, id, approval, text, now)
    }?;
    red_dto(svc, &db, session, r, now)
}

pub fn investigate_directly(
    svc: &Service,
    session: &mut Session,
    id: &str,
    investigators: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::investigate_directly(&mut db, session, &cal, id, investigators, now)?;
    red_dto(svc, &db, session, r, now)
}

/// Issues the 初步调查通知书 (own numbering) to the unit's discipline body and renders it.
/// The number is allocated with the step; should rendering then fail, the step stands and
/// [`render_notice_files`] renders again.
pub fn issue_investigation_notice(
    svc: &Service,
    session: &mut Session,
    id: &str,
    addressee: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let mut addressee = addressee.trim().to_string();
    if addressee.is_empty() {
        let r = redcard::get(&db, session, id, now)?;
        let card = cards::get(&db, session, &r.card_id, now)?;
        if let Some(c) = card.case_id {
            addressee = case_facts(&db, &c)
                .map(|f| f.discipline_body)
                .unwrap_or_default();
        }
    }
    redcard::issue_notice(&mut db, session, &cal, id, &addressee, now)?;
    render_notice_files(svc, session, id, now)
}

/// (Re)renders the issued 初步调查通知书 of a red-card matter.
pub fn render_notice_files(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let db = svc.db()?;
    let r = redcard::get(&db, session, id, now)?;
    let number = r.notice_number.clone().ok_or_else(|| {
        ApiError::new(
            ErrorCode::Conflict,
            "尚未签发初步调查通知书 / no notice issued yet",
        )
    })?;
    let card = cards::get(&db, session, &r.card_id, now)?;
    let mut f = facts_for_cards(&db, std::slice::from_ref(&card))?;
    let s = jiancha_workflow::settings::load(db.conn())?;
    let issued = r.state_since;
    // The yellow card's letter of the same case, when there was one.
    let prior = card.case_id.as_ref().and_then(|c| {
        admonition::list(
            &db,
            session,
            &AdmonitionFilter {
                case_id: Some(c.clone()),
                ..Default::default()
            },
            now,
        )
        .ok()?
        .into_iter()
        .find(|a| a.issued_at.is_some())
    });
    let red_on = card.signal_at.unwrap_or(card.raised_at);
    f.insert("red_card_on".into(), iso(cst_date(red_on)));
    f.insert("doc_no".into(), number);
    f.insert("issue_date".into(), iso(cst_date(issued)));
    f.insert("unit".into(), r.unit.clone());
    f.insert("report_days".into(), s.red.investigation.to_string());
    f.insert(
        "report_deadline".into(),
        r.step_due.map(iso).unwrap_or_else(|| iso(cst_date(issued))),
    );
    match prior {
        Some(a) => {
            f.insert("admonition_no".into(), a.number.unwrap_or_default());
            f.insert(
                "admonition_date".into(),
                iso(cst_date(a.issued_at.unwrap_or(issued))),
            );
        }
        None => {
            f.insert("admonition_no".into(), "未发文号".into());
            let y = f.get("yellow_card_on").cloned().unwrap_or_default();
            f.insert("admonition_date".into(), y);
        }
    }
    render_to_disk(
        svc,
        LetterKind::InvestigationNotice,
        &f,
        r.notice_addressee.as_deref(),
        None,
    )?;
    red_dto(svc, &db, session, r, now)
}

pub fn record_findings(
    svc: &Service,
    session: &mut Session,
    id: &str,
    findings: &str,
    paths: &[String],
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let files = paths
        .iter()
        .map(|p| attachment(p, "调查材料"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::record_findings(&mut db, session, &cal, id, findings, &files, now)?;
    red_dto(svc, &db, session, r, now)
}

pub fn propose_outcome(
    svc: &Service,
    session: &mut Session,
    id: &str,
    outcome: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let outcome = code("outcome", outcome, Outcome::from_code)?;
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::propose(&mut db, session, &cal, id, outcome, reason, now)?;
    red_dto(svc, &db, session, r, now)
}

pub fn record_decision(
    svc: &Service,
    session: &mut Session,
    id: &str,
    d: &DecisionInput,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let dec = Decision {
        outcome: code("outcome", &d.outcome, Outcome::from_code)?,
        body: code("body", &d.body, DecisionBody::from_code)?,
        date: parse_date("date", &d.date)?,
        minutes_number: d.minutes_number.clone(),
    };
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = redcard::record_decision(&mut db, session, &cal, id, &dec, now)?;
    red_dto(svc, &db, session, r, now)
}

/// Concludes: `hand_over` (text = receiving body) or `close` (text = closing note), or
/// `file` (建档, text ignored).
pub fn conclude_red_case(
    svc: &Service,
    session: &mut Session,
    id: &str,
    step: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let mut db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let r = match step {
        "hand_over" => redcard::hand_over(&mut db, session, &cal, id, text, now),
        "close" => redcard::close(&mut db, session, &cal, id, text, now),
        "file" => redcard::file(&mut db, session, &cal, id, now),
        other => {
            return Err(invalid(format!(
                "未知步骤 {other:?} / unknown step (hand_over, close, file)"
            )))
        }
    }?;
    red_dto(svc, &db, session, r, now)
}

pub fn get_red_case(
    svc: &Service,
    session: &mut Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RedCaseDto, ApiError> {
    let db = svc.db()?;
    let r = redcard::get(&db, session, id, now)?;
    red_dto(svc, &db, session, r, now)
}

/// The open-steps queue of red-card matters (each step's deadline on the working-day
/// calendar), earliest deadline first; optionally of one state.
pub fn red_queue(
    svc: &Service,
    session: &mut Session,
    state: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<RedCaseDto>, ApiError> {
    let state = state
        .filter(|s| !s.trim().is_empty())
        .map(|s| code("state", s, RedState::from_code))
        .transpose()?;
    let db = svc.db()?;
    let mut v = redcard::list(&db, session, state, now)?;
    v.sort_by(|a, b| {
        (a.state == RedState::Filed, a.step_due, &a.id).cmp(&(
            b.state == RedState::Filed,
            b.step_due,
            &b.id,
        ))
    });
    v.into_iter()
        .map(|r| red_dto(svc, &db, session, r, now))
        .collect()
}

// ---------------------------------------------------------------- measures, notices

pub fn record_measure(
    svc: &Service,
    session: &mut Session,
    m: &MeasureInput,
    now: DateTime<Utc>,
) -> Result<MeasureDto, ApiError> {
    let file = m
        .decision_file
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| attachment(p, "决定文书"))
        .transpose()?;
    let mut db = svc.db()?;
    accountability::record(
        &mut db,
        session,
        &NewMeasure {
            target_kind: code("target_kind", &m.target_kind, TargetKind::from_code)?,
            target_name: &m.target_name,
            unit: &m.unit,
            kind: code("kind", &m.kind, MeasureKind::from_code)?,
            decided_on: parse_date("decided_on", &m.decided_on)?,
            decision_doc: &m.decision_doc,
            decision_file: file.as_ref(),
            source_id: m.source_id.as_deref(),
        },
        now,
    )
    .map(measure_dto)
    .map_err(ApiError::from)
}

/// Records a warning phone call (Art. B6): to whom (defaults to the case's handler), when,
/// the outcome (`reached|no_answer|wrong_number|other`) and a note.
#[allow(clippy::too_many_arguments)]
pub fn record_phone_call(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    handler: &str,
    called_at: &str,
    outcome: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<NoticeDto, ApiError> {
    let outcome = code("outcome", outcome, CallOutcome::from_code)?;
    let called_at = if called_at.trim().is_empty() {
        now
    } else {
        DateTime::parse_from_rfc3339(called_at.trim())
            .map_err(|_| {
                invalid(format!(
                    "通话时间格式错误 / called_at {called_at:?} is not an RFC 3339 instant"
                ))
            })?
            .with_timezone(&Utc)
    };
    let mut db = svc.db()?;
    let handler = if handler.trim().is_empty() {
        case_facts(&db, case_id)?.handler.unwrap_or_default()
    } else {
        handler.trim().to_string()
    };
    let n = notices::create(
        &mut db,
        session,
        &NewNotice {
            case_id,
            handler: &handler,
            phone: None,
            channel: Channel::Phone,
        },
        now,
    )?;
    let note = (!note.trim().is_empty()).then_some(note);
    notices::record_call(&mut db, session, &n.id, called_at, outcome, note, now)
        .map(notice_dto)
        .map_err(ApiError::from)
}

/// Everything about one case's cards, letters, investigations, notices and measures.
pub fn case_letters(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<CaseLettersDto, ApiError> {
    let db = svc.db()?;
    let signal = case_facts(&db, case_id).ok().and_then(|f| f.signal);
    let cards_ = cards::list(
        &db,
        session,
        &CardFilter {
            case_id: Some(case_id.trim().into()),
            ..Default::default()
        },
        now,
    )?;
    let mut measures = Vec::new();
    let ids: Vec<String> = cards_.iter().map(|c| c.id.clone()).collect();
    let adm = admonition::list(
        &db,
        session,
        &AdmonitionFilter {
            case_id: Some(case_id.trim().into()),
            ..Default::default()
        },
        now,
    )?;
    let reds = redcard::for_case(&db, session, case_id, now)?;
    let mut sources: Vec<String> = ids.clone();
    sources.extend(adm.iter().map(|a| a.id.clone()));
    sources.extend(reds.iter().map(|r| r.id.clone()));
    let units: Vec<String> = cards_.iter().map(|c| c.unit.clone()).collect();
    for u in units.iter().take(1) {
        for m in accountability::list(&db, session, Some(u), now)? {
            if m.source_id.as_ref().is_some_and(|s| sources.contains(s)) {
                measures.push(measure_dto(m));
            }
        }
    }
    Ok(CaseLettersDto {
        case_id: case_id.trim().into(),
        signal,
        cards: cards_.into_iter().map(card_dto).collect(),
        admonitions: adm
            .into_iter()
            .map(|a| admonition_dto(svc, &db, session, a, now))
            .collect::<Result<_, _>>()?,
        red_cases: reds
            .into_iter()
            .map(|r| red_dto(svc, &db, session, r, now))
            .collect::<Result<_, _>>()?,
        notices: notices::for_case(&db, session, case_id, now)?
            .into_iter()
            .map(notice_dto)
            .collect(),
        measures,
        sms_unavailable: crate::sms::unavailable_reason(&db),
        sms: crate::sms::for_case(&db, case_id)?,
        sms_stopped: crate::sms::stopped_reason(&db, case_id)?,
    })
}

/// The 文书 list: 效能告诫书 and 初步调查通知书 with filters by kind, state, unit and date.
pub fn list_letters(
    svc: &Service,
    session: &mut Session,
    f: &LetterFilter,
    now: DateTime<Utc>,
) -> Result<Vec<LetterRow>, ApiError> {
    let from = f
        .from
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_date("from", s))
        .transpose()?;
    let to =
        f.to.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_date("to", s))
            .transpose()?;
    let kind = f.kind.as_deref().filter(|s| !s.trim().is_empty());
    if let Some(k) = kind {
        if k != "admonition" && k != "investigation-notice" {
            return Err(invalid(format!(
                "未知文书类型 {k:?} / unknown kind (admonition, investigation-notice)"
            )));
        }
    }
    let unit = f.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let state = f.state.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let in_range = |t: DateTime<Utc>| {
        let d = cst_date(t);
        from.is_none_or(|x| d >= x) && to.is_none_or(|x| d <= x)
    };
    let db = svc.db()?;
    let cal = load_calendar(&db).map_err(internal)?;
    let lead = jiancha_workflow::settings::load(db.conn())?.rectification_warning_lead;
    let mut rows = Vec::new();
    if kind != Some("investigation-notice") {
        for a in admonition::list(
            &db,
            session,
            &AdmonitionFilter {
                unit: unit.map(Into::into),
                ..Default::default()
            },
            now,
        )? {
            if state.is_some_and(|s| s != a.state.code()) || !in_range(a.created_at) {
                continue;
            }
            let sig = admonition::rectification_signal(&a, &cal, lead, now);
            let issued = matches!(
                a.state,
                AdmonitionState::Issued | AdmonitionState::ReportReceived | AdmonitionState::Filed
            );
            rows.push(LetterRow {
                kind: "admonition".into(),
                kind_label: "效能告诫书".into(),
                files: if issued {
                    existing_files(svc, a.number.as_deref())
                } else {
                    Vec::new()
                },
                id: a.id,
                number: a.number,
                unit: a.unit,
                state: a.state.code().into(),
                state_label: a.state.label().into(),
                created_at: at(a.created_at),
                created_by: a.created_by,
                issued_at: a.issued_at.map(at),
                due: a.report_due.map(iso),
                due_signal: Some(sig.code().into()),
            });
        }
    }
    if kind != Some("admonition") {
        for r in redcard::list(&db, session, None, now)? {
            let Some(number) = r.notice_number.clone() else {
                continue;
            };
            if unit.is_some_and(|u| u != r.unit)
                || state.is_some_and(|s| s != r.state.code())
                || !in_range(r.created_at)
            {
                continue;
            }
            let issued_at = redcard::history(&db, session, &r.id, now)?
                .into_iter()
                .find(|t| t.action == "issue_notice")
                .map(|t| cst_text(&t.at));
            rows.push(LetterRow {
                kind: "investigation-notice".into(),
                kind_label: "初步调查通知书".into(),
                files: existing_files(svc, Some(&number)),
                number: Some(number),
                unit: r.unit,
                state: r.state.code().into(),
                state_label: r.state.label().into(),
                created_at: at(r.created_at),
                created_by: r.created_by,
                issued_at,
                due_signal: r.step_due.map(|d| {
                    if cst_date(now) > d {
                        "overdue".into()
                    } else {
                        "open".into()
                    }
                }),
                due: r.step_due.map(iso),
                id: r.id,
            });
        }
    }
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(rows)
}

// ---------------------------------------------------------------- the shell's entry points
//
// The app's commands: the workstation's signed-in session (crate::auth), the wall clock, and
// leader approvals by the id the approval dialog returned. Each inner function authorises the
// precise workflow action again; the outer check gives the uniform "not signed in / locked".

/// Runs `f` in the signed-in session once it may perform `action` (Art. A8). The IPC
/// commands (`crate::commands::letters`) open every letter operation through this.
pub(crate) fn in_session<T>(
    svc: &Service,
    action: Action,
    f: impl FnOnce(&mut Session, DateTime<Utc>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut out = None;
    crate::auth::with_session(svc, action, |_db, session, now| {
        out = Some(f(session, now));
        Ok(())
    })?;
    out.unwrap_or_else(|| Err(internal("session callback did not run")))
}

/// As [`in_session`], with the leader's one-time approval `approval_id` for `action`.
pub(crate) fn with_leader<T>(
    svc: &Service,
    action: Action,
    approval_id: &str,
    f: impl FnOnce(&mut Session, Approval, DateTime<Utc>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut out = None;
    crate::auth::with_approval(svc, action, approval_id, |_db, session, approval, now| {
        out = Some(f(session, approval, now));
        Ok(())
    })?;
    out.unwrap_or_else(|| Err(internal("approval callback did not run")))
}

// ---------------------------------------------------------------- legacy entry points

// The positional-string entry points the shell used before the typed commands
// (`crate::commands::letters`, one dispatch per command). Kept for tests only: the tests of
// `crate::auth` and `crate::letters` still call them; new code and tests use
// `jiancha_api::Handlers` on `Service`.

/// The case screen's cards, letters, investigations, notices and measures.
#[cfg(test)]
pub(crate) fn cmd_case(svc: &Service, case_id: &str) -> Result<CaseLettersDto, ApiError> {
    in_session(svc, Action::View, |s, now| {
        case_letters(svc, s, case_id, now)
    })
}

/// The 文书 list.
#[cfg(test)]
pub(crate) fn cmd_list(svc: &Service, filter: &LetterFilter) -> Result<Vec<LetterRow>, ApiError> {
    in_session(svc, Action::View, |s, now| {
        list_letters(svc, s, filter, now)
    })
}

/// The red-card investigation queue.
#[cfg(test)]
pub(crate) fn cmd_red_queue(
    svc: &Service,
    state: Option<&str>,
) -> Result<Vec<RedCaseDto>, ApiError> {
    in_session(svc, Action::View, |s, now| red_queue(svc, s, state, now))
}

#[cfg(test)]
pub(crate) fn cmd_take_up_card(
    svc: &Service,
    case_id: &str,
    color: &str,
) -> Result<CardDto, ApiError> {
    in_session(svc, Action::RegisterSignalCard, |s, now| {
        take_up_signal_card(svc, s, case_id, color, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_raise_card(svc: &Service, input: &ManualCardInput) -> Result<CardDto, ApiError> {
    in_session(svc, Action::RaiseManualCard, |s, now| {
        raise_manual_card(svc, s, input, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_relieve_card(
    svc: &Service,
    card_id: &str,
    action: &str,
    ground: &str,
    reason: &str,
    approval_id: &str,
) -> Result<CardDto, ApiError> {
    with_leader(svc, Action::RelieveCard, approval_id, |s, ap, now| {
        relieve_card(svc, s, card_id, action, ground, reason, ap, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_admonition_draft(
    svc: &Service,
    card_ids: &[String],
) -> Result<AdmonitionDto, ApiError> {
    in_session(svc, Action::DraftAdmonition, |s, now| {
        draft_admonition(svc, s, card_ids, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_admonition_edit(
    svc: &Service,
    id: &str,
    addressee: &str,
    body: &str,
) -> Result<AdmonitionDto, ApiError> {
    in_session(svc, Action::EditAdmonition, |s, now| {
        edit_admonition(svc, s, id, addressee, body, now)
    })
}

/// One step of a 效能告诫书: `number`, `issue`, `receive_report` (text = the report file's
/// path), `file`, `discard` (text = reason).
#[cfg(test)]
pub(crate) fn cmd_admonition_step(
    svc: &Service,
    id: &str,
    step: &str,
    text: &str,
) -> Result<AdmonitionDto, ApiError> {
    let action = match step {
        "number" => Action::NumberAdmonition,
        "issue" => Action::IssueAdmonition,
        "receive_report" => Action::RecordRectification,
        "file" => Action::FileAdmonition,
        "discard" => Action::DiscardAdmonition,
        other => {
            return Err(invalid(format!(
                "未知步骤 {other:?} / unknown step (number, issue, receive_report, file, discard)"
            )))
        }
    };
    in_session(svc, action, |s, now| match step {
        "number" => number_admonition(svc, s, id, now),
        "issue" => issue_admonition(svc, s, id, now),
        "receive_report" => receive_report(svc, s, id, text, now),
        "file" => file_admonition(svc, s, id, now),
        _ => discard_admonition(svc, s, id, text, now),
    })
}

#[cfg(test)]
pub(crate) fn cmd_red_submit(
    svc: &Service,
    card_id: &str,
    summary: &str,
) -> Result<RedCaseDto, ApiError> {
    in_session(svc, Action::SubmitRedCard, |s, now| {
        submit_red_card(svc, s, card_id, summary, now)
    })
}

/// The leader's decision with the approval the dialog returned (credentials at that moment).
#[cfg(test)]
pub(crate) fn cmd_red_approval(
    svc: &Service,
    id: &str,
    approve: bool,
    text: &str,
    approval_id: &str,
) -> Result<RedCaseDto, ApiError> {
    with_leader(svc, Action::ApproveRedCard, approval_id, |s, ap, now| {
        decide_red_approval(svc, s, id, approve, text, ap, now)
    })
}

/// One step of a red-card matter: `investigate` (text = investigators), `issue_notice` (text =
/// addressee, empty = the unit's discipline body), `render_notice`, `findings` (text, paths),
/// `propose` (outcome, text = reason), `hand_over` (text = to), `close` (text = note), `file`.
#[cfg(test)]
pub(crate) fn cmd_red_step(
    svc: &Service,
    id: &str,
    step: &str,
    text: &str,
    outcome: &str,
    paths: &[String],
) -> Result<RedCaseDto, ApiError> {
    let action = match step {
        "investigate" | "issue_notice" | "render_notice" => Action::ChooseInvestigationRoute,
        "findings" => Action::RecordFindings,
        "propose" => Action::ProposeOutcome,
        "hand_over" | "close" => Action::ConcludeRedCard,
        "file" => Action::FileRedCard,
        other => {
            return Err(invalid(format!(
                "未知步骤 {other:?} / unknown step (investigate, issue_notice, render_notice, findings, propose, hand_over, close, file)"
            )))
        }
    };
    in_session(svc, action, |s, now| match step {
        "investigate" => investigate_directly(svc, s, id, text, now),
        "issue_notice" => issue_investigation_notice(svc, s, id, text, now),
        "render_notice" => render_notice_files(svc, s, id, now),
        "findings" => record_findings(svc, s, id, text, paths, now),
        "propose" => propose_outcome(svc, s, id, outcome, text, now),
        other => conclude_red_case(svc, s, id, other, text, now),
    })
}

#[cfg(test)]
pub(crate) fn cmd_red_decision(
    svc: &Service,
    id: &str,
    d: &DecisionInput,
) -> Result<RedCaseDto, ApiError> {
    in_session(svc, Action::RecordDecision, |s, now| {
        record_decision(svc, s, id, d, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_measure(svc: &Service, m: &MeasureInput) -> Result<MeasureDto, ApiError> {
    in_session(svc, Action::RecordMeasure, |s, now| {
        record_measure(svc, s, m, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_phone_call(
    svc: &Service,
    case_id: &str,
    handler: &str,
    called_at: &str,
    outcome: &str,
    note: &str,
) -> Result<NoticeDto, ApiError> {
    in_session(svc, Action::RecordPhoneCall, |s, now| {
        record_phone_call(svc, s, case_id, handler, called_at, outcome, note, now)
    })
}

#[cfg(test)]
pub(crate) fn cmd_queue_sms(
    svc: &Service,
    case_id: &str,
    phone: &str,
) -> Result<NoticeDto, ApiError> {
    // Art. B6: the handler's number from the input or the directory (crate::sms).
    in_session(svc, Action::CreateNotice, |s, now| {
        crate::sms::queue(svc, s, case_id, phone, now).map(notice_dto)
    })
}

#[cfg(test)]
mod tests;
