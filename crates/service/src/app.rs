//! The service object the shell keeps in its state.

use std::path::{Path, PathBuf};

use jiancha_api::{ApiError, AppInfo};
use jiancha_store::{Db, Store};

use crate::error::internal;

/// Where the console gets its cases from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    /// The built-in demo simulator, served in-process on loopback.
    Demo,
    /// A municipal feed at this URL.
    Remote { url: String },
}

/// Start-up configuration, resolved by the shell (data dir) or the CLI (flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite cache file.
    pub db_path: PathBuf,
    pub feed: FeedSource,
    /// Simulated seconds per wall second of the embedded demo feed (used with
    /// [`FeedSource::Demo`] only): [`crate::live::DEFAULT_DEMO_SPEED`] unless the shell's
    /// `JIANCHA_DEMO_SPEED` says otherwise ([`crate::live::parse_demo_speed`]).
    pub demo_speed: f64,
}

impl Config {
    /// The embedded default: the demo feed and `jiancha.sqlite` in `data_dir`.
    pub fn embedded_default(data_dir: &Path) -> Self {
        Self {
            db_path: data_dir.join("jiancha.sqlite"),
            feed: FeedSource::Demo,
            demo_speed: crate::live::DEFAULT_DEMO_SPEED,
        }
    }
}

/// The running service. Methods that touch the database or the network block: the shell
/// calls them off the main thread (`spawn_blocking`).
pub struct Service {
    config: Config,
    /// The cache, opened once: one writer, a pool of readers (jiancha_store::pool).
    store: Store,
    /// The one place the wall clock is read (crate::clock).
    clock: crate::clock::ClockState,
    /// The URL the feed is reached at (the demo simulator's loopback address once started).
    feed_url: std::sync::RwLock<String>,
    /// This workstation's session, approvals and id (crate::auth).
    auth: crate::auth::AuthState,
    /// The live loop's state (crate::live).
    live: crate::live::Live,
    /// The embedded demo simulator, while it runs (crate::live::start_demo_feed).
    pub(crate) demo: std::sync::Mutex<Option<jiancha_feedsim::Handle>>,
    /// The SMS dispatcher's state (crate::sms).
    sms: crate::sms::Dispatcher,
}

impl Service {
    /// Opens (and migrates) the cache, once for the life of the service; fails with a message
    /// naming the file.
    pub fn open(config: Config) -> Result<Self, ApiError> {
        let store = Store::open(&config.db_path).map_err(internal)?;
        let feed_url = match &config.feed {
            FeedSource::Demo => String::new(),
            FeedSource::Remote { url } => url.clone(),
        };
        Ok(Self {
            config,
            store,
            clock: Default::default(),
            feed_url: std::sync::RwLock::new(feed_url),
            auth: Default::default(),
            live: Default::default(),
            demo: Default::default(),
            sms: Default::default(),
        })
    }

