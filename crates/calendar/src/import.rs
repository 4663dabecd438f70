//! Parsers for a new year's State Council arrangement, as pure functions over text:
//! the holiday-cn JSON of one year, and an iCalendar (.ics) file of all-day events.
//!
//! What the .ics parser accepts (see docs/clock.md, "Importing a year"):
//! - `BEGIN:VEVENT` … `END:VEVENT` blocks; folded lines (continuations starting with a space
//!   or tab) are unfolded; other components and properties are ignored.
//! - `DTSTART` as a date (`DTSTART;VALUE=DATE:20261001` or `DTSTART:20261001`) or as a
//!   midnight date-time (`DTSTART:20261001T000000`, with or without `Z` / `TZID=`), read as a
//!   China Standard Time date. A start at any other time is rejected (not an all-day entry).
//! - The end: `DTEND` (exclusive, RFC 5545), or `DURATION:PnD`/`PnW`, or neither (one day).
//! - Working day or day off: a make-up working day is marked by `班` (补班, 上班, 加班) or
//!   `工作日` in `SUMMARY` or `CATEGORIES`, or by `X-JIANCHA-WORKDAY:TRUE`; `X-JIANCHA-WORKDAY:
//!   FALSE`, or `假`/`休` (假期, 放假, 休息) without `班` marks a day off. A summary that says
//!   only `调休` is ambiguous and rejected, naming the event.
//! - The name is the `SUMMARY` with those markers kept (e.g. `国庆节 假期`).

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::calendar::DayOverride;

/// A year's arrangement as imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearArrangement {
    pub year: i32,
    /// The State Council notices (URLs) it transcribes, when the source names them.
    pub papers: Vec<String>,
    pub days: Vec<DayOverride>,
}

/// An import that could not be read; the message names what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

#[derive(Deserialize)]
struct HcYear {
    year: i32,
    #[serde(default)]
    papers: Vec<String>,
    days: Vec<HcDay>,
}

#[derive(Deserialize)]
struct HcDay {
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

/// Parses one year of holiday-cn JSON (`{year, papers, days: [{name, date, isOffDay}]}`).
/// Dates may fall in the neighbouring year (a notice sets the days around New Year); they
/// must lie within a year of `year`.
pub fn parse_holiday_cn_json(text: &str) -> Result<YearArrangement, ImportError> {
    let y: HcYear = serde_json::from_str(text)
        .map_err(|e| ImportError(format!("not a holiday-cn year file: {e}")))?;
    let mut days = Vec::with_capacity(y.days.len());
    for (i, d) in y.days.iter().enumerate() {
        let date = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d")
            .map_err(|e| ImportError(format!("days[{i}].date {:?}: {e}", d.date)))?;
        if (date.year() - y.year).abs() > 1 {
            return Err(ImportError(format!(
                "days[{i}].date {} is not within a year of {}",
                d.date, y.year
            )));
        }
        days.push(DayOverride {
            date,
            workday: !d.is_off_day,
            name: d.name.clone(),
        });
    }
    check_no_conflicts(&days)?;
    Ok(YearArrangement {
        year: y.year,
        papers: y.papers,
        days,
    })
}

fn check_no_conflicts(days: &[DayOverride]) -> Result<(), ImportError> {
    let mut seen = std::collections::HashMap::new();
    for d in days {
        if let Some(prev) = seen.insert(d.date, d.workday) {
            if prev != d.workday {
                return Err(ImportError(format!(
                    "{} is listed both as a working day and as a day off",
                    d.date
                )));
            }
        }
    }
    Ok(())
}

/// Parses an .ics file of all-day events into the days of `year`'s arrangement (the rules
/// accepted are in the module documentation). Days outside `year` ± 1 are rejected.
pub fn parse_ics(text: &str, year: i32) -> Result<YearArrangement, ImportError> {
    // Unfold (RFC 5545 §3.1).
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if (raw.starts_with(' ') || raw.starts_with('\t')) && !lines.is_empty() {
            lines.last_mut().expect("non-empty").push_str(&raw[1..]);
        } else {
            lines.push(raw.to_string());
        }
    }
    let mut days = Vec::new();
    let mut in_event = false;
    let mut ev = IcsEvent::default();
    let mut n_events = 0usize;
    for (i, line) in lines.iter().enumerate() {
        let (head, value) = match line.split_once(':') {
            Some(x) => x,
            None => continue,
        };
        let mut params = head.split(';');
        let name = params.next().unwrap_or_default().to_ascii_uppercase();
        match (name.as_str(), in_event) {
            ("BEGIN", _) if value.eq_ignore_ascii_case("VEVENT") => {
                in_event = true;
                ev = IcsEvent {
                    line: i + 1,
                    ..Default::default()
                };
            }
            ("END", true) if value.eq_ignore_ascii_case("VEVENT") => {
                in_event = false;
                n_events += 1;
                ev.expand(year, &mut days)?;
            }
            ("DTSTART", true) => ev.start = Some(ics_date(value, i + 1, "DTSTART")?),
            ("DTEND", true) => ev.end = Some(ics_date(value, i + 1, "DTEND")?),
            ("DURATION", true) => ev.duration = Some(ics_duration(value, i + 1)?),
            ("SUMMARY", true) => ev.summary = unescape(value),
            ("CATEGORIES", true) => ev.categories = unescape(value),
            ("X-JIANCHA-WORKDAY", true) => {
                ev.workday = Some(match value.trim().to_ascii_uppercase().as_str() {
                    "TRUE" => true,
                    "FALSE" => false,
                    v => {
                        return Err(ImportError(format!(
                            "line {}: X-JIANCHA-WORKDAY must be TRUE or FALSE, got {v:?}",
                            i + 1
                        )))
                    }
                })
            }
            _ => {}
        }
    }
    if in_event {
        return Err(ImportError("the last VEVENT has no END:VEVENT".into()));
    }
    if n_events == 0 {
        return Err(ImportError(
            "no VEVENT found: not an iCalendar file?".into(),
        ));
    }
    check_no_conflicts(&days)?;
    Ok(YearArrangement {
        year,
        papers: Vec::new(),
        days,
    })
}

