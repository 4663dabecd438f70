//! The working-day calendar: statutory holidays and make-up working days (调休上班) over the
//! ordinary Monday–Friday week, all dates in China Standard Time.
//!
//! Every query is O(1): the covered range is a table of prefix counts of working days
//! (`cum`) and its inverse (`sel`, the day of the k-th working day); outside the table the
//! ordinary week is counted in closed form. Both are glued into one global *rank* function
//! (`rank(d)` = number of working days up to and including `d`, relative to a fixed epoch),
//! so that `workdays_between(a, b) = rank(b) − rank(a)` and `add_workdays(d, n) =
//! select(rank(d) + n)` hold on every date, inside or outside the covered years.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate, Weekday};

/// Days from 0001-01-01 (CE day 1) to 1970-01-01: converts chrono's CE day numbers to the
/// day numbers used inside this crate (days since 1970-01-01).
pub(crate) const CE_1970: i32 = 719_163;
/// Day number of Monday 1970-01-05: the origin of the ordinary week's closed form.
const MONDAY0: i64 = 4;

/// Day number (days since 1970-01-01) of a date.
#[inline]
pub(crate) fn dn_of(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - CE_1970
}

/// The date of a day number; `None` outside chrono's range.
#[inline]
pub(crate) fn date_of(dn: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(dn + i64::from(CE_1970)).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// Ordinary week: number of Mon–Fri days in [MONDAY0, dn] (negative before it), such that
/// `ord_rank(dn) - ord_rank(dn - 1)` is 1 on Mon–Fri and 0 on Sat/Sun.
#[inline]
fn ord_rank(dn: i64) -> i64 {
    let x = dn - MONDAY0;
    5 * x.div_euclid(7) + (x.rem_euclid(7) + 1).min(5)
}

/// Ordinary week: the day number of the k-th Mon–Fri day (inverse of [`ord_rank`]).
#[inline]
fn ord_select(k: i64) -> i64 {
    let j = k - 1;
    MONDAY0 + 7 * j.div_euclid(5) + j.rem_euclid(5)
}

/// One listed day: a statutory holiday (off) or a make-up working day (on), or an officer's
/// single-day edit. Days not listed follow the ordinary week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayOverride {
    pub date: NaiveDate,
    /// `true`: a working day (e.g. 调休上班 on a weekend); `false`: a day off.
    pub workday: bool,
    /// The holiday's name (e.g. 国庆节) or the reason of an edit.
    pub name: String,
}

/// An answer together with whether the calendar's data covers every date the answer used.
/// `known == false` means the answer assumed the ordinary week somewhere (the UI shows it as
/// provisional, 暂定).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known<T> {
    pub value: T,
    pub known: bool,
}

/// The working-day calendar. Cheap to clone (an `Arc` inside).
#[derive(Clone, Debug)]
pub struct Calendar {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Day number of the table's first day.
    start: i64,
    /// `cum[i]` = working days in [start, start + i); length = table days + 1.
    cum: Vec<u32>,
    /// `sel[j]` = table index of the (j+1)-th working day in the table.
    sel: Vec<u32>,
    /// `dates[i]` = the date of table day i (day number → date without calendar arithmetic).
    dates: Vec<NaiveDate>,
    /// `rank(start - 1)` (= the ordinary week's rank there).
    rank0: i64,
    /// `rank(d) - ord_rank(d)` for every `d` after the table.
    delta_end: i64,
    /// Years whose arrangement the data covers, sorted, distinct.
    known_years: Vec<i32>,
    /// Day numbers of the first and last day of the known years (empty: lo > hi), and whether
    /// every year between is known (then range checks inside are O(1)).
    known_lo: i64,
    known_hi: i64,
    known_contiguous: bool,
    /// The listed days (holidays, make-up days, edits).
    days: BTreeMap<NaiveDate, DayOverride>,
}

const BUILTIN_ASSET: &str = include_str!("../../../assets/calendar/cn-holidays.txt");

/// Errors of the shipped/compact calendar text format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for AssetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "calendar data line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for AssetError {}

