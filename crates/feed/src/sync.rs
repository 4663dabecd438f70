//! The sync loop: a fetch task (HTTP, JSON, validation) feeding a writer thread (SQLite) over a
//! bounded channel, so parsing and writing overlap; the writer commits many pages per
//! transaction together with the cursor that covers them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiancha_protocol::{Cursor, MAX_PAGE_SIZE};
use jiancha_store::rusqlite::{params, OptionalExtension};
use jiancha_store::Db;
use tokio::sync::mpsc;

use crate::apply::{Applied, Writer};
use crate::checkpoint::Checkpointer;
use crate::client::{FeedClient, RetryNotice, RetryPolicy};
use crate::error::SyncError;
use crate::findings::{scan_silent_departments, FindingConfig, WorkCalendar};
use crate::prepare::PreparedPage;

/// How to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The feed's base URL (`http://127.0.0.1:PORT`); also the key of its cursor.
    pub feed: String,
    /// Bearer token, when the feed needs one.
    pub token: Option<String>,
    /// Records per request (the feed clamps to 5000).
    pub page_size: u32,
    /// Commit after at least this many records (many pages per transaction) …
    pub batch_records: usize,
    /// … or after this long, so other writers of the cache never wait long for the lock.
    pub commit_interval: Duration,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// Retry of transient errors.
    pub retry: RetryPolicy,
    /// SQLite page cache of the writer connection during an incremental sync (MiB); a cold
    /// load uses a small one.
    pub cache_mib: u32,
    /// Drop the secondary indexes of `cases` for a load into an empty cache of at least this
    /// many records, and build them once at the end (a sort is much cheaper than 1M random
    /// index inserts).
    pub cold_load_min_records: u64,
    /// Integrity-finding thresholds.
    pub findings: FindingConfig,
}

impl SyncOptions {
    /// Defaults for `feed`.
    pub fn new(feed: impl Into<String>) -> Self {
        SyncOptions {
            feed: feed.into().trim_end_matches('/').to_owned(),
            token: None,
            page_size: MAX_PAGE_SIZE,
            batch_records: 200_000,
            commit_interval: Duration::from_secs(2),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            cache_mib: 64,
            cold_load_min_records: 20_000,
            findings: FindingConfig::default(),
        }
    }
}

/// What the sync is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Asking the feed where it stands.
    Connecting,
    /// Fetching and storing records.
    Loading,
    /// Building the secondary indexes after a cold load.
    BuildingIndexes,
    /// Integrity checks (silent departments).
    Checking,
    /// Caught up.
    Done,
}

/// Progress of a running sync (for the UI's status bar and the CLI's progress line).
#[derive(Debug, Clone)]
pub struct SyncProgress {
    /// Current phase.
    pub phase: Phase,
    /// Records committed by this run (stored + duplicates + quarantined).
    pub records: u64,
    /// Records fetched and validated by this run (committed or about to be).
    pub received: u64,
    /// The cursor of the latest page fetched (ahead of the committed `cursor`).
    pub fetched_cursor: String,
    /// Records that changed the cache.
    pub stored: u64,
    /// Records quarantined by this run.
    pub quarantined: u64,
    /// Response bytes received (after decompression).
    pub bytes: u64,
    /// Since the sync started.
    pub elapsed: Duration,
    /// Received records per second so far.
    pub records_per_s: f64,
    /// The committed cursor.
    pub cursor: String,
    /// The feed's latest seq when the sync started (for a percentage).
    pub latest_seq: Option<u64>,
    /// Set while a request is being retried.
    pub retrying: Option<RetryNotice>,
}

/// Where progress goes. Called from the fetch task and the writer thread.
pub type ProgressFn = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

/// The result of a sync that caught up.
#[derive(Debug, Clone)]
pub struct SyncReport {
    /// Cases now in the cache.
    pub cases: u64,
    /// Records in quarantine (all runs).
    pub quarantined: u64,
    /// What this run applied.
    pub applied: Applied,
    /// Records committed by this run.
    pub records: u64,
    /// Bytes received.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// The committed cursor.
    pub cursor: String,
    /// The feed's clock at the end (Unix seconds).
    pub server_time: Option<i64>,
    /// Whether the secondary indexes were built after the load.
    pub cold_load: bool,
    /// Silent-department findings raised at the end.
    pub silent_findings: u64,
    /// Time the writer was busy: its transactions including commits and WAL checkpoints,
    /// not counting the time it waited for pages.
    pub write_time: Duration,
    /// Time spent building the deferred indexes.
    pub index_time: Duration,
}

