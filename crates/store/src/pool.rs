//! One connection setup per process (issue 11 item 3): a [`Store`] opens the cache file once —
//! one writer connection (pragmas + migrations, once) and a small pool of read-only reader
//! connections — and hands out [`Db`] handles over them.
//!
//! - The writer is owned by whoever runs a [`Db::write`] transaction, for that transaction
//!   only; other writers of this process wait for it (up to [`WRITER_WAIT`]) instead of
//!   failing with `SQLITE_BUSY`. It is never handed out for reads.
//! - Readers run beside the writer (WAL). Each is opened with `PRAGMA query_only = ON`, so a
//!   read path that tries to write fails loudly ("attempt to write a readonly database").
//!   A handle takes an idle reader (or opens one, when all are out) and gives it back when
//!   dropped; at most [`MAX_IDLE_READERS`] are kept. There is no upper bound on readers in use
//!   and no waiting for one: a thread holding several handles can never deadlock on the pool.
//! - [`Store::open`] on a path this process already has open returns that store (a registry of
//!   live stores by canonical path), so two opens never make two writers.
//!
//! Why not r2d2 + r2d2_sqlite: a pool of identical connections would hand the writer to reads
//! (or need two pools and still a lock for the writer), blocks with a timeout when exhausted
//! (a thread holding handles would deadlock in a test), and adds two crates for ~150 lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::{migrations, Db, Result, StoreError};

/// Idle reader connections kept open for the next handle.
pub const MAX_IDLE_READERS: usize = 4;
/// How long a write waits for the writer connection held by another write of this process
/// (the same as SQLite's busy timeout for another process's write lock).
pub const WRITER_WAIT: Duration = Duration::from_secs(10);
/// SQLite's busy timeout on every connection.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The cache file opened once: one writer, a pool of readers. Cheap to clone (shared).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// `None` while a write transaction has it.
    writer: Mutex<Option<Connection>>,
    writer_back: Condvar,
    readers: Mutex<Vec<Connection>>,
    writer_opens: AtomicU64,
    reader_opens: AtomicU64,
    migration_runs: AtomicU64,
}

/// Counters of one store (for the invariant tests and `bench service`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// Writer connections opened (1 for the store's life).
    pub writer_opens: u64,
    /// Reader connections opened.
    pub reader_opens: u64,
    /// Times the migrations were checked/applied (1: at open).
    pub migration_runs: u64,
    /// Readers idle in the pool now.
    pub idle_readers: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Live stores of this process by canonical path.
fn registry() -> &'static Mutex<HashMap<PathBuf, Weak<Inner>>> {
    static R: OnceLock<Mutex<HashMap<PathBuf, Weak<Inner>>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// `dir/file` with `dir` canonical (the file may not exist yet).
fn canonical(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(d), Some(f)) => d.join(f),
        _ => path.to_path_buf(),
    }
}

pub(crate) fn open_err(path: &Path) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Open {
        path: path.display().to_string(),
        source,
    }
}

/// Opens a read-write connection (creating the file) with the writer's pragmas.
pub(crate) fn open_writer(path: &Path) -> Result<Connection> {
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
    .map_err(open_err(path))?;
    writer_pragmas(&conn)?;
    Ok(conn)
}

