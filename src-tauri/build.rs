/// The app commands the UI may call. Keep in sync with `src-tauri/commands.rs`
/// (`tests/capabilities.rs` checks both this list and the capability file).
const COMMANDS: &[&str] = &[
    "app_info",
    "calendar_year",
    "calendar_history",
    "calendar_import",
    "calendar_edit_day",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
