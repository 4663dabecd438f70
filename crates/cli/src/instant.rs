//! Instants given on the command line (`--at`, a case file's times): RFC 3339, or a local
//! date-time read as China Standard Time. Shared by `calendar` and `clock`.

use jiancha_calendar::chrono::{DateTime, FixedOffset, NaiveDateTime};
use jiancha_calendar::cst;

/// An RFC 3339 instant, or a local date-time without offset read as China Standard Time.
pub fn parse_instant(s: &str, what: &str) -> anyhow::Result<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
            if let Some(t) = n.and_local_timezone(cst()).single() {
                return Ok(t);
            }
        }
    }
    anyhow::bail!("{what} {s:?} is not an instant (RFC 3339, e.g. 2026-10-15T09:00:00+08:00)")
}
