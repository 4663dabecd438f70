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
/// 50–59 calendar edits; 60–69 queues and scoring; 70–79 settings v2 (the store's own
/// `settings` + `settings_log`).
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
    migration!(70, "0070_settings_v2"),
    migration!(71, "0071_findings_from_the_clock"),
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, i64::MAX)
}

/// Applies the migrations up to and including `target` (tests build older schemas with it).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let known = MIGRATIONS.last().map(|m| m.version).unwrap_or(0);
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
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

    /// Migration 70 carries every value of the three old settings stores into `settings`
    /// (and the old change log into `settings_log`), then drops them.
    #[test]
    fn settings_v2_keeps_every_value_of_the_three_old_stores() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v62.sqlite");
        {
            let mut c = crate::pool::open_writer(&p).unwrap();
            migrate_to(&mut c, 62).unwrap();
            c.execute_batch(
                "INSERT INTO app_settings VALUES ('feed.url', 'https://feed.example', 100);
                 INSERT INTO app_settings VALUES ('feed.token', 'tok-abcdefgh-1234', 101);
                 INSERT INTO app_settings VALUES ('clock.warning_lead', '2', 102);
                 INSERT INTO app_settings VALUES ('ui.language', 'en', 103);
                 INSERT INTO app_settings VALUES ('notice.secret', 'sms-secret-9876', 104);
                 INSERT INTO app_settings VALUES ('notice.auto_since', '1790000000', 105);
                 INSERT INTO app_settings VALUES ('center.name', '市电子监察中心', 106);
                 INSERT INTO app_settings VALUES ('demo.sim_time', '1790001234', 107);
                 INSERT INTO app_settings_log (key, old_value, new_value, at)
                      VALUES ('feed.token', NULL, '••••1234', 101);
                 INSERT INTO app_settings_log (key, old_value, new_value, at)
                      VALUES ('center.name', '', '市电子监察中心', 106);
                 INSERT INTO wf_settings VALUES
                      ('rectification.days', '7', '2026-05-01T02:03:04.500Z', 'admin');
                 INSERT INTO wf_settings VALUES
                      ('admonition.prefix', '卫监效告', '2026-05-01T10:00:00+08:00', 'root');
                 INSERT INTO meta VALUES ('workstation_id', 'ZJ-PC07-3f9a1c2e');",
            )
            .unwrap();
        }
        let db = crate::Db::open(&p).unwrap();
        assert_eq!(
            db.schema_version().unwrap(),
            MIGRATIONS.last().unwrap().version
        );
        let rows: Vec<(String, String, String, i64, String)> = db
            .conn()
            .prepare(
                "SELECT namespace, key, value, updated_at, updated_by FROM settings \
                 ORDER BY namespace, key",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let row = |ns: &str, k: &str, v: &str, at: i64, by: &str| {
            (
                ns.to_string(),
                k.to_string(),
                v.to_string(),
                at,
                by.to_string(),
            )
        };
        assert_eq!(
            rows,
            vec![
                row("console", "clock.warning_lead", "2", 102, "unrecorded"),
                row(
                    "console",
                    "feed.token",
                    "tok-abcdefgh-1234",
                    101,
                    "unrecorded"
                ),
                row(
                    "console",
                    "feed.url",
                    "https://feed.example",
                    100,
                    "unrecorded"
                ),
                row("console", "ui.language", "en", 103, "unrecorded"),
                row("live", "demo.sim_time", "1790001234", 107, "unrecorded"),
                row("notice", "center.name", "市电子监察中心", 106, "unrecorded"),
                row(
                    "notice",
                    "notice.auto_since",
                    "1790000000",
                    105,
                    "unrecorded"
                ),
                row(
                    "notice",
                    "notice.secret",
                    "sms-secret-9876",
                    104,
                    "unrecorded"
                ),
                row(
                    "workflow",
                    "admonition.prefix",
                    "卫监效告",
                    1_777_600_800,
                    "root"
                ),
                row(
                    "workflow",
                    "rectification.days",
                    "7",
                    1_777_600_984,
                    "admin"
                ),
                row("workstation", "id", "ZJ-PC07-3f9a1c2e", 0, "unrecorded"),
            ]
        );
        // The typed API reads them back.
        use crate::settings::{self, Key};
        const DAYS: Key<u32> = Key::new(settings::WORKFLOW, "rectification.days");
        const WS: Key<String> = Key::state(settings::WORKSTATION, "id");
        assert_eq!(DAYS.get(db.conn()).unwrap(), Some(7));
        assert_eq!(
            WS.get(db.conn()).unwrap().as_deref(),
            Some("ZJ-PC07-3f9a1c2e")
        );
        let log = settings::changes(db.conn(), None).unwrap();
        let log: Vec<_> = log
            .iter()
            .map(|c| {
                (
                    c.namespace.as_str(),
                    c.key.as_str(),
                    c.old_value.as_deref(),
                    c.new_value.as_deref(),
                    c.at,
                    c.changed_by.clone(),
                )
            })
            .collect();
        assert_eq!(
            log,
            vec![
                ("console", "feed.token", None, Some("••••1234"), 101, None),
                (
                    "notice",
                    "center.name",
                    Some(""),
                    Some("市电子监察中心"),
                    106,
                    None
                ),
            ]
        );
        // The old stores are gone (nothing can read a stale copy); meta keeps its own facts.
        let tables: Vec<String> = db
            .conn()
            .prepare("SELECT name FROM sqlite_schema WHERE name IN ('app_settings', 'app_settings_log', 'wf_settings')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(tables.is_empty(), "{tables:?}");
        let meta: Vec<String> = db
            .conn()
            .prepare("SELECT key FROM meta ORDER BY key")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(meta, vec!["created_by".to_string()]);
        assert!(db.integrity_ok().unwrap());
    }
}
