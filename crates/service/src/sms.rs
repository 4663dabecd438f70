//! Warning notices by SMS in the app (Art. B6, A8): the notice settings (gateway, quiet hours,
//! escalation, the centre's own facts), the notices directory (通讯录), manual and automatic
//! notices, and the dispatcher the background loop runs.
//!
//! This module holds no SQL of its own (the settings' `app_settings` reads aside, which move
//! to the store crate's settings API). It composes one query per owner:
//! - `jiancha-feed` (`db::notice_candidates`): cases that entered 预警, open signalled cases, a
//!   case's notice facts, handlers' open cards, department names;
//! - `jiancha-workflow::notices`: the notice's state machine (journaled), which cases were
//!   told, the phone calls recorded;
//! - `jiancha-notify`: gateway adapter, quiet hours, escalation arithmetic, and its tables
//!   (`db::messages` the SMS and their history, `db::contacts` the directory, `db::skips` the
//!   cases the dispatcher stopped for), the outbox's steps (`outbox`).
//!
//! The path of a notice:
//! 1. a case enters 预警 → (auto, when switched on and the handler's number is in the
//!    directory) `notices::create_system` + `outbox::schedule` (quiet hours applied); an
//!    officer can also send one from the case (`queue`);
//! 2. each dispatcher pass: `outbox::due_now` → gateway → `outbox::record_send` →
//!    `notices::mark_sent` / `mark_failed`; receipts → `outbox::record_receipt` →
//!    `mark_delivered` / `mark_failed`;
//! 3. escalation (Art. A8 **[decision]**, docs/sms.md): for a case told to its handler and
//!    still open, `next_escalation` says when the section chief and then the leader in charge
//!    are due (working time, quiet hours), and a failed SMS is retried; each becomes a new
//!    notice and SMS, so every attempt stays visible on the case.
//!
//! The dispatcher ([`dispatch`], [`run`]) is async for the gateway's HTTP calls only: every
//! SQLite step of a pass runs on the blocking pool (`spawn_blocking`), never on the runtime's
//! threads.
//!
//! Time: SMS reach real people, so the dispatcher works on the wall clock (passed in). The
//! cases' signals are at the feed's clock (the demo runs faster); "entered 预警 after auto
//! notices were switched on" compares feed instants with feed instants.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, NaiveTime, SecondsFormat, Utc};
use jiancha_api::sms::{
    ContactDto, ContactImportResult, DispatchReport, MissingContactDto, NoticeSettingsUpdate,
    NoticeSettingsView, SmsDto, SmsEventDto, SmsTestResult,
};
use jiancha_api::{ApiError, ErrorCode};
use jiancha_calendar::Calendar;
use jiancha_feed::db::notice_candidates as feed;
use jiancha_notify::db::{contacts, messages, skips};
use jiancha_notify::outbox::{self, NewSms};
use jiancha_notify::{
    next_escalation, ContactRole, Credentials, Delay, DeliveryReport, DeliveryStatus, DueSms,
    Escalation, EscalationPolicy, EscalationStep, HttpSmsConfig, HttpSmsGateway, MessageTemplate,
    NewContact, NoticeAttempt, QuietPolicy, SendReceipt, SmsError, SmsGateway, SmsRequest,
    SmsState,
};
use jiancha_store::Db;
use jiancha_workflow::auth::{Action, Session, SystemActor};
use jiancha_workflow::notices::{self, CallOutcome, Channel, NewNotice, Notice};

use crate::error::{internal, invalid};
use crate::settings::token_hint;
use crate::Service;

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
    fn code(self) -> &'static str {
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

fn unavailable() -> ApiError {
    ApiError::new(
        ErrorCode::Unavailable,
        "未配置短信网关：请在“设置 › 通知与短信”中配置短信平台后再发送；当前可登记电话通知。/ No SMS gateway is configured.",
    )
}

/// `HH:MM` (CST); `24:00` is the end of the day.
fn parse_hm(field: &str, v: &str) -> Result<NaiveTime, ApiError> {
    let v = v.trim();
    if v == "24:00" {
        return Ok(NaiveTime::from_hms_milli_opt(23, 59, 59, 999).expect("valid time"));
    }
    NaiveTime::parse_from_str(v, "%H:%M")
        .map_err(|_| invalid(format!("{field} 须为 HH:MM 格式的时刻 (got {v:?})")))
}

// ---------------------------------------------------------------- stored settings

const KEYS: &[&str] = &[
    "notice.send_url",
    "notice.status_url",
    "notice.auth",
    "notice.secret",
    "notice.app_key",
    "notice.sign_name",
    "notice.template_code",
    "notice.template",
    "notice.quiet_morning",
    "notice.quiet_night",
    "notice.workdays_only",
    "notice.auto_warning",
    "notice.chief_after_hours",
    "notice.leader_after_days",
    "center.name",
    "center.contact_name",
    "center.contact_phone",
];

