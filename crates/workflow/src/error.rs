//! The one error type of the workflow crate. Messages are Chinese first (they reach officers),
//! with the stable codes in parentheses so logs and tests can match them.

use jiancha_store::{rusqlite, StoreError};

use crate::role::{Action, Role};

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The state machine refuses the action in the current state.
    #[error("{workflow} {id} 当前状态为{state}，不能执行{action} (illegal transition: state {state_code} does not allow action {action_code})")]
    IllegalTransition {
        workflow: &'static str,
        id: String,
        state: String,
        state_code: &'static str,
        action: String,
        action_code: &'static str,
    },
    /// The signed-in role may not perform the action.
    #[error("权限不足：{role}不能{action_label} (forbidden: role {role_code} may not {action_code})", role = role.label(), action_label = action.label(), role_code = role.code(), action_code = action.code())]
    Forbidden { role: Role, action: Action },
    /// The session is locked (idle too long, or locked by hand); the password unlocks it.
    #[error("会话已锁定，请重新输入密码 (session locked: {reason})")]
    Locked { reason: &'static str },
    /// Unknown username, wrong password or deactivated account (deliberately not told apart).
    #[error("用户名或密码错误，或账户已停用 (bad credentials for {username:?})")]
    BadCredentials { username: String },
    /// An approval was attempted with credentials that are not a leader's.
    #[error("{username} 不是领导账户，不能审批 (approval requires a leader; {username:?} is {role})", role = role.code())]
    NotALeader { username: String, role: Role },
    /// The approval token is older than the configured maximum age.
    #[error("领导审批凭证已过期，请领导重新输入密码 (approval verified at {verified_at} is older than {max_age_secs}s at {now})")]
    StaleApproval {
        verified_at: String,
        now: String,
        max_age_secs: u32,
    },
    /// First-run setup refused because accounts already exist.
    #[error(
        "系统已有账户，不能再次初始化管理员 (first-run setup refused: {accounts} account(s) exist)"
    )]
    SetupRefused { accounts: i64 },
    #[error("找不到{what} {id} (not found: {what_code} {id})")]
    NotFound {
        what: &'static str,
        what_code: &'static str,
        id: String,
    },
    /// Bad input: names the field (in Chinese, with its code) and what was wrong with it. No
    /// "输入有误" prefix: the window shows the error code's own title before the message.
    #[error("{}（{field}）：{problem}", field_label(field))]
    Invalid {
        field: &'static str,
        problem: String,
    },
    /// A stored row could not be read back (a bug or a hand-edited database).
    #[error("数据库内容异常：{0} (corrupt stored data)")]
    Corrupt(String),
    #[error("密码哈希失败：{0} (password hashing failed)")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("数据库错误：{0} (database error)")]
    Sqlite(#[from] rusqlite::Error),
}

/// What kind of failure, for the edge to map onto its own error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCategory {
    InvalidInput,
    NotFound,
    /// Role not allowed, not a leader, or approval missing/stale.
    Forbidden,
    /// Bad credentials or locked session: sign in / unlock again.
    Unauthenticated,
    /// Not allowed in the current state (illegal transition, setup already done).
    Conflict,
    Internal,
}

impl WorkflowError {
    pub fn category(&self) -> ErrorCategory {
        use WorkflowError::*;
        match self {
            IllegalTransition { .. } | SetupRefused { .. } => ErrorCategory::Conflict,
            Forbidden { .. } | NotALeader { .. } | StaleApproval { .. } => ErrorCategory::Forbidden,
            Locked { .. } | BadCredentials { .. } => ErrorCategory::Unauthenticated,
            NotFound { .. } => ErrorCategory::NotFound,
            Invalid { .. } => ErrorCategory::InvalidInput,
            Corrupt(_) | Hashing(_) | Store(_) | Sqlite(_) => ErrorCategory::Internal,
        }
    }

    pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        WorkflowError::Invalid {
            field,
            problem: problem.into(),
        }
    }

    pub(crate) fn not_found(what: &'static str, what_code: &'static str, id: &str) -> Self {
        WorkflowError::NotFound {
            what,
            what_code,
            id: id.to_string(),
        }
    }
}

/// The one classification of a workflow error onto the IPC codes (an illegal transition is
/// `conflict`); the message is the error's own, Chinese first.
impl From<WorkflowError> for jiancha_error::ApiError {
    fn from(e: WorkflowError) -> Self {
        use jiancha_error::{ApiError, ErrorCode};
        let code = match e.category() {
            ErrorCategory::InvalidInput => ErrorCode::InvalidInput,
            ErrorCategory::NotFound => ErrorCode::NotFound,
            ErrorCategory::Forbidden => ErrorCode::Forbidden,
            ErrorCategory::Unauthenticated => ErrorCode::Unauthenticated,
            ErrorCategory::Conflict => ErrorCode::Conflict,
            ErrorCategory::Internal => {
                // Logged here, once, as the service's `internal()` did for it.
                tracing::error!(error = %e, "internal error");
                return ApiError::internal(e);
            }
        };
        ApiError::new(code, e.to_string())
    }
}

/// The Chinese name of an input field, as the forms label it (the code where none is known).
pub fn field_label(field: &str) -> &str {
    match field {
        "actor" => "操作人",
        "addressee" => "主送",
        "body" => "正文",
        "called_at" => "通话时间",
        "card_id" => "牌",
        "card_ids" => "所选黄牌",
        "case_id" => "办件编号",
        "date" => "日期",
        "days" => "天数",
        "decided_on" => "决定日期",
        "decision_doc" => "决定文书",
        "description" => "情况描述",
        "display_name" => "姓名",
        "evidence" => "证据材料",
        "findings" => "调查情况",
        "handler" => "承办人",
        "investigators" => "调查人员",
        "key" => "设置项",
        "kind" => "类别",
        "minutes_number" => "会议纪要编号",
        "note" => "备注",
        "password" => "密码",
        "phone" => "手机号码",
        "prefix" => "文号前缀",
        "reason" => "理由",
        "received_at" => "收到时间",
        "summary" => "案情摘要",
        "target_name" => "对象名称",
        "to" => "移交对象",
        "unit" => "单位",
        "username" => "用户名",
        "workstation" => "工作站",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12 item 6: a bad input names the field as the form labels it, once, with no
    /// duplicated "输入有误" (the window adds the code's title) and no English tail.
    #[test]
    fn an_invalid_input_names_the_field_in_chinese() {
        let e = crate::util::required("summary", "  ").unwrap_err();
        assert_eq!(e.to_string(), "案情摘要（summary）：不能为空");
        let e = WorkflowError::invalid("called_at", "时间格式错误");
        assert_eq!(e.to_string(), "通话时间（called_at）：时间格式错误");
        assert_eq!(field_label("no_such_field"), "no_such_field");
    }
}
