//! Settings and one live sync cycle against an in-process simulator (issue 5 items 4 and 6).

use std::sync::{Arc, Mutex};

use jiancha_api::settings::SettingsUpdate;
use jiancha_api::sync::{SignalsChanged, SyncProgress, SyncState, SyncStatus};
use jiancha_api::ErrorCode;
use jiancha_feedsim::{ServeConfig, WorldConfig};
use jiancha_service::live::{self, CycleOutcome, LiveSink};
use jiancha_service::{auth, settings, sync, Config, FeedSource, Service};

#[derive(Default)]
struct Recorder {
    progress: Mutex<Vec<SyncProgress>>,
    status: Mutex<Vec<SyncStatus>>,
    signals: Mutex<Vec<SignalsChanged>>,
}

impl LiveSink for Recorder {
    fn progress(&self, p: &SyncProgress) {
        self.progress.lock().unwrap().push(p.clone());
    }
    fn status(&self, s: &SyncStatus) {
        self.status.lock().unwrap().push(s.clone());
    }
    fn signals(&self, s: &SignalsChanged) {
        self.signals.lock().unwrap().push(s.clone());
    }
}

fn service(dir: &tempfile::TempDir, feed: FeedSource) -> Arc<Service> {
    let mut cfg = Config::embedded_default(dir.path());
    cfg.feed = feed;
    Arc::new(Service::open(cfg).unwrap())
}

/// A service with the first administrator signed in (settings other than the language need
/// `ChangeSettings`).
fn admin_service(dir: &tempfile::TempDir, feed: FeedSource) -> Arc<Service> {
    let svc = service(dir, feed);
    auth::setup_first_admin(&svc, "admin", "管理员", "admin-pass-123").unwrap();
    svc
}