/// (key, value as stored, value as logged/audited: secrets as their hint).
fn entries(c: &NoticeConfig) -> Vec<(&'static str, Option<String>, String)> {
    let hint = |s: &Option<String>| s.as_deref().map(token_hint).unwrap_or_default();
    let key_hint = |s: &Option<String>| {
        s.as_deref()
            .map(jiancha_notify::gateway::redact)
            .unwrap_or_default()
    };
    let v = |s: &str| Some(s.to_string());
    vec![
        (KEYS[0], v(&c.send_url), c.send_url.clone()),
        (KEYS[1], v(&c.status_url), c.status_url.clone()),
        (KEYS[2], v(c.auth.code()), c.auth.code().into()),
        (KEYS[3], c.secret.clone(), hint(&c.secret)),
        (KEYS[4], c.app_key.clone(), key_hint(&c.app_key)),
        (KEYS[5], v(&c.sign_name), c.sign_name.clone()),
        (KEYS[6], v(&c.template_code), c.template_code.clone()),
        (KEYS[7], v(&c.template), c.template.clone()),
        (KEYS[8], v(&c.quiet_morning), c.quiet_morning.clone()),
        (KEYS[9], v(&c.quiet_night), c.quiet_night.clone()),
        (
            KEYS[10],
            v(&c.workdays_only.to_string()),
            c.workdays_only.to_string(),
        ),
        (
            KEYS[11],
            v(&c.auto_warning.to_string()),
            c.auto_warning.to_string(),
        ),
        (
            KEYS[12],
            v(&c.chief_after_hours.to_string()),
            c.chief_after_hours.to_string(),
        ),
        (
            KEYS[13],
            v(&c.leader_after_days.to_string()),
            c.leader_after_days.to_string(),
        ),
        (KEYS[14], v(&c.center_name), c.center_name.clone()),
        (KEYS[15], v(&c.contact_name), c.contact_name.clone()),
        (KEYS[16], v(&c.contact_phone), c.contact_phone.clone()),
    ]
}

/// Reads the notice settings (defaults for missing keys; an unreadable stored value is an
/// error naming its key).
pub fn load(db: &Db) -> Result<NoticeConfig, ApiError> {
    let stored: BTreeMap<String, String> =
        jiancha_store::settings::load_all(db.conn(), jiancha_store::settings::NOTICE)?;
    let d = NoticeConfig::default();
    let s = |k: &str, d: &str| stored.get(k).cloned().unwrap_or_else(|| d.to_string());
    let bad = |k: &str, v: &str| internal(format!("设置 {k} 的存储值无法读取: {v:?}"));
    let b = |k: &str, d: bool| -> Result<bool, ApiError> {
        match stored.get(k) {
            None => Ok(d),
            Some(v) => v.parse().map_err(|_| bad(k, v)),
        }
    };
    let n = |k: &str, d: u32| -> Result<u32, ApiError> {
        match stored.get(k) {
            None => Ok(d),
            Some(v) => v.parse().map_err(|_| bad(k, v)),
        }
    };
    let auth = match stored.get("notice.auth").map(String::as_str) {
        None | Some("bearer") => Auth::Bearer,
        Some("app_key") => Auth::AppKey,
        Some(v) => return Err(bad("notice.auth", v)),
    };
    Ok(NoticeConfig {
        send_url: s("notice.send_url", &d.send_url),
        status_url: s("notice.status_url", &d.status_url),
        auth,
        secret: stored
            .get("notice.secret")
            .filter(|v| !v.is_empty())
            .cloned(),
        app_key: stored
            .get("notice.app_key")
            .filter(|v| !v.is_empty())
            .cloned(),
        sign_name: s("notice.sign_name", &d.sign_name),
        template_code: s("notice.template_code", &d.template_code),
        template: s("notice.template", &d.template),
        quiet_morning: s("notice.quiet_morning", &d.quiet_morning),
        quiet_night: s("notice.quiet_night", &d.quiet_night),
        workdays_only: b("notice.workdays_only", d.workdays_only)?,
        auto_warning: b("notice.auto_warning", d.auto_warning)?,
        chief_after_hours: n("notice.chief_after_hours", d.chief_after_hours)?,
        leader_after_days: n("notice.leader_after_days", d.leader_after_days)?,
        center_name: s("center.name", &d.center_name),
        contact_name: s("center.contact_name", &d.contact_name),
        contact_phone: s("center.contact_phone", &d.contact_phone),
    })
}

fn http_url(field: &str, url: &str) -> Result<String, ApiError> {
    crate::settings::validate_http_url(field, url)
}

fn no_controls(field: &str, v: &str, max: usize) -> Result<String, ApiError> {
    let v = v.trim();
    if v.chars().any(char::is_control) {
        return Err(invalid(format!("{field} 不能包含控制字符")));
    }
    if v.chars().count() > max {
        return Err(invalid(format!("{field} 过长（最多 {max} 个字符）")));
    }
    Ok(v.to_string())
}

