//! The notify crate's errors and their one classification onto the IPC codes.

use jiancha_error::{ApiError, ErrorCode};

use crate::gateway::SmsError;
use crate::template::TemplateError;

/// Errors of the stored side (the gateway's own errors are [`SmsError`]).
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Sms(#[from] SmsError),
    #[error("数据库错误 (database error): {0}")]
    Db(#[from] jiancha_store::rusqlite::Error),
    #[error("存储的短信记录损坏 (stored SMS record corrupt): {0}")]
    Corrupt(String),
}

impl From<TemplateError> for NotifyError {
    fn from(e: TemplateError) -> Self {
        NotifyError::Sms(SmsError::Template(e))
    }
}

/// What the request got wrong (a number, a template, the settings) is `invalid_input`; the
/// platform failing or refusing is `unavailable` (an external service); the message is the
/// error's own, Chinese first.
impl From<SmsError> for ApiError {
    fn from(e: SmsError) -> Self {
        let code = match &e {
            SmsError::InvalidPhone(_) | SmsError::Config(_) | SmsError::Template(_) => {
                ErrorCode::InvalidInput
            }
            SmsError::Auth { .. }
            | SmsError::Server { .. }
            | SmsError::Rejected { .. }
            | SmsError::Malformed { .. }
            | SmsError::Transport { .. }
            | SmsError::NoStatusEndpoint => ErrorCode::Unavailable,
        };
        ApiError::new(code, e.to_string())
    }
}

/// A gateway error as above; the database or a corrupt stored record is `internal`.
impl From<NotifyError> for ApiError {
    fn from(e: NotifyError) -> Self {
        match e {
            NotifyError::Sms(e) => e.into(),
            e @ (NotifyError::Db(_) | NotifyError::Corrupt(_)) => ApiError::internal(e),
        }
    }
}
