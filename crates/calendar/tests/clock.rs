//! The case clock: one table-driven case per rule and decision (docs/clock.md), and
//! properties against a naive day-by-day reference.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use jiancha_calendar::{
    evaluate, Calendar, CaseClock, CaseEvent, ClockConfig, ClockState, EventKind, Level, Limit,
    NaiveCalendar, PauseKind, Signal, Unit,
};
use proptest::prelude::*;

fn t(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}
fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
fn g(days: u32) -> Limit {
    Limit {
        days,
        unit: Unit::G,
    }
}
fn z(days: u32) -> Limit {
    Limit {
        days,
        unit: Unit::Z,
    }
}
fn ev(at: &str, kind: EventKind) -> CaseEvent {
    CaseEvent { at: t(at), kind }
}
fn case(acc: &str, limit: Limit, events: Vec<CaseEvent>) -> CaseClock {
    CaseClock {
        accepted_at: t(acc),
        limit,
        events,
    }
}
fn run(c: &CaseClock, at: &str) -> ClockState {
    evaluate(&Calendar::builtin(), c, t(at), &ClockConfig::default()).unwrap()
}
fn midnight(s: &str) -> DateTime<FixedOffset> {
    t(&format!("{s}T00:00:00+08:00"))
}

/// (name, case, at, deadline, warning_at, yellow_at, red_at, signal)
type Row = (
    &'static str,
    CaseClock,
    &'static str,
    &'static str,
    DateTime<FixedOffset>,
    &'static str,
    &'static str,
    Signal,
);

#[test]
fn unpaused_signal_instants() {
    let rows: Vec<Row> = vec![
        (
            "issue example: National Day with the make-up Saturday 10-10 (Art. B5 decision)",
            case("2026-09-30T10:00:00+08:00", g(3), vec![]),
            "2026-10-15T09:00:00+08:00",
            "2026-10-10",
            midnight("2026-10-09"),
            "2026-10-11",
            "2026-10-14",
            Signal::Red,
        ),
        (
            "acceptance on a holiday counts from the next working day",
            case("2026-10-03T10:00:00+08:00", g(3), vec![]),
            "2026-10-09T08:00:00+08:00",
            "2026-10-10",
            midnight("2026-10-09"),
            "2026-10-11",
            "2026-10-14",
            Signal::Warning,
        ),
        (
            "Spring Festival 2026: from the make-up Saturday 02-14 over the holiday",
            case("2026-02-14T10:00:00+08:00", g(5), vec![]),
            "2026-02-27T00:00:00+08:00",
            "2026-02-28",
            midnight("2026-02-27"),
            "2026-03-01",
            "2026-03-04",
            Signal::Warning,
        ),
        (
            "Spring Festival: yellow on the day after D even if it is a Sunday",
            case("2026-02-14T10:00:00+08:00", g(5), vec![]),
            "2026-03-01T00:00:00+08:00",
            "2026-02-28",
            midnight("2026-02-27"),
            "2026-03-01",
            "2026-03-04",
            Signal::Yellow,
        ),
        (
            "New Year across years: the Sunday make-up day 2026-01-04 counts",
            case("2025-12-31T16:00:00+08:00", g(2), vec![]),
            "2026-01-05T12:00:00+08:00",
            "2026-01-05",
            midnight("2026-01-04"),
            "2026-01-06",
            "2026-01-08",
            Signal::Warning,
        ),
        (
            "red only after two more working days past D (weekend in between)",
            case("2026-11-20T09:00:00+08:00", g(5), vec![]),
            "2026-12-01T23:59:59+08:00",
            "2026-11-27",
            midnight("2026-11-26"),
            "2026-11-28",
            "2026-12-02",
            Signal::Yellow,
        ),
        (
            "1-day limit: the warning starts at acceptance (lead clamped to the promised days)",
            case("2026-11-26T09:00:00+08:00", g(1), vec![]),
            "2026-11-26T09:00:00+08:00",
            "2026-11-27",
            t("2026-11-26T09:00:00+08:00"),
            "2026-11-28",
            "2026-12-02",
            Signal::Warning,
        ),
        (
            "1-day limit accepted on the eve of Spring Festival",
            case("2026-02-13T15:00:00+08:00", g(1), vec![]),
            "2026-02-15T00:00:00+08:00",
            "2026-02-14",
            t("2026-02-13T15:00:00+08:00"),
            "2026-02-15",
            "2026-02-26",
            Signal::Yellow,
        ),
        (
            "unit Z: 7 calendar days end on a holiday, moved forward (顺延, Art. B16)",
            case("2026-09-25T10:00:00+08:00", z(7), vec![]),
            "2026-09-29T10:00:00+08:00",
            "2026-10-08",
            midnight("2026-09-30"),
            "2026-10-09",
            "2026-10-11",
            Signal::Normal,
        ),
        (
            "unit Z ending on a working day stays",
            case("2026-11-02T10:00:00+08:00", z(10), vec![]),
            "2026-11-11T10:00:00+08:00",
            "2026-11-12",
            midnight("2026-11-11"),
            "2026-11-13",
            "2026-11-17",
            Signal::Warning,
        ),
    ];
    for (name, c, at, dl, w, y, r, sig) in rows {
        let s = run(&c, at);
        assert_eq!(s.deadline, d(dl), "{name}: deadline");
        assert_eq!(s.warning_at, w, "{name}: warning_at");
        assert_eq!(s.yellow_at, midnight(y), "{name}: yellow_at");
        assert_eq!(s.red_at, midnight(r), "{name}: red_at");
        assert_eq!(s.signal, sig, "{name}: signal");
        assert!(s.known, "{name}");
        assert!(s.pause.is_none() && s.closed.is_none(), "{name}");
    }
}