/// Applies `u` to `cur`, validating every field; nothing is written here.
pub fn apply_update(
    cur: &NoticeConfig,
    u: &NoticeSettingsUpdate,
) -> Result<NoticeConfig, ApiError> {
    let mut c = cur.clone();
    if let Some(v) = &u.send_url {
        c.send_url = http_url("短信发送地址 (send_url)", v)?;
    }
    if let Some(v) = &u.status_url {
        c.status_url = http_url("回执查询地址 (status_url)", v)?;
    }
    if let Some(v) = &u.auth {
        c.auth = match v.as_str() {
            "bearer" => Auth::Bearer,
            "app_key" => Auth::AppKey,
            _ => {
                return Err(invalid(format!(
                    "认证方式 (auth) 只能是 bearer 或 app_key，收到 {v:?}"
                )))
            }
        };
    }
    for (field, input, slot) in [
        ("令牌/密钥 (secret)", &u.secret, &mut c.secret),
        ("AppKey (app_key)", &u.app_key, &mut c.app_key),
    ] {
        if let Some(v) = input {
            let v = v.trim();
            if v.chars().any(|ch| ch.is_control() || ch == ' ') {
                return Err(invalid(format!("{field} 不能包含空格或控制字符")));
            }
            *slot = (!v.is_empty()).then(|| v.to_string());
        }
    }
    if let Some(v) = &u.sign_name {
        c.sign_name = no_controls("短信签名 (sign_name)", v, 20)?;
    }
    if let Some(v) = &u.template_code {
        c.template_code = no_controls("模板编号 (template_code)", v, 64)?;
    }
    if let Some(v) = &u.template {
        let t = no_controls("短信模板 (template)", v, 300)?;
        let parsed = MessageTemplate::parse(&t)
            .map_err(|e| invalid(format!("短信模板 (template) 无效: {e}")))?;
        let known = [
            "recipient",
            "handler",
            "unit",
            "item",
            "case_no",
            "deadline",
            "status",
            "sign",
        ];
        if let Some(p) = parsed
            .placeholders()
            .into_iter()
            .find(|p| !known.contains(p))
        {
            return Err(invalid(format!(
                "短信模板 (template) 含未知占位符 {{{p}}}；可用：{}",
                known.map(|k| format!("{{{k}}}")).join(" ")
            )));
        }
        c.template = t;
    }
    if let Some(v) = &u.quiet_morning {
        parse_hm("发送时段开始 (quiet_morning)", v)?;
        c.quiet_morning = v.trim().to_string();
    }
    if let Some(v) = &u.quiet_night {
        parse_hm("发送时段结束 (quiet_night)", v)?;
        c.quiet_night = v.trim().to_string();
    }
    if let Some(v) = u.workdays_only {
        c.workdays_only = v;
    }
    if let Some(v) = u.auto_warning {
        c.auto_warning = v;
    }
    if let Some(v) = u.chief_after_hours {
        if v > 80 {
            return Err(invalid(format!(
                "科室负责人提醒时限 (chief_after_hours) 须在 0–80 工作小时之间，收到 {v}"
            )));
        }
        c.chief_after_hours = v;
    }
    if let Some(v) = u.leader_after_days {
        if v > 20 {
            return Err(invalid(format!(
                "分管领导提醒时限 (leader_after_days) 须在 0–20 个工作日之间，收到 {v}"
            )));
        }
        c.leader_after_days = v;
    }
    if let Some(v) = &u.center_name {
        c.center_name = no_controls("发文单位 (center_name)", v, 40)?;
    }
    if let Some(v) = &u.contact_name {
        c.contact_name = no_controls("联系人 (contact_name)", v, 20)?;
    }
    if let Some(v) = &u.contact_phone {
        c.contact_phone = no_controls("联系电话 (contact_phone)", v, 30)?;
    }
    c.quiet_policy()?;
    if c.auth == Auth::AppKey && c.secret.is_some() && c.app_key.is_none() {
        return Err(invalid(
            "签名认证须同时填写 AppKey (app_key) 与密钥 (secret)",
        ));
    }
    Ok(c)
}

/// The settings as the page sees them.
pub fn view(svc: &Service, c: &NoticeConfig) -> NoticeSettingsView {
    NoticeSettingsView {
        configured: c.configured(),
        send_url: c.send_url.clone(),
        status_url: c.status_url.clone(),
        auth: c.auth.code().into(),
        secret_hint: c.secret.as_deref().map(token_hint),
        app_key_hint: c.app_key.as_deref().map(jiancha_notify::gateway::redact),
        sign_name: c.sign_name.clone(),
        template_code: c.template_code.clone(),
        template: c.template.clone(),
        quiet_morning: c.quiet_morning.clone(),
        quiet_night: c.quiet_night.clone(),
        workdays_only: c.workdays_only,
        auto_warning: c.auto_warning,
        chief_after_hours: c.chief_after_hours,
        leader_after_days: c.leader_after_days,
        center_name: c.center_name.clone(),
        contact_name: c.contact_name.clone(),
        contact_phone: c.contact_phone.clone(),
        last_dispatch: svc.sms().last(),
    }
}

/// `notice_settings_get`.
pub fn get(svc: &Service) -> Result<NoticeSettingsView, ApiError> {
    crate::auth::require(svc, Action::View)?;
    let c = load(&svc.db()?)?;
    Ok(view(svc, &c))
}

/// `notice_settings_update`: needs `ChangeSettings` (the administrator); every changed key
/// goes to the settings log and the audit chain (secrets as their hint only).
pub fn update(svc: &Service, u: &NoticeSettingsUpdate) -> Result<NoticeSettingsView, ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let mut db = svc.db()?;
    let old = load(&db)?;
    let new = apply_update(&old, u)?;
    let at = svc.clock().wall_secs();
    let by = crate::settings::changed_by(svc);
    let (before, after) = (entries(&old), entries(&new));
    // (key, value to store, shown before, shown after): secrets as their hint only.
    let changes: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, a)| (a.0, a.1.clone(), b.2.clone(), a.2.clone()))
        .collect();
    db.write(|tx| {
        use jiancha_store::settings::Logged;
        for (key, value, _, _) in &changes {
            let logged = match *key {
                "notice.secret" => Logged::Hint(token_hint),
                "notice.app_key" => Logged::Hint(jiancha_notify::gateway::redact),
                _ => Logged::Plain,
            };
            let ns = jiancha_store::settings::NOTICE;
            jiancha_store::settings::set_raw(tx, ns, key, value.as_deref(), logged, &by, at)?;
        }
        Ok::<_, jiancha_store::StoreError>(())
    })?;
    drop(db);
    for (key, _, was, is) in &changes {
        if let Err(e) = crate::auth::audit_setting_change(svc, key, was, is) {
            tracing::error!(key, error = %e.message, "audit entry for a setting change failed");
        }
    }
    tracing::info!(settings = ?new, "notice settings changed");
    svc.sms().wake();
    Ok(view(svc, &new))
}

/// The centre's own facts for letters (issuer, contact), where set.
pub fn center_facts(db: &Db) -> Result<BTreeMap<&'static str, String>, ApiError> {
    let c = load(db)?;
    let mut f = BTreeMap::new();
    for (k, v) in [
        ("issuer", c.center_name),
        ("contact_name", c.contact_name),
        ("contact_phone", c.contact_phone),
    ] {
        if !v.is_empty() {
            f.insert(k, v);
        }
    }
    Ok(f)
}

/// Why SMS cannot be sent from this console, when it cannot.
pub fn unavailable_reason(db: &Db) -> Option<String> {
    match load(db) {
        Ok(c) if c.configured() => None,
        Ok(_) => Some(unavailable().message),
        Err(e) => Some(e.message),
    }
}

