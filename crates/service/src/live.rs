//! The live loop (issue 5 item 4): a background sync on the configured interval (at once at
//! start), evaluation after every sync, and the evaluator waking at the next change instant
//! (`jiancha_feed::next_change`) between syncs. Progress and results leave through a
//! [`LiveSink`] (the shell turns them into Tauri events). Nothing here panics on a feed
//! error: a transient failure is shown and retried at the next interval; a permanent one
//! stops the loop with its message until the settings change or an officer asks for a sync.
//!
//! Time: the feed's clock can run faster than the wall clock (the demo simulator runs at
//! 600×). Cases are evaluated at the feed's time, extrapolated from the `server_time` of
//! the last sync with the feed's speed ([`Live::set_feed_speed`]; 1 for a real feed).
//! A feed faster than the wall clock is synced (not only evaluated) at each change instant:
//! between interval syncs it moves on by speed × interval (at 20 000×, 30 s is a week of
//! cases opened and completed), and cards evaluated on that stale data would be raised for
//! cases already completed and miss the cases opened since.
//!
//! The demo feed's speed is [`Config::demo_speed`](crate::Config::demo_speed): 600 by
//! default, `JIANCHA_DEMO_SPEED` in the shell ([`parse_demo_speed`]) so that E2E tests see a
//! working day pass in seconds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiancha_api::sync::{
    SignalCounts, SignalsChanged, SyncProgress, SyncRun, SyncState, SyncStatus,
};
use jiancha_feed::{Phase, SyncError, SyncOptions};
use jiancha_store::settings::{Key, LIVE};
use jiancha_store::{Db, StoreError};

use crate::settings::{self, chrono_free_now, ConsoleSettings};
use crate::Service;

/// The embedded demo feed's default speed: simulated seconds per wall second (a working day
/// of office hours passes in under a minute).
pub const DEFAULT_DEMO_SPEED: f64 = 600.0;
/// The fastest demo feed: a simulated day per wall second.
pub const MAX_DEMO_SPEED: f64 = 86_400.0;

/// Parses a demo-feed speed (the shell's `JIANCHA_DEMO_SPEED`): a number from 1 (real time)
/// to [`MAX_DEMO_SPEED`]. The error names the variable, the value and the range.
pub fn parse_demo_speed(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (1.0..=MAX_DEMO_SPEED).contains(&v) => Ok(v),
        _ => Err(format!(
            "JIANCHA_DEMO_SPEED 无效: {text:?}，须为 1–{MAX_DEMO_SPEED} 之间的数 \
             (invalid JIANCHA_DEMO_SPEED {text:?}: simulated seconds per wall second, \
             a number from 1 to {MAX_DEMO_SPEED})"
        )),
    }
}

/// How often the demo simulator's ticker publishes: every simulated hour or so, between
/// 0.1 s and 1 s of wall time (1 s at the default 600×).
fn demo_tick(speed: f64) -> Duration {
    Duration::from_secs_f64((3600.0 / speed).clamp(0.1, 1.0))
}

/// Where the loop reports. Implemented by the shell (Tauri events) and by tests.
pub trait LiveSink: Send + Sync + 'static {
    fn progress(&self, p: &SyncProgress);
    fn status(&self, s: &SyncStatus);
    fn signals(&self, s: &SignalsChanged);
}