impl Calendar {
    /// The shipped calendar: State Council arrangements 2007–2026 (from holiday-cn, MIT,
    /// see `assets/calendar/`). Parsed once per process, then cloned.
    pub fn builtin() -> Calendar {
        static BUILTIN: OnceLock<Calendar> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Calendar::parse_compact(BUILTIN_ASSET).expect("the shipped calendar asset parses")
            })
            .clone()
    }

    /// A calendar that knows the given years and lists the given days (later entries for the
    /// same date win). Days outside the known years may be listed too (a notice for year Y
    /// can set days of Y−1); they apply but do not make their year known.
    pub fn new(known_years: impl IntoIterator<Item = i32>, days: &[DayOverride]) -> Calendar {
        let mut map = BTreeMap::new();
        for d in days {
            map.insert(d.date, d.clone());
        }
        let mut years: Vec<i32> = known_years.into_iter().collect();
        years.sort_unstable();
        years.dedup();
        Calendar::build(years, map)
    }

    /// An ordinary Monday–Friday week with no holidays and no known year (tests, fallbacks).
    pub fn ordinary_week() -> Calendar {
        Calendar::new([], &[])
    }

    /// `base` with single-day edits applied on top (later entries win). The known years are
    /// unchanged: an edit of one day does not vouch for the rest of its year.
    pub fn with_overrides(base: &Calendar, overrides: &[DayOverride]) -> Calendar {
        let mut map = base.inner.days.clone();
        for d in overrides {
            map.insert(d.date, d.clone());
        }
        Calendar::build(base.inner.known_years.clone(), map)
    }

    /// `base` with a year's whole arrangement (a State Council notice) imported: the days are
    /// applied on top and `year` becomes known.
    pub fn with_year(base: &Calendar, year: i32, days: &[DayOverride]) -> Calendar {
        let mut map = base.inner.days.clone();
        for d in days {
            map.insert(d.date, d.clone());
        }
        let mut years = base.inner.known_years.clone();
        if let Err(pos) = years.binary_search(&year) {
            years.insert(pos, year);
        }
        Calendar::build(years, map)
    }

    fn build(known_years: Vec<i32>, days: BTreeMap<NaiveDate, DayOverride>) -> Calendar {
        let first_year = known_years
            .first()
            .copied()
            .into_iter()
            .chain(days.keys().next().map(|d| d.year()))
            .min();
        let last_year = known_years
            .last()
            .copied()
            .into_iter()
            .chain(days.keys().next_back().map(|d| d.year()))
            .max();
        let (start, end) = match (first_year, last_year) {
            (Some(a), Some(b)) => (
                i64::from(dn_of(NaiveDate::from_ymd_opt(a, 1, 1).expect("valid year"))),
                i64::from(dn_of(
                    NaiveDate::from_ymd_opt(b, 12, 31).expect("valid year"),
                )),
            ),
            _ => (0, -1), // empty table: the ordinary week everywhere
        };
        let len = usize::try_from(end - start + 1).unwrap_or(0);
        let mut cum = Vec::with_capacity(len + 1);
        let mut sel = Vec::new();
        let mut dates = Vec::with_capacity(len);
        cum.push(0u32);
        let mut acc = 0u32;
        for i in 0..len {
            let dn = start + i as i64;
            let date = date_of(dn).expect("table dates are valid");
            dates.push(date);
            let work = match days.get(&date) {
                Some(o) => o.workday,
                None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
            };
            if work {
                sel.push(i as u32);
                acc += 1;
            }
            cum.push(acc);
        }
        let (known_lo, known_hi, known_contiguous) = match (known_years.first(), known_years.last())
        {
            (Some(&a), Some(&b)) => (
                i64::from(dn_of(NaiveDate::from_ymd_opt(a, 1, 1).expect("valid year"))),
                i64::from(dn_of(
                    NaiveDate::from_ymd_opt(b, 12, 31).expect("valid year"),
                )),
                (b - a) as usize + 1 == known_years.len(),
            ),
            _ => (1, 0, false),
        };
        let rank0 = ord_rank(start - 1);
        let delta_end = rank0 + i64::from(acc) - ord_rank(end);
        Calendar {
            inner: Arc::new(Inner {
                start,
                cum,
                sel,
                dates,
                rank0,
                delta_end,
                known_years,
                known_lo,
                known_hi,
                known_contiguous,
                days,
            }),
        }
    }

    /// Parses the compact text format of `assets/calendar/cn-holidays.txt`:
    /// `#` comments, one `known FIRST LAST` line, then `YYYY-MM-DD W|O name` lines.
    pub fn parse_compact(text: &str) -> Result<Calendar, AssetError> {
        let mut years = Vec::new();
        let mut days = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let err = |message: String| AssetError {
                line: i + 1,
                message,
            };
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, ' ');
            let first = parts.next().unwrap_or_default();
            if first == "known" {
                let a: i32 = parts
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| err("`known` needs FIRST LAST years".into()))?;
                let b: i32 = parts
                    .next()
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| err("`known` needs FIRST LAST years".into()))?;
                years.extend(a..=b);
                continue;
            }
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d")
                .map_err(|e| err(format!("bad date {first:?}: {e}")))?;
            let workday = match parts.next() {
                Some("W") => true,
                Some("O") => false,
                other => {
                    return Err(err(format!(
                        "expected W or O after the date, got {other:?}"
                    )))
                }
            };
            let name = parts.next().unwrap_or_default().trim().to_string();
            days.push(DayOverride {
                date,
                workday,
                name,
            });
        }
        Ok(Calendar::new(years, &days))
    }

    /// The compact text form of this calendar (what [`Calendar::parse_compact`] reads).
    /// Known years must be contiguous to round-trip; gaps are written as several lines.
    pub fn to_compact(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        let ys = &self.inner.known_years;
        let mut i = 0;
        while i < ys.len() {
            let mut j = i;
            while j + 1 < ys.len() && ys[j + 1] == ys[j] + 1 {
                j += 1;
            }
            out.push_str(&format!("known {} {}\n", ys[i], ys[j]));
            i = j + 1;
        }
        for d in self.inner.days.values() {
            let wo = if d.workday { 'W' } else { 'O' };
            out.push_str(&format!(
                "{} {} {}\n",
                d.date.format("%Y-%m-%d"),
                wo,
                d.name
            ));
        }
        out
    }

    /// The listed days (holidays, make-up working days, edits), in date order.
    pub fn listed_days(&self) -> impl Iterator<Item = &DayOverride> {
        self.inner.days.values()
    }

    /// The listed entry of a date, if any (its name, e.g. 春节).
    pub fn listed(&self, d: NaiveDate) -> Option<&DayOverride> {
        self.inner.days.get(&d)
    }

    /// Years whose arrangement the calendar covers.
    pub fn known_years(&self) -> &[i32] {
        &self.inner.known_years
    }

    // ---- day-number core (used by the clock; O(1)) ----

    /// Working days up to and including day number `dn`, relative to a fixed epoch.
    #[inline]
    pub(crate) fn rank(&self, dn: i64) -> i64 {
        let s = &*self.inner;
        let i = dn - s.start;
        if i < 0 {
            ord_rank(dn)
        } else if (i as usize) < s.cum.len() - 1 {
            s.rank0 + i64::from(s.cum[i as usize + 1])
        } else {
            ord_rank(dn) + s.delta_end
        }
    }

    /// Day number of the k-th working day (inverse of [`Calendar::rank`]): the working day
    /// `w` with `rank(w) == k`.
    #[inline]
    pub(crate) fn select(&self, k: i64) -> i64 {
        let s = &*self.inner;
        let j = k - s.rank0 - 1;
        if j < 0 {
            ord_select(k)
        } else if (j as usize) < s.sel.len() {
            s.start + i64::from(s.sel[j as usize])
        } else {
            ord_select(k - s.delta_end)
        }
    }

    /// The date of a day number (a table look-up inside the covered range).
    #[inline]
    pub(crate) fn date_dn(&self, dn: i64) -> Option<NaiveDate> {
        let s = &*self.inner;
        let i = dn - s.start;
        if i >= 0 && (i as usize) < s.dates.len() {
            Some(s.dates[i as usize])
        } else {
            date_of(dn)
        }
    }

    #[inline]
    pub(crate) fn is_workday_dn(&self, dn: i64) -> bool {
        self.rank(dn) != self.rank(dn - 1)
    }

    // ---- public API ----

    /// Is `d` a working day (statutory holidays off, make-up days on)?
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        self.is_workday_dn(i64::from(dn_of(d)))
    }

    /// Does the calendar's data cover `d`'s year? Outside it, answers assume the ordinary week.
    pub fn is_known(&self, d: NaiveDate) -> bool {
        self.inner.known_years.binary_search(&d.year()).is_ok()
    }

    /// Day-number form of [`Calendar::is_known_range`] (O(1) for contiguous known years).
    #[inline]
    pub(crate) fn is_known_range_dn(&self, a: i64, b: i64) -> bool {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let s = &*self.inner;
        if lo >= s.known_lo && hi <= s.known_hi {
            return s.known_contiguous;
        }
        match (date_of(lo), date_of(hi)) {
            (Some(x), Some(y)) => self.is_known_range(x, y),
            _ => false,
        }
    }

    /// Are all years from `a`'s to `b`'s (in either order) known?
    pub fn is_known_range(&self, a: NaiveDate, b: NaiveDate) -> bool {
        let (lo, hi) = if a <= b {
            (a.year(), b.year())
        } else {
            (b.year(), a.year())
        };
        let ys = &self.inner.known_years;
        match ys.binary_search(&lo) {
            // Years are sorted and distinct: the range is covered iff the run from `lo` has
            // exactly the right length.
            Ok(i) => {
                let n = (hi - lo) as usize;
                i + n < ys.len() && ys[i + n] == hi
            }
            Err(_) => false,
        }
    }

    /// The N-th working day after `d` (`d` itself not counted). `n == 0` gives `d` itself.
    /// Saturates at chrono's last date for absurd `n`.
    pub fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        self.checked_add_workdays(d, n).unwrap_or(NaiveDate::MAX)
    }

    /// [`Calendar::add_workdays`], `None` past chrono's date range.
    pub fn checked_add_workdays(&self, d: NaiveDate, n: u32) -> Option<NaiveDate> {
        if n == 0 {
            return Some(d);
        }
        let dn = i64::from(dn_of(d));
        date_of(self.select(self.rank(dn) + i64::from(n)))
    }

    /// [`Calendar::add_workdays`] with whether every date it crossed is known.
    pub fn add_workdays_known(&self, d: NaiveDate, n: u32) -> Known<Option<NaiveDate>> {
        let value = self.checked_add_workdays(d, n);
        let known = value.is_some_and(|r| self.is_known_range(d, r));
        Known { value, known }
    }

    /// Working days in the half-open interval (a, b]; negative (−(working days in (b, a]))
    /// when b < a.
    pub fn workdays_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        self.rank(i64::from(dn_of(b))) - self.rank(i64::from(dn_of(a)))
    }

    /// [`Calendar::workdays_between`] with whether every date between is known.
    pub fn workdays_between_known(&self, a: NaiveDate, b: NaiveDate) -> Known<i64> {
        Known {
            value: self.workdays_between(a, b),
            known: self.is_known_range(a, b),
        }
    }

    /// The first working day strictly after `d`.
    pub fn next_workday(&self, d: NaiveDate) -> NaiveDate {
        self.add_workdays(d, 1)
    }

    /// The last working day strictly before `d`.
    pub fn prev_workday(&self, d: NaiveDate) -> NaiveDate {
        let dn = i64::from(dn_of(d));
        date_of(self.select(self.rank(dn - 1))).unwrap_or(NaiveDate::MIN)
    }

    /// `d` itself if it is a working day, else the next working day (顺延, Art. B16).
    pub fn roll_forward(&self, d: NaiveDate) -> NaiveDate {
        date_of(self.roll_forward_dn(i64::from(dn_of(d)))).unwrap_or(NaiveDate::MAX)
    }

    #[inline]
    pub(crate) fn roll_forward_dn(&self, dn: i64) -> i64 {
        let r = self.rank(dn);
        if r != self.rank(dn - 1) {
            dn
        } else {
            self.select(r + 1)
        }
    }
}

