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
    /// Bad input: names the field and what was wrong with it.
    #[error("输入有误：{field}：{problem} (invalid {field})")]
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