#[derive(Default)]
struct IcsEvent {
    line: usize,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    duration: Option<i64>,
    summary: String,
    categories: String,
    workday: Option<bool>,
}

impl IcsEvent {
    fn expand(&self, year: i32, out: &mut Vec<DayOverride>) -> Result<(), ImportError> {
        let at = |m: String| ImportError(format!("VEVENT at line {}: {m}", self.line));
        let start = self.start.ok_or_else(|| at("no DTSTART".into()))?;
        let days = match (self.end, self.duration) {
            (Some(e), _) => (e - start).num_days(),
            (None, Some(d)) => d,
            (None, None) => 1,
        };
        if !(1..=60).contains(&days) {
            return Err(at(format!(
                "an all-day entry of {days} days is not a holiday"
            )));
        }
        let text = format!("{} {}", self.summary, self.categories);
        let workday = match self.workday {
            Some(w) => w,
            None if text.contains('班') || text.contains("工作日") => true,
            None if text.contains('假') || text.contains('休') => {
                if text.contains("调休") && !text.contains('假') && !text.contains("休息") {
                    return Err(at(format!(
                        "{:?} says only 调休: mark it 补班/上班 or 假期, or set X-JIANCHA-WORKDAY",
                        self.summary
                    )));
                }
                false
            }
            None => {
                return Err(at(format!(
                    "{:?} says neither 班 (working day) nor 假/休 (day off)",
                    self.summary
                )))
            }
        };
        for k in 0..days {
            let date = start + chrono::Days::new(k as u64);
            if (date.year() - year).abs() > 1 {
                return Err(at(format!("{date} is not within a year of {year}")));
            }
            out.push(DayOverride {
                date,
                workday,
                name: self.summary.trim().to_string(),
            });
        }
        Ok(())
    }
}