#[test]
fn next_change_and_countdown() {
    let c = case("2026-09-30T10:00:00+08:00", g(3), vec![]);
    let s = run(&c, "2026-09-30T10:00:00+08:00");
    assert_eq!(s.signal, Signal::Normal);
    assert_eq!(s.remaining_workdays, 3);
    assert_eq!(s.next_change, Some(midnight("2026-10-09")));
    let s = run(&c, "2026-10-09T00:00:00+08:00");
    assert_eq!((s.signal, s.remaining_workdays), (Signal::Warning, 1));
    assert_eq!(s.next_change, Some(midnight("2026-10-11")));
    let s = run(&c, "2026-10-10T23:59:59+08:00");
    assert_eq!((s.signal, s.remaining_workdays), (Signal::Warning, 0));
    let s = run(&c, "2026-10-12T08:00:00+08:00");
    assert_eq!((s.signal, s.remaining_workdays), (Signal::Yellow, -1));
    assert_eq!(s.next_change, Some(midnight("2026-10-14")));
    let s = run(&c, "2026-10-14T00:00:00+08:00");
    assert_eq!(
        (s.signal, s.highest, s.next_change),
        (Signal::Red, Level::Red, None)
    );
}

#[test]
fn warning_lead_is_configurable_and_clamped() {
    let cal = Calendar::builtin();
    let c = case("2026-11-02T09:00:00+08:00", g(10), vec![]);
    let at = t("2026-11-02T09:00:00+08:00");
    let s = evaluate(&cal, &c, at, &ClockConfig { warning_lead: 3 }).unwrap();
    assert_eq!(s.deadline, d("2026-11-16"));
    assert_eq!(
        s.warning_at,
        midnight("2026-11-11"),
        "3 working days before D"
    );
    let s = evaluate(&cal, &c, at, &ClockConfig { warning_lead: 0 }).unwrap();
    assert_eq!(s.warning_at, s.yellow_at, "lead 0: no warning period");
    let c2 = case("2026-11-02T09:00:00+08:00", g(2), vec![]);
    let s = evaluate(&cal, &c2, at, &ClockConfig { warning_lead: 5 }).unwrap();
    assert_eq!(s.deadline, d("2026-11-04"));
    assert_eq!(
        s.warning_at,
        midnight("2026-11-02").max(at),
        "lead clamped to 2 → 11-02, after acceptance"
    );
    assert_eq!(s.signal, Signal::Warning);
}

