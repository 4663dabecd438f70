//! The workflow settings as values: the one settings type of the workflow
//! ([`WorkflowSettings`]), its keys, their validation, and [`load`] over the store's settings
//! API (namespace `workflow`). Imports nothing from `auth`, which reads the idle time and the
//! approval age from here; changing a setting (admin only, audited) is `crate::settings::set`.
//! Re-exported by `crate::settings`.

use jiancha_store::rusqlite::Connection;
use jiancha_store::settings;

use crate::{Result, WorkflowError};

/// Deadlines of the red-card steps, in working days from the day the step was entered
/// (Art. B8; the measures set none, so these are **[decision]** defaults, configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedCardDeadlines {
    /// Leader's approval of the investigation.
    pub approval: u32,
    /// Choosing direct investigation or issuing the 初步调查通知书 after approval.
    pub route: u32,
    /// Findings of the preliminary investigation (15, as complaint checks, Art. C5).
    pub investigation: u32,
    /// The center's proposal (初核了结 / 立案调查) after the findings.
    pub proposal: u32,
    /// The decision of the standing committee / office meeting.
    pub decision: u32,
    /// Handing a formal case over, or closing after the check.
    pub conclusion: u32,
    /// Filing the closed matter (建档备查, Art. B9).
    pub filing: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowSettings {
    /// 效能告诫书 number prefix, e.g. `新监效告` → `新监效告〔2026〕12号`.
    pub admonition_prefix: String,
    /// 初步调查通知书 number prefix.
    pub investigation_prefix: String,
    /// Working days the unit has to report its rectification in writing (Art. B9).
    pub rectification_days: u32,
    /// The rectification deadline's warning starts this many working days before it.
    pub rectification_warning_lead: u32,
    pub red: RedCardDeadlines,
    /// Minutes without activity after which a session locks.
    pub idle_timeout_minutes: u32,
    /// How long a leader's verified approval stays usable, in seconds.
    pub approval_max_age_secs: u32,
}

impl Default for WorkflowSettings {
    fn default() -> Self {
        WorkflowSettings {
            admonition_prefix: "新监效告".into(),
            investigation_prefix: "新监初调".into(),
            rectification_days: 10,
            rectification_warning_lead: 2,
            red: RedCardDeadlines {
                approval: 2,
                route: 2,
                investigation: 15,
                proposal: 5,
                decision: 10,
                conclusion: 5,
                filing: 5,
            },
            idle_timeout_minutes: 15,
            approval_max_age_secs: 300,
        }
    }
}

/// Every setting key, its meaning and bounds.
pub const KEYS: &[(&str, &str)] = &[
    ("admonition.prefix", "效能告诫书文号前缀"),
    ("investigation.prefix", "初步调查通知书文号前缀"),
    ("rectification.days", "整改报告期限（工作日）"),
    ("rectification.warning_lead", "整改期限预警提前（工作日）"),
    ("red.days.approval", "红牌：领导审批期限（工作日）"),
    ("red.days.route", "红牌：确定调查方式期限（工作日）"),
    ("red.days.investigation", "红牌：初步调查期限（工作日）"),
    ("red.days.proposal", "红牌：提出建议期限（工作日）"),
    ("red.days.decision", "红牌：研究决定期限（工作日）"),
    ("red.days.conclusion", "红牌：移送或了结期限（工作日）"),
    ("red.days.filing", "红牌：建档期限（工作日）"),
    ("session.idle_minutes", "会话空闲锁定（分钟）"),
    ("approval.max_age_secs", "领导审批凭证有效期（秒）"),
];

fn parse_days(key: &'static str, v: &str, min: u32, max: u32) -> Result<u32> {
    match v.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(WorkflowError::invalid(
            key,
            format!("须为 {min} 到 {max} 之间的整数 (got {v:?})"),
        )),
    }
}

fn parse_prefix(key: &'static str, v: &str) -> Result<String> {
    let t = v.trim();
    let bad = t.is_empty()
        || t.chars().count() > 16
        || t.chars()
            .any(|c| c.is_whitespace() || c.is_ascii_digit() || "〔〕[]号".contains(c));
    if bad {
        return Err(WorkflowError::invalid(
            key,
            format!("文号前缀须为 1–16 个字符，不含空白、数字、〔〕或“号” (got {v:?})"),
        ));
    }
    Ok(t.to_string())
}

/// Applies one key to a settings value (validating it).
pub(crate) fn apply(s: &mut WorkflowSettings, key: &str, v: &str) -> Result<()> {
    match key {
        "admonition.prefix" => s.admonition_prefix = parse_prefix("admonition.prefix", v)?,
        "investigation.prefix" => s.investigation_prefix = parse_prefix("investigation.prefix", v)?,
        "rectification.days" => s.rectification_days = parse_days("rectification.days", v, 1, 60)?,
        "rectification.warning_lead" => {
            s.rectification_warning_lead = parse_days("rectification.warning_lead", v, 0, 10)?
        }
        "red.days.approval" => s.red.approval = parse_days("red.days.approval", v, 1, 60)?,
        "red.days.route" => s.red.route = parse_days("red.days.route", v, 1, 60)?,
        "red.days.investigation" => {
            s.red.investigation = parse_days("red.days.investigation", v, 1, 60)?
        }
        "red.days.proposal" => s.red.proposal = parse_days("red.days.proposal", v, 1, 60)?,
        "red.days.decision" => s.red.decision = parse_days("red.days.decision", v, 1, 60)?,
        "red.days.conclusion" => s.red.conclusion = parse_days("red.days.conclusion", v, 1, 60)?,
        "red.days.filing" => s.red.filing = parse_days("red.days.filing", v, 1, 60)?,
        "session.idle_minutes" => {
            s.idle_timeout_minutes = parse_days("session.idle_minutes", v, 1, 480)?
        }
        "approval.max_age_secs" => {
            s.approval_max_age_secs = parse_days("approval.max_age_secs", v, 10, 3600)?
        }
        _ => {
            return Err(WorkflowError::invalid(
                "key",
                format!(
                    "未知设置项 {key:?} (known: {})",
                    KEYS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    }
    Ok(())
}

/// The settings in force (defaults for keys never set).
pub fn load(conn: &Connection) -> Result<WorkflowSettings> {
    let mut s = WorkflowSettings::default();
    for (k, v) in settings::load_all(conn, settings::WORKFLOW)? {
        apply(&mut s, &k, &v).map_err(|e| WorkflowError::Corrupt(format!("setting {k}: {e}")))?;
    }
    Ok(s)
}
