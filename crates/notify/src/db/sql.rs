//! Small helpers the table modules share: stored instants and `IN (…)` lists.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use jiancha_store::rusqlite::{params_from_iter, Connection};

use crate::error::NotifyError;

/// Instants are stored as RFC 3339 UTC text with milliseconds (migration 40).
pub(crate) fn fmt(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse(s: &str) -> Result<DateTime<Utc>, NotifyError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| NotifyError::Corrupt(format!("bad stored instant {s:?}: {e}")))
}

/// Ids per `IN (…)` statement (well under SQLite's variable limit).
const CHUNK: usize = 500;

/// The values of `sql`'s single text column for `ids`, where `sql` holds one `{ids}` to be
/// replaced by the placeholders of a chunk (`?1, ?2, …`).
pub(crate) fn ids_among(
    conn: &Connection,
    sql: &str,
    ids: &[String],
) -> Result<HashSet<String>, NotifyError> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let marks = (1..=chunk.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut st = conn.prepare(&sql.replace("{ids}", &marks))?;
        let rows = st.query_map(params_from_iter(chunk), |r| r.get::<_, String>(0))?;
        for r in rows {
            out.insert(r?);
        }
    }
    Ok(out)
}
