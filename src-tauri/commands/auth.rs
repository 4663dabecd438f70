//! Sign-in, the session, accounts, leader approvals and the audit screen (issue 7; Art. A8).
//! Every rule is in `jiancha_service::auth`; these only forward.

use jiancha_api::auth::{
    Account, ApprovalTicket, AuditPage, AuditVerifyReport, AuthStatus, NewAccountRequest,
};
use jiancha_api::ApiError;
use jiancha_service::auth;
use tauri::State;

use super::blocking;
use crate::AppState;

#[tauri::command]
pub async fn auth_status(state: State<'_, AppState>) -> Result<AuthStatus, ApiError> {
    blocking(state, auth::status).await
}

#[tauri::command]
pub async fn auth_touch(state: State<'_, AppState>) -> Result<AuthStatus, ApiError> {
    blocking(state, auth::touch).await
}

#[tauri::command]
pub async fn auth_setup_admin(
    state: State<'_, AppState>,
    username: String,
    display_name: String,
    password: String,
) -> Result<AuthStatus, ApiError> {
    blocking(state, move |s| {
        auth::setup_first_admin(s, &username, &display_name, &password)
    })
    .await
}

#[tauri::command]
pub async fn auth_sign_in(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<AuthStatus, ApiError> {
    blocking(state, move |s| auth::sign_in(s, &username, &password)).await
}

#[tauri::command]
pub async fn auth_sign_out(state: State<'_, AppState>) -> Result<AuthStatus, ApiError> {
    blocking(state, auth::sign_out).await
}

#[tauri::command]
pub async fn auth_lock(state: State<'_, AppState>) -> Result<AuthStatus, ApiError> {
    blocking(state, auth::lock_session).await
}

#[tauri::command]
pub async fn auth_unlock(
    state: State<'_, AppState>,
    password: String,
) -> Result<AuthStatus, ApiError> {
    blocking(state, move |s| auth::unlock(s, &password)).await
}

#[tauri::command]
pub async fn auth_change_password(
    state: State<'_, AppState>,
    current: String,
    new_password: String,
) -> Result<(), ApiError> {
    blocking(state, move |s| {
        auth::change_own_password(s, &current, &new_password)
    })
    .await
}

#[tauri::command]
pub async fn auth_leader_approval(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<ApprovalTicket, ApiError> {
    blocking(state, move |s| {
        auth::leader_approval(s, &username, &password)
    })
    .await
}

#[tauri::command]
pub async fn accounts_list(state: State<'_, AppState>) -> Result<Vec<Account>, ApiError> {
    blocking(state, auth::list_accounts).await
}

#[tauri::command]
pub async fn accounts_create(
    state: State<'_, AppState>,
    request: NewAccountRequest,
) -> Result<Account, ApiError> {
    blocking(state, move |s| auth::create_account(s, &request)).await
}

#[tauri::command]
pub async fn accounts_set_active(
    state: State<'_, AppState>,
    username: String,
    active: bool,
) -> Result<(), ApiError> {
    blocking(state, move |s| {
        auth::set_account_active(s, &username, active)
    })
    .await
}

#[tauri::command]
pub async fn accounts_reset_password(
    state: State<'_, AppState>,
    username: String,
    new_password: String,
) -> Result<(), ApiError> {
    blocking(state, move |s| {
        auth::reset_password(s, &username, &new_password)
    })
    .await
}

#[tauri::command]
pub async fn audit_page(
    state: State<'_, AppState>,
    offset: i64,
    limit: i64,
) -> Result<AuditPage, ApiError> {
    blocking(state, move |s| auth::audit_page(s, offset, limit)).await
}

#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Result<AuditVerifyReport, ApiError> {
    blocking(state, auth::audit_verify).await
}
