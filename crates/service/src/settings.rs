//! Console settings (issue 5 item 6): feed URL, token, sync interval, warning lead, language.
//! Stored as key/value rows in `app_settings` (migration 0060); a missing key means its
//! default; every change is appended to `app_settings_log` with the old and new value (the
//! token only as its redacted hint). Validation names the field; a rejected update changes
//! nothing (all fields are checked before the one transaction that writes them).

use jiancha_api::settings::{SettingsUpdate, SettingsView};
use jiancha_api::ApiError;
use jiancha_store::rusqlite::{params, OptionalExtension};
use jiancha_store::Db;

use crate::error::{internal, invalid};
use crate::Service;

/// Bounds of the sync interval, seconds.
pub const SYNC_INTERVAL_RANGE: (u32, u32) = (10, 86_400);
/// Default seconds between background syncs.
pub const DEFAULT_SYNC_INTERVAL: u32 = 30;
/// Bounds of the warning lead, working days (Art. B5(1)).
pub const WARNING_LEAD_RANGE: (u32, u32) = (0, 10);

/// The stored settings. `Debug` redacts the token (it is never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// Empty = the built-in demo feed (or `JIANCHA_FEED_URL` at start-up).
    pub feed_url: String,
    pub token: Option<String>,
    pub sync_interval_secs: u32,
    /// Art. B5(1) **[decision]** default 1 working day.
    pub warning_lead: u32,
    pub language: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            feed_url: String::new(),
            token: None,
            sync_interval_secs: DEFAULT_SYNC_INTERVAL,
            warning_lead: 1,
            language: "zh-CN".into(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
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
const K_LANG: &str = "ui.language";

/// Reads the settings (defaults for missing keys; an unreadable stored number is an error
/// naming the key, not a silent default).
pub fn load(db: &Db) -> Result<Settings, ApiError> {
    let get = |key: &str| -> Result<Option<String>, ApiError> {
        db.conn()
            .query_row(
                "SELECT value FROM app_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(internal)
    };
    let num = |key: &str, default: u32| -> Result<u32, ApiError> {
        match get(key)? {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| internal(format!("设置 {key} 的存储值无法读取: {v:?}"))),
        }
    };
    let d = Settings::default();
    Ok(Settings {
        feed_url: get(K_URL)?.unwrap_or(d.feed_url),
        token: get(K_TOKEN)?.filter(|t| !t.is_empty()),
        sync_interval_secs: num(K_INTERVAL, d.sync_interval_secs)?,
        warning_lead: num(K_LEAD, d.warning_lead)?,
        language: get(K_LANG)?.unwrap_or(d.language),
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
pub fn apply_update(current: &Settings, update: &SettingsUpdate) -> Result<Settings, ApiError> {
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

/// Writes the keys that differ, with their log entries, in one transaction. `at` = wall clock.
pub fn store(db: &mut Db, old: &Settings, new: &Settings, at: i64) -> Result<(), ApiError> {
    // (key, old value as logged, new value as logged, new value stored)
    type Entry<'a> = (&'a str, Option<String>, Option<String>, Option<String>);
    let entries: Vec<Entry> = vec![
        (
            K_URL,
            Some(old.feed_url.clone()),
            Some(new.feed_url.clone()),
            Some(new.feed_url.clone()),
        ),
        (
            K_TOKEN,
            old.token.as_deref().map(token_hint),
            new.token.as_deref().map(token_hint),
            new.token.clone(),
        ),
        (
            K_INTERVAL,
            Some(old.sync_interval_secs.to_string()),
            Some(new.sync_interval_secs.to_string()),
            Some(new.sync_interval_secs.to_string()),
        ),
        (
            K_LEAD,
            Some(old.warning_lead.to_string()),
            Some(new.warning_lead.to_string()),
            Some(new.warning_lead.to_string()),
        ),
        (
            K_LANG,
            Some(old.language.clone()),
            Some(new.language.clone()),
            Some(new.language.clone()),
        ),
    ];
    let token_changed = old.token != new.token;
    let changed: Vec<Change> = entries
        .into_iter()
        .filter(|(key, old_shown, new_shown, _)| {
            if *key == K_TOKEN {
                token_changed
            } else {
                old_shown != new_shown
            }
        })
        .map(|(key, old_shown, new_shown, value)| Change {
            key,
            value,
            old_shown,
            new_shown,
        })
        .collect();
    write_changes(db, &changed, at)
}

/// One changed key: the value to store (`None` removes it) and how the change is logged
/// (secrets as their hint only).
pub(crate) struct Change<'a> {
    pub key: &'a str,
    pub value: Option<String>,
    pub old_shown: Option<String>,
    pub new_shown: Option<String>,
}

/// Stores the changed keys of `app_settings` with their `app_settings_log` entries, in one
/// transaction. `at` = wall clock (Unix seconds).
pub(crate) fn write_changes(db: &mut Db, changes: &[Change<'_>], at: i64) -> Result<(), ApiError> {
    db.write(|tx| {
        for c in changes {
            match &c.value {
                Some(v) => tx.execute(
                    "INSERT INTO app_settings (key, value, updated_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
                     updated_at = excluded.updated_at",
                    params![c.key, v, at],
                )?,
                None => tx.execute("DELETE FROM app_settings WHERE key = ?1", [c.key])?,
            };
            tx.execute(
                "INSERT INTO app_settings_log (key, old_value, new_value, at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![c.key, c.old_shown, c.new_shown, at],
            )?;
        }
        Ok::<(), jiancha_store::rusqlite::Error>(())
    })
    .map_err(internal)
}

/// The changes that need `ChangeSettings` and an audit entry: (key, old, new), redacted.
fn audited_changes(old: &Settings, new: &Settings) -> Vec<(&'static str, String, String)> {
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
pub fn view(svc: &Service, s: &Settings) -> SettingsView {
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
    let now = chrono_free_now();
    store(&mut db, &old, &new, now)?;
    for (key, was, is) in audited {
        if let Err(e) = crate::auth::audit_setting_change(svc, key, &was, &is) {
            // Stored already; the local change log (app_settings_log) still has it.
            tracing::error!(key, error = %e.message, "audit entry for a setting change failed");
        }
    }
    tracing::info!(settings = ?new, "settings changed");
    svc.live()
        .settings_changed(old.warning_lead != new.warning_lead);
    Ok(view(svc, &new))
}

/// The wall clock in Unix seconds (the service is the edge; it may read it).
pub(crate) fn chrono_free_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
