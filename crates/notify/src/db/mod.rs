//! The notify crate's tables, one module per table or aggregate. Only these modules write SQL
//! for them (ARCHITECTURE.md: one owner per table):
//!
//! | table(s)                     | module       | migration |
//! |------------------------------|--------------|-----------|
//! | `sms_messages`, `sms_events` | [`messages`] | 40, 41    |
//! | `sms_contacts`               | [`contacts`] | 41        |
//! | `sms_auto_skipped`           | [`skips`]    | 41        |
//!
//! Each has its row types, reads taking `&Connection` (callers pass `db.conn()`) and writes
//! taking the write transaction (`&Transaction<'_>` from `jiancha_store::Db::write`).

pub mod contacts;
pub mod messages;
pub mod skips;

mod sql;