#[test]
fn correction_pause_spanning_national_day() {
    // Accepted Mon 09-28, 5 G: D = 10-10. 补正 from 09-29 15:00 to 10-09 11:00: paused days are
    // [09-29, 10-09) → working days 09-29, 09-30, 10-08 = 3, so D moves to 10-14.
    let c = case(
        "2026-09-28T10:00:00+08:00",
        g(5),
        vec![
            ev("2026-09-29T15:00:00+08:00", EventKind::CorrectionStart),
            ev("2026-10-09T11:00:00+08:00", EventKind::CorrectionEnd),
        ],
    );
    let before = run(&c, "2026-09-29T12:00:00+08:00");
    assert_eq!(before.deadline, d("2026-10-10"));
    let during = run(&c, "2026-10-05T12:00:00+08:00");
    assert_eq!(during.signal, Signal::Normal);
    assert_eq!(
        during.next_change, None,
        "an open-ended pause never ends by itself"
    );
    assert_eq!(
        during.remaining_workdays, 5,
        "the frozen budget (pause start day refunded)"
    );
    assert_eq!(
        during.deadline,
        d("2026-10-13"),
        "provisional: if resumed now (first counted day 10-08)"
    );
    let p = during.pause.unwrap();
    assert_eq!(
        (p.kind, p.remaining_days, p.freezing),
        (PauseKind::Correction, None, true)
    );
    let after = run(&c, "2026-10-09T12:00:00+08:00");
    assert_eq!(after.deadline, d("2026-10-14"));
    assert_eq!(after.remaining_workdays, 4);
    assert_eq!(after.warning_at, midnight("2026-10-13"));
    assert_eq!(after.yellow_at, midnight("2026-10-15"));
    assert_eq!(after.red_at, midnight("2026-10-17"));
    assert!(after.pause.is_none());
}

#[test]
fn pause_partial_days() {
    let acc = "2026-11-02T09:00:00+08:00"; // Mon; 10 G → D = 11-16
    for (start, end, dl, why) in [
        (
            "2026-11-04T10:00:00+08:00",
            "2026-11-04T16:00:00+08:00",
            "2026-11-16",
            "same day: 0 days",
        ),
        (
            "2026-11-04T17:00:00+08:00",
            "2026-11-05T09:00:00+08:00",
            "2026-11-17",
            "overnight: the start day",
        ),
        (
            "2026-11-06T17:00:00+08:00",
            "2026-11-09T09:00:00+08:00",
            "2026-11-17",
            "over a weekend: Fri only",
        ),
        (
            "2026-11-02T10:00:00+08:00",
            "2026-11-03T10:00:00+08:00",
            "2026-11-16",
            "from the acceptance day: not counted anyway",
        ),
        (
            "2026-11-02T10:00:00+08:00",
            "2026-11-04T10:00:00+08:00",
            "2026-11-17",
            "from the acceptance day to Wed: Tue",
        ),
    ] {
        let c = case(
            acc,
            g(10),
            vec![
                ev(start, EventKind::CorrectionStart),
                ev(end, EventKind::CorrectionEnd),
            ],
        );
        assert_eq!(
            run(&c, "2026-11-10T12:00:00+08:00").deadline,
            d(dl),
            "{why}"
        );
    }
}

