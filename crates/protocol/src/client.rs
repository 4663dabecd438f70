//! What a client does with each HTTP answer (docs/feed-protocol.md, "Client behaviour").

use std::time::Duration;

/// The client's reaction to an HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    /// 200: read the page.
    Proceed,
    /// 408, 425, 429, 5xx: transient; wait (Retry-After if given, else backoff) and retry the
    /// same request. The cursor does not move.
    Retry,
    /// A permanent error: stop syncing and show the message; retrying will not help.
    Stop(&'static str),
}

/// Maps a status code to the client's action.
pub fn status_action(status: u16) -> StatusAction {
    match status {
        200 => StatusAction::Proceed,
        408 | 425 | 429 | 500..=599 => StatusAction::Retry,
        400 => StatusAction::Stop(
            "请求无效 (400): the feed rejected the request (bad cursor or parameter)",
        ),
        401 => {
            StatusAction::Stop("未认证 (401): the feed needs a bearer token; set the feed token")
        }
        403 => StatusAction::Stop("无权限 (403): the feed refused this token"),
        404 => StatusAction::Stop("地址错误 (404): no feed at this URL; check the feed address"),
        410 => StatusAction::Stop(
            "游标失效 (410): the cursor is not valid in this feed (expired, or the feed was rebuilt); a full resync is needed",
        ),
        _ => StatusAction::Stop("意外响应: the feed answered with an unexpected HTTP status"),
    }
}

/// Parses a `Retry-After` header given in seconds (HTTP dates are not used by the feed).
/// Capped at 10 minutes so a bad header cannot park the sync for hours.
pub fn retry_after(header: &str) -> Option<Duration> {
    header
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| Duration::from_secs(s.min(600)))
}

/// The recommended backoff before retry number `attempt` (0-based): 250 ms doubling, capped at
/// 30 s. Callers add up to 50 % random jitter.
pub fn backoff(attempt: u32) -> Duration {
    let ms = 250u64.saturating_mul(1u64 << attempt.min(20));
    Duration::from_millis(ms.min(30_000))
}
