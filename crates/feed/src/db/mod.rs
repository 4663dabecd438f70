//! The feed crate's tables (the cache), one module per table or aggregate.

pub mod notice_candidates;