/// Cases already in 预警 when auto notices start are not all told at once: only those entering
/// it from then on. The first pass stores the feed instant it started at.
fn auto_since(db: &mut Db, feed_now: i64, now: DateTime<Utc>) -> Result<i64, ApiError> {
    Ok(match K_AUTO_SINCE.get(db.conn())? {
        Some(s) => s,
        None => {
            db.write(|tx| K_AUTO_SINCE.get_or_insert(tx, &feed_now, "system", now.timestamp()))?
        }
    })
}

// ---------------------------------------------------------------- the directory (通讯录)

fn role_of(v: &str) -> Option<ContactRole> {
    match v.trim() {
        "承办人" | "handler" => Some(ContactRole::Handler),
        "科室负责人" | "section_chief" => Some(ContactRole::SectionChief),
        "分管领导" | "leader_in_charge" => Some(ContactRole::LeaderInCharge),
        _ => None,
    }
}

/// The gateway adapter's own check (`jiancha_notify::gateway::is_mobile`), as the page's error.
fn check_mobile(phone: &str) -> Result<(), ApiError> {
    if jiancha_notify::gateway::is_mobile(phone) {
        Ok(())
    } else {
        Err(invalid(format!(
            "手机号码 {phone:?} 无效（须为 11 位、以 1 开头）"
        )))
    }
}

/// `sms_contacts_list`: the directory, by department and role, with the departments' names
/// from the feed.
pub fn contacts(svc: &Service) -> Result<Vec<ContactDto>, ApiError> {
    crate::auth::require(svc, Action::View)?;
    let db = svc.db()?;
    let names: std::collections::HashMap<String, String> =
        jiancha_feed::db::departments::tree_order(db.conn())?
            .into_iter()
            .map(|d| (d.dept_id, d.name))
            .collect();
    Ok(contacts::list(db.conn())?
        .into_iter()
        .map(|c| ContactDto {
            id: c.id,
            dept_name: names.get(&c.dept_id).cloned(),
            dept_id: c.dept_id,
            role: c.role.code().into(),
            role_label: c.role.label().into(),
            name: c.name,
            phone: c.phone,
        })
        .collect())
}

/// `sms_contacts_import`: lines `部门编码,角色,姓名,手机号码` (角色: 承办人 / 科室负责人 /
/// 分管领导; commas or tabs; `#` comments and a header line are skipped). All or nothing: the
/// first bad line is named and nothing is stored. An existing (department, role, name) gets
/// the new number.
pub fn import_contacts(svc: &Service, text: &str) -> Result<ContactImportResult, ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("部门编码") {
            continue;
        }
        let parts: Vec<&str> = line.split([',', '\t', '，']).map(str::trim).collect();
        let n = i + 1;
        let [dept, role, name, phone] = parts.as_slice() else {
            return Err(invalid(format!(
                "第 {n} 行应为“部门编码,角色,姓名,手机号码”四项，收到 {} 项: {line:?}",
                parts.len()
            )));
        };
        let role = role_of(role).ok_or_else(|| {
            invalid(format!(
                "第 {n} 行的角色 {role:?} 无效：应为 承办人 / 科室负责人 / 分管领导"
            ))
        })?;
        if dept.is_empty() || name.is_empty() {
            return Err(invalid(format!("第 {n} 行缺少部门编码或姓名: {line:?}")));
        }
        check_mobile(phone).map_err(|e| invalid(format!("第 {n} 行的{}", e.message)))?;
        rows.push(NewContact {
            dept_id: dept.to_string(),
            role,
            name: name.to_string(),
            phone: phone.to_string(),
        });
    }
    if rows.is_empty() {
        return Err(invalid("没有可导入的行 (no lines to import)"));
    }
    let at = crate::settings::chrono_free_now();
    let n = svc.db()?.write(|tx| contacts::import(tx, &rows, at))?;
    let _ = crate::auth::audit_setting_change(
        svc,
        "notice.directory",
        "",
        &format!("导入 {} 条，更新 {} 条", n.added, n.updated),
    );
    Ok(ContactImportResult {
        added: n.added,
        updated: n.updated,
    })
}

/// `sms_contact_delete`.
pub fn delete_contact(svc: &Service, id: i64) -> Result<(), ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let Some(gone) = svc.db()?.write(|tx| contacts::delete(tx, id))? else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("通讯录中没有编号为 {id} 的联系人"),
        ));
    };
    let _ = crate::auth::audit_setting_change(
        svc,
        "notice.directory",
        &format!("{} {}", gone.dept_id, gone.name),
        "已删除",
    );
    Ok(())
}

/// `sms_contacts_missing`: handlers of open cards with no number in the directory, most
/// cards first (at most `limit`, 1–500), so the officer knows whose numbers to collect. The
/// feed's handlers of open cards, less those the directory knows.
pub fn missing_contacts(svc: &Service, limit: i64) -> Result<Vec<MissingContactDto>, ApiError> {
    crate::auth::require(svc, Action::View)?;
    let db = svc.db()?;
    // The handler of each case as the queues see it: the search index, which the evaluator
    // keeps current (a read never refreshes it).
    let known = contacts::handlers_with_number(db.conn())?;
    Ok(jiancha_feed::db::queue::open_by_handler(db.conn(), 10_000)?
        .into_iter()
        .filter(|h| !known.contains(&(h.dept_id.clone(), h.handler.clone())))
        .take(limit.clamp(1, 500) as usize)
        .map(|h| MissingContactDto {
            dept_id: h.dept_id,
            dept_name: h.dept_name,
            handler: h.handler,
            open_cards: h.cards as i64,
        })
        .collect())
}