/// The loop's shared state, kept in the [`Service`].
pub struct Live {
    status: Mutex<SyncStatus>,
    wake: tokio::sync::Notify,
    full_eval: AtomicBool,
    speed: Mutex<f64>,
    /// (feed time, wall instant) of the last sync's end.
    feed_clock: Mutex<Option<(i64, Instant)>>,
    next_change: Mutex<Option<i64>>,
    /// Red cards in `signals` at the previous evaluation (None before the first one: the
    /// first evaluation of a run sets the baseline and notifies nothing).
    reds: Mutex<Option<u64>>,
    demo_starting: AtomicBool,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            status: Mutex::new(SyncStatus {
                state: SyncState::Starting,
                feed_url: String::new(),
                progress: None,
                last_success: None,
                last_error: None,
                last_error_at: None,
                cases: 0,
                quarantined: 0,
                findings: 0,
                signals: SignalCounts::default(),
                next_sync_at: None,
                feed_time: None,
            }),
            wake: tokio::sync::Notify::new(),
            full_eval: AtomicBool::new(false),
            speed: Mutex::new(1.0),
            feed_clock: Mutex::new(None),
            next_change: Mutex::new(None),
            reds: Mutex::new(None),
            demo_starting: AtomicBool::new(false),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Live {
    /// The current status (the status bar's first paint; events keep it current).
    pub fn status(&self) -> SyncStatus {
        let mut s = lock(&self.status).clone();
        s.feed_time = self.feed_now();
        s
    }

    /// Asks for a sync now (the 同步 screen's button); also restarts a stopped loop.
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }

    /// Settings changed: sync at once with them; a new warning lead re-evaluates every case.
    pub fn settings_changed(&self, reevaluate_all: bool) {
        if reevaluate_all {
            self.full_eval.store(true, Ordering::SeqCst);
        }
        self.wake.notify_one();
    }

    /// True while the embedded demo feed is being started.
    pub fn demo_starting(&self) -> bool {
        self.demo_starting.load(Ordering::SeqCst)
    }

    /// Simulated feed seconds per wall second (the demo feed: 600).
    pub fn set_feed_speed(&self, speed: f64) {
        *lock(&self.speed) = speed.max(1e-3);
    }

    /// Simulated feed seconds per wall second.
    pub fn feed_speed(&self) -> f64 {
        *lock(&self.speed)
    }

    /// The feed's clock now: the last `server_time` extrapolated, or the wall clock.
    pub fn feed_now(&self) -> Option<i64> {
        let speed = *lock(&self.speed);
        lock(&self.feed_clock).map(|(t, at)| t + (at.elapsed().as_secs_f64() * speed) as i64)
    }

    /// Sets the feed's clock to `at` (Unix seconds) as of now, running at `speed`, as a sync
    /// would (tests: a feed ahead of the wall clock).
    #[cfg(test)]
    pub(crate) fn set_feed_clock(&self, at: i64, speed: f64) {
        *lock(&self.feed_clock) = Some((at, Instant::now()));
        self.set_feed_speed(speed);
    }

    fn update(&self, f: impl FnOnce(&mut SyncStatus)) -> SyncStatus {
        let mut s = lock(&self.status);
        f(&mut s);
        let mut out = s.clone();
        drop(s);
        out.feed_time = self.feed_now();
        out
    }

    /// Wall delay until the feed reaches `next_change` (at least `min`).
    fn delay_to_next_change(&self, min: Duration) -> Option<Duration> {
        let nc = (*lock(&self.next_change))?;
        let now = self.feed_now()?;
        let speed = *lock(&self.speed);
        let secs = ((nc - now) as f64 / speed).max(0.0);
        Some(Duration::from_secs_f64(secs).max(min))
    }
}

/// How a sync cycle ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleOutcome {
    Synced,
    /// Retried at the next interval.
    Failed(String),
    /// Stopped until the settings change or a sync is asked for.
    Stopped(String),
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Connecting => "connecting",
        Phase::Loading => "loading",
        Phase::BuildingIndexes => "building_indexes",
        Phase::Checking => "checking",
        Phase::Done => "done",
    }
}

fn progress_dto(p: &jiancha_feed::SyncProgress) -> SyncProgress {
    SyncProgress {
        phase: phase_name(p.phase).into(),
        records: p.received,
        quarantined: p.quarantined,
        bytes: p.bytes,
        records_per_s: (p.records_per_s * 10.0).round() / 10.0,
        latest_seq: p.latest_seq,
        retrying: p.retrying.as_ref().map(|r| {
            format!(
                "第 {} 次重试 (attempt {}): {}",
                r.attempt, r.attempt, r.error
            )
        }),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("internal error: {e}"))?
}

fn load_settings(svc: &Service) -> Result<ConsoleSettings, String> {
    let db = svc.db().map_err(|e| e.message)?;
    settings::load(&db).map_err(|e| e.message)
}

