//! IPC commands: one line each, forwarding to the service on a blocking thread.
//! One module per area. Every command here must also be listed in `COMMANDS` in
//! `src-tauri/build.rs` and granted in `src-tauri/capabilities/main.json`
//! (`tests/capabilities.rs` checks all three agree).

mod app;
mod auth;
mod calendar;
mod letters;
mod queues;
mod settings;
mod sms;
mod sync;

use jiancha_api::ApiError;
use tauri::State;

use crate::AppState;

/// Runs a blocking service call off the main thread.
pub(crate) async fn blocking<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&jiancha_service::Service) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let svc = state.service.clone()?;
    tokio::task::spawn_blocking(move || f(&svc))
        .await
        .map_err(jiancha_service::internal)?
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app::app_info,
        letters::letters_case,
        letters::letters_list,
        letters::letters_red_queue,
        letters::letters_take_up_card,
        letters::letters_raise_card,
        letters::letters_relieve_card,
        letters::letters_admonition_draft,
        letters::letters_admonition_get,
        letters::letters_admonition_edit,
        letters::letters_admonition_step,
        letters::letters_red_submit,
        letters::letters_red_approval,
        letters::letters_red_step,
        letters::letters_red_decision,
        letters::letters_red_get,
        letters::letters_measure,
        letters::letters_phone_call,
        letters::letters_queue_sms,
        sms::notice_settings_get,
        sms::notice_settings_update,
        sms::sms_contacts_list,
        sms::sms_contacts_import,
        sms::sms_contact_delete,
        sms::sms_contacts_missing,
        sms::sms_test_send,
        queues::queue_page,
        queues::queue_counts,
        queues::finding_page,
        queues::department_tree,
        queues::item_options,
        queues::case_detail,
        queues::dashboard,
        auth::auth_status,
        auth::auth_touch,
        auth::auth_setup_admin,
        auth::auth_sign_in,
        auth::auth_sign_out,
        auth::auth_lock,
        auth::auth_unlock,
        auth::auth_change_password,
        auth::auth_leader_approval,
        auth::accounts_list,
        auth::accounts_create,
        auth::accounts_set_active,
        auth::accounts_reset_password,
        auth::audit_page,
        auth::audit_verify,
        calendar::calendar_year,
        calendar::calendar_history,
        calendar::calendar_import,
        calendar::calendar_edit_day,
        sync::sync_status,
        sync::sync_now,
        sync::sync_departments,
        sync::quarantine_page,
        sync::quarantine_record,
        settings::settings_get,
        settings::settings_update,
    ]
}
