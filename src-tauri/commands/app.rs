//! IPC commands: one line each, forwarding to the service on a blocking thread.
//! Every command here must also be listed in `COMMANDS` (build.rs grants exactly these,
//! and `tests/capabilities.rs` checks the capability file against it).

use jiancha_api::{ApiError, AppInfo};
use tauri::State;

use crate::AppState;

/// Runs a blocking service call off the main thread.
async fn blocking<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&jiancha_service::Service) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let svc = state.service.clone();
    tokio::task::spawn_blocking(move || f(&svc))
        .await
        .map_err(jiancha_service::internal)?
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    blocking(state, |s| s.app_info()).await
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![app_info]
}