/// Counts for the status: cases, quarantine, unresolved findings, open signals.
fn counts(db: &Db) -> Result<(u64, u64, u64, SignalCounts), SyncError> {
    let c = jiancha_feed::db::sync_state::cache_counts(db.conn())?;
    let signals = SignalCounts {
        warning: c.open.warning,
        yellow: c.open.yellow,
        red: c.open.red,
        evaluated_at: c.evaluated_at,
    };
    Ok((c.cases, c.quarantined, c.findings, signals))
}

/// Refreshes the counts in the status from the cache.
pub fn refresh_counts(svc: &Service) -> Result<SyncStatus, String> {
    let db = svc.db().map_err(|e| e.message)?;
    let (cases, quarantined, findings, signals) = counts(&db).map_err(|e| e.to_string())?;
    Ok(svc.live().update(|s| {
        s.cases = cases;
        s.quarantined = quarantined;
        s.findings = findings;
        s.signals = signals;
    }))
}

/// One sync of the configured feed, then an evaluation at the feed's clock.
pub async fn sync_cycle(svc: &Arc<Service>, sink: &Arc<dyn LiveSink>) -> CycleOutcome {
    let live = svc.live();
    let settings = {
        let svc2 = svc.clone();
        match blocking(move || load_settings(&svc2)).await {
            Ok(s) => s,
            Err(e) => return fail(svc, sink, e, false),
        }
    };
    let url = svc.effective_feed_url(&settings);
    if url.is_empty() {
        return fail(
            svc,
            sink,
            "数据源尚未就绪 (the feed is not started yet)".into(),
            false,
        );
    }
    let st = live.update(|s| {
        s.state = SyncState::Syncing;
        s.feed_url = url.clone();
        s.progress = None;
        s.next_sync_at = None;
    });
    sink.status(&st);

    let mut opts = SyncOptions::new(url.clone());
    opts.token = settings.token.clone();
    // Surface an unreachable feed within ~15 s; the loop retries at the next interval.
    opts.retry.max_attempts = Some(6);
    let calendar = {
        let svc2 = svc.clone();
        match blocking(move || {
            let db = svc2.db().map_err(|e| e.message)?;
            crate::calendar_store::load_calendar(&db).map_err(|e| e.to_string())
        })
        .await
        {
            Ok(c) => Arc::new(c),
            Err(e) => return fail(svc, sink, e, false),
        }
    };
    let last_emit = Mutex::new(None::<Instant>);
    let (svc2, sink2) = (svc.clone(), sink.clone());
    let progress: jiancha_feed::ProgressFn = Arc::new(move |p: &jiancha_feed::SyncProgress| {
        let dto = progress_dto(p);
        {
            let mut last = lock(&last_emit);
            let due = last.is_none_or(|t| t.elapsed() >= Duration::from_millis(200));
            if !due && p.retrying.is_none() {
                return;
            }
            *last = Some(Instant::now());
        }
        svc2.live().update(|s| s.progress = Some(dto.clone()));
        sink2.progress(&dto);
    });
    let db_path = svc.config().db_path.clone();
    let result = jiancha_feed::sync(&db_path, &opts, calendar.clone(), progress).await;
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let permanent = matches!(e, SyncError::Permanent(_) | SyncError::Config(_));
            tracing::warn!(error = %e, permanent, "sync failed");
            return fail(svc, sink, e.to_string(), permanent);
        }
    };
    if let Some(t) = report.server_time {
        *lock(&live.feed_clock) = Some((t, Instant::now()));
        if lock(&svc.demo).is_some() && settings.feed_url.is_empty() {
            let svc = svc.clone();
            // Where the demo city's time resumes after a restart (best effort).
            let _ = blocking(move || {
                let mut db = svc.db().map_err(|e| e.message)?;
                put(&mut db, K_DEMO_TIME, t)
            })
            .await;
        }
    }
    let run = SyncRun {
        finished_at: chrono_free_now(),
        records: report.records,
        stored: report.applied.stored,
        quarantined: report.applied.quarantined,
        bytes: report.bytes,
        elapsed_ms: report.elapsed.as_millis() as u64,
    };
    tracing::info!(records = run.records, cases = report.cases, "sync done");
    live.update(|s| {
        s.last_success = Some(run);
        s.progress = None;
        s.last_error = None;
        s.last_error_at = None;
    });
    let full = live.full_eval.swap(false, Ordering::SeqCst);
    if let Err(e) = evaluate_now(svc, sink, &settings, full).await {
        return fail(svc, sink, e, false);
    }
    let st = match refresh_counts(svc) {
        Ok(_) => live.update(|s| s.state = SyncState::Idle),
        Err(e) => return fail(svc, sink, e, false),
    };
    sink.status(&st);
    CycleOutcome::Synced
}