/// Syncs the feed into the cache at `db_path` until caught up (the feed says `has_more:
/// false`). Resumable: stopping at any point (even SIGKILL) loses nothing that was committed,
/// and the next run continues from the committed cursor.
pub async fn sync(
    db_path: &Path,
    opts: &SyncOptions,
    calendar: Arc<dyn WorkCalendar>,
    progress: ProgressFn,
) -> Result<SyncReport, SyncError> {
    let key = Arc::new(Mutex::new(None::<String>));
    let result = sync_inner(db_path, opts, calendar, progress, key.clone()).await;
    // The feed's last error, for the status screen (the records committed before it stay).
    let feed = key
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| opts.feed.trim_end_matches('/').to_owned());
    let path = db_path.to_owned();
    let error = result.as_ref().err().map(|e| e.to_string());
    let _ = tokio::task::spawn_blocking(move || -> Result<(), SyncError> {
        let mut db = Db::open(&path)?;
        db.write(|tx| match &error {
            Some(e) => tx.execute(
                "INSERT INTO sync_cursor (feed, cursor, updated_at, last_error, last_error_at) \
                 VALUES (?1, '0', ?3, ?2, ?3) ON CONFLICT (feed) DO UPDATE SET \
                 last_error = excluded.last_error, last_error_at = excluded.last_error_at",
                params![feed, e, unix_now()],
            ),
            None => tx.execute(
                "UPDATE sync_cursor SET last_error = NULL WHERE feed = ?1",
                params![feed],
            ),
        })?;
        Ok(())
    })
    .await;
    result
}

