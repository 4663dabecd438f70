//! The facts of a case that screens, letters, notices and the queue filters name — built once,
//! over the typed [`Case`], by [`CaseFacts::from_case`]. This is the one place that knows "who
//! handles a case now" (the latest step's 经办人, else the 受理人) and that a classified case
//! lists no applicant (Art. A4); nothing outside this crate reads a case payload's JSON.

use jiancha_protocol::{Case, Limit, Timestamp};

/// What the console says about a case, from its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// 办件编号.
    pub case_id: String,
    /// 受理单位 as the case names it (部门编码).
    pub dept_id: String,
    /// 实施编码.
    pub item_code: String,
    /// 事项名称.
    pub item_name: String,
    /// Art. A4 涉密/豁免.
    pub classified: bool,
    /// 申请者名称 as reported (for the documents addressed to the department itself).
    pub applicant_name: String,
    /// 申请者名称 where cases are listed: `None` for a classified case (Art. A4).
    pub applicant: Option<String>,
    /// 受理人员, once accepted.
    pub accepted_by: Option<String>,
    /// 受理时间, once accepted.
    pub accepted_at: Option<Timestamp>,
    /// Every step's 环节处理人, in step order.
    pub step_handlers: Vec<String>,
    /// The current handler: the latest step's handler, else the 受理人 (None before
    /// acceptance with no step).
    pub handler: Option<String>,
    /// 承诺办结时限.
    pub promised_limit: Limit,
}

impl CaseFacts {
    /// The facts of `case` (its current version as stored).
    pub fn from_case(case: &Case) -> CaseFacts {
        let accepted_by = case.acceptance.as_ref().map(|a| a.accepted_by.clone());
        let step_handlers: Vec<String> = case.steps.iter().map(|s| s.handler.clone()).collect();
        let handler = step_handlers
            .last()
            .cloned()
            .or_else(|| accepted_by.clone());
        CaseFacts {
            case_id: case.id.clone(),
            dept_id: case.department_id.clone(),
            item_code: case.item_code.clone(),
            item_name: case.item_name.clone(),
            classified: case.classified,
            applicant_name: case.application.applicant_name.clone(),
            // Art. A4: details of a classified case stay out of queues and exports.
            applicant: (!case.classified).then(|| case.application.applicant_name.clone()),
            accepted_by,
            accepted_at: case.acceptance.as_ref().map(|a| a.accepted_at),
            step_handlers,
            handler,
            promised_limit: case.promised_limit,
        }
    }

    /// `|受理人|经办人 1|经办人 2|…|`: every name that handled the case, `|`-delimited so a
    /// whole-name match is `instr(handlers, '|name|')`.
    pub fn handlers_field(&self) -> String {
        format!(
            "|{}|{}|",
            self.accepted_by.as_deref().unwrap_or(""),
            self.step_handlers.join("|")
        )
    }

    /// The words the queues' free-text filter searches: 办件编号, 事项, 申请人 (none when
    /// classified), every handler — lower-cased as SQLite's `lower()` does (ASCII only), the
    /// way the index was first built.
    pub fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.case_id,
            self.item_name,
            self.applicant.as_deref().unwrap_or(""),
            self.handlers_field()
        )
        .to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(json: serde_json::Value) -> Case {
        serde_json::from_value(json).unwrap()
    }

    fn base() -> serde_json::Value {
        serde_json::json!({
            "id": "XK-1", "item_code": "I1", "item_name": "食品经营许可", "department_id": "D1",
            "case_type": "2", "status": "3", "region_code": "650100",
            "promised_limit": {"value": 10, "unit": "G"},
            "statutory_limit": {"value": 20, "unit": "G"},
            "application": {"applied_at": "2026-02-06T09:00:00+08:00",
                            "applicant_name": "Ab餐饮", "applicant_kind": "2", "source": "1"},
        })
    }

    #[test]
    fn the_handler_is_the_latest_steps_else_the_acceptors_and_classified_lists_no_applicant() {
        let mut j = base();
        let f = CaseFacts::from_case(&case(j.clone()));
        assert_eq!((f.handler.clone(), f.accepted_by.clone()), (None, None));
        assert_eq!(f.handlers_field(), "|||");
        j["acceptance"] = serde_json::json!({"accepted_at": "2026-02-09T09:00:00+08:00",
            "accepted_by": "王堃", "document_no": "S1"});
        let f = CaseFacts::from_case(&case(j.clone()));
        assert_eq!(f.handler.as_deref(), Some("王堃"));
        assert_eq!(f.applicant.as_deref(), Some("Ab餐饮"));
        j["steps"] = serde_json::json!([
            {"name": "承办", "handler": "李娜", "started_at": "2026-02-10T09:00:00+08:00", "status": "2"},
            {"name": "审核", "handler": "Zhou", "started_at": "2026-02-11T09:00:00+08:00", "status": "1"},
        ]);
        j["classified"] = serde_json::json!(true);
        let f = CaseFacts::from_case(&case(j));
        assert_eq!(f.handler.as_deref(), Some("Zhou"));
        assert_eq!(f.handlers_field(), "|王堃|李娜|Zhou|");
        assert_eq!(f.applicant, None, "Art. A4");
        assert_eq!(f.applicant_name, "Ab餐饮");
        assert_eq!(f.search_text(), "xk-1 食品经营许可  |王堃|李娜|zhou|");
        assert_eq!(f.promised_limit.value, 10);
    }
}
