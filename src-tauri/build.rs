/// The app commands the UI may call. Keep in sync with `src-tauri/commands.rs`
/// (`tests/capabilities.rs` checks both this list and the capability file).
const COMMANDS: &[&str] = &[
    "app_info",
    "queue_page",
    "queue_counts",
    "finding_page",
    "department_tree",
    "item_options",
    "case_detail",
    "dashboard",
    "auth_status",
    "auth_touch",
    "auth_setup_admin",
    "auth_sign_in",
    "auth_sign_out",
    "auth_lock",
    "auth_unlock",
    "auth_change_password",
    "auth_leader_approval",
    "accounts_list",
    "accounts_create",
    "accounts_set_active",
    "accounts_reset_password",
    "audit_page",
    "audit_verify",
    "calendar_year",
    "calendar_history",
    "calendar_import",
    "calendar_edit_day",
    "sync_status",
    "sync_now",
    "sync_departments",
    "quarantine_page",
    "quarantine_record",
    "settings_get",
    "settings_update",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
