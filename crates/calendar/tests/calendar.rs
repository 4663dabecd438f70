//! Working-day arithmetic: table-driven cases on the shipped calendar, and properties relating
//! the O(1) operations to each other and to a naive day-by-day reference.

use chrono::NaiveDate;
use jiancha_calendar::{Calendar, DayOverride, NaiveCalendar};
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn is_workday_table() {
    let cal = Calendar::builtin();
    for (date, work, why) in [
        (
            "2026-02-14",
            true,
            "Saturday make-up day before Spring Festival 2026",
        ),
        ("2026-02-15", false, "Spring Festival 2026 holiday (Sunday)"),
        ("2026-02-16", false, "Spring Festival 2026 holiday (Monday)"),
        (
            "2026-02-23",
            false,
            "Spring Festival 2026 last holiday day (Monday)",
        ),
        (
            "2026-02-24",
            true,
            "first working day after Spring Festival 2026",
        ),
        (
            "2026-02-28",
            true,
            "Saturday make-up day after Spring Festival 2026",
        ),
        ("2026-10-01", false, "National Day 2026"),
        ("2026-10-07", false, "National Day 2026 holiday (Wednesday)"),
        ("2026-10-08", true, "Thursday after National Day 2026"),
        (
            "2026-10-10",
            true,
            "Saturday make-up day after National Day 2026",
        ),
        (
            "2026-09-20",
            true,
            "Sunday make-up day before National Day 2026",
        ),
        ("2026-10-11", false, "ordinary Sunday"),
        ("2026-01-01", false, "New Year 2026"),
        ("2026-01-04", true, "Sunday make-up day after New Year 2026"),
        (
            "2006-12-30",
            true,
            "Saturday make-up day set by the 2007 notice",
        ),
        ("2007-01-02", false, "New Year 2007 holiday (Tuesday)"),
        (
            "2018-12-29",
            true,
            "Saturday make-up day set by the 2019 notice",
        ),
        ("2019-01-01", false, "New Year 2019"),
        ("2020-01-31", false, "Spring Festival 2020, extended"),
        (
            "2025-01-26",
            true,
            "Sunday make-up day before Spring Festival 2025",
        ),
        ("2026-11-27", true, "ordinary Friday"),
        ("2026-11-28", false, "ordinary Saturday"),
    ] {
        assert_eq!(cal.is_workday(d(date)), work, "{date}: {why}");
    }
}

#[test]
fn arithmetic_table() {
    let cal = Calendar::builtin();
    // (from, n, N-th working day after)
    for (from, n, expect) in [
        ("2026-09-30", 3, "2026-10-10"), // 10-08 Thu, 10-09 Fri, 10-10 make-up Sat
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 2, "2026-10-09"),
        ("2026-09-29", 1, "2026-09-30"),
        ("2026-12-31", 1, "2027-01-01"), // into an unknown year: ordinary week (a Friday)
        ("2025-12-31", 1, "2026-01-04"), // New Year 2026: Sunday make-up day
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"), // Spring Festival 2026
        ("2026-02-14", 5, "2026-02-28"),
        ("2026-10-03", 0, "2026-10-03"),
        ("2026-10-03", 1, "2026-10-08"), // from a holiday
    ] {
        let got = cal.add_workdays(d(from), n);
        assert_eq!(got, d(expect), "add_workdays({from}, {n})");
        assert_eq!(
            NaiveCalendar::from_calendar(&cal).add_workdays(d(from), n),
            d(expect)
        );
    }
    for (a, b, expect) in [
        ("2026-09-30", "2026-10-12", 4), // (a, b]: 10-08, 10-09, 10-10 (make-up Sat), 10-12
        ("2026-10-12", "2026-09-30", -4),
        ("2026-10-01", "2026-10-07", 0),
        ("2026-10-01", "2026-10-08", 1),
        ("2026-02-13", "2026-02-28", 6),
        ("2026-12-31", "2027-01-08", 6), // unknown 2027: ordinary week
    ] {
        assert_eq!(
            cal.workdays_between(d(a), d(b)),
            expect,
            "workdays_between({a}, {b})"
        );
    }
    assert_eq!(cal.next_workday(d("2026-09-30")), d("2026-10-08"));
    assert_eq!(cal.prev_workday(d("2026-10-08")), d("2026-09-30"));
    assert_eq!(cal.prev_workday(d("2026-02-24")), d("2026-02-14"));
    assert_eq!(cal.prev_workday(d("2026-01-04")), d("2025-12-31"));
    assert_eq!(cal.roll_forward(d("2026-10-01")), d("2026-10-08"));
    assert_eq!(cal.roll_forward(d("2026-10-09")), d("2026-10-09"));
}

#[test]
fn known_flags() {
    let cal = Calendar::builtin();
    assert!(cal.is_known(d("2007-01-01")) && cal.is_known(d("2026-12-31")));
    assert!(!cal.is_known(d("2006-12-31")) && !cal.is_known(d("2027-01-01")));
    let k = cal.add_workdays_known(d("2026-12-30"), 1);
    assert!(k.known && k.value == Some(d("2026-12-31")));
    let k = cal.add_workdays_known(d("2026-12-30"), 2);
    assert!(!k.known && k.value == Some(d("2027-01-01")), "{k:?}");
    assert!(
        !cal.workdays_between_known(d("2026-12-01"), d("2027-01-05"))
            .known
    );
    assert!(
        cal.workdays_between_known(d("2010-12-01"), d("2007-01-05"))
            .known
    );
}

