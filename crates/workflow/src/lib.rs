//! Workflows of the supervision center: warning notices (Art. B6), yellow card → 效能告诫书
//! (Arts. B7, B9), red-card investigations (Arts. B8, B9), accountability measures (Art. B10),
//! manual cards and their exemption/revocation (Art. B4 and the exemptions), roles, accounts and
//! leader approvals (Art. A8), and the tamper-evident audit trail.
//!
//! Design (see `docs/workflows.md` and `docs/architecture-notes/workflow.md`):
//! - every workflow is an explicit state machine: a state enum, an action enum and a pure
//!   `next_state(state, action) -> Option<state>`; the persisted operations call it and turn a
//!   `None` into [`WorkflowError::IllegalTransition`] naming the current state and the action;
//! - every operation takes the caller's [`Session`] and checks it with [`authorize`] first;
//!   approvals additionally take an [`Approval`], which only [`leader_approval`] can produce
//!   (a leader's username and password verified at that moment);
//! - the instant is always passed in (`now`); the domain never reads the wall clock. Ids are
//!   UUIDv7 built from that instant plus OS randomness (see [`util::new_id`]);
//! - every write is one `Db::write` transaction (BEGIN IMMEDIATE) that also appends the
//!   transition to `wf_transitions` and an entry to the hash-chained `audit_log`;
//! - the crate's tables are read and written only in [`db`], one module per table or
//!   aggregate; the workflow modules call those and hold no SQL.

#[macro_use]
mod labeled;

pub mod accountability;
pub mod admonition;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod calendar_edits;
pub mod cards;
pub mod db;
mod error;
mod journal;
pub mod notices;
pub mod numbering;
pub mod redcard;
mod role;
pub mod settings;
mod settings_values;
pub mod util;

#[cfg(test)]
mod audit_tests;
#[cfg(test)]
mod testkit;

pub use auth::{
    authorize, leader_approval, setup_first_admin, sign_in, Action, Actor, Approval, Role, Session,
    SystemActor,
};
pub use calendar::WorkCalendar;
pub use error::{ErrorCategory, WorkflowError};
pub use journal::{StoredAttachment, Transition};
pub use util::Attachment;

pub type Result<T, E = WorkflowError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests;

/// The steps of any workflow record (notice, card, letter, red-card matter, measure), oldest
/// first: who, when, at which workstation, from which state to which.
pub fn history(
    db: &jiancha_store::Db,
    session: &mut Session,
    record_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Transition>> {
    authorize(session, Action::View, now)?;
    journal::load_history(db.conn(), record_id)
}
