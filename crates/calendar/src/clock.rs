//! The case clock: from a case's acceptance, time limit and events, the deadline, the two
//! countdowns and the signal (预警 / 黄牌 / 红牌) at a given instant, and the next instant the
//! signal changes. Pure: the instant is passed in. Every rule cites its article; the
//! decisions are written out in `docs/clock.md`.
//!
//! Internally instants are Unix seconds and dates are CST day numbers, so that evaluating an
//! unpaused case is a handful of O(1) table look-ups.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

use crate::calendar::Calendar;

const DAY: i64 = 86_400;
const CST_OFFSET: i64 = 8 * 3600;

/// The CST day number (days since 1970-01-01) of a Unix instant.
#[inline]
fn day_of(ts: i64) -> i64 {
    (ts + CST_OFFSET).div_euclid(DAY)
}

/// 00:00 CST of a day number, as a Unix instant.
#[inline]
fn midnight(dn: i64) -> i64 {
    dn * DAY - CST_OFFSET
}

fn to_dt_slow(ts: i64) -> DateTime<FixedOffset> {
    DateTime::from_timestamp(ts, 0)
        .unwrap_or(DateTime::<chrono::Utc>::MAX_UTC)
        .with_timezone(&crate::cst())
}

/// A Unix instant as a CST date-time; CST midnights (all the signal instants) go through the
/// calendar's date table instead of calendar arithmetic.
#[inline]
fn to_dt(cal: &Calendar, ts: i64) -> DateTime<FixedOffset> {
    if (ts + CST_OFFSET).rem_euclid(DAY) == 0 {
        // 00:00 CST of day dn is 16:00 UTC of day dn - 1.
        if let Some(prev) = cal.date_dn(day_of(ts) - 1) {
            let utc = prev.and_time(NaiveTime::from_hms_opt(16, 0, 0).expect("valid time"));
            return DateTime::from_naive_utc_and_offset(utc, crate::cst());
        }
    }
    to_dt_slow(ts)
}

#[inline]
fn to_date(cal: &Calendar, dn: i64) -> NaiveDate {
    cal.date_dn(dn).unwrap_or(if dn < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The unit of a time limit (承诺时限单位 / 特别程序时限单位).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// G: working days (Administrative Licensing Law Art. 82).
    G,
    /// Z: calendar days, the end moved forward to a working day (顺延, Art. B16).
    Z,
}

/// A time limit: a number of days in a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limit {
    pub days: u32,
    pub unit: Unit,
}

/// What happened to a case, at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// 补正 starts: the applicant is asked to correct materials; open-ended pause.
    CorrectionStart,
    /// 补正 ends: the corrected materials are received.
    CorrectionEnd,
    /// A special procedure of kind B starts (hearing, tender, auction, inspection, testing,
    /// quarantine, appraisal, expert review — Licensing Law Art. 45), with its own cap or none.
    SpecialStart { cap: Option<Limit> },
    /// The kind-B special procedure ends.
    SpecialEnd,
    /// Kind A: an approved extension (延长审批); adds its days to the time limit.
    Extension(Limit),
    /// The case is completed (办结, any outcome).
    Completed,
    /// The case is withdrawn (撤件 / 撤回 / 撤销); the clock stops like a completion.
    Withdrawn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: DateTime<FixedOffset>,
    pub kind: EventKind,
}

/// The clock's input for one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseClock {
    /// The acceptance instant (受理时间).
    pub accepted_at: DateTime<FixedOffset>,
    /// The promised time limit (承诺办结时限).
    pub limit: Limit,
    /// Events in any order (sorted by instant, stable, before use). Events after the instant
    /// asked about are ignored: the clock at `at` only knows the past.
    pub events: Vec<CaseEvent>,
}

/// Settings of the clock (a versioned configuration in the service).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockConfig {
    /// Working days of notice before the deadline day (Art. B5(1) decision: default 1). It is
    /// never more than the promised days (the limit plus approved extensions).
    pub warning_lead: u32,
}

impl Default for ClockConfig {
    fn default() -> Self {
        ClockConfig { warning_lead: 1 }
    }
}

/// The open signal levels, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Normal,
    /// 预警提示 (Art. B5(1)).
    Warning,
    /// 黄牌 (Art. B5(2)).
    Yellow,
    /// 红牌 (Art. B5(3)).
    Red,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Normal => "normal",
            Level::Warning => "warning",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }
}

