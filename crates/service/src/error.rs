//! Mapping of domain errors onto the small set of IPC error codes.

use jiancha_api::{ApiError, ErrorCode};

/// An unexpected failure (database, disk): logged, and reported as `internal`.
pub fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "internal error");
    ApiError::new(
        ErrorCode::Internal,
        format!("内部错误 / internal error: {e}"),
    )
}

/// Bad input: the message names what was wrong.
pub fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, msg)
}
