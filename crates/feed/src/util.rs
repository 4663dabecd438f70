//! Small shared helpers of the feed crate (no `use crate::` of any other module: everything
//! may use this one).

/// An instant as the feed writes it (RFC 3339, +08:00).
pub(crate) fn ts(unix: i64) -> String {
    jiancha_protocol::Timestamp::from_unix(unix)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| unix.to_string())
}

/// The stored number of a level (`case_signals.level`, `signals.level`): 0 normal, 1 预警,
/// 2 黄牌, 3 红牌 (Art. B5).
pub(crate) fn level_num(l: jiancha_calendar::Level) -> i64 {
    use jiancha_calendar::Level;
    match l {
        Level::Normal => 0,
        Level::Warning => 1,
        Level::Yellow => 2,
        Level::Red => 3,
    }
}

/// The level of a stored number (anything above 2 is red, as the queues always read it).
pub(crate) fn level_of(n: i64) -> jiancha_calendar::Level {
    use jiancha_calendar::Level;
    match n {
        0 => Level::Normal,
        1 => Level::Warning,
        2 => Level::Yellow,
        _ => Level::Red,
    }
}