/// The signal of a case at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Normal,
    Warning,
    Yellow,
    Red,
    /// Completed (or withdrawn): `on_time` when it never reached the yellow card; `highest`
    /// is the highest signal it reached before closing.
    Done {
        on_time: bool,
        highest: Level,
    },
}

impl Signal {
    fn open(l: Level) -> Signal {
        match l {
            Level::Normal => Signal::Normal,
            Level::Warning => Signal::Warning,
            Level::Yellow => Signal::Yellow,
            Level::Red => Signal::Red,
        }
    }

    /// `normal`, `warning`, `yellow`, `red` or `done`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Normal => "normal",
            Signal::Warning => "warning",
            Signal::Yellow => "yellow",
            Signal::Red => "red",
            Signal::Done { .. } => "done",
        }
    }
}

/// Which pause is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseKind {
    /// 补正 (open-ended).
    Correction,
    /// Kind-B special procedure (capped or open-ended).
    Special,
}

/// The pause open at the instant asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PauseState {
    pub kind: PauseKind,
    pub since: DateTime<FixedOffset>,
    /// The special procedure's own last day (its cap counted from its start), if capped.
    pub cap_deadline: Option<NaiveDate>,
    /// When the cap stops pausing the case (00:00 after `cap_deadline`).
    pub cap_end_at: Option<DateTime<FixedOffset>>,
    /// The pause countdown: days of the cap left after the day asked about, in the cap's unit
    /// (0 on its last day, negative once overrun); `None` when open-ended.
    pub remaining_days: Option<i64>,
    /// Is the case's clock stopped right now (false for a capped pause past its cap)?
    pub freezing: bool,
}

/// A special procedure that ran past its own cap: itself a finding (feed-facts, "a special
/// procedure that outruns its own limit").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapOverrun {
    pub started_at: DateTime<FixedOffset>,
    pub cap: Limit,
    /// 00:00 after the cap's last day: from then on the case's clock runs again.
    pub overrun_from: DateTime<FixedOffset>,
    /// When the procedure ended, if it has.
    pub ended_at: Option<DateTime<FixedOffset>>,
}

/// How a closed case closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closure {
    pub at: DateTime<FixedOffset>,
    pub withdrawn: bool,
}

/// An extension the clock did not apply: recorded when the yellow card was already up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateExtension {
    pub at: DateTime<FixedOffset>,
    pub extension: Limit,
    /// D as it stood (the extension did not move it).
    pub deadline: NaiveDate,
}

/// The clock of a case at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockState {
    /// D, the deadline day: the last working day of the time limit, after pauses and
    /// extensions so far. While a pause is open: the deadline if it ended at the instant asked.
    pub deadline: NaiveDate,
    /// The case countdown: working days after the instant's day up to D (0 on D, negative =
    /// working days overdue). While paused: the frozen budget, counting the resume day.
    pub remaining_workdays: i64,
    pub signal: Signal,
    /// Highest level reached up to the instant (or the closure).
    pub highest: Level,
    /// Signal instants of the case as it stands (from `deadline`).
    pub warning_at: DateTime<FixedOffset>,
    pub yellow_at: DateTime<FixedOffset>,
    pub red_at: DateTime<FixedOffset>,
    /// The next instant after the one asked about at which the signal changes, if nothing
    /// else happens to the case; `None` if it never will (closed, red, or paused open-ended).
    pub next_change: Option<DateTime<FixedOffset>>,
    pub pause: Option<PauseState>,
    pub closed: Option<Closure>,
    /// Number of special procedures that overran their cap, and the first of them.
    pub cap_overruns: u32,
    pub first_cap_overrun: Option<CapOverrun>,
    /// Extensions recorded after the time limit ran out (Licensing Law Art. 42: granted within
    /// it): ignored by the clock, each an integrity finding.
    pub late_extensions: Vec<LateExtension>,
    /// False when a date the answer used lies outside the calendar's known years (the answer
    /// then assumed the ordinary week: provisional, 暂定).
    pub known: bool,
}

