//! The workflow crate's tables, one module per table or aggregate (the shape of GitButler's
//! `but-db/src/table/*.rs`): the row type, read functions taking a `&Connection` (pass
//! `db.conn()`; a `&Transaction` derefs to one) and write functions taking the caller's write
//! transaction (`jiancha_store::Db::write`).
//!
//! Only these modules hold SQL of this crate's tables, and each table's SQL lives in exactly
//! one of them. Reads are public (the service and the notify crate read through them); writes
//! are `pub(crate)`: a record changes only through its workflow, which checks the session,
//! runs the state machine and journals the step in the same transaction.
//!
//! These modules depend on nothing of the crate above `util`, `error` and `role`: the workflow
//! modules use them, never the other way round.

pub mod accounts;
pub mod admonitions;
pub mod attachments;
pub mod audit;
pub mod calendar_edits;
pub mod cards;
pub mod doc_numbers;
pub mod measures;
pub mod notices;
pub mod red_cases;
pub mod transitions;
