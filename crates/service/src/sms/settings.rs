//! The notice settings as stored (`jiancha_store::settings`, namespace `notice`) and the settings
//! screen's view and update.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use jiancha_api::sms::{NoticeSettingsUpdate, NoticeSettingsView};
use jiancha_api::ApiError;
use jiancha_notify::MessageTemplate;
use jiancha_store::Db;
use jiancha_workflow::auth::Action;

use super::config::{parse_hm, unavailable, Auth, NoticeConfig};
use crate::error::{internal, invalid};
use crate::settings::token_hint;
use crate::Service;

pub(super) const KEYS: &[&str] = &[
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
pub(super) fn entries(c: &NoticeConfig) -> Vec<(&'static str, Option<String>, String)> {
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

pub(super) fn http_url(field: &str, url: &str) -> Result<String, ApiError> {
    crate::settings::validate_http_url(field, url)
}

pub(super) fn no_controls(field: &str, v: &str, max: usize) -> Result<String, ApiError> {
    let v = v.trim();
    if v.chars().any(char::is_control) {
        return Err(invalid(format!("{field} 不能包含控制字符")));
    }
    if v.chars().count() > max {
        return Err(invalid(format!("{field} 过长（最多 {max} 个字符）")));
    }
    Ok(v.to_string())
}

/// A telephone number as a letter prints it (Art. B7: the contact a unit calls back): digits
/// with the usual separators — `0991-1234567`, `(0991) 123 4567`, `+86 991 1234567`,
/// `0991-1234567转8001`, a mobile number — 7 to 20 digits. Empty: unset.
pub(super) fn phone_number(field: &str, v: &str) -> Result<String, ApiError> {
    let v = no_controls(field, v, 30)?;
    if v.is_empty() {
        return Ok(v);
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " -+()（）转".contains(c);
    if let Some(bad) = v.chars().find(|&c| !allowed(c)) {
        return Err(invalid(format!(
            "{field} 只能由数字和 - + ( ) 转 组成，“{bad}”不是：收到 {v:?}"
        )));
    }
    if !(7..=20).contains(&digits) || v.starts_with('转') || v.ends_with('转') {
        return Err(invalid(format!(
            "{field} 应为 7–20 位数字的电话号码，如 0991-1234567：收到 {v:?}"
        )));
    }
    Ok(v)
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
        c.contact_phone = phone_number("联系电话 (contact_phone)", v)?;
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
    // The settings log's "changed at" is the machine's (as `crate::settings`); the audit
    // entry of each change is at the app instant (`crate::clock`).
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

/// Bookkeeping kept with the notice settings (not logged as a change).
const K_AUTO_SINCE: jiancha_store::settings::Key<i64> =
    jiancha_store::settings::Key::state(jiancha_store::settings::NOTICE, "notice.auto_since");

/// Cases already in 预警 when auto notices start are not all told at once: only those entering
/// it from then on. The first pass stores the feed instant it started at.
pub(super) fn auto_since(db: &mut Db, feed_now: i64, now: DateTime<Utc>) -> Result<i64, ApiError> {
    Ok(match K_AUTO_SINCE.get(db.conn())? {
        Some(s) => s,
        None => {
            db.write(|tx| K_AUTO_SINCE.get_or_insert(tx, &feed_now, "system", now.timestamp()))?
        }
    })
}