/// The name and number of `name` (a handler) or of the department's chief / leader in charge.
fn lookup(
    db: &Db,
    dept: &str,
    role: ContactRole,
    name: Option<&str>,
) -> Result<Option<(String, String)>, ApiError> {
    Ok(contacts::lookup(db.conn(), dept, role, name)?.map(|c| (c.name, c.phone)))
}

// ---------------------------------------------------------------- the case's facts

struct CaseInfo {
    dept_id: String,
    handler: String,
    values: BTreeMap<String, String>,
}

/// Template values of a case as of now, from the feed's notice facts.
fn case_info(db: &Db, case_id: &str, sign: &str) -> Result<CaseInfo, ApiError> {
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

// ---------------------------------------------------------------- notices

/// Creates the notice and schedules its SMS (quiet hours applied). `session` = an officer's
/// (manual) or None (the system: auto notices and escalation).
#[allow(clippy::too_many_arguments)]
fn notify_person(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    session: Option<&mut Session>,
    case_id: &str,
    role: ContactRole,
    recipient: &str,
    phone: &str,
    info: &CaseInfo,
    now: DateTime<Utc>,
) -> Result<Notice, ApiError> {
    let mut values = info.values.clone();
    values.insert("recipient".into(), recipient.to_string());
    // Render first: a template the case cannot fill creates no notice.
    gateway.render(&values)?;
    check_mobile(phone)?;
    let n = NewNotice {
        case_id,
        handler: recipient,
        phone: Some(phone),
        channel: Channel::Sms,
    };
    let notice = match session {
        Some(s) => notices::create(db, s, &n, now),
        None => notices::create_system(db, &system(), &n, now),
    }?;
    outbox::schedule(
        db,
        gateway,
        cal,
        quiet,
        &NewSms {
            notice_id: &notice.id,
            case_id,
            role,
            recipient,
            phone,
            values: &values,
        },
        now,
    )?;
    Ok(notice)
}

fn system() -> SystemActor {
    SystemActor::new("sms", "local")
}

/// `queue_sms` from the case page (Art. B6): tells the case's handler now (or at the next
/// allowed instant). `phone` empty = the handler's number from the directory. Returns the
/// workflow's notice (the case page's DTO is `letters`').
pub fn queue(
    svc: &Service,
    session: &mut Session,
    case_id: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Notice, ApiError> {
    let mut db = svc.db()?;
    let cfg = load(&db)?;
    let gateway = cfg.gateway()?;
    let quiet = cfg.quiet_policy()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(|e| internal(e.to_string()))?;
    let info = case_info(&db, case_id, &cfg.sign_name)?;
    let phone = phone.trim();
    let phone = if phone.is_empty() {
        lookup(
            &db,
            &info.dept_id,
            ContactRole::Handler,
            Some(&info.handler),
        )?
        .map(|(_, p)| p)
        .ok_or_else(|| {
            invalid(format!(
                "通讯录中没有承办人 {} 的手机号码，请填写号码 (no number for the handler)",
                info.handler
            ))
        })?
    } else {
        phone.to_string()
    };
    let handler = if info.handler.is_empty() {
        "承办人".to_string()
    } else {
        info.handler.clone()
    };
    let n = notify_person(
        &mut db,
        &gateway,
        &cal,
        &quiet,
        Some(session),
        case_id.trim(),
        ContactRole::Handler,
        &handler,
        &phone,
        &info,
        now,
    )?;
    svc.sms().wake();
    Ok(n)
}

/// The test message and the gateway to send it through (reads the settings: blocking).
fn test_message(svc: &Service, phone: &str) -> Result<(HttpSmsGateway, SmsRequest), ApiError> {
    crate::auth::require(svc, Action::ChangeSettings)?;
    let phone = phone.trim();
    check_mobile(phone)?;
    let cfg = load(&svc.db()?)?;
    let gateway = cfg.gateway()?;
    let values: BTreeMap<String, String> = [
        ("recipient", "测试"),
        ("handler", "张三"),
        ("unit", "示例部门"),
        ("item", "测试事项"),
        ("case_no", "TEST-0001"),
        ("deadline", "—"),
        ("status", "这是一条测试短信"),
        ("sign", cfg.sign_name.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let req = SmsRequest {
        phones: vec![phone.to_string()],
        values,
        out_id: format!("test-{}", svc.clock().wall().timestamp_millis()),
    };
    Ok((gateway, req))
}

async fn send_test(gateway: &HttpSmsGateway, req: &SmsRequest) -> Result<SmsTestResult, ApiError> {
    let r = gateway.send(req).await?;
    Ok(SmsTestResult {
        message_id: r.message_id,
        content: r.content,
    })
}

/// `sms_test_send` from the settings page: one message to `phone` now, through the configured
/// gateway (quiet hours do not apply: an administrator is testing the platform). The settings
/// are read first, inline: call it where blocking is allowed, or use [`test_send_blocking`].
pub async fn test_send(svc: &Service, phone: &str) -> Result<SmsTestResult, ApiError> {
    let (gateway, req) = test_message(svc, phone)?;
    send_test(&gateway, &req).await
}

/// [`test_send`] from a blocking thread of the async runtime (the shell's commands): the
/// settings are read on this thread, the runtime only sends.
pub fn test_send_blocking(svc: &Service, phone: &str) -> Result<SmsTestResult, ApiError> {
    let rt = tokio::runtime::Handle::try_current()
        .map_err(|_| internal("no async runtime for the SMS test"))?;
    let (gateway, req) = test_message(svc, phone)?;
    rt.block_on(send_test(&gateway, &req))
}

/// Why the dispatcher stopped notifying this case on its own (`db::skips`), if it did.
pub fn stopped_reason(db: &Db, case_id: &str) -> Result<Option<String>, ApiError> {
    Ok(skips::of_case(db.conn(), case_id.trim())?.map(|s| {
        format!(
            "自动通知已停止：{}；可在此手动发送或登记电话通知。",
            s.reason()
        )
    }))
}

/// RFC 3339 in China Standard Time (what officers read), e.g. `2026-11-27T15:12:03+08:00`.
fn cst_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&jiancha_calendar::cst())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Every SMS of a case with its history, for the case page.
pub fn for_case(db: &Db, case_id: &str) -> Result<Vec<SmsDto>, ApiError> {
    let fmt = cst_text;
    Ok(messages::list_for_case(db.conn(), case_id.trim())?
        .into_iter()
        .map(|m| SmsDto {
            id: m.id,
            notice_id: m.notice_id,
            role: m.role.code().into(),
            role_label: m.role.label().into(),
            recipient: m.recipient,
            phone: m.phone,
            content: m.content,
            state: m.state.code().into(),
            state_label: m.state.label().into(),
            due_at: fmt(m.due_at),
            sent_at: m.sent_at.map(fmt),
            events: m
                .events
                .into_iter()
                .map(|e| SmsEventDto {
                    kind: e.kind.code().into(),
                    at: fmt(e.at),
                    status: e.status,
                    detail: e.detail,
                })
                .collect(),
        })
        .collect())
}

// ---------------------------------------------------------------- the dispatcher

/// The dispatcher's shared state, kept in the [`Service`].
#[derive(Default)]
pub struct Dispatcher {
    wake: tokio::sync::Notify,
    last: Mutex<Option<DispatchReport>>,
    /// Where the next escalation pass resumes (the last case it examined), so that every told
    /// case is examined in turn however many there are.
    escalation_after: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Dispatcher {
    /// Run a pass now (a notice was queued, the settings changed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn last(&self) -> Option<DispatchReport> {
        lock(&self.last).clone()
    }

    fn set_last(&self, r: DispatchReport) {
        *lock(&self.last) = Some(r);
    }
}

/// At most this many of each kind per pass (a backlog drains over a few passes).
const BATCH: usize = 50;
const AUTO_BATCH: usize = 200;
/// Told cases examined for escalation per pass (the next pass resumes after the last).
const ESCALATION_BATCH: usize = 500;
/// Candidates read per page from the feed before filtering by the other owners.
const PAGE: usize = 500;
/// Bookkeeping kept with the notice settings (not logged as a change).
const K_AUTO_SINCE: jiancha_store::settings::Key<i64> =
    jiancha_store::settings::Key::state(jiancha_store::settings::NOTICE, "notice.auto_since");
/// Failed SMS to one person after which the chain stops for the case (the officer phones).
const MAX_FAILURES: usize = 3;

/// Runs `f` on the blocking pool: SQLite never blocks the async runtime's threads.
async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| internal(format!("短信调度任务失败 (SMS dispatch task): {e}")))?
}

/// A pass's one connection, lent to the blocking pool for each database step.
struct PassDb(Arc<Mutex<Db>>);

impl PassDb {
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let db = Arc::clone(&self.0);
        off_runtime(move || f(&mut lock(&db))).await
    }
}

