//! Notice settings (Art. B6 SMS gateway, quiet hours, escalation; the centre's own facts for
//! letters), the notices directory (通讯录) and the SMS records shown on a case. Secrets (the
//! gateway's token or app secret) never cross IPC back to the page: only a hint.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The notice settings as shown.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct NoticeSettingsView {
    /// A send URL and credentials are stored: SMS can go out.
    pub configured: bool,
    pub send_url: String,
    /// Delivery status endpoint; empty = no receipts are polled.
    pub status_url: String,
    /// `bearer` | `app_key`.
    pub auth: String,
    /// `••••abcd` of the bearer token or the app secret, when one is stored.
    pub secret_hint: Option<String>,
    /// The app key (not a secret by itself; shown redacted: `AK12…(20 chars)`).
    pub app_key_hint: Option<String>,
    /// 短信签名.
    pub sign_name: String,
    /// The platform's template id; empty = none.
    pub template_code: String,
    /// The message template with `{handler}` `{item}` `{case_no}` `{deadline}` `{sign}`.
    pub template: String,
    /// SMS allowed from … (`HH:MM`, CST).
    pub quiet_morning: String,
    /// … until (`HH:MM`, CST; `24:00` = end of day).
    pub quiet_night: String,
    /// SMS only on working days of the calendar.
    pub workdays_only: bool,
    /// Tell a case's handler automatically when it enters 预警 (needs the handler's number in
    /// the directory).
    pub auto_warning: bool,
    /// Section chief told after this many working hours without action (0 = never).
    pub chief_after_hours: u32,
    /// Leader in charge told this many working days after the chief (0 = never).
    pub leader_after_days: u32,
    /// The centre's name as it signs letters (落款) and SMS (`{sign}`).
    pub center_name: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// What the dispatcher did last, for the settings page.
    pub last_dispatch: Option<DispatchReport>,
}

/// A change: absent fields stay. `secret: ""` removes the stored secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct NoticeSettingsUpdate {
    #[ts(optional)]
    pub send_url: Option<String>,
    #[ts(optional)]
    pub status_url: Option<String>,
    #[ts(optional)]
    pub auth: Option<String>,
    /// The bearer token or the app secret.
    #[ts(optional)]
    pub secret: Option<String>,
    #[ts(optional)]
    pub app_key: Option<String>,
    #[ts(optional)]
    pub sign_name: Option<String>,
    #[ts(optional)]
    pub template_code: Option<String>,
    #[ts(optional)]
    pub template: Option<String>,
    #[ts(optional)]
    pub quiet_morning: Option<String>,
    #[ts(optional)]
    pub quiet_night: Option<String>,
    #[ts(optional)]
    pub workdays_only: Option<bool>,
    #[ts(optional)]
    pub auto_warning: Option<bool>,
    #[ts(optional)]
    pub chief_after_hours: Option<u32>,
    #[ts(optional)]
    pub leader_after_days: Option<u32>,
    #[ts(optional)]
    pub center_name: Option<String>,
    #[ts(optional)]
    pub contact_name: Option<String>,
    #[ts(optional)]
    pub contact_phone: Option<String>,
}

/// One dispatcher pass (the background loop's tick or a manual one).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct DispatchReport {
    /// RFC 3339 instant of the pass.
    pub at: String,
    /// Notices created for cases entering 预警.
    pub auto_notices: u32,
    /// Cases entering 预警 whose handler has no number in the directory.
    pub missing_numbers: u32,
    /// Escalation SMS scheduled (section chief, leader in charge, retries).
    pub escalations: u32,
    pub sent: u32,
    pub failed: u32,
    pub receipts: u32,
    /// Quiet hours: nothing went out.
    pub quiet: bool,
    /// The pass's error, if it failed (e.g. the gateway refused the credentials).
    pub error: Option<String>,
}

/// A directory entry.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ContactDto {
    #[ts(type = "number")]
    pub id: i64,
    pub dept_id: String,
    /// The department's name from the feed, if known.
    pub dept_name: Option<String>,
    /// `handler` | `section_chief` | `leader_in_charge`.
    pub role: String,
    pub role_label: String,
    pub name: String,
    pub phone: String,
}

/// Result of importing directory lines.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ContactImportResult {
    pub added: u32,
    pub updated: u32,
}

/// A test SMS sent from the settings page.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SmsTestResult {
    /// The platform's message id.
    pub message_id: String,
    /// The text that was sent.
    pub content: String,
}

/// One entry of an SMS's history.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SmsEventDto {
    /// `scheduled` | `sent` | `receipt` | `failure`.
    pub kind: String,
    pub at: String,
    pub status: Option<String>,
    pub detail: String,
}

/// One SMS of a case (Art. B6: every notice, receipt and failure shown on the case).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SmsDto {
    #[ts(type = "number")]
    pub id: i64,
    pub notice_id: String,
    /// `handler` | `section_chief` | `leader_in_charge`.
    pub role: String,
    pub role_label: String,
    pub recipient: String,
    pub phone: String,
    pub content: String,
    /// `scheduled` | `sent` | `delivered` | `undelivered` | `failed`.
    pub state: String,
    pub state_label: String,
    pub due_at: String,
    pub sent_at: Option<String>,
    pub events: Vec<SmsEventDto>,
}

/// A handler of open cards (预警/黄牌/红牌) with no number in the directory: the officer fills
/// these in so automatic notices can reach them.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct MissingContactDto {
    pub dept_id: String,
    pub dept_name: Option<String>,
    pub handler: String,
    /// Open cards of this handler now.
    #[ts(type = "number")]
    pub open_cards: i64,
}

/// `sms_contacts_import`: directory lines `部门编码,角色,姓名,手机号码` (all or nothing).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ContactsImportRequest {
    pub text: String,
}

/// `sms_contact_delete`: one directory entry.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ContactDeleteRequest {
    #[ts(type = "number")]
    pub id: i64,
}

/// `sms_contacts_missing`: at most `limit` handlers, most open cards first.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct MissingContactsRequest {
    #[ts(type = "number")]
    pub limit: i64,
}

/// `sms_test_send`: one test message to `phone`, now.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SmsTestRequest {
    pub phone: String,
}
