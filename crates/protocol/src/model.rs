//! The entities the feed carries. JSON keys are English snake_case; the GB/T 39046-2020 data
//! element each one carries is named in its doc comment (and in docs/feed-protocol.md).
//! Code tables (事项类型代码, 办件类型代码, 满意度代码 ...) travel as the standard's code strings.
//!
//! Unknown JSON keys are ignored (a newer minor schema version may add fields); an unknown code
//! in a code table, a missing required field or a bad timestamp makes the record malformed.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// A time limit and its unit (办结时限 + 时限单位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limit {
    /// 时限 (a count of days, >= 1).
    pub value: u32,
    /// 时限单位: `G` working days (工作日), `Z` calendar days (自然日).
    pub unit: LimitUnit,
}

/// 时限单位.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LimitUnit {
    /// G: working days (工作日).
    G,
    /// Z: calendar days (自然日), moved forward to the next working day when the last one is not.
    Z,
}

/// 层级: where a department sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 市级.
    City,
    /// 县（市、区）级.
    County,
}

/// A department (行政机关 / 实施主体) and the discipline body stationed with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// 部门编码 (the feed's stable key for the department).
    pub id: String,
    /// 部门名称.
    pub name: String,
    /// 层级 (city or county).
    pub level: Level,
    /// 行政区划代码 (6 digits).
    pub region_code: String,
    /// 行政区划名称.
    pub region_name: String,
    /// 统一社会信用代码 (18 characters).
    pub credit_code: String,
    /// 派驻纪检组/监察室: receives warnings, cards and investigation notices (Art. A8, B8).
    pub discipline_body: DisciplineBody,
}

/// 派驻纪检组 (stationed discipline-inspection group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisciplineBody {
    /// 纪检组编码.
    pub id: String,
    /// 纪检组名称.
    pub name: String,
    /// 联系人 (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// 联系电话 (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// 事项类型代码.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemType {
    /// 01 行政许可.
    #[serde(rename = "01")]
    Licensing,
    /// 02 行政处罚.
    #[serde(rename = "02")]
    Penalty,
    /// 03 行政强制.
    #[serde(rename = "03")]
    Enforcement,
    /// 04 行政征收.
    #[serde(rename = "04")]
    Levy,
    /// 05 行政给付.
    #[serde(rename = "05")]
    Benefit,
    /// 06 行政检查.
    #[serde(rename = "06")]
    Inspection,
    /// 07 行政确认.
    #[serde(rename = "07")]
    Confirmation,
    /// 08 行政奖励.
    #[serde(rename = "08")]
    Reward,
    /// 09 行政裁决.
    #[serde(rename = "09")]
    Adjudication,
    /// 10 其他行政权力.
    #[serde(rename = "10")]
    Other,
    /// 20 公共服务.
    #[serde(rename = "20")]
    PublicService,
}

/// 办件类型代码.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseType {
    /// 1 即办件 (same-day; promised in 1 working day).
    #[serde(rename = "1")]
    Immediate,
    /// 2 承诺件 (promised within the item's 承诺办结时限).
    #[serde(rename = "2")]
    Promised,
    /// 9 其他.
    #[serde(rename = "9")]
    Other,
}

/// An item in the catalogue (事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// 实施编码 (an..24): the item's key.
    pub code: String,
    /// 基本编码 (an..10).
    pub basic_code: String,
    /// 事项名称.
    pub name: String,
    /// 事项类型代码.
    pub item_type: ItemType,
    /// 实施主体: the department's 部门编码.
    pub department_id: String,
    /// 法定办结时限 + 单位.
    pub statutory_limit: Limit,
    /// 承诺办结时限 + 单位.
    pub promised_limit: Limit,
    /// 办件类型 usually applied to this item (1 即办件, 2 承诺件).
    pub case_type: CaseType,
    /// 特别程序 (free text naming the special procedures the item allows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_procedure: Option<String>,
}