#[test]
fn settings_round_trip_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let svc = admin_service(&dir, FeedSource::Demo);
    let v = settings::get(&svc).unwrap();
    assert_eq!(v.sync_interval_secs, 30);
    assert_eq!(v.warning_lead, 1, "Art. B5(1) default: one working day");
    assert_eq!(v.language, "zh-CN");
    assert_eq!(v.token_hint, None);

    let v = settings::update(
        &svc,
        SettingsUpdate {
            feed_url: Some("https://feed.example.gov.cn/api/".into()),
            token: Some("s3cret-token-9f2a".into()),
            sync_interval_secs: Some(120),
            warning_lead: Some(2),
            language: Some("en".into()),
        },
    )
    .unwrap();
    assert_eq!(v.feed_url, "https://feed.example.gov.cn/api");
    assert_eq!(v.effective_feed_url, "https://feed.example.gov.cn/api");
    assert_eq!(v.token_hint.as_deref(), Some("••••9f2a"));
    drop(svc);

    // A new process sees the same settings (the language survives restarts).
    let svc = service(&dir, FeedSource::Demo);
    auth::sign_in(&svc, "admin", "admin-pass-123").unwrap();
    let v = settings::get(&svc).unwrap();
    assert_eq!(
        (v.sync_interval_secs, v.warning_lead, v.language.as_str()),
        (120, 2, "en")
    );
    assert_eq!(v.token_hint.as_deref(), Some("••••9f2a"));
    assert_eq!(
        svc.app_info().unwrap().feed_url,
        "https://feed.example.gov.cn/api"
    );

    // Clearing the URL returns to the start-up feed; an empty token removes it.
    let v = settings::update(
        &svc,
        SettingsUpdate {
            feed_url: Some(String::new()),
            token: Some(String::new()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(v.feed_url, "");
    assert_eq!(v.token_hint, None);
}

#[test]
fn the_token_is_never_shown_or_logged_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let svc = admin_service(&dir, FeedSource::Demo);
    let token = "Bearer-abcdefgh-SECRET-wxyz";
    let v = settings::update(
        &svc,
        SettingsUpdate {
            token: Some(token.into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(v.token_hint.as_deref(), Some("••••wxyz"));
    let json = serde_json_like(&format!("{v:?}"));
    assert!(!json.contains("SECRET"), "{json}");
    let stored = settings::load(&svc.db().unwrap()).unwrap();
    assert_eq!(stored.token.as_deref(), Some(token), "stored for the sync");
    let debug = format!("{stored:?}");
    assert!(
        !debug.contains("SECRET") && debug.contains("••••wxyz"),
        "{debug}"
    );
    // The change log keeps only the hint.
    let db = svc.db().unwrap();
    let logged: Vec<String> =
        jiancha_store::settings::changes(db.conn(), Some(jiancha_store::settings::CONSOLE))
            .unwrap()
            .into_iter()
            .map(|c| {
                format!(
                    "{}|{}",
                    c.old_value.unwrap_or_default(),
                    c.new_value.unwrap_or_default()
                )
            })
            .collect();
    assert_eq!(logged, vec!["|••••wxyz".to_string()]);
    // Short tokens are hidden entirely.
    assert_eq!(settings::token_hint("abcd1234"), "••••");
}

fn serde_json_like(s: &str) -> String {
    s.to_owned()
}

#[test]
fn only_the_language_changes_without_a_signed_in_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(&dir, FeedSource::Demo);
    // Before anyone signs in: the language may be switched …
    let v = settings::update(
        &svc,
        SettingsUpdate {
            language: Some("en".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(v.language, "en");
    // … but not the warning lead (Art. B5(1)), nor the feed; nothing is stored.
    let err = settings::update(
        &svc,
        SettingsUpdate {
            warning_lead: Some(3),
            language: Some("zh-CN".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthenticated, "{err:?}");
    let v = settings::get(&svc).unwrap();
    assert_eq!((v.warning_lead, v.language.as_str()), (1, "en"));

    // An administrator's change lands in the audit chain, the token only as its hint.
    auth::setup_first_admin(&svc, "admin", "管理员", "admin-pass-123").unwrap();
    settings::update(
        &svc,
        SettingsUpdate {
            warning_lead: Some(2),
            token: Some("tok-abcdefgh-SECRET-9999".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let page = auth::audit_page(&svc, 0, 50).unwrap();
    let text = format!("{page:?}");
    assert!(text.contains("clock.warning_lead"), "{text}");
    assert!(text.contains("••••9999"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
}

#[test]
fn bad_input_names_the_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let svc = admin_service(&dir, FeedSource::Demo);
    settings::update(
        &svc,
        SettingsUpdate {
            sync_interval_secs: Some(60),
            ..Default::default()
        },
    )
    .unwrap();
    let cases: Vec<(SettingsUpdate, &str)> = vec![
        (
            SettingsUpdate {
                feed_url: Some("ftp://x".into()),
                sync_interval_secs: Some(90),
                ..Default::default()
            },
            "feed_url",
        ),
        (
            SettingsUpdate {
                feed_url: Some("http://".into()),
                ..Default::default()
            },
            "feed_url",
        ),
        (
            SettingsUpdate {
                feed_url: Some("http://host:99999/".into()),
                ..Default::default()
            },
            "feed_url",
        ),
        (
            SettingsUpdate {
                sync_interval_secs: Some(5),
                ..Default::default()
            },
            "sync_interval_secs",
        ),
        (
            SettingsUpdate {
                warning_lead: Some(11),
                ..Default::default()
            },
            "warning_lead",
        ),
        (
            SettingsUpdate {
                language: Some("fr".into()),
                ..Default::default()
            },
            "language",
        ),
        (
            SettingsUpdate {
                token: Some("a b".into()),
                ..Default::default()
            },
            "token",
        ),
    ];
    for (update, field) in cases {
        let err = settings::update(&svc, update.clone()).expect_err(field);
        assert_eq!(err.code, ErrorCode::InvalidInput, "{update:?}");
        assert!(err.message.contains(field), "{field}: {}", err.message);
    }
    let v = settings::get(&svc).unwrap();
    assert_eq!((v.sync_interval_secs, v.feed_url.as_str()), (60, ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_sync_cycle_stores_cases_evaluates_and_reports() {
    let sim = jiancha_feedsim::serve(ServeConfig::new(WorldConfig::new(7, 300)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let svc = service(&dir, FeedSource::Remote { url: sim.url() });
    // The raw quarantine is for signed-in users only.
    assert_eq!(
        sync::quarantine_page(&svc, 0, 5).unwrap_err().code,
        ErrorCode::Unauthenticated
    );
    auth::setup_first_admin(&svc, "admin", "管理员", "admin-pass-123").unwrap();
    let rec = Arc::new(Recorder::default());
    let sink: Arc<dyn LiveSink> = rec.clone();

    let outcome = live::sync_cycle(&svc, &sink).await;
    assert_eq!(outcome, CycleOutcome::Synced);
    let st = sync::status(&svc).unwrap();
    assert_eq!(st.state, SyncState::Idle);
    assert!(st.cases > 200, "{st:?}");
    assert_eq!(st.feed_url, sim.url());
    let run = st.last_success.clone().expect("a completed run");
    assert!(run.records >= 300 && run.bytes > 0, "{run:?}");
    assert!(st.signals.evaluated_at.is_some());
    assert!(
        st.signals.warning + st.signals.yellow + st.signals.red > 0,
        "the simulator plants late cases: {st:?}"
    );
    // The sink saw syncing, then idle; and one evaluation (the baseline: no notification).
    let states: Vec<SyncState> = rec.status.lock().unwrap().iter().map(|s| s.state).collect();
    assert_eq!(states.first(), Some(&SyncState::Syncing));
    assert_eq!(states.last(), Some(&SyncState::Idle));
    let sig = rec.signals.lock().unwrap().clone();
    assert_eq!(sig.len(), 1);
    assert_eq!(sig[0].new_red, 0);
    assert!(sig[0].evaluated > 200);

    // Departments and the quarantine list are readable and paginated.
    let depts = sync::departments(&svc).unwrap();
    assert!(!depts.is_empty());
    assert!(depts.iter().map(|d| d.records).sum::<u64>() > 0);
    let page = sync::quarantine_page(&svc, 0, 5).unwrap();
    assert_eq!(page.total, st.quarantined);
    assert!(page.items.len() as u64 <= 5);
    if let Some(first) = page.items.first() {
        let rec = sync::quarantine_record(&svc, first.id).unwrap();
        assert!(!rec.raw.is_empty() && !rec.item.reason.is_empty());
    }
    assert_eq!(
        sync::quarantine_page(&svc, 0, 0).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        sync::quarantine_record(&svc, -1).unwrap_err().code,
        ErrorCode::NotFound
    );

    // A second cycle is incremental (nothing new) and still succeeds.
    assert_eq!(live::sync_cycle(&svc, &sink).await, CycleOutcome::Synced);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_with_a_clear_message() {
    let mut cfg = ServeConfig::new(WorldConfig::new(7, 50));
    cfg.token = Some("right-token-1234".into());
    let sim = jiancha_feedsim::serve(cfg).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let svc = admin_service(&dir, FeedSource::Remote { url: sim.url() });
    settings::update(
        &svc,
        SettingsUpdate {
            token: Some("wrong-token-5678".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let sink: Arc<dyn LiveSink> = Arc::new(Recorder::default());
    let outcome = live::sync_cycle(&svc, &sink).await;
    let CycleOutcome::Stopped(msg) = outcome else {
        panic!("a 401 is permanent: {outcome:?}")
    };
    assert!(msg.contains("同步停止"), "{msg}");
    assert!(!msg.contains("wrong-token-5678"), "token leaked: {msg}");
    let st = sync::status(&svc).unwrap();
    assert_eq!(st.state, SyncState::Stopped);
    assert_eq!(st.last_error.as_deref(), Some(msg.as_str()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_feed_starts_on_loopback_and_the_loop_is_send() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(&dir, FeedSource::Demo);
    let url = live::start_demo_feed(&svc).await.unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let info = tokio::task::spawn_blocking({
        let svc = svc.clone();
        move || svc.app_info().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(info.feed_url, url);
    assert!(info.demo_feed);
    // The loop runs on a multi-threaded runtime (Tauri's): it must be Send. Start it and stop
    // it as soon as it has begun syncing.
    let sink: Arc<dyn LiveSink> = Arc::new(Recorder::default());
    let task = tokio::spawn(live::run(svc.clone(), sink));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    task.abort();
}
