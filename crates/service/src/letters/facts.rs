//! The facts a letter states about a case and the centre (Art. B7: a letter states only facts).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_letters::missing_fact;
use jiancha_store::Db;
use jiancha_workflow::cards::Card;
use jiancha_workflow::util::{cst, cst_date};

use crate::error::{internal, invalid};

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
    // Art. B7: a letter states only facts. What the cache does not know is a visible gap
    // (`missing_fact`), never a stand-in; a letter with a gap cannot be numbered or issued.
    let mut put = |k: &str, v: Option<String>| {
        let v = v.filter(|v| !v.trim().is_empty());
        f.insert(
            k.to_string(),
            v.unwrap_or_else(|| missing_fact(fact_label(k))),
        );
    };
    put("unit", Some(unit.clone()));
    put("unit_discipline_body", body.clone());
    put("item_name", Some(c.item_name.clone()));
    put("case_no", Some(case_id.trim().to_string()));
    put("applicant", Some(c.applicant_name.clone()));
    put("handler", handler.clone());
    // The limit with its unit: 个工作日 only for a working-day (G) limit, 日 for a calendar-day
    // (Z) one (Licensing Law Art. 82; issue 13 item 3).
    let days = match c.promised_limit.unit {
        jiancha_protocol::LimitUnit::G => "个工作日",
        jiancha_protocol::LimitUnit::Z => "日",
    };
    put(
        "time_limit",
        Some(format!("{}{days}", c.promised_limit.value)),
    );
    let accepted = c
        .accepted_at
        .map(|t| t.0.with_timezone(&cst()).date_naive());
    let due = deadline
        .as_deref()
        .and_then(|d| d.parse::<NaiveDate>().ok());
    put("accepted_on", accepted.map(iso));
    put("due_on", due.map(iso));
    put("yellow_card_on", unix_day(yellow_at).map(iso));
    put("red_card_on", unix_day(red_at).map(iso));
    // The unit's leader in charge, from 设置 › 通讯录 (the feed does not carry it).
    let leader = jiancha_notify::db::contacts::lookup(
        db.conn(),
        &c.dept_id,
        jiancha_notify::ContactRole::LeaderInCharge,
        None,
    )
    .map_err(|e| internal(e.to_string()))?
    .map(|c| c.name);
    // Named when known; otherwise the letter names the role only (never a stand-in name).
    f.insert(
        "leader_note".into(),
        leader.map(|n| format!("（{n}）")).unwrap_or_default(),
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

/// The Chinese name of a letter fact, as a gap and a refusal name it.
pub(crate) fn fact_label(key: &str) -> &'static str {
    match key {
        "unit" => "承办单位",
        "unit_discipline_body" => "派驻纪检监察组",
        "item_name" => "事项名称",
        "case_no" => "办件编号",
        "applicant" => "申请人",
        "handler" => "承办人",
        "time_limit" => "承诺时限",
        "accepted_on" => "受理日期",
        "due_on" => "办结期限",
        "yellow_card_on" => "黄牌日期",
        "red_card_on" => "红牌日期",
        "issuer" => "本中心名称",
        "contact_name" => "联系人",
        "contact_phone" => "联系电话",
        _ => "文书要素",
    }
}

/// Issuer and contact facts: not in the feed; the centre's own from 设置 › 通知与短信
/// (`crate::sms::center_facts`). Unset, they are gaps: no demo value ever reaches a letter.
pub(super) fn center_facts(db: &Db, f: &mut BTreeMap<String, String>) -> Result<(), ApiError> {
    let own = crate::sms::center_facts(db)?;
    for k in ["issuer", "contact_name", "contact_phone"] {
        let v = own
            .get(k)
            .filter(|v| !v.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| missing_fact(fact_label(k)));
        f.entry(k.to_string()).or_insert(v);
    }
    Ok(())
}

/// Refuses a letter that still holds gaps (Art. B7), naming each and where it is set.
pub(super) fn require_complete(missing: &[String], what: &str) -> Result<(), ApiError> {
    if missing.is_empty() {
        return Ok(());
    }
    let mut wheres = Vec::new();
    let center = ["本中心名称", "联系人", "联系电话"];
    if missing.iter().any(|m| center.contains(&m.as_str())) {
        wheres.push("本中心名称、联系人和联系电话在 设置 › 通知与短信 › 发文单位信息 填写");
    }
    if missing.iter().any(|m| !center.contains(&m.as_str())) {
        wheres.push("其余要素可在正文中据实改写");
    }
    Err(invalid(format!(
        "文书尚有待补要素，不能{what}：{}。{}",
        missing.join("、"),
        wheres.join("；")
    )))
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