async fn sync_inner(
    db_path: &Path,
    opts: &SyncOptions,
    calendar: Arc<dyn WorkCalendar>,
    progress: ProgressFn,
    key_slot: Arc<Mutex<Option<String>>>,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let state = Arc::new(Mutex::new(SyncProgress {
        phase: Phase::Connecting,
        records: 0,
        received: 0,
        fetched_cursor: String::new(),
        stored: 0,
        quarantined: 0,
        bytes: 0,
        elapsed: Duration::ZERO,
        records_per_s: 0.0,
        cursor: String::new(),
        latest_seq: None,
        retrying: None,
    }));
    let report = {
        let state = state.clone();
        let progress = progress.clone();
        move |f: &dyn Fn(&mut SyncProgress)| {
            let snap = {
                let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                f(&mut s);
                s.elapsed = started.elapsed();
                let secs = s.elapsed.as_secs_f64();
                s.records_per_s = if secs > 0.0 {
                    s.received as f64 / secs
                } else {
                    0.0
                };
                s.clone()
            };
            progress(&snap);
        }
    };
    let report = Arc::new(report);
    let on_retry: Arc<dyn Fn(RetryNotice) + Send + Sync> = {
        let report = report.clone();
        Arc::new(move |n: RetryNotice| report(&|s| s.retrying = Some(n.clone())))
    };

    let mut client = FeedClient::new(
        &opts.feed,
        opts.token.clone(),
        opts.request_timeout,
        opts.retry.clone(),
    )?;
    // Open the cache (in the blocking pool: SQLite is synchronous).
    let path: PathBuf = db_path.to_owned();
    let (mut db, empty, deferred, checkpointer) = tokio::task::spawn_blocking(move || {
        let db = Db::open(&path)?;
        // The writer's commits are checkpointed by a second connection on its own thread
        // (crate::checkpoint), not inside the writer's COMMIT.
        db.conn().pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = Checkpointer::start(&path, crate::checkpoint::DRAIN_BYTES)?;
        let empty = db
            .conn()
            .query_row("SELECT 1 FROM cases LIMIT 1", [], |r| r.get::<_, i64>(0))
            .optional()?
            .is_none();
        let deferred: i64 =
            db.conn()
                .query_row("SELECT count(*) FROM deferred_indexes", [], |r| r.get(0))?;
        Ok::<_, SyncError>((db, empty, deferred > 0, checkpointer))
    })
    .await
    .map_err(join_err)??;
    set_cache_mib(&db, opts.cache_mib)?;

    let health = client.health(&*on_retry).await?;
    // Which change log this is (docs/sync.md "Feed logs"): the cursor is kept per log, and a
    // log's number keeps its seqs apart from those of other (e.g. rebuilt) logs.
    let feed = match &health.feed_id {
        Some(id) => format!("feed:{id}"),
        None => client.base().to_owned(),
    };
    client.expect_feed_id(health.feed_id.clone());
    *key_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(feed.clone());
    let (cursor, log_no) = db.write(|tx| {
        let held: Option<(String, i64)> = tx
            .query_row(
                "SELECT cursor, log_no FROM sync_cursor WHERE feed = ?1",
                [&feed],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some(h) = held {
            return Ok::<_, SyncError>(h);
        }
        let n: i64 = tx.query_row(
            "SELECT coalesce(max(log_no) + 1, 0) FROM sync_cursor WHERE records > 0",
            [],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO sync_cursor (feed, cursor, records, updated_at, feed_id, log_no) \
             VALUES (?1, '0', 0, ?2, ?3, ?4)",
            params![feed, unix_now(), health.feed_id, n],
        )?;
        Ok(("0".to_owned(), n))
    })?;
    let log_base = log_no.checked_shl(40).unwrap_or(0);
    report(&|s| {
        s.latest_seq = Some(health.latest_seq);
        s.cursor = cursor.clone();
        s.phase = Phase::Loading;
        s.retrying = None;
    });
    let behind = health
        .latest_seq
        .saturating_sub(Cursor::parse(&cursor).map(|c| c.0).unwrap_or(0));
    let cold = deferred || (empty && behind >= opts.cold_load_min_records);
    if cold && !deferred {
        defer_indexes(&mut db)?;
    }
    if cold {
        // A cold load only appends: a big page cache buys nothing but resident memory.
        set_cache_mib(&db, COLD_LOAD_CACHE_MIB)?;
    }

    // The writer thread.
    let (tx, mut rx) = mpsc::channel::<PreparedPage>(2);
    let writer_report = report.clone();
    let writer_feed = feed.clone();
    let findings = opts.findings.clone();
    let batch_records = opts.batch_records.max(1);
    let commit_interval = opts.commit_interval;
    let cal = calendar.clone();
    let ckpt = checkpointer.handle();
    let writer = tokio::task::spawn_blocking(move || {
        let w = Writer {
            feed: &writer_feed,
            calendar: &*cal,
            findings: &findings,
            now: 0,
            cold,
            log_base,
        };
        let mut total = Applied::default();
        let mut write_time = Duration::ZERO;
        let result = (|| {
            while let Some(first) = rx.blocking_recv() {
                // One transaction takes pages as they come until `batch_records` records or
                // `commit_interval` have passed (or the feed is caught up): fewer commits mean
                // the same b-tree pages are written to the WAL and checkpointed fewer times.
                // Each page's records go into the transaction at once, so memory stays at a
                // couple of pages; the cursor moves with every page, inside the transaction.
                let opened = Instant::now();
                // A long WAL restarts with this transaction (waits for the checkpoint).
                ckpt.before_begin();
                let mut idle = Duration::ZERO;
                let (applied, n, bytes, cursor) = db.write(|tx| {
                    let mut page = first;
                    let mut applied = Applied::default();
                    let mut n = 0usize;
                    let mut bytes = 0u64;
                    loop {
                        let w = Writer {
                            now: unix_now(),
                            ..w
                        };
                        applied += w.apply_tx(tx, std::slice::from_ref(&page))?;
                        n += page.records.len();
                        bytes += page.bytes;
                        if n >= batch_records || opened.elapsed() >= commit_interval {
                            break;
                        }
                        let waiting = Instant::now();
                        let next = rx.blocking_recv();
                        idle += waiting.elapsed();
                        match next {
                            Some(p) => page = p,
                            None => break,
                        }
                    }
                    Ok::<_, SyncError>((applied, n, bytes, page.next_cursor))
                })?;
                ckpt.committed(bytes);
                // Busy = the transaction (records, commit) and any wait for a checkpoint,
                // minus waiting for pages.
                write_time += opened.elapsed().saturating_sub(idle);
                total += applied;
                writer_report(&|s| {
                    s.records += n as u64;
                    s.stored += applied.stored;
                    s.quarantined += applied.quarantined;
                    s.cursor = cursor.clone();
                })
            }
            Ok::<_, SyncError>(())
        })();
        (db, total, write_time, result)
    });

    // The fetch loop: the next request is on its way (the feed renders it) while this page's
    // records are validated on the blocking pool and the writer stores the previous ones.
    let fetch = async {
        let mut cursor = cursor.clone();
        let request = |mut c: FeedClient, after: String| {
            let on_retry = on_retry.clone();
            let size = opts.page_size;
            tokio::spawn(async move { c.changes_raw(&after, size, &*on_retry).await })
        };
        let mut inflight = Some(request(client.clone(), cursor.clone()));
        while let Some(req) = inflight.take() {
            let raw = req.await.map_err(join_err)??;
            let next = raw.next_cursor.clone();
            let moved = match (Cursor::parse(&next), Cursor::parse(&cursor)) {
                (Ok(n), Ok(c)) => n > c,
                _ => next != cursor,
            };
            let (has_more, empty) = (raw.has_more, raw.empty);
            if moved {
                cursor = next;
            }
            if has_more && (moved || !empty) {
                inflight = Some(request(client.clone(), cursor.clone()));
            } else if has_more {
                tracing::warn!(%cursor, "feed: empty page says has_more but the cursor did not move; treating as caught up");
            }
            let page = tokio::task::spawn_blocking(move || raw.prepare())
                .await
                .map_err(join_err)?;
            let (bytes, n, next_c) = (
                page.bytes,
                page.records.len() as u64,
                page.next_cursor.clone(),
            );
            report(&|s| {
                s.bytes += bytes;
                s.received += n;
                if Cursor::parse(&next_c).ok() > Cursor::parse(&s.fetched_cursor).ok() {
                    s.fetched_cursor = next_c.clone();
                }
                s.retrying = None;
            });
            // The writer stopped if the send fails; its error is reported below.
            if (!empty || moved) && tx.send(page).await.is_err() {
                break;
            }
        }
        drop(tx);
        Ok::<_, SyncError>(())
    };
    let fetched = fetch.await;
    let (mut db, applied, write_time, written) = writer.await.map_err(join_err)?;
    written?;
    fetched?;

    // Cold load: build the secondary indexes once, by sorting.
    let t = Instant::now();
    let mut cold_findings = 0;
    if cold {
        report(&|s| s.phase = Phase::BuildingIndexes);
        let (cal2, findings2, feed3) = (calendar.clone(), opts.findings.clone(), feed.clone());
        let cache_mib = opts.cache_mib;
        let (db_back, n) = tokio::task::spawn_blocking(move || {
            let w = Writer {
                feed: &feed3,
                calendar: &*cal2,
                findings: &findings2,
                now: unix_now(),
                cold: false,
                log_base,
            };
            // The sorts of the index builds use one helper thread (the other core is idle
            // by now); each sorter thread holds up to a cache's worth of records, so the
            // cache is small: runs are sorted in the background while the table is read.
            // Measured at 1M cases: 5.7 s -> 4.2 s, peak RSS 225 -> 150 MB (docs/sync.md).
            let n = set_cache_mib(&db, COLD_FINISH_CACHE_MIB)
                .and_then(|()| Ok(db.conn().pragma_update(None, "threads", 1)?))
                .and_then(|()| w.finish_cold_load(&mut db));
            let restored = db
                .conn()
                .pragma_update(None, "threads", 0)
                .map_err(SyncError::from)
                .and_then(|()| set_cache_mib(&db, cache_mib));
            (db, n.and_then(|n| restored.map(|()| n)))
        })
        .await
        .map_err(join_err)?;
        db = db_back;
        cold_findings = n?;
    }
    // The last checkpoint runs here; then the connection checkpoints by itself again.
    let ckpt = checkpointer.handle();
    ckpt.committed(0);
    tokio::task::spawn_blocking(move || checkpointer.finish())
        .await
        .map_err(join_err)?;
    db.conn().pragma_update(None, "wal_autocheckpoint", 1000)?;
    let mut applied = applied;
    applied.findings += cold_findings;
    let index_time = t.elapsed();

    // The feed's clock now, for the silence check (and the queues' "now" in live mode).
    report(&|s| s.phase = Phase::Checking);
    let health = client.health(&*on_retry).await?;
    let server_time = health.server_time.unix();
    let findings = opts.findings.clone();
    let feed2 = feed.clone();
    let (db, silent) = tokio::task::spawn_blocking(move || {
        db.write(|tx| {
            tx.execute(
                "UPDATE sync_cursor SET latest_seq = ?2, server_time = ?3 WHERE feed = ?1",
                params![feed2, health.latest_seq as i64, server_time],
            )
        })?;
        let n = scan_silent_departments(&mut db, &*calendar, &findings, server_time)?;
        Ok::<_, SyncError>((db, n))
    })
    .await
    .map_err(join_err)??;

    let cases: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?;
    let quarantined: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0))?;
    let cursor: String = db
        .conn()
        .query_row(
            "SELECT cursor FROM sync_cursor WHERE feed = ?1",
            [&feed],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| "0".into());
    let snap = {
        let s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.clone()
    };
    report(&|s| s.phase = Phase::Done);
    Ok(SyncReport {
        cases: cases as u64,
        quarantined: quarantined as u64,
        applied,
        records: snap.records,
        bytes: snap.bytes,
        elapsed: started.elapsed(),
        cursor,
        server_time: Some(server_time),
        cold_load: cold,
        silent_findings: silent,
        write_time,
        index_time,
    })
}

