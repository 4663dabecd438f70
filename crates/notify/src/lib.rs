//! Notices to handlers (Art. B6): the pluggable SMS gateway and its HTTP adapter, message
//! templates, quiet hours, the escalation chain, and the stored record of every SMS,
//! delivery receipt and failure, the notices directory and the dispatcher's skips.
//! Decisions: docs/sms.md; code map: docs/architecture-notes/notify.md.
//!
//! Pure parts ([`next_send_instant`], [`next_escalation`], [`MessageTemplate`]) never read
//! the wall clock: the instant is passed in. IO parts: [`HttpSmsGateway`] (async HTTP, no
//! database), [`db`] (this crate's tables: the only SQL for them anywhere) and [`outbox`]
//! (the dispatcher's synchronous steps over `jiancha_store::Db`).

pub mod db;
mod error;
pub mod escalation;
pub mod gateway;
pub mod outbox;
pub mod quiet;
pub mod template;
#[cfg(any(test, feature = "test-gateway"))]
pub mod test_gateway;

#[cfg(test)]
mod tests;

pub use db::contacts::{Contact, ImportCounts, NewContact};
pub use db::messages::{DueSms, SmsEvent, SmsEventKind, SmsRecord, SmsState};
pub use db::skips::Skip;
pub use error::NotifyError;
pub use escalation::{
    add_working_time, next_escalation, ContactRole, Delay, Escalation, EscalationPolicy,
    EscalationStep, NoticeAttempt,
};
pub use gateway::{
    form_encode, parse_delivery_reports, BodyFormat, BoxFuture, Credentials, DeliveryReport,
    DeliveryStatus, HttpSmsConfig, HttpSmsGateway, SendReceipt, SmsError, SmsGateway, SmsRequest,
    WireFields,
};
pub use outbox::{NewSms, SendOutcome};
pub use quiet::{cst_instant, may_send_at, next_send_instant, QuietPolicy, QuietPolicyError};
pub use template::{MessageTemplate, TemplateError, DEFAULT_WARNING_TEMPLATE};
