//! Timestamps on the wire: RFC 3339 with an explicit offset (the feed writes `+08:00`), and the
//! GB/T 39046-2020 compact form `YYYYMMDDThhmmss`, read as China Standard Time.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// China Standard Time (UTC+8), the offset every timestamp is written in.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// An instant as carried by the feed. Serialises as RFC 3339 in `+08:00`
/// (e.g. `2026-03-02T09:15:00+08:00`), the canonical form the digest is computed over.
/// Deserialises from RFC 3339 with any explicit offset, or from GB/T 39046's
/// `YYYYMMDDThhmmss` (implied `+08:00`). Anything else is a malformed record.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// The same instant, in China Standard Time.
    pub fn new(dt: DateTime<FixedOffset>) -> Self {
        Timestamp(dt.with_timezone(&cst()))
    }

    /// From seconds since the Unix epoch.
    pub fn from_unix(secs: i64) -> Option<Self> {
        DateTime::<Utc>::from_timestamp(secs, 0).map(|d| Timestamp(d.with_timezone(&cst())))
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.0.timestamp()
    }

    /// Parses RFC 3339 (offset required) or `YYYYMMDDThhmmss` (CST).
    pub fn parse(s: &str) -> Result<Self, String> {
        if let Some(t) = Self::parse_canonical(s) {
            return Ok(t);
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(Timestamp::new(dt));
        }
        if s.len() == 15 && s.as_bytes()[8] == b'T' {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S") {
                if let Some(dt) = cst().from_local_datetime(&naive).single() {
                    return Ok(Timestamp(dt));
                }
            }
        }
        Err(format!(
            "bad timestamp {s:?}: expected RFC 3339 with an offset (2026-03-02T09:15:00+08:00) or YYYYMMDDThhmmss"
        ))
    }

    /// The canonical text: RFC 3339 in `+08:00`, fractional seconds only when present.
    pub fn to_rfc3339(&self) -> String {
        match self.canonical() {
            Some(buf) => String::from_utf8_lossy(&buf).into_owned(),
            None => self
                .0
                .with_timezone(&cst())
                .to_rfc3339_opts(SecondsFormat::AutoSi, false),
        }
    }

    /// The fast path of [`Timestamp::parse`] for the form the feed writes,
    /// `YYYY-MM-DDThh:mm:ss+08:00` (a record carries ~15 of them): the same instant chrono's
    /// RFC 3339 parser gives; `None` for anything else (then the general parser decides).
    fn parse_canonical(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 25 || &b[19..] != b"+08:00" {
            return None;
        }
        for (i, &c) in b[..19].iter().enumerate() {
            let ok = match i {
                4 | 7 => c == b'-',
                10 => c == b'T',
                13 | 16 => c == b':',
                _ => c.is_ascii_digit(),
            };
            if !ok {
                return None;
            }
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'))
        };
        let date = NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))?;
        // Seconds 00-59 only: a leap second (60) goes the general way.
        let local = date.and_hms_opt(num(11..13), num(14..16), num(17..19))?;
        cst().from_local_datetime(&local).single().map(Timestamp)
    }

    /// [`Timestamp::to_rfc3339`] without chrono's formatter or an allocation, for whole
    /// seconds in years 0000-9999 (every instant the feed writes); `None` otherwise.
    fn canonical(&self) -> Option<[u8; 25]> {
        if self.0.timestamp_subsec_nanos() != 0 {
            return None;
        }
        let local = self.0.timestamp() + 8 * 3600;
        let (days, sod) = (local.div_euclid(86_400), local.rem_euclid(86_400) as u32);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return None;
        }
        let mut buf = *b"0000-00-00T00:00:00+08:00";
        let mut put = |at: usize, width: usize, mut v: u32| {
            for i in (at..at + width).rev() {
                buf[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, year as u32);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, sod / 3600);
        put(14, 2, sod / 60 % 60);
        put(17, 2, sod % 60);
        Some(buf)
    }
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(dt: DateTime<FixedOffset>) -> Self {
        Timestamp::new(dt)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.canonical() {
            Some(buf) => f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?),
            None => f.write_str(&self.to_rfc3339()),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.canonical() {
            Some(buf) => s.serialize_str(
                std::str::from_utf8(&buf).map_err(|_| serde::ser::Error::custom("timestamp"))?,
            ),
            None => s.serialize_str(&self.to_rfc3339()),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// chrono's own path, which the fast paths must equal.
    fn chrono_text(t: &Timestamp) -> String {
        t.0.with_timezone(&cst())
            .to_rfc3339_opts(SecondsFormat::AutoSi, false)
    }

    fn chrono_parse(s: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(s).ok().map(Timestamp::new)
    }

    #[test]
    fn the_fast_paths_agree_with_chrono_on_every_kind_of_instant() {
        // Midnights, leap days, year ends and a spread of instants 1970..2100 (xorshift).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut instants: Vec<i64> = vec![
            0,
            -8 * 3600,
            951_782_400,   // 2000-02-29T08:00:00+08:00
            1_709_136_000, // 2024-02-28T16:00:00Z
            1_735_660_799, // 2024-12-31T23:59:59+08:00 minus 8h
            4_102_415_999,
            -2_208_988_800,  // 1900
            -62_135_596_800, // 0001-01-01T00:00:00Z
            -62_167_219_200, // 0000-01-01T00:00:00Z
            -62_167_248_000, // a year -1 instant in +08:00 (chrono's form)
            253_402_271_999, // 9999-12-31T23:59:59+08:00
            253_402_300_799, // year 10000 in +08:00 (chrono's form)
        ];
        for _ in 0..5_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            instants.push(-((x % 62_167_219_200) as i64));
        }
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            instants.push((x % 4_102_444_800) as i64);
        }
        for secs in instants {
            let t = Timestamp::from_unix(secs).unwrap();
            let text = chrono_text(&t);
            assert_eq!(t.to_rfc3339(), text);
            assert_eq!(t.to_string(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
            // Years outside 0000-9999 have a sign and more digits: the general parser's.
            let fast = (text.len() == 25).then_some(t);
            assert_eq!(Timestamp::parse_canonical(&text), fast, "{text}");
            assert_eq!(Timestamp::parse(&text).ok(), chrono_parse(&text), "{text}");
            if text.len() == 25 {
                assert_eq!(Timestamp::parse(&text).map(|t| t.unix()), Ok(secs));
            }
        }
        // Sub-second instants keep chrono's form.
        let t =
            Timestamp::new(DateTime::parse_from_rfc3339("2026-03-02T09:15:00.250+08:00").unwrap());
        assert_eq!(t.to_rfc3339(), "2026-03-02T09:15:00.250+08:00");
    }

    #[test]
    fn what_the_fast_parser_refuses_is_left_to_chrono_with_the_same_outcome() {
        for s in [
            "2026-02-29T09:00:00+08:00", // not a leap year
            "2024-02-29T09:00:00+08:00",
            "2026-13-01T09:00:00+08:00",
            "2026-00-10T09:00:00+08:00",
            "2026-04-31T09:00:00+08:00",
            "2026-03-02T24:00:00+08:00",
            "2026-03-02T23:60:00+08:00",
            "2026-06-30T23:59:60+08:00", // leap second: chrono's business
            "2026-03-02t09:15:00+08:00",
            "2026-03-02 09:15:00+08:00",
            "2026-03-02T09:15:00+0800",
            "2026-03-02T09:15:00+00:00",
            "2026-03-02T09:15:00Z",
            "2026-03-02T09:15:0a+08:00",
            "+2026-03-02T09:15:00+08:0",
            "２０２６-03-02T09:15:00+08:00",
        ] {
            if let Some(fast) = Timestamp::parse_canonical(s) {
                assert_eq!(Some(fast), chrono_parse(s), "{s}");
            }
            // The compact GB/T form is the only other text accepted; none of these is one.
            assert_eq!(Timestamp::parse(s).ok(), chrono_parse(s), "{s}");
        }
    }
}
