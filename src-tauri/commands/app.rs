//! The console's facts about itself.

use jiancha_api::{ApiError, AppInfo};
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    blocking(state, |s| s.app_info()).await
}
