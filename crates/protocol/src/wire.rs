//! The envelope, pages, cursor, health and error bodies of `/v1/*`, and validation of one record.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::model::{Case, Complaint, Department, Evaluation, Item, Limit};
use crate::time::Timestamp;

/// The schema version this crate speaks (`MAJOR.MINOR`). Minor versions only add optional
/// fields; a client refuses a page whose major it does not know.
pub const SCHEMA_VERSION: &str = "1.0";
/// The schema major this crate accepts.
pub const SCHEMA_MAJOR: u32 = 1;
/// Page size when `limit` is absent.
pub const DEFAULT_PAGE_SIZE: u32 = 1000;
/// Largest page size a server honours; a larger `limit` is clamped to it.
pub const MAX_PAGE_SIZE: u32 = 5000;
/// 办件编号 is an..50.
pub const MAX_CASE_ID_LEN: usize = 50;
/// 实施编码 is an..24.
pub const MAX_ITEM_CODE_LEN: usize = 24;
/// Other keys (部门编码, 评价编号, 投诉编号).
pub const MAX_ID_LEN: usize = 64;
/// A limit above this many days is not a limit (malformed).
pub const MAX_LIMIT_DAYS: u32 = 3650;

/// The kind of entity a record carries (the envelope's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    /// A department with its discipline body.
    Department,
    /// An item of the catalogue.
    Item,
    /// A case with all its events.
    Case,
    /// An evaluation (满意度).
    Evaluation,
    /// A complaint (投诉).
    Complaint,
}

impl RecordType {
    /// The wire name (`department`, `item`, `case`, `evaluation`, `complaint`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Department => "department",
            RecordType::Item => "item",
            RecordType::Case => "case",
            RecordType::Evaluation => "evaluation",
            RecordType::Complaint => "complaint",
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The full current version of one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    /// 部门.
    Department(Department),
    /// 事项.
    Item(Item),
    /// 办件.
    Case(Box<Case>),
    /// 评价.
    Evaluation(Evaluation),
    /// 投诉.
    Complaint(Complaint),
}

impl Entity {
    /// The envelope `type` for this entity.
    pub fn record_type(&self) -> RecordType {
        match self {
            Entity::Department(_) => RecordType::Department,
            Entity::Item(_) => RecordType::Item,
            Entity::Case(_) => RecordType::Case,
            Entity::Evaluation(_) => RecordType::Evaluation,
            Entity::Complaint(_) => RecordType::Complaint,
        }
    }

    /// The entity's key (部门编码, 实施编码, 办件编号, 评价编号, 投诉编号).
    pub fn id(&self) -> &str {
        match self {
            Entity::Department(d) => &d.id,
            Entity::Item(i) => &i.code,
            Entity::Case(c) => &c.id,
            Entity::Evaluation(e) => &e.id,
            Entity::Complaint(c) => &c.id,
        }
    }

    /// The department the entity belongs to (for per-department status and silence checks).
    pub fn department_id(&self) -> &str {
        match self {
            Entity::Department(d) => &d.id,
            Entity::Item(i) => &i.department_id,
            Entity::Case(c) => &c.department_id,
            Entity::Evaluation(e) => &e.department_id,
            Entity::Complaint(c) => &c.target_department_id,
        }
    }
}

/// One record of the change feed: `{"seq","type","id","reported_at","data"}`.
///
/// `seq` increases with every change the feed publishes (the keyset cursor); `reported_at` is
/// when the department reported this version to the platform (上报时间, the exchange table's
/// sync metadata); `data` is the full current version of the entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The change's position in the feed (>= 1).
    pub seq: u64,
    /// 上报时间.
    pub reported_at: Timestamp,
    /// The entity.
    pub entity: Entity,
}

/// A record that has passed [`validate`].
pub type ValidRecord = Record;

impl Record {
    /// The envelope `type`.
    pub fn record_type(&self) -> RecordType {
        self.entity.record_type()
    }

    /// The entity key.
    pub fn id(&self) -> &str {
        self.entity.id()
    }

