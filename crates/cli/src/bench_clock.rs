//! `jiancha bench clock [--cases N]`: classify N synthetic open cases (a realistic mix of
//! limits, 20% with a pause) at one instant, on one core; prints one JSON line with
//! `ns_per_case` (the O(1) calendar) and `naive_ns_per_case` (a day-by-day calendar and clock
//! on the same cases, for comparison), and how many cases the two disagree on (must be 0).
//! Build in release for the figure: `cargo run --release -p jiancha-cli -- bench clock`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use jiancha_calendar::chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use jiancha_calendar::{
    cst, evaluate, Calendar, CaseClock, CaseEvent, ClockConfig, EventKind, Level, Limit,
    NaiveCalendar, Signal, Unit,
};

#[derive(clap::Args)]
pub struct Args {
    /// Number of synthetic open cases.
    #[arg(long, default_value_t = 1_000_000)]
    cases: usize,
    /// Seed of the synthetic mix.
    #[arg(long, default_value_t = 20_261_127)]
    seed: u64,
    /// Cases for the naive comparison (it is slow; default min(cases, 100000)).
    #[arg(long)]
    naive_cases: Option<usize>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The synthetic mix: open cases accepted within about 1.6× their limit before the instant; limits G 1–20 (90%)
/// or Z 7–30 (10%); 20% with a pause (补正, or a special procedure with or without a cap),
/// 60% of those already resumed; 5% of the others with an approved extension.
fn synth(n: usize, seed: u64, at: DateTime<FixedOffset>) -> Vec<CaseClock> {
    let mut r = Rng(seed | 1);
    let g_days = [1, 3, 5, 5, 7, 10, 10, 15, 20, 20];
    let z_days = [7, 15, 30];
    (0..n)
        .map(|_| {
            let limit = if r.below(10) == 0 {
                Limit {
                    days: z_days[r.below(3) as usize],
                    unit: Unit::Z,
                }
            } else {
                Limit {
                    days: g_days[r.below(10) as usize],
                    unit: Unit::G,
                }
            };
            // Open cases: accepted within about 1.6× their limit in calendar days, so most
            // are running, some in warning, a few past their deadline.
            let window = (i64::from(limit.days) * 16 / 10 + 2) * 86_400;
            let acc = at - Duration::seconds(r.below(window as u64) as i64 + 1);
            let mut events = Vec::new();
            let roll = r.below(100);
            let span = (at - acc).num_seconds().max(1) as u64;
            if roll < 20 && limit.unit == Unit::G {
                let s = acc + Duration::seconds(r.below(span) as i64);
                let e = s + Duration::seconds(r.below(20 * 86_400) as i64);
                let (start, end) = if r.below(2) == 0 {
                    (EventKind::CorrectionStart, EventKind::CorrectionEnd)
                } else {
                    let cap = match r.below(3) {
                        0 => None,
                        1 => Some(Limit {
                            days: 3 + r.below(8) as u32,
                            unit: Unit::G,
                        }),
                        _ => Some(Limit {
                            days: 5 + r.below(20) as u32,
                            unit: Unit::Z,
                        }),
                    };
                    (EventKind::SpecialStart { cap }, EventKind::SpecialEnd)
                };
                events.push(CaseEvent { at: s, kind: start });
                if r.below(10) < 6 && e <= at {
                    events.push(CaseEvent { at: e, kind: end });
                }
            } else if roll < 25 {
                let x = acc + Duration::seconds(r.below(span) as i64);
                events.push(CaseEvent {
                    at: x,
                    kind: EventKind::Extension(Limit {
                        days: 10,
                        unit: limit.unit,
                    }),
                });
            }
            CaseClock {
                accepted_at: acc,
                limit,
                events,
            }
        })
        .collect()
}

/// A day-by-day clock over a day-by-day calendar, for the mix above (at most one pause or
/// one extension per case): the naive baseline, and a cross-check of the fast clock.
fn naive_eval(
    cal: &NaiveCalendar,
    c: &CaseClock,
    at: DateTime<FixedOffset>,
    lead: u32,
) -> (NaiveDate, Level) {
    let acc_d = c.accepted_at.date_naive();
    let roll = |mut x: NaiveDate| {
        while !cal.is_workday(x) {
            x = x.succ_opt().expect("in range");
        }
        x
    };
    let n = c.limit.days;
    let mut promised = n;
    let mut dl = match c.limit.unit {
        Unit::G => cal.add_workdays(acc_d, n),
        Unit::Z => roll(acc_d + chrono_days(n)),
    };
    let level = |t: DateTime<FixedOffset>, dl: NaiveDate, promised: u32| {
        let td = t.date_naive();
        let l = lead.min(promised);
        let mut w = dl;
        for _ in 0..l {
            w = cal.prev_workday(w);
        }
        let warn_at = midnight(w).max(c.accepted_at);
        if td > cal.add_workdays(dl, 2) {
            Level::Red
        } else if td > dl {
            Level::Yellow
        } else if l > 0 && t >= warn_at {
            Level::Warning
        } else {
            Level::Normal
        }
    };
    let Some(first) = c.events.first() else {
        return (dl, level(at, dl, promised));
    };
    if let EventKind::Extension(x) = first.kind {
        promised += x.days;
        // Same unit as the limit (the mix): the limit becomes N + n.
        dl = match x.unit {
            Unit::G => cal.add_workdays(dl, x.days),
            Unit::Z => roll(acc_d + chrono_days(n + x.days)),
        };
        return (dl, level(at, dl, promised));
    }
    let s = first.at;
    let s_d = s.date_naive();
    let e = c.events.get(1).map(|e| e.at);
    let cap_end_day = match first.kind {
        EventKind::SpecialStart { cap: Some(cap) } => Some(match cap.unit {
            Unit::G => {
                let mut x = s_d.pred_opt().expect("in range");
                let mut k = 0;
                while k < cap.days {
                    x = x.succ_opt().expect("in range");
                    if cal.is_workday(x) {
                        k += 1;
                    }
                }
                x.succ_opt().expect("in range")
            }
            Unit::Z => roll(s_d + chrono_days(cap.days - 1))
                .succ_opt()
                .expect("in range"),
        }),
        _ => None,
    };
    let count = |from: NaiveDate, to: NaiveDate| {
        let mut x = from.max(acc_d.succ_opt().expect("in range"));
        let mut k = 0;
        while x < to {
            if cal.is_workday(x) {
                k += 1;
            }
            x = x.succ_opt().expect("in range");
        }
        k
    };
    let at_d = at.date_naive();
    let cap_over = cap_end_day.is_some_and(|ce| at_d >= ce);
    if e.is_none() && !cap_over {
        // Still paused: frozen signal, provisional deadline as if resumed now.
        let frozen = level(s, dl, promised);
        let paused = count(s_d, at_d);
        return (cal.add_workdays(dl, paused), frozen);
    }
    let end_day = match (e, cap_end_day) {
        (Some(e), Some(ce)) => e.date_naive().min(ce),
        (Some(e), None) => e.date_naive(),
        (None, Some(ce)) => ce,
        (None, None) => unreachable!("handled above"),
    };
    let dl = cal.add_workdays(dl, count(s_d, end_day));
    (dl, level(at, dl, promised))
}

fn chrono_days(n: u32) -> jiancha_calendar::chrono::Days {
    jiancha_calendar::chrono::Days::new(u64::from(n))
}

fn midnight(d: NaiveDate) -> DateTime<FixedOffset> {
    cst()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("CST has no gaps")
}

fn open_level(s: Signal) -> Option<Level> {
    match s {
        Signal::Normal => Some(Level::Normal),
        Signal::Warning => Some(Level::Warning),
        Signal::Yellow => Some(Level::Yellow),
        Signal::Red => Some(Level::Red),
        Signal::Done { .. } => None,
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let at = cst()
        .with_ymd_and_hms(2026, 6, 15, 10, 0, 0)
        .single()
        .expect("valid instant");
    let cfg = ClockConfig::default();
    let cal = Calendar::builtin();
    let naive = NaiveCalendar::from_calendar(&cal);
    eprintln!("bench clock: generating {} cases…", args.cases);
    let cases = synth(args.cases, args.seed, at);
    let paused = cases
        .iter()
        .filter(|c| {
            c.events
                .first()
                .is_some_and(|e| !matches!(e.kind, EventKind::Extension(_)))
        })
        .count();

    // Warm up, then time the fast clock over all cases.
    for c in cases.iter().take(10_000) {
        black_box(evaluate(&cal, c, at, &cfg).ok());
    }
    let mut counts = [0usize; 4];
    let mut errors = 0usize;
    let t0 = Instant::now();
    for c in &cases {
        match evaluate(&cal, black_box(c), at, &cfg) {
            Ok(s) => {
                if let Some(l) = open_level(s.signal) {
                    counts[l as usize] += 1;
                }
            }
            Err(_) => errors += 1,
        }
    }
    let fast = t0.elapsed();

    let n_naive = args.naive_cases.unwrap_or(100_000).min(cases.len());
    let t1 = Instant::now();
    let mut naive_out = Vec::with_capacity(n_naive);
    for c in &cases[..n_naive] {
        naive_out.push(naive_eval(&naive, black_box(c), at, cfg.warning_lead));
    }
    let slow = t1.elapsed();
    let mut disagree = 0usize;
    for (c, (dl, l)) in cases.iter().zip(&naive_out) {
        let s = evaluate(&cal, c, at, &cfg).map_err(|e| anyhow::anyhow!("{e}"))?;
        if s.deadline != *dl || open_level(s.signal) != Some(*l) {
            disagree += 1;
            if disagree <= 3 {
                eprintln!(
                    "disagree: {c:?}\n  fast {:?} {:?}\n  naive {dl} {l:?}",
                    s.deadline, s.signal
                );
            }
        }
    }
    let ns = fast.as_nanos() as f64 / cases.len().max(1) as f64;
    let naive_ns = slow.as_nanos() as f64 / n_naive.max(1) as f64;
    println!(
        "{{\"bench\":\"clock\",\"cases\":{},\"paused_cases\":{},\"at\":\"{}\",\"ns_per_case\":{:.1},\
         \"naive_ns_per_case\":{:.1},\"naive_cases\":{},\"speedup\":{:.1},\"target_ns_per_case\":50,\
         \"normal\":{},\"warning\":{},\"yellow\":{},\"red\":{},\"errors\":{},\"naive_disagreements\":{},\
         \"release_build\":{}}}",
        cases.len(),
        paused,
        at.to_rfc3339(),
        ns,
        naive_ns,
        n_naive,
        naive_ns / ns.max(f64::MIN_POSITIVE),
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        errors,
        disagree,
        !cfg!(debug_assertions),
    );
    Ok(ExitCode::SUCCESS)
}
