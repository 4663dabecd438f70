//! Timestamps on the wire: RFC 3339 with an explicit offset (the feed writes `+08:00`), and the
//! GB/T 39046-2020 compact form `YYYYMMDDThhmmss`, read as China Standard Time.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone, Utc};
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
        self.0
            .with_timezone(&cst())
            .to_rfc3339_opts(SecondsFormat::AutoSi, false)
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(dt: DateTime<FixedOffset>) -> Self {
        Timestamp::new(dt)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
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
