//! The municipal feed's wire protocol (GB/T 39046-2020 names): records, pages, cursors.
//!
//! Specification: `docs/feed-protocol.md`. This crate is the only place that knows the feed's
//! JSON; the simulator (`jiancha-feedsim`) and the client (`jiancha-feed`) both use it, so they
//! agree on validation ([`validate`]) and on the canonical case digest ([`CaseDigest`]).
//!
//! Stability: additive changes only within schema major 1.

pub mod client;
pub mod digest;
pub mod model;
pub mod time;
pub mod wire;

pub use client::{backoff, retry_after, status_action, StatusAction};
pub use digest::{canonical_case_bytes, case_hash, CaseDigest, DigestResult};
pub use model::*;
pub use time::{cst, Timestamp};
pub use wire::{
    check_schema_version, validate, validate_with_data, Cursor, Entity, ErrorBody, ErrorDetail,
    Health, Malformed, Page, Record, RecordType, ValidRecord, DEFAULT_PAGE_SIZE, MAX_CASE_ID_LEN,
    MAX_ID_LEN, MAX_ITEM_CODE_LEN, MAX_LIMIT_DAYS, MAX_PAGE_SIZE, SCHEMA_MAJOR, SCHEMA_VERSION,
};
