//! The simulator over real loopback HTTP: paging, auth, gzip, live mode and every fault mode,
//! with a minimal correct client (retry transient errors, highest seq wins) that must converge
//! to the simulator's truth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiancha_feedsim::{serve, FaultMode, Faults, Handle, LiveConfig, ServeConfig, WorldConfig};
use jiancha_protocol::{validate, CaseDigest, DigestResult, Entity, Page, Timestamp};

#[derive(Default, Debug)]
struct Observed {
    statuses: Vec<u16>,
    transport_errors: usize,
    unparsable_pages: usize,
    malformed: usize,
    resent_records: usize,
    ahead_records: usize,
    unordered_pages: usize,
    slowest: Duration,
    requests: usize,
    retry_after: usize,
}

struct Synced {
    latest: HashMap<(String, String), (u64, jiancha_protocol::Record)>,
    cursor: String,
    obs: Observed,
}

impl Synced {
    fn new() -> Self {
        Synced {
            latest: HashMap::new(),
            cursor: "0".into(),
            obs: Observed::default(),
        }
    }

    fn digest(&self) -> DigestResult {
        let mut d = CaseDigest::new();
        for (_, r) in self.latest.values() {
            if let Entity::Case(c) = &r.entity {
                d.add(c);
            }
        }
        d.finish()
    }
}

async fn sync(url: &str, token: Option<&str>, limit: u32, s: &mut Synced) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    loop {
        s.obs.requests += 1;
        assert!(s.obs.requests < 5000, "the sync does not converge");
        let mut req = client.get(format!("{url}/v1/changes?after={}&limit={limit}", s.cursor));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let t0 = Instant::now();
        let resp = match req.send().await {
            Ok(r) => r,
            Err(_) => {
                s.obs.transport_errors += 1;
                continue;
            }
        };
        let status = resp.status().as_u16();
        s.obs.statuses.push(status);
        if status != 200 {
            assert!(status == 429 || status >= 500, "permanent error {status}");
            if resp.headers().contains_key("retry-after") {
                s.obs.retry_after += 1;
            }
            continue;
        }
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(_) => {
                s.obs.transport_errors += 1;
                continue;
            }
        };
        s.obs.slowest = s.obs.slowest.max(t0.elapsed());
        let page: Page = match serde_json::from_slice(&body) {
            Ok(p) => p,
            Err(_) => {
                s.obs.unparsable_pages += 1;
                continue;
            }
        };
        jiancha_protocol::check_schema_version(&page.schema_version).unwrap();
        let after: u64 = s.cursor.parse().unwrap();
        let mut prev = 0;
        let mut unordered = false;
        for raw in &page.records {
            match validate(raw.get()) {
                Ok(r) => {
                    if r.seq <= after {
                        s.obs.resent_records += 1;
                    }
                    if r.seq > after + limit as u64 {
                        s.obs.ahead_records += 1;
                    }
                    if r.seq < prev {
                        unordered = true;
                    }
                    prev = r.seq;
                    let key = (r.record_type().as_str().to_owned(), r.id().to_owned());
                    match s.latest.get(&key) {
                        Some((seq, _)) if *seq >= r.seq => {}
                        _ => {
                            s.latest.insert(key, (r.seq, r));
                        }
                    }
                }
                Err(_) => s.obs.malformed += 1,
            }
        }
        if unordered {
            s.obs.unordered_pages += 1;
        }
        let next: u64 = page.next_cursor.parse().unwrap();
        assert!(next >= after, "the cursor never moves backwards");
        s.cursor = page.next_cursor.clone();
        if !page.has_more {
            break;
        }
    }
}

fn config(cases: u64, faults: Faults) -> ServeConfig {
    let mut c = ServeConfig::new(WorldConfig::new(42, cases));
    c.faults = faults;
    c.slow_ms = 250;
    c.retry_after_secs = 0;
    c
}

async fn fault_run(mode: FaultMode) -> (Handle, Synced) {
    let h = serve(config(800, Faults::default().with(mode)))
        .await
        .unwrap();
    let mut s = Synced::new();
    sync(&h.url(), None, 40, &mut s).await;
    let truth = h.truth();
    assert_eq!(
        s.digest(),
        truth.digest,
        "mode {mode}: the sync converges to the truth"
    );
    assert_eq!(s.cursor, truth.history_seq.to_string());
    (h, s)
}

