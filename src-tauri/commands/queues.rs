//! The queues (预警 / 黄牌 / 红牌, findings), the case screen and the dashboard (issue 5).
//! `now` is the feed's clock (`queues::now`), passed down.

use jiancha_api::queues::{
    CardPage, CaseDetail, Dashboard, FindingFilter, FindingPage, ItemOption, PageRequest,
    QueueCounts, QueueFilter, RegionNode,
};
use jiancha_api::ApiError;
use jiancha_service::{cases, dashboard, queues};
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn queue_page(
    state: State<'_, AppState>,
    filter: QueueFilter,
    page: PageRequest,
) -> Result<CardPage, ApiError> {
    blocking(state, move |s| {
        queues::card_page(s, &filter, page, queues::now(s))
    })
    .await
}

#[tauri::command]
pub async fn queue_counts(
    state: State<'_, AppState>,
    filter: QueueFilter,
) -> Result<QueueCounts, ApiError> {
    blocking(state, move |s| queues::queue_counts(s, &filter)).await
}

#[tauri::command]
pub async fn finding_page(
    state: State<'_, AppState>,
    filter: FindingFilter,
    page: PageRequest,
) -> Result<FindingPage, ApiError> {
    blocking(state, move |s| queues::finding_page(s, &filter, page)).await
}

#[tauri::command]
pub async fn department_tree(state: State<'_, AppState>) -> Result<Vec<RegionNode>, ApiError> {
    blocking(state, queues::department_tree).await
}

#[tauri::command]
pub async fn item_options(
    state: State<'_, AppState>,
    dept_id: Option<String>,
) -> Result<Vec<ItemOption>, ApiError> {
    blocking(state, move |s| queues::item_options(s, dept_id)).await
}

#[tauri::command]
pub async fn case_detail(
    state: State<'_, AppState>,
    case_id: String,
) -> Result<CaseDetail, ApiError> {
    blocking(state, move |s| {
        cases::case_detail(s, &case_id, queues::now(s))
    })
    .await
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>) -> Result<Dashboard, ApiError> {
    blocking(state, move |s| dashboard::dashboard(s, queues::now(s))).await
}
