//! Notices to handlers (Art. B6): the pluggable SMS gateway and its HTTP adapter, message
//! templates, quiet hours, the escalation chain, and the stored record of every SMS,
//! delivery receipt and failure. Decisions: docs/sms.md; code map:
//! docs/architecture-notes/notify.md.
//!
//! Pure parts ([`next_send_instant`], [`next_escalation`], [`MessageTemplate`]) never read
//! the wall clock: the instant is passed in. IO parts: [`HttpSmsGateway`] (HTTP) and
//! [`store`] (SQLite through `jiancha_store::Db`).

pub mod escalation;
pub mod gateway;
pub mod quiet;
pub mod store;
pub mod template;
#[cfg(any(test, feature = "test-gateway"))]
pub mod test_gateway;

#[cfg(test)]
mod tests;

pub use escalation::{
    add_working_time, next_escalation, Delay, Escalation, EscalationPolicy, EscalationStep,
    NoticeAttempt, Role,
};
pub use gateway::{
    form_encode, parse_delivery_reports, BodyFormat, BoxFuture, Credentials, DeliveryReport,
    DeliveryStatus, HttpSmsConfig, HttpSmsGateway, SendReceipt, SmsError, SmsGateway, SmsRequest,
    WireFields,
};
pub use quiet::{cst_instant, may_send_at, next_send_instant, QuietPolicy, QuietPolicyError};
pub use store::{NewSms, SendOutcome, SmsEvent, SmsEventKind, SmsRecord, SmsState};
pub use template::{MessageTemplate, TemplateError, DEFAULT_WARNING_TEMPLATE};

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