    /// The service's clock: the wall clock and the cases' "now" (crate::clock).
    pub fn clock(&self) -> crate::clock::Clock<'_> {
        crate::clock::Clock::new(self)
    }

    pub(crate) fn clock_state(&self) -> &crate::clock::ClockState {
        &self.clock
    }

    pub(crate) fn auth(&self) -> &crate::auth::AuthState {
        &self.auth
    }

    /// The SMS dispatcher's state.
    pub fn sms(&self) -> &crate::sms::Dispatcher {
        &self.sms
    }

    /// The live sync loop's state.
    pub fn live(&self) -> &crate::live::Live {
        &self.live
    }

    /// The feed synced from: the stored setting if set, else the start-up one (the demo's
    /// loopback URL once it runs, or `JIANCHA_FEED_URL`).
    pub fn effective_feed_url(&self, settings: &crate::settings::ConsoleSettings) -> String {
        if !settings.feed_url.is_empty() {
            return settings.feed_url.clone();
        }
        self.feed_url
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The start-up feed URL, waiting up to `wait` for the demo feed to bind (it starts on
    /// the async runtime while the window opens). Called off the main thread.
    fn startup_feed_url(&self, wait: std::time::Duration) -> String {
        let until = std::time::Instant::now() + wait;
        loop {
            let url = self
                .feed_url
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if !url.is_empty() || !self.live.demo_starting() || std::time::Instant::now() >= until {
                return url;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A handle on the cache for one command (one per blocking task): reads on a pooled
    /// read-only connection, writes ([`Db::write`]) on the store's one writer. Nothing is
    /// opened or migrated here (that happened once, in [`Service::open`]).
    pub fn db(&self) -> Result<Db, ApiError> {
        self.store.db().map_err(internal)
    }

    /// The cache's store (its file, its connection counters).
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn set_feed_url(&self, url: String) {
        *self.feed_url.write().unwrap_or_else(|e| e.into_inner()) = url;
    }

    pub fn app_info(&self) -> Result<AppInfo, ApiError> {
        let db = self.db()?;
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: self.config.db_path.display().to_string(),
            feed_url: {
                let stored = crate::settings::load(&db)?.feed_url;
                if stored.is_empty() {
                    self.startup_feed_url(std::time::Duration::from_secs(20))
                } else {
                    stored
                }
            },
            demo_feed: self.config.feed == FeedSource::Demo,
            schema_version: db.schema_version().map_err(internal)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_reports_the_database_it_opened() {
        let dir = tempfile::tempdir().unwrap();
        let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
        let info = svc.app_info().unwrap();
        assert!(info.db_path.ends_with("jiancha.sqlite"));
        assert!(info.demo_feed);
        assert!(info.schema_version >= 1);
        assert!(dir.path().join("jiancha.sqlite").exists());
    }

    /// Invariant "one writer connection per process" (issue 11 item 3): the commands of a
    /// service share the writer and the migrations opened by `Service::open`; `svc.db()`
    /// opens nothing once a few readers are pooled.
    #[test]
    fn commands_share_one_writer_and_migrate_once() {
        let dir = tempfile::tempdir().unwrap();
        let svc = Service::open(Config::embedded_default(dir.path())).unwrap();
        crate::auth::setup_first_admin(&svc, "admin", "管理员", "one-writer-pass").unwrap();
        for i in 0..20 {
            crate::settings::update(
                &svc,
                jiancha_api::settings::SettingsUpdate {
                    warning_lead: Some(i % 3),
                    ..Default::default()
                },
            )
            .unwrap();
            crate::settings::get(&svc).unwrap();
            crate::auth::status(&svc).unwrap();
            svc.app_info().unwrap();
        }
        let readers = svc.store().stats().reader_opens;
        for _ in 0..50 {
            drop(svc.db().unwrap());
        }
        let st = svc.store().stats();
        assert_eq!(st.writer_opens, 1, "{st:?}");
        assert_eq!(st.migration_runs, 1, "{st:?}");
        assert_eq!(st.reader_opens, readers, "idle readers are reused: {st:?}");
        assert!(
            readers <= jiancha_store::pool::MAX_IDLE_READERS as u64,
            "{st:?}"
        );
        // A second service on the same file shares the store (and its writer).
        let again = Service::open(Config::embedded_default(dir.path())).unwrap();
        assert!(again.store().same(svc.store()));
    }

    #[test]
    fn unopenable_database_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be: SQLite cannot open it.
        let p = dir.path().join("db");
        std::fs::create_dir(&p).unwrap();
        let cfg = Config {
            db_path: p,
            feed: FeedSource::Demo,
            demo_speed: crate::live::DEFAULT_DEMO_SPEED,
        };
        let err = Service::open(cfg).err().expect("must fail");
        assert_eq!(err.code, jiancha_api::ErrorCode::Internal);
        assert!(err.message.contains("db"), "{}", err.message);
    }
}
