//! The app shell: setup, state, one-line commands, events. No domain logic lives here:
//! every command forwards to `jiancha_service` off the main thread.

mod commands;
mod logging;

use std::sync::Arc;

use tauri::Manager;

use jiancha_service::{Config, FeedSource, Service};

/// What every command reaches through `tauri::State`.
pub struct AppState {
    pub service: Arc<Service>,
}

/// Resolves the start-up configuration: the embedded default (demo feed, a SQLite file in
/// the app's data dir) unless `JIANCHA_DB` / `JIANCHA_FEED_URL` say otherwise.
fn config(app: &tauri::App) -> Result<Config, Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    let mut cfg = Config::embedded_default(&data_dir);
    if let Some(db) = std::env::var_os("JIANCHA_DB") {
        cfg.db_path = db.into();
    }
    if let Ok(url) = std::env::var("JIANCHA_FEED_URL") {
        if !url.is_empty() {
            cfg.feed = FeedSource::Remote { url };
        }
    }
    Ok(cfg)
}

pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let log_dir = app.path().app_log_dir()?;
            logging::init(&log_dir);
            let cfg = config(app)?;
            tracing::info!(db = %cfg.db_path.display(), feed = ?cfg.feed, "starting");
            let service = Service::open(cfg).map_err(|e| e.message)?;
            app.manage(AppState {
                service: Arc::new(service),
            });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running the Jiancha console");
}