    /// Serialises the record as the feed sends it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("records serialise")
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Record", 5)?;
        st.serialize_field("seq", &self.seq)?;
        st.serialize_field("type", &self.record_type())?;
        st.serialize_field("id", self.id())?;
        st.serialize_field("reported_at", &self.reported_at)?;
        match &self.entity {
            Entity::Department(d) => st.serialize_field("data", d)?,
            Entity::Item(i) => st.serialize_field("data", i)?,
            Entity::Case(c) => st.serialize_field("data", c)?,
            Entity::Evaluation(e) => st.serialize_field("data", e)?,
            Entity::Complaint(c) => st.serialize_field("data", c)?,
        }
        st.end()
    }
}

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    seq: u64,
    #[serde(rename = "type")]
    record_type: RecordType,
    id: String,
    reported_at: Timestamp,
    #[serde(borrow)]
    data: &'a RawValue,
}

/// Why a record was rejected, with whatever of its envelope could still be read (for the
/// quarantine table; the caller keeps the raw payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// The envelope's `seq`, if it was a number.
    pub seq: Option<u64>,
    /// The envelope's `type`, if it was a string.
    pub record_type: Option<String>,
    /// The envelope's `id`, if it was a string.
    pub id: Option<String>,
    /// What was wrong, naming the field.
    pub reason: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed record")?;
        if let Some(seq) = self.seq {
            write!(f, " seq={seq}")?;
        }
        if let Some(t) = &self.record_type {
            write!(f, " type={t}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " id={id:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for Malformed {}

fn malformed(raw: &str, reason: String) -> Malformed {
    let v: Option<serde_json::Value> = serde_json::from_str(raw).ok();
    let get = |k: &str| v.as_ref().and_then(|v| v.get(k));
    Malformed {
        seq: get("seq").and_then(|s| s.as_u64()),
        record_type: get("type").and_then(|s| s.as_str()).map(str::to_owned),
        id: get("id").and_then(|s| s.as_str()).map(str::to_owned),
        reason,
    }
}

fn check_key(what: &str, key: &str, max: usize) -> Result<(), String> {
    if key.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if key.chars().count() > max {
        return Err(format!("{what} {key:?} is longer than {max} characters"));
    }
    if key.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "{what} {key:?} contains whitespace or control characters"
        ));
    }
    Ok(())
}

fn check_limit(what: &str, l: &Limit) -> Result<(), String> {
    if l.value == 0 || l.value > MAX_LIMIT_DAYS {
        return Err(format!(
            "{what} value {} is outside 1..={MAX_LIMIT_DAYS}",
            l.value
        ));
    }
    Ok(())
}

fn check_entity(e: &Entity) -> Result<(), String> {
    match e {
        Entity::Department(d) => {
            check_key("data.id", &d.id, MAX_ID_LEN)?;
            check_key("data.discipline_body.id", &d.discipline_body.id, MAX_ID_LEN)?;
            if d.name.trim().is_empty() {
                return Err("data.name is empty".into());
            }
        }
        Entity::Item(i) => {
            check_key("data.code", &i.code, MAX_ITEM_CODE_LEN)?;
            check_key("data.department_id", &i.department_id, MAX_ID_LEN)?;
            check_limit("data.statutory_limit", &i.statutory_limit)?;
            check_limit("data.promised_limit", &i.promised_limit)?;
        }
        Entity::Case(c) => {
            check_key("data.id", &c.id, MAX_CASE_ID_LEN)?;
            check_key("data.item_code", &c.item_code, MAX_ITEM_CODE_LEN)?;
            check_key("data.department_id", &c.department_id, MAX_ID_LEN)?;
            check_limit("data.promised_limit", &c.promised_limit)?;
            check_limit("data.statutory_limit", &c.statutory_limit)?;
            for (n, s) in c.special_procedures.iter().enumerate() {
                if let Some(l) = &s.limit {
                    check_limit(&format!("data.special_procedures[{n}].limit"), l)?;
                }
            }
        }
        Entity::Evaluation(ev) => {
            check_key("data.id", &ev.id, MAX_ID_LEN)?;
            check_key("data.case_id", &ev.case_id, MAX_CASE_ID_LEN)?;
            check_key("data.department_id", &ev.department_id, MAX_ID_LEN)?;
        }
        Entity::Complaint(c) => {
            check_key("data.id", &c.id, MAX_ID_LEN)?;
            check_key(
                "data.target_department_id",
                &c.target_department_id,
                MAX_ID_LEN,
            )?;
        }
    }
    Ok(())
}

