//! The letter workflows in the running app (issues 6 and 7): cards from the clock's signals and
//! manual cards (Arts. B4, B5), the 效能告诫书 (Arts. B7, B9) rendered as DOCX + PDF into the
//! data dir, red-card investigations with the 初步调查通知书 (Art. B8), accountability measures
//! (Art. B10) and warning notices by phone (Art. B6).
//!
//! Every function takes the caller's [`Session`] (the workflow crate authorises it first) and
//! the instant `now` (the shell reads the wall clock). Leader approvals arrive as an
//! [`Approval`] the shell obtained with the leader's credentials at that moment.
//!
//! Files: `<data dir>/letters/<year>/<文号>.{docx,pdf}` where the data dir is the directory of
//! the cache file. Templates come from the directory set with [`set_templates_dir`] (the
//! app's `assets/letters` resource) when it holds the kind's file, else the embedded copy.
//!
//! One operation group per file: `cards`, `admonition` (效能告诫书), `red_case` (红牌调查), `measures`,
//! `phone` (电话通知), `listing` (the case screen and the 文书 list); beside them the helpers they share:
//! `render` (templates, fonts, files), `facts` (a case's facts for a letter), `dto` (domain rows to
//! IPC rows), `input` (parsing what the officer typed) and `session` (the signed-in session).

mod admonition;
mod cards;
mod dto;
mod facts;
mod input;
mod listing;
mod measures;
mod phone;
mod red_case;
mod render;
mod session;

pub use admonition::{
    discard_admonition, draft_admonition, edit_admonition, file_admonition, get_admonition,
    issue_admonition, number_admonition, receive_report,
};
pub use cards::{raise_manual_card, relieve_card, take_up_signal_card};
pub(crate) use dto::notice_dto;
pub use listing::{case_letters, list_letters};
pub use measures::record_measure;
pub use phone::record_phone_call;
pub use red_case::{
    conclude_red_case, decide_red_approval, get_red_case, investigate_directly,
    issue_investigation_notice, propose_outcome, record_decision, record_findings, red_queue,
    render_notice_files, submit_red_card,
};
pub use render::{letters_dir, open_letter_file, set_templates_dir};
pub(crate) use session::{in_session, with_leader};

#[cfg(test)]
mod tests;
