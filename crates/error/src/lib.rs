//! The error every command returns across IPC: `{code, message}`.
//!
//! Classification happens once, in the crate that knows the failure: each domain crate
//! implements `From<ItsError> for ApiError` beside its error type (workflow, feed, notify,
//! store, letters, calendar), so the service composes with `?` and never maps by hand. This
//! crate is tiny on purpose (serde + ts-rs only) so every domain crate can depend on it.
//! `jiancha_api` re-exports both types; the TypeScript binding is generated from there.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The error every command returns across IPC. `code` is one of a small fixed set the UI
/// switches on; `message` is for people (Chinese first where it reaches an officer).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request named something wrong (bad date, unknown case, invalid field).
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// The signed-in role may not do this.
    Forbidden,
    /// Nobody is signed in, the session is locked, or the credentials were wrong: sign in or
    /// unlock again.
    Unauthenticated,
    /// The action is not allowed in the current workflow state.
    Conflict,
    /// The feed or another external service failed.
    Unavailable,
    /// A bug or an unexpected failure (database, disk).
    Internal,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An unexpected failure (database, disk). The caller's log records it; the message
    /// says so in both languages.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::Internal,
            format!("内部错误 / internal error: {e}"),
        )
    }

    /// Bad input: the message names what was wrong.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, msg)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}
