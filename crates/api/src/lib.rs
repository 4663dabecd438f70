//! IPC data transfer objects shared with the UI, and the `{code, message}` error.
//!
//! Every type here derives `ts_rs::TS`; `cargo test -p jiancha-api` regenerates
//! `ui/src/bindings/` and fails when the committed file differs (see `tests/bindings.rs`).
//! Only this crate and the app shell know these shapes; domain crates never see them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An enum of stable codes: serialized as the code, TypeScript as the union of the codes,
/// with `ALL` and `code()`. The codes are the workflow crate's (`crates/service/src/commands`
/// tests check that both sides list the same ones).
macro_rules! code_enum {
    (
        $(#[$m:meta])*
        pub enum $name:ident { $( $(#[$vm:meta])* $var:ident = $code:literal ),+ $(,)? }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum $name {
            $( $(#[$vm])* #[serde(rename = $code)] $var ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The code this variant crosses IPC (and is stored) as.
            pub fn code(self) -> &'static str {
                match self { $( $name::$var => $code ),+ }
            }

            /// The variant whose code is `code`.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $( $code => Some($name::$var), )+ _ => None }
            }
        }

        impl $crate::Code for $name {
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn from_code(code: &str) -> Option<$name> {
                $name::from_code(code)
            }
        }

        /// A variant equals its code (`dto.state == "approved"`).
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.code() == *other
            }
        }
    };
}

/// An enum that crosses IPC (and is stored) as a fixed code (every `code_enum!`).
pub trait Code: Copy + Sized + 'static {
    /// The code this variant crosses IPC as.
    fn code(self) -> &'static str;
    /// The variant whose code is `code`.
    fn from_code(code: &str) -> Option<Self>;
}

pub mod commands;
pub mod queues;

pub mod settings;
pub mod sms;
pub mod sync;

pub mod auth;
pub mod letters;

pub mod calendar;

pub use commands::{commands_ts, Handlers, COMMANDS};
pub use jiancha_error::{ApiError, ErrorCode};

/// A record by its id (`letters_admonition_get`, `letters_red_get`).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct IdRequest {
    pub id: String,
}

/// What the console shows about itself (the title bar, the settings screen).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// Path of the SQLite cache in use.
    pub db_path: String,
    /// The feed the console syncs from (the embedded simulator's loopback URL by default).
    pub feed_url: String,
    /// True when the feed is the built-in demo simulator.
    pub demo_feed: bool,
    /// Schema version of the cache.
    #[ts(type = "number")]
    pub schema_version: i64,
}

/// Every IPC type, as `(file name, TypeScript source)`: what `ui/src/bindings/` must hold,
/// with `commands.ts` (the command map, [`commands_ts`]). Add each new DTO here;
/// `tests/bindings.rs` fails when the committed files drift.
pub fn bindings() -> Vec<(String, String)> {
    macro_rules! all {
        ($($t:ty),* $(,)?) => {
            vec![$((
                format!("{}.ts", <$t as TS>::name()),
                <$t as TS>::export_to_string().expect("ts-rs export"),
            )),*]
        };
    }
    let mut files = all![
        ApiError,
        ErrorCode,
        AppInfo,
        IdRequest,
        queues::CardLevel,
        queues::PageRequest,
        queues::QueueFilter,
        queues::RowClock,
        queues::CardRow,
        queues::CardPage,
        queues::QueueCounts,
        queues::FindingFilter,
        queues::FindingRow,
        queues::FindingPage,
        queues::RegionNode,
        queues::DeptNode,
        queues::ItemOption,
        queues::CaseDetail,
        queues::CaseFact,
        queues::TimelineEvent,
        queues::TimelineDay,
        queues::CaseClockView,
        queues::SignalEvent,
        queues::CaseVersionRow,
        queues::Dashboard,
        queues::DeptCardCount,
        sync::SyncState,
        sync::SyncProgress,
        sync::SyncRun,
        sync::SignalCounts,
        sync::SyncStatus,
        sync::SignalsChanged,
        sync::DeptSyncStatus,
        sync::QuarantineItem,
        sync::QuarantinePage,
        sync::QuarantineRecord,
        settings::SettingsView,
        settings::SettingsUpdate,
        sms::NoticeSettingsView,
        sms::NoticeSettingsUpdate,
        sms::DispatchReport,
        sms::ContactDto,
        sms::ContactImportResult,
        sms::SmsTestResult,
        sms::SmsEventDto,
        sms::SmsDto,
        sms::MissingContactDto,
        auth::AccountRole,
        auth::SessionUser,
        auth::AuthStatus,
        auth::Account,
        auth::NewAccountRequest,
        auth::ApprovalTicket,
        auth::AuditEntryView,
        auth::AuditPage,
        auth::AuditBadEntry,
        auth::AuditVerifyReport,
        letters::StepDto,
        letters::AttachmentDto,
        letters::CardDto,
        letters::AdmonitionDto,
        letters::RedCaseDto,
        letters::NoticeDto,
        letters::MeasureDto,
        letters::CaseLettersDto,
        letters::LetterFilter,
        letters::LetterRow,
        letters::ManualCardInput,
        letters::DecisionInput,
        letters::MeasureInput,
        calendar::CalendarDayKind,
        calendar::CalendarDaySource,
        calendar::CalendarDay,
        calendar::CalendarYearEntry,
        calendar::CalendarActor,
        calendar::CalendarYearView,
        calendar::CalendarImportFormat,
        calendar::CalendarImportRequest,
        calendar::CalendarDayEditRequest,
        calendar::CalendarRecompute,
        calendar::CalendarCaseChange,
        calendar::CalendarChangeResult,
        calendar::CalendarEditDay,
        calendar::CalendarEditEntry,
        calendar::CalendarYearRequest,
        queues::QueuePageRequest,
        queues::FindingPageRequest,
        queues::ItemOptionsRequest,
        queues::CaseRequest,
        auth::SetupAdminRequest,
        auth::Credentials,
        auth::UnlockRequest,
        auth::ChangePasswordRequest,
        auth::SetAccountActiveRequest,
        auth::ResetPasswordRequest,
        auth::AuditPageRequest,
        sms::ContactsImportRequest,
        sms::ContactDeleteRequest,
        sms::MissingContactsRequest,
        sms::SmsTestRequest,
        sync::QuarantinePageRequest,
        sync::QuarantineRecordRequest,
        letters::CardColor,
        letters::CardOrigin,
        letters::CardState,
        letters::CardAction,
        letters::ReliefGround,
        letters::AdmonitionState,
        letters::RectificationSignal,
        letters::RedState,
        letters::RedRoute,
        letters::RedOutcome,
        letters::DecisionBody,
        letters::NoticeChannel,
        letters::NoticeState,
        letters::CallOutcome,
        letters::MeasureKind,
        letters::TargetKind,
        letters::LetterKind,
        letters::CaseSignal,
        letters::TakeUpCardRequest,
        letters::RelieveCardRequest,
        letters::AdmonitionDraftRequest,
        letters::AdmonitionEditRequest,
        letters::AdmonitionStep,
        letters::AdmonitionStepRequest,
        letters::RedSubmitRequest,
        letters::RedApprovalRequest,
        letters::RedStep,
        letters::RedStepRequest,
        letters::RedDecisionRequest,
        letters::RedQueueRequest,
        letters::PhoneCallRequest,
        letters::QueueSmsRequest,
        letters::OpenFileRequest,
    ];
    files.push(("commands.ts".into(), commands_ts()));
    files
}
