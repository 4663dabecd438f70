//! The app shell: setup, state, one-line commands, events. No domain logic lives here:
//! every command forwards to `jiancha_service` off the main thread.

mod commands;
mod logging;

use std::sync::Arc;

use tauri::{Emitter, Manager};

use jiancha_api::sync::{
    SignalsChanged, SyncProgress, SyncStatus, EVENT_SIGNALS_CHANGED, EVENT_SYNC_PROGRESS,
    EVENT_SYNC_STATUS,
};
use jiancha_service::live::{self, LiveSink};
use jiancha_service::{Config, FeedSource, Service};

/// Turns the live loop's reports into Tauri events (names in `jiancha_api::sync`), and new
/// red cards into a desktop notification.
struct EventSink {
    app: tauri::AppHandle,
    red: std::sync::Mutex<RedNotice>,
}

/// New red cards gathered between desktop notifications (at most one a minute: the demo feed
/// runs at 600× and raises red cards every few seconds).
#[derive(Default)]
struct RedNotice {
    last: Option<std::time::Instant>,
    pending: u64,
    warned: bool,
}

impl EventSink {
    /// Art. B5(3): a new red card is announced on the desktop, through the freedesktop
    /// notifier (`notify-send`, package libnotify-bin) on a background thread; where it is
    /// missing the in-app notification (ui/src/live.ts) stands and this is logged once.
    fn notify_red(&self, s: &SignalsChanged) {
        let mut red = self.red.lock().unwrap_or_else(|e| e.into_inner());
        red.pending += s.new_red;
        if red
            .last
            .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(60))
        {
            return;
        }
        red.last = Some(std::time::Instant::now());
        let count = std::mem::take(&mut red.pending);
        let first_failure = !red.warned;
        red.warned = true;
        drop(red);
        let body = match &s.example_case {
            Some(case) => format!("新增 {count} 张红牌，例如办件 {case}。"),
            None => format!("新增 {count} 张红牌。"),
        };
        std::thread::spawn(move || {
            let result = std::process::Command::new("notify-send")
                .args([
                    "--app-name=电子监察工作台",
                    "--urgency=critical",
                    "新增红牌",
                    &body,
                ])
                .output();
            // Without a notification daemon or a session bus, notify-send exits at once with
            // a message on its stderr (captured here, not the console's): logged once.
            let failure = match result {
                Ok(out) if out.status.success() => None,
                Ok(out) => Some(format!(
                    "{}: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Err(e) => Some(e.to_string()),
            };
            if let (Some(error), true) = (failure, first_failure) {
                tracing::warn!(%error, "desktop notification unavailable (notify-send)");
            }
        });
    }
}

impl LiveSink for EventSink {
    fn progress(&self, p: &SyncProgress) {
        if let Err(e) = self.app.emit(EVENT_SYNC_PROGRESS, p) {
            tracing::warn!(error = %e, "emitting sync progress");
        }
    }
    fn status(&self, s: &SyncStatus) {
        if let Err(e) = self.app.emit(EVENT_SYNC_STATUS, s) {
            tracing::warn!(error = %e, "emitting sync status");
        }
    }
    fn signals(&self, s: &SignalsChanged) {
        if let Err(e) = self.app.emit(EVENT_SIGNALS_CHANGED, s) {
            tracing::warn!(error = %e, "emitting signals");
        }
        if s.new_red > 0 {
            self.notify_red(s);
        }
    }
}

/// What every command reaches through `tauri::State`: the service, or why it could not
/// start (e.g. the database file is damaged or from a newer version of the program).
pub struct AppState {
    pub service: Result<Arc<Service>, jiancha_api::ApiError>,
}

fn startup_error(db: &std::path::Path, why: &str) -> jiancha_api::ApiError {
    jiancha_api::ApiError::new(
        jiancha_api::ErrorCode::Unavailable,
        format!(
            "无法打开数据文件 {}，控制台未启动；文件未被改动，请联系管理员。/ Cannot open the database, the console did not start; the file was not changed. ({why})",
            db.display()
        ),
    )
}

/// Resolves the start-up configuration: the embedded default (demo feed, a SQLite file in
/// the app's data dir) unless `JIANCHA_DB` / `JIANCHA_FEED_URL` / `JIANCHA_DEMO_SPEED` say
/// otherwise.
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
    // The demo feed's speed (E2E tests run it fast); a bad value is logged and the default
    // kept: a typo in a demo knob should not keep the console from starting.
    if let Some(v) = std::env::var_os("JIANCHA_DEMO_SPEED") {
        match live::parse_demo_speed(&v.to_string_lossy()) {
            Ok(speed) => cfg.demo_speed = speed,
            Err(e) => tracing::error!(error = %e, default = cfg.demo_speed, "demo feed speed"),
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
            tracing::info!(db = %cfg.db_path.display(), feed = ?cfg.feed, demo_speed = cfg.demo_speed, "starting");
            let demo = cfg.feed == FeedSource::Demo;
            let db_path = cfg.db_path.clone();
            let service = match Service::open(cfg) {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    // The window still opens, and every command answers with this message
                    // (the first page shows it); nothing runs against the file.
                    tracing::error!(db = %db_path.display(), error = %e.message, "cannot open the database");
                    app.manage(AppState {
                        service: Err(startup_error(&db_path, &e.message)),
                    });
                    return Ok(());
                }
            };
            // Letter templates from the bundle's assets/letters when present (changed without a rebuild), else embedded.
            if let Ok(dir) = app.path().resource_dir() {
                jiancha_service::letters::set_templates_dir(dir.join("assets").join("letters"));
            }
            app.manage(AppState {
                service: Ok(service.clone()),
            });
            // Issue 5 item 4 / issue 2: the embedded demo feed on loopback and the live loop,
            // on Tauri's async runtime (never the main thread).
            let sink: Arc<dyn LiveSink> = Arc::new(EventSink {
                app: app.handle().clone(),
                red: Default::default(),
            });
            // Issue 6 item 1: the SMS dispatcher (auto notices, escalation, sending, receipts).
            tauri::async_runtime::spawn(jiancha_service::sms::run(
                service.clone(),
                std::time::Duration::from_secs(15),
            ));
            tauri::async_runtime::spawn(async move {
                if demo {
                    match live::start_demo_feed(&service).await {
                        Ok(url) => tracing::info!(%url, "demo feed serving"),
                        Err(e) => tracing::error!(error = %e, "demo feed failed"),
                    }
                }
                live::run(service, sink).await;
            });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running the Jiancha console");
}