/// What the first, database-only step of a pass leaves for the gateway.
struct Plan {
    db: Db,
    gateway: HttpSmsGateway,
    poll_receipts: bool,
    due: Vec<DueSms>,
    report: DispatchReport,
}

/// One pass: auto notices for cases that entered 预警, escalation, sending what is due,
/// delivery receipts. `now` = wall clock; `feed_now` = the feed's clock (signals' time). The
/// database steps run on the blocking pool; only the gateway's calls are awaited here.
pub async fn dispatch(
    svc: &Arc<Service>,
    now: DateTime<Utc>,
    feed_now: i64,
) -> Result<DispatchReport, ApiError> {
    let s = Arc::clone(svc);
    let Some(plan) = off_runtime(move || plan(&s, now, feed_now)).await? else {
        return Ok(DispatchReport {
            at: cst_text(now),
            ..Default::default()
        });
    };
    let Plan {
        db,
        gateway,
        poll_receipts,
        due,
        mut report,
    } = plan;
    let db = PassDb(Arc::new(Mutex::new(db)));
    let mut errors = Vec::new();
    for due in due {
        let result = gateway.send(&outbox::request(&due)).await;
        match db.run(move |db| record_send(db, &due, result, now)).await? {
            None => report.sent += 1,
            Some(e) => {
                report.failed += 1;
                errors.push(e);
            }
        }
    }
    if poll_receipts {
        let refs = db
            .run(|db| Ok(messages::awaiting_receipt(db.conn(), BATCH)?))
            .await?;
        for r in refs {
            match gateway.delivery_reports(&r).await {
                Ok(reports) => {
                    report.receipts += db.run(move |db| record_receipts(db, reports, now)).await?;
                }
                Err(e) => {
                    errors.push(e.to_string());
                    break;
                }
            }
        }
    }
    report.error = errors.into_iter().next();
    Ok(report)
}

/// The database step before sending: settings, automatic notices, escalation, what is due.
/// None when no gateway is configured.
fn plan(svc: &Service, now: DateTime<Utc>, feed_now: i64) -> Result<Option<Plan>, ApiError> {
    let mut db = svc.db()?;
    let cfg = load(&db)?;
    if !cfg.configured() {
        return Ok(None);
    }
    let gateway = cfg.gateway()?;
    let quiet = cfg.quiet_policy()?;
    let cal = crate::calendar_store::load_calendar(&db).map_err(|e| internal(e.to_string()))?;
    let mut report = DispatchReport {
        at: cst_text(now),
        ..Default::default()
    };
    if cfg.auto_warning {
        let since = auto_since(&mut db, feed_now, now)?;
        auto_notices(
            &mut db,
            &gateway,
            &cal,
            &quiet,
            &cfg,
            since,
            now,
            &mut report,
        )?;
    }
    let after = lock(&svc.sms().escalation_after).clone();
    let next = escalate(
        &mut db,
        &gateway,
        &cal,
        &quiet,
        &cfg,
        after,
        now,
        &mut report,
    )?;
    *lock(&svc.sms().escalation_after) = next;
    report.quiet = !jiancha_notify::may_send_at(&cal, now, &quiet);
    let due = outbox::due_now(db.conn(), &cal, &quiet, now, BATCH)?;
    Ok(Some(Plan {
        db,
        gateway,
        poll_receipts: !cfg.status_url.is_empty(),
        due,
        report,
    }))
}

