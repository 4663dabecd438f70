//! Turning one page's raw records into rows ready for the writer (runs on the fetch side, so
//! JSON parsing and validation overlap with the database writes).

use std::ops::Range;

use jiancha_protocol::{
    validate_with_data, Case, CaseStatus, CaseType, Entity, ItemType, Level, LimitUnit, Malformed,
    Satisfaction,
};

/// One record of a page, prepared for the writer.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // malformed records are rare
pub(crate) enum Prepared {
    /// A valid record: the entity and where its `data` object lies in the page's body.
    Valid {
        seq: i64,
        reported_at: i64,
        entity: Entity,
        payload: Range<usize>,
    },
    /// A valid case record, reduced to the columns the writer needs (the parsed tree is
    /// dropped on the fetch side: it is several times the size of the payload).
    Case {
        seq: i64,
        reported_at: i64,
        row: CaseRow,
        payload: Range<usize>,
    },
    /// A malformed record: what was wrong and the exact raw text.
    Malformed {
        malformed: Malformed,
        dept_id: Option<String>,
        raw: String,
    },
}

/// A page ready to apply: its records, whose payloads are ranges of `body` (the page as
/// received), so a payload is copied once, into SQLite, not into a string of its own first.
#[derive(Debug)]
pub(crate) struct PreparedPage {
    pub body: String,
    pub records: Vec<Prepared>,
    pub next_cursor: String,
    pub bytes: u64,
}

/// Prepares the record at `range` of the page `body`.
pub(crate) fn prepare_record(body: &str, range: Range<usize>) -> Prepared {
    let text = &body[range];
    match validate_with_data(text) {
        Ok((rec, data)) => {
            // Store the `data` object exactly as received (the digest and the clock re-read it
            // through the protocol's types): a slice of the record, not a re-serialisation.
            let start = data.as_ptr() as usize - body.as_ptr() as usize;
            let payload = start..start + data.len();
            let reported_at = rec.reported_at.unix();
            match rec.entity {
                Entity::Case(c) => Prepared::Case {
                    seq: rec.seq as i64,
                    reported_at,
                    row: CaseRow::new(&c, reported_at),
                    payload,
                },
                entity => Prepared::Valid {
                    seq: rec.seq as i64,
                    reported_at,
                    entity,
                    payload,
                },
            }
        }
        Err(malformed) => Prepared::Malformed {
            dept_id: guess_department(text),
            malformed,
            raw: text.to_owned(),
        },
    }
}

/// Best effort: which department a malformed record belongs to (for its per-department
/// status). Only reads what is readable; never fails.
fn guess_department(raw: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(raw).ok()?;
    let data = v.get("data")?;
    for key in ["department_id", "target_department_id"] {
        if let Some(s) = data.get(key).and_then(|s| s.as_str()) {
            return Some(s.to_owned());
        }
    }
    if v.get("type").and_then(|t| t.as_str()) == Some("department") {
        return data.get("id").and_then(|s| s.as_str()).map(str::to_owned);
    }
    None
}

pub(crate) fn status_code(s: CaseStatus) -> &'static str {
    use CaseStatus::*;
    match s {
        Received => "1",
        Cancelled => "2",
        Accepted => "3",
        NotAccepted => "4",
        Refused => "5",
        CorrectionStarted => "6",
        CorrectionEnded => "7",
        Processing => "8",
        SpecialStarted => "9",
        SpecialEnded => "10",
        CompletedApproved => "11",
        CompletedConditional => "12",
        CompletedRejected => "13",
        Withdrawn => "14",
        Revoked => "15",
    }
}

/// States after which the case's clock has stopped for good.
pub(crate) fn status_is_final(s: CaseStatus) -> bool {
    use CaseStatus::*;
    matches!(
        s,
        Cancelled
            | NotAccepted
            | Refused
            | CompletedApproved
            | CompletedConditional
            | CompletedRejected
            | Withdrawn
            | Revoked
    )
}

pub(crate) fn case_type_code(t: CaseType) -> &'static str {
    match t {
        CaseType::Immediate => "1",
        CaseType::Promised => "2",
        CaseType::Other => "9",
    }
}