/// 办件状态: the state codes of the national exchange format (the case's latest event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseStatus {
    /// 1 已接件.
    #[serde(rename = "1")]
    Received,
    /// 2 已撤件.
    #[serde(rename = "2")]
    Cancelled,
    /// 3 已受理.
    #[serde(rename = "3")]
    Accepted,
    /// 4 不受理.
    #[serde(rename = "4")]
    NotAccepted,
    /// 5 不予受理.
    #[serde(rename = "5")]
    Refused,
    /// 6 补正（开始）.
    #[serde(rename = "6")]
    CorrectionStarted,
    /// 7 补正（结束）.
    #[serde(rename = "7")]
    CorrectionEnded,
    /// 8 部门开始办理.
    #[serde(rename = "8")]
    Processing,
    /// 9 特别程序（开始）.
    #[serde(rename = "9")]
    SpecialStarted,
    /// 10 特别程序（结束）.
    #[serde(rename = "10")]
    SpecialEnded,
    /// 11 办结（通过）.
    #[serde(rename = "11")]
    CompletedApproved,
    /// 12 办结（容缺通过）.
    #[serde(rename = "12")]
    CompletedConditional,
    /// 13 办结（不通过）.
    #[serde(rename = "13")]
    CompletedRejected,
    /// 14 撤回.
    #[serde(rename = "14")]
    Withdrawn,
    /// 15 撤销.
    #[serde(rename = "15")]
    Revoked,
}

/// 办事申请 (the application part of a case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// 申请时间.
    pub applied_at: Timestamp,
    /// 申请者名称 (masked by the feed for natural persons).
    pub applicant_name: String,
    /// 申请者类型: `1` 自然人, `2` 法人 (free code, not validated).
    pub applicant_kind: String,
    /// 申报来源代码 (e.g. `1` 窗口, `2` 网上, free code, not validated).
    pub source: String,
}

/// 受理.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// 受理时间: the clock starts on the working day after it (rules.md B5).
    pub accepted_at: Timestamp,
    /// 受理人员.
    pub accepted_by: String,
    /// 受理文书编号.
    pub document_no: String,
    /// 承诺办结时间 as computed by the department (informative; the console computes its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_at: Option<Timestamp>,
}

/// 不受理 / 不予受理.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// 决定时间.
    pub rejected_at: Timestamp,
    /// 理由.
    pub reason: String,
}

/// 业务动作.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// 通过.
    Pass,
    /// 退回.
    Return,
    /// 其他.
    Other,
}

/// 环节办理状态代码.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepStatus {
    /// 1 待办.
    #[serde(rename = "1")]
    Pending,
    /// 2 已办.
    #[serde(rename = "2")]
    Done,
}

/// 办理 (one processing step: 承办, 审核, 批准 ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// 环节名称.
    pub name: String,
    /// 环节处理人.
    pub handler: String,
    /// 业务动作 (set when the step is done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<StepAction>,
    /// 环节处理意见.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<String>,
    /// 环节开始时间.
    pub started_at: Timestamp,
    /// 环节结束时间.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// 环节办理状态代码.
    pub status: StepStatus,
}

/// 补正 (补交告知 → 补交受理): the clock pauses without a cap (rules.md B16, feed-facts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// 补正开始 (补交告知时间).
    pub started_at: Timestamp,
    /// 补正结束 (补交受理时间); absent while the applicant has not answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// 补正内容/理由.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// 补交时限 (time allowed to the applicant), informative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Limit>,
}

/// 特别程序种类代码.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SpecialKind {
    /// 1 = kind A 延长审批 (extension approved by a leader).
    #[serde(rename = "1")]
    Extension,
    /// 2 = kind B 听证/招标/拍卖/检验/检测/检疫/鉴定/专家评审 (Licensing Law Art. 45).
    #[serde(rename = "2")]
    Other,
}

/// 特别程序 (special procedure): pauses the clock, by at most `limit` when one is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialProcedure {
    /// 特别程序种类代码 (1 = A, 2 = B).
    pub kind: SpecialKind,
    /// 特别程序开始时间.
    pub started_at: Timestamp,
    /// 特别程序结束时间; absent while running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// 启动理由或依据.
    pub reason: String,
    /// 特别程序时限 + 单位 (the cap); absent = no cap (the clock freezes until it ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
    /// 特别程序结果 (实地核查, 听证, 检验 ...), once ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