/// A naive day-by-day reference calendar (for tests and the benchmark's comparison): the
/// same data, answered by walking one day at a time.
#[derive(Clone, Debug)]
pub struct NaiveCalendar {
    days: std::collections::HashMap<NaiveDate, bool>,
}

impl NaiveCalendar {
    pub fn from_calendar(cal: &Calendar) -> NaiveCalendar {
        NaiveCalendar {
            days: cal.listed_days().map(|d| (d.date, d.workday)).collect(),
        }
    }

    pub fn is_workday(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(w) => *w,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    pub fn add_workdays(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut x = d;
        let mut left = n;
        while left > 0 {
            x = x.succ_opt().expect("in range");
            if self.is_workday(x) {
                left -= 1;
            }
        }
        x
    }

    pub fn workdays_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut x = lo;
        let mut n = 0;
        while x < hi {
            x = x.succ_opt().expect("in range");
            if self.is_workday(x) {
                n += 1;
            }
        }
        sign * n
    }

    pub fn next_workday(&self, d: NaiveDate) -> NaiveDate {
        self.add_workdays(d, 1)
    }

    pub fn prev_workday(&self, d: NaiveDate) -> NaiveDate {
        let mut x = d.pred_opt().expect("in range");
        while !self.is_workday(x) {
            x = x.pred_opt().expect("in range");
        }
        x
    }
}