#[test]
fn overrides_and_years() {
    let base = Calendar::builtin();
    let edit = DayOverride {
        date: d("2026-11-27"),
        workday: false,
        name: "test closure".into(),
    };
    let cal = Calendar::with_overrides(&base, &[edit]);
    assert!(!cal.is_workday(d("2026-11-27")));
    assert!(base.is_workday(d("2026-11-27")), "the base is unchanged");
    assert_eq!(cal.add_workdays(d("2026-11-26"), 1), d("2026-11-30"));
    assert_eq!(cal.known_years(), base.known_years());
    // A new year: its days apply and it becomes known; a day of the next year set by the
    // notice applies without making that year known.
    let y2027 = [
        DayOverride {
            date: d("2027-01-01"),
            workday: false,
            name: "元旦".into(),
        },
        DayOverride {
            date: d("2027-02-20"),
            workday: true,
            name: "春节".into(),
        },
        DayOverride {
            date: d("2028-01-02"),
            workday: true,
            name: "x".into(),
        },
    ];
    let cal = Calendar::with_year(&base, 2027, &y2027);
    assert!(cal.is_known(d("2027-06-01")) && !cal.is_known(d("2028-01-02")));
    assert!(!cal.is_workday(d("2027-01-01")) && cal.is_workday(d("2027-02-20")));
    assert!(cal.is_workday(d("2028-01-02")));
    assert_eq!(cal.add_workdays(d("2026-12-31"), 1), d("2027-01-04"));
    // Compact form round-trips.
    let again = Calendar::parse_compact(&cal.to_compact("x")).unwrap();
    assert_eq!(again.known_years(), cal.known_years());
    assert_eq!(again.listed_days().count(), cal.listed_days().count());
    assert!(Calendar::parse_compact("2026-01-01 X y")
        .unwrap_err()
        .to_string()
        .contains("line 1"));
}

fn date_in(lo: i32, hi: i32) -> impl Strategy<Value = NaiveDate> {
    let a = NaiveDate::from_ymd_opt(lo, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(hi, 12, 31).unwrap() - a).num_days();
    (0..=span).prop_map(move |k| a + chrono::Days::new(k as u64))
}

/// A calendar with random overrides (so the properties do not only hold for the shipped data).
fn arb_calendar() -> impl Strategy<Value = Calendar> {
    prop_oneof![
        Just(Calendar::builtin()),
        Just(Calendar::ordinary_week()),
        proptest::collection::vec((date_in(2024, 2027), any::<bool>()), 0..40).prop_map(|v| {
            let days: Vec<_> = v
                .into_iter()
                .map(|(date, workday)| DayOverride {
                    date,
                    workday,
                    name: String::new(),
                })
                .collect();
            Calendar::with_overrides(&Calendar::builtin(), &days)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn agrees_with_naive(cal in arb_calendar(), a in date_in(2004, 2029), b in date_in(2004, 2029), n in 0u32..40) {
        let naive = NaiveCalendar::from_calendar(&cal);
        prop_assert_eq!(cal.is_workday(a), naive.is_workday(a));
        prop_assert_eq!(cal.add_workdays(a, n), naive.add_workdays(a, n));
        prop_assert_eq!(cal.workdays_between(a, b), naive.workdays_between(a, b));
        prop_assert_eq!(cal.next_workday(a), naive.next_workday(a));
        prop_assert_eq!(cal.prev_workday(a), naive.prev_workday(a));
    }

    #[test]
    fn operations_relate(cal in arb_calendar(), a in date_in(2004, 2029), b in date_in(2004, 2029), n in 1u32..300) {
        let x = cal.add_workdays(a, n);
        prop_assert!(cal.is_workday(x));
        prop_assert!(x > a);
        prop_assert_eq!(cal.workdays_between(a, x), i64::from(n));
        prop_assert_eq!(cal.workdays_between(a, b), -cal.workdays_between(b, a));
        prop_assert_eq!(cal.prev_workday(cal.next_workday(a)) <= a, true);
        prop_assert_eq!(cal.next_workday(cal.prev_workday(a)) > cal.prev_workday(a), true);
        let nw = cal.next_workday(a);
        prop_assert_eq!(cal.workdays_between(a, nw), 1);
        prop_assert_eq!(cal.workdays_between(a, nw.pred_opt().unwrap()), 0);
        // Additivity: (a, c] = (a, b] + (b, c].
        let c = cal.add_workdays(b, n);
        prop_assert_eq!(cal.workdays_between(a, c), cal.workdays_between(a, b) + cal.workdays_between(b, c));
        prop_assert_eq!(cal.add_workdays(cal.add_workdays(a, n), 3), cal.add_workdays(a, n + 3));
        prop_assert_eq!(cal.roll_forward(a) == a, cal.is_workday(a));
    }
}