#[test]
fn capped_special_procedure() {
    let acc = "2026-11-02T09:00:00+08:00"; // 10 G → D = 11-16
    let cap3 = EventKind::SpecialStart { cap: Some(g(3)) };
    // Inside its cap: moves D by the days actually paused.
    let c = case(
        acc,
        g(10),
        vec![
            ev("2026-11-04T10:00:00+08:00", cap3),
            ev("2026-11-05T16:00:00+08:00", EventKind::SpecialEnd),
        ],
    );
    let s = run(&c, "2026-11-10T12:00:00+08:00");
    assert_eq!((s.deadline, s.cap_overruns), (d("2026-11-17"), 0));
    // Overrunning its cap of 3 working days (11-04, 05, 06): D moves by 3 at most, the case
    // counts down again from 11-07 00:00, and the overrun is reported.
    let c = case(
        acc,
        g(10),
        vec![
            ev("2026-11-04T10:00:00+08:00", cap3),
            ev("2026-11-12T10:00:00+08:00", EventKind::SpecialEnd),
        ],
    );
    let during = run(&c, "2026-11-05T12:00:00+08:00");
    assert_eq!(during.signal, Signal::Normal);
    let p = during.pause.unwrap();
    assert_eq!(p.kind, PauseKind::Special);
    assert_eq!(p.cap_deadline, Some(d("2026-11-06")));
    assert_eq!(p.cap_end_at, Some(midnight("2026-11-07")));
    assert_eq!(p.remaining_days, Some(1));
    assert!(p.freezing);
    assert_eq!(
        during.next_change,
        Some(midnight("2026-11-18")),
        "warning of D = 11-19 once the cap ends"
    );
    assert_eq!(during.cap_overruns, 0);
    let past_cap = run(&c, "2026-11-10T12:00:00+08:00");
    assert_eq!(past_cap.deadline, d("2026-11-19"));
    assert_eq!(past_cap.remaining_workdays, 7);
    let p = past_cap.pause.unwrap();
    assert!(!p.freezing);
    assert_eq!(p.remaining_days, Some(-2));
    assert_eq!(past_cap.cap_overruns, 1);
    let o = past_cap.first_cap_overrun.unwrap();
    assert_eq!((o.overrun_from, o.ended_at), (midnight("2026-11-07"), None));
    let after = run(&c, "2026-11-13T12:00:00+08:00");
    assert_eq!(after.deadline, d("2026-11-19"));
    assert_eq!(
        after.first_cap_overrun.unwrap().ended_at,
        Some(t("2026-11-12T10:00:00+08:00"))
    );
    assert!(after.pause.is_none());
}

#[test]
fn capped_pause_over_a_holiday_and_calendar_day_cap() {
    // Accepted 09-28 (Mon), 5 G: D = 10-10. Hearing from 09-30 with a 10-calendar-day cap:
    // its last day is 10-09 (Fri, a working day). Still open at 10-20: overrun.
    let c = case(
        "2026-09-28T10:00:00+08:00",
        g(5),
        vec![ev(
            "2026-09-30T09:00:00+08:00",
            EventKind::SpecialStart { cap: Some(z(10)) },
        )],
    );
    let s = run(&c, "2026-10-20T12:00:00+08:00");
    // Paused days [09-30, 10-10): working days 09-30, 10-08, 10-09 → D = 10-10 + 3 = 10-14.
    assert_eq!(s.deadline, d("2026-10-14"));
    assert_eq!(s.signal, Signal::Red);
    assert_eq!(s.cap_overruns, 1);
    assert_eq!(s.pause.unwrap().cap_deadline, Some(d("2026-10-09")));
}

/// Issue 13 item 1 (Arts. B5, B9; Licensing Law Art. 42): a case already red, then "extended"
/// by 10 days, stayed `normal` with `highest: normal` and later counted as done on time. An
/// extension recorded once the limit has run out moves nothing and is reported; the level
/// reached never goes down.
#[test]
fn a_late_extension_does_not_clear_a_card() {
    let acc = "2026-11-02T09:00:00+08:00";
    // D = 11-16; 11-20 is four working days past it.
    let before = run(&case(acc, g(10), vec![]), "2026-11-20T10:00:00+08:00");
    assert!(
        matches!(before.signal, Signal::Yellow | Signal::Red),
        "{:?}",
        before.signal
    );
    let late = ev("2026-11-20T09:00:00+08:00", EventKind::Extension(g(10)));
    let c = case(acc, g(10), vec![late]);
    let s = run(&c, "2026-11-20T10:00:00+08:00");
    assert_eq!(s.deadline, d("2026-11-16"), "a late extension moved D");
    assert_eq!(s.signal, before.signal, "the card was cleared");
    assert_eq!(s.highest, before.highest);
    assert_eq!(s.late_extensions.len(), 1);
    assert_eq!(s.late_extensions[0].deadline, d("2026-11-16"));
    assert_eq!(s.late_extensions[0].extension, g(10));
    // Completed later: not on time, its highest level kept.
    let done = ev("2026-11-25T09:00:00+08:00", EventKind::Completed);
    let c = case(acc, g(10), vec![late, done]);
    let s = run(&c, "2026-11-26T10:00:00+08:00");
    assert!(
        matches!(s.signal, Signal::Done { on_time: false, highest } if highest >= before.highest),
        "{:?}",
        s.signal
    );
}