fn fail(svc: &Service, sink: &Arc<dyn LiveSink>, msg: String, permanent: bool) -> CycleOutcome {
    let st = svc.live().update(|s| {
        s.state = if permanent {
            SyncState::Stopped
        } else {
            SyncState::Error
        };
        s.progress = None;
        s.last_error = Some(msg.clone());
        s.last_error_at = Some(chrono_free_now());
    });
    let st = refresh_counts(svc).unwrap_or(st);
    sink.status(&st);
    if permanent {
        CycleOutcome::Stopped(msg)
    } else {
        CycleOutcome::Failed(msg)
    }
}

/// Classifies the cases at the feed's clock now and emits `signals://changed`.
pub async fn evaluate_now(
    svc: &Arc<Service>,
    sink: &Arc<dyn LiveSink>,
    settings: &ConsoleSettings,
    full: bool,
) -> Result<(), String> {
    let at = svc.live().feed_now().unwrap_or_else(chrono_free_now);
    let lead = settings.warning_lead;
    let svc2 = svc.clone();
    let (summary, reds, example) = blocking(move || {
        let mut db = svc2.db().map_err(|e| e.message)?;
        let calendar = crate::calendar_store::load_calendar(&db).map_err(|e| e.to_string())?;
        let cfg = jiancha_calendar::ClockConfig { warning_lead: lead };
        let s = jiancha_feed::evaluate(&mut db, &calendar, &cfg, at, full)
            .map_err(|e| format!("评估失败 (evaluation failed): {e}"))?;
        let (reds, example) =
            jiancha_feed::db::evaluation::red_cards(db.conn()).map_err(|e| e.to_string())?;
        Ok((s, reds, example))
    })
    .await?;
    let live = svc.live();
    *lock(&live.next_change) = summary.next_change;
    let new_red = {
        let mut prev = lock(&live.reds);
        let n = prev.map_or(0, |p| reds.saturating_sub(p));
        *prev = Some(reds);
        n
    };
    let signals = SignalCounts {
        warning: summary.warning,
        yellow: summary.yellow,
        red: summary.red,
        evaluated_at: Some(at),
    };
    live.update(|s| s.signals = signals.clone());
    sink.signals(&SignalsChanged {
        signals,
        evaluated: summary.evaluated,
        new_red,
        example_case: (new_red > 0).then_some(example).flatten(),
    });
    Ok(())
}

