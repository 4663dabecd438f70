//! The feed crate's error, and its classification into the one IPC error (`jiancha-error`),
//! done once here so the service composes with `?`.

use jiancha_error::{ApiError, ErrorCode};

/// Why a sync (or a query of the cache) failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The feed answered in a way retrying will not fix (401, 403, 404, 410, schema major …).
    #[error("同步停止 (feed refused): {0}")]
    Permanent(String),
    /// Transient errors went on for too long.
    #[error("同步失败 (feed unavailable): {what} failed {attempts} times; last error: {last}")]
    GaveUp {
        /// The request.
        what: String,
        /// Consecutive attempts.
        attempts: u32,
        /// The last error.
        last: String,
    },
    /// Bad options.
    #[error("配置错误: {0}")]
    Config(String),
    /// The local cache.
    #[error("本地数据库错误: {0}")]
    Store(#[from] jiancha_store::StoreError),
    /// An unexpected internal failure.
    #[error("internal error: {0}")]
    Internal(String),
    /// A stored payload that no longer parses (the cache was edited by hand?).
    #[error("stored case {case_id} does not parse: {reason}")]
    BadPayload {
        /// The case.
        case_id: String,
        /// Why.
        reason: String,
    },
}

impl From<jiancha_store::rusqlite::Error> for SyncError {
    fn from(e: jiancha_store::rusqlite::Error) -> Self {
        SyncError::Store(e.into())
    }
}

/// The feed refused or stayed unreachable: `unavailable` (the officer can retry or fix the
/// feed); bad options: `invalid_input`; the cache or a bug: `internal` (logged here, as the
/// service's `internal()` logs).
impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Permanent(_) | SyncError::GaveUp { .. } => {
                ApiError::new(ErrorCode::Unavailable, e.to_string())
            }
            SyncError::Config(_) => ApiError::new(ErrorCode::InvalidInput, e.to_string()),
            SyncError::Store(_) | SyncError::Internal(_) | SyncError::BadPayload { .. } => {
                tracing::error!(error = %e, "internal error");
                ApiError::internal(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sync_error_is_classified_once() {
        let code = |e: SyncError| ApiError::from(e).code;
        assert_eq!(
            code(SyncError::Permanent("401".into())),
            ErrorCode::Unavailable
        );
        assert_eq!(
            code(SyncError::GaveUp {
                what: "GET /v1/health".into(),
                attempts: 6,
                last: "refused".into()
            }),
            ErrorCode::Unavailable
        );
        assert_eq!(
            code(SyncError::Config("bad url".into())),
            ErrorCode::InvalidInput
        );
        let e = ApiError::from(SyncError::BadPayload {
            case_id: "C1".into(),
            reason: "eof".into(),
        });
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.contains("C1"), "{}", e.message);
        assert_eq!(code(SyncError::Internal("x".into())), ErrorCode::Internal);
        assert_eq!(
            code(jiancha_store::rusqlite::Error::InvalidQuery.into()),
            ErrorCode::Internal
        );
    }
}