/// Granted on D itself (the 预警 is up, no card yet), an extension moves D; the warning it had
/// reached stays in `highest`.
#[test]
fn an_extension_on_the_last_day_moves_d_and_keeps_the_warning_reached() {
    let acc = "2026-11-02T09:00:00+08:00";
    let on_d = run(&case(acc, g(10), vec![]), "2026-11-16T08:00:00+08:00");
    assert_eq!(on_d.signal, Signal::Warning);
    let c = case(
        acc,
        g(10),
        vec![ev("2026-11-16T09:00:00+08:00", EventKind::Extension(g(10)))],
    );
    let s = run(&c, "2026-11-16T10:00:00+08:00");
    assert_eq!(s.deadline, d("2026-11-30"));
    assert!(s.late_extensions.is_empty());
    assert_eq!(
        s.highest,
        Level::Warning,
        "the warning reached was forgotten"
    );
}

#[test]
fn extension_adds_days() {
    let c = case(
        "2026-11-02T09:00:00+08:00",
        g(10),
        vec![ev("2026-11-10T09:00:00+08:00", EventKind::Extension(g(10)))],
    );
    assert_eq!(
        run(&c, "2026-11-09T09:00:00+08:00").deadline,
        d("2026-11-16"),
        "not before it happens"
    );
    assert_eq!(
        run(&c, "2026-11-10T09:00:00+08:00").deadline,
        d("2026-11-30")
    );
}

#[test]
fn completion_and_highest_signal() {
    let c = |done: &str| {
        case(
            "2026-09-30T10:00:00+08:00",
            g(3),
            vec![ev(done, EventKind::Completed)],
        )
    };
    let s = run(&c("2026-10-10T17:00:00+08:00"), "2026-10-20T00:00:00+08:00");
    assert_eq!(
        s.signal,
        Signal::Done {
            on_time: true,
            highest: Level::Warning
        }
    );
    assert_eq!(s.next_change, None);
    let s = run(&c("2026-10-08T17:00:00+08:00"), "2026-10-20T00:00:00+08:00");
    assert_eq!(
        s.signal,
        Signal::Done {
            on_time: true,
            highest: Level::Normal
        }
    );
    let s = run(&c("2026-10-11T00:00:00+08:00"), "2026-10-20T00:00:00+08:00");
    assert_eq!(
        s.signal,
        Signal::Done {
            on_time: false,
            highest: Level::Yellow
        },
        "at the instant: reached"
    );
    let s = run(&c("2026-10-10T23:59:59+08:00"), "2026-10-20T00:00:00+08:00");
    assert_eq!(
        s.signal,
        Signal::Done {
            on_time: true,
            highest: Level::Warning
        },
        "before the instant: never reached"
    );
    // Yellow, then a pause: the pause freezes yellow; completion keeps it as the highest.
    let c = case(
        "2026-09-30T10:00:00+08:00",
        g(3),
        vec![
            ev("2026-10-12T09:00:00+08:00", EventKind::CorrectionStart),
            ev("2026-10-20T09:00:00+08:00", EventKind::CorrectionEnd),
            ev("2026-10-20T10:00:00+08:00", EventKind::Completed),
        ],
    );
    let s = run(&c, "2026-10-16T09:00:00+08:00");
    assert_eq!((s.signal, s.next_change), (Signal::Yellow, None));
    let s = run(&c, "2026-10-21T09:00:00+08:00");
    assert_eq!(
        s.signal,
        Signal::Done {
            on_time: false,
            highest: Level::Yellow
        }
    );
    let w = case(
        "2026-09-30T10:00:00+08:00",
        g(3),
        vec![ev("2026-10-09T10:00:00+08:00", EventKind::Withdrawn)],
    );
    let s = run(&w, "2026-10-20T00:00:00+08:00");
    assert!(s.closed.unwrap().withdrawn);
    assert_eq!(s.signal.as_str(), "done");
}

