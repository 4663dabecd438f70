//! Logging with `tracing` to a daily-rolling file in the app's log directory (and stderr).
//! `RUST_LOG` is honoured; the default is `info` for our crates, `warn` for the rest.

use std::path::Path;

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

const DEFAULT_FILTER: &str = "warn,jiancha_console=info,jiancha_service=info,jiancha_feed=info,jiancha_feedsim=info,jiancha_workflow=info,jiancha_notify=info";

pub fn init(log_dir: &Path) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let file_layer = std::fs::create_dir_all(log_dir).ok().map(|_| {
        let appender = tracing_appender::rolling::daily(log_dir, "jiancha.log");
        fmt::layer().with_ansi(false).with_writer(appender)
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
}
