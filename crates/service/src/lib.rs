//! The application service: composes the store, the feed, the simulator and the workflows
//! for the app shell (`src-tauri/`) and the CLI. Every public function here is what one
//! command does; the shell only wraps them.
//!
//! Errors leave this crate as [`jiancha_api::ApiError`] (`{code, message}`).

pub mod app;
pub mod auth;
pub mod calendar;
pub mod calendar_store;
pub mod cases;
pub mod clock;
pub mod commands;
pub mod dashboard;
pub mod error;
pub mod letters;
pub mod live;
pub mod queues;
pub mod settings;
pub mod sms;
pub mod sync;

pub use app::{Config, FeedSource, Service};
pub use error::{internal, invalid};
