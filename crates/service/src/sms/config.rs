//! The notice settings (Art. B6): the SMS platform, quiet hours, escalation, the message template.

use chrono::NaiveTime;
use jiancha_api::{ApiError, ErrorCode};
use jiancha_notify::{
    ContactRole, Credentials, Delay, EscalationPolicy, EscalationStep, HttpSmsConfig,
    HttpSmsGateway, MessageTemplate, QuietPolicy,
};

use crate::error::invalid;
use crate::settings::token_hint;

/// The message every notice uses (handler, escalation and retries alike). `{recipient}` is
/// the person told, `{status}` says how late the case is.
pub const DEFAULT_TEMPLATE: &str =
    "{recipient}同志：{unit}承办的“{item}”（办件编号{case_no}，承办人{handler}）{status}，请抓紧办理。【{sign}】";

/// Auth schemes of the HTTP adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Bearer,
    AppKey,
}

impl Auth {
    pub(super) fn code(self) -> &'static str {
        match self {
            Auth::Bearer => "bearer",
            Auth::AppKey => "app_key",
        }
    }
}

/// The stored notice settings. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NoticeConfig {
    pub send_url: String,
    pub status_url: String,
    pub auth: Auth,
    pub secret: Option<String>,
    pub app_key: Option<String>,
    pub sign_name: String,
    pub template_code: String,
    pub template: String,
    pub quiet_morning: String,
    pub quiet_night: String,
    pub workdays_only: bool,
    pub auto_warning: bool,
    pub chief_after_hours: u32,
    pub leader_after_days: u32,
    pub center_name: String,
    pub contact_name: String,
    pub contact_phone: String,
}

impl Default for NoticeConfig {
    fn default() -> Self {
        NoticeConfig {
            send_url: String::new(),
            status_url: String::new(),
            auth: Auth::Bearer,
            secret: None,
            app_key: None,
            sign_name: "电子监察".into(),
            template_code: String::new(),
            template: DEFAULT_TEMPLATE.into(),
            quiet_morning: "08:00".into(),
            quiet_night: "20:00".into(),
            workdays_only: true,
            auto_warning: true,
            chief_after_hours: 4,
            leader_after_days: 1,
            center_name: String::new(),
            contact_name: String::new(),
            contact_phone: String::new(),
        }
    }
}

impl std::fmt::Debug for NoticeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeConfig")
            .field("send_url", &self.send_url)
            .field("status_url", &self.status_url)
            .field("auth", &self.auth)
            .field("secret", &self.secret.as_deref().map(token_hint))
            .field("sign_name", &self.sign_name)
            .field("quiet", &(&self.quiet_morning, &self.quiet_night))
            .field("workdays_only", &self.workdays_only)
            .field("auto_warning", &self.auto_warning)
            .finish_non_exhaustive()
    }
}

impl NoticeConfig {
    /// A send URL and the credentials its scheme needs are stored.
    pub fn configured(&self) -> bool {
        !self.send_url.is_empty()
            && self.secret.is_some()
            && (self.auth == Auth::Bearer || self.app_key.is_some())
    }

    pub fn quiet_policy(&self) -> Result<QuietPolicy, ApiError> {
        let m = parse_hm("quiet_morning", &self.quiet_morning)?;
        let n = parse_hm("quiet_night", &self.quiet_night)?;
        QuietPolicy::new(m, n, self.workdays_only).map_err(|e| invalid(e.to_string()))
    }

    /// Handler at once; the chief and the leader after the configured working time (0 = the
    /// step is left out).
    pub fn escalation_policy(&self) -> EscalationPolicy {
        let mut steps = vec![EscalationStep {
            role: ContactRole::Handler,
            after: Delay::WorkingHours(0),
        }];
        if self.chief_after_hours > 0 {
            steps.push(EscalationStep {
                role: ContactRole::SectionChief,
                after: Delay::WorkingHours(self.chief_after_hours),
            });
        }
        if self.leader_after_days > 0 {
            steps.push(EscalationStep {
                role: ContactRole::LeaderInCharge,
                after: Delay::WorkingDays(self.leader_after_days),
            });
        }
        EscalationPolicy {
            steps,
            ..EscalationPolicy::default()
        }
    }

    /// The HTTP adapter for these settings.
    pub fn gateway(&self) -> Result<HttpSmsGateway, ApiError> {
        if !self.configured() {
            return Err(unavailable());
        }
        let secret = self.secret.clone().unwrap_or_default();
        let credentials = match self.auth {
            Auth::Bearer => Credentials::Bearer { token: secret },
            Auth::AppKey => Credentials::AppKey {
                key: self.app_key.clone().unwrap_or_default(),
                secret,
            },
        };
        let template = MessageTemplate::parse(&self.template)
            .map_err(|e| invalid(format!("短信模板 (template) 无效: {e}")))?;
        let mut cfg = HttpSmsConfig::new(&self.send_url, credentials, template);
        cfg.status_url = (!self.status_url.is_empty()).then(|| self.status_url.clone());
        cfg.sign_name = self.sign_name.clone();
        cfg.template_code = (!self.template_code.is_empty()).then(|| self.template_code.clone());
        HttpSmsGateway::new(cfg).map_err(|e| invalid(e.to_string()))
    }
}

pub(super) fn unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::Unavailable,
        "未配置短信网关：请在“设置 › 通知与短信”中配置短信平台后再发送；当前可登记电话通知。/ No SMS gateway is configured.",
    )
}

/// `HH:MM` (CST); `24:00` is the end of the day.
pub(super) fn parse_hm(field: &str, v: &str) -> Result<NaiveTime, ApiError> {
    let v = v.trim();
    if v == "24:00" {
        return Ok(NaiveTime::from_hms_milli_opt(23, 59, 59, 999).expect("valid time"));
    }
    NaiveTime::parse_from_str(v, "%H:%M")
        .map_err(|_| invalid(format!("{field} 须为 HH:MM 格式的时刻 (got {v:?})")))
}
