//! Live sync: the status bar, the 同步 screen and the events the background loop emits
//! (issue 5 item 4). Instants are Unix seconds; `feed_time` is the feed's clock (the demo
//! simulator runs faster than the wall clock), every other instant is this console's clock.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Emitted (throttled, at most ~5 per second) while a sync runs: [`SyncProgress`].
pub const EVENT_SYNC_PROGRESS: &str = "sync://progress";
/// Emitted whenever the sync state changes (started, done, failed): [`SyncStatus`].
pub const EVENT_SYNC_STATUS: &str = "sync://status";
/// Emitted after every evaluation that ran: [`SignalsChanged`].
pub const EVENT_SIGNALS_CHANGED: &str = "signals://changed";

/// What the background loop is doing.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Not started yet (the demo feed is starting).
    Starting,
    /// Waiting for the next sync.
    Idle,
    /// Fetching and storing.
    Syncing,
    /// Classifying cases with the clock.
    Evaluating,
    /// The last sync failed with a transient error; it is retried at the next interval.
    Error,
    /// The feed refused permanently (401/403/404/410, schema): stopped until the settings
    /// change or an officer asks for a sync.
    Stopped,
}

/// Progress of the running sync.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct SyncProgress {
    /// connecting | loading | building_indexes | checking | done
    pub phase: String,
    /// Records fetched and validated by this run.
    #[ts(type = "number")]
    pub records: u64,
    /// Records quarantined by this run.
    #[ts(type = "number")]
    pub quarantined: u64,
    /// Response bytes received.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Records per second so far.
    pub records_per_s: f64,
    /// The feed's latest seq when the run started (for a percentage).
    #[ts(type = "number | null")]
    pub latest_seq: Option<u64>,
    /// Set while a request is being retried (what failed, attempt).
    pub retrying: Option<String>,
}

/// What the last successful sync did.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct SyncRun {
    /// When it finished.
    #[ts(type = "number")]
    pub finished_at: i64,
    /// Records committed by the run.
    #[ts(type = "number")]
    pub records: u64,
    /// Records that changed the cache.
    #[ts(type = "number")]
    pub stored: u64,
    /// Records quarantined by the run.
    #[ts(type = "number")]
    pub quarantined: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// Open signals after the last evaluation (Art. B5).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct SignalCounts {
    /// 预警提示.
    #[ts(type = "number")]
    pub warning: u64,
    /// 黄牌.
    #[ts(type = "number")]
    pub yellow: u64,
    /// 红牌.
    #[ts(type = "number")]
    pub red: u64,
    /// The feed instant evaluated at.
    #[ts(type = "number | null")]
    pub evaluated_at: Option<i64>,
}

/// The status bar and the 同步 screen's header.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct SyncStatus {
    pub state: SyncState,
    /// The feed synced from.
    pub feed_url: String,
    /// Set while syncing.
    pub progress: Option<SyncProgress>,
    /// The last successful sync.
    pub last_success: Option<SyncRun>,
    /// The last error (kept after a later success is cleared).
    pub last_error: Option<String>,
    #[ts(type = "number | null")]
    pub last_error_at: Option<i64>,
    /// Cases in the cache.
    #[ts(type = "number")]
    pub cases: u64,
    /// Records in quarantine (all runs).
    #[ts(type = "number")]
    pub quarantined: u64,
    /// Unresolved integrity findings (Art. A9(2)(8), B4(5)).
    #[ts(type = "number")]
    pub findings: u64,
    pub signals: SignalCounts,
    /// When the next sync is due.
    #[ts(type = "number | null")]
    pub next_sync_at: Option<i64>,
    /// The feed's clock, as last seen and extrapolated.
    #[ts(type = "number | null")]
    pub feed_time: Option<i64>,
}

/// Payload of [`EVENT_SIGNALS_CHANGED`].
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct SignalsChanged {
    pub signals: SignalCounts,
    /// Cases classified by this evaluation.
    #[ts(type = "number")]
    pub evaluated: u64,
    /// Red cards that began since the previous evaluation (a desktop notification).
    #[ts(type = "number")]
    pub new_red: u64,
    /// One of the new red cards' case id, for the notification text.
    pub example_case: Option<String>,
}

/// A department's feed status (the 同步 screen).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct DeptSyncStatus {
    pub dept_id: String,
    pub name: String,
    /// Latest 上报时间 among its records.
    #[ts(type = "number | null")]
    pub last_data_at: Option<i64>,
    /// This console's clock when its last record arrived.
    #[ts(type = "number | null")]
    pub last_received_at: Option<i64>,
    #[ts(type = "number")]
    pub records: u64,
    #[ts(type = "number")]
    pub quarantined: u64,
    pub last_error: Option<String>,
    #[ts(type = "number | null")]
    pub last_error_at: Option<i64>,
    /// Unresolved integrity findings about it.
    #[ts(type = "number")]
    pub findings: u64,
    /// Working hours (office hours of working days) from `last_data_at` to the feed's clock
    /// now; `None` when it never sent data.
    pub silent_working_hours: Option<f64>,
    /// The silence threshold in working hours (the `silent_department` finding's).
    pub stall_threshold_hours: f64,
    /// Its data stopped (数据中断): silent for more than the threshold (Art. A9(2), B4(5)).
    pub stalled: bool,
}

/// A quarantined record (without its raw payload; see [`QuarantineRecord`]).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct QuarantineItem {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub seq: Option<i64>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub dept_id: Option<String>,
    pub reason: String,
    #[ts(type = "number")]
    pub received_at: i64,
}

/// One page of the quarantine list, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct QuarantinePage {
    pub items: Vec<QuarantineItem>,
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    #[ts(type = "number")]
    pub limit: u64,
}

/// A quarantined record with its raw payload, as received.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct QuarantineRecord {
    pub item: QuarantineItem,
    pub raw: String,
}

/// `quarantine_page`: quarantined records `offset .. offset + limit` (limit 1–200).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct QuarantinePageRequest {
    #[ts(type = "number")]
    pub offset: u64,
    pub limit: u32,
}

/// `quarantine_record`: one quarantined record.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct QuarantineRecordRequest {
    #[ts(type = "number")]
    pub id: i64,
}