/// Validates one record given as its raw JSON text (one element of a page's `records`).
///
/// Malformed (→ quarantine, never stored as data): not a JSON object; a missing or mistyped
/// required field; `seq` of 0; an unknown `type` or code-table value; a timestamp that is not
/// RFC 3339 with an offset nor `YYYYMMDDThhmmss`; an empty, over-long or whitespace-bearing
/// key; an envelope `id` different from the entity's key; a limit outside 1..=3650 days.
///
/// NOT malformed (valid data; the console raises integrity findings instead): events out of
/// order (completion before acceptance, a correction ending before it starts), timestamps in
/// the future, a special procedure outrunning its cap, a status code disagreeing with the events,
/// a version that rewrites an earlier version's timestamps, references to unknown departments
/// or items.
pub fn validate(raw: &str) -> Result<ValidRecord, Malformed> {
    validate_with_data(raw).map(|(r, _)| r)
}

/// [`validate`], also returning the record's `data` object exactly as received (a slice of
/// `raw`), so a client storing the payload verbatim does not parse the envelope twice.
pub fn validate_with_data(raw: &str) -> Result<(ValidRecord, &str), Malformed> {
    if let Some(valid) = validate_feed_order(raw) {
        return Ok(valid);
    }
    validate_general(raw)
}

/// The fast path of [`validate_with_data`] for a valid record written the way the feed (and
/// [`Record::to_json`]) writes it: `{"seq":N,"type":"…","id":"…","reported_at":"…","data":{…}}`
/// with no whitespace and no escapes in the envelope's strings. The envelope is read in place,
/// so `data` is scanned once (by its typed parse) instead of twice. `None` for anything else,
/// including every malformed record: the general path then decides, and words the reason.
fn validate_feed_order(raw: &str) -> Option<(ValidRecord, &str)> {
    // A string field's text up to its closing quote: no escapes, no control characters
    // (which JSON forbids raw), so the text is the value.
    fn plain(s: &str) -> Option<(&str, &str)> {
        let end = s.find('"')?;
        let v = &s[..end];
        if v.bytes().any(|b| b == b'\\' || b < 0x20) {
            return None;
        }
        Some((v, &s[end + 1..]))
    }
    let rest = raw.strip_prefix("{\"seq\":")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (n, rest) = rest.split_at(digits);
    if n.is_empty() || (n.len() > 1 && n.starts_with('0')) {
        return None; // JSON has no leading zeros
    }
    let seq: u64 = n.parse().ok().filter(|&s| s > 0)?;
    let (t, rest) = plain(rest.strip_prefix(",\"type\":\"")?)?;
    let record_type = match t {
        "department" => RecordType::Department,
        "item" => RecordType::Item,
        "case" => RecordType::Case,
        "evaluation" => RecordType::Evaluation,
        "complaint" => RecordType::Complaint,
        _ => return None,
    };
    let (id, rest) = plain(rest.strip_prefix(",\"id\":\"")?)?;
    let (reported, rest) = plain(rest.strip_prefix(",\"reported_at\":\"")?)?;
    let reported_at = Timestamp::parse(reported).ok()?;
    let data = rest.strip_prefix(",\"data\":")?.strip_suffix('}')?;
    // `data` must be exactly one object: its typed parse below rejects anything after it
    // but whitespace, and these two rule out surrounding whitespace.
    if !(data.starts_with('{') && data.ends_with('}')) {
        return None;
    }
    let entity = match record_type {
        RecordType::Department => Entity::Department(serde_json::from_str(data).ok()?),
        RecordType::Item => Entity::Item(serde_json::from_str(data).ok()?),
        RecordType::Case => Entity::Case(Box::new(serde_json::from_str(data).ok()?)),
        RecordType::Evaluation => Entity::Evaluation(serde_json::from_str(data).ok()?),
        RecordType::Complaint => Entity::Complaint(serde_json::from_str(data).ok()?),
    };
    check_entity(&entity).ok()?;
    if entity.id() != id {
        return None;
    }
    Some((
        Record {
            seq,
            reported_at,
            entity,
        },
        data,
    ))
}

