//! Console settings (issue 5 item 6): feed URL, token, sync interval, warning lead, language.
//! Stored through the store's settings API (`jiancha_store::settings`, namespace `console`);
//! a missing key means its default; every change is appended to the store's change log with
//! the old and new value, who and when (the token only as its redacted hint). Validation
//! names the field; a rejected update changes nothing (all fields are checked before the one
//! transaction that writes them).

use jiancha_api::settings::{SettingsUpdate, SettingsView};
use jiancha_api::ApiError;
use jiancha_store::settings::{Key, CONSOLE};
use jiancha_store::{Db, StoreError};

use crate::error::invalid;
use crate::Service;

/// Bounds of the sync interval, seconds.
pub const SYNC_INTERVAL_RANGE: (u32, u32) = (10, 86_400);
/// Default seconds between background syncs.
pub const DEFAULT_SYNC_INTERVAL: u32 = 30;
/// Bounds of the warning lead, working days (Art. B5(1)).
pub const WARNING_LEAD_RANGE: (u32, u32) = (0, 10);

/// The console's stored settings (the one settings type of this concern). `Debug` redacts the
/// token (it is never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct ConsoleSettings {
    /// Empty = the built-in demo feed (or `JIANCHA_FEED_URL` at start-up).
    pub feed_url: String,
    pub token: Option<String>,
    pub sync_interval_secs: u32,
    /// Art. B5(1) **[decision]** default 1 working day.
    pub warning_lead: u32,
    pub language: String,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        ConsoleSettings {
            feed_url: String::new(),
            token: None,
            sync_interval_secs: DEFAULT_SYNC_INTERVAL,
            warning_lead: 1,
            language: "zh-CN".into(),
        }
    }
}

impl std::fmt::Debug for ConsoleSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleSettings")
            .field("feed_url", &self.feed_url)
            .field("token", &self.token.as_deref().map(token_hint))
            .field("sync_interval_secs", &self.sync_interval_secs)
            .field("warning_lead", &self.warning_lead)
            .field("language", &self.language)
            .finish()
    }
}

/// `••••abcd`: the last four characters only (all of a token of eight or fewer are hidden).
pub fn token_hint(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 8 {
        return "••••".into();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••{tail}")
}

const K_URL: &str = "feed.url";
const K_TOKEN: &str = "feed.token";
const K_INTERVAL: &str = "sync.interval_secs";
const K_LEAD: &str = "clock.warning_lead";

const URL: Key<String> = Key::new(CONSOLE, K_URL);
const TOKEN: Key<String> = Key::secret(CONSOLE, K_TOKEN, token_hint);
const INTERVAL: Key<u32> = Key::new(CONSOLE, K_INTERVAL);
const LEAD: Key<u32> = Key::new(CONSOLE, K_LEAD);
const LANG: Key<String> = Key::new(CONSOLE, "ui.language");

/// Reads the settings (defaults for missing keys; an unreadable stored number is an error
/// naming the key, not a silent default).
/// The clock's configuration from the stored settings (Art. B5(1): the warning lead), the
/// one the evaluator uses, so every reading of a case's clock — the queues, the case page,
/// a calendar change — classifies it alike (issue 13 item 5).
pub fn clock_config(db: &Db) -> Result<jiancha_calendar::ClockConfig, ApiError> {
    Ok(jiancha_calendar::ClockConfig {
        warning_lead: load(db)?.warning_lead,
    })
}

pub fn load(db: &Db) -> Result<ConsoleSettings, ApiError> {
    let c = db.conn();
    let d = ConsoleSettings::default();
    Ok(ConsoleSettings {
        feed_url: URL.get_or(c, d.feed_url)?,
        token: TOKEN.get(c)?.filter(|t| !t.is_empty()),
        sync_interval_secs: INTERVAL.get_or(c, d.sync_interval_secs)?,
        warning_lead: LEAD.get_or(c, d.warning_lead)?,
        language: LANG.get_or(c, d.language)?,
    })
}

/// Checks a feed URL: empty (the demo) or an absolute http(s) URL with a host.
pub fn validate_feed_url(url: &str) -> Result<String, ApiError> {
    validate_http_url("数据源地址 (feed_url)", url).map(|u| u.trim_end_matches('/').to_owned())
}

/// Checks an address setting named `field`: empty, or an absolute http(s) URL with a host
/// and a valid port. Returns it trimmed.
pub(crate) fn validate_http_url(field: &str, url: &str) -> Result<String, ApiError> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| invalid(format!("{field} 须以 http:// 或 https:// 开头: {url:?}")))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_only = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
            h
        } else {
            host
        }
    });
    if host_only.is_empty() || url.chars().any(char::is_whitespace) {
        return Err(invalid(format!(
            "{field} 无效: {url:?} (缺少主机名或含空白)"
        )));
    }
    if let Some((_, port)) = host.rsplit_once(':') {
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err(invalid(format!("{field} 的端口无效: {port:?}")));
        }
    }
    Ok(url.to_owned())
}