/// A case's events cannot be read as a clock; names the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockError {
    /// Index of the offending event in the case's (sorted) events, if one is to blame.
    pub event: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ClockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.event {
            Some(i) => write!(f, "event {i}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ClockError {}

/// The three signal instants of a deadline (Unix seconds).
#[derive(Clone, Copy)]
struct Marks {
    warning: i64,
    yellow: i64,
    red: i64,
}

impl Marks {
    #[inline]
    fn level(&self, t: i64) -> Level {
        if t >= self.red {
            Level::Red
        } else if t >= self.yellow {
            Level::Yellow
        } else if t >= self.warning {
            Level::Warning
        } else {
            Level::Normal
        }
    }

    /// The first mark after `t` (the next signal change of a running case).
    #[inline]
    fn next_after(&self, t: i64) -> Option<i64> {
        [self.warning, self.yellow, self.red]
            .into_iter()
            .find(|&m| m > t)
    }
}

#[derive(Clone, Copy)]
struct OpenSpecial {
    start: i64,
    cap: Option<Limit>,
    /// The cap's last day and the instant (00:00 after it) the cap stops the pause.
    cap_last_day: i64,
    cap_end: i64,
}

struct Sim<'c> {
    cal: &'c Calendar,
    unit: Unit,
    /// The deadline's position: G → rank of D; Z → the unrolled calendar day of the limit.
    pos: i64,
    promised: i64,
    lead: i64,
    acc_s: i64,
    acc_d: i64,
}

impl Sim<'_> {
    /// D (Art. B5 decision; Z: 顺延, Art. B16).
    #[inline]
    fn deadline(&self) -> i64 {
        match self.unit {
            Unit::G => self.cal.select(self.pos),
            Unit::Z => self.cal.roll_forward_dn(self.pos),
        }
    }

    #[inline]
    fn marks(&self, d: i64) -> Marks {
        let rd = self.cal.rank(d);
        // Art. B5(1) decision: warning at 00:00 of the working day `lead` working days before
        // D, the lead never more than the promised days; never before acceptance.
        let lead = self.lead.min(self.promised).max(0);
        let yellow = midnight(d + 1); // Art. B5(2): 00:00 of the calendar day after D
        let warning = if lead == 0 {
            yellow
        } else {
            midnight(self.cal.select(rd - lead)).max(self.acc_s)
        };
        // Art. B5(3): 00:00 of the calendar day after the 2nd working day after D.
        let red = midnight(self.cal.select(rd + 2) + 1);
        Marks {
            warning,
            yellow,
            red,
        }
    }

    /// The deadline position moved by a pause from instant `from` to instant `to`: the paused
    /// days are the days in [day(from), day(to)) after the acceptance day (docs/clock.md,
    /// "Partial days"); G counts working days, Z calendar days.
    #[inline]
    fn paused_days(&self, from: i64, to: i64) -> i64 {
        let a = day_of(from).max(self.acc_d + 1);
        let b = day_of(to);
        if b <= a {
            return 0;
        }
        match self.unit {
            Unit::G => self.cal.rank(b - 1) - self.cal.rank(a - 1),
            Unit::Z => b - a,
        }
    }

    /// Kind A extension: adds its days (Licensing Law Art. 42: +10 with approval), counted
    /// in its own unit from the deadline as it stands.
    fn extend(&mut self, ext: Limit) {
        let n = i64::from(ext.days);
        self.promised += n;
        match (self.unit, ext.unit) {
            (Unit::G, Unit::G) | (Unit::Z, Unit::Z) => self.pos += n,
            (Unit::G, Unit::Z) => {
                let d = self.cal.roll_forward_dn(self.deadline() + n);
                self.pos = self.cal.rank(d);
            }
            (Unit::Z, Unit::G) => {
                let d = self.cal.select(self.cal.rank(self.deadline()) + n);
                self.pos = d;
            }
        }
    }

    /// The cap of a special procedure starting at `start`: its last day (the start day is day
    /// 1; Z caps are moved forward to a working day, Art. B16).
    fn cap_last_day(&self, start: i64, cap: Limit) -> i64 {
        let s = day_of(start);
        let c = i64::from(cap.days);
        match cap.unit {
            Unit::G => self.cal.select(self.cal.rank(s - 1) + c),
            Unit::Z if c == 0 => s - 1,
            Unit::Z => self.cal.roll_forward_dn(s + c - 1),
        }
    }
}