#[tokio::test]
async fn paging_is_contiguous_and_converges() {
    let h = serve(config(700, Faults::default())).await.unwrap();
    let truth = h.truth();
    assert_eq!(h.latest_seq(), truth.history_seq);
    let client = reqwest::Client::new();
    let mut cursor = 0u64;
    let mut expected = 1u64;
    loop {
        let body = client
            .get(format!("{}/v1/changes?after={cursor}&limit=97", h.url()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: Page = serde_json::from_slice(&body).unwrap();
        for raw in &page.records {
            let r = validate(raw.get()).unwrap();
            assert_eq!(r.seq, expected, "seqs are contiguous and ascending");
            expected += 1;
        }
        assert!(page.records.len() <= 97);
        cursor = page.next_cursor.parse().unwrap();
        if !page.has_more {
            break;
        }
    }
    assert_eq!(cursor, truth.history_seq);
    // The feed id names this change log: same config, same id; another history, another id.
    let id = h.world().feed_id();
    let body = client
        .get(format!("{}/v1/changes?limit=1", h.url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let page: Page = serde_json::from_slice(&body).unwrap();
    assert_eq!(page.feed_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        jiancha_feedsim::World::new(WorldConfig::new(42, 700)).feed_id(),
        id
    );
    assert_ne!(
        jiancha_feedsim::World::new(WorldConfig::new(42, 701)).feed_id(),
        id
    );
    let mut s = Synced::new();
    sync(&h.url(), None, 5000, &mut s).await;
    assert_eq!(s.digest(), truth.digest);
    assert!(truth.digest.cases > 600, "{:?}", truth.digest);
    // An empty page at the end keeps the cursor.
    let body = client
        .get(format!("{}/v1/changes?after={cursor}", h.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page: Page = serde_json::from_str(&body).unwrap();
    assert!(page.records.is_empty() && !page.has_more);
    assert_eq!(page.next_cursor, cursor.to_string());
    h.shutdown().await;
}

#[tokio::test]
async fn auth_errors_and_gzip() {
    let mut c = config(50, Faults::default());
    c.token = Some("s3cret".into());
    let h = serve(c).await.unwrap();
    let url = h.url();
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let get = |path: &str, token: Option<&str>| {
        let mut r = client.get(format!("{url}{path}"));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    assert_eq!(get("/v1/changes", None).await.unwrap().status(), 401);
    assert_eq!(
        get("/v1/changes", Some("nope")).await.unwrap().status(),
        403
    );
    assert_eq!(
        get("/v1/changes", Some("s3cret")).await.unwrap().status(),
        200
    );
    let r = get("/v1/changes?limit=0", Some("s3cret")).await.unwrap();
    assert_eq!(r.status(), 400);
    let e: jiancha_protocol::ErrorBody = r.json().await.unwrap();
    assert_eq!(e.error.code, "bad_request");
    assert_eq!(
        get("/v1/changes?after=x", Some("s3cret"))
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        get("/v1/changes?after=99999999", Some("s3cret"))
            .await
            .unwrap()
            .status(),
        410
    );
    assert_eq!(
        get("/v2/changes", Some("s3cret")).await.unwrap().status(),
        404
    );
    // Limits above the maximum are clamped.
    let body = get("/v1/changes?limit=999999", Some("s3cret"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let page: Page = serde_json::from_slice(&body).unwrap();
    assert!(page.records.len() <= jiancha_protocol::MAX_PAGE_SIZE as usize);
    // Health needs no token.
    let health: jiancha_protocol::Health =
        get("/v1/health", None).await.unwrap().json().await.unwrap();
    assert_eq!(health.latest_seq, h.latest_seq());
    assert_eq!(health.server_time, WorldConfig::default_history_end());
    assert_eq!(health.feed_id, Some(h.world().feed_id()));
    // gzip when asked.
    let r = client
        .get(format!("{url}/v1/changes?limit=50"))
        .bearer_auth("s3cret")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gz = r.bytes().await.unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text).unwrap();
    let page: Page = serde_json::from_str(&text).unwrap();
    assert_eq!(page.records.len(), 50);
    // And the ordinary gzip-enabled client decodes transparently.
    let mut s = Synced::new();
    sync(&url, Some("s3cret"), 1000, &mut s).await;
    assert_eq!(s.digest(), h.truth().digest);
    h.shutdown().await;
}

#[tokio::test]
async fn fault_5xx() {
    let (_h, s) = fault_run(FaultMode::Http5xx).await;
    for code in [500, 502, 503, 429] {
        assert!(
            s.obs.statuses.contains(&code),
            "{code} in {:?}",
            s.obs.statuses
        );
    }
    assert!(s.obs.retry_after > 0);
}

#[tokio::test]
async fn fault_slow() {
    let (_h, s) = fault_run(FaultMode::Slow).await;
    assert!(
        s.obs.slowest >= Duration::from_millis(250),
        "{:?}",
        s.obs.slowest
    );
}

#[tokio::test]
async fn fault_truncate() {
    let (h, s) = fault_run(FaultMode::Truncate).await;
    assert!(
        s.obs.unparsable_pages + s.obs.transport_errors >= 2,
        "{:?}",
        s.obs
    );
    // Without gzip both kinds show: a complete answer cut mid-JSON, and a dropped connection.
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let (mut cut_json, mut dropped) = (0, 0);
    for _ in 0..24 {
        match client
            .get(format!("{}/v1/changes?limit=20", h.url()))
            .send()
            .await
        {
            Ok(r) => match r.bytes().await {
                Ok(b) => {
                    if serde_json::from_slice::<Page>(&b).is_err() {
                        cut_json += 1;
                    }
                }
                Err(_) => dropped += 1,
            },
            Err(_) => dropped += 1,
        }
    }
    assert!(
        cut_json > 0 && dropped > 0,
        "cut {cut_json}, dropped {dropped}"
    );
}

#[tokio::test]
async fn fault_duplicate() {
    let (_h, s) = fault_run(FaultMode::Duplicate).await;
    assert!(s.obs.resent_records > 0, "{:?}", s.obs);
}

#[tokio::test]
async fn fault_reorder() {
    let (_h, s) = fault_run(FaultMode::Reorder).await;
    assert!(s.obs.unordered_pages > 0, "{:?}", s.obs);
    assert!(s.obs.ahead_records > 0, "{:?}", s.obs);
}

#[tokio::test]
async fn fault_malformed() {
    let (_h, s) = fault_run(FaultMode::Malformed).await;
    assert!(s.obs.malformed > 0, "{:?}", s.obs);
}

#[tokio::test]
async fn fault_all_transport_at_once() {
    let h = serve(config(600, Faults::ALL)).await.unwrap();
    let mut s = Synced::new();
    sync(&h.url(), None, 150, &mut s).await;
    assert_eq!(s.digest(), h.truth().digest);
    assert!(s.obs.malformed > 0 && s.obs.resent_records > 0 && s.obs.unordered_pages > 0);
    h.shutdown().await;
}

#[tokio::test]
async fn live_mode_publishes_new_changes_in_order() {
    let h = serve(config(500, Faults::default())).await.unwrap();
    let mut s = Synced::new();
    sync(&h.url(), None, 1000, &mut s).await;
    let before = h.latest_seq();
    let start = h.sim_now();
    h.advance_to(Timestamp::from_unix(start.unix() + 3 * 86_400).unwrap());
    assert!(
        h.latest_seq() > before,
        "three simulated days publish new versions"
    );
    assert_eq!(h.sim_now().unix(), start.unix() + 3 * 86_400);
    sync(&h.url(), None, 1000, &mut s).await;
    assert_eq!(s.digest(), h.current_digest());
    assert_ne!(
        s.digest(),
        h.truth().digest,
        "the live feed moved past the history"
    );
    // Time never goes back.
    h.advance_to(start);
    assert_eq!(h.sim_now().unix(), start.unix() + 3 * 86_400);
    h.shutdown().await;
}

#[tokio::test]
async fn live_ticker_follows_the_callers_clock() {
    let t0 = Instant::now();
    let fake = Arc::new(Mutex::new(t0));
    let f2 = fake.clone();
    let mut c = config(300, Faults::default());
    c.live = Some(LiveConfig {
        speed: 3600.0,
        tick: Duration::from_millis(10),
        clock: Arc::new(move || *f2.lock().unwrap()),
    });
    let h = serve(c).await.unwrap();
    let start = h.sim_now().unix();
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(
        h.sim_now().unix(),
        start,
        "the simulated clock only moves with the caller's clock"
    );
    *fake.lock().unwrap() = t0 + Duration::from_secs(48);
    let mut waited = 0;
    while h.sim_now().unix() == start && waited < 200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
    }
    assert_eq!(h.sim_now().unix(), start + 48 * 3600);
    h.shutdown().await;
}

#[tokio::test]
async fn console_demo_preset_serves_history_ending_at_the_callers_now() {
    let now = Timestamp::parse("2026-11-27T10:30:00+08:00").unwrap();
    let t0 = Instant::now();
    let fake = Arc::new(Mutex::new(t0));
    let f2 = fake.clone();
    let h = serve(ServeConfig::console_demo(
        now,
        Arc::new(move || *f2.lock().unwrap()),
    ))
    .await
    .unwrap();
    assert_eq!(h.sim_now(), now);
    assert!(h.latest_seq() > 20_000);
    let health: jiancha_protocol::Health = reqwest::get(format!("{}/v1/health", h.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health.server_time, now);
    let before = h.latest_seq();
    // Ten real seconds at the preset's speed is more than a simulated working day.
    *fake.lock().unwrap() = t0 + Duration::from_secs(10);
    let mut waited = 0;
    while h.latest_seq() == before && waited < 300 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
    }
    assert!(
        h.latest_seq() > before,
        "live mode publishes as the caller's clock advances"
    );
    h.shutdown().await;
}
