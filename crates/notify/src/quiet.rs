//! Quiet hours (Art. B6 notices): no SMS at night or on non-working days.
//!
//! **[decision]** SMS may go out on working days of the calendar (statutory holidays off,
//! make-up Saturdays/Sundays on) between `morning` (default 08:00) and `night_start`
//! (default 20:00) China Standard Time. A notice due in a quiet period waits for the next
//! allowed instant: the next working morning. Pure: the instant is passed in, the wall
//! clock is never read here.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use jiancha_calendar::{cst, Calendar};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("静默时段设置无效：早上 {morning} 必须早于晚上 {night_start} (quiet hours: morning must be before night start)")]
pub struct QuietPolicyError {
    pub morning: NaiveTime,
    pub night_start: NaiveTime,
}

/// When SMS may be sent. Build with [`QuietPolicy::new`] (validated) or `default()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietPolicy {
    morning: NaiveTime,
    night_start: NaiveTime,
    workdays_only: bool,
}

impl Default for QuietPolicy {
    /// 08:00–20:00 CST on working days.
    fn default() -> Self {
        QuietPolicy {
            morning: NaiveTime::from_hms_opt(8, 0, 0).expect("valid time"),
            night_start: NaiveTime::from_hms_opt(20, 0, 0).expect("valid time"),
            workdays_only: true,
        }
    }
}

impl QuietPolicy {
    /// SMS allowed in `[morning, night_start)` CST; on working days only when
    /// `workdays_only` (the default and what Art. B6 notices use).
    pub fn new(
        morning: NaiveTime,
        night_start: NaiveTime,
        workdays_only: bool,
    ) -> Result<Self, QuietPolicyError> {
        if morning >= night_start {
            return Err(QuietPolicyError {
                morning,
                night_start,
            });
        }
        Ok(QuietPolicy {
            morning,
            night_start,
            workdays_only,
        })
    }

    pub fn morning(&self) -> NaiveTime {
        self.morning
    }

    pub fn night_start(&self) -> NaiveTime {
        self.night_start
    }

    pub fn workdays_only(&self) -> bool {
        self.workdays_only
    }

    fn day_allowed(&self, cal: &Calendar, d: NaiveDate) -> bool {
        !self.workdays_only || cal.is_workday(d)
    }

    fn next_allowed_day(&self, cal: &Calendar, d: NaiveDate) -> NaiveDate {
        if self.workdays_only {
            cal.next_workday(d)
        } else {
            d.succ_opt().unwrap_or(NaiveDate::MAX)
        }
    }
}

/// `d` at `t` China Standard Time, as a UTC instant.
pub fn cst_instant(d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    cst()
        .from_local_datetime(&d.and_time(t))
        .single()
        .expect("CST has no DST: every local time is unique")
        .with_timezone(&Utc)
}

/// Whether an SMS may be sent at `at`.
pub fn may_send_at(cal: &Calendar, at: DateTime<Utc>, policy: &QuietPolicy) -> bool {
    next_send_instant(cal, at, policy) == at
}

/// The first instant at or after `at` when an SMS may be sent: `at` itself inside the
/// allowed window, else the next allowed morning (e.g. 21:00 on 2026-09-30 → 08:00 on
/// 2026-10-08, the first working day after National Day).
pub fn next_send_instant(cal: &Calendar, at: DateTime<Utc>, policy: &QuietPolicy) -> DateTime<Utc> {
    let local = at.with_timezone(&cst());
    let (d, t) = (local.date_naive(), local.time());
    if policy.day_allowed(cal, d) {
        if t < policy.morning {
            return cst_instant(d, policy.morning);
        }
        if t < policy.night_start {
            return at;
        }
    }
    cst_instant(policy.next_allowed_day(cal, d), policy.morning)
}