/// 办结结果.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 通过 (status 11).
    Approved,
    /// 容缺通过 (status 12).
    Conditional,
    /// 不通过 (status 13).
    Rejected,
}

/// 办结.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// 办结时间.
    pub completed_at: Timestamp,
    /// 办理人.
    pub handler: String,
    /// 办结结果.
    pub outcome: Outcome,
    /// 结果证照名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_name: Option<String>,
    /// 结果证照编号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_no: Option<String>,
    /// 是否收费.
    #[serde(default)]
    pub fee_charged: bool,
}

/// 撤回 (withdrawn by the applicant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// 撤回时间.
    pub withdrawn_at: Timestamp,
    /// 撤回原因.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A case (办件) with every event so far. Each feed record carries the full current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// 办件编号 (an..50): the case's key.
    pub id: String,
    /// 实施编码 of the item.
    pub item_code: String,
    /// 事项名称.
    pub item_name: String,
    /// 受理单位: the department's 部门编码.
    pub department_id: String,
    /// 办件类型代码.
    pub case_type: CaseType,
    /// 办件状态 (the latest event's state code).
    pub status: CaseStatus,
    /// 行政区划代码.
    pub region_code: String,
    /// 涉密/豁免 mark (Art. A4): details stay out of queues, charts and exports.
    #[serde(default)]
    pub classified: bool,
    /// 承诺办结时限 applied to this case (copied from the item at acceptance).
    pub promised_limit: Limit,
    /// 法定办结时限 applied to this case.
    pub statutory_limit: Limit,
    /// 办事申请.
    pub application: Application,
    /// 受理 (absent before acceptance or when refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Acceptance>,
    /// 不受理 / 不予受理.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    /// 办理 steps, in the order they began.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// 补正 periods, in order.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// 特别程序 periods, in order.
    #[serde(default)]
    pub special_procedures: Vec<SpecialProcedure>,
    /// 办结.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
    /// 撤回.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<Withdrawal>,
}

/// 满意度代码.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Satisfaction {
    /// 1 非常满意.
    #[serde(rename = "1")]
    VerySatisfied,
    /// 2 满意.
    #[serde(rename = "2")]
    Satisfied,
    /// 3 基本满意.
    #[serde(rename = "3")]
    Fair,
    /// 4 不满意.
    #[serde(rename = "4")]
    Dissatisfied,
    /// 5 非常不满意.
    #[serde(rename = "5")]
    VeryDissatisfied,
}

/// 评价 (an applicant's evaluation of a case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// 评价编号.
    pub id: String,
    /// 办件编号.
    pub case_id: String,
    /// 部门编码 of the case's department.
    pub department_id: String,
    /// 评价渠道 (`window`, `web`, `app`, `phone`, `sms`; free code).
    pub channel: String,
    /// 评价时间.
    pub evaluated_at: Timestamp,
    /// 满意度代码.
    pub satisfaction: Satisfaction,
    /// 评价内容.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// 投诉 (a complaint received through the portal; handled under measure C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// 投诉编号.
    pub id: String,
    /// 投诉标题.
    pub title: String,
    /// 投诉人 (confidential, Art. C8: the console never shows it outside the complaint file).
    pub complainant: String,
    /// 投诉人联系方式 (confidential, Art. C8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_contact: Option<String>,
    /// 被投诉单位 (部门编码).
    pub target_department_id: String,
    /// 被投诉人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_person: Option<String>,
    /// 投诉内容.
    pub content: String,
    /// 投诉来源 (`portal`, `phone`, `letter`, `visit`; free code).
    pub source: String,
    /// 投诉时间 (receipt: Art. C5's 15 working days run from here).
    pub received_at: Timestamp,
    /// 投诉类别 (Art. C4's nine categories, `1`..`9`; free code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// 关联办件编号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// 承办单位.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler_unit: Option<String>,
    /// 承办人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// 承办时间.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_at: Option<Timestamp>,
    /// 反馈信息.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// 反馈时间.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_at: Option<Timestamp>,
    /// 承诺时限 (working days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_days: Option<u32>,
    /// 延期时限 (working days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_days: Option<u32>,
    /// 延期原因.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_reason: Option<String>,
    /// 超期天数 as reported by the feed (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<u32>,
}
