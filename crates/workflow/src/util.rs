//! Small shared pieces: instants and dates as stored text, ids, attachments, input checks.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::{NoContext, Timestamp, Uuid};

use crate::{Result, WorkflowError};

/// China Standard Time (UTC+8): working days and letter years are CST dates.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The CST calendar date of an instant.
pub fn cst_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&cst()).date_naive()
}

/// Instants are stored as RFC 3339 UTC text with milliseconds (`2026-03-02T01:30:00.000Z`):
/// sortable as text and exact.
pub fn fmt_instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_instant(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| WorkflowError::Corrupt(format!("bad stored instant {s:?}: {e}")))
}

pub(crate) fn parse_opt_instant(s: Option<String>) -> Result<Option<DateTime<Utc>>> {
    s.map(|s| parse_instant(&s)).transpose()
}

pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| WorkflowError::Corrupt(format!("bad stored date {s:?}: {e}")))
}

pub(crate) fn parse_opt_date(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.map(|s| parse_date(&s)).transpose()
}

/// A new UUIDv7 whose timestamp is `at` (the instant passed in, never the wall clock); the
/// remaining 74 bits are random from the OS (`uuid`'s `v7` feature). Ids are unique across
/// workstations and sort roughly by creation instant.
pub fn new_id(at: DateTime<Utc>) -> String {
    let secs = u64::try_from(at.timestamp()).unwrap_or(0);
    let ts = Timestamp::from_unix(NoContext, secs, at.timestamp_subsec_nanos());
    Uuid::new_v7(ts).to_string()
}

/// Trims and requires a non-empty text field.
pub(crate) fn required(field: &'static str, v: &str) -> Result<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(WorkflowError::invalid(field, "不能为空"));
    }
    Ok(t.to_string())
}

pub(crate) fn optional(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A document kept with a workflow record: a name, where the file lives and its SHA-256, so
/// the file can be checked later (the path may move; the hash identifies the content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl Attachment {
    /// Reads the file and hashes it (this is IO: call it at the edge, before the operation).
    pub fn from_file(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        Ok(Attachment {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        })
    }

    pub(crate) fn validate(&self, field: &'static str) -> Result<()> {
        if self.name.trim().is_empty() || self.path.trim().is_empty() {
            return Err(WorkflowError::invalid(
                field,
                "附件须有名称和路径 (attachment needs a name and a path)",
            ));
        }
        let ok = self.sha256.len() == 64
            && self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !ok {
            return Err(WorkflowError::invalid(
                field,
                format!(
                    "附件 {} 的 SHA-256 须为 64 位小写十六进制 (got {:?})",
                    self.name, self.sha256
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ids_carry_the_passed_instant_and_are_unique() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let a = new_id(at);
        let b = new_id(at);
        assert_ne!(a, b);
        let u = Uuid::parse_str(&a).unwrap();
        assert_eq!(u.get_version_num(), 7);
        let (secs, _) = u.get_timestamp().unwrap().to_unix();
        assert_eq!(secs as i64, at.timestamp());
    }

    #[test]
    fn cst_date_crosses_midnight_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 3, 1, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap();
        assert_eq!(
            cst_date(before),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert_eq!(
            cst_date(after),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
    }

    #[test]
    fn attachment_hash_is_checked() {
        let mut a = Attachment {
            name: "r.pdf".into(),
            path: "/x/r.pdf".into(),
            sha256: "0".repeat(64),
        };
        assert!(a.validate("f").is_ok());
        a.sha256 = "XYZ".into();
        assert!(matches!(
            a.validate("f"),
            Err(WorkflowError::Invalid { field: "f", .. })
        ));
    }
}