fn unescape(v: &str) -> String {
    v.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

fn ics_date(value: &str, line: usize, prop: &str) -> Result<NaiveDate, ImportError> {
    let v = value.trim();
    let (date, time) = match v.split_once('T') {
        Some((d, t)) => (d, Some(t.trim_end_matches('Z'))),
        None => (v, None),
    };
    if let Some(t) = time {
        if t != "000000" && t != "0000" {
            return Err(ImportError(format!(
                "line {line}: {prop} {v:?} is not an all-day date (time {t} ≠ 000000)"
            )));
        }
    }
    NaiveDate::parse_from_str(date, "%Y%m%d")
        .map_err(|e| ImportError(format!("line {line}: {prop} {v:?}: {e}")))
}

fn ics_duration(value: &str, line: usize) -> Result<i64, ImportError> {
    let v = value.trim();
    let bad = || {
        ImportError(format!(
            "line {line}: DURATION {v:?}: only PnD or PnW accepted"
        ))
    };
    let body = v.strip_prefix('P').ok_or_else(bad)?;
    if let Some(n) = body.strip_suffix('D') {
        n.parse::<i64>().map_err(|_| bad())
    } else if let Some(n) = body.strip_suffix('W') {
        n.parse::<i64>().map(|w| 7 * w).map_err(|_| bad())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn holiday_cn_json_reads_days_and_neighbour_year() {
        let t = r#"{"year":2027,"papers":["https://example.gov.cn/x"],"days":[
            {"name":"元旦","date":"2026-12-31","isOffDay":true},
            {"name":"元旦","date":"2027-01-01","isOffDay":true},
            {"name":"春节","date":"2027-02-06","isOffDay":false}]}"#;
        let y = parse_holiday_cn_json(t).unwrap();
        assert_eq!(y.year, 2027);
        assert_eq!(y.papers.len(), 1);
        assert_eq!(y.days.len(), 3);
        assert!(!y.days[0].workday && y.days[0].date == d("2026-12-31"));
        assert!(y.days[2].workday);
    }

    #[test]
    fn holiday_cn_json_errors_name_the_problem() {
        let e = parse_holiday_cn_json(
            r#"{"year":2027,"days":[{"name":"x","date":"2027-13-01","isOffDay":true}]}"#,
        )
        .unwrap_err();
        assert!(e.0.contains("days[0].date"), "{e}");
        let e = parse_holiday_cn_json(
            r#"{"year":2027,"days":[{"name":"x","date":"2030-01-01","isOffDay":true}]}"#,
        )
        .unwrap_err();
        assert!(e.0.contains("within a year"), "{e}");
        let e = parse_holiday_cn_json(r#"{"year":2027,"days":[{"name":"x","date":"2027-01-01","isOffDay":true},{"name":"x","date":"2027-01-01","isOffDay":false}]}"#)
            .unwrap_err();
        assert!(e.0.contains("both"), "{e}");
        assert!(parse_holiday_cn_json("[]").is_err());
    }

    #[test]
    fn ics_all_day_events_expand() {
        let t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271001\r\nDTEND;VALUE=DATE:20271008\r\nSUMMARY:国庆节 假期\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20270926T000000\r\nSUMMARY:国庆节 补\r\n 班\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271009\r\nDURATION:P1D\r\nSUMMARY:调休\r\nCATEGORIES:上班\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let y = parse_ics(t, 2027).unwrap();
        assert_eq!(y.days.len(), 9);
        assert!(y.days[..7].iter().all(|x| !x.workday));
        assert_eq!(y.days[6].date, d("2027-10-07"));
        assert!(y.days[7].workday && y.days[7].date == d("2027-09-26"));
        assert_eq!(y.days[7].name, "国庆节 补班");
        assert!(y.days[8].workday);
    }

    #[test]
    fn ics_rejects_what_it_cannot_read() {
        let ev = |body: &str| {
            format!("BEGIN:VCALENDAR\nBEGIN:VEVENT\n{body}\nEND:VEVENT\nEND:VCALENDAR\n")
        };
        let e = parse_ics(&ev("DTSTART:20271001T090000\nSUMMARY:假期"), 2027).unwrap_err();
        assert!(e.0.contains("not an all-day"), "{e}");
        let e = parse_ics(&ev("DTSTART:20271001\nSUMMARY:国庆节调休"), 2027).unwrap_err();
        assert!(e.0.contains("调休"), "{e}");
        let e = parse_ics(&ev("DTSTART:20271001\nSUMMARY:生日"), 2027).unwrap_err();
        assert!(e.0.contains("neither"), "{e}");
        let e = parse_ics(&ev("SUMMARY:假期"), 2027).unwrap_err();
        assert!(e.0.contains("DTSTART"), "{e}");
        let e = parse_ics(&ev("DTSTART:20291001\nSUMMARY:假期"), 2027).unwrap_err();
        assert!(e.0.contains("within a year"), "{e}");
        assert!(parse_ics("hello", 2027).is_err());
        let ok = parse_ics(
            &ev("DTSTART:20271001\nX-JIANCHA-WORKDAY:TRUE\nSUMMARY:调休"),
            2027,
        )
        .unwrap();
        assert!(ok.days[0].workday);
    }
}