/// Evaluates a case's clock at instant `at` (Art. B5, B16; Licensing Law Art. 42, 45, 82).
pub fn evaluate(
    cal: &Calendar,
    case: &CaseClock,
    at: DateTime<FixedOffset>,
    cfg: &ClockConfig,
) -> Result<ClockState, ClockError> {
    if case.events.is_sorted_by_key(|e| e.at) {
        evaluate_sorted(cal, case, &case.events, at, cfg)
    } else {
        let mut evs = case.events.clone();
        evs.sort_by_key(|e| e.at);
        evaluate_sorted(cal, case, &evs, at, cfg)
    }
}

fn evaluate_sorted(
    cal: &Calendar,
    case: &CaseClock,
    events: &[CaseEvent],
    at: DateTime<FixedOffset>,
    cfg: &ClockConfig,
) -> Result<ClockState, ClockError> {
    let acc_s = case.accepted_at.timestamp();
    let acc_d = day_of(acc_s);
    let at_s = at.timestamp();
    let n = i64::from(case.limit.days);
    // Art. B5 decision: D = the N-th working day after the acceptance date (G); Z: the N-th
    // calendar day after it, moved forward to a working day (Art. B16). A case accepted on a
    // non-working day therefore starts counting on the next working day.
    // A limit of 0 days (即办件, same-day) is due on the acceptance day, or on the next
    // working day when accepted on a non-working day.
    let pos = match case.limit.unit {
        Unit::G if n == 0 && !cal.is_workday_dn(acc_d) => cal.rank(acc_d) + 1,
        Unit::G => cal.rank(acc_d) + n,
        Unit::Z => acc_d + n,
    };
    let mut sim = Sim {
        cal,
        unit: case.limit.unit,
        pos,
        promised: n,
        lead: i64::from(cfg.warning_lead),
        acc_s,
        acc_d,
    };
    let mut d = sim.deadline();
    let mut marks = sim.marks(d);

    if at_s < acc_s {
        return Err(ClockError {
            event: None,
            message: format!(
                "the instant asked about ({at}) is before the acceptance ({})",
                case.accepted_at
            ),
        });
    }

    let mut highest = Level::Normal;
    let mut corr: Option<i64> = None;
    let mut spec: Option<OpenSpecial> = None;
    let mut freeze_since: Option<i64> = None;
    let mut frozen_level = Level::Normal;
    let mut closed: Option<(i64, bool)> = None;
    let mut overruns = 0u32;
    let mut first_overrun: Option<CapOverrun> = None;
    let mut late_extensions: Vec<LateExtension> = Vec::new();
    let mut earliest_day = acc_d;
    let mut latest_day = acc_d;

    // Is the clock stopped at instant t given the open pauses?
    let freezing = |corr: &Option<i64>, spec: &Option<OpenSpecial>, t: i64| {
        corr.is_some() || spec.is_some_and(|s| s.cap.is_none() || t < s.cap_end)
    };

    macro_rules! start_freeze {
        ($t:expr) => {{
            let t = $t;
            // Art. B5: the level reached when the pause starts stays reached; the pause then
            // freezes the signal with the remaining days.
            frozen_level = marks.level(t);
            highest = highest.max(frozen_level);
            freeze_since = Some(t);
        }};
    }
    macro_rules! end_freeze {
        ($t:expr) => {{
            let t = $t;
            let since = freeze_since.take().expect("frozen");
            // Licensing Law Art. 45: paused time is not counted; the deadline moves by the
            // (working) days actually paused.
            sim.pos += sim.paused_days(since, t);
            d = sim.deadline();
            marks = sim.marks(d);
        }};
    }
    macro_rules! sync_freeze {
        ($t:expr) => {{
            let t = $t;
            let f = freezing(&corr, &spec, t);
            if f && freeze_since.is_none() {
                start_freeze!(t);
            } else if !f && freeze_since.is_some() {
                end_freeze!(t);
            }
        }};
    }
    // A capped special procedure stops pausing at its cap end (feed-facts: "past it they count
    // down again"), even if no event happens then.
    macro_rules! advance_to {
        ($t:expr) => {{
            let t = $t;
            if let (Some(s), None, Some(_)) = (spec, corr, freeze_since) {
                if s.cap.is_some() && s.cap_end <= t {
                    end_freeze!(s.cap_end.max(freeze_since.unwrap_or(s.cap_end)));
                }
            }
        }};
    }

    for (i, ev) in events.iter().enumerate() {
        let t = ev.at.timestamp();
        if t > at_s {
            break;
        }
        let err = |message: String| ClockError {
            event: Some(i),
            message,
        };
        if t < acc_s {
            return Err(err(format!(
                "{:?} at {} is before the acceptance ({})",
                ev.kind, ev.at, case.accepted_at
            )));
        }
        if closed.is_some() {
            return Err(err(format!(
                "{:?} at {} comes after the case was closed",
                ev.kind, ev.at
            )));
        }
        advance_to!(t);
        match ev.kind {
            EventKind::CorrectionStart => {
                if corr.is_some() {
                    return Err(err("补正 starts while a 补正 is already open".into()));
                }
                corr = Some(t);
                sync_freeze!(t);
            }
            EventKind::CorrectionEnd => {
                if corr.is_none() {
                    return Err(err("补正 ends but none is open".into()));
                }
                corr = None;
                sync_freeze!(t);
            }
            EventKind::SpecialStart { cap } => {
                if spec.is_some() {
                    return Err(err(
                        "a special procedure starts while another is open".into()
                    ));
                }
                let (cap_last_day, cap_end) = match cap {
                    Some(c) => {
                        let last = sim.cap_last_day(t, c);
                        latest_day = latest_day.max(last + 1);
                        (last, midnight(last + 1))
                    }
                    None => (i64::MAX, i64::MAX),
                };
                spec = Some(OpenSpecial {
                    start: t,
                    cap,
                    cap_last_day,
                    cap_end,
                });
                sync_freeze!(t);
            }
            EventKind::SpecialEnd => {
                let Some(s) = spec.take() else {
                    return Err(err("a special procedure ends but none is open".into()));
                };
                if let Some(cap) = s.cap {
                    if t > s.cap_end {
                        overruns += 1;
                        first_overrun.get_or_insert(CapOverrun {
                            started_at: to_dt(cal, s.start),
                            cap,
                            overrun_from: to_dt(cal, s.cap_end),
                            ended_at: Some(ev.at),
                        });
                    }
                }
                sync_freeze!(t);
            }
            EventKind::Extension(ext) => {
                // Art. B5: a level reached stays reached, whatever happens next.
                let now_level = if freeze_since.is_some() {
                    frozen_level
                } else {
                    marks.level(t)
                };
                highest = highest.max(now_level);
                // Licensing Law Art. 42: an extension (+N, with the head's approval) is granted
                // *within* the time limit. One recorded once the limit has run out (the yellow
                // card is up: 00:00 after D) moves nothing — a card cannot be laundered by a
                // late extension (Arts. B5, B9) — and is itself an integrity finding
                // (`extension_after_deadline`). Granted before D, it moves D as before.
                if now_level < Level::Yellow {
                    sim.extend(ext);
                    d = sim.deadline();
                    marks = sim.marks(d);
                } else {
                    late_extensions.push(LateExtension {
                        at: ev.at,
                        extension: ext,
                        deadline: to_date(cal, d),
                    });
                }
            }
            EventKind::Completed | EventKind::Withdrawn => {
                if freeze_since.is_none() {
                    highest = highest.max(marks.level(t));
                } else {
                    // Closed while paused: the pause ends with the case (its days count).
                    end_freeze!(t);
                }
                closed = Some((t, matches!(ev.kind, EventKind::Withdrawn)));
            }
        }
    }

    let end_s = closed.map_or(at_s, |c| c.0);
    if closed.is_none() {
        advance_to!(at_s);
    }

    // An open capped procedure already past its cap is an overrun too.
    if let Some(s) = spec {
        if let Some(cap) = s.cap {
            if end_s > s.cap_end {
                overruns += 1;
                first_overrun.get_or_insert(CapOverrun {
                    started_at: to_dt(cal, s.start),
                    cap,
                    overrun_from: to_dt(cal, s.cap_end),
                    ended_at: None,
                });
            }
        }
    }

    let remaining;
    let signal;
    let mut next_change = None;
    let mut shown_d = d;
    let mut shown_marks = marks;
    match (closed, freeze_since) {
        (Some(_), _) => {
            remaining = cal.rank(d) - cal.rank(day_of(end_s));
            signal = Signal::Done {
                on_time: highest < Level::Yellow,
                highest,
            };
        }
        (None, Some(since)) => {
            highest = highest.max(frozen_level);
            signal = Signal::open(frozen_level);
            // The frozen budget: working days of the limit still to run, the resume day
            // counted when it is a working day.
            let first = day_of(since).max(acc_d + 1);
            remaining = cal.rank(d) - cal.rank(first - 1);
            let provisional = sim.pos + sim.paused_days(since, at_s);
            shown_d = match sim.unit {
                Unit::G => cal.select(provisional),
                Unit::Z => cal.roll_forward_dn(provisional),
            };
            shown_marks = sim.marks(shown_d);
            // Only a capped procedure (with no 补正 open) ends the pause by itself.
            if let (Some(s), None) = (spec, corr) {
                if s.cap.is_some() {
                    let c = s.cap_end;
                    let pos_c = sim.pos + sim.paused_days(since, c);
                    let d_c = match sim.unit {
                        Unit::G => cal.select(pos_c),
                        Unit::Z => cal.roll_forward_dn(pos_c),
                    };
                    let m_c = sim.marks(d_c);
                    let l_c = m_c.level(c);
                    next_change = if l_c != frozen_level {
                        Some(c)
                    } else {
                        m_c.next_after(c)
                    };
                }
            }
        }
        (None, None) => {
            let l = marks.level(at_s);
            highest = highest.max(l);
            signal = Signal::open(l);
            remaining = cal.rank(d) - cal.rank(day_of(at_s));
            next_change = marks.next_after(at_s);
        }
    }
    if matches!(signal, Signal::Done { .. }) {
        next_change = None;
    }

    let pause = if closed.is_none() {
        let at_d = day_of(at_s);
        if let Some(c) = corr {
            Some(PauseState {
                kind: PauseKind::Correction,
                since: to_dt(cal, c),
                cap_deadline: None,
                cap_end_at: None,
                remaining_days: None,
                freezing: true,
            })
        } else {
            spec.map(|s| PauseState {
                kind: PauseKind::Special,
                since: to_dt(cal, s.start),
                cap_deadline: s.cap.map(|_| to_date(cal, s.cap_last_day)),
                cap_end_at: s.cap.map(|_| to_dt(cal, s.cap_end)),
                remaining_days: s.cap.map(|c| match c.unit {
                    Unit::G => cal.rank(s.cap_last_day) - cal.rank(at_d),
                    Unit::Z => s.cap_last_day - at_d,
                }),
                freezing: freeze_since.is_some(),
            })
        }
    } else {
        None
    };

    earliest_day = earliest_day.min(day_of(end_s));
    latest_day = latest_day.max(day_of(end_s)).max(day_of(shown_marks.red));
    let known = cal.is_known_range_dn(earliest_day, latest_day);

    Ok(ClockState {
        deadline: to_date(cal, shown_d),
        remaining_workdays: remaining,
        signal,
        highest,
        warning_at: if shown_marks.warning == acc_s {
            case.accepted_at.with_timezone(&crate::cst())
        } else {
            to_dt(cal, shown_marks.warning)
        },
        yellow_at: to_dt(cal, shown_marks.yellow),
        red_at: to_dt(cal, shown_marks.red),
        next_change: next_change.map(|x| to_dt(cal, x)),
        pause,
        closed: closed.map(|(t, withdrawn)| Closure {
            at: to_dt(cal, t),
            withdrawn,
        }),
        cap_overruns: overruns,
        first_cap_overrun: first_overrun,
        late_extensions,
        known,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_instant_conversion_matches_chrono() {
        let cal = Calendar::builtin();
        // Midnights across and beyond the table, and non-midnight instants.
        for dn in (-800..25_000).step_by(7) {
            for off in [0, 1, 3600, 57_600, 86_399] {
                let ts = midnight(dn) + off;
                let fast = to_dt(&cal, ts);
                assert_eq!(fast, to_dt_slow(ts), "{ts}");
                assert_eq!(fast.offset(), &crate::cst(), "{ts}");
                assert_eq!(fast.timestamp(), ts);
            }
            assert_eq!(Some(to_date(&cal, dn)), crate::calendar::date_of(dn));
        }
    }
}
