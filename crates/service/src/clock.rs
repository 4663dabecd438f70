//! The one place the service reads the wall clock (issue 11 item 5). The service is the edge:
//! it reads the time here and passes the instant down; the domain crates never read it.
//!
//! Two readings, for two purposes:
//! - [`Clock::wall`]: the wall clock, for what happens to people — sessions and their idle
//!   lock, audit entries, letters, SMS (they reach real people), stored "changed at" instants;
//! - [`Clock::now`]: "now" for the cases — the feed's clock as the live loop extrapolates it
//!   ([`crate::live::Live::feed_now`]: the demo feed runs at 600×, and the signals were
//!   evaluated on its time), else the wall clock.
//!
//! Tests move the wall reading forward (`Clock::advance`, e.g. to pass an idle timeout).
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

    /// The wall clock (sessions, audit, letters, SMS, stored instants).
    pub fn wall(&self) -> DateTime<Utc> {
        system_now() + self.svc.clock_state().offset()
    }

    /// [`Clock::wall`] in Unix seconds.
    pub fn wall_secs(&self) -> i64 {
        self.wall().timestamp()
    }

    /// "Now" for the queues, the case clock and the dashboard (Unix seconds): the feed's clock
    /// when the live loop knows it (the demo), else the wall clock.
    pub fn now(&self) -> i64 {
        self.svc
            .live()
            .feed_now()
            .unwrap_or_else(|| self.wall_secs())
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
}