/// Applies `update` to `current`, validating every field; nothing is written here.
pub fn apply_update(
    current: &ConsoleSettings,
    update: &SettingsUpdate,
) -> Result<ConsoleSettings, ApiError> {
    let mut s = current.clone();
    if let Some(url) = &update.feed_url {
        s.feed_url = validate_feed_url(url)?;
    }
    if let Some(token) = &update.token {
        let t = token.trim();
        if t.chars().any(|c| c.is_control() || c == ' ') {
            return Err(invalid("令牌 (token) 不能包含空格或控制字符"));
        }
        s.token = (!t.is_empty()).then(|| t.to_owned());
    }
    if let Some(i) = update.sync_interval_secs {
        let (lo, hi) = SYNC_INTERVAL_RANGE;
        if !(lo..=hi).contains(&i) {
            return Err(invalid(format!(
                "同步间隔 (sync_interval_secs) 须在 {lo}–{hi} 秒之间，收到 {i}"
            )));
        }
        s.sync_interval_secs = i;
    }
    if let Some(l) = update.warning_lead {
        let (lo, hi) = WARNING_LEAD_RANGE;
        if !(lo..=hi).contains(&l) {
            return Err(invalid(format!(
                "预警提前量 (warning_lead) 须在 {lo}–{hi} 个工作日之间，收到 {l}"
            )));
        }
        s.warning_lead = l;
    }
    if let Some(lang) = &update.language {
        if lang != "zh-CN" && lang != "en" {
            return Err(invalid(format!(
                "界面语言 (language) 只能是 zh-CN 或 en，收到 {lang:?}"
            )));
        }
        s.language = lang.clone();
    }
    Ok(s)
}

/// Writes the keys that differ, with their change-log entries, in one transaction. `by`: who
/// (the signed-in username); `at`: the wall clock (Unix seconds).
pub fn store(
    db: &mut Db,
    old: &ConsoleSettings,
    new: &ConsoleSettings,
    by: &str,
    at: i64,
) -> Result<(), ApiError> {
    db.write(|tx| {
        if old.feed_url != new.feed_url {
            URL.set(tx, Some(&new.feed_url), by, at)?;
        }
        if old.token != new.token {
            TOKEN.set(tx, new.token.as_ref(), by, at)?;
        }
        if old.sync_interval_secs != new.sync_interval_secs {
            INTERVAL.set(tx, Some(&new.sync_interval_secs), by, at)?;
        }
        if old.warning_lead != new.warning_lead {
            LEAD.set(tx, Some(&new.warning_lead), by, at)?;
        }
        if old.language != new.language {
            LANG.set(tx, Some(&new.language), by, at)?;
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(())
}

/// Who a settings change is recorded as: the signed-in username, else `anonymous` (the
/// language may be switched before anyone signs in).
pub(crate) fn changed_by(svc: &Service) -> String {
    crate::auth::current_user(svc)
        .map(|u| u.username)
        .unwrap_or_else(|| "anonymous".into())
}

/// The changes that need `ChangeSettings` and an audit entry: (key, old, new), redacted.
fn audited_changes(
    old: &ConsoleSettings,
    new: &ConsoleSettings,
) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    if old.feed_url != new.feed_url {
        out.push((K_URL, old.feed_url.clone(), new.feed_url.clone()));
    }
    if old.token != new.token {
        let hint = |t: &Option<String>| t.as_deref().map(token_hint).unwrap_or_default();
        out.push((K_TOKEN, hint(&old.token), hint(&new.token)));
    }
    if old.sync_interval_secs != new.sync_interval_secs {
        out.push((
            K_INTERVAL,
            old.sync_interval_secs.to_string(),
            new.sync_interval_secs.to_string(),
        ));
    }
    if old.warning_lead != new.warning_lead {
        out.push((
            K_LEAD,
            old.warning_lead.to_string(),
            new.warning_lead.to_string(),
        ));
    }
    out
}

/// The settings as the page sees them.
pub fn view(svc: &Service, s: &ConsoleSettings) -> SettingsView {
    SettingsView {
        feed_url: s.feed_url.clone(),
        effective_feed_url: svc.effective_feed_url(s),
        token_hint: s.token.as_deref().map(token_hint),
        sync_interval_secs: s.sync_interval_secs,
        warning_lead: s.warning_lead,
        language: s.language.clone(),
    }
}

/// `settings_get`.
pub fn get(svc: &Service) -> Result<SettingsView, ApiError> {
    let s = load(&svc.db()?)?;
    Ok(view(svc, &s))
}

/// `settings_update`: validates, stores, and wakes the background loop (a new feed, token or
/// interval applies at once; a new warning lead re-evaluates every case).
///
/// **[decision]** The language is a personal preference of the workstation: anyone may switch
/// it (also before signing in). Every other setting changes how cards are raised (Art. B5(1))
/// or where the data comes from, so it needs a signed-in role allowed `ChangeSettings` (the
/// administrator, issue 7), checked before anything is stored, and each change is appended to
/// the audit chain (`crate::auth::audit_setting_change`, the token only as its hint).
pub fn update(svc: &Service, update: SettingsUpdate) -> Result<SettingsView, ApiError> {
    let mut db = svc.db()?;
    let old = load(&db)?;
    let new = apply_update(&old, &update)?;
    let audited = audited_changes(&old, &new);
    if !audited.is_empty() {
        crate::auth::require(svc, jiancha_workflow::auth::Action::ChangeSettings)?;
    }
    let now = svc.clock().wall_secs();
    store(&mut db, &old, &new, &changed_by(svc), now)?;
    for (key, was, is) in audited {
        if let Err(e) = crate::auth::audit_setting_change(svc, key, &was, &is) {
            // Stored already; the store's change log (settings_log) still has it.
            tracing::error!(key, error = %e.message, "audit entry for a setting change failed");
        }
    }
    tracing::info!(settings = ?new, "settings changed");
    svc.live()
        .settings_changed(old.warning_lead != new.warning_lead);
    Ok(view(svc, &new))
}

/// The wall clock in Unix seconds, for callers without a [`Service`] at hand (the one place
/// that reads it is `crate::clock`; with a service, use `svc.clock()`).
pub(crate) fn chrono_free_now() -> i64 {
    crate::clock::system_secs()
}
