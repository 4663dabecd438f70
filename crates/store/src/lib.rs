//! The local SQLite cache: connection setup (once per process: [`Store`]), append-only
//! migrations, write transactions, and the tables this crate owns: `meta` (facts about the
//! file) and `settings` + `settings_log` (one typed key/value settings API: [`settings`]).
//!
//! Invariants (see ARCHITECTURE.md and docs/architecture-notes/store.md):
//! - every write happens inside [`Db::write`], i.e. a `BEGIN IMMEDIATE` transaction, so a
//!   writer never fails half-way with `SQLITE_BUSY` on lock upgrade;
//! - one writer connection per store, and one store per file per process ([`Store::open`]);
//!   migrations run once, when the store opens; readers are `query_only`;
//! - migrations are append-only: a migration, once released, is never edited; each runs in
//!   its own transaction together with the bump of `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use rusqlite;

mod migrations;
pub mod pool;
pub mod settings;
pub use migrations::{Migration, MIGRATIONS};
pub use pool::{Store, StoreStats};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot open database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("database schema version {found} is newer than this program knows ({known}); upgrade Jiancha")]
    TooNew { found: i64, known: i64 },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: rusqlite::Error,
    },
    /// A stored setting does not read as its type (a hand-edited database or a bug).
    #[error("设置 {namespace}/{key} 的存储值无法读取: {value:?} (unreadable stored setting)")]
    BadSetting {
        namespace: String,
        key: String,
        value: String,
    },
}

/// Every store failure is unexpected from the caller's point of view (`internal`); the message
/// names the file or the migration.
impl From<StoreError> for jiancha_error::ApiError {
    fn from(e: StoreError) -> Self {
        jiancha_error::ApiError::internal(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Page size of a newly created database file.
pub const PAGE_SIZE: i64 = 16384;

/// A handle on the cache: [`Db::conn`] reads, [`Db::write`] writes.
///
/// Two kinds, one API:
/// - from a [`Store`] ([`Store::db`], what the service's `svc.db()` returns): reads run on a
///   read-only reader of the store's pool, writes on the store's one writer connection;
/// - standalone ([`Db::open`], [`Db::open_in_memory`]: tools, tests, the feed's sync, which
///   opens the file by path): one read-write connection of its own, for reads and writes.
pub struct Db {
    kind: Kind,
}

enum Kind {
    Own(Connection),
    Pooled {
        store: Store,
        /// Taken out only by `drop`.
        reader: Option<Connection>,
    },
}

impl Db {
    /// Opens (creating if needed) the database at `path` on a connection of its own, applies
    /// pragmas and migrations. The console's service opens a [`Store`] instead (once).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let mut conn = pool::open_writer(path.as_ref())?;
        migrations::migrate(&mut conn)?;
        Ok(Db {
            kind: Kind::Own(conn),
        })
    }

    /// An in-memory database (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        pool::writer_pragmas(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Db {
            kind: Kind::Own(conn),
        })
    }

    pub(crate) fn pooled(store: Store, reader: Connection) -> Self {
        Db {
            kind: Kind::Pooled {
                store,
                reader: Some(reader),
            },
        }
    }

    /// Read access. Do not write through this; use [`Db::write`] (on a store's handle this
    /// is a `query_only` reader: a write fails).
    pub fn conn(&self) -> &Connection {
        match &self.kind {
            Kind::Own(c) => c,
            Kind::Pooled { reader, .. } => reader.as_ref().expect("held until drop"),
        }
    }

    /// Runs `f` inside a `BEGIN IMMEDIATE` transaction, committing when it returns `Ok`.
    /// On a store's handle the transaction runs on the store's writer, which it holds until
    /// it returns (another write of this process waits up to [`pool::WRITER_WAIT`]).
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        match &mut self.kind {
            Kind::Own(conn) => run_tx(conn, f),
            Kind::Pooled { store, .. } => {
                let mut writer = store.writer()?;
                run_tx(writer.conn_mut(), f)
            }
        }
    }

    /// The schema version now applied.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check` returned "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let s: String = self
            .conn()
            .pragma_query_value(None, "integrity_check", |r| r.get(0))?;
        Ok(s == "ok")
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Kind::Pooled { store, reader } = &mut self.kind {
            if let Some(r) = reader.take() {
                store.give_back(r);
            }
        }
    }
}