#[test]
fn bad_events_are_named() {
    let cal = Calendar::builtin();
    let cfg = ClockConfig::default();
    let at = t("2026-12-01T00:00:00+08:00");
    for (events, needle) in [
        (
            vec![ev("2026-11-03T10:00:00+08:00", EventKind::CorrectionEnd)],
            "none is open",
        ),
        (
            vec![ev("2026-11-01T10:00:00+08:00", EventKind::CorrectionStart)],
            "before the acceptance",
        ),
        (
            vec![
                ev("2026-11-03T10:00:00+08:00", EventKind::Completed),
                ev("2026-11-04T10:00:00+08:00", EventKind::CorrectionStart),
            ],
            "after the case was closed",
        ),
        (
            vec![
                ev(
                    "2026-11-03T10:00:00+08:00",
                    EventKind::SpecialStart { cap: None },
                ),
                ev(
                    "2026-11-04T10:00:00+08:00",
                    EventKind::SpecialStart { cap: None },
                ),
            ],
            "another is open",
        ),
    ] {
        let c = case("2026-11-02T09:00:00+08:00", g(10), events);
        let e = evaluate(&cal, &c, at, &cfg).unwrap_err();
        assert!(e.to_string().contains(needle), "{e}");
    }
    let c = case("2026-11-02T09:00:00+08:00", g(10), vec![]);
    assert!(evaluate(&cal, &c, t("2026-11-01T00:00:00+08:00"), &cfg).is_err());
}

#[test]
fn unknown_years_are_flagged() {
    let c = case("2026-12-28T09:00:00+08:00", g(5), vec![]);
    let s = run(&c, "2026-12-28T09:00:00+08:00");
    assert!(!s.known, "D falls in 2027, which the data does not cover");
    assert_eq!(s.deadline, d("2027-01-04"));
}

// ---- properties ----

fn arb_instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    // 2008-01-01 .. 2026-06-30, any second.
    (1_199_116_800i64..1_782_777_600).prop_map(|s| {
        DateTime::from_timestamp(s, 0)
            .unwrap()
            .with_timezone(&jiancha_calendar::cst())
    })
}