/// Records what the gateway answered for `due` and reports it to the workflow's notice.
/// Returns the error message of a failed send.
fn record_send(
    db: &mut Db,
    due: &DueSms,
    result: Result<SendReceipt, SmsError>,
    now: DateTime<Utc>,
) -> Result<Option<String>, ApiError> {
    let o = outbox::record_send(db, due, result, now)?;
    let sys = system();
    let (r, failure) = match &o.result {
        Ok(gateway_ref) => (
            notices::mark_sent(db, &sys, &o.notice_id, gateway_ref, now),
            None,
        ),
        Err(e) => (
            notices::mark_failed(db, &sys, &o.notice_id, &e.to_string(), now),
            Some(e.to_string()),
        ),
    };
    if let Err(e) = r {
        tracing::warn!(notice = %o.notice_id, error = %e, "notice state after sending");
    }
    Ok(failure)
}

/// Stores receipts and moves their notices on (delivered, or failed when undelivered).
/// Returns how many were received (pending ones included).
fn record_receipts(
    db: &mut Db,
    reports: Vec<DeliveryReport>,
    now: DateTime<Utc>,
) -> Result<u32, ApiError> {
    let sys = system();
    let mut n = 0;
    for rep in reports {
        outbox::record_receipt(db, &rep, now)?;
        n += 1;
        let Some(notice) = messages::notice_of_ref(db.conn(), &rep.message_id)? else {
            continue;
        };
        let r = match rep.status {
            DeliveryStatus::Delivered => notices::mark_delivered(db, &sys, &notice, now),
            DeliveryStatus::Undelivered => notices::mark_failed(
                db,
                &sys,
                &notice,
                &format!(
                    "未送达 (undelivered): {} {}",
                    rep.platform_status,
                    rep.err_code.clone().unwrap_or_default()
                ),
                now,
            ),
            DeliveryStatus::Pending => continue,
        };
        if let Err(e) = r {
            tracing::warn!(notice = %notice, error = %e, "notice state after a receipt");
        }
    }
    Ok(n)
}

/// Open cases whose 预警 began at or after `since` (feed clock), not told yet (workflow) and
/// not skipped before (notify), earliest first, at most `batch`. The feed's pages are
/// read until the batch is full or the list ends, so cases already handled never crowd out
/// new ones.
fn auto_candidates(
    db: &Db,
    since: i64,
    batch: usize,
    page_size: usize,
) -> Result<Vec<String>, ApiError> {
    let conn = db.conn();
    let mut out = Vec::new();
    let mut after: Option<(i64, String)> = None;
    loop {
        let page = feed::warnings_began_since(
            conn,
            since,
            after.as_ref().map(|(t, c)| (*t, c.as_str())),
            page_size,
        )
        .map_err(internal)?;
        let Some(last) = page.last() else { break };
        after = Some((last.began_at, last.case_id.clone()));
        let exhausted = page.len() < page_size;
        let ids: Vec<String> = page.into_iter().map(|w| w.case_id).collect();
        let skipped = skips::skipped_among(conn, &ids)?;
        let ids: Vec<String> = ids.into_iter().filter(|id| !skipped.contains(id)).collect();
        let told = notices::notified_case_ids(conn, &ids)?;
        out.extend(
            ids.into_iter()
                .filter(|id| !told.contains(id))
                .take(batch - out.len()),
        );
        if out.len() == batch || exhausted {
            break;
        }
    }
    Ok(out)
}

/// Art. B6: a case that entered 预警 (at the feed's clock, after auto notices were first
/// used) and has no notice yet is told to its handler, if the directory has the number.
#[allow(clippy::too_many_arguments)]
fn auto_notices(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    cfg: &NoticeConfig,
    since: i64,
    now: DateTime<Utc>,
    report: &mut DispatchReport,
) -> Result<(), ApiError> {
    for case_id in auto_candidates(db, since, AUTO_BATCH, PAGE)? {
        let info = case_info(db, &case_id, &cfg.sign_name)?;
        let contact = lookup(db, &info.dept_id, ContactRole::Handler, Some(&info.handler))?;
        let outcome = match contact {
            Some((name, phone)) => notify_person(
                db,
                gateway,
                cal,
                quiet,
                None,
                &case_id,
                ContactRole::Handler,
                &name,
                &phone,
                &info,
                now,
            )
            .map(|_| None),
            None => Ok(Some("通讯录无承办人号码")),
        };
        let skip = match outcome {
            Ok(None) => {
                report.auto_notices += 1;
                None
            }
            Ok(Some(why)) => {
                report.missing_numbers += 1;
                Some(why.to_string())
            }
            Err(e) => Some(e.message),
        };
        if let Some(why) = skip {
            db.write(|tx| skips::skip_auto(tx, &case_id, &why, now.timestamp()))?;
        }
    }
    Ok(())
}