/// The loop: runs until the process ends. Call once, on the async runtime.
pub async fn run(svc: Arc<Service>, sink: Arc<dyn LiveSink>) {
    let live = svc.live();
    // Counts of what an earlier run left in the cache, before the first sync finishes.
    if let Ok(st) = refresh_counts(&svc) {
        sink.status(&st);
    }
    // Evaluations between syncs are at least this far apart (the demo feed moves fast).
    let min_eval_gap = Duration::from_secs(1);
    loop {
        let outcome = sync_cycle(&svc, &sink).await;
        let stopped = matches!(outcome, CycleOutcome::Stopped(_));
        let interval = {
            let svc = svc.clone();
            blocking(move || load_settings(&svc))
                .await
                .map(|s| s.sync_interval_secs)
                .unwrap_or(settings::DEFAULT_SYNC_INTERVAL)
        };
        let next_sync = Instant::now() + Duration::from_secs(interval as u64);
        if !stopped {
            let at = chrono_free_now() + interval as i64;
            let st = live.update(|s| s.next_sync_at = Some(at));
            sink.status(&st);
        }
        loop {
            let change = live
                .delay_to_next_change(min_eval_gap)
                .map(|d| Instant::now() + d);
            let deadline = match (stopped, change) {
                (true, Some(c)) => c,
                (true, None) => Instant::now() + Duration::from_secs(3600),
                (false, Some(c)) => c.min(next_sync),
                (false, None) => next_sync,
            };
            let woke = tokio::select! {
                _ = tokio::time::sleep_until(deadline.into()) => false,
                _ = live.wake.notified() => true,
            };
            if woke || (!stopped && Instant::now() >= next_sync) {
                break;
            }
            if change.is_some_and(|c| Instant::now() >= c) {
                // A feed faster than the wall clock (the demo) has moved on since the last
                // sync by speed × the time since: sync it, and evaluate on fresh data (the
                // cycle evaluates). A stopped loop stays stopped until asked.
                if !stopped && live.feed_speed() > 1.0 {
                    break;
                }
                let settings = {
                    let svc = svc.clone();
                    blocking(move || load_settings(&svc)).await
                };
                let result = match settings {
                    Ok(s) => evaluate_now(&svc, &sink, &s, false).await,
                    Err(e) => Err(e),
                };
                match result.and_then(|_| refresh_counts(&svc)) {
                    Ok(st) => sink.status(&st),
                    Err(e) => {
                        tracing::warn!(error = %e, "evaluation between syncs failed");
                        // Do not spin on a failing evaluation: wait for the next sync.
                        *lock(&live.next_change) = None;
                    }
                }
            }
        }
    }
}

/// Starts the embedded demo feed (the simulator's console preset: 20 000 cases of history
/// ending now, then live at [`Config::demo_speed`](crate::Config::demo_speed), 600× by
/// default) on loopback, on the current async runtime, and makes it the
/// start-up feed. Returns its URL (`http://127.0.0.1:PORT`).
pub async fn start_demo_feed(svc: &Arc<Service>) -> Result<String, String> {
    let live = svc.live();
    live.demo_starting.store(true, Ordering::SeqCst);
    let result = async {
        // The same city on every start: its history ends at the first start (kept in the
        // cache), and simulated time resumes where the last run left it. A new city on each
        // start would be a different change log (a full resync) whose rewritten cases look
        // like backdating to the integrity checks.
        let (history_end, sim_time) = {
            let svc = svc.clone();
            blocking(move || demo_times(&svc)).await?
        };
        let now = jiancha_protocol::Timestamp::from_unix(history_end)
            .ok_or("系统时钟超出范围 (the wall clock is out of range)")?;
        let mut cfg = jiancha_feedsim::ServeConfig::console_demo(now, Arc::new(Instant::now));
        let speed = svc.config().demo_speed.clamp(1.0, MAX_DEMO_SPEED);
        if let Some(live) = cfg.live.as_mut() {
            live.speed = speed;
            live.tick = demo_tick(speed);
        }
        // The simulator's live clock = history end + speed × (its clock − its first reading):
        // every reading after the first is ahead by the simulated time already run, so the
        // ticker continues from there.
        let ahead = Duration::from_secs_f64((sim_time - history_end).max(0) as f64 / speed);
        let first = Arc::new(AtomicBool::new(true));
        if let Some(live) = cfg.live.as_mut() {
            live.clock = Arc::new(move || {
                let now = Instant::now();
                if first.swap(false, Ordering::SeqCst) {
                    now
                } else {
                    now + ahead
                }
            });
        }
        let handle = jiancha_feedsim::serve(cfg)
            .await
            .map_err(|e| format!("演示数据源启动失败 (demo feed failed to start): {e}"))?;
        // Publish what the last run had published before the first sync asks (its cursor is
        // there; a feed behind it answers 410).
        if let Some(t) = jiancha_protocol::Timestamp::from_unix(sim_time) {
            handle.advance_to(t);
        }
        let url = handle.url();
        live.set_feed_speed(speed);
        svc.set_feed_url(url.clone());
        *lock(&svc.demo) = Some(handle);
        Ok::<_, String>(url)
    }
    .await;
    live.demo_starting.store(false, Ordering::SeqCst);
    if let Err(e) = &result {
        let st = live.update(|s| {
            s.state = SyncState::Stopped;
            s.last_error = Some(e.clone());
            s.last_error_at = Some(chrono_free_now());
        });
        drop(st);
    }
    result
}