/// [`validate_with_data`] for any record text: the envelope parsed by serde (any key order,
/// whitespace, escapes), then `data` by its type.
fn validate_general(raw: &str) -> Result<(ValidRecord, &str), Malformed> {
    let env: RawEnvelope<'_> =
        serde_json::from_str(raw).map_err(|e| malformed(raw, format!("envelope: {e}")))?;
    let fail = |reason: String| Malformed {
        seq: Some(env.seq),
        record_type: Some(env.record_type.as_str().to_owned()),
        id: Some(env.id.clone()),
        reason,
    };
    if env.seq == 0 {
        return Err(fail("seq must be >= 1".into()));
    }
    let data = env.data.get();
    let parse_err = |e: serde_json::Error| fail(format!("data: {e}"));
    let entity = match env.record_type {
        RecordType::Department => {
            Entity::Department(serde_json::from_str(data).map_err(parse_err)?)
        }
        RecordType::Item => Entity::Item(serde_json::from_str(data).map_err(parse_err)?),
        RecordType::Case => Entity::Case(Box::new(serde_json::from_str(data).map_err(parse_err)?)),
        RecordType::Evaluation => {
            Entity::Evaluation(serde_json::from_str(data).map_err(parse_err)?)
        }
        RecordType::Complaint => Entity::Complaint(serde_json::from_str(data).map_err(parse_err)?),
    };
    check_entity(&entity).map_err(&fail)?;
    if entity.id() != env.id {
        return Err(fail(format!(
            "envelope id {:?} differs from the entity's key {:?}",
            env.id,
            entity.id()
        )));
    }
    Ok((
        Record {
            seq: env.seq,
            reported_at: env.reported_at,
            entity,
        },
        data,
    ))
}

/// A keyset cursor: the `seq` of the last change the client holds (`0` = from the start).
/// Opaque on the wire (a decimal string today); clients store what `next_cursor` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cursor(pub u64);

impl Cursor {
    /// The start of the feed.
    pub const START: Cursor = Cursor(0);

