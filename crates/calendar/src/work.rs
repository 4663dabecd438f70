//! The one working-day trait of the workspace: the sync's integrity findings (working hours,
//! `jiancha-feed`) and the workflow deadlines (`jiancha-workflow`, Art. B16) both take a
//! `&dyn WorkCalendar`, so the calendar edited by the officers (the service's calendar store)
//! and the tests' own weeks plug in the same way.

use chrono::NaiveDate;

use crate::{Calendar, NaiveCalendar};

/// Which days are working days (statutory holidays off, make-up days on), and working-day
/// arithmetic over them. Implemented for [`Calendar`] and [`NaiveCalendar`]; tests may
/// implement it for their own weeks (only [`WorkCalendar::is_workday`] is required).
pub trait WorkCalendar: Send + Sync {
    /// `true` when `d` (a CST date) is a working day.
    fn is_workday(&self, d: NaiveDate) -> bool;

    /// The `n`-th working day after `d` (`d` itself not counted; `n = 0` → `d` itself).
    /// The default walks day by day (saturating at chrono's last date).
    fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            let Some(next) = day.succ_opt() else {
                return NaiveDate::MAX;
            };
            day = next;
            if self.is_workday(day) {
                left -= 1;
            }
        }
        day
    }
}

impl WorkCalendar for Calendar {
    fn is_workday(&self, d: NaiveDate) -> bool {
        Calendar::is_workday(self, d)
    }
    fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        Calendar::add_workdays(self, d, n)
    }
}

impl WorkCalendar for NaiveCalendar {
    fn is_workday(&self, d: NaiveDate) -> bool {
        NaiveCalendar::is_workday(self, d)
    }
    fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        NaiveCalendar::add_workdays(self, d, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day is a working day except Sundays.
    struct SixDays;

    impl WorkCalendar for SixDays {
        fn is_workday(&self, d: NaiveDate) -> bool {
            use chrono::Datelike;
            d.weekday() != chrono::Weekday::Sun
        }
    }

    #[test]
    fn the_calendars_agree_through_the_trait_and_the_default_walks_day_by_day() {
        let cal = Calendar::builtin();
        let naive = NaiveCalendar::from_calendar(&cal);
        let (a, b): (&dyn WorkCalendar, &dyn WorkCalendar) = (&cal, &naive);
        let d = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        for n in [0, 1, 5, 20, 250] {
            assert_eq!(a.add_workdays(d, n), b.add_workdays(d, n), "{n}");
        }
        // 2026-09-30 + 1: the National Day week is off.
        assert!(a.add_workdays(d, 1) > NaiveDate::from_ymd_opt(2026, 10, 7).unwrap());
        // The default: Saturday 2026-10-03 + 1 → Monday 10-05 (Sunday skipped).
        let sat = NaiveDate::from_ymd_opt(2026, 10, 3).unwrap();
        assert_eq!(SixDays.add_workdays(sat, 0), sat);
        assert_eq!(
            SixDays.add_workdays(sat, 1),
            NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()
        );
    }
}
