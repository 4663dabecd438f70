//! The working-day calendar as the workflows see it. The real one is
//! `jiancha_calendar::Calendar` (statutory holidays and make-up days); workflows take any
//! `&dyn WorkCalendar` so that the calendar edited by the user (a separate store) plugs in.

use chrono::NaiveDate;

/// Working-day arithmetic used for workflow deadlines (Art. B16, 行政许可法 Art. 82): the one
/// trait of the workspace, defined in `jiancha-calendar` (implemented there for `Calendar`).
pub use jiancha_calendar::WorkCalendar;

/// The working day that is `n` working days before `d` (never before `floor`).
pub(crate) fn workdays_before(
    cal: &dyn WorkCalendar,
    d: NaiveDate,
    n: u32,
    floor: NaiveDate,
) -> NaiveDate {
    let mut day = d;
    let mut left = n;
    while left > 0 {
        let Some(prev) = day.pred_opt() else { break };
        if prev <= floor {
            break;
        }
        day = prev;
        if cal.is_workday(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_calendar_plugs_in_and_skips_the_national_day_week() {
        let cal = jiancha_calendar::Calendar::builtin();
        let c: &dyn WorkCalendar = &cal;
        // 2026-09-30 (Wed) + 1 working day: 1–7 October are the National Day holidays.
        let d = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        let next = c.add_workdays(d, 1);
        assert!(
            next > NaiveDate::from_ymd_opt(2026, 10, 7).unwrap(),
            "{next}"
        );
        assert!(c.is_workday(next));
        // And back: the working day before it is 2026-09-30 (or a make-up day after it).
        let back = workdays_before(c, next, 1, d.pred_opt().unwrap());
        assert!(c.is_workday(back));
        assert!(back < next && back >= d);
    }
}
