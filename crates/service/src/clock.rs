//! The one place the service reads the wall clock (issue 11 item 5). The service is the edge:
//! it reads the time here and passes the instant down; the domain crates never read it.
//!
//! One "now" for the app (issue 12 item 4), and the wall clock for the machine:
//! - [`Clock::app_now`] (and [`Clock::now`], the same in Unix seconds): the time the cases
//!   live in — the feed's clock as the live loop extrapolates it
//!   ([`crate::live::Live::feed_now`]: the demo feed runs at 600×, and the signals are
//!   evaluated on its time; a real feed's clock runs at 1×, its server's wall clock), else
//!   the wall clock. Everything that happens in case time reads it: the queues, the case clock
//!   and the dashboard; every workflow step and what it stamps or computes from it (cards,
//!   效能告诫书 and their dates and rectification deadlines, red-case steps and their due
//!   times, measures, phone calls, notices, accounts); SMS dispatch (automatic notices,
//!   escalation, send and receipt stamps, the quiet-hours check); and every audit entry. The
//!   top bar shows it as 演示时间 when it is not the wall clock (`SyncStatusBar.vue`).
//! - [`Clock::wall`]: what the machine and the people at it measure — a session's idle lock,
//!   unlock and sign-in activity, a leader approval's age and its ticket's expiry (a 15-minute
//!   idle timeout at 600× would be 1.5 s), the sync loop's own timing, the settings' stored
//!   "changed at" (which configuration this workstation ran with when), ids and seeds that
//!   must be unique rather than dated (workstation id, the test SMS's `out_id`).
//!
//! The two meet in `crate::auth`: a command reads both once ([`Clock::readings`]), authorises
//! the session on the wall reading, and runs the workflow on the app reading with the
//! session's and the approval's instants shifted by the difference
//! (`jiancha_workflow::auth::Session::shift_clock`), because every workflow operation checks
//! the idle lock and the approval's age again against the instant it is passed.
//!
//! The audit log is on the app clock throughout, session events (sign-in, unlock, approvals,
//! sign-out) included. Mixed instants would not break its verifier
//! (`jiancha_workflow::audit::verify_conn` checks seq, hashes and links, not the order of
//! `at`), but the workflow writes its steps' entries with the step's instant, and a log whose
//! sign-in on 12月2日 follows a card taken up on 12月4日 reads as out of order or tampered
//! with. One clock keeps the log in order of time as well as of seq.
//!
//! Tests move the wall reading forward (`Clock::advance`, e.g. to pass an idle timeout) and
//! set the feed's clock (`Live::set_feed_clock`).
//! Invariant: no other code of this crate calls `Utc::now`/`SystemTime::now`/`Local::now`
//! (checked by `tests/clock.rs`).

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::Service;

/// The system's wall clock, unshifted: for code that has no [`Service`] at hand (a free
/// function kept for its callers); everything else asks `svc.clock()`.
pub fn system_now() -> DateTime<Utc> {
    Utc::now()
}

/// [`system_now`] in Unix seconds.
pub fn system_secs() -> i64 {
    system_now().timestamp()
}

/// The clock's state in the [`Service`]: the tests' offset of the wall reading.
#[derive(Default)]
pub(crate) struct ClockState {
    offset: Mutex<Duration>,
}

impl ClockState {
    fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The service's clock (`svc.clock()`).
#[derive(Clone, Copy)]
pub struct Clock<'a> {
    svc: &'a Service,
}

impl<'a> Clock<'a> {
    pub(crate) fn new(svc: &'a Service) -> Self {
        Clock { svc }
    }

    /// The wall clock: sessions' idle lock, approvals' age, stored "changed at" instants (see
    /// the module docs).
    pub fn wall(&self) -> DateTime<Utc> {
        system_now() + self.svc.clock_state().offset()
    }

    /// [`Clock::wall`] in Unix seconds.
    pub fn wall_secs(&self) -> i64 {
        self.wall().timestamp()
    }

    /// The app's "now", for everything that happens in case time (see the module docs): the
    /// feed's clock when the live loop knows it (the demo), else the wall clock.
    pub fn app_now(&self) -> DateTime<Utc> {
        self.readings().1
    }

    /// [`Clock::app_now`] in Unix seconds (the queues, the case clock, the dashboard).
    pub fn now(&self) -> i64 {
        self.app_now().timestamp()
    }

    /// `(wall, app)` read together, for a command that needs both (`crate::auth`: the session
    /// on the wall clock, the workflow on the app clock).
    pub fn readings(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let wall = self.wall();
        let app = self
            .svc
            .live()
            .feed_now()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .unwrap_or(wall);
        (wall, app)
    }

    /// Moves the wall reading forward by `by` (tests only: the idle lock, expiries).
    #[cfg(test)]
    pub(crate) fn advance(&self, by: Duration) {
        *self
            .svc
            .clock_state()
            .offset
            .lock()
            .unwrap_or_else(|e| e.into_inner()) += by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, FeedSource};

    #[test]
    fn the_wall_reading_moves_with_the_offset_and_now_follows_it_without_a_feed() {
        let dir = tempfile::tempdir().unwrap();
        let svc = Service::open(Config {
            db_path: dir.path().join("c.sqlite"),
            feed: FeedSource::Demo,
            demo_speed: crate::live::DEFAULT_DEMO_SPEED,
        })
        .unwrap();
        let c = svc.clock();
        let before = c.wall_secs();
        assert!((before - system_secs()).abs() <= 1);
        c.advance(Duration::hours(2));
        assert!((c.wall_secs() - before - 7200).abs() <= 1);
        // No feed clock yet: the cases' "now" is the wall reading.
        assert!((c.now() - c.wall_secs()).abs() <= 1);
    }

    #[test]
    fn the_app_clock_is_the_feeds_once_known_and_the_wall_clock_stays_the_wall() {
        let dir = tempfile::tempdir().unwrap();
        let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
        let c = svc.clock();
        let ahead = c.wall_secs() + 3 * 86_400;
        svc.live().set_feed_clock(ahead, 600.0);
        let (wall, app) = c.readings();
        assert!((wall.timestamp() - system_secs()).abs() <= 1, "{wall}");
        // 600× for the few milliseconds since: within a minute of the instant set.
        assert!((app.timestamp() - ahead).abs() <= 60, "{app}");
        assert!((c.app_now().timestamp() - ahead).abs() <= 60);
        assert!((c.now() - ahead).abs() <= 60);
        // Moving the wall reading does not move the feed's clock.
        c.advance(Duration::hours(1));
        assert!((c.app_now().timestamp() - ahead).abs() <= 60);
    }
}
