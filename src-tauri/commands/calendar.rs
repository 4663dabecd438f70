//! The 日历 (calendar) screen: year view, import, single-day edits, history.

use jiancha_api::calendar::{
    CalendarChangeResult, CalendarDayEditRequest, CalendarEditEntry, CalendarImportRequest,
    CalendarYearView,
};
use jiancha_api::ApiError;
use jiancha_service::calendar;
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn calendar_year(
    state: State<'_, AppState>,
    year: i32,
) -> Result<CalendarYearView, ApiError> {
    blocking(state, move |s| calendar::year_view(s, year)).await
}

#[tauri::command]
pub async fn calendar_history(
    state: State<'_, AppState>,
) -> Result<Vec<CalendarEditEntry>, ApiError> {
    blocking(state, calendar::history).await
}

#[tauri::command]
pub async fn calendar_import(
    state: State<'_, AppState>,
    req: CalendarImportRequest,
) -> Result<CalendarChangeResult, ApiError> {
    blocking(state, move |s| calendar::import(s, req)).await
}

#[tauri::command]
pub async fn calendar_edit_day(
    state: State<'_, AppState>,
    req: CalendarDayEditRequest,
) -> Result<CalendarChangeResult, ApiError> {
    blocking(state, move |s| calendar::edit_day(s, req)).await
}