/// The live loop's bookkeeping, kept with the settings (not logged as changes).
const K_DEMO_END: Key<i64> = Key::state(LIVE, "demo.history_end");
const K_DEMO_TIME: Key<i64> = Key::state(LIVE, "demo.sim_time");

/// The demo city's history end (set on the first start) and the simulated time the last run
/// reached.
fn demo_times(svc: &Service) -> Result<(i64, i64), String> {
    let mut db = svc.db().map_err(|e| e.message)?;
    // An unreadable stored instant is as good as none (the demo starts afresh).
    let get = |db: &Db, key: Key<i64>| -> Result<Option<i64>, String> {
        match key.get(db.conn()) {
            Ok(v) => Ok(v),
            Err(StoreError::BadSetting { .. }) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    };
    let end = match get(&db, K_DEMO_END)? {
        Some(end) => end,
        None => {
            let now = svc.clock().wall_secs();
            put(&mut db, K_DEMO_END, now)?;
            now
        }
    };
    let time = get(&db, K_DEMO_TIME)?.unwrap_or(end).max(end);
    Ok((end, time))
}

fn put(db: &mut Db, key: Key<i64>, value: i64) -> Result<(), String> {
    db.write(|tx| key.set(tx, Some(&value), "system", chrono_free_now()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, FeedSource};

    #[test]
    fn the_demo_speed_is_a_number_from_1_to_86400_and_a_bad_one_is_named() {
        for (text, want) in [
            ("600", 600.0),
            (" 20000 ", 20_000.0),
            ("1", 1.0),
            ("1.5", 1.5),
            ("86400", MAX_DEMO_SPEED),
            ("2e4", 20_000.0),
        ] {
            assert_eq!(parse_demo_speed(text), Ok(want), "{text:?}");
        }
        for bad in [
            "", "fast", "0", "0.5", "-600", "86401", "1e9", "NaN", "inf", "600x",
        ] {
            let e = parse_demo_speed(bad).expect_err(bad);
            assert!(
                e.contains("JIANCHA_DEMO_SPEED") && e.contains(&format!("{bad:?}")),
                "{bad:?}: {e}"
            );
            assert!(e.contains("1 to 86400"), "the range is named: {e}");
        }
    }

    #[test]
    fn the_demo_ticker_publishes_about_every_simulated_hour() {
        assert_eq!(demo_tick(DEFAULT_DEMO_SPEED), Duration::from_secs(1));
        assert_eq!(demo_tick(1.0), Duration::from_secs(1));
        assert_eq!(demo_tick(36_000.0), Duration::from_millis(100));
        assert_eq!(demo_tick(MAX_DEMO_SPEED), Duration::from_millis(100));
        let t = demo_tick(7_200.0);
        assert_eq!(t, Duration::from_millis(500));
    }

    #[derive(Default)]
    struct Recorder {
        status: Mutex<Vec<SyncStatus>>,
        signals: Mutex<Vec<SignalsChanged>>,
    }

    impl LiveSink for Recorder {
        fn progress(&self, _: &SyncProgress) {}
        fn status(&self, s: &SyncStatus) {
            lock(&self.status).push(s.clone());
        }
        fn signals(&self, s: &SignalsChanged) {
            lock(&self.signals).push(s.clone());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_fast_feed_is_synced_at_each_change_instant_not_only_every_interval() {
        // A small city live at 43 200× (half a day per second); the sync interval stays 30 s.
        let speed = 43_200.0;
        let mut sim_cfg =
            jiancha_feedsim::ServeConfig::new(jiancha_feedsim::WorldConfig::new(7, 300));
        sim_cfg.live = Some(jiancha_feedsim::LiveConfig {
            speed,
            tick: demo_tick(speed),
            clock: Arc::new(Instant::now),
        });
        let sim = jiancha_feedsim::serve(sim_cfg).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::embedded_default(dir.path());
        cfg.feed = FeedSource::Remote { url: sim.url() };
        let svc = Arc::new(Service::open(cfg).unwrap());
        svc.live().set_feed_speed(speed);
        let rec = Arc::new(Recorder::default());
        let task = tokio::spawn(run(svc.clone(), rec.clone()));
        let syncs = || {
            lock(&rec.status)
                .iter()
                .filter(|s| s.state == SyncState::Syncing)
                .count()
        };
        let wall = Instant::now();
        while syncs() < 4 && wall.elapsed() < Duration::from_secs(20) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        task.abort();
        let n = syncs();
        assert!(
            n >= 4,
            "{n} syncs in {:?}: the change instants of a fast feed sync it",
            wall.elapsed()
        );
        // Each sync was followed by an evaluation at a later feed instant, with no error.
        let sig = lock(&rec.signals).clone();
        assert!(
            sig.len() >= n - 1,
            "{} evaluations for {n} syncs",
            sig.len()
        );
        let at: Vec<i64> = sig.iter().filter_map(|s| s.signals.evaluated_at).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        assert!(lock(&rec.status).iter().all(|s| s.last_error.is_none()));
        // The cache holds what the feed has published up to its last sync: the new cases too.
        let cases = jiancha_feed::db::case::count(svc.db().unwrap().conn()).unwrap();
        assert!(cases > 300, "live cases arrived: {cases}");
        sim.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_feed_runs_at_the_configured_speed() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::embedded_default(dir.path());
        cfg.demo_speed = 36_000.0;
        let svc = Arc::new(Service::open(cfg).unwrap());
        start_demo_feed(&svc).await.unwrap();
        assert_eq!(
            svc.live().feed_speed(),
            36_000.0,
            "the loop extrapolates with it"
        );
        let start = lock(&svc.demo).as_ref().unwrap().sim_now().unix();
        let wall = Instant::now();
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let ran = lock(&svc.demo).as_ref().unwrap().sim_now().unix() - start;
        let bound = (wall.elapsed().as_secs_f64() * 36_000.0) as i64;
        // 1.2 s at 36 000× is 12 simulated hours; the 0.1 s ticker lags by at most one hour
        // (plus scheduling on a loaded machine).
        assert!(ran >= 8 * 3600, "simulated {ran} s in 1.2 s");
        assert!(ran <= bound + 3600, "simulated {ran} s, at most {bound} s");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_city_is_the_same_after_a_restart_and_its_time_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let open = || {
            let mut cfg = Config::embedded_default(dir.path());
            cfg.feed = FeedSource::Demo;
            Arc::new(Service::open(cfg).unwrap())
        };
        let svc = open();
        start_demo_feed(&svc).await.unwrap();
        let (id1, end1) = {
            let h = lock(&svc.demo);
            let h = h.as_ref().unwrap();
            (h.world().feed_id(), h.sim_now().unix())
        };
        // The last run reached 2 simulated hours past the history end.
        put(&mut svc.db().unwrap(), K_DEMO_TIME, end1 + 7200).unwrap();
        drop(svc);

        let svc = open();
        start_demo_feed(&svc).await.unwrap();
        let resumed = lock(&svc.demo).as_ref().unwrap().sim_now().unix();
        assert!(
            resumed >= end1 + 7200,
            "published up to the last run's time at once"
        );
        tokio::time::sleep(Duration::from_millis(1300)).await; // one tick of the ticker
        let h = lock(&svc.demo);
        let h = h.as_ref().unwrap();
        assert_eq!(h.world().feed_id(), id1, "same change log: no resync");
        let now = h.sim_now().unix();
        assert!(now >= end1 + 7200, "time resumes: {now} vs {}", end1 + 7200);
        assert!(now < end1 + 7200 + 3600, "and runs on at 600×: {now}");
    }
}