fn naive_signal(
    naive: &NaiveCalendar,
    acc: DateTime<FixedOffset>,
    limit: Limit,
    lead: u32,
    at: DateTime<FixedOffset>,
) -> (NaiveDate, Level) {
    let acc_d = acc.date_naive();
    let dl = match limit.unit {
        Unit::G => naive.add_workdays(acc_d, limit.days),
        Unit::Z => {
            let mut x = acc_d + chrono::Days::new(u64::from(limit.days));
            while !naive.is_workday(x) {
                x = x.succ_opt().unwrap();
            }
            x
        }
    };
    let lead = lead.min(limit.days);
    let mut w = dl;
    for _ in 0..lead {
        w = naive.prev_workday(w);
    }
    let at_d = at.date_naive();
    let red_day = naive.add_workdays(dl, 2);
    let level = if at_d > red_day {
        Level::Red
    } else if at_d > dl {
        Level::Yellow
    } else if lead > 0 && at_d >= w {
        Level::Warning
    } else {
        Level::Normal
    };
    (dl, level)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Unpaused cases against rules.md's instants computed day by day.
    #[test]
    fn unpaused_matches_naive(acc in arb_instant(), days in 1u32..40, zunit in any::<bool>(), lead in 0u32..4, later in 0i64..(60 * 86_400)) {
        let cal = Calendar::builtin();
        let naive = NaiveCalendar::from_calendar(&cal);
        let limit = Limit { days, unit: if zunit { Unit::Z } else { Unit::G } };
        let at = acc + Duration::seconds(later);
        let c = CaseClock { accepted_at: acc, limit, events: vec![] };
        let s = evaluate(&cal, &c, at, &ClockConfig { warning_lead: lead }).unwrap();
        let (dl, level) = naive_signal(&naive, acc, limit, lead, at);
        prop_assert_eq!(s.deadline, dl);
        prop_assert_eq!(s.signal, match level {
            Level::Normal => Signal::Normal,
            Level::Warning => Signal::Warning,
            Level::Yellow => Signal::Yellow,
            Level::Red => Signal::Red,
        });
        prop_assert_eq!(s.remaining_workdays, naive.workdays_between(at.date_naive(), dl));
    }

    /// `next_change` is exactly the next instant the signal changes.
    #[test]
    fn next_change_is_exact(acc in arb_instant(), days in 1u32..30, later in 0i64..(50 * 86_400), pause_at in 0i64..(20 * 86_400), pause_len in 0i64..(20 * 86_400), cap in proptest::option::of(0u32..8), kind in 0u8..3) {
        let cal = Calendar::builtin();
        let cfg = ClockConfig::default();
        let mut events = vec![];
        let s0 = acc + Duration::seconds(pause_at);
        let e0 = s0 + Duration::seconds(pause_len);
        match kind {
            1 => {
                events.push(CaseEvent { at: s0, kind: EventKind::CorrectionStart });
                events.push(CaseEvent { at: e0, kind: EventKind::CorrectionEnd });
            }
            2 => {
                events.push(CaseEvent { at: s0, kind: EventKind::SpecialStart { cap: cap.map(g) } });
                events.push(CaseEvent { at: e0, kind: EventKind::SpecialEnd });
            }
            _ => {}
        }
        let c = CaseClock { accepted_at: acc, limit: g(days), events };
        let at = acc + Duration::seconds(later);
        let s = evaluate(&cal, &c, at, &cfg).unwrap();
        if let Some(nc) = s.next_change {
            prop_assert!(nc > at);
            // Valid while no event happens in between.
            if kind == 0 || !((at < e0 && e0 <= nc) || (at < s0 && s0 <= nc)) {
                let before = evaluate(&cal, &c, nc - Duration::seconds(1), &cfg).unwrap();
                let after = evaluate(&cal, &c, nc, &cfg).unwrap();
                prop_assert_eq!(before.signal, s.signal);
                prop_assert_ne!(after.signal, s.signal);
            }
        }
        // Pauses only ever delay: the deadline is never earlier than the unpaused one.
        let plain = CaseClock { accepted_at: acc, limit: g(days), events: vec![] };
        prop_assert!(s.deadline >= evaluate(&cal, &plain, at, &cfg).unwrap().deadline);
        // The highest signal never falls below the current open one.
        if let Signal::Done { highest, .. } = s.signal { prop_assert!(highest >= Level::Normal); }
        else { prop_assert!(s.highest >= level_of(s.signal)); }
    }

    /// A finished open-ended pause moves the deadline by the working days in
    /// [start day, end day) after the acceptance day, counted day by day.
    #[test]
    fn pause_shift_matches_naive(acc in arb_instant(), days in 1u32..30, pause_at in 0i64..(20 * 86_400), pause_len in 0i64..(25 * 86_400)) {
        let cal = Calendar::builtin();
        let naive = NaiveCalendar::from_calendar(&cal);
        let s0 = acc + Duration::seconds(pause_at);
        let e0 = s0 + Duration::seconds(pause_len);
        let c = CaseClock { accepted_at: acc, limit: g(days), events: vec![
            CaseEvent { at: s0, kind: EventKind::CorrectionStart },
            CaseEvent { at: e0, kind: EventKind::CorrectionEnd },
        ]};
        let s = evaluate(&cal, &c, e0, &ClockConfig::default()).unwrap();
        let mut x = s0.date_naive().max(acc.date_naive().succ_opt().unwrap());
        let mut paused = 0u32;
        while x < e0.date_naive() {
            if naive.is_workday(x) { paused += 1; }
            x = x.succ_opt().unwrap();
        }
        prop_assert_eq!(s.deadline, naive.add_workdays(acc.date_naive(), days + paused));
    }
}

fn level_of(s: Signal) -> Level {
    match s {
        Signal::Normal => Level::Normal,
        Signal::Warning => Level::Warning,
        Signal::Yellow => Level::Yellow,
        Signal::Red | Signal::Done { .. } => Level::Red,
    }
}