pub(crate) fn writer_pragmas(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // 16 KiB pages for a new file (before WAL mode creates it; an existing file keeps its
    // page size, which WAL mode cannot change): a case version is ~1 KB, so 4 KiB pages
    // left ~15 % of each page unused and cost 4x the page reads/writes (syscalls, WAL
    // frames) in the sync's bulk loads; 64 KiB slowed random inserts (docs/sync.md).
    conn.pragma_update(None, "page_size", crate::PAGE_SIZE)?;
    // WAL: readers (the UI's queries) never block the writer (the sync) and vice versa.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(open_err(path))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Invariant: a reader never writes (a read path that tries fails here, loudly).
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

impl Store {
    /// Opens the cache at `path` (creating it), once per process: applies the pragmas and the
    /// migrations on the writer connection. A path this process has open already gives that
    /// store back (nothing is opened again).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let text = path.to_string_lossy();
        if text.is_empty() || text == ":memory:" || text.contains("mode=memory") {
            // Readers would each see their own empty database.
            return Err(StoreError::Open {
                path: text.into_owned(),
                source: rusqlite::Error::InvalidPath(path.to_path_buf()),
            });
        }
        let mut reg = lock(registry());
        reg.retain(|_, w| w.strong_count() > 0);
        if let Some(inner) = reg.get(&canonical(path)).and_then(Weak::upgrade) {
            return Ok(Store { inner });
        }
        let mut writer = open_writer(path)?;
        migrations::migrate(&mut writer)?;
        // The file exists now: its canonical name is the registry key.
        let key = canonical(path);
        let inner = Arc::new(Inner {
            path: key.clone(),
            writer: Mutex::new(Some(writer)),
            writer_back: Condvar::new(),
            readers: Mutex::new(Vec::new()),
            writer_opens: AtomicU64::new(1),
            reader_opens: AtomicU64::new(0),
            migration_runs: AtomicU64::new(1),
        });
        reg.insert(key, Arc::downgrade(&inner));
        Ok(Store { inner })
    }

    /// A handle: reads on a reader of the pool ([`Db::conn`]), writes on the store's one
    /// writer ([`Db::write`]). Give it back (drop it) when the command is done.
    pub fn db(&self) -> Result<Db> {
        let reader = lock(&self.inner.readers).pop();
        let reader = match reader {
            Some(r) => r,
            None => {
                let r = open_reader(&self.inner.path)?;
                self.inner.reader_opens.fetch_add(1, Ordering::Relaxed);
                r
            }
        };
        Ok(Db::pooled(self.clone(), reader))
    }

    /// The file (canonical path).
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub fn stats(&self) -> StoreStats {
        StoreStats {
            writer_opens: self.inner.writer_opens.load(Ordering::Relaxed),
            reader_opens: self.inner.reader_opens.load(Ordering::Relaxed),
            migration_runs: self.inner.migration_runs.load(Ordering::Relaxed),
            idle_readers: lock(&self.inner.readers).len(),
        }
    }

    /// Two handles on the same store.
    pub fn same(&self, other: &Store) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Takes the writer until the guard drops, waiting up to [`WRITER_WAIT`] for another write
    /// of this process to finish.
    pub(crate) fn writer(&self) -> std::result::Result<WriterGuard<'_>, rusqlite::Error> {
        let deadline = Instant::now() + WRITER_WAIT;
        let mut slot = lock(&self.inner.writer);
        loop {
            if let Some(conn) = slot.take() {
                return Ok(WriterGuard {
                    store: &self.inner,
                    conn: Some(conn),
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some(format!(
                        "数据库正忙：另一写入事务已占用 {} 秒 (the writer connection was busy for {}s)",
                        WRITER_WAIT.as_secs(),
                        WRITER_WAIT.as_secs()
                    )),
                ));
            }
            slot = self
                .inner
                .writer_back
                .wait_timeout(slot, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// A reader back from a dropped handle: kept if the pool has room and it holds no open
    /// transaction (a pinned snapshot would serve stale reads and keep the WAL from
    /// restarting), else closed.
    pub(crate) fn give_back(&self, reader: Connection) {
        if !reader.is_autocommit() {
            return;
        }
        let mut idle = lock(&self.inner.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(reader);
        }
    }
}

/// The writer, owned by one write transaction; back in its slot when dropped (also when the
/// transaction's closure panics: the transaction rolls back first).
pub(crate) struct WriterGuard<'a> {
    store: &'a Inner,
    conn: Option<Connection>,
}

impl WriterGuard<'_> {
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("held until drop")
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            *lock(&self.store.writer) = Some(conn);
            self.store.writer_back.notify_one();
        }
    }
}
