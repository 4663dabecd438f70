//! The local SQLite cache: connection setup, append-only migrations, write transactions.
//!
//! Invariants (see ARCHITECTURE.md):
//! - every write happens inside [`Db::write`], i.e. a `BEGIN IMMEDIATE` transaction, so a
//!   writer never fails half-way with `SQLITE_BUSY` on lock upgrade;
//! - migrations are append-only: a migration, once released, is never edited; each runs in
//!   its own transaction together with the bump of `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use rusqlite;

mod migrations;
pub use migrations::{Migration, MIGRATIONS};

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

/// One connection to the cache. Cheap to open; open one per thread/task that needs it.
pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens (creating if needed) the database at `path`, applies pragmas and migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(dir);
            }
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Self::setup(conn)
    }

    /// An in-memory database (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // 16 KiB pages for a new file (before WAL mode creates it; an existing file keeps its
        // page size, which WAL mode cannot change): a case version is ~1 KB, so 4 KiB pages
        // left ~15 % of each page unused and cost 4x the page reads/writes (syscalls, WAL
        // frames) in the sync's bulk loads; 64 KiB slowed random inserts (docs/sync.md).
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        // WAL: readers (the UI's queries) never block the writer (the sync) and vice versa.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut db = Db { conn };
        migrations::migrate(&mut db.conn)?;
        Ok(db)
    }

    /// Read access. Do not write through this; use [`Db::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` inside a `BEGIN IMMEDIATE` transaction, committing when it returns `Ok`.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        #[allow(clippy::disallowed_methods)] // the one sanctioned place (see clippy.toml)
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The schema version now applied.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check` returned "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let s: String = self
            .conn
            .pragma_query_value(None, "integrity_check", |r| r.get(0))?;
        Ok(s == "ok")
    }
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
}
