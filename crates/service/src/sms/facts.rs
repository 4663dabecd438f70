//! What a notice says about a case: unit, item, handler, how late it is.

use std::collections::BTreeMap;

use jiancha_api::{ApiError, ErrorCode};
use jiancha_store::Db;

pub(super) struct CaseInfo {
    pub(super) dept_id: String,
    pub(super) handler: String,
    pub(super) values: BTreeMap<String, String>,
}

/// Template values of a case as of now, from the feed's notice facts.
pub(super) fn case_info(db: &Db, case_id: &str, sign: &str) -> Result<CaseInfo, ApiError> {
    let case_id = case_id.trim();
    let rec = jiancha_feed::db::case::record(db.conn(), case_id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("缓存中没有办件 {case_id} / no case {case_id} in the cache"),
        )
    })?;
    let handler = rec.facts.handler.clone().unwrap_or_default();
    let (deadline, remaining) = match &rec.signal {
        Some(s) => (
            s.deadline.parse::<chrono::NaiveDate>().ok(),
            Some(s.remaining_workdays),
        ),
        None => (None, None),
    };
    let deadline_cn = deadline.map(|d| d.format("%-m月%-d日").to_string());
    let status = match (remaining, &deadline_cn) {
        (Some(r), Some(d)) if r >= 0 => format!("将于{d}到期"),
        (Some(r), Some(d)) => format!("已于{d}到期，超期 {} 个工作日", -r),
        _ => "临近办理时限".to_string(),
    };
    let unit = rec
        .dept_name
        .clone()
        .unwrap_or_else(|| rec.facts.dept_id.clone());
    let item = Some(rec.facts.item_name.clone()).filter(|i| !i.is_empty());
    let mut values = BTreeMap::new();
    values.insert("handler".into(), handler.clone());
    values.insert("unit".into(), unit);
    values.insert("item".into(), item.unwrap_or_else(|| "—".into()));
    values.insert("case_no".into(), case_id.to_string());
    values.insert("deadline".into(), deadline_cn.unwrap_or_else(|| "—".into()));
    values.insert("status".into(), status);
    values.insert("sign".into(), sign.to_string());
    Ok(CaseInfo {
        dept_id: rec.dept_id,
        handler,
        values,
    })
}
