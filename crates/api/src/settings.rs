//! The 设置 screen (issue 5 item 6). The token never crosses IPC back to the page: only a
//! hint of its last four characters.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Settings as shown.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SettingsView {
    /// The configured feed URL; empty = the built-in demo feed.
    pub feed_url: String,
    /// The URL actually synced from now (the demo's loopback URL when `feed_url` is empty).
    pub effective_feed_url: String,
    /// `••••abcd` when a token is stored, null otherwise.
    pub token_hint: Option<String>,
    /// Seconds between background syncs (10–86400).
    pub sync_interval_secs: u32,
    /// Working days of notice before the deadline day (Art. B5(1); 0–10, default 1).
    pub warning_lead: u32,
    /// `zh-CN` or `en`.
    pub language: String,
}

/// A change: absent fields stay as they are. `token: ""` removes the stored token.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SettingsUpdate {
    #[ts(optional)]
    pub feed_url: Option<String>,
    #[ts(optional)]
    pub token: Option<String>,
    #[ts(optional)]
    pub sync_interval_secs: Option<u32>,
    #[ts(optional)]
    pub warning_lead: Option<u32>,
    #[ts(optional)]
    pub language: Option<String>,
}
