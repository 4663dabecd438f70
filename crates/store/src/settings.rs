//! One typed key/value settings API (issue 11 item 1) over the `settings` table and its
//! change log `settings_log` (migration 0070, which carried over `app_settings`,
//! `app_settings_log`, `wf_settings` and `meta.workstation_id`). Modelled on Yaak's
//! `queries/key_values.rs`: a value is addressed by (namespace, key) and stored as text.
//!
//! - Each concern owns one namespace and one settings type that it builds from its rows
//!   (a missing key means that type's default): [`CONSOLE`] (the service's `ConsoleSettings`),
//!   [`NOTICE`] (the service's `NoticeConfig`), [`WORKFLOW`] (`jiancha_workflow`'s
//!   `WorkflowSettings`), [`WORKSTATION`] (the workstation id) and [`LIVE`] (the live loop's
//!   own bookkeeping, e.g. the demo city's clock).
//! - A single value is read and written through a typed [`Key`]: `Key<u32>` reads a `u32`
//!   or fails naming the key ([`StoreError::BadSetting`]); a whole namespace through
//!   [`load_all`].
//! - Every change of a value (not a write of the same value) appends one `settings_log` row
//!   in the same transaction: old and new value, who, when. A secret is logged only as its
//!   hint ([`Logged::Hint`]); bookkeeping values are not logged ([`Logged::Never`]).
//! - Reads take `&Connection` (`db.conn()`), writes the write transaction (`Db::write`).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::{Result, StoreError};

/// The console's own settings (feed, sync interval, warning lead, language).
pub const CONSOLE: &str = "console";
/// The notice (SMS) settings and the centre's facts.
pub const NOTICE: &str = "notice";
/// The workflow settings (letter prefixes, deadlines, session idle time).
pub const WORKFLOW: &str = "workflow";
/// This install's workstation id.
pub const WORKSTATION: &str = "workstation";
/// State the live loop keeps across restarts (not user settings; not logged).
pub const LIVE: &str = "live";

/// How a value is stored as text and read back.
pub trait Codec: Sized {
    fn encode(&self) -> String;
    /// `None`: the text is not a value of this type.
    fn decode(raw: &str) -> Option<Self>;
}

impl Codec for String {
    fn encode(&self) -> String {
        self.clone()
    }
    fn decode(raw: &str) -> Option<Self> {
        Some(raw.to_owned())
    }
}

macro_rules! from_str_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self) -> String {
                self.to_string()
            }
            fn decode(raw: &str) -> Option<Self> {
                raw.trim().parse().ok()
            }
        }
    )*};
}
from_str_codec!(bool, u32, i64);

/// How a change of a key appears in `settings_log`.
#[derive(Clone, Copy)]
pub enum Logged {
    /// Old and new value as stored.
    Plain,
    /// Old and new value as this hint (a secret: never in full).
    Hint(fn(&str) -> String),
    /// Not logged (bookkeeping that changes on its own, e.g. the demo clock).
    Never,
}

impl Logged {
    fn show(self, v: Option<&str>) -> Option<String> {
        match self {
            Logged::Plain => v.map(str::to_owned),
            Logged::Hint(hint) => v.map(hint),
            Logged::Never => None,
        }
    }
}

impl std::fmt::Debug for Logged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Logged::Plain => "Plain",
            Logged::Hint(_) => "Hint",
            Logged::Never => "Never",
        })
    }
}

/// A typed setting: its namespace, key and how its changes are logged.
pub struct Key<T> {
    pub namespace: &'static str,
    pub name: &'static str,
    pub logged: Logged,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Key<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Key<T> {}

impl<T: Codec> Key<T> {
    /// A setting whose changes are logged in full.
    pub const fn new(namespace: &'static str, name: &'static str) -> Self {
        Key {
            namespace,
            name,
            logged: Logged::Plain,
            value: PhantomData,
        }
    }

    /// A secret: its changes are logged as `hint(value)` only.
    pub const fn secret(
        namespace: &'static str,
        name: &'static str,
        hint: fn(&str) -> String,
    ) -> Self {
        Key {
            namespace,
            name,
            logged: Logged::Hint(hint),
            value: PhantomData,
        }
    }

    /// Bookkeeping kept with the settings but not logged.
    pub const fn state(namespace: &'static str, name: &'static str) -> Self {
        Key {
            namespace,
            name,
            logged: Logged::Never,
            value: PhantomData,
        }
    }