fn run_tx<T, E>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    #[allow(clippy::disallowed_methods)] // the one sanctioned place (see clippy.toml)
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_and_reopen_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.sqlite");
        let v1 = Db::open(&p).unwrap().schema_version().unwrap();
        let db = Db::open(&p).unwrap();
        assert_eq!(db.schema_version().unwrap(), v1);
        assert_eq!(v1, MIGRATIONS.last().map(|m| m.version).unwrap_or(0));
        assert!(db.integrity_ok().unwrap());
        let mode: String = db
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_new_file_gets_16k_pages_and_an_existing_file_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.sqlite");
        let page_size = |db: &Db| -> i64 {
            db.conn()
                .pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap()
        };
        assert_eq!(page_size(&Db::open(&p).unwrap()), PAGE_SIZE);
        assert_eq!(page_size(&Db::open(&p).unwrap()), PAGE_SIZE);

        // A cache created before this change: 4 KiB pages, WAL, with data in it.
        let old = dir.path().join("old.sqlite");
        {
            let c = Connection::open(&old).unwrap();
            c.pragma_update(None, "page_size", 4096).unwrap();
            c.pragma_update(None, "journal_mode", "WAL").unwrap();
            c.execute_batch("CREATE TABLE keep (x TEXT); INSERT INTO keep VALUES ('still here');")
                .unwrap();
        }
        let db = Db::open(&old).unwrap();
        assert_eq!(page_size(&db), 4096);
        assert!(db.integrity_ok().unwrap());
        let x: String = db
            .conn()
            .query_row("SELECT x FROM keep", [], |r| r.get(0))
            .unwrap();
        assert_eq!(x, "still here");
        assert_eq!(
            db.schema_version().unwrap(),
            MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
        );
    }

    #[test]
    fn write_rolls_back_on_error() {
        let mut db = Db::open_in_memory().unwrap();
        let r: Result<(), StoreError> = db.write(|tx| {
            tx.execute("INSERT INTO meta(key, value) VALUES ('x', '1')", [])?;
            Err(StoreError::TooNew { found: 0, known: 0 })
        });
        assert!(r.is_err());
        let n: i64 = db
            .conn()
            .query_row("SELECT count(*) FROM meta WHERE key='x'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn newer_schema_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.sqlite");
        drop(Db::open(&p).unwrap());
        {
            let c = Connection::open(&p).unwrap();
            c.pragma_update(None, "user_version", 9999).unwrap();
        }
        match Db::open(&p) {
            Err(StoreError::TooNew { found: 9999, .. }) => {}
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("a newer schema must be refused"),
        }
    }

    /// Invariant "one writer connection per process": every handle of a store shares its one
    /// writer; opening the same file again (also by another spelling of its path) gives the
    /// same store; migrations ran once, at open.
    #[test]
    fn one_writer_connection_per_process() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("one.sqlite");
        let store = Store::open(&p).unwrap();
        let again = Store::open(dir.path().join(".").join("one.sqlite")).unwrap();
        assert!(store.same(&again));
        std::thread::scope(|s| {
            for t in 0..4 {
                let store = store.clone();
                s.spawn(move || {
                    for i in 0..50 {
                        let mut db = store.db().unwrap();
                        db.write(|tx| {
                            tx.execute(
                                "INSERT INTO meta(key, value) VALUES (?1, 'x')",
                                [format!("t{t}-{i}")],
                            )
                        })
                        .unwrap();
                        let n: i64 = db
                            .conn()
                            .query_row("SELECT count(*) FROM meta", [], |r| r.get(0))
                            .unwrap();
                        assert!(n > i);
                    }
                });
            }
        });
        let st = store.stats();
        assert_eq!(st.writer_opens, 1, "{st:?}");
        assert_eq!(st.migration_runs, 1, "{st:?}");
        // Readers are reused: at most one per thread that held a handle at once.
        assert!(st.reader_opens <= 4, "{st:?}");
        assert!(st.idle_readers <= pool::MAX_IDLE_READERS, "{st:?}");
        let n: i64 = store
            .db()
            .unwrap()
            .conn()
            .query_row("SELECT count(*) FROM meta WHERE key LIKE 't%'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 200);
        drop((store, again));
        // Once every handle is gone the file can be opened afresh (a new writer).
        let fresh = Store::open(&p).unwrap();
        assert_eq!(fresh.stats().writer_opens, 1);
    }

    #[test]
    fn a_reader_refuses_writes_and_sees_what_the_writer_committed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("ro.sqlite")).unwrap();
        let mut db = store.db().unwrap();
        let e = db
            .conn()
            .execute("INSERT INTO meta(key, value) VALUES ('sneaky', '1')", [])
            .unwrap_err();
        assert!(e.to_string().contains("readonly"), "{e}");
        db.write(|tx| tx.execute("INSERT INTO meta(key, value) VALUES ('ok', '1')", []))
            .unwrap();
        let other = store.db().unwrap();
        for c in [db.conn(), other.conn()] {
            let v: String = c
                .query_row("SELECT value FROM meta WHERE key = 'ok'", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, "1");
        }
    }

    #[test]
    fn handles_never_wait_for_a_reader_and_the_pool_keeps_a_few() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("many.sqlite")).unwrap();
        let held: Vec<Db> = (0..10).map(|_| store.db().unwrap()).collect();
        assert_eq!(store.stats().reader_opens, 10);
        drop(held);
        assert_eq!(store.stats().idle_readers, pool::MAX_IDLE_READERS);
        let _again: Vec<Db> = (0..3).map(|_| store.db().unwrap()).collect();
        assert_eq!(store.stats().reader_opens, 10, "idle readers are reused");
    }

    #[test]
    fn a_reader_left_in_a_transaction_is_not_pooled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("tx.sqlite")).unwrap();
        let db = store.db().unwrap();
        db.conn().execute_batch("BEGIN").unwrap();
        drop(db);
        assert_eq!(store.stats().idle_readers, 0);
    }

    #[test]
    fn a_failed_write_gives_the_writer_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("fail.sqlite")).unwrap();
        let mut db = store.db().unwrap();
        let r: Result<(), StoreError> = db.write(|tx| {
            tx.execute("INSERT INTO meta(key, value) VALUES ('x', '1')", [])?;
            Err(StoreError::TooNew { found: 0, known: 0 })
        });
        assert!(r.is_err());
        // A panicking transaction too.
        let store2 = store.clone();
        let _ = std::thread::spawn(move || {
            let mut db = store2.db().unwrap();
            let _: Result<(), rusqlite::Error> = db.write(|_| panic!("boom"));
        })
        .join();
        db.write(|tx| tx.execute("INSERT INTO meta(key, value) VALUES ('y', '1')", []))
            .unwrap();
        let keys: i64 = db
            .conn()
            .query_row(
                "SELECT count(*) FROM meta WHERE key IN ('x', 'y')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(keys, 1);
    }

    #[test]
    fn an_in_memory_path_is_refused_by_the_store() {
        assert!(matches!(
            Store::open(":memory:"),
            Err(StoreError::Open { .. })
        ));
    }
}