/// Open cases at 预警 or above whose handler was told (workflow), with no SMS waiting to go
/// out and the chain not stopped (notify): at most `batch`, in case-id order
/// from after `start` to the end, then from the beginning up to `start`. Returns them and
/// where the next pass resumes (None: from the beginning).
fn escalation_candidates(
    db: &Db,
    start: Option<String>,
    batch: usize,
    page_size: usize,
) -> Result<(Vec<String>, Option<String>), ApiError> {
    let conn = db.conn();
    let mut out = Vec::new();
    // (after, up to and including): the rest of the round, then its beginning.
    let mut legs = vec![(start.clone(), None)];
    if start.is_some() {
        legs.push((None, start));
    }
    for (mut after, until) in legs {
        loop {
            let mut ids =
                feed::open_signalled_after(conn, after.as_deref(), page_size).map_err(internal)?;
            let mut exhausted = ids.len() < page_size;
            if let Some(u) = &until {
                if let Some(i) = ids.iter().position(|id| id > u) {
                    ids.truncate(i);
                    exhausted = true;
                }
            }
            let Some(last) = ids.last().cloned() else {
                break;
            };
            let told = notices::notified_case_ids(conn, &ids)?;
            let ids: Vec<String> = ids.into_iter().filter(|id| told.contains(id)).collect();
            let waiting = messages::cases_with_scheduled(conn, &ids)?;
            let stopped = skips::escalation_stopped_among(conn, &ids)?;
            for id in ids {
                if waiting.contains(&id) || stopped.contains(&id) {
                    continue;
                }
                out.push(id);
                if out.len() == batch {
                    let resume = out.last().cloned();
                    return Ok((out, resume));
                }
            }
            if exhausted {
                break;
            }
            after = Some(last);
        }
    }
    Ok((out, None))
}

/// Art. A8 **[decision]**: a case told to its handler and still open escalates to the section
/// chief, then the leader in charge; a failed SMS is retried (each a new notice and SMS).
/// Returns where the next pass resumes ([`escalation_candidates`]).
#[allow(clippy::too_many_arguments)]
fn escalate(
    db: &mut Db,
    gateway: &dyn SmsGateway,
    cal: &Calendar,
    quiet: &QuietPolicy,
    cfg: &NoticeConfig,
    after: Option<String>,
    now: DateTime<Utc>,
    report: &mut DispatchReport,
) -> Result<Option<String>, ApiError> {
    let policy = cfg.escalation_policy();
    let (cases, resume) = escalation_candidates(db, after, ESCALATION_BATCH, PAGE)?;
    for case_id in cases {
        let history = messages::list_for_case(db.conn(), &case_id)?;
        // Phone calls to the handler count as attempts too (Art. B6: by phone or SMS).
        let calls = handler_calls(db, &case_id)?;
        let Some(raised_at) = history
            .iter()
            .filter(|m| m.role == ContactRole::Handler)
            .map(|m| m.created_at)
            .chain(calls.iter().map(|c| c.at))
            .min()
        else {
            continue;
        };
        let attempts: Vec<NoticeAttempt> = history
            .iter()
            .map(|m| NoticeAttempt {
                role: m.role,
                at: m.sent_at.unwrap_or(m.created_at),
                reached: matches!(m.state, SmsState::Sent | SmsState::Delivered),
            })
            .chain(calls)
            .collect();
        let Escalation::Next {
            role,
            due_now: true,
            ..
        } = next_escalation(cal, &policy, quiet, raised_at, &attempts, None, now)
        else {
            continue;
        };
        let failures = history
            .iter()
            .filter(|m| {
                m.role == role && matches!(m.state, SmsState::Failed | SmsState::Undelivered)
            })
            .count();
        let info = case_info(db, &case_id, &cfg.sign_name)?;
        let contact = if failures >= MAX_FAILURES {
            None
        } else if role == ContactRole::Handler {
            // A retry: the number the last SMS used, else the directory's.
            match history
                .iter()
                .rev()
                .find(|m| m.role == ContactRole::Handler)
            {
                Some(m) => Some((m.recipient.clone(), m.phone.clone())),
                None => lookup(db, &info.dept_id, ContactRole::Handler, Some(&info.handler))?,
            }
        } else {
            lookup(db, &info.dept_id, role, None)?
        };
        let Some((name, phone)) = contact else {
            // Nobody to tell at this step: the chain stops here for this case, recorded.
            let why = if failures >= MAX_FAILURES {
                format!("{}短信多次发送失败", role.label())
            } else {
                format!("通讯录无{}", role.label())
            };
            db.write(|tx| skips::stop_escalation(tx, &case_id, &why, now.timestamp()))?;
            continue;
        };
        match notify_person(
            db, gateway, cal, quiet, None, &case_id, role, &name, &phone, &info, now,
        ) {
            Ok(_) => report.escalations += 1,
            Err(e) => tracing::warn!(case = %case_id, error = %e.message, "escalation SMS"),
        }
    }
    Ok(resume)
}

/// The phone calls recorded to a case's handler (workflow), as escalation attempts (reached
/// when the call got through).
fn handler_calls(db: &Db, case_id: &str) -> Result<Vec<NoticeAttempt>, ApiError> {
    Ok(notices::phone_calls_of_case(db.conn(), case_id)?
        .into_iter()
        .map(|c| NoticeAttempt {
            role: ContactRole::Handler,
            at: c.at,
            reached: c.outcome == CallOutcome::Reached,
        })
        .collect())
}

/// The dispatcher loop: a pass every `every` and whenever woken. Runs until the process ends.
pub async fn run(svc: Arc<Service>, every: Duration) {
    loop {
        let now = svc.clock().wall();
        let feed_now = svc.clock().now();
        match dispatch(&svc, now, feed_now).await {
            Ok(r) => {
                if r.sent + r.failed + r.receipts + r.auto_notices + r.escalations > 0 {
                    tracing::info!(?r, "SMS dispatch");
                }
                svc.sms().set_last(r);
            }
            Err(e) => {
                tracing::warn!(error = %e.message, "SMS dispatch failed");
                svc.sms().set_last(DispatchReport {
                    at: cst_text(now),
                    error: Some(e.message),
                    ..Default::default()
                });
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = svc.sms().wake.notified() => {}
        }
    }
}

#[cfg(test)]
mod tests;