    /// The stored value (`None`: not set, the concern's default applies).
    pub fn get(&self, conn: &Connection) -> Result<Option<T>> {
        get_raw(conn, self.namespace, self.name)?
            .map(|raw| self.decode(&raw))
            .transpose()
    }

    /// The stored value, or `default`.
    pub fn get_or(&self, conn: &Connection, default: T) -> Result<T> {
        Ok(self.get(conn)?.unwrap_or(default))
    }

    /// Reads this key out of a [`load_all`] map.
    pub fn from_map(&self, map: &BTreeMap<String, String>) -> Result<Option<T>> {
        map.get(self.name).map(|raw| self.decode(raw)).transpose()
    }

    /// Stores `value` (`None` removes the key: the default applies again), logging the
    /// change. Returns the value stored before (raw text).
    pub fn set(
        &self,
        tx: &Transaction<'_>,
        value: Option<&T>,
        by: &str,
        at: i64,
    ) -> Result<Option<String>> {
        let raw = value.map(Codec::encode);
        set_raw(
            tx,
            self.namespace,
            self.name,
            raw.as_deref(),
            self.logged,
            by,
            at,
        )
    }

    /// The stored value; if none is stored yet, stores `value` first (the first writer wins).
    pub fn get_or_insert(&self, tx: &Transaction<'_>, value: &T, by: &str, at: i64) -> Result<T> {
        if let Some(v) = self.get(tx)? {
            return Ok(v);
        }
        self.set(tx, Some(value), by, at)?;
        self.get(tx)?.ok_or_else(|| self.bad(""))
    }

    fn decode(&self, raw: &str) -> Result<T> {
        T::decode(raw).ok_or_else(|| self.bad(raw))
    }

    fn bad(&self, raw: &str) -> StoreError {
        StoreError::BadSetting {
            namespace: self.namespace.into(),
            key: self.name.into(),
            value: raw.into(),
        }
    }
}

/// One stored value as text.
pub fn get_raw(conn: &Connection, namespace: &str, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE namespace = ?1 AND key = ?2")?
        .query_row([namespace, key], |r| r.get(0))
        .optional()?)
}

/// Every stored key of `namespace` with its text.
pub fn load_all(conn: &Connection, namespace: &str) -> Result<BTreeMap<String, String>> {
    let mut st = conn.prepare_cached("SELECT key, value FROM settings WHERE namespace = ?1")?;
    let rows = st.query_map([namespace], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores `value` under (namespace, key) (`None` removes it) and, when the text changes,
/// appends the change to `settings_log` as `logged` says. Returns the text stored before.
pub fn set_raw(
    tx: &Transaction<'_>,
    namespace: &str,
    key: &str,
    value: Option<&str>,
    logged: Logged,
    by: &str,
    at: i64,
) -> Result<Option<String>> {
    let old = get_raw(tx, namespace, key)?;
    if old.as_deref() == value {
        return Ok(old);
    }
    match value {
        Some(v) => tx
            .prepare_cached(
                "INSERT INTO settings (namespace, key, value, updated_at, updated_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (namespace, key) DO UPDATE SET \
                 value = excluded.value, updated_at = excluded.updated_at, \
                 updated_by = excluded.updated_by",
            )?
            .execute(params![namespace, key, v, at, by])?,
        None => tx
            .prepare_cached("DELETE FROM settings WHERE namespace = ?1 AND key = ?2")?
            .execute([namespace, key])?,
    };
    if !matches!(logged, Logged::Never) {
        tx.prepare_cached(
            "INSERT INTO settings_log (namespace, key, old_value, new_value, at, changed_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            namespace,
            key,
            logged.show(old.as_deref()),
            logged.show(value),
            at,
            by
        ])?;
    }
    Ok(old)
}

/// One entry of the change log. Values as logged (secrets as their hint; `None`: unset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub change_id: i64,
    pub namespace: String,
    pub key: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Unix seconds.
    pub at: i64,
    /// Who changed it; `None` for changes recorded before migration 70 (the old log kept no
    /// author).
    pub changed_by: Option<String>,
}

