//! Reading what the officer typed: attachment paths, dates, codes.

use chrono::NaiveDate;
use jiancha_api::ApiError;
use jiancha_workflow::Attachment;

use crate::error::invalid;

pub(super) fn attachment(path: &str, what: &str) -> Result<Attachment, ApiError> {
    let p = path.trim();
    if p.is_empty() {
        return Err(invalid(format!("请选择{what}文件 / no {what} file chosen")));
    }
    Attachment::from_file(p)
        .map_err(|e| invalid(format!("无法读取{what}文件 {p} / cannot read {p}: {e}")))
}

pub(super) fn parse_date(field: &str, s: &str) -> Result<NaiveDate, ApiError> {
    s.trim().parse().map_err(|_| {
        invalid(format!(
            "{field}：日期格式应为 YYYY-MM-DD / {field} {s:?} is not a date"
        ))
    })
}

pub(super) fn code<T>(field: &str, v: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, ApiError> {
    f(v.trim()).ok_or_else(|| invalid(format!("{field}：未知取值 {v:?} / unknown {field} {v:?}")))
}
