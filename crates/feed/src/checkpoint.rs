//! WAL checkpoints on their own thread and connection during a sync (docs/sync.md "Speed").
//!
//! With SQLite's automatic checkpoint, the connection that commits copies the WAL into the
//! database file inside its `COMMIT`, with two `fsync`s: during a cold load that is the sync's
//! writer thread stalled for ~3 s per million cases. Here the writer's connection has its
//! automatic checkpoint switched off, and after each commit this thread runs a `PASSIVE`
//! checkpoint from a second connection while the writer fills its next transaction. Nothing
//! changes in what is durable when: a checkpoint only copies committed frames, and
//! `synchronous=NORMAL` still syncs the WAL before and the database after each copy.
//!
//! The WAL restarts from its beginning only when a write transaction begins with every frame
//! copied; so when the writer has committed more than `drain_bytes` ([`DRAIN_BYTES`] in a sync)
//! since the last restart, it waits for the checkpoint of everything committed before its next
//! transaction (`before_begin`), which bounds the WAL file.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use jiancha_store::Db;

use crate::error::SyncError;

/// The WAL may grow to about this size before the writer waits for a checkpoint to finish,
/// so that the log restarts from its beginning.
pub(crate) const DRAIN_BYTES: u64 = 1 << 30;

#[derive(Default)]
struct State {
    /// Commits announced by the writer.
    requested: u64,
    /// The `requested` value the last completed checkpoint started from.
    done: u64,
    /// Bytes committed since the writer last drained the WAL (the writer's estimate).
    pending_bytes: u64,
    /// The writer drains the WAL when it is longer than this.
    drain_bytes: u64,
    stop: bool,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// The checkpoint thread. Dropping it (or [`Checkpointer::finish`]) stops the thread after
/// the checkpoint in progress.
pub(crate) struct Checkpointer {
    shared: Shared,
    thread: Option<JoinHandle<()>>,
}

/// The writer's side: announces commits, waits before a transaction when the WAL is long.
#[derive(Clone)]
pub(crate) struct CheckpointHandle {
    shared: Shared,
}

impl Checkpointer {
    /// Opens a second connection to `path` and starts the thread.
    pub(crate) fn start(path: &Path, drain_bytes: u64) -> Result<Checkpointer, SyncError> {
        let db = Db::open(path)?;
        let state = State {
            drain_bytes,
            ..State::default()
        };
        let shared: Shared = Arc::new((Mutex::new(state), Condvar::new()));
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("jiancha-checkpoint".into())
            .spawn(move || run(db, s))
            .map_err(|e| SyncError::Internal(format!("starting the checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            shared,
            thread: Some(thread),
        })
    }

    pub(crate) fn handle(&self) -> CheckpointHandle {
        CheckpointHandle {
            shared: self.shared.clone(),
        }
    }

    /// Waits for the checkpoint of the last announced commit, then stops the thread.
    pub(crate) fn finish(mut self) {
        self.handle().wait_done();
        self.stop();
    }

    fn stop(&mut self) {
        {
            let (m, cv) = &*self.shared;
            lock(m).stop = true;
            cv.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl CheckpointHandle {
    /// A transaction of about `bytes` committed: checkpoint it.
    pub(crate) fn committed(&self, bytes: u64) {
        let (m, cv) = &*self.shared;
        let mut s = lock(m);
        s.requested += 1;
        s.pending_bytes += bytes;
        cv.notify_all();
    }

    /// Before the writer begins a transaction: if the WAL is long, wait until everything
    /// committed is checkpointed, so this transaction restarts the log from its beginning.
    pub(crate) fn before_begin(&self) {
        let long = {
            let (m, _) = &*self.shared;
            let s = lock(m);
            s.pending_bytes > s.drain_bytes
        };
        if long {
            self.wait_done();
            let (m, _) = &*self.shared;
            lock(m).pending_bytes = 0;
        }
    }

    fn wait_done(&self) {
        let (m, cv) = &*self.shared;
        let mut s = lock(m);
        while s.done < s.requested && !s.stop {
            s = cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn run(db: Db, shared: Shared) {
    let (m, cv) = &*shared;
    loop {
        let gen = {
            let mut s = lock(m);
            while s.done >= s.requested && !s.stop {
                s = cv.wait(s).unwrap_or_else(|e| e.into_inner());
            }
            if s.done >= s.requested {
                return; // stopped with nothing left to do
            }
            s.requested
        };
        // PASSIVE: copies what no reader still needs, never blocks the writer or readers.
        // It does not run at all (busy, -1 frames) while the writer restarts the WAL or
        // another connection checkpoints: try again shortly.
        for _ in 0..100 {
            match db
                .conn()
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                }) {
                Ok((1, -1)) => std::thread::sleep(std::time::Duration::from_millis(5)),
                Ok(_) => break,
                Err(e) => {
                    // Not fatal: the next commit (or connection) checkpoints again.
                    tracing::warn!(error = %e, "sync: WAL checkpoint failed");
                    break;
                }
            }
        }
        let mut s = lock(m);
        s.done = gen;
        cv.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wal_len(p: &Path) -> u64 {
        std::fs::metadata(format!("{}-wal", p.display()))
            .map(|m| m.len())
            .unwrap_or(0)
    }

    /// Writes `n` transactions of ~64 KB through `db` (automatic checkpoints off), announcing
    /// each to `ck` when given.
    fn write(db: &mut Db, phase: &str, n: usize, ck: Option<&CheckpointHandle>) {
        let blob = "x".repeat(64 * 1024);
        for i in 0..n {
            if let Some(ck) = ck {
                ck.before_begin();
            }
            db.write(|tx| {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    jiancha_store::rusqlite::params![format!("ck-test-{phase}-{i}"), blob],
                )
            })
            .unwrap();
            if let Some(ck) = ck {
                ck.committed(blob.len() as u64);
            }
        }
    }

    #[test]
    fn commits_are_checkpointed_by_the_thread_and_a_long_wal_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ck.sqlite");
        let mut db = Db::open(&p).unwrap();
        db.conn()
            .pragma_update(None, "wal_autocheckpoint", 0)
            .unwrap();

        // Without checkpoints the WAL holds every transaction: > 40 × 64 KB.
        write(&mut db, "a", 40, None);
        assert!(wal_len(&p) > 40 * 64 * 1024, "WAL {}", wal_len(&p));
        let ck = Checkpointer::start(&p, 256 * 1024).unwrap();
        ck.handle().committed(0);
        ck.finish();
        // Everything was copied into the database file.
        let (log, done): (i64, i64) = db
            .conn()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(log, done);

        // With the thread and a 256 KiB drain limit, 200 more transactions (~13 MB) reuse
        // the WAL from its beginning instead of growing it.
        let before = wal_len(&p);
        let ck = Checkpointer::start(&p, 256 * 1024).unwrap();
        write(&mut db, "b", 200, Some(&ck.handle()));
        ck.finish();
        assert!(
            wal_len(&p) <= before.max(2 * 1024 * 1024),
            "WAL grew from {before} to {} bytes",
            wal_len(&p)
        );
        let n: i64 = db
            .conn()
            .query_row(
                "SELECT count(*) FROM meta WHERE key LIKE 'ck-test-%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 240);
        assert!(db.integrity_ok().unwrap());
    }
}