    /// Parses the wire form; the empty string is the start.
    pub fn parse(s: &str) -> Result<Cursor, String> {
        if s.is_empty() {
            return Ok(Cursor::START);
        }
        s.parse::<u64>()
            .map(Cursor)
            .map_err(|_| format!("bad cursor {s:?}: expected the next_cursor of a previous page"))
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A page of `GET /v1/changes`. `records` are kept raw so each can be validated (and, when
/// malformed, quarantined with its exact payload) on its own; one bad record never fails a page.
///
/// Deserialise with `serde_json::from_slice::<Page>(&body)` (borrows from `body`).
#[derive(Debug, Serialize, Deserialize)]
pub struct Page<'a> {
    /// `MAJOR.MINOR`; check with [`check_schema_version`] before reading records.
    pub schema_version: String,
    /// The records, in feed order (normally ascending `seq`; see the doc for duplicates).
    #[serde(borrow)]
    pub records: Vec<&'a RawValue>,
    /// Where the next request starts (`after=next_cursor`). Store it with the records.
    pub next_cursor: String,
    /// More records are available right now.
    pub has_more: bool,
    /// Identifies the change log the seqs belong to (added in 1.0, optional). When it differs
    /// from the one stored with the client's cursor, the cursor means nothing here: resync
    /// from the start (keeping the history already stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_id: Option<String>,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// The server's schema version.
    pub schema_version: String,
    /// The highest `seq` published so far.
    pub latest_seq: u64,
    /// The server's (simulated) current time.
    pub server_time: Timestamp,
    /// See [`Page::feed_id`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_id: Option<String>,
}

/// The body of every non-2xx answer: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// See [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `cursor_expired`, `rate_limited`, `internal`, `unavailable`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

/// Checks a page's `schema_version`: the major must be [`SCHEMA_MAJOR`]; any minor is accepted.
pub fn check_schema_version(v: &str) -> Result<(), String> {
    let major = v.split('.').next().unwrap_or("");
    match major.parse::<u32>() {
        Ok(m) if m == SCHEMA_MAJOR => Ok(()),
        Ok(m) => Err(format!(
            "feed schema version {v} has major {m}; this console understands major {SCHEMA_MAJOR} only (升级工作台后再同步)"
        )),
        Err(_) => Err(format!("feed schema version {v:?} is not MAJOR.MINOR")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record as the simulator writes it (feed order, no whitespace).
    const CASE: &str = r#"{"seq":401,"type":"case","id":"370100-20250630-000002393","reported_at":"2025-06-30T09:25:00+08:00","data":{"id":"370100-20250630-000002393","item_code":"370100-26-005-D026","item_name":"户外广告设置许可","department_id":"D026","case_type":"2","status":"3","region_code":"370100","classified":false,"promised_limit":{"value":5,"unit":"G"},"statutory_limit":{"value":20,"unit":"G"},"application":{"applied_at":"2025-06-30T08:37:00+08:00","applicant_name":"刘**","applicant_kind":"1","source":"1"},"acceptance":{"accepted_at":"2025-06-30T09:12:00+08:00","accepted_by":"何明","document_no":"SL000002393"},"steps":[],"corrections":[],"special_procedures":[]}}"#;

    fn same_as_general(raw: &str) {
        let fast = validate_with_data(raw);
        let general = validate_general(raw);
        assert_eq!(fast, general, "{raw}");
    }

    #[test]
    fn the_feed_order_fast_path_reads_records_exactly_as_the_general_path() {
        let (rec, data) =
            validate_feed_order(CASE).expect("the feed's own form takes the fast path");
        assert_eq!(Ok((rec.clone(), data)), validate_general(CASE));
        assert!(data.starts_with("{\"id\"") && data.ends_with("\"special_procedures\":[]}"));
        // What the protocol crate writes takes it too.
        assert!(validate_feed_order(&rec.to_json()).is_some());

        let sub = |from: &str, to: &str| {
            assert!(CASE.contains(from), "{from}");
            CASE.replacen(from, to, 1)
        };
        let variants = [
            sub("\"seq\":401", "\"seq\":0"),
            sub("\"seq\":401", "\"seq\":0401"),
            sub("\"seq\":401", "\"seq\":-401"),
            sub("\"seq\":401", "\"seq\":401.0"),
            sub("\"seq\":401", "\"seq\":99999999999999999999999"),
            sub("\"seq\":401", "\"seq\":\"401\""),
            sub("\"type\":\"case\"", "\"type\":\"invoice\""),
            sub("\"type\":\"case\"", "\"type\":\"ca\\u0073e\""),
            sub("\"id\":\"370100", "\"id\":\"x370100"),
            sub("\"id\":\"370100", "\"id\":\"\\u003370100"),
            sub("\"id\":\"370100", "\"id\":\"\t370100"),
            sub(
                "\"reported_at\":\"2025-06-30T09:25:00+08:00\"",
                "\"reported_at\":\"20250630T092500\"",
            ),
            sub(
                "\"reported_at\":\"2025-06-30T09:25:00+08:00\"",
                "\"reported_at\":\"2025-06-31T09:25:00+08:00\"",
            ),
            sub(
                "\"reported_at\":\"2025-06-30T09:25:00+08:00\"",
                "\"reported_at\":\"2025-06-30T09:25:00Z\"",
            ),
            sub("\"data\":{", "\"data\": {"),
            sub("\"data\":{", "\"data\":[{"),
            sub("\"status\":\"3\"", "\"status\":\"99\""),
            sub("\"status\":\"3\"", "\"status\":\"3\",\"status\":\"3\""),
            sub("\"value\":5,", "\"value\":0,"),
            sub(
                "\"special_procedures\":[]}}",
                "\"special_procedures\":[]},\"x\":1}",
            ),
            sub(
                "\"special_procedures\":[]}}",
                "\"special_procedures\":[]} }",
            ),
            sub(
                "\"special_procedures\":[]}}",
                "\"special_procedures\":[]}}\n",
            ),
            sub("\"special_procedures\":[]}}", "\"special_procedures\":[]}"),
            sub(
                "\"special_procedures\":[]}}",
                "\"special_procedures\":[]}}}",
            ),
            format!("{} ", CASE),
            CASE[..CASE.len() / 2].to_owned(),
        ];
        for raw in &variants {
            same_as_general(raw);
        }
        // Valid variants the fast path leaves to the general one still validate.
        assert!(validate_with_data(&variants[11]).is_ok());
        assert!(validate_with_data(&variants[14]).is_ok());
        assert!(validate_with_data(&variants[19]).is_ok());
        assert!(validate_with_data(&variants[8]).is_err());
    }
}