pub(crate) fn item_type_code(t: ItemType) -> &'static str {
    use ItemType::*;
    match t {
        Licensing => "01",
        Penalty => "02",
        Enforcement => "03",
        Levy => "04",
        Benefit => "05",
        Inspection => "06",
        Confirmation => "07",
        Reward => "08",
        Adjudication => "09",
        Other => "10",
        PublicService => "20",
    }
}

pub(crate) fn unit_code(u: LimitUnit) -> &'static str {
    match u {
        LimitUnit::G => "G",
        LimitUnit::Z => "Z",
    }
}

pub(crate) fn level_code(l: Level) -> &'static str {
    match l {
        Level::City => "city",
        Level::County => "county",
    }
}

pub(crate) fn satisfaction_code(s: Satisfaction) -> i64 {
    use Satisfaction::*;
    match s {
        VerySatisfied => 1,
        Satisfied => 2,
        Fair => 3,
        Dissatisfied => 4,
        VeryDissatisfied => 5,
    }
}

/// What the writer needs of a case version.
#[derive(Debug)]
pub(crate) struct CaseRow {
    pub id: String,
    pub department_id: String,
    pub item_code: String,
    pub case_type: &'static str,
    pub status: &'static str,
    pub classified: bool,
    pub applied_at: i64,
    pub promised_value: u32,
    pub promised_unit: &'static str,
    pub cols: CaseCols,
    /// Impossible orders of events (Art. A9(2)(8)), see [`impossible_sequences`].
    pub impossible: Vec<(&'static str, String)>,
}

impl CaseRow {
    pub fn new(c: &Case, reported_at: i64) -> CaseRow {
        CaseRow {
            id: c.id.clone(),
            department_id: c.department_id.clone(),
            item_code: c.item_code.clone(),
            case_type: case_type_code(c.case_type),
            status: status_code(c.status),
            classified: c.classified,
            applied_at: c.application.applied_at.unix(),
            promised_value: c.promised_limit.value,
            promised_unit: unit_code(c.promised_limit.unit),
            cols: case_cols(c, reported_at),
            impossible: impossible_sequences(c),
        }
    }
}

/// The columns of `cases` derived from a case version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseCols {
    pub accepted_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub closed_at: Option<i64>,
}

pub(crate) fn case_cols(c: &Case, reported_at: i64) -> CaseCols {
    let accepted_at = c.acceptance.as_ref().map(|a| a.accepted_at.unix());
    let completed_at = c.completion.as_ref().map(|a| a.completed_at.unix());
    let closed_at = completed_at
        .or_else(|| c.withdrawal.as_ref().map(|w| w.withdrawn_at.unix()))
        .or_else(|| c.rejection.as_ref().map(|r| r.rejected_at.unix()))
        .or_else(|| status_is_final(c.status).then_some(reported_at));
    CaseCols {
        accepted_at,
        completed_at,
        closed_at,
    }
}

/// Impossible orders of events in one case version (Art. A9(2)(8)): each is `(what, detail)`.
pub(crate) fn impossible_sequences(c: &Case) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let applied = c.application.applied_at;
    if let Some(a) = &c.acceptance {
        if a.accepted_at < applied {
            out.push((
                "accepted_before_applied",
                format!("受理时间 {} 早于申请时间 {}", a.accepted_at, applied),
            ));
        }
        if let Some(done) = &c.completion {
            if done.completed_at < a.accepted_at {
                out.push((
                    "completed_before_accepted",
                    format!(
                        "办结时间 {} 早于受理时间 {}",
                        done.completed_at, a.accepted_at
                    ),
                ));
            }
        }
    }
    for (n, p) in c.corrections.iter().enumerate() {
        if let Some(end) = p.ended_at {
            if end < p.started_at {
                out.push((
                    "correction_ends_before_start",
                    format!("第{}次补正结束 {} 早于开始 {}", n + 1, end, p.started_at),
                ));
            }
        }
    }
    for (n, p) in c.special_procedures.iter().enumerate() {
        if let Some(end) = p.ended_at {
            if end < p.started_at {
                out.push((
                    "special_ends_before_start",
                    format!(
                        "第{}个特别程序结束 {} 早于开始 {}",
                        n + 1,
                        end,
                        p.started_at
                    ),
                ));
            }
        }
    }
    out
}
