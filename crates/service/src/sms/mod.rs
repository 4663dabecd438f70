//! Warning notices by SMS in the app (Art. B6, A8): the notice settings (gateway, quiet hours,
//! escalation, the centre's own facts), the notices directory (通讯录), manual and automatic
//! notices, and the dispatcher the background loop runs.
//!
//! This module holds no SQL of its own (the settings' `app_settings` reads aside, which move
//! to the store crate's settings API). It composes one query per owner:
//! - `jiancha-feed` (`db::notice_candidates`): cases that entered 预警, open signalled cases, a
//!   case's notice facts, handlers' open cards, department names;
//! - `jiancha-workflow::notices`: the notice's state machine (journaled), which cases were
//!   told, the phone calls recorded;
//! - `jiancha-notify`: gateway adapter, quiet hours, escalation arithmetic, and its tables
//!   (`db::messages` the SMS and their history, `db::contacts` the directory, `db::skips` the
//!   cases the dispatcher stopped for), the outbox's steps (`outbox`).
//!
//! The path of a notice:
//! 1. a case enters 预警 → (auto, when switched on and the handler's number is in the
//!    directory) `notices::create_system` + `outbox::schedule` (quiet hours applied); an
//!    officer can also send one from the case (`queue`);
//! 2. each dispatcher pass: `outbox::due_now` → gateway → `outbox::record_send` →
//!    `notices::mark_sent` / `mark_failed`; receipts → `outbox::record_receipt` →
//!    `mark_delivered` / `mark_failed`;
//! 3. escalation (Art. A8 **[decision]**, docs/sms.md): for a case told to its handler and
//!    still open, `next_escalation` says when the section chief and then the leader in charge
//!    are due (working time, quiet hours), and a failed SMS is retried; each becomes a new
//!    notice and SMS, so every attempt stays visible on the case.
//!
//! The dispatcher ([`dispatch`], [`run`]) is async for the gateway's HTTP calls only: every
//! SQLite step of a pass runs on the blocking pool (`spawn_blocking`), never on the runtime's
//! threads.
//!
//! Time: SMS reach real people, so the dispatcher works on the wall clock (passed in). The
//! cases' signals are at the feed's clock (the demo runs faster); "entered 预警 after auto
//! notices were switched on" compares feed instants with feed instants.
//!
//! One job per file: `config` (the notice settings and their checks), `settings` (stored values,
//! the settings screen), `directory` (通讯录), `facts` (what a message says about a case),
//! `notices` (queueing a notice), `case_messages` (a case's messages and why automatic notices
//! stopped), `test_send` (the settings screen's test message) and `dispatch` (the background dispatcher: sending, receipts, automatic notices and
//! escalation, its SQLite work off the async runtime).

mod case_messages;
mod config;
mod directory;
mod dispatch;
mod facts;
mod notices;
mod settings;
mod test_send;

pub use case_messages::{for_case, stopped_reason};
pub use config::{Auth, NoticeConfig, DEFAULT_TEMPLATE};
pub use directory::{contacts, delete_contact, import_contacts, missing_contacts};
pub use dispatch::{dispatch, run, Dispatcher};
pub use notices::queue;
pub use settings::{apply_update, center_facts, get, load, unavailable_reason, update, view};
pub use test_send::{test_send, test_send_blocking};

#[cfg(test)]
mod tests;
