//! The facts a letter states about a case and the centre (Art. B7: a letter states only facts).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_letters::LetterKind;
use jiancha_store::Db;
use jiancha_workflow::cards::Card;
use jiancha_workflow::util::{cst, cst_date};

use crate::error::invalid;

pub(super) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn unix_day(secs: Option<i64>) -> Option<NaiveDate> {
    secs.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .map(cst_date)
}

/// What the cache knows about a case: the facts of the letter templates.
pub(crate) struct CaseFacts {
    pub(crate) unit: String,
    pub(super) discipline_body: String,
    pub(crate) handler: Option<String>,
    pub(crate) facts: BTreeMap<String, String>,
    pub(super) yellow_at: Option<i64>,
    pub(super) red_at: Option<i64>,
    pub(super) signal: Option<String>,
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
pub(super) fn center_facts(db: &Db, f: &mut BTreeMap<String, String>) -> Result<(), ApiError> {
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
pub(super) fn facts_for_cards(
    db: &Db,
    cards: &[Card],
) -> Result<BTreeMap<String, String>, ApiError> {
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