/// Page cache of the writer's connection while a cold load appends versions.
const COLD_LOAD_CACHE_MIB: u32 = 8;
/// Page cache (and so the sorter's run size) while the end of a cold load builds indexes.
const COLD_FINISH_CACHE_MIB: u32 = 4;

fn set_cache_mib(db: &Db, mib: u32) -> Result<(), SyncError> {
    Ok(db
        .conn()
        .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?)
}

fn join_err(e: tokio::task::JoinError) -> SyncError {
    SyncError::Internal(format!("sync task failed: {e}"))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Drops the secondary indexes of `cases`, `case_versions` and `evaluations` (~1 evaluation
/// per 3 case versions; its two indexes cost the writer ~1 CPU-s per 1M cases), remembering
/// their SQL (one transaction, so a kill either leaves them all in place or all recorded).
pub(crate) fn defer_indexes(db: &mut Db) -> Result<usize, SyncError> {
    db.write(|tx| {
        let idx: Vec<(String, String)> = {
            let mut st = tx.prepare(
                "SELECT name, sql FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name IN ('cases', 'case_versions', 'evaluations') \
                 AND sql IS NOT NULL",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (name, sql) in &idx {
            tx.execute(
                "INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?1, ?2)",
                params![name, sql],
            )?;
            tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        Ok(idx.len())
    })
}

/// Fetches and validates the whole feed without storing anything: the HTTP and JSON side of
/// a sync alone (for benchmarks). Returns `(records, bytes)`.
pub async fn fetch_only(opts: &SyncOptions) -> Result<(u64, u64), SyncError> {
    let client = FeedClient::new(
        &opts.feed,
        opts.token.clone(),
        opts.request_timeout,
        opts.retry.clone(),
    )?;
    let request = |mut c: FeedClient, after: String| {
        let size = opts.page_size;
        tokio::spawn(async move { c.changes_raw(&after, size, &|_| {}).await })
    };
    let mut cursor = String::from("0");
    let (mut records, mut bytes) = (0u64, 0u64);
    let mut inflight = Some(request(client.clone(), cursor.clone()));
    while let Some(req) = inflight.take() {
        let raw = req.await.map_err(join_err)??;
        let moved = matches!(
            (Cursor::parse(&raw.next_cursor), Cursor::parse(&cursor)),
            (Ok(n), Ok(c)) if n > c
        );
        if moved {
            cursor = raw.next_cursor.clone();
        }
        if raw.has_more && (moved || !raw.empty) {
            inflight = Some(request(client.clone(), cursor.clone()));
        }
        let page = tokio::task::spawn_blocking(move || raw.prepare())
            .await
            .map_err(join_err)?;
        records += page.records.len() as u64;
        bytes += page.bytes;
    }
    Ok((records, bytes))
}
