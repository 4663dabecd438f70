//! Append-only schema migrations. Each entry's SQL lives in `migrations/NNNN_name.sql`.
//! Never edit a released migration: add a new one. Versions must be strictly increasing;
//! gaps are allowed (ranges are reserved per area, see ARCHITECTURE.md).

use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migration {
    ($v:expr, $name:literal) => {
        Migration {
            version: $v,
            name: $name,
            sql: include_str!(concat!("../migrations/", $name, ".sql")),
        }
    };
}

/// Version ranges: 1–19 core + feed cache; 20–39 workflows and audit; 40–49 notices;
/// 50–59 calendar edits; 60–69 queues and scoring.
pub static MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_meta"),
    migration!(2, "0002_feed_cache"),
    migration!(3, "0003_case_signals"),
    migration!(4, "0004_case_payload_once"),
    migration!(5, "0005_pending_checks"),
    migration!(6, "0006_case_versions_columns"),
    migration!(7, "0007_drop_pending_checks"),
    migration!(8, "0008_feed_logs"),
    migration!(20, "0020_workflow"),
    migration!(40, "0040_sms"),
    migration!(41, "0041_sms_contacts"),
    migration!(50, "0050_calendar_edits"),
    migration!(60, "0060_settings"),
    migration!(61, "0061_queue_search"),
    migration!(62, "0062_queue_began"),
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let known = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        #[allow(clippy::disallowed_methods)] // migrations: BEGIN IMMEDIATE too
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(m.sql)
            .and_then(|_| tx.pragma_update(None, "user_version", m.version))
            .map_err(|source| StoreError::Migration {
                version: m.version,
                name: m.name,
                source,
            })?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_strictly_increase() {
        for w in MIGRATIONS.windows(2) {
            assert!(
                w[0].version < w[1].version,
                "{} !< {}",
                w[0].name,
                w[1].name
            );
        }
    }
}