#[test]
fn calendar_day_limits_pause_and_mixed_extensions() {
    // Z limit: 10 calendar days → 11-12 (Thu). A 补正 over [11-04, 11-06) pauses 2 calendar
    // days → 11-14 (Sat), moved forward to Mon 11-16 (Art. B16).
    let c = case(
        "2026-11-02T09:00:00+08:00",
        z(10),
        vec![
            ev("2026-11-04T10:00:00+08:00", EventKind::CorrectionStart),
            ev("2026-11-06T10:00:00+08:00", EventKind::CorrectionEnd),
        ],
    );
    assert_eq!(
        run(&c, "2026-11-02T09:00:00+08:00").deadline,
        d("2026-11-12")
    );
    assert_eq!(
        run(&c, "2026-11-06T12:00:00+08:00").deadline,
        d("2026-11-16")
    );
    // A Z extension of a G limit: D + 10 calendar days, moved forward.
    let c = case(
        "2026-11-02T09:00:00+08:00",
        g(10),
        vec![ev("2026-11-03T09:00:00+08:00", EventKind::Extension(z(10)))],
    );
    assert_eq!(
        run(&c, "2026-11-04T09:00:00+08:00").deadline,
        d("2026-11-26")
    );
    // A G extension of a Z limit: 2 working days after D (11-12 → 11-16).
    let c = case(
        "2026-11-02T09:00:00+08:00",
        z(10),
        vec![ev("2026-11-03T09:00:00+08:00", EventKind::Extension(g(2)))],
    );
    assert_eq!(
        run(&c, "2026-11-04T09:00:00+08:00").deadline,
        d("2026-11-16")
    );
    // Same unit Z: the limit becomes 10 + 3 = 13 calendar days → 11-15 (Sun) → 11-16.
    let c = case(
        "2026-11-02T09:00:00+08:00",
        z(10),
        vec![ev("2026-11-03T09:00:00+08:00", EventKind::Extension(z(3)))],
    );
    assert_eq!(
        run(&c, "2026-11-04T09:00:00+08:00").deadline,
        d("2026-11-16")
    );
}

#[test]
fn overlapping_pauses_count_once_and_events_may_come_unsorted() {
    // 补正 [11-04, 11-09) inside a special procedure [11-05, 11-06): the union pauses
    // 11-04, 11-05, 11-06 (working days) → D 11-16 + 3 = 11-19.
    let c = case(
        "2026-11-02T09:00:00+08:00",
        g(10),
        vec![
            ev("2026-11-09T10:00:00+08:00", EventKind::CorrectionEnd),
            ev(
                "2026-11-05T10:00:00+08:00",
                EventKind::SpecialStart { cap: None },
            ),
            ev("2026-11-04T10:00:00+08:00", EventKind::CorrectionStart),
            ev("2026-11-06T10:00:00+08:00", EventKind::SpecialEnd),
        ],
    );
    let s = run(&c, "2026-11-10T10:00:00+08:00");
    assert_eq!(s.deadline, d("2026-11-19"));
    assert!(s.pause.is_none());
}

#[test]
fn same_day_limit_and_closing_while_paused() {
    // 0 days (即办件): due on the acceptance day; on a holiday, the next working day.
    let s = run(
        &case("2026-11-26T09:00:00+08:00", g(0), vec![]),
        "2026-11-26T10:00:00+08:00",
    );
    assert_eq!((s.deadline, s.signal), (d("2026-11-26"), Signal::Normal));
    assert_eq!(
        s.warning_at, s.yellow_at,
        "no warning period: lead clamped to 0"
    );
    let s = run(
        &case("2026-10-03T09:00:00+08:00", g(0), vec![]),
        "2026-10-03T10:00:00+08:00",
    );
    assert_eq!(s.deadline, d("2026-10-08"));
    let s = run(
        &case("2026-10-03T09:00:00+08:00", z(0), vec![]),
        "2026-10-03T10:00:00+08:00",
    );
    assert_eq!(s.deadline, d("2026-10-08"));
    // Completed during a 补正: the paused days count; the frozen level is the highest.
    let c = case(
        "2026-11-02T09:00:00+08:00",
        g(10),
        vec![
            ev("2026-11-04T10:00:00+08:00", EventKind::CorrectionStart),
            ev("2026-11-10T10:00:00+08:00", EventKind::Completed),
        ],
    );
    let s = run(&c, "2026-11-20T10:00:00+08:00");
    assert_eq!(s.deadline, d("2026-11-20"), "11-16 + 4 paused working days");
    assert_eq!(
        s.signal,
        Signal::Done {
            on_time: true,
            highest: Level::Normal
        }
    );
    assert!(s.pause.is_none());
}