/// The change log of `namespace` (every namespace: `None`), oldest first.
pub fn changes(conn: &Connection, namespace: Option<&str>) -> Result<Vec<Change>> {
    let mut st = conn.prepare_cached(
        "SELECT change_id, namespace, key, old_value, new_value, at, changed_by \
         FROM settings_log WHERE ?1 IS NULL OR namespace = ?1 ORDER BY change_id",
    )?;
    let rows = st.query_map([namespace], |r| {
        Ok(Change {
            change_id: r.get(0)?,
            namespace: r.get(1)?,
            key: r.get(2)?,
            old_value: r.get(3)?,
            new_value: r.get(4)?,
            at: r.get(5)?,
            changed_by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Db;

    const LEAD: Key<u32> = Key::new(CONSOLE, "clock.warning_lead");
    const TOKEN: Key<String> =
        Key::secret(CONSOLE, "feed.token", |t| format!("…{}", &t[t.len() - 2..]));
    const SIM: Key<i64> = Key::state(LIVE, "demo.sim_time");

    #[test]
    fn typed_values_round_trip_and_a_bad_one_names_its_key() {
        let mut db = Db::open_in_memory().unwrap();
        assert_eq!(LEAD.get(db.conn()).unwrap(), None);
        assert_eq!(LEAD.get_or(db.conn(), 1).unwrap(), 1);
        db.write(|tx| LEAD.set(tx, Some(&3), "admin", 100)).unwrap();
        assert_eq!(LEAD.get(db.conn()).unwrap(), Some(3));
        db.write(|tx| {
            set_raw(
                tx,
                CONSOLE,
                LEAD.name,
                Some("three"),
                Logged::Plain,
                "x",
                101,
            )
        })
        .unwrap();
        let e = LEAD.get(db.conn()).unwrap_err();
        assert!(
            matches!(&e, StoreError::BadSetting { key, value, .. } if key == "clock.warning_lead" && value == "three"),
            "{e}"
        );
        assert!(e.to_string().contains("console/clock.warning_lead"), "{e}");
        // Namespaces keep equal keys apart.
        db.write(|tx| set_raw(tx, WORKFLOW, LEAD.name, Some("9"), Logged::Plain, "x", 1))
            .unwrap();
        assert_eq!(load_all(db.conn(), WORKFLOW).unwrap().len(), 1);
        assert_eq!(
            load_all(db.conn(), CONSOLE)
                .unwrap()
                .get("clock.warning_lead")
                .map(String::as_str),
            Some("three")
        );
    }

    #[test]
    fn changes_are_logged_once_with_who_and_when_and_secrets_only_as_their_hint() {
        let mut db = Db::open_in_memory().unwrap();
        db.write(|tx| {
            TOKEN.set(tx, Some(&"secret-abcd".to_string()), "admin", 10)?;
            // The same value again: nothing changes, nothing is logged.
            TOKEN.set(tx, Some(&"secret-abcd".to_string()), "admin", 11)?;
            TOKEN.set(tx, Some(&"secret-wxyz".to_string()), "ops", 12)?;
            LEAD.set(tx, Some(&2), "admin", 13)?;
            LEAD.set(tx, None, "admin", 14)?;
            SIM.set(tx, Some(&5), "system", 15)?;
            SIM.set(tx, Some(&6), "system", 16)
        })
        .unwrap();
        let log = changes(db.conn(), None).unwrap();
        let shown: Vec<_> = log
            .iter()
            .map(|c| {
                (
                    c.key.as_str(),
                    c.old_value.as_deref(),
                    c.new_value.as_deref(),
                    c.at,
                    c.changed_by.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("feed.token", None, Some("…cd"), 10, Some("admin")),
                ("feed.token", Some("…cd"), Some("…yz"), 12, Some("ops")),
                ("clock.warning_lead", None, Some("2"), 13, Some("admin")),
                ("clock.warning_lead", Some("2"), None, 14, Some("admin")),
            ]
        );
        // Never the secret in full, anywhere in the log.
        let all: String = db
            .conn()
            .query_row(
                "SELECT group_concat(coalesce(old_value,'') || coalesce(new_value,'')) FROM settings_log",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!all.contains("secret"), "{all}");
        assert_eq!(SIM.get(db.conn()).unwrap(), Some(6));
        let (by, at): (String, i64) = db
            .conn()
            .query_row(
                "SELECT updated_by, updated_at FROM settings WHERE key = 'feed.token'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((by.as_str(), at), ("ops", 12));
    }

    #[test]
    fn the_first_writer_of_a_value_wins() {
        const WS: Key<String> = Key::state(WORKSTATION, "id");
        let mut db = Db::open_in_memory().unwrap();
        let a = db
            .write(|tx| WS.get_or_insert(tx, &"PC-1".to_string(), "system", 1))
            .unwrap();
        let b = db
            .write(|tx| WS.get_or_insert(tx, &"PC-2".to_string(), "system", 2))
            .unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("PC-1", "PC-1"));
    }
}
